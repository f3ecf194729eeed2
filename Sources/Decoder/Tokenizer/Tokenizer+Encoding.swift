#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Tokenizer {
    /// Token ids of `text`.
    ///
    /// - Parameters:
    ///   - parseSpecial: recognise control tokens written in the text (`<|im_end|>` → its id);
    ///     otherwise they are tokenized as plain text. User-defined tokens are always recognised.
    ///   - addSpecial: add BOS/EOS when the model asks for them (`addsBOS`, `addsEOS`).
    ///
    /// ```swift
    /// tok.encode("{\"a\": 1}")   // [39428, 81, 1799, 216, 33, 109] with SmolLM2
    /// ```
    public func encode(_ text: String, parseSpecial: Bool = false, addSpecial: Bool = false) -> [Int] {
        var text = text
        return text.withUTF8 { encodeUTF8($0, parseSpecial: parseSpecial, addSpecial: addSpecial) }
    }

    /// Token ids of UTF-8 bytes; invalid UTF-8 is first repaired (U+FFFD), as `String(decoding:)` does.
    public func encode(utf8 bytes: [UInt8], parseSpecial: Bool = false, addSpecial: Bool = false) -> [Int] {
        if let valid = String(validating: bytes, as: UTF8.self) {
            return encode(valid, parseSpecial: parseSpecial, addSpecial: addSpecial)
        }
        return encode(String(decoding: bytes, as: UTF8.self), parseSpecial: parseSpecial, addSpecial: addSpecial)
    }

    enum Fragment {
        case text(Int, Int)
        case token(Int32)
    }

    /// Splits the text at special tokens the way llama.cpp's `tokenizer_st_partition` does: each
    /// special token in turn, longest first, cuts every remaining text fragment at its leftmost
    /// non-overlapping occurrences.
    func partition(_ text: UnsafeBufferPointer<UInt8>, parseSpecial: Bool) -> [Fragment] {
        guard !text.isEmpty else { return [] }
        var fragments: [Fragment] = [.text(0, text.count)]
        guard let base = text.baseAddress else { return fragments }
        for special in specials where parseSpecial || !special.isControl {
            if Self.find(special.text, in: base, 0, text.count) == nil { continue }
            var next: [Fragment] = []
            next.reserveCapacity(fragments.count + 2)
            let len = special.text.count
            for fragment in fragments {
                guard case .text(var lo, let hi) = fragment else {
                    next.append(fragment)
                    continue
                }
                while lo < hi {
                    guard let at = Self.find(special.text, in: base, lo, hi) else {
                        next.append(.text(lo, hi))
                        break
                    }
                    var leftEnd = at
                    if special.lstrip { while leftEnd > lo && Self.isCSpace(text[leftEnd - 1]) { leftEnd -= 1 } }
                    if leftEnd > lo { next.append(.text(lo, leftEnd)) }
                    next.append(.token(special.id))
                    lo = at + len
                    if special.rstrip { while lo < hi && Self.isCSpace(text[lo]) { lo += 1 } }
                }
            }
            fragments = next
        }
        return fragments
    }

    /// One SentencePiece word, through the word cache.
    private func encodeSentencePieceWord(_ word: UnsafeBufferPointer<UInt8>, _ merger: inout SentencePieceMerger,
                                         _ cache: inout WordCache, _ scratch: inout [Int32], _ out: inout [Int]) {
        let hash = FlatByteStringMap.hash(word)
        if cache.get(word, hash: hash, into: &out) { return }
        let before = out.count
        merger.encode(word, lookup: lookup, scores: scores, byteTokens: byteTokens, unknown: unknownID, into: &out)
        scratch.removeAll(keepingCapacity: true)
        for id in out[before...] { scratch.append(Int32(id)) }
        scratch.withUnsafeBufferPointer { cache.put(word, hash: hash, ids: $0) }
    }

    /// Offset of the first occurrence of `needle` in `base[lo..<hi]` (memchr for its first byte, then memcmp).
    static func find(_ needle: [UInt8], in base: UnsafePointer<UInt8>, _ lo: Int, _ hi: Int) -> Int? {
        let len = needle.count
        guard len > 0 else { return nil }
        return needle.withUnsafeBufferPointer { nb -> Int? in
            var at = lo
            while hi - at >= len {
                guard let p = memchr(base + at, Int32(nb[0]), hi - at - len + 1) else { return nil }
                let i = UnsafeRawPointer(p) - UnsafeRawPointer(base)
                if memcmp(base + i, nb.baseAddress!, len) == 0 { return i }
                at = i + 1
            }
            return nil
        }
    }

    @inline(__always)
    static func isCSpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }

    func encodeUTF8(_ text: UnsafeBufferPointer<UInt8>, parseSpecial: Bool, addSpecial: Bool,
                    splitSentencePieceWords: Bool = true) -> [Int] {
        var out: [Int] = []
        out.reserveCapacity(text.count / 3 + 4)
        if addSpecial && addsBOS, let bos = vocabulary.bosTokenID { out.append(bos) }
        let fragments = partition(text, parseSpecial: parseSpecial)
        switch model {
        case .bytePairEncoding(let pre):
            var session = BPESession(capacity: text.count)
            defer { session.deallocate() }
            for fragment in fragments {
                switch fragment {
                case .token(let id): out.append(Int(id))
                case .text(let lo, let hi):
                    session.encode(UnsafeBufferPointer(rebasing: text[lo..<hi]), pre: pre, tokenizer: self, into: &out)
                }
            }
        case .sentencePiece:
            var merger = SentencePieceMerger()
            var cache = WordCache(slots: BPESession.cacheSlots(forBytes: text.count))
            var scratch: [Int32] = []
            var escaped: [UInt8] = []
            var previousWasSpecial = true  // the text's start counts as "after a special token"
            for fragment in fragments {
                switch fragment {
                case .token(let id):
                    out.append(Int(id))
                    previousWasSpecial = true
                case .text(let lo, let hi):
                    escaped.removeAll(keepingCapacity: true)
                    if addsSpacePrefix && previousWasSpecial { escaped.append(contentsOf: [0xE2, 0x96, 0x81]) }
                    for b in text[lo..<hi] {
                        if b == 0x20 { escaped.append(contentsOf: [0xE2, 0x96, 0x81]) } else { escaped.append(b) }
                    }
                    escaped.withUnsafeBufferPointer { all in
                        // Merges never join a character to a following `▁` when no token has
                        // `▁` after another character (`sentencePieceWordsAreIndependent`): then
                        // each `▁`-started word merges alone, with the same result as the whole
                        // text at once, the heap stays small, and repeated words come from the cache.
                        var start = 0
                        if sentencePieceWordsAreIndependent && splitSentencePieceWords {
                            var i = 3
                            while i + 3 <= all.count {
                                if all[i] == 0xE2 && all[i + 1] == 0x96 && all[i + 2] == 0x81
                                    && !(all[i - 3] == 0xE2 && all[i - 2] == 0x96 && all[i - 1] == 0x81) {
                                    encodeSentencePieceWord(UnsafeBufferPointer(rebasing: all[start..<i]), &merger, &cache, &scratch, &out)
                                    start = i
                                    i += 3
                                } else {
                                    i += 1
                                }
                            }
                            encodeSentencePieceWord(UnsafeBufferPointer(rebasing: all[start...]), &merger, &cache, &scratch, &out)
                        } else {
                            merger.encode(all, lookup: lookup, scores: scores, byteTokens: byteTokens, unknown: unknownID, into: &out)
                        }
                    }
                    previousWasSpecial = false
                }
            }
        }
        if addSpecial && addsEOS, let eos = vocabulary.eosTokenID { out.append(eos) }
        return out
    }
}

/// Per-call state of byte-level BPE: decoded scalars, the merger's scratch and the word cache.
struct BPESession {
    var scalars: ScalarBuffer
    var words: WordEnds
    var merger = BytePairMerger()
    var cache: WordCache
    var encoded: [UInt8] = []

    init(capacity: Int) {
        scalars = ScalarBuffer(capacity: capacity)
        words = WordEnds(capacity: capacity + 1)
        cache = WordCache(slots: Self.cacheSlots(forBytes: capacity))
    }

    /// A cache size that suits a text of `bytes` bytes: 256 to 65,536 slots.
    static func cacheSlots(forBytes bytes: Int) -> Int {
        var slots = 256
        while slots < bytes / 2 && slots < (1 << 16) { slots <<= 1 }
        return slots
    }

    func deallocate() {
        scalars.deallocate()
        words.deallocate()
        merger.deallocate()
    }

    mutating func encode(_ text: UnsafeBufferPointer<UInt8>, pre: PreTokenizer, tokenizer: Tokenizer, into out: inout [Int]) {
        scalars.load(text)
        words.reset(scalars: scalars.count)
        pre.split(scalars, 0, scalars.count, &words)
        let offsets = scalars.byteOffsets
        let merges = tokenizer.merges
        let wholeWordLookup = tokenizer.ignoreMerges ? tokenizer.lookup : nil
        var start = 0
        tokenizer.byteTokens.withUnsafeBufferPointer { byteTokens in
            for w in 0..<words.count {
                let end = words.ends[w]
                encodeWord(UnsafeBufferPointer(rebasing: text[offsets[start]..<offsets[end]]),
                           byteTokens.baseAddress!, merges, wholeWordLookup, &out)
                start = end
            }
        }
    }

    @inline(__always)
    private mutating func encodeWord(_ word: UnsafeBufferPointer<UInt8>, _ byteTokens: UnsafePointer<Int32>,
                                     _ merges: MergeTable, _ wholeWordLookup: FlatByteStringMap?, _ out: inout [Int]) {
        if word.count == 1 {
            let t = byteTokens[Int(word[0])]
            if t >= 0 { out.append(Int(t)) }
            return
        }
        if let lookup = wholeWordLookup {
            // Llama 3 (`ignore_merges`): a word that is itself a token is taken whole.
            encoded.removeAll(keepingCapacity: true)
            for b in word {
                let s = ByteLevelEncoding.scalarOfByte[Int(b)]
                if s < 0x80 { encoded.append(UInt8(s)) } else { encoded.append(UInt8(0xC0 | s >> 6)); encoded.append(UInt8(0x80 | s & 0x3F)) }
            }
            let id = encoded.withUnsafeBufferPointer { lookup.lookup($0) }
            if id >= 0 {
                out.append(Int(id))
                return
            }
        }
        let hash = FlatByteStringMap.hash(word)
        if cache.get(word, hash: hash, into: &out) { return }
        let ids = merger.merge(word, byteTokens: byteTokens, merges: merges)
        for id in ids { out.append(Int(id)) }
        cache.put(word, hash: hash, ids: ids)
    }
}
