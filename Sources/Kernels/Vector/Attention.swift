#if KERNELS_AVX2
import _Builtin_intrinsics.intel
#endif

/// Scaled dot-product attention (Vaswani et al. 2017, §3.2.1) of one query head over the cached
/// keys and values of one key/value head: `out = Σ_t softmax_t(scale · q·k_t) · v_t`.
///
/// With grouped-query attention the runtime calls it for each query head with the cache of its
/// group. The cache stores position t's key at `keys + format.byteCount(t · keyStride)` (F32, F16
/// or Q8_0 blocks of 32).
///
/// ```swift
/// Attention.attend(query: q, keys: kCache, values: vCache, format: .f16, positions: n,
///                  headDimension: 64, keyStride: 192, valueStride: 192, scale: 0.125,
///                  scores: scratch, into: out)
/// ```
public enum Attention {
    /// Element type of the key/value cache.
    ///
    /// With `.f16` the query and the attention weights are rounded to F16 before their products
    /// with the cache, as llama.cpp's (non-flash) attention does: its `mul_mat` converts the F32
    /// operand to the F16 cache's type. Measured against ../shared/model-reference this brings
    /// the logits closer (mean |diff| 0.195 → 0.157, docs/runtime.md).
    public enum CacheFormat: Sendable, CaseIterable {
        /// 4 bytes per value.
        case f32
        /// 2 bytes per value (llama.cpp's default cache type).
        case f16
        /// ggml's Q8_0 blocks: per 32 values an F16 scale d = amax/127 and 32 signed bytes
        /// (34 bytes, 1.06 bytes per value), as llama.cpp's `--cache-type-k/v q8_0`. Head
        /// dimensions and strides must be multiples of 32.
        case q8_0

        /// Bytes that `elements` consecutive values take (for `.q8_0`, a multiple of 32 values).
        @inline(__always)
        public func byteCount(_ elements: Int) -> Int {
            switch self {
            case .f32: return 4 * elements
            case .f16: return 2 * elements
            case .q8_0: return elements / 32 * 34
            }
        }

        /// Whether `elements` values (a head dimension, a stride) fill whole units of the format.
        public func holds(_ elements: Int) -> Bool { self != .q8_0 || elements % 32 == 0 }
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
        precondition(format.holds(headDimension) && format.holds(keyStride) && format.holds(valueStride),
                     "Q8_0 caches need head dimensions and strides in multiples of 32")
        let keyBytes = format.byteCount(keyStride), valueBytes = format.byteCount(valueStride)
        switch format {
        case .q8_0: q8Scores(query, keys, positions, headDimension, keyBytes, scale, scores)
        case .f32: floatScores(query, keys, format, positions, headDimension, keyBytes, scale, scores)
        case .f16:
            // The query rounded to F16 once (on the stack: no allocation), as ggml converts it.
            withUnsafeTemporaryAllocation(of: Float.self, capacity: headDimension) { rounded in
                let q = rounded.baseAddress!
                for i in 0..<headDimension { q[i] = Float(Float16(query[i])) }
                floatScores(q, keys, format, positions, headDimension, keyBytes, scale, scores)
            }
        }
        Softmax.inPlace(scores, count: positions)
        out.update(repeating: 0, count: headDimension)
        if format == .q8_0 {
            return q8Values(scores, values, positions, headDimension, valueBytes, out)
        }
        if format == .f16 {
            // The weights as ggml's F16 product with the V cache sees them.
            for t in 0..<positions { scores[t] = Float(Float16(scores[t])) }
        }
        for t in 0..<positions {
            let v = values + t * valueBytes
            let p = scores[t]
            var i = 0
            while i + 8 <= headDimension {
                VectorMath.store(VectorMath.load(out + i) + p * load8(v, i, format), out + i)
                i += 8
            }
            while i < headDimension { out[i] += p * load1(v, i, format); i += 1 }
        }
    }

    /// `scores[t] = scale · q·k_t` over F32 or F16 key rows.
    @inline(__always)
    static func floatScores(
        _ query: UnsafePointer<Float>, _ keys: UnsafeRawPointer, _ format: CacheFormat, _ positions: Int,
        _ headDimension: Int, _ rowBytes: Int, _ scale: Float, _ scores: UnsafeMutablePointer<Float>
    ) {
        for t in 0..<positions {
            let k = keys + t * rowBytes
            var acc = SIMD8<Float>()
            var i = 0
            while i + 8 <= headDimension {
                acc = fma(VectorMath.load(query + i), load8(k, i, format), acc)
                i += 8
            }
            var s = acc.sum()
            while i < headDimension { s += query[i] * load1(k, i, format); i += 1 }
            scores[t] = s * scale
        }
    }

    /// `scores[t] = scale · Σ_b d_b · Σ_i q_i · k_i` over Q8_0 key rows: the query stays F32 (only
    /// the cache is quantized), each block's 32 products summed before its scale is applied.
    @inline(__always)
    static func q8Scores(
        _ query: UnsafePointer<Float>, _ keys: UnsafeRawPointer, _ positions: Int, _ headDimension: Int,
        _ rowBytes: Int, _ scale: Float, _ scores: UnsafeMutablePointer<Float>
    ) {
        let blocks = headDimension / 32
        for t in 0..<positions {
            let k = keys + t * rowBytes
            var acc = SIMD8<Float>()
            for b in 0..<blocks {
                let block = k + 34 * b, q = query + 32 * b
                var s = VectorMath.load(q) * int8x8(block + 2)
                s = fma(VectorMath.load(q + 8), int8x8(block + 10), s)
                s = fma(VectorMath.load(q + 16), int8x8(block + 18), s)
                s = fma(VectorMath.load(q + 24), int8x8(block + 26), s)
                acc = fma(SIMD8(repeating: Half.load(block, 0)), s, acc)
            }
            scores[t] = acc.sum() * scale
        }
    }

    /// `out += Σ_t p_t · d_b · v_t` over Q8_0 value rows.
    @inline(__always)
    static func q8Values(
        _ p: UnsafeMutablePointer<Float>, _ values: UnsafeRawPointer, _ positions: Int, _ headDimension: Int,
        _ rowBytes: Int, _ out: UnsafeMutablePointer<Float>
    ) {
        let blocks = headDimension / 32
        for b in 0..<blocks {
            let o = out + 32 * b
            var a0 = SIMD8<Float>(), a1 = a0, a2 = a0, a3 = a0
            for t in 0..<positions {
                let block = values + t * rowBytes + 34 * b
                let c = SIMD8<Float>(repeating: p[t] * Half.load(block, 0))
                a0 = fma(c, int8x8(block + 2), a0)
                a1 = fma(c, int8x8(block + 10), a1)
                a2 = fma(c, int8x8(block + 18), a2)
                a3 = fma(c, int8x8(block + 26), a3)
            }
            VectorMath.store(a0, o)
            VectorMath.store(a1, o + 8)
            VectorMath.store(a2, o + 16)
            VectorMath.store(a3, o + 24)
        }
    }

    /// `a · b + c` (one rounding with FMA).
    @inline(__always)
    static func fma(_ a: SIMD8<Float>, _ b: SIMD8<Float>, _ c: SIMD8<Float>) -> SIMD8<Float> {
        #if KERNELS_AVX2
        return _mm256_fmadd_ps(a, b, c)
        #else
        return c.addingProduct(a, b)
        #endif
    }

    /// Eight signed bytes as floats.
    @inline(__always)
    static func int8x8(_ p: UnsafeRawPointer) -> SIMD8<Float> {
        #if KERNELS_AVX2
        return _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64(p.assumingMemoryBound(to: __m128i.self))))
        #else
        return SIMD8<Float>(p.loadUnaligned(as: SIMD8<Int8>.self))
        #endif
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
