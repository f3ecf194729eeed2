/// Token-level constrained decoding for one sequence: masks, accepting tokens, rollback, forks.
///
/// The compiled grammar and the token trie are shared (immutable); the matcher holds the parser's
/// rows (one per byte accepted) and the byte length of each accepted token, so rolling back tokens
/// is popping rows.
///
/// ```swift
/// let grammar = try GrammarCompiler.compile(GBNF.parse(#"root ::= "yes" | "no""#))
/// var m = try Matcher(grammar: grammar, vocabulary: vocab)
/// var mask = [UInt32](repeating: 0, count: (logitCount + 31) / 32)
/// try m.fillMask(into: &mask)             // bit i set ⇔ token i allowed
/// try m.accept(token)                     // false if refused (state unchanged)
/// m.isAccepting                           // EOS allowed
/// ```
public struct Matcher {
    public let grammar: CompiledGrammar
    public let trie: TokenTrie
    public let vocabulary: Vocabulary
    var parser: EarleyParser
    var tokenLengths: [Int] = []
    /// Mask plans by lexer state (see `MaskPlan`), kept across tokens, rollbacks and forks: this
    /// matcher's index of the plans it used, most of them shared with every matcher of the grammar
    /// (`CompiledGrammar.maskPlans`); `planBytes` counts only the ones it holds alone.
    var plans: [MaskPlan] = []
    var planIndex: [[UInt64]: Int] = [:]
    var planBytes = 0
    var plansOverBudget = false
    /// Plans are dropped (and rebuilt on demand) when they would exceed this many bytes.
    public var planBudgetBytes = 64 << 20
    var scratch = MaskScratch()
    /// The lexemes in progress stepped together, for plan builds (one lookup per trie node).
    /// Created on the first plan build (its byte classes cost a pass over every lexeme).
    var lexerSets: LexerSetDFA?
    /// `lexerSets` starts over (before a plan build) past this many bytes.
    public var lexerSetBudgetBytes = 32 << 20
    /// Plans this matcher built (not found in its own index nor in the grammar's shared plans).
    public var planBuilds = 0
    /// Whole masks by parser-state signature (`ParserSignature`): equal signatures, equal masks,
    /// so a state seen before (every position inside a string, the same place in another object)
    /// costs a hash of the reachable chart and a copy. A miss here asks the grammar's shared masks
    /// (when all its lexemes are compile-time automata), so another sequence's masks serve too. `maskWords` words per entry, end-of-generation
    /// bits excluded (added per call).
    var maskIndex: [ParserSignature: Int32] = [:]
    var maskStore: [UInt32] = []
    var signatureScratch = SignatureScratch()
    /// Cached masks are dropped (and recomputed on demand) when they would exceed this many bytes.
    public var maskCacheBudgetBytes = 16 << 20
    /// Masks served from the signature cache / computed, since creation (for benchmarks and tests).
    public var maskCacheHits = 0
    public var maskCacheMisses = 0
    /// Words of a cached mask (the vocabulary, rounded up).
    let maskWords: Int
    /// Every lexeme is a compile-time automaton: signatures mean the same in every matcher, so
    /// masks are shared through the grammar.
    let masksShareable: Bool
    /// Uncertain subtrees of at most this many nodes are walked with the parser directly instead
    /// of through a plan of their own.
    public var directWalkMaxNodes = 16
    /// Longest token, in bytes (the depth of the trie).
    let maxTokenLength: Int
    /// Per lexeme, its states' classes up to `maxTokenLength` bytes (empty: none), shared by the
    /// grammar's matchers: plans are keyed by class, so states no token tells apart (the
    /// positions of a long counted repetition, `[^"]{0,100}`) share one plan.
    let stateClasses: [[Int32]]

    public init(grammar: CompiledGrammar, vocabulary: Vocabulary, trie: TokenTrie? = nil,
                limits: EarleyParser.Limits = EarleyParser.Limits()) throws(GrammarError) {
        self.grammar = grammar
        self.vocabulary = vocabulary
        self.trie = trie ?? TokenTrie(vocabulary)
        self.parser = try EarleyParser(grammar, limits: limits)
        var longest = 0
        for id in 0..<vocabulary.count { longest = max(longest, vocabulary.byteCount(of: id)) }
        self.maxTokenLength = longest
        self.stateClasses = grammar.maskPlans.stateClasses(depth: longest, lexemes: grammar.lexemes,
                                                           complete: grammar.lexemeIsComplete)
        self.maskWords = (vocabulary.count + 31) / 32
        self.masksShareable = grammar.lexemeIsComplete.allSatisfy { $0 }
    }

    /// True when the text so far is a sentence: end-of-sequence tokens are allowed exactly then.
    public var isAccepting: Bool { parser.isAccepting }

    /// Number of tokens accepted (and not rolled back).
    public var tokenCount: Int { tokenLengths.count }

    /// Bytes this sequence's state holds beyond the shared grammar, trie and shared plans: parser
    /// rows, its lazily extended lexeme automata, the plans it holds alone and its plan index
    /// (capacities, not counts).
    public var memoryFootprint: Int {
        parser.memoryFootprint + tokenLengths.capacity * MemoryLayout<Int>.stride + planBytes
            + plans.capacity * MemoryLayout<MaskPlan>.stride
            + planIndex.capacity * (MemoryLayout<[UInt64]>.stride + 8)
            + scratch.key.capacity * 8 + scratch.pairs.capacity * 8
            + scratch.ends.capacity * 8
            + maskStore.capacity * 4 + maskIndex.capacity * (MemoryLayout<ParserSignature>.stride + 4)
            + signatureScratch.stamp.capacity * 20 + signatureScratch.rows.capacity * 4
            + (lexerSets?.memoryFootprint ?? 0)
    }

    /// An independent copy (shares the compiled artifacts).
    public func fork() -> Matcher { self }

    /// Sets bit `i` of `words` (word `i / 32`, bit `i % 32`) exactly for the allowed tokens and
    /// clears every other bit. `words` must cover the logits (ids past the vocabulary stay clear).
    ///
    /// A parser state seen before (same `ParserSignature`) copies its cached mask. Otherwise the
    /// lexer state of the current row selects a `MaskPlan` (built on first sight, then shared by
    /// every matcher of the grammar): its surely-allowed tokens are copied, and only the trie paths
    /// whose fate depends on the Earley items are walked with the parser.
    public mutating func fillMask(into words: inout [UInt32]) throws(GrammarError) {
        precondition(words.count * 32 >= vocabulary.count, "mask narrower than the vocabulary")
        let sig = parser.signature(&signatureScratch)
        let w = maskWords
        if let e = maskIndex[sig] {
            maskCacheHits += 1
            let from = Int(e) * w
            maskStore.withUnsafeBufferPointer { Self.copyMask(UnsafeBufferPointer(rebasing: $0[from..<from + w]), into: &words) }
            allowEndOfGenerationIfAccepting(in: &words)
            return
        }
        if masksShareable, let shared = grammar.maskPlans.mask(sig, trie: trie.fingerprint) {
            maskCacheHits += 1
            shared.withUnsafeBufferPointer { Self.copyMask($0, into: &words) }
        } else {
            maskCacheMisses += 1
            try fillMaskByPlans(into: &words)
            if masksShareable { grammar.maskPlans.insertMask(sig, words[0..<w], trie: trie.fingerprint) }
        }
        if (maskStore.count + w) * 4 > maskCacheBudgetBytes {
            maskStore.removeAll(keepingCapacity: true)
            maskIndex.removeAll(keepingCapacity: true)
        }
        if w * 4 <= maskCacheBudgetBytes {
            maskIndex[sig] = Int32(maskStore.count / w)
            maskStore.append(contentsOf: words[0..<w])
        }
        allowEndOfGenerationIfAccepting(in: &words)
    }

    /// The mask from the plan of the current lexer state and the parser's walk of its uncertain
    /// paths, without end-of-generation bits (`fillMask` without its cache).
    mutating func fillMaskByPlans(into words: inout [UInt32]) throws(GrammarError) {
        let start = parser.byteCount
        do {
            if plansOverBudget {
                plans.removeAll()
                planIndex.removeAll()
                planBytes = 0
                plansOverBudget = false
            }
            let p = try plan(root: 0)
            plans[p].accepted.withUnsafeBufferPointer { Self.copyMask($0, into: &words) }
            try walkPlan(p, into: &words, base: start)
        } catch {
            parser.pop(parser.byteCount - start)
            throw error
        }
        parser.pop(parser.byteCount - start)
    }

    /// The mask computed by walking the whole trie with the parser (no plan): the reference the
    /// plans are tested against, and a fallback.
    public mutating func fillMaskByTrieWalk(into words: inout [UInt32]) throws(GrammarError) {
        precondition(words.count * 32 >= vocabulary.count, "mask narrower than the vocabulary")
        for i in words.indices { words[i] = 0 }
        let start = parser.byteCount
        do { try walkSubtree(1, to: trie.nodeCount, into: &words) } catch {
            parser.pop(parser.byteCount - start)
            throw error
        }
        parser.pop(parser.byteCount - start)
        allowEndOfGenerationIfAccepting(in: &words)
    }

    /// Copies a mask (cached, shared or a plan's accepted set) to the front of `words` and clears
    /// the words past it (the caller's bitset may be wider than the vocabulary).
    @inline(__always)
    static func copyMask(_ src: UnsafeBufferPointer<UInt32>, into words: inout [UInt32]) {
        words.withUnsafeMutableBufferPointer { out in
            _ = UnsafeMutableBufferPointer(rebasing: out[..<src.count]).initialize(fromContentsOf: src)
            for i in src.count..<out.count { out[i] = 0 }
        }
    }

    /// End-of-generation tokens are allowed exactly where the text so far is a sentence.
    func allowEndOfGenerationIfAccepting(in words: inout [UInt32]) {
        guard parser.isAccepting else { return }
        for id in vocabulary.endOfGenerationIDs where id < words.count * 32 {
            words[id >> 5] |= 1 << UInt32(id & 31)
        }
    }

    /// Index of the plan for the current row's lexer state and trie subtree `root`, built if new.
    mutating func plan(root: Int) throws(GrammarError) -> Int {
        let k = parser.byteCount
        scratch.pairs.removeAll(keepingCapacity: true)
        scratch.key.removeAll(keepingCapacity: true)
        for i in parser.activeStart[k]..<parser.activeStart[k + 1] {
            let a = parser.actives[i]
            scratch.pairs.append(UInt64(UInt32(bitPattern: a.lexeme)) << 32 | UInt64(UInt32(bitPattern: a.state)))
            let classes = stateClasses[Int(a.lexeme)]
            let c = classes.isEmpty ? a.state : classes[Int(a.state)]
            scratch.key.append(UInt64(UInt32(bitPattern: a.lexeme)) << 32 | UInt64(UInt32(bitPattern: c)))
        }
        Self.sortUnique(&scratch.pairs)
        Self.sortUnique(&scratch.key)
        scratch.key.append(MaskPlan.rootMarker | UInt64(root))
        if let p = planIndex[scratch.key] { return p }
        // Canonical lexer state (every lexeme determinized at compile time): ask the grammar's
        // shared plans first, and offer them what we build.
        var canonical = true
        for i in 0..<(scratch.key.count - 1)
        where !grammar.lexemeIsComplete[Int(truncatingIfNeeded: scratch.key[i] >> 32)] {
            canonical = false
            break
        }
        if canonical, let shared = grammar.maskPlans.plan(scratch.key, trie: trie.fingerprint) {
            return remember(shared, owned: false)
        }
        var sets = lexerSets.take() ?? LexerSetDFA(grammar)
        if sets.memoryFootprint > lexerSetBudgetBytes { sets = LexerSetDFA(grammar) }
        let start = sets.state(for: scratch.pairs, parser: parser)
        let result: Result<MaskPlan, GrammarError>
        do {
            result = .success(try MaskPlan.build(key: scratch.key, start: start, root: root, trie: trie, maxDepth: maxTokenLength,
                                                 lexer: &sets, parser: &parser))
        } catch { result = .failure(error) }
        lexerSets = sets
        var built = try result.get()
        planBuilds += 1
        var owned = true
        if canonical {
            let (p, shared) = grammar.maskPlans.insert(built, trie: trie.fingerprint)
            built = p
            owned = !shared
        }
        return remember(built, owned: owned)
    }

    static func sortUnique(_ a: inout [UInt64]) {
        a.sort()
        var w = 0
        for i in a.indices where i == 0 || a[i] != a[i - 1] {
            a[w] = a[i]; w += 1
        }
        a.removeSubrange(w...)
    }

    /// Adds `plan` to this matcher's index; `owned`: held by this matcher only (counts against
    /// `planBudgetBytes`), else stored in the grammar's shared plans.
    mutating func remember(_ plan: MaskPlan, owned: Bool) -> Int {
        if owned {
            // Over budget: start over at the next mask (plans in use must stay valid until then).
            if planBytes + plan.memoryFootprint > planBudgetBytes { plansOverBudget = true }
            planBytes += plan.memoryFootprint
        }
        plans.append(plan)
        planIndex[plan.key] = plans.count - 1
        return plans.count - 1
    }

    /// Applies plan `p`, whose root's bytes end at parser position `base`: sets its surely allowed
    /// ids, then visits its uncertain paths with the parser (an uncertain subtree through the plan
    /// of the lexer state reached at its root).
    mutating func walkPlan(_ p: Int, into words: inout [UInt32], base: Int) throws(GrammarError) {
        // The plan's arrays held locally (one retain each): reading them through `plans[p]` in the
        // loop, which also builds plans (appending to `plans`), retained and checked them per entry.
        let current = plans[p]
        if current.root != 0 {
            for id32 in current.acceptedIDs {
                let id = Int(id32)
                words[id >> 5] |= 1 << UInt32(id & 31)
            }
        }
        let nodes = current.nodes, depths = current.depths, whole = current.whole, skips = current.skips
        let count = nodes.count
        var i = 0
        while i < count {
            let node = Int(nodes[i])
            let depth = Int(depths[i])
            parser.pop(parser.byteCount - (base + depth - 1))
            let size = Int(trie.subtreeSize[node])
            if whole[i] && size == 1 {
                // A leaf: only whether its byte is viable matters, not the row it would make.
                if try parser.canPush(trie.bytes[node]) { setTokens(of: node, in: &words) }
                i += 1
                continue
            }
            if try parser.push(trie.bytes[node]) {
                setTokens(of: node, in: &words)
                if whole[i] && size > 1 {
                    if size <= directWalkMaxNodes {
                        // A small subtree: pushing its bytes costs less than looking up (and, the
                        // first time, building) a plan for the lexer state at its root, one per
                        // root; c.gbnf has thousands of such roots (identifier, then `(`, ` `…).
                        try walkSubtree(node + 1, to: node + size, into: &words, viabilityAtLeaves: true)
                    } else {
                        let sub = try plan(root: node)
                        try walkPlan(sub, into: &words, base: base + depth)
                    }
                }
                i += 1
            } else {
                i = Int(skips[i])
            }
        }
    }

    @inline(__always)
    func setTokens(of node: Int, in words: inout [UInt32]) {
        for t in Int(trie.tokenStart[node])..<Int(trie.tokenStart[node + 1]) {
            let id = Int(trie.tokens[t])
            words[id >> 5] |= 1 << UInt32(id & 31)
        }
    }

    /// Walks trie nodes `node ..< end` (one or more whole sibling subtrees) pushing bytes into the
    /// parser; a refused byte skips its subtree. Leaves the parser where it started.
    /// `viabilityAtLeaves`: a leaf's byte is only tested (`EarleyParser.canPush`), not pushed (the
    /// plain walk, the reference in tests, pushes every byte).
    mutating func walkSubtree(_ first: Int, to end: Int, into words: inout [UInt32],
                              viabilityAtLeaves: Bool = false) throws(GrammarError) {
        scratch.ends.removeAll(keepingCapacity: true)
        var node = first
        while node < end {
            while let e = scratch.ends.last, node >= e { parser.pop(1); scratch.ends.removeLast() }
            if viabilityAtLeaves && trie.subtreeSize[node] == 1 {
                if try parser.canPush(trie.bytes[node]) { setTokens(of: node, in: &words) }
                node += 1
                continue
            }
            if try parser.push(trie.bytes[node]) {
                setTokens(of: node, in: &words)
                scratch.ends.append(node + Int(trie.subtreeSize[node]))
                node += 1
            } else {
                node += Int(trie.subtreeSize[node])
            }
        }
        parser.pop(scratch.ends.count)
        scratch.ends.removeAll(keepingCapacity: true)
    }

    /// Accepts `token` if allowed (its bytes, or an end-of-generation token when accepting);
    /// returns false and changes nothing otherwise.
    @discardableResult
    public mutating func accept(_ token: Int) throws(GrammarError) -> Bool {
        guard token >= 0 && token < vocabulary.count else { return false }
        if vocabulary.endOfGenerationIDs.contains(token) {
            guard parser.isAccepting else { return false }
            tokenLengths.append(0)
            return true
        }
        guard vocabulary.kind(of: token).isText, vocabulary.byteCount(of: token) > 0 else { return false }
        let before = parser.byteCount
        guard try parser.push(bytes: vocabulary.bytes(of: token)) else { return false }
        tokenLengths.append(parser.byteCount - before)
        return true
    }

    /// Accepts raw bytes (text not aligned to tokens, e.g. a forced prefix); all or nothing.
    /// They count as one token for `rollback(tokens:)`.
    @discardableResult
    public mutating func acceptBytes(_ bytes: some Sequence<UInt8>) throws(GrammarError) -> Bool {
        let before = parser.byteCount
        guard try parser.push(bytes: bytes) else { return false }
        tokenLengths.append(parser.byteCount - before)
        return true
    }

    /// Undoes the last `tokens` accepted tokens.
    public mutating func rollback(tokens: Int) {
        precondition(tokens >= 0 && tokens <= tokenLengths.count, "rollback(\(tokens)) past the start")
        var bytes = 0
        for _ in 0..<tokens { bytes += tokenLengths.removeLast() }
        parser.pop(bytes)
    }

    /// The bytes every continuation must start with (stops where a choice, or the end, is possible).
    public mutating func forcedBytes() throws(GrammarError) -> [UInt8] {
        var out: [UInt8] = []
        let start = parser.byteCount
        defer { parser.pop(parser.byteCount - start) }
        while !parser.isAccepting, out.count < 4096 {
            var only: UInt8? = nil
            var count = 0
            for b in 0...255 {
                if try parser.push(UInt8(b)) {
                    parser.pop(1)
                    count += 1
                    only = UInt8(b)
                    if count > 1 { break }
                }
            }
            guard count == 1, let b = only else { break }
            _ = try parser.push(b)
            out.append(b)
        }
        return out
    }

    /// How many of `drafts` would be accepted in order (the longest accepted prefix); the state
    /// is unchanged.
    public mutating func validate(drafts: [Int]) throws(GrammarError) -> Int {
        var n = 0
        for t in drafts {
            guard try accept(t) else { break }
            n += 1
        }
        rollback(tokens: n)
        return n
    }
}
