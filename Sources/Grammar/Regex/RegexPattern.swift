/// A parsed ECMA-262 regular expression, as JSON Schema `pattern` and `--regex` use them.
///
/// The dialect is ECMA-262 with the `u` flag's code-point semantics (`.` and classes match whole
/// code points, `\u{…}`, `\p{…}`), plus Annex B leniency that real-world schemas rely on: identity
/// escapes of any non-alphanumeric character (`\-`, `\/`, `\"`), literal `{`, `}` and `]` where
/// they cannot start a quantifier or end a class, and `-` next to a class escape inside a class.
///
/// ```swift
/// let p = try RegexPattern.parse("^[a-z]+(?:-[a-z]+)*$")
/// var ir = RegexIR()
/// let e = try ir.add(p, mode: .search)
/// ```
public struct RegexPattern: Sendable, Equatable {
    /// The pattern text.
    public let source: String
    /// The syntax tree.
    public let root: Node

    /// A node of the syntax tree. Literals, `.`, classes and class escapes are all `.set`.
    public indirect enum Node: Sendable, Equatable {
        /// Matches the empty string.
        case empty
        /// One code point from the set.
        case set(CodePointSet)
        /// The parts in sequence.
        case concat([Node])
        /// Any one of the alternatives.
        case alternation([Node])
        /// A group; capturing or not, it only groups here.
        case group(Node, name: String?, capturing: Bool)
        /// `min...max` repetitions (`max == nil`: unbounded); `lazy` does not change the language.
        case quantified(Node, min: Int, max: Int?, lazy: Bool)
        /// `^`, `$`, `\b`, `\B`.
        case assertion(RegexIR.Assertion)
        /// `(?=…)` or `(?!…)`; `offset` is the byte offset of its `(` for error messages.
        case lookahead(Node, negated: Bool, offset: Int)
    }

    /// Parses `pattern`, or throws a `RegexError` with the byte offset of the problem.
    public static func parse(_ pattern: String, limits: RegexIR.Limits = RegexIR.Limits()) throws(RegexError) -> RegexPattern {
        var parser = RegexParser(pattern, limits: limits)
        return RegexPattern(source: pattern, root: try parser.parse())
    }
}

extension RegexPattern.Node {
    /// True if the subtree contains a lookahead.
    var containsLookahead: Bool {
        switch self {
        case .empty, .set, .assertion: return false
        case .lookahead: return true
        case .concat(let xs), .alternation(let xs): return xs.contains { $0.containsLookahead }
        case .group(let x, _, _), .quantified(let x, _, _, _): return x.containsLookahead
        }
    }

    /// The offset of the first lookahead in the subtree.
    var firstLookaheadOffset: Int? {
        switch self {
        case .empty, .set, .assertion: return nil
        case .lookahead(_, _, let offset): return offset
        case .concat(let xs), .alternation(let xs): return xs.lazy.compactMap { $0.firstLookaheadOffset }.first
        case .group(let x, _, _), .quantified(let x, _, _, _): return x.firstLookaheadOffset
        }
    }
}
