extension JSONValue {
    /// Every regular expression a schema document holds: `pattern` values and `patternProperties`
    /// keys, at any depth, each object's before those of its members (duplicates kept).
    ///
    /// A plain walk over the document, so a `"pattern"` member inside `properties`, `examples` or
    /// `default` counts too when its value is a string: callers that need only live keywords walk
    /// the loaded schema instead.
    ///
    /// ```swift
    /// let schema = try JSONParser.parse(#"{"properties": {"id": {"pattern": "^[a-f0-9]+$"}}}"#)
    /// schema.regexPatterns   // ["^[a-f0-9]+$"]
    /// ```
    public var regexPatterns: [String] {
        var out: [String] = []
        var stack: [JSONValue] = [self]
        while let v = stack.popLast() {
            switch v {
            case .object(let o):
                for m in o.members {
                    if m.key == "pattern", let s = m.value.stringValue { out.append(s) }
                    if m.key == "patternProperties", let pp = m.value.objectValue { out.append(contentsOf: pp.members.map(\.key)) }
                }
                stack.append(contentsOf: o.members.reversed().map(\.value))
            case .array(let a): stack.append(contentsOf: a.reversed())
            default: break
            }
        }
        return out
    }
}
