/// Row kernels in plain Swift: integer sums per block, then one float multiply-add per block in
/// the same order as the SIMD paths' per-block scaling (their results agree to float rounding).
enum PortableDot {
    @inline(__always)
    static func forRows(
        _ n: Int, _ a: UnsafeRawPointer, _ stride: Int, _ out: UnsafeMutablePointer<Float>, _ outStride: Int,
        _ body: (UnsafeRawPointer) -> Float
    ) {
        for j in 0..<n { out[j * outStride] = body(a + j * stride) }
    }

    static func f32(
        _ w: UnsafeRawPointer, _ a: UnsafeRawPointer, _ stride: Int, _ n: Int, _ blocks: Int,
        _ out: UnsafeMutablePointer<Float>, _ outStride: Int
    ) {
        forRows(n, a, stride, out, outStride) { x in
            var sum: Float = 0
            for i in 0..<blocks {
                sum += w.loadUnaligned(fromByteOffset: 4 * i, as: Float.self)
                    * x.loadUnaligned(fromByteOffset: 4 * i, as: Float.self)
            }
            return sum
        }
    }

    static func f16(
        _ w: UnsafeRawPointer, _ a: UnsafeRawPointer, _ stride: Int, _ n: Int, _ blocks: Int,
        _ out: UnsafeMutablePointer<Float>, _ outStride: Int
    ) {
        forRows(n, a, stride, out, outStride) { x in
            var sum: Float = 0
            for i in 0..<blocks {
                sum += Half.load(w, 2 * i) * x.loadUnaligned(fromByteOffset: 4 * i, as: Float.self)
            }
            return sum
        }
    }

    /// Q4_0 · Q8_0: d_w·d_x·Σ(q_w − 8)·q_x per block.
    static func q4_0(
        _ w: UnsafeRawPointer, _ a: UnsafeRawPointer, _ stride: Int, _ n: Int, _ blocks: Int,
        _ out: UnsafeMutablePointer<Float>, _ outStride: Int
    ) {
        forRows(n, a, stride, out, outStride) { x in
            var sum: Float = 0
            for b in 0..<blocks {
                let wb = w + 18 * b, xb = x + 34 * b
                var s: Int32 = 0
                for j in 0..<16 {
                    let byte = wb.load(fromByteOffset: 2 + j, as: UInt8.self)
                    s += (Int32(byte & 0x0F) - 8) * Int32(xb.load(fromByteOffset: 2 + j, as: Int8.self))
                    s += (Int32(byte >> 4) - 8) * Int32(xb.load(fromByteOffset: 18 + j, as: Int8.self))
                }
                sum += Half.load(wb, 0) * Half.load(xb, 0) * Float(s)
            }
            return sum
        }
    }

    /// Q4_1 · Q8_1: d_w·d_x·Σq_w·q_x + m_w·s_x per block (s_x = d_x·Σq_x).
    static func q4_1(
        _ w: UnsafeRawPointer, _ a: UnsafeRawPointer, _ stride: Int, _ n: Int, _ blocks: Int,
        _ out: UnsafeMutablePointer<Float>, _ outStride: Int
    ) {
        forRows(n, a, stride, out, outStride) { x in
            var sum: Float = 0, mins: Float = 0
            for b in 0..<blocks {
                let wb = w + 20 * b, xb = x + 36 * b
                var s: Int32 = 0
                for j in 0..<16 {
                    let byte = wb.load(fromByteOffset: 4 + j, as: UInt8.self)
                    s += Int32(byte & 0x0F) * Int32(xb.load(fromByteOffset: 4 + j, as: Int8.self))
                    s += Int32(byte >> 4) * Int32(xb.load(fromByteOffset: 20 + j, as: Int8.self))
                }
                sum += Half.load(wb, 0) * Half.load(xb, 0) * Float(s)
                mins.addProduct(Half.load(wb, 2), Half.load(xb, 2))  // one rounding, as the AVX2 path
            }
            return sum + mins
        }
    }

    /// Q8_0 · Q8_0.
    static func q8_0(
        _ w: UnsafeRawPointer, _ a: UnsafeRawPointer, _ stride: Int, _ n: Int, _ blocks: Int,
        _ out: UnsafeMutablePointer<Float>, _ outStride: Int
    ) {
        forRows(n, a, stride, out, outStride) { x in
            var sum: Float = 0
            for b in 0..<blocks {
                let wb = w + 34 * b, xb = x + 34 * b
                var s: Int32 = 0
                for j in 0..<32 {
                    s += Int32(wb.load(fromByteOffset: 2 + j, as: Int8.self))
                        * Int32(xb.load(fromByteOffset: 2 + j, as: Int8.self))
                }
                sum += Half.load(wb, 0) * Half.load(xb, 0) * Float(s)
            }
            return sum
        }
    }

    /// Q4_K · Q8_K: per super-block d·d_x·Σ_j scale_j·Σq·q_x − dmin·d_x·Σ_j min_j·(sum of the
    /// sub-block's 32 activation quants, from two bsums).
    static func q4_K(
        _ w: UnsafeRawPointer, _ a: UnsafeRawPointer, _ stride: Int, _ n: Int, _ blocks: Int,
        _ out: UnsafeMutablePointer<Float>, _ outStride: Int
    ) {
        forRows(n, a, stride, out, outStride) { x in
            var sum: Float = 0, mins: Float = 0
            for b in 0..<blocks {
                let wb = w + 144 * b, xb = x + 292 * b
                let dx = xb.loadUnaligned(as: Float.self)
                var s: Int32 = 0, m: Int32 = 0
                for pair in 0..<4 {
                    let (s0, m0) = ReferenceDequantization.q4_KScaleMin(wb + 4, 2 * pair)
                    let (s1, m1) = ReferenceDequantization.q4_KScaleMin(wb + 4, 2 * pair + 1)
                    var lo: Int32 = 0, hi: Int32 = 0
                    for l in 0..<32 {
                        let byte = wb.load(fromByteOffset: 16 + 32 * pair + l, as: UInt8.self)
                        lo += Int32(byte & 0x0F) * Int32(xb.load(fromByteOffset: 4 + 64 * pair + l, as: Int8.self))
                        hi += Int32(byte >> 4) * Int32(xb.load(fromByteOffset: 36 + 64 * pair + l, as: Int8.self))
                    }
                    s += Int32(s0) * lo + Int32(s1) * hi
                    let bsum = { (g: Int) in Int32(xb.loadUnaligned(fromByteOffset: 260 + 2 * g, as: Int16.self)) }
                    m += Int32(m0) * (bsum(4 * pair) + bsum(4 * pair + 1))
                    m += Int32(m1) * (bsum(4 * pair + 2) + bsum(4 * pair + 3))
                }
                sum += Half.load(wb, 0) * dx * Float(s)
                mins += Half.load(wb, 2) * dx * Float(m)
            }
            return sum - mins
        }
    }

    /// Q6_K · Q8_K: d·d_x·Σ_g scale_g·(Σq·q_x − 32·bsum_g) per super-block.
    static func q6_K(
        _ w: UnsafeRawPointer, _ a: UnsafeRawPointer, _ stride: Int, _ n: Int, _ blocks: Int,
        _ out: UnsafeMutablePointer<Float>, _ outStride: Int
    ) {
        forRows(n, a, stride, out, outStride) { x in
            var sum: Float = 0, offsets: Float = 0
            for b in 0..<blocks {
                let wb = w + 210 * b, xb = x + 292 * b
                let dd = Half.load(wb, 208) * xb.loadUnaligned(as: Float.self)
                var s: Int32 = 0, o: Int32 = 0
                for half in 0..<2 {
                    let ql = wb + 64 * half, qh = wb + 128 + 32 * half
                    for k in 0..<4 {
                        for g in 0..<2 {
                            var gs: Int32 = 0
                            for l in 16 * g..<16 * g + 16 {
                                let low = ql.load(fromByteOffset: l + 32 * (k & 1), as: UInt8.self)
                                let nibble = k < 2 ? low & 0x0F : low >> 4
                                let high = (qh.load(fromByteOffset: l, as: UInt8.self) >> (2 * k)) & 3
                                let q = Int32(nibble | high << 4)
                                gs += q * Int32(xb.load(fromByteOffset: 4 + 128 * half + 32 * k + l, as: Int8.self))
                            }
                            let scale = Int32(wb.load(fromByteOffset: 192 + 8 * half + 2 * k + g, as: Int8.self))
                            s += scale * gs
                            let group = 8 * half + 2 * k + g
                            o += scale * Int32(xb.loadUnaligned(fromByteOffset: 260 + 2 * group, as: Int16.self))
                        }
                    }
                }
                sum += dd * Float(s)
                offsets += dd * Float(32 * o)
            }
            return sum - offsets
        }
    }
}
