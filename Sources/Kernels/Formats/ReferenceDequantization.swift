/// Scalar dequantization of every format to `Float`, written for obviousness rather than speed:
/// the reference the tests hold the SIMD kernels to, and a way to read a tensor as floats.
///
/// ```swift
/// var out = [Float](repeating: 0, count: 576)
/// try out.withUnsafeMutableBufferPointer {
///     try ReferenceDequantization.row(.q4_1, from: rowPointer, columns: 576, into: $0.baseAddress!)
/// }
/// ```
public enum ReferenceDequantization {
    /// Decodes one row of `columns` values stored in `type` at `source` into `destination`.
    /// - Throws: `KernelError.columnsNotMultipleOfBlock` if `columns` is not a whole number of blocks.
    public static func row(
        _ type: TensorType, from source: UnsafeRawPointer, columns: Int,
        into destination: UnsafeMutablePointer<Float>
    ) throws(KernelError) {
        _ = try type.rowBytes(columns: columns)
        let blocks = columns / type.blockElements
        for b in 0..<blocks {
            let block = source + b * type.blockBytes
            let out = destination + b * type.blockElements
            switch type {
            case .f32: out[0] = block.loadUnaligned(as: Float.self)
            case .f16: out[0] = Half.load(block, 0)
            case .q4_0: q4_0(block, out)
            case .q4_1: q4_1(block, out)
            case .q8_0: q8(d: Half.load(block, 0), qs: block + 2, out)
            case .q8_1: q8(d: Half.load(block, 0), qs: block + 4, out)  // s = d·Σqs is redundant
            case .q4_K: q4_K(block, out)
            case .q6_K: q6_K(block, out)
            case .q8_K: q8_K(block, out)
            }
        }
    }

    /// Q4_0: x = d·(q − 8); byte j holds value j in its low nibble and value j+16 in its high one.
    static func q4_0(_ block: UnsafeRawPointer, _ out: UnsafeMutablePointer<Float>) {
        let d = Half.load(block, 0)
        for j in 0..<16 {
            let byte = block.load(fromByteOffset: 2 + j, as: UInt8.self)
            out[j] = d * Float(Int(byte & 0x0F) - 8)
            out[j + 16] = d * Float(Int(byte >> 4) - 8)
        }
    }

    /// Q4_1: x = d·q + m, same nibble order as Q4_0.
    static func q4_1(_ block: UnsafeRawPointer, _ out: UnsafeMutablePointer<Float>) {
        let d = Half.load(block, 0)
        let m = Half.load(block, 2)
        for j in 0..<16 {
            let byte = block.load(fromByteOffset: 4 + j, as: UInt8.self)
            out[j] = d * Float(byte & 0x0F) + m
            out[j + 16] = d * Float(byte >> 4) + m
        }
    }

    /// Q8_0 and Q8_1: x = d·q.
    static func q8(d: Float, qs: UnsafeRawPointer, _ out: UnsafeMutablePointer<Float>) {
        for j in 0..<32 { out[j] = d * Float(qs.load(fromByteOffset: j, as: Int8.self)) }
    }

    /// The 6-bit scale and min of sub-block `j` (0..<8) of a Q4_K block from its 12 packed bytes:
    /// bytes 0–3 hold scales 0–3 (low 6 bits), bytes 4–7 mins 0–3, bytes 8–11 the low 4 bits of
    /// scales/mins 4–7 (low/high nibble), whose top 2 bits sit in the top bits of bytes 0–7.
    @inlinable @inline(__always)
    public static func q4_KScaleMin(_ scales: UnsafeRawPointer, _ j: Int) -> (scale: UInt8, min: UInt8) {
        func byte(_ i: Int) -> UInt8 { scales.load(fromByteOffset: i, as: UInt8.self) }
        if j < 4 { return (byte(j) & 63, byte(j + 4) & 63) }
        return ((byte(j + 4) & 0x0F) | ((byte(j - 4) >> 6) << 4), (byte(j + 4) >> 4) | ((byte(j) >> 6) << 4))
    }

    /// Q4_K: 8 sub-blocks of 32; x = d·scale_j·q − dmin·min_j. Each 32 bytes of `qs` hold two
    /// consecutive sub-blocks: the low nibbles the first, the high nibbles the second.
    static func q4_K(_ block: UnsafeRawPointer, _ out: UnsafeMutablePointer<Float>) {
        let d = Half.load(block, 0)
        let dmin = Half.load(block, 2)
        let scales = block + 4
        let qs = block + 16
        for pair in 0..<4 {
            let (s0, m0) = q4_KScaleMin(scales, 2 * pair)
            let (s1, m1) = q4_KScaleMin(scales, 2 * pair + 1)
            for l in 0..<32 {
                let byte = qs.load(fromByteOffset: 32 * pair + l, as: UInt8.self)
                out[64 * pair + l] = d * Float(s0) * Float(byte & 0x0F) - dmin * Float(m0)
                out[64 * pair + 32 + l] = d * Float(s1) * Float(byte >> 4) - dmin * Float(m1)
            }
        }
    }

    /// Q6_K: 16 sub-blocks of 16 with int8 scales; x = d·scale·(q − 32), q = 4 low bits from `ql`
    /// and 2 high bits from `qh`. Per half (128 values): value l (0..<32) takes ql[l] low nibble
    /// and qh[l] bits 0–1; l+32: ql[l+32] low, bits 2–3; l+64: ql[l] high, bits 4–5; l+96:
    /// ql[l+32] high, bits 6–7.
    static func q6_K(_ block: UnsafeRawPointer, _ out: UnsafeMutablePointer<Float>) {
        let d = Half.load(block, 208)
        for half in 0..<2 {
            let ql = block + 64 * half
            let qh = block + 128 + 32 * half
            let sc = block + 192 + 8 * half
            for l in 0..<32 {
                let lo0 = ql.load(fromByteOffset: l, as: UInt8.self)
                let lo1 = ql.load(fromByteOffset: l + 32, as: UInt8.self)
                let hi = qh.load(fromByteOffset: l, as: UInt8.self)
                let q = [
                    Int(lo0 & 0x0F) | Int(hi & 3) << 4,
                    Int(lo1 & 0x0F) | Int((hi >> 2) & 3) << 4,
                    Int(lo0 >> 4) | Int((hi >> 4) & 3) << 4,
                    Int(lo1 >> 4) | Int((hi >> 6) & 3) << 4,
                ]
                for k in 0..<4 {
                    let scale = Float(sc.load(fromByteOffset: l / 16 + 2 * k, as: Int8.self))
                    out[128 * half + 32 * k + l] = d * scale * Float(q[k] - 32)
                }
            }
        }
    }

    /// Q8_K: x = d·q with a float `d`; `bsums` are redundant.
    static func q8_K(_ block: UnsafeRawPointer, _ out: UnsafeMutablePointer<Float>) {
        let d = block.loadUnaligned(as: Float.self)
        for j in 0..<256 { out[j] = d * Float(block.load(fromByteOffset: 4 + j, as: Int8.self)) }
    }
}
