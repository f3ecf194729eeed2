/// A mask precomputed for one lexer state: the tokens surely allowed, and the few trie paths whose
/// fate depends on the parser (XGrammar's adaptive token mask cache, "accepted / rejected /
/// uncertain", computed lazily per lexer state instead of per grammar position).
///
/// The lexer state is the set of `(lexeme, automaton state)` pairs in progress at the current row.
/// For a token, run every pair over its bytes with the lexeme automata alone:
/// - some pair is still alive after the last byte: **accepted**. A live lexeme in progress keeps
///   the prefix viable (the parser's own test in `push`), whatever the rows below hold;
/// - every pair died and none completed before the last byte: **rejected** (no lexeme ended, so no
///   item advanced and no new lexeme started: the parser dies exactly as the automata do);
/// - otherwise **uncertain**: some lexeme completed inside the token, and what may follow it depends
///   on the Earley items, so the parser decides (only these paths are walked at mask time).
///
/// The classification depends on the lexer state only, never on the items, so one plan serves every
/// row with the same lexer state (inside a JSON string, every position). Exactness is tested
/// against brute force (MaskTests).
struct MaskPlan {
    /// Sorted, distinct `lexeme << 32 | class` pairs, then `rootMarker | root`: the lexer state up
    /// to bounded equivalence (`Matcher.stateClasses`; the state itself where no classes exist).
    var key: [UInt64]
    /// The trie node whose subtree (below it) is classified: 0 for the whole vocabulary, else the
    /// root of an uncertain subtree, classified from the lexer state after its bytes (so an
    /// uncertain subtree is itself served by a plan instead of a full parser walk).
    var root: Int32
    /// Surely allowed tokens, as mask words (root 0).
    var accepted: [UInt32]
    /// Surely allowed tokens, as ids (other roots).
    var acceptedIDs: [Int32]
    /// Trie nodes the parser must visit, in depth-first order: ancestors of uncertain tokens
    /// (pushed, their tokens are allowed anyway) and roots of uncertain subtrees (`whole`).
    var nodes: [Int32]
    /// Depth (byte length) of each entry's node.
    var depths: [Int32]
    /// Index of the first entry after this entry's subtree (where to go when its byte is refused).
    var skips: [Int32]
    /// The entry stands for its whole trie subtree, to be walked with the parser.
    var whole: [Bool]

    var memoryFootprint: Int {
        key.capacity * 8 + accepted.capacity * 4 + acceptedIDs.capacity * 4 + nodes.capacity * 4 + depths.capacity * 4
            + skips.capacity * 4 + whole.capacity + 64
    }
}

/// Scratch space for building plans and walking the trie, kept by the matcher so masks do not
/// allocate once warm.
struct MaskScratch {
    var key: [UInt64] = []
    var pairs: [UInt64] = []
    var ends: [Int] = []
    var levels: [Int32] = []
}

extension MaskPlan {
    /// Classifies every token of `trie` for the lexer state `pairs` (sorted, distinct
    /// `lexeme << 32 | state`), stepping the lexeme automata of `parser` (which it extends lazily,
    /// as parsing would); `key` names the plan (the pairs up to bounded equivalence, and the root).
    static let rootMarker: UInt64 = 1 << 63

    static func build(key: [UInt64], pairs: [UInt64], root: Int, trie: TokenTrie, maxDepth: Int, parser: inout EarleyParser,
                      scratch: inout MaskScratch) throws(GrammarError) -> MaskPlan {
        let k = pairs.count
        var plan = MaskPlan(key: key, root: Int32(root),
                            accepted: root == 0 ? [UInt32](repeating: 0, count: (trie.vocabularySize + 31) / 32) : [],
                            acceptedIDs: [], nodes: [], depths: [], skips: [], whole: [])
        // Per depth d, the pairs still alive after the node's bytes: `count[d]` of them at
        // `lex/st[d * k ..< d * k + count[d]]`. Only live pairs are stepped (at a statement start
        // of c.gbnf ~20 lexemes are in progress, after one byte mostly one), and raw buffers keep
        // array uniqueness checks out of the loop (they were an eighth of a build in callgrind).
        let levels = maxDepth + 2
        let lex = UnsafeMutablePointer<Int32>.allocate(capacity: Swift.max(1, k * levels))
        let st = UnsafeMutablePointer<Int32>.allocate(capacity: Swift.max(1, k * levels))
        let count = UnsafeMutablePointer<Int>.allocate(capacity: levels)
        let hit = UnsafeMutablePointer<Bool>.allocate(capacity: levels)
        defer { lex.deallocate(); st.deallocate(); count.deallocate(); hit.deallocate() }
        hit.initialize(repeating: false, count: levels)
        count.initialize(repeating: 0, count: levels)
        for j in 0..<k where Int32(truncatingIfNeeded: pairs[j] & 0xFFFF_FFFF) != ByteDFA.deadState {
            lex[count[0]] = Int32(truncatingIfNeeded: pairs[j] >> 32)
            st[count[0]] = Int32(truncatingIfNeeded: pairs[j] & 0xFFFF_FFFF)
            count[0] += 1
        }
        scratch.ends.removeAll(keepingCapacity: true)
        scratch.levels.removeAll(keepingCapacity: true)
        let n = root + Int(trie.subtreeSize[root])
        var node = root + 1

        func close(_ plan: inout MaskPlan, _ scratch: inout MaskScratch) {
            scratch.ends.removeLast()
            let idx = Int(scratch.levels.removeLast())
            if plan.nodes.count == idx + 1 {
                // Nothing uncertain below: the parser need not visit this node.
                plan.nodes.removeLast(); plan.depths.removeLast(); plan.skips.removeLast(); plan.whole.removeLast()
            } else {
                plan.skips[idx] = Int32(plan.nodes.count)
            }
        }

        while node < n {
            while let e = scratch.ends.last, node >= e { close(&plan, &scratch) }
            let d = scratch.ends.count + 1
            let byte = trie.bytes[node]
            var alive = 0
            var completes = false
            let from = (d - 1) * k, to = d * k
            for j in 0..<count[d - 1] {
                let l = lex[from + j]
                let t = try parser.stepLexeme(l, st[from + j], byte)
                if t != ByteDFA.deadState {
                    lex[to + alive] = l
                    st[to + alive] = t
                    alive += 1
                    if !completes && parser.lexemeAccepts(l, t) { completes = true }
                }
            }
            count[d] = alive
            let completedBefore = hit[d - 1]
            let size = Int(trie.subtreeSize[node])
            if alive == 0 {
                if completedBefore {
                    let idx = plan.nodes.count
                    plan.nodes.append(Int32(node)); plan.depths.append(Int32(d))
                    plan.skips.append(Int32(idx + 1)); plan.whole.append(true)
                }
                node += size
                continue
            }
            for t in Int(trie.tokenStart[node])..<Int(trie.tokenStart[node + 1]) {
                let id = trie.tokens[t]
                if root == 0 {
                    plan.accepted[Int(id) >> 5] |= 1 << UInt32(id & 31)
                } else {
                    plan.acceptedIDs.append(id)
                }
            }
            hit[d] = completedBefore || completes
            scratch.ends.append(node + size)
            scratch.levels.append(Int32(plan.nodes.count))
            plan.nodes.append(Int32(node)); plan.depths.append(Int32(d))
            plan.skips.append(0); plan.whole.append(false)
            node += 1
        }
        while !scratch.ends.isEmpty { close(&plan, &scratch) }
        return plan
    }
}
