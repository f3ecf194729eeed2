/// Root-mean-square layer normalization (Zhang & Sennrich 2019), as llama applies before attention,
/// before the feed-forward block and at the output.
///
/// ```swift
/// Normalization.rmsNorm(x, weight: gamma, epsilon: 1e-5, into: normed, count: 576)
/// ```
public enum Normalization {
    /// `out[i] = x[i] / sqrt(mean(x²) + epsilon) · weight[i]` (`weight` nil: no gain), computed as
    /// ggml does: (x·factor)·weight, the mean accumulated in Double. `out` may alias `x`.
    public static func rmsNorm(
        _ x: UnsafePointer<Float>, weight: UnsafePointer<Float>?, epsilon: Float,
        into out: UnsafeMutablePointer<Float>, count: Int
    ) {
        guard count > 0 else { return }
        // Exactly ggml's rms_norm: each square rounded to F32, summed in order in Double; the
        // mean rounded to F32; 1/sqrt in F32. (A different order moves values across the 8-bit
        // activation quantization's rounding boundaries downstream; docs/runtime.md.)
        var sum: Double = 0
        for i in 0..<count { sum += Double(x[i] * x[i]) }
        let mean = Float(sum / Double(count))
        let factor = 1 / (mean + epsilon).squareRoot()
        var i = 0
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
