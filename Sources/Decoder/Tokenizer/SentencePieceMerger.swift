/// SentencePiece BPE (the Llama 2 / Phi-3 tokenizer) on one text fragment whose spaces are
/// already `▁`: start from one symbol per UTF-8 character, repeatedly merge the adjacent pair whose
/// concatenation is the vocabulary token with the highest score (leftmost on ties), then map each
/// symbol to its token, or to its bytes' `<0xNN>` tokens when it is not one (byte fallback).
/// This is SentencePiece's `bpe_model.cc` algorithm, in the form llama.cpp's `llm_tokenizer_spm` uses.
struct SentencePieceMerger {
    private struct Symbol { var start: Int32; var length: Int32; var prev: Int32; var next: Int32 }
    /// key: ~score << 32 | left, so the smallest key is the highest score, leftmost.
    private struct Bigram: Comparable {
        var key: UInt64
        var right: Int32
        var size: Int32
        static func < (a: Bigram, b: Bigram) -> Bool { a.key < b.key }
        static func == (a: Bigram, b: Bigram) -> Bool { a.key == b.key }
    }

    private var symbols: [Symbol] = []
    private var heap = MinHeap<Bigram>()

    /// A float's bits made to sort like the float, then inverted so that a min-heap pops the highest score.
    @inline(__always)
    private static func descendingKey(_ score: Float) -> UInt64 {
        let bits = score.bitPattern
        let sortable = bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
        return UInt64(~sortable)
    }

    mutating func encode(_ text: UnsafeBufferPointer<UInt8>, lookup: FlatByteStringMap, scores: [Float],
                         byteTokens: [Int32], unknown: Int32, into out: inout [Int]) {
        symbols.removeAll(keepingCapacity: true)
        heap.removeAll()
        var i = 0
        while i < text.count {
            let b = text[i]
            let len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4
            let n = min(len, text.count - i)
            symbols.append(Symbol(start: Int32(i), length: Int32(n), prev: Int32(symbols.count - 1),
                                  next: i + n < text.count ? Int32(symbols.count + 1) : -1))
            i += n
        }
        for k in 0..<max(symbols.count - 1, 0) { tryAdd(k, k + 1, text, lookup, scores) }
        while let bigram = heap.pop() {
            let left = Int(bigram.key & 0xFFFF_FFFF), right = Int(bigram.right)
            let l = symbols[left], r = symbols[right]
            // Stale: one side was merged away or grew since this pair was queued.
            if l.length == 0 || r.length == 0 || l.length + r.length != bigram.size { continue }
            symbols[left].length += r.length
            symbols[right].length = 0
            symbols[left].next = r.next
            if r.next >= 0 { symbols[Int(r.next)].prev = Int32(left) }
            if l.prev >= 0 { tryAdd(Int(l.prev), left, text, lookup, scores) }
            if r.next >= 0 { tryAdd(left, Int(r.next), text, lookup, scores) }
        }
        var k = symbols.isEmpty ? -1 : 0
        while k >= 0 {
            let s = symbols[k]
            let piece = UnsafeBufferPointer(rebasing: text[Int(s.start)..<Int(s.start + s.length)])
            let id = lookup.lookup(piece)
            if id >= 0 {
                out.append(Int(id))
            } else {
                for byte in piece {
                    let t = byteTokens[Int(byte)]
                    out.append(Int(t >= 0 ? t : unknown))
                }
            }
            k = Int(s.next)
        }
    }

    private mutating func tryAdd(_ left: Int, _ right: Int, _ text: UnsafeBufferPointer<UInt8>,
                                 _ lookup: FlatByteStringMap, _ scores: [Float]) {
        let start = Int(symbols[left].start)
        let size = Int(symbols[left].length + symbols[right].length)
        let id = lookup.lookup(UnsafeBufferPointer(rebasing: text[start..<(start + size)]))
        guard id >= 0, Int(id) < scores.count else { return }
        heap.push(Bigram(key: Self.descendingKey(scores[Int(id)]) << 32 | UInt64(left), right: Int32(right), size: Int32(size)))
    }
}
