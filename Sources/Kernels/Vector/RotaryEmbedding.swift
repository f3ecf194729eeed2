#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Rotary position embedding (RoPE, Su et al. 2021, "RoFormer" §3.4) applied in place to the
/// heads of a query or key vector.
///
/// Pair i of a head (i < dimensions/2) is rotated by the angle p·s·base^(−2i/dimensions), p the
/// position and s the linear frequency scale (`1 / rope scaling factor`). The angle is computed as
/// ggml does (θ = p·s, then multiplied by base^(−2/dimensions) once per pair in F32, `cosf`/`sinf`),
/// and the rotation with the FMAs GCC makes of ggml's `x0*cos − x1*sin`, so it matches llama.cpp's
/// bit for bit.
///
/// ```swift
/// let rope = RotaryEmbedding(headDimension: 64, base: 100_000, style: .normal)
/// rope.apply(to: q, heads: 9, position: 17)
/// ```
public struct RotaryEmbedding: Sendable {
    /// Which elements form the rotated pairs.
    public enum Style: Sendable {
        /// Adjacent pairs (x[2i], x[2i+1]): GGUF llama models (ggml rope mode 0). The GGUF
        /// converter permutes Q and K weights so that this matches Hugging Face's half-split form.
        case normal
        /// Split halves (x[i], x[i + dimensions/2]): GPT-NeoX, Qwen2, Phi (ggml mode 2).
        case neox
    }

    public let headDimension: Int
    /// Rotated dimensions per head (≤ headDimension; the rest pass through).
    public let dimensions: Int
    public let base: Float
    public let frequencyScale: Float
    public let style: Style

    public init(headDimension: Int, dimensions: Int? = nil, base: Float = 10_000, frequencyScale: Float = 1, style: Style) {
        precondition(headDimension > 0 && headDimension % 2 == 0, "head dimension must be even")
        let dimensions = dimensions ?? headDimension
        precondition(dimensions > 0 && dimensions % 2 == 0 && dimensions <= headDimension, "bad rotary dimensions")
        self.headDimension = headDimension
        self.dimensions = dimensions
        self.base = base
        self.frequencyScale = frequencyScale
        self.style = style
    }

    /// Rotates `heads` consecutive heads (`headDimension` floats each) at `x` for `position`.
    public func apply(to x: UnsafeMutablePointer<Float>, heads: Int, position: Int) {
        let pairs = dimensions / 2
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * pairs) { table in
            let thetaScale = powf(base, -2 / Float(dimensions))
            var theta = Float(position) * frequencyScale
            for i in 0..<pairs {
                table[2 * i] = cosf(theta)
                table[2 * i + 1] = sinf(theta)
                theta *= thetaScale
            }
            for h in 0..<heads {
                let head = x + h * headDimension
                for i in 0..<pairs {
                    let (a, b) = style == .normal ? (2 * i, 2 * i + 1) : (i, i + pairs)
                    let c = table[2 * i], s = table[2 * i + 1]
                    let x0 = head[a], x1 = head[b]
                    // As GCC compiles ggml's rotate_pairs (vfmaddsub231ps over x0 duplicated
                    // times (cos, sin)): x1's product rounded, x0's fused with the sum. Checked
                    // against llama.cpp's Qcur bit for bit (docs/runtime.md).
                    head[a] = (-(x1 * s)).addingProduct(x0, c)
                    head[b] = (x1 * c).addingProduct(x0, s)
                }
            }
        }
    }
}
