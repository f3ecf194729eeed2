/// Root-mean-square layer normalization (Zhang & Sennrich 2019), as llama applies before attention,
/// before the feed-forward block and at the output.
///
/// ```swift
/// Normalization.rmsNorm(x, weight: gamma, epsilon: 1e-5, into: normed, count: 576)
/// ```
public enum Normalization {
    /// `out[i] = x[i] / sqrt(mean(x²) + epsilon) · weight[i]` (`weight` nil: no gain). The mean is
    /// accumulated in Double, as ggml does, so long rows lose no precision. `out` may alias `x`.
    public static func rmsNorm(
        _ x: UnsafePointer<Float>, weight: UnsafePointer<Float>?, epsilon: Float,
        into out: UnsafeMutablePointer<Float>, count: Int
    ) {
        guard count > 0 else { return }
        var partial = SIMD8<Float>()
        var sum: Double = 0
        var i = 0
        while i + 8 <= count {
            let v = VectorMath.load(x + i)
            partial += v * v
            i += 8
            // Fold into Double every 512 values to bound the F32 partial sums' error.
            if i & 511 == 0 { sum += Double(partial.sum()); partial = SIMD8() }
        }
        sum += Double(partial.sum())
        while i < count { sum += Double(x[i] * x[i]); i += 1 }
        let factor = Float(1 / (sum / Double(count) + Double(epsilon)).squareRoot())
        if let weight {
            i = 0
            while i + 8 <= count {
                VectorMath.store(VectorMath.load(x + i) * factor * VectorMath.load(weight + i), out + i)
                i += 8
            }
            while i < count { out[i] = x[i] * factor * weight[i]; i += 1 }
        } else {
            i = 0
            while i + 8 <= count {
                VectorMath.store(VectorMath.load(x + i) * factor, out + i)
                i += 8
            }
            while i < count { out[i] = x[i] * factor; i += 1 }
        }
    }
}
