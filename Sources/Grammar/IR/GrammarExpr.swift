/// The right-hand side of a rule or terminal: the grammar IR's expression tree.
///
/// ```swift
/// // "[" value ("," value)* "]"
/// let list: GrammarExpr = .sequence([.literal("["), .rule(value),
///     .repeat(.sequence([.literal(","), .rule(value)]), min: 0, max: nil), .literal("]")])
/// ```
public indirect enum GrammarExpr: Sendable, Hashable {
    /// The empty string.
    case empty
    /// Exact text (matched as its UTF-8 bytes); `caseInsensitive` for Lark's `"text"i`.
    case literal(String, caseInsensitive: Bool = false)
    /// One Unicode scalar from the set (matched as its UTF-8 encoding).
    case characterClass(CharacterClass)
    /// A regular expression in `dialect`, matched in full (anchored at both ends).
    case regex(String, dialect: RegexDialect)
    /// A reference to a rule.
    case rule(RuleID)
    /// A reference to a named terminal.
    case terminal(TerminalID)
    /// Each in turn.
    case sequence([GrammarExpr])
    /// Any one of them.
    case choice([GrammarExpr])
    /// `min` to `max` (nil: unbounded) repetitions.
    case `repeat`(GrammarExpr, min: Int, max: Int?)

    /// `expr?`
    public static func optional(_ expr: GrammarExpr) -> GrammarExpr { .repeat(expr, min: 0, max: 1) }
}

/// The regex syntax a `GrammarExpr.regex` is written in, with its flags.
public struct RegexDialect: Sendable, Hashable {
    public enum Syntax: String, Sendable, Hashable {
        /// ECMA-262, as JSON Schema `pattern` and `--regex` use.
        case ecma
        /// Python's `re`, as Lark's `/regex/flags` terminals use.
        case python
    }
    public var syntax: Syntax
    /// Lark flags: i (ignore case), m (multi-line), s (dot-all), u, x (verbose), l.
    public var flags: Set<Character>

    public init(_ syntax: Syntax, flags: Set<Character> = []) {
        self.syntax = syntax
        self.flags = flags
    }

    public static let ecma = RegexDialect(.ecma)
}
