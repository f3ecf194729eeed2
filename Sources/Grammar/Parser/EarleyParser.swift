/// A byte-level Earley recognizer over a `CompiledGrammar`, with rows as a stack.
///
/// One row per byte consumed. A row holds (a) Earley items `(dotted rule, origin)`, present only
/// where some lexeme ended (or at the start), and (b) the lexemes in progress, each
/// `(lexeme, DFA state, origin row)`. Reading a byte advances every lexeme in progress by one DFA
/// transition (a cached table lookup once warmed); a lexeme whose state accepts is completed —
/// the items of its origin row waiting for it advance into the new row — *and* keeps running
/// (non-greedy: every split counts). Predictions and completions use Aycock & Horspool's
/// nullable handling ("Practical Earley Parsing", 2002, §3): predicting a nullable nonterminal
/// also advances over it, so completions of empty spans are never needed.
///
/// A push is refused (and leaves no trace) when no continuation of the new prefix can be
/// accepted: every production is productive after compilation, so a prefix is viable exactly
/// when some lexeme in progress can still reach an accepting state, or the start rule is complete.
///
/// ```swift
/// var p = EarleyParser(try GrammarCompiler.compile(GBNF.parse(#"root ::= "(" root ")" | """#)))
/// try p.push(bytes: Array("(()".utf8))   // true
/// p.isAccepting                          // false
/// try p.push(0x29)                        // true: "(())"
/// p.pop(4)
/// ```
public struct EarleyParser {
    /// Per-step work limits; exceeding one is a `GrammarError`.
    public struct Limits: Sendable, Hashable {
        /// Items in one row.
        public var maxItemsPerRow: Int
        /// Lexemes in progress in one row.
        public var maxLexemesPerRow: Int
        public init(maxItemsPerRow: Int = 200_000, maxLexemesPerRow: Int = 200_000) {
            self.maxItemsPerRow = maxItemsPerRow
            self.maxLexemesPerRow = maxLexemesPerRow
        }
    }

    @usableFromInline
    struct Active: Hashable {
        var lexeme: Int32
        var state: Int32
        var origin: Int32
    }

    public let grammar: CompiledGrammar
    public let limits: Limits
    /// The lexeme automata, extended lazily as bytes are read (copy-on-write across forks).
    var dfas: [ByteDFA]
    // The grammar's tables, held directly: reading them through `grammar` in the hot loop copied
    // the whole `CompiledGrammar` (a retain and release per array field, per row: a quarter of the
    // instructions of a mask in callgrind).
    let symbols: [Int32]
    let lhsAt: [Int32]
    let productionOffsets: [Int32]
    let productionStarts: [Int32]
    let nullable: [Bool]
    let ignoredLexemes: [Int32]
    let lexemeIsIgnored: [Bool]
    let lexemeIsNullable: [Bool]
    /// Items as `dot << 32 | origin`.
    var items: [UInt64] = []
    var itemStart: [Int] = [0]
    var actives: [Active] = []
    var activeStart: [Int] = [0]
    var accepting: [Bool] = []
    // Scratch, reused between steps: after warm-up a push allocates nothing.
    var itemSeen = StampedSet()
    /// Deduplication of lexemes in progress when a row has many (small rows scan linearly).
    var activeSeen: Set<Active> = []
    /// Lexemes completed by the byte being read: (lexeme, origin, automaton state).
    var completions: [(Int32, Int32, Int32)] = []
    /// The indentation post-lexer's state, when the grammar has one (`EarleyParser+Indentation`).
    var indentation: IndentationState?
    /// The bits of an item's high word that hold its dot (the rest: the post-lexer's attribute).
    let dotMask: UInt64
    /// `indentation != nil`, as a plain flag for the hot loops.
    let hasPostLexer: Bool
    /// `startedStamp[l] == rowStamp`: lexeme `l` was started in the row being finished.
    var startedStamp: [UInt32]
    var rowStamp: UInt32 = 0

    /// A parser at the start of the text.
    public init(_ grammar: CompiledGrammar, limits: Limits = Limits()) throws(GrammarError) {
        self.grammar = grammar
        self.limits = limits
        self.dfas = grammar.lexemes.map(\.dfa)
        self.symbols = grammar.symbols
        self.lhsAt = grammar.lhsAt
        self.productionOffsets = grammar.productionOffsets
        self.productionStarts = grammar.productionStarts
        self.nullable = grammar.nullable
        self.ignoredLexemes = grammar.ignoredLexemes
        self.lexemeIsIgnored = grammar.lexemes.map(\.isIgnored)
        self.lexemeIsNullable = grammar.lexemes.map(\.isNullable)
        self.startedStamp = [UInt32](repeating: 0, count: grammar.lexemes.count)
        self.indentation = grammar.postLexer.map { IndentationState($0) }
        self.dotMask = grammar.postLexer == nil ? 0xFFFF_FFFF : IndentationState.dotMask
        self.hasPostLexer = grammar.postLexer != nil
        items.reserveCapacity(256)
        actives.reserveCapacity(64)
        itemStart.reserveCapacity(256)
        activeStart.reserveCapacity(256)
        accepting.reserveCapacity(256)
        completions.reserveCapacity(16)
        // Row 0: the augmented start item. A compiled grammar is productive, so row 0 is viable.
        items.append(0)
        _ = itemSeen.insert(0)
        _ = try finishRow(row: 0, itemsFrom: 0, activesFrom: 0)
    }

    /// Bytes held by the rows, scratch space and the lazily extended automata's tables (capacities;
    /// automata determinized at compile time are shared with the grammar and not counted).
    public var memoryFootprint: Int {
        items.capacity * 8 + itemStart.capacity * 8 + actives.capacity * MemoryLayout<Active>.stride
            + activeStart.capacity * 8 + accepting.capacity + itemSeen.memoryFootprint
            + activeSeen.capacity * MemoryLayout<Active>.stride + completions.capacity * 8 + startedStamp.capacity * 4
            + dfas.indices.reduce(0) { $0 + (grammar.lexemeIsComplete[$1] ? 0 : dfas[$1].memoryFootprint) }
    }

    /// Bytes consumed so far.
    public var byteCount: Int { itemStart.count - 2 }

    /// True when the bytes consumed so far form a sentence of the grammar.
    public var isAccepting: Bool { accepting[byteCount] }

    /// Reads one byte; returns false (and changes nothing) when no sentence has the new prefix.
    public mutating func push(_ byte: UInt8) throws(GrammarError) -> Bool {
        let k = byteCount
        let newRow = k + 1
        let itemsFrom = items.count
        let activesFrom = actives.count
        completions.removeAll(keepingCapacity: true)
        var i = activeStart[k]
        let end = activeStart[k + 1]
        // Few lexemes in progress (the common case): duplicates are found by a linear scan of
        // the new row; many: by a set (cleared only when used, as clearing costs its capacity).
        let dedupe = end - i > 1
        let useSet = end - i > 32
        if useSet && !activeSeen.isEmpty { activeSeen.removeAll(keepingCapacity: true) }
        while i < end {
            let a = actives[i]
            i += 1
            let l = Int(a.lexeme)
            let s: Int32
            do {
                if let t = dfas[l].cachedNext(a.state, byte) { s = t } else { s = try dfas[l].next(a.state, byte) }
                if s == ByteDFA.deadState { continue }
                if try dfas[l].isDead(s) { continue }
            } catch {
                throw GrammarError("lexeme '\(grammar.lexemes[l].name)': \(error)")
            }
            let b = Active(lexeme: a.lexeme, state: s, origin: a.origin)
            if !dedupe {
                actives.append(b)
            } else if useSet {
                if activeSeen.insert(b).inserted { actives.append(b) }
            } else {
                var j = activesFrom
                while j < actives.count && actives[j] != b { j += 1 }
                if j == actives.count { actives.append(b) }
            }
            if dfas[l].isAccepting(s) { completions.append((a.lexeme, a.origin, s)) }
        }
        itemSeen.clear()
        if hasPostLexer {
            indentation!.pushRow(byte)
            do { try completeWithIndentation(row: newRow) } catch {
                indentation!.popRows(1)
                actives.removeSubrange(activesFrom...)
                items.removeSubrange(itemsFrom...)
                throw error
            }
        }
        for (l, o, _) in completions where !hasPostLexer {
            let from = itemStart[Int(o)], to = itemStart[Int(o) + 1]
            if lexemeIsIgnored[Int(l)] {
                for j in from..<to { addItem(items[j]) }
            } else {
                let sym = CompiledGrammar.lexemeSymbol(l)
                for j in from..<to {
                    let it = items[j]
                    if symbols[Int(it >> 32)] == sym { addItem(it + (1 << 32)) }
                }
            }
        }
        let ok: Bool
        do { ok = try finishRow(row: newRow, itemsFrom: itemsFrom, activesFrom: activesFrom) } catch {
            items.removeSubrange(itemsFrom...)
            actives.removeSubrange(activesFrom...)
            if indentation != nil { indentation!.popRows(1) }
            throw error
        }
        if !ok {
            items.removeSubrange(itemsFrom...)
            actives.removeSubrange(activesFrom...)
            if indentation != nil { indentation!.popRows(1) }
        }
        return ok
    }

    /// Reads `bytes`; on refusal, rolls back to where it started and returns false.
    public mutating func push(bytes: some Sequence<UInt8>) throws(GrammarError) -> Bool {
        let start = byteCount
        for b in bytes where !(try push(b)) {
            pop(byteCount - start)
            return false
        }
        return true
    }

    /// Forgets the last `count` bytes.
    public mutating func pop(_ count: Int) {
        precondition(count >= 0 && count <= byteCount, "pop(\(count)) with \(byteCount) bytes consumed")
        if count == 0 { return }
        let row = byteCount - count
        itemStart.removeSubrange((row + 2)...)
        activeStart.removeSubrange((row + 2)...)
        accepting.removeSubrange((row + 1)...)
        items.removeSubrange(itemStart[row + 1]...)
        actives.removeSubrange(activeStart[row + 1]...)
        if indentation != nil { indentation!.popRows(count) }
    }

    @inline(__always)
    mutating func addItem(_ it: UInt64) {
        if itemSeen.insert(it) { items.append(it) }
    }

    /// Closes the items added for `row` under prediction and completion, starts the lexemes they
    /// expect, and records the row. Returns false (recording nothing) when the row is not viable.
    mutating func finishRow(row: Int, itemsFrom: Int, activesFrom: Int) throws(GrammarError) -> Bool {
        var i = itemsFrom
        rowStamp &+= 1
        if rowStamp == 0 {
            for j in startedStamp.indices { startedStamp[j] = 0 }
            rowStamp = 1
        }
        var isAccept = false
        while i < items.count {
            let it = items[i]
            i += 1
            let dot = Int((it >> 32) & dotMask)
            let origin = Int(it & 0xFFFF_FFFF)
            let sym = symbols[dot]
            if sym == CompiledGrammar.end {
                if hasPostLexer {
                    // Acceptance is decided after the row (`acceptsAtEnd`: open blocks close there).
                    if origin != row { try completeWithIndentation(it, dot: dot, origin: origin) }
                } else {
                    if origin == row {
                        if dot == 1 { isAccept = true }
                        continue   // empty span: handled at prediction (Aycock–Horspool)
                    }
                    if dot == 1 && origin == 0 { isAccept = true }
                    let lhs = lhsAt[dot]
                    for j in itemStart[origin]..<itemStart[origin + 1] {
                        let w = items[j]
                        if symbols[Int(w >> 32)] == lhs { addItem(w + (1 << 32)) }
                    }
                }
            } else if sym >= 0 {
                let n = Int(sym)
                // The post-lexer's attribute (high bits, 0 without one) is inherited.
                let attribute = it & ~(dotMask << 32 | 0xFFFF_FFFF)
                for p in Int(productionOffsets[n])..<Int(productionOffsets[n + 1]) {
                    addItem(attribute | UInt64(UInt32(productionStarts[p])) << 32 | UInt64(row))
                }
                if nullable[n] { addItem(it + (1 << 32)) }
            } else if hasPostLexer {
                try expectWithIndentation(it, lexeme: -2 - sym, row: row)
            } else {
                let l = -2 - sym
                if startedStamp[Int(l)] != rowStamp {
                    startedStamp[Int(l)] = rowStamp
                    try startLexeme(l, row: row)
                }
                if lexemeIsNullable[Int(l)] { addItem(it + (1 << 32)) }
            }
            if items.count - itemsFrom > limits.maxItemsPerRow {
                throw GrammarError("Earley row \(row) needs more than \(limits.maxItemsPerRow) items")
            }
        }
        // Ignored terminals may start wherever items stand (also after the last lexeme).
        if hasPostLexer {
            try startIgnoredWithIndentation(row: row, itemsFrom: itemsFrom)
            isAccept = try acceptsAtEnd(row: row, itemsFrom: itemsFrom)
        } else if items.count > itemsFrom {
            for l in ignoredLexemes { try startLexeme(l, row: row) }
        }
        if actives.count - activesFrom > limits.maxLexemesPerRow {
            throw GrammarError("Earley row \(row) has more than \(limits.maxLexemesPerRow) lexemes in progress")
        }
        guard isAccept || actives.count > activesFrom else { return false }
        itemStart.append(items.count)
        activeStart.append(actives.count)
        accepting.append(isAccept)
        return true
    }

    /// Lexeme `l`'s automaton state after `byte` from `state`, or `ByteDFA.deadState` when no
    /// continuation can reach acceptance (the same test `push` applies).
    @inline(__always)
    mutating func stepLexeme(_ l: Int32, _ state: Int32, _ byte: UInt8) throws(GrammarError) -> Int32 {
        let li = Int(l)
        do {
            let s: Int32
            if let t = dfas[li].cachedNext(state, byte) { s = t } else { s = try dfas[li].next(state, byte) }
            if s == ByteDFA.deadState { return s }
            return try dfas[li].isDead(s) ? ByteDFA.deadState : s
        } catch {
            throw GrammarError("lexeme '\(grammar.lexemes[li].name)': \(error)")
        }
    }

    /// Whether lexeme `l` is complete in automaton state `state`.
    @inline(__always)
    func lexemeAccepts(_ l: Int32, _ state: Int32) -> Bool { dfas[Int(l)].isAccepting(state) }

    mutating func startLexeme(_ l: Int32, row: Int) throws(GrammarError) {
        let s = dfas[Int(l)].initialState
        do {
            if try dfas[Int(l)].isDead(s) { return }
        } catch {
            throw GrammarError("lexeme '\(grammar.lexemes[Int(l)].name)': \(error)")
        }
        // Unique without a set: advanced lexemes have origins before `row`, `started` holds each
        // rule lexeme once, and ignored lexemes never stand in rules.
        actives.append(Active(lexeme: l, state: s, origin: Int32(row)))
    }
}
