/// Applies a token bitset to logits: every logit whose bit is 0 becomes −inf, so softmax gives it
/// probability 0 and argmax never picks it.
///
/// ```swift
/// LogitMask.apply(logits, count: 49_152, allowed: maskWords)
/// ```
public enum LogitMask {
    /// Sets `logits[i] = −inf` where bit `i` of `allowed` (`Bitset` layout, at least
    /// `Bitset.wordCount(bits: count)` words) is 0. Eight logits per step: the byte of the mask
    /// that covers them is broadcast, tested against one bit per lane, and the lanes blended.
    public static func apply(_ logits: UnsafeMutablePointer<Float>, count: Int, allowed: UnsafePointer<UInt32>) {
        let lanes = SIMD8<UInt32>(1, 2, 4, 8, 16, 32, 64, 128)
        let negativeInfinity = SIMD8<Float>(repeating: -.infinity)
        var i = 0
        while i + 32 <= count {
            let word = allowed[i >> 5]
            if word != .max {
                for g in 0..<4 {
                    let bits = SIMD8<UInt32>(repeating: word >> UInt32(8 * g)) & lanes
                    var v = VectorMath.load(logits + i + 8 * g)
                    v.replace(with: negativeInfinity, where: bits .== 0)
                    VectorMath.store(v, logits + i + 8 * g)
                }
            }
            i += 32
        }
        while i < count {
            if !Bitset.test(allowed, i) { logits[i] = -.infinity }
            i += 1
        }
    }
}
