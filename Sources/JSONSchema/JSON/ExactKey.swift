/// A string compared and hashed by its exact code points, as JSON compares object keys.
///
/// Swift's `String ==` and `String` hashing use Unicode canonical equivalence, so `"é"` (U+00E9)
/// and `"e\u{301}"` would be the same dictionary key; in JSON (RFC 8259 §8.3) and JSON Schema they
/// are different names. Object lookups, `properties` and annotation sets key on this type.
///
/// ```swift
/// ExactKey("\u{e9}") == ExactKey("e\u{301}")   // false
/// ```
public struct ExactKey: Hashable, Sendable {
    public let string: String

    public init(_ string: String) { self.string = string }

    @inlinable
    public static func == (lhs: ExactKey, rhs: ExactKey) -> Bool { lhs.string.exactlyEquals(rhs.string) }

    public func hash(into hasher: inout Hasher) {
        var s = string
        s.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}

extension String {
    /// Code-point equality (no canonical equivalence): the same UTF-8 bytes.
    @inlinable
    public func exactlyEquals(_ other: String) -> Bool { utf8.elementsEqual(other.utf8) }
}
