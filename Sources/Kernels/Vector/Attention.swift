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
    ///   - scores: caller-owned scratch of at least `scratchCount(positions:headDimension:)`
    ///     floats; its first `positions` hold the attention weights (probabilities) on return.
    ///   - out: `headDimension` floats.
    ///   - batched: whether this query is one row of a batch (prompt processing, draft
    ///     verification). llama.cpp sums a batch's attention products in another order (tinyBLAS)
    ///     than a single token's (`ggml_vec_dot_f16`); an F16 cache follows the same order.
    public static func attend(
        query: UnsafePointer<Float>, keys: UnsafeRawPointer, values: UnsafeRawPointer, format: CacheFormat,
        positions: Int, headDimension: Int, keyStride: Int, valueStride: Int, scale: Float,
        scores: UnsafeMutablePointer<Float>, into out: UnsafeMutablePointer<Float>, batched: Bool = false
    ) {
        precondition(positions >= 1, "attention needs at least one position")
        precondition(format.holds(headDimension) && format.holds(keyStride) && format.holds(valueStride),
                     "Q8_0 caches need head dimensions and strides in multiples of 32")
        let keyBytes = format.byteCount(keyStride), valueBytes = format.byteCount(valueStride)
        if format == .f16 && headDimension % 16 == 0 {
            return llamaCppF16(query, keys, values, positions, headDimension, keyBytes, valueBytes, scale,
                               scores, out, batched: batched)
        }
        switch format {
        case .q8_0: q8Scores(query, keys, positions, headDimension, keyBytes, scale, scores)
        case .f32: floatScores(query, keys, format, positions, headDimension, keyBytes, scale, scores)
        case .f16:
            // Head dimensions that are not multiples of 16 (none in llama-family GGUFs).
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

    /// Floats of scratch `attend` needs for `positions` positions: the weights, and with an F16
    /// cache 64 partial sums of the output (`headDimension` each).
    public static func scratchCount(positions: Int, headDimension: Int) -> Int {
        positions + 64 * headDimension
    }

    /// Attention over an F16 cache as llama.cpp 0.3.36's CPU backend computes it without flash
    /// attention (`mul_mat(K, Q)`, `soft_max_ext`, `mul_mat(Vᵀ, KQ)`), operation for operation:
    /// - Q and the weights are converted to F16, as `mul_mat` converts its F32 operand to the
    ///   cache's type;
    /// - a single token's products are `ggml_vec_dot_f16` (AVX-512: four 16-lane accumulators,
    ///   element i in accumulator (i mod 64)/16, summed 0+2, 1+3, then 0+1, then
    ///   `LlamaCppArithmetic.reduce16`); a batch's are tinyBLAS (one 16-lane accumulator, FMA
    ///   over consecutive 16-element chunks, then `reduce16`);
    /// - the softmax is `LlamaCppArithmetic.softmax`.
    /// llama.cpp's rows are padded with masked cells, which add exact zeros, so the sums over
    /// `positions` cells equal its sums.
    static func llamaCppF16(
        _ query: UnsafePointer<Float>, _ keys: UnsafeRawPointer, _ values: UnsafeRawPointer, _ positions: Int,
        _ headDimension: Int, _ keyBytes: Int, _ valueBytes: Int, _ scale: Float,
        _ scores: UnsafeMutablePointer<Float>, _ out: UnsafeMutablePointer<Float>, batched: Bool
    ) {
        let hd = headDimension
        withUnsafeTemporaryAllocation(of: Float.self, capacity: hd) { rounded in
            let q = rounded.baseAddress!
            var i = 0
            while i < hd { VectorMath.store(LlamaCppArithmetic.roundedToHalf(VectorMath.load(query + i)), q + i); i += 8 }
            for t in 0..<positions {
                let k = keys + t * keyBytes
                @inline(__always) func product(_ i: Int) -> SIMD8<Float> { load8(k, i, .f16) * VectorMath.load(q + i) }
                @inline(__always) func fmaAt(_ i: Int, _ acc: SIMD8<Float>) -> SIMD8<Float> { fma(load8(k, i, .f16), VectorMath.load(q + i), acc) }
                var dot: Float
                if batched {
                    var low = product(0), high = product(8)
                    var i = 16
                    while i < hd { low = fmaAt(i, low); high = fmaAt(i + 8, high); i += 16 }
                    dot = LlamaCppArithmetic.reduce16(low, high)
                } else {
                    let np = hd & ~63
                    var a0 = SIMD8<Float>(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0
                    var i = 0
                    while i < np {
                        a0 = fmaAt(i, a0); a1 = fmaAt(i + 8, a1); a2 = fmaAt(i + 16, a2); a3 = fmaAt(i + 24, a3)
                        a4 = fmaAt(i + 32, a4); a5 = fmaAt(i + 40, a5); a6 = fmaAt(i + 48, a6); a7 = fmaAt(i + 56, a7)
                        i += 64
                    }
                    var sum = Double(LlamaCppArithmetic.reduce16((a0 + a4) + (a2 + a6), (a1 + a5) + (a3 + a7)))
                    while i < hd { sum += Double(Half.load(k, 2 * i) * q[i]); i += 1 }
                    dot = Float(sum)
                }
                scores[t] = dot * scale
            }
        }
        LlamaCppArithmetic.softmax(scores, count: positions)
        var t = 0
        while t + 8 <= positions {
            VectorMath.store(LlamaCppArithmetic.roundedToHalf(VectorMath.load(scores + t)), scores + t)
            t += 8
        }
        while t < positions { scores[t] = Float(Float16(scores[t])); t += 1 }
        // Output: per cell slot (t mod 64, or t mod 16 batched) a running FMA sum over the
        // positions of that slot, for every output element at once; then ggml's reduction of
        // the slots.
        let slots = batched ? 16 : 64
        // Slots no position reaches stay out of the sums (they would add zeros).
        let used = min(slots, positions)
        let acc = scores + positions
        acc.update(repeating: 0, count: used * hd)
        for t in 0..<positions {
            let v = values + t * valueBytes
            let p = SIMD8<Float>(repeating: scores[t])
            let row = acc + (t & (slots - 1)) * hd
            var i = 0
            while i < hd {
                VectorMath.store(fma(load8(v, i, .f16), p, VectorMath.load(row + i)), row + i)
                i += 8
            }
        }
        var i = 0
        while i < hd {
            @inline(__always) func slot(_ s: Int) -> SIMD8<Float> { s < used ? VectorMath.load(acc + s * hd + i) : SIMD8() }
            // Lane l of the 16-lane vector reduce16 sums: slots l, 16+l, 32+l, 48+l summed as
            // (0 + 2) + (1 + 3), or slot l alone for tinyBLAS's single accumulator.
            @inline(__always) func lane(_ l: Int) -> SIMD8<Float> {
                batched ? slot(l) : (slot(l) + slot(32 + l)) + (slot(16 + l) + slot(48 + l))
            }
            // reduce16, element-wise over eight output values.
            @inline(__always) func t3(_ m: Int) -> SIMD8<Float> { lane(m + 8) + lane(m) }
            @inline(__always) func t6(_ m: Int) -> SIMD8<Float> { t3(m + 4) + t3(m) }
            VectorMath.store((t6(0) + t6(2)) + (t6(1) + t6(3)), out + i)
            i += 8
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

    @inline(__always)
    static func fma(_ a: SIMD8<Float>, _ b: SIMD8<Float>, _ c: SIMD8<Float>) -> SIMD8<Float> {
        LlamaCppArithmetic.fma(a, b, c)
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
