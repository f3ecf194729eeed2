#if KERNELS_AVX2
import _Builtin_intrinsics.intel
#endif

/// Scaled dot-product attention (Vaswani et al. 2017, §3.2.1) of one query head over the cached
/// keys and values of one key/value head: `out = Σ_t softmax_t(scale · q·k_t) · v_t`.
///
/// With grouped-query attention the runtime calls it for each query head with the cache of its
/// group. The cache stores position t's key at `keys + t · keyStride` elements (F32 or F16).
///
/// ```swift
/// Attention.attend(query: q, keys: kCache, values: vCache, format: .f16, positions: n,
///                  headDimension: 64, keyStride: 192, valueStride: 192, scale: 0.125,
///                  scores: scratch, into: out)
/// ```
public enum Attention {
    /// Element type of the key/value cache.
    public enum CacheFormat: Sendable {
        case f32, f16

        /// Bytes per element.
        public var elementBytes: Int { self == .f32 ? 4 : 2 }
    }

    /// - Parameters:
    ///   - positions: cached positions to attend over (≥ 1), t = 0..<positions.
    ///   - keyStride, valueStride: elements between consecutive positions.
    ///   - scores: caller-owned scratch of at least `positions` floats; holds the attention
    ///     weights (probabilities) on return.
    ///   - out: `headDimension` floats.
    public static func attend(
        query: UnsafePointer<Float>, keys: UnsafeRawPointer, values: UnsafeRawPointer, format: CacheFormat,
        positions: Int, headDimension: Int, keyStride: Int, valueStride: Int, scale: Float,
        scores: UnsafeMutablePointer<Float>, into out: UnsafeMutablePointer<Float>
    ) {
        precondition(positions >= 1, "attention needs at least one position")
        let bytes = format.elementBytes
        for t in 0..<positions {
            let k = keys + t * keyStride * bytes
            var acc = SIMD8<Float>()
            var i = 0
            while i + 8 <= headDimension {
                acc += VectorMath.load(query + i) * load8(k, i, format)
                i += 8
            }
            var s = acc.sum()
            while i < headDimension { s += query[i] * load1(k, i, format); i += 1 }
            scores[t] = s * scale
        }
        Softmax.inPlace(scores, count: positions)
        out.update(repeating: 0, count: headDimension)
        for t in 0..<positions {
            let v = values + t * valueStride * bytes
            let p = scores[t]
            var i = 0
            while i + 8 <= headDimension {
                VectorMath.store(VectorMath.load(out + i) + p * load8(v, i, format), out + i)
                i += 8
            }
            while i < headDimension { out[i] += p * load1(v, i, format); i += 1 }
        }
    }

    @inline(__always)
    static func load8(_ base: UnsafeRawPointer, _ i: Int, _ format: CacheFormat) -> SIMD8<Float> {
        if format == .f32 { return base.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self) }
        #if KERNELS_AVX2
        return _mm256_cvtph_ps(_mm_loadu_si128((base + 2 * i).assumingMemoryBound(to: __m128i.self)))
        #else
        return SIMD8<Float>(base.loadUnaligned(fromByteOffset: 2 * i, as: SIMD8<Float16>.self))
        #endif
    }

    @inline(__always)
    static func load1(_ base: UnsafeRawPointer, _ i: Int, _ format: CacheFormat) -> Float {
        format == .f32 ? base.loadUnaligned(fromByteOffset: 4 * i, as: Float.self) : Half.load(base, 2 * i)
    }
}
