/// The lexemes in progress at a row, stepped together: a lazily built DFA whose states are sets of
/// `(lexeme, automaton state)` pairs (the product construction restricted to what is reached), so a
/// mask plan build costs one table lookup per trie node however many lexemes are in progress.
///
/// Building a plan walks every live trie node of the lexer state (at a JSON string body or a C
/// comment, nearly the whole trie); stepping each pair through its own automaton per node, with the
/// dead check and the accepting check apart, made builds most of a C workload's mask time
/// (callgrind). Here a node is `table[state * classCount + classOf[byte]]` and one flag.
///
/// Byte classes are the common refinement of every lexeme automaton's classes: two bytes in one
/// class step every lexeme alike. State 0 is the empty set (every lexeme dead). Transitions are
/// computed on first use with the parser's automata (which determinize lazily where the compiler
/// did not), and the pair sets never name dead automaton states (`EarleyParser.stepLexeme`).
///
/// ```swift
/// var sets = LexerSetDFA(grammar)
/// let s = sets.state(for: [0 << 32 | 1])                 // lexeme 0 in its state 1
/// let t = try sets.next(s, UInt8(ascii: "a"), parser: &parser)
/// sets.completes[Int(t)]                                  // some lexeme accepts after "a"
/// ```
struct LexerSetDFA {
    /// Byte → class, the refinement of every lexeme automaton's byte classes.
    let classOf: [UInt8]
    /// A byte of each class.
    let classByte: [UInt8]
    let classCount: Int
    /// State `s`'s pairs: `pairs[pairStart[s] ..< pairStart[s + 1]]`, sorted `lexeme << 32 | state`.
    var pairs: [UInt64] = []
    var pairStart: [Int] = [0, 0]
    /// Some pair of the state is in an accepting automaton state (a lexeme completes here).
    var completes: [Bool] = [false]
    /// `state * classCount + class` → next state, -1 while not computed.
    var table: [Int32]
    var index: [[UInt64]: Int32] = [[]: 0]
    var stepScratch: [UInt64] = []

    init(_ grammar: CompiledGrammar) {
        var classOf = [UInt8](repeating: 0, count: 256)
        var bytes: [UInt8] = []
        var ids: [[UInt8]: UInt8] = [:]
        var signature = [UInt8](repeating: 0, count: grammar.lexemes.count)
        for b in 0..<256 {
            for l in grammar.lexemes.indices { signature[l] = grammar.lexemes[l].dfa.classOf[b] }
            if let c = ids[signature] { classOf[b] = c } else {
                let c = UInt8(truncatingIfNeeded: ids.count)
                // At most 256 classes: a byte is a class of its own at worst.
                ids[signature] = c
                classOf[b] = c
                bytes.append(UInt8(b))
            }
        }
        self.classOf = classOf
        self.classByte = bytes
        self.classCount = bytes.count
        self.table = [Int32](repeating: -1, count: bytes.count)
    }

    var stateCount: Int { completes.count }

    /// Bytes held (capacities).
    var memoryFootprint: Int {
        pairs.capacity * 8 + pairStart.capacity * 8 + completes.capacity + table.capacity * 4
            + index.capacity * 48 + stepScratch.capacity * 8 + 512
    }

    /// The state for `sorted` (sorted, distinct, live `lexeme << 32 | state` pairs), added if new.
    mutating func state(for sorted: [UInt64], parser: EarleyParser) -> Int32 {
        if let s = index[sorted] { return s }
        let s = Int32(completes.count)
        index[sorted] = s
        pairs.append(contentsOf: sorted)
        pairStart.append(pairs.count)
        var c = false
        for p in sorted where parser.lexemeAccepts(Int32(truncatingIfNeeded: p >> 32), Int32(truncatingIfNeeded: p & 0xFFFF_FFFF)) {
            c = true
            break
        }
        completes.append(c)
        table.append(contentsOf: repeatElement(-1, count: classCount))
        return s
    }

    /// The state after `byte` from `s`, computed (and cached) on first use.
    @inline(__always)
    mutating func next(_ s: Int32, _ byte: UInt8, parser: inout EarleyParser) throws(GrammarError) -> Int32 {
        let cls = Int(classOf[Int(byte)])
        let t = table[Int(s) * classCount + cls]
        if t >= 0 { return t }
        return try computeTransition(s, cls, parser: &parser)
    }

    mutating func computeTransition(_ s: Int32, _ cls: Int, parser: inout EarleyParser) throws(GrammarError) -> Int32 {
        let byte = classByte[cls]
        stepScratch.removeAll(keepingCapacity: true)
        for i in pairStart[Int(s)]..<pairStart[Int(s) + 1] {
            let p = pairs[i]
            let l = Int32(truncatingIfNeeded: p >> 32)
            let t = try parser.stepLexeme(l, Int32(truncatingIfNeeded: p & 0xFFFF_FFFF), byte)
            if t != ByteDFA.deadState { stepScratch.append(UInt64(UInt32(bitPattern: l)) << 32 | UInt64(UInt32(bitPattern: t))) }
        }
        // Two states of one lexeme (from different origins) may step to the same state.
        Matcher.sortUnique(&stepScratch)
        let key = stepScratch
        let t = state(for: key, parser: parser)
        table[Int(s) * classCount + cls] = t
        return t
    }
}
