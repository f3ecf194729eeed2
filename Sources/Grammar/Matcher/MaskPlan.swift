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
}

extension MaskPlan {
    static let rootMarker: UInt64 = 1 << 63

    /// Classifies every token below trie node `root` for the lexer state `start` of `lexer` (the
    /// pairs in progress, stepped together); `key` names the plan (the pairs up to bounded
    /// equivalence, and the root).
    ///
    /// One depth-first pass over the live part of the subtree, one `lexer` lookup per node. An
    /// alive node's tokens are accepted; a node where every lexeme died after one completed on its
    /// path is an uncertain root (`whole`), emitted with the alive ancestors not emitted yet (so
    /// ancestors with nothing uncertain below are never written, then taken back).
    static func build(key: [UInt64], start: Int32, root: Int, trie: TokenTrie, maxDepth: Int, lexer: inout LexerSetDFA,
                      parser: inout EarleyParser) throws(GrammarError) -> MaskPlan {
        var plan = MaskPlan(key: key, root: Int32(root), accepted: [], acceptedIDs: [], nodes: [], depths: [], skips: [], whole: [])
        let words = root == 0 ? (trie.vocabularySize + 31) / 32 : 0
        let acc = UnsafeMutablePointer<UInt32>.allocate(capacity: Swift.max(1, words))
        acc.initialize(repeating: 0, count: Swift.max(1, words))
        defer { acc.deallocate() }
        let levels = maxDepth + 2
        // Per open ancestor (stack level i, depth i + 1): its subtree's end, node and lexer state,
        // and whether a lexeme completed on the path to it; `emitted` levels are in `plan.nodes`
        // (a prefix of the stack: an emitted entry's ancestors were emitted before it).
        let ends = UnsafeMutablePointer<Int>.allocate(capacity: levels)
        let nodeAt = UnsafeMutablePointer<Int32>.allocate(capacity: levels)
        let entryAt = UnsafeMutablePointer<Int32>.allocate(capacity: levels)
        let stateAt = UnsafeMutablePointer<Int32>.allocate(capacity: levels + 1)
        let hitAt = UnsafeMutablePointer<Bool>.allocate(capacity: levels + 1)
        defer { ends.deallocate(); nodeAt.deallocate(); entryAt.deallocate(); stateAt.deallocate(); hitAt.deallocate() }
        var top = 0        // open ancestors
        var emitted = 0    // of which in plan.nodes
        stateAt[0] = start
        hitAt[0] = false
        let n = root + Int(trie.subtreeSize[root])
        var node = root + 1
        let bytes = trie.bytes, subtreeSize = trie.subtreeSize, tokenStart = trie.tokenStart, tokens = trie.tokens
        let classCount = lexer.classCount
        while node < n {
            while top > 0 && node >= ends[top - 1] {
                top -= 1
                if top < emitted {
                    plan.skips[Int(entryAt[top])] = Int32(plan.nodes.count)
                    emitted = top
                }
            }
            let parent = stateAt[top]
            let byte = bytes[node]
            var t = lexer.table[Int(parent) * classCount + Int(lexer.classOf[Int(byte)])]
            if t < 0 { t = try lexer.computeTransition(parent, Int(lexer.classOf[Int(byte)]), parser: &parser) }
            let size = Int(subtreeSize[node])
            if t == 0 {
                if hitAt[top] {
                    // Uncertain: the parser decides this subtree. Its ancestors go first.
                    while emitted < top {
                        entryAt[emitted] = Int32(plan.nodes.count)
                        plan.nodes.append(nodeAt[emitted]); plan.depths.append(Int32(emitted + 1))
                        plan.skips.append(0); plan.whole.append(false)
                        emitted += 1
                    }
                    let idx = plan.nodes.count
                    plan.nodes.append(Int32(node)); plan.depths.append(Int32(top + 1))
                    plan.skips.append(Int32(idx + 1)); plan.whole.append(true)
                }
                node += size
                continue
            }
            let from = Int(tokenStart[node]), to = Int(tokenStart[node + 1])
            if from < to {
                if root == 0 {
                    for k in from..<to {
                        let id = Int(tokens[k])
                        acc[id >> 5] |= 1 << UInt32(id & 31)
                    }
                } else {
                    for k in from..<to { plan.acceptedIDs.append(tokens[k]) }
                }
            }
            if size > 1 {
                // A leaf has nothing below it that could be uncertain: it is never opened.
                ends[top] = node + size
                nodeAt[top] = Int32(node)
                stateAt[top + 1] = t
                hitAt[top + 1] = hitAt[top] || lexer.completes[Int(t)]
                top += 1
            }
            node += 1
        }
        while top > 0 {
            top -= 1
            if top < emitted {
                plan.skips[Int(entryAt[top])] = Int32(plan.nodes.count)
                emitted = top
            }
        }
        if root == 0 { plan.accepted = Array(UnsafeBufferPointer(start: acc, count: words)) }
        return plan
    }
}
