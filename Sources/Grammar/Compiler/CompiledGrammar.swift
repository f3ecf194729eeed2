/// A grammar ready for matching: lexemes as byte automata and rules as flat production arrays.
///
/// Immutable and `Sendable`: compile once, share across sequences; each sequence owns an
/// `EarleyParser` (or a `Matcher`). Lexeme automata are determinized at compile time within
/// `eagerTableBudget` (then every parser shares them and their state numbers are canonical, which
/// lets matchers share mask plans through `maskPlans`); larger ones stay lazy, extended per parser.
///
/// ```swift
/// let g = try GrammarCompiler.compile(GBNF.parse(#"root ::= "a" [0-9]+"#))
/// var p = EarleyParser(g)
/// try p.push(bytes: Array("a12".utf8))   // true
/// p.isAccepting                          // true
/// ```
public struct CompiledGrammar: Sendable {
    /// One regular sub-language matched by the scanner as a unit.
    public struct Lexeme: Sendable {
        /// Where it came from (a terminal name, or the expression's text).
        public var name: String
        /// The automaton in its initial, unexplored form.
        public var dfa: ByteDFA
        /// Matches the empty string (the parser may then skip it).
        public var isNullable: Bool
        /// A Lark `%ignore` terminal: may stand between any two lexemes.
        public var isIgnored: Bool
    }

    /// The lexemes; a lexeme id indexes this array.
    public let lexemes: [Lexeme]
    /// Productions, flattened: each is its symbols followed by `Symbol.end`. A symbol is a
    /// nonterminal (≥ 0), `end` (-1) or a lexeme `l` encoded as `-2 - l`. An Earley "dotted rule"
    /// is an index into this array.
    public let symbols: [Int32]
    /// For every index of `symbols`, the nonterminal whose production it belongs to.
    public let lhsAt: [Int32]
    /// `productionStarts[productionOffsets[n] ..< productionOffsets[n+1]]`: where nonterminal
    /// `n`'s productions begin in `symbols`.
    public let productionOffsets: [Int32]
    public let productionStarts: [Int32]
    /// Nonterminals deriving the empty string.
    public let nullable: [Bool]
    /// Names of nonterminals (rules and helpers), for messages.
    public let nonterminalNames: [String]
    /// Ignored lexemes' ids.
    public let ignoredLexemes: [Int32]
    /// The augmented start production `S' → S`: starts at index 0 of `symbols`; accepted when the
    /// dot reaches index 1 with origin 0.
    public let startNonterminal: Int32

    /// `lexemeIsComplete[l]`: lexeme `l`'s automaton was fully determinized at compile time, so its
    /// state numbers mean the same in every parser (mask plans over such lexemes are shared).
    public let lexemeIsComplete: [Bool]
    /// Mask plans shared by every matcher of this grammar (per token trie); see `Matcher.fillMask`.
    let maskPlans: SharedMaskPlans
    /// Python-style indentation handling between the lexemes and the rules (set by
    /// `IndentationPostLexer.attach`, e.g. for Lark's python.lark); nil for plain grammars.
    public internal(set) var postLexer: IndentationPostLexer? = nil

    /// Transition-table entries (4 bytes each) that compile-time determinization may fill, over
    /// all lexemes; lexemes past it stay lazy.
    public static let eagerTableBudget = 1 << 20

    /// The `end` marker in `symbols`.
    public static let end: Int32 = -1

    @inlinable
    public static func lexemeSymbol(_ lexeme: Int32) -> Int32 { -2 - lexeme }

    /// Determinizes the lexemes within `eagerTableBudget` (unless `complete` says which already
    /// are: a grammar rebuilt from another's lexemes). A lexeme whose automaton needs more
    /// derivative work than its `ByteDFA.Limits.maxWork` (intersections of complemented patterns)
    /// is an error here, at compile time, rather than a stall at the first mask.
    init(lexemes: [Lexeme], symbols: [Int32], lhsAt: [Int32], productionOffsets: [Int32],
         productionStarts: [Int32], nullable: [Bool], nonterminalNames: [String], startNonterminal: Int32,
         complete given: [Bool]? = nil) throws(GrammarError) {
        var lexemes = lexemes
        var complete = given ?? [Bool](repeating: false, count: lexemes.count)
        var budget = given == nil ? Self.eagerTableBudget : 0
        for i in lexemes.indices where budget > 0 {
            var dfa = lexemes[i].dfa
            do {
                if try dfa.determinizeEagerlyShared(maxTableEntries: min(budget, Self.eagerTableBudget / 4)) {
                    complete[i] = true
                    lexemes[i].dfa = dfa
                    budget -= dfa.table.count
                }
            } catch {
                // Too costly per derivative: refuse now. Over the state or expression budget: stay
                // lazy (parsing reports the error where it arises, if it does).
                if ByteDFA.isWorkBudgetError(error) { throw GrammarError("lexeme '\(lexemes[i].name)': \(error)") }
            }
        }
        self.lexemes = lexemes
        self.lexemeIsComplete = complete
        self.maskPlans = SharedMaskPlans()
        self.symbols = symbols
        self.lhsAt = lhsAt
        self.productionOffsets = productionOffsets
        self.productionStarts = productionStarts
        self.nullable = nullable
        self.nonterminalNames = nonterminalNames
        self.ignoredLexemes = lexemes.indices.filter { lexemes[$0].isIgnored }.map { Int32($0) }
        self.startNonterminal = startNonterminal
    }

    /// Number of productions (including the augmented start production).
    public var productionCount: Int { productionStarts.count }
}
