#if KERNELS_AVX2
import _Builtin_intrinsics.intel
#endif

/// Quantization of an F32 input row to the activation formats (Q8_0, Q8_1, Q8_K) that the integer
/// dot products consume, as llama.cpp does before every quantized matrix product: the input is
/// quantized once per call and then reused against every weight row.
///
/// Q8_0/Q8_1 use d = amax/127 and q = round-half-even(x·127/amax) (what ggml's AVX2
/// `quantize_row_q8_0/1` computes), d stored as F16; Q8_1 also stores s = d·Σq. Q8_K keeps d as F32
/// and q = round-half-even(x/d) with d = amax/127, plus the sums of each 16 quants (`bsums`) that
/// the K-quant kernels use to apply the sub-block minimums and offsets.
public enum ActivationQuantization {
    /// Quantizes `columns` floats at `x` into one row of `type` at `destination`
    /// (`type.rowBytes(columns:)` bytes). `.f32` copies.
    /// - Precondition: `columns` is a multiple of `type.blockElements`; `type` is `.q8_0`, `.q8_1`,
    ///   `.q8_K` or `.f32`.
    public static func quantizeRow(
        _ x: UnsafePointer<Float>, columns: Int, as type: TensorType, into destination: UnsafeMutableRawPointer,
        path: KernelPath = .best
    ) {
        precondition(columns % type.blockElements == 0, "columns must be whole blocks")
        switch type {
        case .q8_0, .q8_1:
            #if KERNELS_AVX2
            if path == .avx2 { return q8_32AVX2(x, columns / 32, destination, withSum: type == .q8_1) }
            #endif
            q8_32Portable(x, columns / 32, destination, withSum: type == .q8_1)
        case .q8_K: q8_KRow(x, columns / 256, destination)
        case .f32: destination.copyMemory(from: x, byteCount: columns * 4)
        default: preconditionFailure("\(type) is not an activation format")
        }
    }

    /// Portable Q8_0/Q8_1 (also the reference the AVX2 path is tested against, bit for bit).
    static func q8_32Portable(
        _ x: UnsafePointer<Float>, _ blocks: Int, _ out: UnsafeMutableRawPointer, withSum: Bool
    ) {
        let blockBytes = withSum ? 36 : 34
        for b in 0..<blocks {
            let src = x + 32 * b
            let dst = out + blockBytes * b
            var amax: Float = 0
            for i in 0..<32 { amax = max(amax, abs(src[i])) }
            let d = amax / 127
            let id: Float = amax != 0 ? 127 / amax : 0
            let qs = dst + (withSum ? 4 : 2)
            var sum = 0
            for i in 0..<32 {
                let q = Int8((src[i] * id).rounded(.toNearestOrEven))
                qs.storeBytes(of: q, toByteOffset: i, as: Int8.self)
                sum += Int(q)
            }
            dst.storeBytes(of: Half.fromFloat(d), as: UInt16.self)
            if withSum { dst.storeBytes(of: Half.fromFloat(d * Float(sum)), toByteOffset: 2, as: UInt16.self) }
        }
    }

    #if KERNELS_AVX2
    static func q8_32AVX2(
        _ x: UnsafePointer<Float>, _ blocks: Int, _ out: UnsafeMutableRawPointer, withSum: Bool
    ) {
        let blockBytes = withSum ? 36 : 34
        let signMask = _mm256_set1_ps(-0.0)
        // packs interleaves the two 128-bit lanes; this permutation restores element order.
        let unshuffle = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7)
        for b in 0..<blocks {
            let src = x + 32 * b
            let dst = out + blockBytes * b
            let v0 = _mm256_loadu_ps(src), v1 = _mm256_loadu_ps(src + 8)
            let v2 = _mm256_loadu_ps(src + 16), v3 = _mm256_loadu_ps(src + 24)
            let m = _mm256_max_ps(
                _mm256_max_ps(_mm256_andnot_ps(signMask, v0), _mm256_andnot_ps(signMask, v1)),
                _mm256_max_ps(_mm256_andnot_ps(signMask, v2), _mm256_andnot_ps(signMask, v3)))
            let amax = m.max()
            let d = amax / 127
            let id = _mm256_set1_ps(amax != 0 ? 127 / amax : 0)
            // cvtps_epi32 rounds with MXCSR's default mode, round-half-even.
            let i0 = _mm256_cvtps_epi32(_mm256_mul_ps(v0, id)), i1 = _mm256_cvtps_epi32(_mm256_mul_ps(v1, id))
            let i2 = _mm256_cvtps_epi32(_mm256_mul_ps(v2, id)), i3 = _mm256_cvtps_epi32(_mm256_mul_ps(v3, id))
            let packed = _mm256_packs_epi16(_mm256_packs_epi32(i0, i1), _mm256_packs_epi32(i2, i3))
            let q = _mm256_permutevar8x32_epi32(packed, unshuffle)
            _mm256_storeu_si256(
                (dst + (withSum ? 4 : 2)).assumingMemoryBound(to: __m256i.self), q)
            dst.storeBytes(of: Half.fromFloat(d), as: UInt16.self)
            if withSum {
                let s = _mm256_add_epi32(_mm256_add_epi32(i0, i1), _mm256_add_epi32(i2, i3))
                let sum = unsafeBitCast(s, to: SIMD8<Int32>.self).wrappedSum()
                dst.storeBytes(of: Half.fromFloat(d * Float(sum)), toByteOffset: 2, as: UInt16.self)
            }
        }
    }
    #endif

    /// Q8_K: per 256 values d = amax/127 (F32), q = round-half-even(x/d), bsums of each 16.
    static func q8_KRow(_ x: UnsafePointer<Float>, _ blocks: Int, _ out: UnsafeMutableRawPointer) {
        for b in 0..<blocks {
            let src = x + 256 * b
            let dst = out + 292 * b
            var amax: Float = 0
            for i in 0..<256 { amax = max(amax, abs(src[i])) }
            let d = amax / 127
            let id: Float = amax != 0 ? 127 / amax : 0
            dst.storeBytes(of: d, as: Float.self)
            for g in 0..<16 {
                var sum: Int16 = 0
                for i in 16 * g..<16 * g + 16 {
                    let q = Int8((src[i] * id).rounded(.toNearestOrEven))
                    dst.storeBytes(of: q, toByteOffset: 4 + i, as: Int8.self)
                    sum &+= Int16(q)
                }
                dst.storeBytes(of: sum, toByteOffset: 260 + 2 * g, as: Int16.self)
            }
        }
    }
}
