/// Operations on bitsets stored as `UInt32` words, bit `i` in word `i / 32` at position `i % 32`
/// (least significant first): the token masks a grammar matcher produces, one bit per logit.
///
/// ```swift
/// let words = Bitset.wordCount(bits: 49_152)      // 1536
/// Bitset.and(allowedA, allowedB, into: allowed, words: words)
/// let n = Bitset.popcount(allowed, words: words)
/// let first = Bitset.firstSet(allowed, words: words)
/// ```
public enum Bitset {
    /// Words needed for `bits` bits.
    @inlinable public static func wordCount(bits: Int) -> Int { (bits + 31) / 32 }

    /// Whether bit `index` is set.
    @inlinable public static func test(_ words: UnsafePointer<UInt32>, _ index: Int) -> Bool {
        words[index >> 5] & (1 << UInt32(index & 31)) != 0
    }

    /// Sets bit `index`.
    @inlinable public static func set(_ words: UnsafeMutablePointer<UInt32>, _ index: Int) {
        words[index >> 5] |= 1 << UInt32(index & 31)
    }

    /// Clears bit `index`.
    @inlinable public static func clear(_ words: UnsafeMutablePointer<UInt32>, _ index: Int) {
        words[index >> 5] &= ~(1 << UInt32(index & 31))
    }

    /// Sets bits 0..<bits and clears the padding bits of the last word.
    public static func setAll(_ words: UnsafeMutablePointer<UInt32>, bits: Int) {
        let count = wordCount(bits: bits)
        words.update(repeating: .max, count: count)
        if bits & 31 != 0 { words[count - 1] = (1 << UInt32(bits & 31)) - 1 }
    }

    /// `out = a & b`, word by word (`out` may alias an input).
    public static func and(_ a: UnsafePointer<UInt32>, _ b: UnsafePointer<UInt32>, into out: UnsafeMutablePointer<UInt32>, words: Int) {
        combine(a, b, out, words) { $0 & $1 } scalar: { $0 & $1 }
    }

    /// `out = a | b`.
    public static func or(_ a: UnsafePointer<UInt32>, _ b: UnsafePointer<UInt32>, into out: UnsafeMutablePointer<UInt32>, words: Int) {
        combine(a, b, out, words) { $0 | $1 } scalar: { $0 | $1 }
    }

    /// `out = a & ~b`.
    public static func andNot(_ a: UnsafePointer<UInt32>, _ b: UnsafePointer<UInt32>, into out: UnsafeMutablePointer<UInt32>, words: Int) {
        combine(a, b, out, words) { $0 & ~$1 } scalar: { $0 & ~$1 }
    }

    @inline(__always)
    static func combine(
        _ a: UnsafePointer<UInt32>, _ b: UnsafePointer<UInt32>, _ out: UnsafeMutablePointer<UInt32>, _ words: Int,
        _ vector: (SIMD8<UInt32>, SIMD8<UInt32>) -> SIMD8<UInt32>, scalar: (UInt32, UInt32) -> UInt32
    ) {
        var i = 0
        while i + 8 <= words {
            let va = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<UInt32>.self)
            let vb = UnsafeRawPointer(b + i).loadUnaligned(as: SIMD8<UInt32>.self)
            UnsafeMutableRawPointer(out + i).storeBytes(of: vector(va, vb), as: SIMD8<UInt32>.self)
            i += 8
        }
        while i < words { out[i] = scalar(a[i], b[i]); i += 1 }
    }

    /// Number of set bits.
    public static func popcount(_ words: UnsafePointer<UInt32>, words count: Int) -> Int {
        var total = 0
        var i = 0
        let raw = UnsafeRawPointer(words)
        while i + 2 <= count {
            total += raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt64.self).nonzeroBitCount
            i += 2
        }
        if i < count { total += words[i].nonzeroBitCount }
        return total
    }

    /// The lowest set bit at or after `start`, or nil.
    public static func nextSet(_ words: UnsafePointer<UInt32>, words count: Int, from start: Int = 0) -> Int? {
        guard start >= 0 else { return nextSet(words, words: count, from: 0) }
        var w = start >> 5
        guard w < count else { return nil }
        var word = words[w] & (UInt32.max << UInt32(start & 31))
        while true {
            if word != 0 { return w << 5 | word.trailingZeroBitCount }
            w += 1
            if w == count { return nil }
            word = words[w]
        }
    }

    /// The lowest set bit, or nil if none is set.
    public static func firstSet(_ words: UnsafePointer<UInt32>, words count: Int) -> Int? {
        nextSet(words, words: count, from: 0)
    }
}
