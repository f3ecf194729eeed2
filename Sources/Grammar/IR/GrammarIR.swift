/// A context-free grammar as every front-end produces it: rules over terminals, character classes and
/// literals, before lexemes are chosen and automata are built.
///
/// Rules form the context-free part; terminals (Lark's upper-case names, or lexemes the compiler
/// extracts) are regular and are matched by the lexer. GBNF has no terminals of its own: its literals
/// and character classes stand inside rules.
///
/// ```swift
/// var b = GrammarBuilder()
/// let digit = b.rule("digit", .characterClass(CharacterClass(ranges: [48...57])))
/// let number = b.rule("number", .repeat(.rule(digit), min: 1, max: nil))
/// let grammar = try b.build(start: number)
/// ```
public struct GrammarIR: Sendable, Hashable {
    /// The rules; a `RuleID` indexes this array.
    public var rules: [Rule]
    /// The named terminals; a `TerminalID` indexes this array.
    public var terminals: [Terminal]
    /// Terminals that may appear between any two lexemes and are dropped (Lark's `%ignore`).
    public var ignored: [TerminalID]
    /// The start rule.
    public var start: RuleID

    public init(rules: [Rule], terminals: [Terminal] = [], ignored: [TerminalID] = [], start: RuleID) {
        self.rules = rules
        self.terminals = terminals
        self.ignored = ignored
        self.start = start
    }

    public subscript(rule: RuleID) -> Rule { rules[Int(rule.index)] }
    public subscript(terminal: TerminalID) -> Terminal { terminals[Int(terminal.index)] }

    /// The rule named `name`, if any.
    public func rule(named name: String) -> RuleID? {
        rules.firstIndex { $0.name == name }.map { RuleID(Int32($0)) }
    }
}

/// Index of a rule in `GrammarIR.rules`.
public struct RuleID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let index: Int32
    public init(_ index: Int32) { self.index = index }
    public static func < (a: RuleID, b: RuleID) -> Bool { a.index < b.index }
    public var description: String { "r\(index)" }
}

/// Index of a terminal in `GrammarIR.terminals`.
public struct TerminalID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let index: Int32
    public init(_ index: Int32) { self.index = index }
    public static func < (a: TerminalID, b: TerminalID) -> Bool { a.index < b.index }
    public var description: String { "t\(index)" }
}

/// A line and column (both from 1, columns in Unicode scalars) in a grammar's source text.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public let line: Int
    public let column: Int
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
    public var description: String { "\(line):\(column)" }
}

/// A named production: `name ::= body`.
public struct Rule: Sendable, Hashable {
    public var name: String
    public var body: GrammarExpr
    /// Where the rule was defined, when it came from source text.
    public var location: SourceLocation?
    /// Lark's `?rule` and `_rule`: the parse tree would inline it; the language is the same.
    public var inlined: Bool

    public init(name: String, body: GrammarExpr, location: SourceLocation? = nil, inlined: Bool = false) {
        self.name = name
        self.body = body
        self.location = location
        self.inlined = inlined
    }
}

/// A named regular sub-language matched by the lexer as one lexeme.
public struct Terminal: Sendable, Hashable {
    public var name: String
    /// A regular expression over literals, classes, regexes and other terminals (never rules).
    public var body: GrammarExpr
    /// Lexer priority (Lark's `NAME.2:`); higher wins among equally long matches.
    public var priority: Int
    public var location: SourceLocation?

    public init(name: String, body: GrammarExpr, priority: Int = 0, location: SourceLocation? = nil) {
        self.name = name
        self.body = body
        self.priority = priority
        self.location = location
    }
}

/// A set of Unicode scalar values, as sorted, disjoint, non-adjacent closed ranges.
///
/// ```swift
/// let hex = CharacterClass(ranges: [48...57, 97...102])   // [0-9a-f]
/// hex.contains(0x61)          // true
/// hex.inverted.contains(0x67) // true
/// ```
public struct CharacterClass: Sendable, Hashable {
    /// Sorted, disjoint, non-adjacent ranges of scalar values (surrogates are never members).
    public private(set) var ranges: [ClosedRange<UInt32>]

    /// Every Unicode scalar value.
    public static let any = CharacterClass(ranges: [0...0xD7FF, 0xE000...0x10FFFF])

    /// Normalizes `ranges` (any order, overlapping allowed); surrogate code points are dropped.
    public init(ranges: [ClosedRange<UInt32>]) {
        var sorted = ranges.filter { $0.lowerBound <= 0x10FFFF }
            .map { $0.lowerBound...min($0.upperBound, 0x10FFFF) }
            .sorted { $0.lowerBound < $1.lowerBound }
        var out: [ClosedRange<UInt32>] = []
        out.reserveCapacity(sorted.count)
        for r in sorted {
            if let last = out.last, r.lowerBound <= last.upperBound &+ 1 {
                out[out.count - 1] = last.lowerBound...max(last.upperBound, r.upperBound)
            } else {
                out.append(r)
            }
        }
        sorted = []
        // Remove the surrogate block: they are not scalar values and have no UTF-8 encoding.
        self.ranges = out.flatMap { r -> [ClosedRange<UInt32>] in
            if r.upperBound < 0xD800 || r.lowerBound > 0xDFFF { return [r] }
            var parts: [ClosedRange<UInt32>] = []
            if r.lowerBound < 0xD800 { parts.append(r.lowerBound...0xD7FF) }
            if r.upperBound > 0xDFFF { parts.append(0xE000...r.upperBound) }
            return parts
        }
    }

    /// The set of one scalar.
    public init(_ scalar: Unicode.Scalar) { self.init(ranges: [scalar.value...scalar.value]) }

    public var isEmpty: Bool { ranges.isEmpty }

    public func contains(_ value: UInt32) -> Bool {
        var lo = 0, hi = ranges.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if ranges[mid].upperBound < value { lo = mid + 1 } else { hi = mid }
        }
        return lo < ranges.count && ranges[lo].contains(value)
    }

    /// The scalars not in this set.
    public var inverted: CharacterClass {
        var out: [ClosedRange<UInt32>] = []
        var next: UInt32 = 0
        for r in ranges {
            if r.lowerBound > next { out.append(next...(r.lowerBound - 1)) }
            next = r.upperBound + 1
        }
        if next <= 0x10FFFF { out.append(next...0x10FFFF) }
        return CharacterClass(ranges: out)
    }

    public func union(_ other: CharacterClass) -> CharacterClass {
        CharacterClass(ranges: ranges + other.ranges)
    }
}
