/// Numerically stable softmax (subtract the maximum before exponentiating) with the SIMD `exp`.
///
/// ```swift
/// Softmax.inPlace(logits, count: 49_152)
/// ```
public enum Softmax {
    /// Replaces `x[0..<count]` by softmax(x) and returns the sum of exp(x − max) it divided by.
    /// Entries of −inf (masked) become 0. If every entry is −inf, all become 0 and the result is 0.
    @discardableResult
    public static func inPlace(_ x: UnsafeMutablePointer<Float>, count: Int) -> Float {
        guard count > 0 else { return 0 }
        let maximum = Selection.maximum(x, count: count)
        guard maximum > -.infinity else {
            x.update(repeating: 0, count: count)
            return 0
        }
        var sums = SIMD8<Float>()
        var i = 0
        while i + 8 <= count {
            let e = VectorMath.exp(VectorMath.load(x + i) - maximum)
            VectorMath.store(e, x + i)
            sums += e
            i += 8
        }
        var sum = sums.sum()
        while i < count {
            let e = VectorMath.exp(SIMD8(repeating: x[i] - maximum))[0]
            x[i] = e
            sum += e
            i += 1
        }
        VectorMath.scale(x, by: 1 / sum, count: count)
        return sum
    }
}
