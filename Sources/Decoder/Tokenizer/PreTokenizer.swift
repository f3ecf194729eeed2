/// The pre-tokenizer of a byte-level BPE model: splits text into words that BPE merges never cross.
///
/// Each is the split regex of the model's Hugging Face tokenizer (as llama.cpp's llama-vocab.cpp
/// lists them per `tokenizer.ggml.pre`), implemented by hand over Unicode scalars with the same
/// leftmost-alternative semantics instead of a regex engine:
/// - `gpt2`: `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
/// - `smollm`: first `\p{N}` (every digit its own piece), then `gpt2` inside each piece
/// - `llama3`: `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
/// - `qwen2`: as `llama3` with `\p{N}` (single digits) instead of `\p{N}{1,3}`
public enum PreTokenizer: String, Sendable, CaseIterable {
    case gpt2, smollm, llama3, qwen2

    /// The pre-tokenizer for a `tokenizer.ggml.pre` value, or nil if it is not supported.
    public init?(ggmlName: String) {
        switch ggmlName {
        case "gpt-2", "gpt2", "mpt", "olmo", "jais", "trillion": self = .gpt2
        case "smollm", "codeshell", "exaone", "minerva-7b": self = .smollm
        case "llama3", "llama-v3", "llama-bpe", "falcon3", "pixtral": self = .llama3
        case "qwen2", "deepseek-r1-qwen", "megrez": self = .qwen2
        default: return nil
        }
    }

    /// Splits scalars `lo..<hi` into words, appending each word's end index to `ends` (words
    /// are contiguous, the first starts at `lo`).
    @inline(__always)
    func split(_ text: ScalarBuffer, _ lo: Int, _ hi: Int, _ ends: inout WordEnds) {
        switch self {
        case .gpt2:
            Self.splitGPT2(text, lo, hi, &ends)
        case .smollm:
            // `\p{N}` first: digits become one-scalar pieces, the runs between them are split by gpt2.
            var start = lo
            var i = lo
            while i < hi {
                if text.flags[i] & CharacterClass.number != 0 {
                    if start < i { Self.splitGPT2(text, start, i, &ends) }
                    ends.emit(i + 1)
                    start = i + 1
                }
                i += 1
            }
            if start < hi { Self.splitGPT2(text, start, hi, &ends) }
        case .llama3:
            Self.splitLlama3(text, lo, hi, maxDigits: 3, &ends)
        case .qwen2:
            Self.splitLlama3(text, lo, hi, maxDigits: 1, &ends)
        }
    }

    private static let L = CharacterClass.letter
    private static let N = CharacterClass.number
    private static let S = CharacterClass.whitespace

    @inline(__always)
    private static func isContraction(_ text: ScalarBuffer, _ pos: Int, _ hi: Int, caseInsensitive: Bool) -> Int {
        guard text.scalars[pos] == 0x27, pos + 1 < hi else { return 0 }  // '
        @inline(__always) func lower(_ c: UInt32) -> UInt32 {
            caseInsensitive && c >= 0x41 && c <= 0x5A ? c + 32 : c
        }
        let n = lower(text.scalars[pos + 1])
        if n == 0x73 || n == 0x74 || n == 0x6D || n == 0x64 { return 2 }  // s t m d
        if pos + 2 < hi {
            let nn = lower(text.scalars[pos + 2])
            if (n == 0x72 && nn == 0x65) || (n == 0x76 && nn == 0x65) || (n == 0x6C && nn == 0x6C) { return 3 }  // re ve ll
        }
        return 0
    }

    static func splitGPT2(_ text: ScalarBuffer, _ lo: Int, _ hi: Int, _ ends: inout WordEnds) {
        let flags = text.flags, scalars = text.scalars
        @inline(__always) func f(_ p: Int) -> UInt8 { p < hi ? flags[p] : 0 }
        var pos = lo
        while pos < hi {
            let c = scalars[pos]
            let contraction = isContraction(text, pos, hi, caseInsensitive: false)
            if contraction > 0 {
                pos += contraction
                ends.emit(pos)
                continue
            }
            let isSpace = c == 0x20
            let f2 = isSpace ? f(pos + 1) : flags[pos]
            // ` ?\p{L}+`, ` ?\p{N}+`
            let cls = f2 & L != 0 ? L : f2 & N
            if cls != 0 {
                if isSpace { pos += 1 }
                while f(pos) & cls != 0 { pos += 1 }
                ends.emit(pos)
                continue
            }
            // ` ?[^\s\p{L}\p{N}]+`
            if f2 != 0 && f2 & S == 0 {
                if isSpace { pos += 1 }
                while f(pos) != 0 && f(pos) & (S | L | N) == 0 { pos += 1 }
                ends.emit(pos)
                continue
            }
            var n = 0
            while f(pos + n) & S != 0 { n += 1 }
            // `\s+(?!\S)`: a run followed by more text leaves its last space to the next word.
            if n > 1 && pos + n < hi {
                pos += n - 1
                ends.emit(pos)
                continue
            }
            pos += max(n, 1)
            ends.emit(pos)
        }
    }

    static func splitLlama3(_ text: ScalarBuffer, _ lo: Int, _ hi: Int, maxDigits: Int, _ ends: inout WordEnds) {
        let flags = text.flags, scalars = text.scalars
        @inline(__always) func f(_ p: Int) -> UInt8 { p < hi ? flags[p] : 0 }
        @inline(__always) func isCRLF(_ p: Int) -> Bool { p < hi && (scalars[p] == 0x0A || scalars[p] == 0x0D) }
        var pos = lo
        while pos < hi {
            let c = scalars[pos]
            let fc = flags[pos]
            let contraction = isContraction(text, pos, hi, caseInsensitive: true)
            if contraction > 0 {
                pos += contraction
                ends.emit(pos)
                continue
            }
            // `[^\r\n\p{L}\p{N}]?\p{L}+`
            if !(c == 0x0A || c == 0x0D || fc & N != 0) && (fc & L != 0 || f(pos + 1) & L != 0) {
                pos += 1
                while f(pos) & L != 0 { pos += 1 }
                ends.emit(pos)
                continue
            }
            // `\p{N}{1,3}` (llama3) or `\p{N}` (qwen2)
            if fc & N != 0 {
                var run = 0
                while f(pos) & N != 0 && run < maxDigits { pos += 1; run += 1 }
                ends.emit(pos)
                continue
            }
            // ` ?[^\s\p{L}\p{N}]+[\r\n]*`
            let isSpace = c == 0x20
            let f2 = isSpace ? f(pos + 1) : fc
            if f2 & (S | L | N) == 0 {
                if isSpace { pos += 1 }
                while f(pos) != 0 && f(pos) & (S | L | N) == 0 { pos += 1 }
                while isCRLF(pos) { pos += 1 }
                ends.emit(pos)
                continue
            }
            var n = 0
            var lastNewlineEnd = -1
            while f(pos + n) & S != 0 {
                if isCRLF(pos + n) { lastNewlineEnd = pos + n + 1 }
                n += 1
            }
            // `\s*[\r\n]+`
            if lastNewlineEnd >= 0 {
                pos = lastNewlineEnd
                ends.emit(pos)
                continue
            }
            // `\s+(?!\S)`, then `\s+`
            if n > 1 && pos + n < hi {
                pos += n - 1
                ends.emit(pos)
                continue
            }
            pos += max(n, 1)
            ends.emit(pos)
        }
    }
}

/// Text decoded once into scalars with their class flags and UTF-8 byte offsets (reused across
/// fragments of one encode call, so decoding allocates once per call, not per byte).
struct ScalarBuffer {
    var scalars: UnsafeMutablePointer<UInt32>
    var flags: UnsafeMutablePointer<UInt8>
    /// `byteOffsets[i]` is where scalar `i` starts; `byteOffsets[count]` is the end.
    var byteOffsets: UnsafeMutablePointer<Int>
    var count = 0
    private var capacity: Int
    private var classes = CharacterClassCache()

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        scalars = .allocate(capacity: self.capacity)
        flags = .allocate(capacity: self.capacity)
        byteOffsets = .allocate(capacity: self.capacity + 1)
    }

    /// Frees the buffers (and the class cache).
    func deallocate() {
        scalars.deallocate()
        flags.deallocate()
        byteOffsets.deallocate()
        classes.deallocate()
    }

    /// Decodes valid UTF-8 `bytes` (offsets in the result are relative to `bytes`).
    mutating func load(_ bytes: UnsafeBufferPointer<UInt8>) {
        if bytes.count > capacity {
            scalars.deallocate()
            flags.deallocate()
            byteOffsets.deallocate()
            capacity = bytes.count
            scalars = .allocate(capacity: capacity)
            flags = .allocate(capacity: capacity)
            byteOffsets = .allocate(capacity: capacity + 1)
        }
        guard let base = bytes.baseAddress else {
            self.byteOffsets[0] = 0
            count = 0
            return
        }
        let ascii = CharacterClass.ascii
        // Locals, so the loop does not reload the buffers through `self` at every store.
        let scalars = self.scalars, flags = self.flags, byteOffsets = self.byteOffsets, classes = self.classes
        var i = 0, n = 0
        let end = bytes.count
        while i < end {
            let b0 = UInt32(base[i])
            if b0 < 0x80 {
                scalars[n] = b0
                flags[n] = ascii[Int(b0)]
                byteOffsets[n] = i
                n += 1
                i += 1
                continue
            }
            var v: UInt32
            var len: Int
            if b0 < 0xE0 {
                v = b0 & 0x1F; len = 2
            } else if b0 < 0xF0 {
                v = b0 & 0x0F; len = 3
            } else {
                v = b0 & 0x07; len = 4
            }
            if i + len > end { len = end - i }  // truncated (cannot happen for a Swift String)
            var k = 1
            while k < len { v = v << 6 | (UInt32(base[i + k]) & 0x3F); k += 1 }
            scalars[n] = v
            flags[n] = classes.flags(v)
            byteOffsets[n] = i
            n += 1
            i += len
        }
        byteOffsets[n] = end
        count = n
    }
}

/// The end indices of the words of one split, in a buffer reused across fragments.
struct WordEnds {
    private(set) var ends: UnsafeMutablePointer<Int>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        ends = .allocate(capacity: self.capacity)
    }

    func deallocate() { ends.deallocate() }

    /// Empties the list, making room for the words of `scalars` scalars (at most one per scalar).
    mutating func reset(scalars: Int) {
        count = 0
        if scalars + 1 > capacity {
            ends.deallocate()
            capacity = scalars + 1
            ends = .allocate(capacity: capacity)
        }
    }

    /// Records a word ending at `end`; an empty word (same end as the last) is dropped, so the
    /// ends strictly increase and never outnumber the scalars.
    @inline(__always)
    mutating func emit(_ end: Int) {
        if count > 0 && ends[count - 1] >= end { return }
        ends[count] = end
        count += 1
    }
}
