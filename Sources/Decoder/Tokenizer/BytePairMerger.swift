/// Byte-level BPE on one pre-token word: start from one token per byte, repeatedly merge the
/// adjacent pair with the lowest merge rank (leftmost on ties), as GPT-2's `bpe()` and llama.cpp's
/// `llm_tokenizer_bpe_session` do.
///
/// Short words use an array of pair ranks, rescanned after each merge (fewer instructions than a
/// heap for the usual 1–20 bytes). Long words (whitespace runs, long identifiers) use a binary
/// heap over a linked list, O(n log n), so no input makes it quadratic.
struct BytePairMerger {
    private var ids: UnsafeMutablePointer<Int32>
    private var pairs: UnsafeMutablePointer<UInt64>
    private var next: UnsafeMutablePointer<Int32>
    private var prev: UnsafeMutablePointer<Int32>
    private var heap = MinHeap<UInt64>()
    private var capacity: Int
    /// Words up to this many bytes use the array scan, longer ones the heap.
    let shortWord: Int

    init(shortWord: Int = 48) {
        self.shortWord = shortWord
        capacity = 64
        ids = .allocate(capacity: capacity)
        pairs = .allocate(capacity: capacity)
        next = .allocate(capacity: capacity)
        prev = .allocate(capacity: capacity)
    }

    func deallocate() {
        ids.deallocate(); pairs.deallocate(); next.deallocate(); prev.deallocate()
    }

    private mutating func reserve(_ n: Int) {
        guard n > capacity else { return }
        deallocate()
        capacity = max(n, capacity * 2)
        ids = .allocate(capacity: capacity)
        pairs = .allocate(capacity: capacity)
        next = .allocate(capacity: capacity)
        prev = .allocate(capacity: capacity)
    }

    /// Merges `word` and returns its token ids (valid until the next call). Bytes whose token is
    /// missing from the vocabulary (-1 in `byteTokens`) never merge and are dropped.
    mutating func merge(_ word: UnsafeBufferPointer<UInt8>, byteTokens: UnsafePointer<Int32>,
                        merges: MergeTable) -> UnsafeBufferPointer<Int32> {
        let n = word.count
        if n == 0 { return UnsafeBufferPointer(start: ids, count: 0) }
        reserve(n)
        for i in 0..<n { ids[i] = byteTokens[Int(word[i])] }
        var count = n
        if n <= shortWord {
            // pairs[i] = rank << 32 | merged id of (ids[i], ids[i+1]); UInt64.max = no merge.
            for i in 0..<(n - 1) { pairs[i] = merges.lookup(ids[i], ids[i + 1]) }
            while count > 1 {
                var best = 0
                var bestValue = pairs[0]
                for i in 1..<(count - 1) where pairs[i] < bestValue {  // ranks are unique: `<` keeps the leftmost
                    best = i
                    bestValue = pairs[i]
                }
                if bestValue == UInt64.max { break }
                ids[best] = Int32(truncatingIfNeeded: bestValue & 0xFFFF_FFFF)
                // Remove ids[best + 1] and pairs[best]; refresh the pairs around the merged token.
                for j in (best + 1)..<(count - 1) { ids[j] = ids[j + 1] }
                for j in best..<(count - 2) { pairs[j] = pairs[j + 1] }
                count -= 1
                if best + 1 < count { pairs[best] = merges.lookup(ids[best], ids[best + 1]) }
                if best > 0 { pairs[best - 1] = merges.lookup(ids[best - 1], ids[best]) }
            }
        } else {
            count = mergeLong(n, merges: merges)
        }
        var out = 0
        for i in 0..<count where ids[i] >= 0 {
            ids[out] = ids[i]
            out += 1
        }
        return UnsafeBufferPointer(start: ids, count: out)
    }

    /// The heap version: entries are rank << 32 | left index, so the minimum is the lowest rank,
    /// leftmost. An entry is stale when the pair at its left index no longer has its rank.
    private mutating func mergeLong(_ n: Int, merges: MergeTable) -> Int {
        heap.removeAll()
        for i in 0..<n {
            next[i] = i + 1 < n ? Int32(i + 1) : -1
            prev[i] = Int32(i - 1)
        }
        for i in 0..<(n - 1) {
            let v = merges.lookup(ids[i], ids[i + 1])
            if v != UInt64.max { heap.push(v & 0xFFFF_FFFF_0000_0000 | UInt64(i)) }
        }
        while let top = heap.pop() {
            let left = Int(top & 0xFFFF_FFFF)
            let right = Int(next[left])
            if ids[left] < 0 || right < 0 { continue }  // left was absorbed, or nothing right of it
            let v = merges.lookup(ids[left], ids[right])
            guard v != UInt64.max, v >> 32 == top >> 32 else { continue }
            ids[left] = Int32(truncatingIfNeeded: v & 0xFFFF_FFFF)
            ids[right] = -2  // absorbed
            let after = next[right]
            next[left] = after
            if after >= 0 { prev[Int(after)] = Int32(left) }
            let before = prev[left]
            if before >= 0 {
                let w = merges.lookup(ids[Int(before)], ids[left])
                if w != UInt64.max { heap.push(w & 0xFFFF_FFFF_0000_0000 | UInt64(before)) }
            }
            if after >= 0 {
                let w = merges.lookup(ids[left], ids[Int(after)])
                if w != UInt64.max { heap.push(w & 0xFFFF_FFFF_0000_0000 | UInt64(left)) }
            }
        }
        // Compact the surviving symbols in order (a byte with no token stays -1 and is dropped later).
        var out = 0
        var i: Int32 = 0
        while i >= 0 {
            ids[out] = ids[Int(i)]
            out += 1
            i = next[Int(i)]
        }
        return out
    }
}
