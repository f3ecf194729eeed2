/// The vocabulary's text tokens as a byte trie in flat depth-first order, with subtree sizes, so a
/// mask is one walk without recursion: a byte refused skips the whole subtree (as llguidance's
/// toktrie, docs/toktrie.md).
///
/// Node 0 is the root (no byte). Node `n`'s subtree is `n ..< n + subtreeSize[n]`; its first child
/// is `n + 1`. Tokens without text bytes (control, unknown, unused, empty) are not in the trie, so a
/// mask never allows them as text.
///
/// ```swift
/// let trie = TokenTrie(Vocabulary(tokens: [Array("a".utf8), Array("ab".utf8)], kinds: [.normal, .normal]))
/// trie.nodeCount   // 3: root, "a", "ab"
/// ```
public struct TokenTrie: Sendable {
    /// Byte of each node (0 for the root).
    public let bytes: [UInt8]
    /// Number of nodes in each node's subtree, itself included.
    public let subtreeSize: [Int32]
    /// `tokens[tokenStart[n] ..< tokenStart[n + 1]]`: ids whose bytes end at node `n`.
    public let tokenStart: [Int32]
    public let tokens: [Int32]
    /// Number of ids in the vocabulary.
    public let vocabularySize: Int
    /// A content hash: tries built from equal vocabularies have equal fingerprints, so mask plans
    /// cached per trie (`SharedMaskPlans`) serve every copy of it.
    public let fingerprint: Fingerprint

    /// Two independent 64-bit hashes of the trie's arrays, and its sizes.
    public struct Fingerprint: Hashable, Sendable {
        var fnv: UInt64
        var mix: UInt64
        var nodes: Int
        var vocabularySize: Int
    }

    public init(_ vocabulary: Vocabulary) {
        vocabularySize = vocabulary.count
        var ids = (0..<vocabulary.count).filter { vocabulary.kind(of: $0).isText && vocabulary.byteCount(of: $0) > 0 }
        let storage = vocabulary.storage, offsets = vocabulary.offsets
        ids.sort { a, b in
            let x = storage[Int(offsets[a])..<Int(offsets[a + 1])], y = storage[Int(offsets[b])..<Int(offsets[b + 1])]
            return x.lexicographicallyPrecedes(y) || (x == y && a < b)
        }
        var bytes: [UInt8] = [0], size: [Int32] = [1], tokStart: [Int32] = [0], toks: [Int32] = []
        // Path of open nodes (node index per depth); sorted order makes each token a DFS step.
        var path: [Int] = [0]
        func close(downTo depth: Int) {
            while path.count > depth + 1 {
                let n = path.removeLast()
                size[n] = Int32(bytes.count - n)
            }
        }
        for id in ids {
            let t = storage[Int(offsets[id])..<Int(offsets[id + 1])]
            // Common prefix with the current path.
            var d = 0
            while d + 1 < path.count, d < t.count, bytes[path[d + 1]] == t[t.startIndex + d] { d += 1 }
            close(downTo: d)
            for k in d..<t.count {
                path.append(bytes.count)
                bytes.append(t[t.startIndex + k]); size.append(1); tokStart.append(Int32(toks.count))
                _ = k
            }
            // Tokens end at the last node; node token lists are contiguous because of the sort.
            toks.append(Int32(id))
        }
        close(downTo: 0)
        size[0] = Int32(bytes.count)
        // tokStart[n] was set when node n was created; tokens appended later belong to the latest
        // node, so node n's tokens run to the next node's start.
        tokStart.append(Int32(toks.count))
        self.bytes = bytes
        self.subtreeSize = size
        self.tokenStart = tokStart
        self.tokens = toks
        // FNV-1a and a SplitMix-style multiply-xor over the same stream of bytes, sizes and ids.
        var fnv: UInt64 = 0xCBF2_9CE4_8422_2325, mix: UInt64 = 0x9E37_79B9_7F4A_7C15
        func feed(_ v: UInt64) {
            fnv = (fnv ^ v) &* 0x0000_0100_0000_01B3
            mix = (mix ^ v) &* 0xBF58_476D_1CE4_E5B9
            mix ^= mix >> 29
        }
        for n in bytes.indices { feed(UInt64(bytes[n]) << 32 | UInt64(UInt32(bitPattern: size[n]))) }
        for t in toks { feed(UInt64(UInt32(bitPattern: t))) }
        for t in tokStart { feed(UInt64(UInt32(bitPattern: t)) | 1 << 40) }
        self.fingerprint = Fingerprint(fnv: fnv, mix: mix, nodes: bytes.count, vocabularySize: vocabulary.count)
    }

    public var nodeCount: Int { bytes.count }
}
