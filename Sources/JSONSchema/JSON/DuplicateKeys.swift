extension JSONValue {
    /// Every object member whose key repeats an earlier key of the same object, as a JSON pointer
    /// to the object plus the key, in document order. Lookups use the last member; this says
    /// where the text was ambiguous.
    ///
    /// ```swift
    /// try JSONValue(parsing: #"{"a": {"b": 1, "b": 2}}"#).duplicateKeys   // [("/a", "b")]
    /// ```
    public var duplicateKeys: [(pointer: String, key: String)] {
        var out: [(pointer: String, key: String)] = []
        // Explicit stack (deep values must not recurse): (value, pointer of value).
        var stack: [(JSONValue, String)] = [(self, "")]
        while let (value, pointer) = stack.popLast() {
            switch value {
            case .object(let o):
                for key in o.duplicateKeys { out.append((pointer, key)) }
                for m in o.members.reversed() { stack.append((m.value, pointer + "/" + JSONPointer.escape(m.key))) }
            case .array(let a):
                for (k, v) in a.enumerated().reversed() { stack.append((v, pointer + "/\(k)")) }
            default:
                break
            }
        }
        return out
    }
}
