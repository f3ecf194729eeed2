#if KERNELS_AVX2
import _Builtin_intrinsics.intel

/// Row kernels with AVX2 integer dot products, following the scheme of ggml's x86 kernels:
/// `vpmaddubsw` multiplies unsigned weight quants by signed activation quants and adds pairs to
/// 16 bits, `vpmaddwd` widens (and applies integer sub-block scales) to 32 bits, and one FMA per
/// block applies the float scales. Signed × signed (Q4_0, Q8_0) moves the sign of the weight onto
/// the activation first (`vpsignb`), since `vpmaddubsw` needs one unsigned operand.
///
/// Each kernel is written once as an `@inline(__always)` body over up to four activation rows and
/// instantiated for n = 1...4 so the row loop unrolls with constant `n`.
enum AVX2Dot {
    @inline(__always) static func load256(_ p: UnsafeRawPointer) -> __m256i {
        _mm256_loadu_si256(p.assumingMemoryBound(to: __m256i.self))
    }
    @inline(__always) static func load128(_ p: UnsafeRawPointer) -> __m128i {
        _mm_loadu_si128(p.assumingMemoryBound(to: __m128i.self))
    }
    /// Horizontal sum in a log-depth tree (the generic `sum()` adds the eight lanes serially).
    @inline(__always) static func hsum(_ v: __m256) -> Float {
        let x4: __m128 = v.lowHalf + v.highHalf
        let x2 = _mm_add_ps(x4, _mm_movehl_ps(x4, x4))
        let x1 = _mm_add_ss(x2, _mm_movehdup_ps(x2))
        return _mm_cvtss_f32(x1)
    }
    @inline(__always) static func hsum(_ v: __m256i) -> Int32 {
        unsafeBitCast(v, to: SIMD8<Int32>.self).wrappedSum()
    }
    @inline(__always) static func half(_ p: UnsafeRawPointer, _ offset: Int) -> Float { Half.load(p, offset) }

    /// Runs a row body over weight rows `rows` and all `n` inputs, four inputs at a time, each
    /// call with a literal input count so the body's per-input code unrolls. The weight row stays
    /// in L1 while it meets every input.
    @inline(__always)
    static func drive(
        _ w: UnsafeRawPointer, _ rowBytes: Int, _ rows: Range<Int>, _ a: UnsafeRawPointer, _ stride: Int,
        _ scales: UnsafePointer<Float>, _ scaleStride: Int, _ n: Int, _ y: UnsafeMutablePointer<Float>, _ outStride: Int,
        _ body: (
            _ row: UnsafeRawPointer, _ x: UnsafeRawPointer, _ xScales: UnsafePointer<Float>, _ count: Int,
            _ out: UnsafeMutablePointer<Float>
        ) -> Void
    ) {
        if n == 1 {
            for r in rows { body(w + r * rowBytes, a, scales, 1, y + r) }
            return
        }
        for r in rows {
            let row = w + r * rowBytes
            var j = 0
            while j + 4 <= n {
                body(row, a + j * stride, scales + j * scaleStride, 4, y + j * outStride + r)
                j += 4
            }
            switch n - j {
            case 3: body(row, a + j * stride, scales + j * scaleStride, 3, y + j * outStride + r)
            case 2: body(row, a + j * stride, scales + j * scaleStride, 2, y + j * outStride + r)
            case 1: body(row, a + j * stride, scales + j * scaleStride, 1, y + j * outStride + r)
            default: break
            }
        }
    }

    // MARK: Q4_1 · Q8_1

    static func q4_1(
        _ w: UnsafeRawPointer, _ rowBytes: Int, _ rows: Range<Int>, _ a: UnsafeRawPointer, _ stride: Int,
        _ scales: UnsafePointer<Float>, _ scaleStride: Int, _ n: Int, _ blocks: Int,
        _ y: UnsafeMutablePointer<Float>, _ outStride: Int
    ) {
        drive(w, rowBytes, rows, a, stride, scales, scaleStride, n, y, outStride) { row, x, xScales, count, out in
            q4_1Body(row, x, stride, xScales, scaleStride, count, blocks, out, outStride)
        }
    }

    @inline(__always)
    static func q4_1Body(
        _ w: UnsafeRawPointer, _ a: UnsafeRawPointer, _ stride: Int, _ xScales: UnsafePointer<Float>,
        _ scaleStride: Int, _ n: Int, _ blocks: Int, _ out: UnsafeMutablePointer<Float>, _ outStride: Int
    ) {
        let low = _mm256_set1_epi8(0x0F)
        let ones = _mm256_set1_epi16(1)
        var acc0 = _mm256_setzero_ps(), acc1 = acc0, acc2 = acc0, acc3 = acc0
        // Lane 1 accumulates Σ m_w·s_x (lane 0 holds Σ d_w·d_x, unused).
        var min0 = _mm_setzero_ps(), min1 = min0, min2 = min0, min3 = min0
        @inline(__always) func step(_ wb: UnsafeRawPointer, _ xb: UnsafeRawPointer, _ sb: UnsafePointer<Float>) {
            // The weights' (d, m) F16 pair in one conversion; times the input's F32 (d, s) pair
            // gives (d_w·d_x, m_w·s_x) in one multiply.
            let weightScales = _mm_cvtph_ps(_mm_cvtsi32_si128(wb.loadUnaligned(as: Int32.self)))
            let raw = load128(wb + 4)
            // Low nibbles are values 0–15, high nibbles 16–31: one 32-byte vector in value order.
            let q = _mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(raw, 4), raw), low)
            @inline(__always) func row(_ j: Int, _ acc: inout __m256, _ mins: inout __m128) {
                let s = _mm256_madd_epi16(_mm256_maddubs_epi16(q, load256(xb + j * stride + 4)), ones)
                // Reads 4 floats: (d, s) of this block and the next pair (or the padding).
                let xs = _mm_loadu_ps(sb + j * scaleStride)
                let scales = _mm_mul_ps(weightScales, xs)
                acc = _mm256_fmadd_ps(_mm256_broadcastss_ps(scales), _mm256_cvtepi32_ps(s), acc)
                // Σ m_w·s_x with one rounding per block: ggml's `summs += m*s`, which GCC
                // contracts to vfmadd231ss (checked in libggml-cpu's ggml_vec_dot_q4_1_q8_1).
                mins = _mm_fmadd_ps(weightScales, xs, mins)
            }
            row(0, &acc0, &min0)
            if n > 1 { row(1, &acc1, &min1) }
            if n > 2 { row(2, &acc2, &min2) }
            if n > 3 { row(3, &acc3, &min3) }
        }
        // Two blocks per iteration halve the loop overhead.
        var wb = w, xb = a, sb = xScales
        let pairsEnd = w + 40 * (blocks / 2)
        while wb < pairsEnd {
            step(wb, xb, sb)
            step(wb + 20, xb + 36, sb + 2)
            wb += 40
            xb += 72
            sb += 4
        }
        if blocks & 1 != 0 { step(wb, xb, sb) }
        out[0] = hsum(acc0) + min0[1]
        if n > 1 { out[outStride] = hsum(acc1) + min1[1] }
        if n > 2 { out[2 * outStride] = hsum(acc2) + min2[1] }
        if n > 3 { out[3 * outStride] = hsum(acc3) + min3[1] }
    }

    // MARK: Q4_0 · Q8_0 and Q8_0 · Q8_0

    static func q4_0(
        _ w: UnsafeRawPointer, _ rowBytes: Int, _ rows: Range<Int>, _ a: UnsafeRawPointer, _ stride: Int,
        _ scales: UnsafePointer<Float>, _ scaleStride: Int, _ n: Int, _ blocks: Int,
        _ y: UnsafeMutablePointer<Float>, _ outStride: Int
    ) {
        drive(w, rowBytes, rows, a, stride, scales, scaleStride, n, y, outStride) { row, x, xScales, count, out in
            signedBody(row, 18, x, stride, xScales, scaleStride, count, blocks, out, outStride, nibbles: true)
        }
    }

    static func q8_0(
        _ w: UnsafeRawPointer, _ rowBytes: Int, _ rows: Range<Int>, _ a: UnsafeRawPointer, _ stride: Int,
        _ scales: UnsafePointer<Float>, _ scaleStride: Int, _ n: Int, _ blocks: Int,
        _ y: UnsafeMutablePointer<Float>, _ outStride: Int
    ) {
        drive(w, rowBytes, rows, a, stride, scales, scaleStride, n, y, outStride) { row, x, xScales, count, out in
            signedBody(row, 34, x, stride, xScales, scaleStride, count, blocks, out, outStride, nibbles: false)
        }
    }

    @inline(__always)
    static func signedBody(
        _ w: UnsafeRawPointer, _ blockBytes: Int, _ a: UnsafeRawPointer, _ stride: Int,
        _ xScales: UnsafePointer<Float>, _ scaleStride: Int, _ n: Int,
        _ blocks: Int, _ out: UnsafeMutablePointer<Float>, _ outStride: Int, nibbles: Bool
    ) {
        let low = _mm256_set1_epi8(0x0F)
        let eight = _mm256_set1_epi8(8)
        let ones = _mm256_set1_epi16(1)
        var acc0 = _mm256_setzero_ps(), acc1 = acc0, acc2 = acc0, acc3 = acc0
        @inline(__always) func step(_ wb: UnsafeRawPointer, _ xBlock: UnsafeRawPointer, _ sb: UnsafePointer<Float>) {
            let dw = _mm256_set1_ps(half(wb, 0))
            let q: __m256i
            if nibbles {
                let raw = load128(wb + 2)
                q = _mm256_sub_epi8(_mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(raw, 4), raw), low), eight)
            } else {
                q = load256(wb + 2)
            }
            let absQ = _mm256_sign_epi8(q, q)
            @inline(__always) func row(_ j: Int, _ acc: inout __m256) {
                let xb = xBlock + j * stride
                let signedX = _mm256_sign_epi8(load256(xb + 2), q)
                let s = _mm256_madd_epi16(_mm256_maddubs_epi16(absQ, signedX), ones)
                acc = _mm256_fmadd_ps(_mm256_mul_ps(dw, _mm256_set1_ps(sb[j * scaleStride])), _mm256_cvtepi32_ps(s), acc)
            }
            row(0, &acc0)
            if n > 1 { row(1, &acc1) }
            if n > 2 { row(2, &acc2) }
            if n > 3 { row(3, &acc3) }
        }
        var wb = w, xb = a, sb = xScales
        let pairsEnd = w + 2 * blockBytes * (blocks / 2)
        while wb < pairsEnd {
            step(wb, xb, sb)
            step(wb + blockBytes, xb + 34, sb + 2)
            wb += 2 * blockBytes
            xb += 68
            sb += 4
        }
        if blocks & 1 != 0 { step(wb, xb, sb) }
        out[0] = hsum(acc0)
        if n > 1 { out[outStride] = hsum(acc1) }
        if n > 2 { out[2 * outStride] = hsum(acc2) }
        if n > 3 { out[3 * outStride] = hsum(acc3) }
    }

    // MARK: Q4_K · Q8_K

    static func q4_K(
        _ w: UnsafeRawPointer, _ rowBytes: Int, _ rows: Range<Int>, _ a: UnsafeRawPointer, _ stride: Int,
        _ scales: UnsafePointer<Float>, _ scaleStride: Int, _ n: Int, _ blocks: Int,
        _ y: UnsafeMutablePointer<Float>, _ outStride: Int
    ) {
        drive(w, rowBytes, rows, a, stride, scales, scaleStride, n, y, outStride) { row, x, xScales, count, out in
            q4_KBody(row, x, stride, count, blocks, out, outStride)
        }
    }

    @inline(__always)
    static func q4_KBody(
        _ w: UnsafeRawPointer, _ a: UnsafeRawPointer, _ stride: Int, _ n: Int, _ blocks: Int,
        _ out: UnsafeMutablePointer<Float>, _ outStride: Int
    ) {
        let low = _mm256_set1_epi8(0x0F)
        var acc0 = _mm256_setzero_ps(), acc1 = acc0, acc2 = acc0, acc3 = acc0
        var min0: Float = 0, min1: Float = 0, min2: Float = 0, min3: Float = 0
        for b in 0..<blocks {
            let wb = w + 144 * b
            let d = half(wb, 0), dmin = half(wb, 2)
            var scales = SIMD8<Int16>(), mins = SIMD8<Int16>()
            for j in 0..<8 {
                let (s, m) = ReferenceDequantization.q4_KScaleMin(wb + 4, j)
                scales[j] = Int16(s)
                mins[j] = Int16(m)
            }
            let minsVector = unsafeBitCast(mins, to: __m128i.self)
            @inline(__always) func row(_ j: Int, _ acc: inout __m256, _ minSum: inout Float) {
                let xb = a + j * stride + 292 * b
                let dx = xb.loadUnaligned(as: Float.self)
                // Sums of each 32 activation quants (two bsums) times the sub-block minimums.
                let bsums = _mm_hadd_epi16(load128(xb + 260), load128(xb + 276))
                let m = _mm_madd_epi16(bsums, minsVector)
                minSum += dmin * dx * Float(unsafeBitCast(m, to: SIMD4<Int32>.self).wrappedSum())
                var sumi = _mm256_setzero_si256()
                for pair in 0..<4 {
                    let raw = load256(wb + 16 + 32 * pair)
                    let lo = _mm256_and_si256(raw, low)
                    let hi = _mm256_and_si256(_mm256_srli_epi16(raw, 4), low)
                    let p0 = _mm256_madd_epi16(
                        _mm256_maddubs_epi16(lo, load256(xb + 4 + 64 * pair)), _mm256_set1_epi16(scales[2 * pair]))
                    let p1 = _mm256_madd_epi16(
                        _mm256_maddubs_epi16(hi, load256(xb + 36 + 64 * pair)), _mm256_set1_epi16(scales[2 * pair + 1]))
                    sumi = _mm256_add_epi32(sumi, _mm256_add_epi32(p0, p1))
                }
                acc = _mm256_fmadd_ps(_mm256_set1_ps(d * dx), _mm256_cvtepi32_ps(sumi), acc)
            }
            row(0, &acc0, &min0)
            if n > 1 { row(1, &acc1, &min1) }
            if n > 2 { row(2, &acc2, &min2) }
            if n > 3 { row(3, &acc3, &min3) }
        }
        out[0] = hsum(acc0) - min0
        if n > 1 { out[outStride] = hsum(acc1) - min1 }
        if n > 2 { out[2 * outStride] = hsum(acc2) - min2 }
        if n > 3 { out[3 * outStride] = hsum(acc3) - min3 }
    }

    // MARK: Q6_K · Q8_K

    static func q6_K(
        _ w: UnsafeRawPointer, _ rowBytes: Int, _ rows: Range<Int>, _ a: UnsafeRawPointer, _ stride: Int,
        _ scales: UnsafePointer<Float>, _ scaleStride: Int, _ n: Int, _ blocks: Int,
        _ y: UnsafeMutablePointer<Float>, _ outStride: Int
    ) {
        drive(w, rowBytes, rows, a, stride, scales, scaleStride, n, y, outStride) { row, x, xScales, count, out in
            q6_KBody(row, x, stride, count, blocks, out, outStride)
        }
    }

    @inline(__always)
    static func q6_KBody(
        _ w: UnsafeRawPointer, _ a: UnsafeRawPointer, _ stride: Int, _ n: Int, _ blocks: Int,
        _ out: UnsafeMutablePointer<Float>, _ outStride: Int
    ) {
        let low = _mm256_set1_epi8(0x0F)
        let bits01 = _mm256_set1_epi8(0x03), bits23 = _mm256_set1_epi8(0x0C), bits45 = _mm256_set1_epi8(0x30)
        var acc0 = _mm256_setzero_ps(), acc1 = acc0, acc2 = acc0, acc3 = acc0
        var off0: Float = 0, off1: Float = 0, off2: Float = 0, off3: Float = 0
        for b in 0..<blocks {
            let wb = w + 210 * b
            let d = half(wb, 208)
            let scales16 = _mm256_cvtepi8_epi16(load128(wb + 192))
            // Accumulate Σ scale·Σq·x per row over both halves; the −32 offset is applied once per
            // super-block through the bsums.
            var s0 = _mm256_setzero_si256(), s1 = s0, s2 = s0, s3 = s0
            for half in 0..<2 {
                let ql0 = load256(wb + 64 * half), ql1 = load256(wb + 64 * half + 32)
                let qh = load256(wb + 128 + 32 * half)
                let q = (
                    _mm256_or_si256(_mm256_and_si256(ql0, low), _mm256_slli_epi16(_mm256_and_si256(qh, bits01), 4)),
                    _mm256_or_si256(_mm256_and_si256(ql1, low), _mm256_slli_epi16(_mm256_and_si256(qh, bits23), 2)),
                    _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql0, 4), low), _mm256_and_si256(qh, bits45)),
                    _mm256_or_si256(
                        _mm256_and_si256(_mm256_srli_epi16(ql1, 4), low),
                        _mm256_and_si256(_mm256_srli_epi16(qh, 2), bits45))
                )
                @inline(__always) func scalePair(_ k: Int) -> __m256i {
                    let sc = wb + 192 + 8 * half + 2 * k
                    return _mm256_set_m128i(
                        _mm_set1_epi16(Int16(sc.load(fromByteOffset: 1, as: Int8.self))),
                        _mm_set1_epi16(Int16(sc.load(as: Int8.self))))
                }
                let sc = (scalePair(0), scalePair(1), scalePair(2), scalePair(3))
                @inline(__always) func row(_ j: Int, _ sumi: inout __m256i) {
                    let xq = a + j * stride + 292 * b + 4 + 128 * half
                    let p0 = _mm256_madd_epi16(_mm256_maddubs_epi16(q.0, load256(xq)), sc.0)
                    let p1 = _mm256_madd_epi16(_mm256_maddubs_epi16(q.1, load256(xq + 32)), sc.1)
                    let p2 = _mm256_madd_epi16(_mm256_maddubs_epi16(q.2, load256(xq + 64)), sc.2)
                    let p3 = _mm256_madd_epi16(_mm256_maddubs_epi16(q.3, load256(xq + 96)), sc.3)
                    sumi = _mm256_add_epi32(sumi, _mm256_add_epi32(_mm256_add_epi32(p0, p1), _mm256_add_epi32(p2, p3)))
                }
                row(0, &s0)
                if n > 1 { row(1, &s1) }
                if n > 2 { row(2, &s2) }
                if n > 3 { row(3, &s3) }
            }
            @inline(__always) func finish(_ j: Int, _ sumi: __m256i, _ acc: inout __m256, _ offset: inout Float) {
                let xb = a + j * stride + 292 * b
                let dd = d * xb.loadUnaligned(as: Float.self)
                acc = _mm256_fmadd_ps(_mm256_set1_ps(dd), _mm256_cvtepi32_ps(sumi), acc)
                let o = hsum(_mm256_madd_epi16(scales16, load256(xb + 260)))
                offset += dd * Float(32 * o)
            }
            finish(0, s0, &acc0, &off0)
            if n > 1 { finish(1, s1, &acc1, &off1) }
            if n > 2 { finish(2, s2, &acc2, &off2) }
            if n > 3 { finish(3, s3, &acc3, &off3) }
        }
        out[0] = hsum(acc0) - off0
        if n > 1 { out[outStride] = hsum(acc1) - off1 }
        if n > 2 { out[2 * outStride] = hsum(acc2) - off2 }
        if n > 3 { out[3 * outStride] = hsum(acc3) - off3 }
    }

    // MARK: F32 and F16 (blocks = values)

    static func f32(
        _ w: UnsafeRawPointer, _ rowBytes: Int, _ rows: Range<Int>, _ a: UnsafeRawPointer, _ stride: Int,
        _ scales: UnsafePointer<Float>, _ scaleStride: Int, _ n: Int, _ blocks: Int,
        _ y: UnsafeMutablePointer<Float>, _ outStride: Int
    ) {
        drive(w, rowBytes, rows, a, stride, scales, scaleStride, n, y, outStride) { row, x, xScales, count, out in
            floatBody(row, x, stride, count, blocks, out, outStride, f16: false)
        }
    }

    static func f16(
        _ w: UnsafeRawPointer, _ rowBytes: Int, _ rows: Range<Int>, _ a: UnsafeRawPointer, _ stride: Int,
        _ scales: UnsafePointer<Float>, _ scaleStride: Int, _ n: Int, _ blocks: Int,
        _ y: UnsafeMutablePointer<Float>, _ outStride: Int
    ) {
        drive(w, rowBytes, rows, a, stride, scales, scaleStride, n, y, outStride) { row, x, xScales, count, out in
            floatBody(row, x, stride, count, blocks, out, outStride, f16: true)
        }
    }

    @inline(__always)
    static func floatBody(
        _ w: UnsafeRawPointer, _ a: UnsafeRawPointer, _ stride: Int, _ n: Int, _ count: Int,
        _ out: UnsafeMutablePointer<Float>, _ outStride: Int, f16: Bool
    ) {
        @inline(__always) func weights(_ i: Int) -> __m256 {
            f16 ? _mm256_cvtph_ps(load128(w + 2 * i))
                : _mm256_loadu_ps(w.assumingMemoryBound(to: Float.self) + i)
        }
        @inline(__always) func x(_ j: Int, _ i: Int) -> __m256 {
            _mm256_loadu_ps((a + j * stride).assumingMemoryBound(to: Float.self) + i)
        }
        // Two accumulators per row hide the FMA latency.
        var a0 = _mm256_setzero_ps(), b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0
        var i = 0
        while i + 16 <= count {
            let w0 = weights(i), w1 = weights(i + 8)
            a0 = _mm256_fmadd_ps(w0, x(0, i), a0); b0 = _mm256_fmadd_ps(w1, x(0, i + 8), b0)
            if n > 1 { a1 = _mm256_fmadd_ps(w0, x(1, i), a1); b1 = _mm256_fmadd_ps(w1, x(1, i + 8), b1) }
            if n > 2 { a2 = _mm256_fmadd_ps(w0, x(2, i), a2); b2 = _mm256_fmadd_ps(w1, x(2, i + 8), b2) }
            if n > 3 { a3 = _mm256_fmadd_ps(w0, x(3, i), a3); b3 = _mm256_fmadd_ps(w1, x(3, i + 8), b3) }
            i += 16
        }
        @inline(__always) func tail(_ j: Int, _ acc: __m256, _ acc2: __m256) -> Float {
            var s = hsum(_mm256_add_ps(acc, acc2))
            let xs = (a + j * stride).assumingMemoryBound(to: Float.self)
            for k in i..<count {
                s += (f16 ? Half.load(w, 2 * k) : w.loadUnaligned(fromByteOffset: 4 * k, as: Float.self)) * xs[k]
            }
            return s
        }
        out[0] = tail(0, a0, b0)
        if n > 1 { out[outStride] = tail(1, a1, b1) }
        if n > 2 { out[2 * outStride] = tail(2, a2, b2) }
        if n > 3 { out[3 * outStride] = tail(3, a3, b3) }
    }
}
#endif
