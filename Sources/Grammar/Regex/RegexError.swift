/// Why a pattern could not be parsed or compiled, or why an automaton ran out of budget.
///
/// `offset` is a byte offset into the pattern's UTF-8 when the error is about a place in the
/// pattern, `nil` for budget errors that arise later while determinizing.
///
/// ```swift
/// do { _ = try RegexPattern.parse("ab(c") }
/// catch { print(error) }   // "regex error at byte 4: missing ')' to close the group opened at byte 2"
/// ```
public struct RegexError: Error, Equatable, Hashable, Sendable, CustomStringConvertible {
    /// The broad kind of failure.
    public enum Kind: String, Sendable, Hashable {
        /// The pattern is malformed.
        case syntax
        /// The pattern is well formed, but uses a feature that cannot be compiled exactly into a
        /// finite automaton (backreferences, lookbehind, lookahead inside an unbounded quantifier).
        case unsupported
        /// A compile or determinization budget was exceeded.
        case budget
    }

    public let kind: Kind
    /// Byte offset into the pattern's UTF-8, when the error has a place.
    public let offset: Int?
    /// A human-readable reason.
    public let reason: String

    public init(_ kind: Kind, offset: Int?, _ reason: String) {
        self.kind = kind
        self.offset = offset
        self.reason = reason
    }

    public var description: String {
        if let offset { return "regex error at byte \(offset): \(reason)" }
        return "regex error: \(reason)"
    }
}
