import XCTest

@testable import Kernels

/// Block layouts and reference dequantization against hand-built blocks whose values are known.
final class FormatTests: XCTestCase {
    func testBlockSizesMatchGGML() {
        let expected: [(TensorType, UInt32, Int, Int)] = [
            (.f32, 0, 1, 4), (.f16, 1, 1, 2), (.q4_0, 2, 32, 18), (.q4_1, 3, 32, 20), (.q8_0, 8, 32, 34),
            (.q8_1, 9, 32, 36), (.q4_K, 12, 256, 144), (.q6_K, 14, 256, 210), (.q8_K, 15, 256, 292),
        ]
        for (type, id, elements, bytes) in expected {
            XCTAssertEqual(type.rawValue, id, "\(type)")
            XCTAssertEqual(type.blockElements, elements, "\(type)")
            XCTAssertEqual(type.blockBytes, bytes, "\(type)")
        }
        XCTAssertEqual(try TensorType.q4_1.rowBytes(columns: 576), 360)
        XCTAssertEqual(try TensorType.q8_0.rowBytes(columns: 576), 612)
        XCTAssertThrowsError(try TensorType.q4_K.rowBytes(columns: 576))
        XCTAssertThrowsError(try TensorType.q4_0.rowBytes(columns: 0))
        XCTAssertThrowsError(try TensorType.f32.rowBytes(columns: Int.max))
    }

    func testHalfConversions() {
        XCTAssertEqual(Half.toFloat(0x3C00), 1)
        XCTAssertEqual(Half.toFloat(0xC000), -2)
        XCTAssertEqual(Half.toFloat(0x0001), 5.960464477539063e-08)  // smallest subnormal
        XCTAssertEqual(Half.fromFloat(0.5), 0x3800)
        XCTAssertEqual(Half.fromFloat(65520), 0x7C00)  // rounds to +inf
        XCTAssertEqual(Half.fromFloat(1 + 1.0 / 4096), 0x3C00)  // tie → even
        var rng = SeededGenerator(seed: 3)
        let floats = RandomTensor.floats(21, &rng, scale: 100)
        var halves = [UInt16](repeating: 0, count: 21)
        halves.withUnsafeMutableBytes { Half.convert(floats, count: 21, into: $0.baseAddress!) }
        XCTAssertEqual(halves, floats.map(Half.fromFloat))
        var back = [Float](repeating: .nan, count: 21)
        halves.withUnsafeBytes { Half.convert($0.baseAddress!, count: 21, into: &back) }
        XCTAssertEqual(back, halves.map(Half.toFloat))
    }

    private func dequantize(_ type: TensorType, _ bytes: [UInt8], columns: Int) -> [Float] {
        RandomTensor.dequantize(type, bytes, rows: 1, columns: columns)
    }

    private func half(_ v: Float) -> [UInt8] {
        let b = Half.fromFloat(v)
        return [UInt8(b & 0xFF), UInt8(b >> 8)]
    }

    func testQ4_0AndQ4_1NibbleOrder() {
        // Byte j: low nibble is value j, high nibble value j + 16.
        let qs = (0..<16).map { UInt8($0) | UInt8(15 - $0) << 4 }
        let q40 = dequantize(.q4_0, half(0.5) + qs, columns: 32)
        for j in 0..<16 {
            XCTAssertEqual(q40[j], 0.5 * Float(j - 8))
            XCTAssertEqual(q40[j + 16], 0.5 * Float(15 - j - 8))
        }
        let q41 = dequantize(.q4_1, half(0.25) + half(-1) + qs, columns: 32)
        for j in 0..<16 {
            XCTAssertEqual(q41[j], 0.25 * Float(j) - 1)
            XCTAssertEqual(q41[j + 16], 0.25 * Float(15 - j) - 1)
        }
    }

    func testQ8Formats() {
        let qs = (0..<32).map { UInt8(bitPattern: Int8($0 * 8 - 128)) }
        XCTAssertEqual(dequantize(.q8_0, half(2) + qs, columns: 32), (0..<32).map { 2 * Float($0 * 8 - 128) })
        XCTAssertEqual(dequantize(.q8_1, half(2) + half(999) + qs, columns: 32), (0..<32).map { 2 * Float($0 * 8 - 128) })
        var k = withUnsafeBytes(of: Float(0.5)) { Array($0) }
        k += (0..<256).map { UInt8(bitPattern: Int8(truncatingIfNeeded: $0 - 128)) } + [UInt8](repeating: 0, count: 32)
        XCTAssertEqual(dequantize(.q8_K, k, columns: 256), (0..<256).map { 0.5 * Float($0 - 128) })
    }

    /// Packs 8 scales and 8 mins (6 bits each) the way Q4_K stores them, independently of the
    /// decoder: scales/mins 0–3 in the low 6 bits of bytes 0–3 / 4–7; 4–7 split into a low nibble
    /// (bytes 8–11) and two high bits (top of bytes 0–3 for scales, 4–7 for mins).
    private func packQ4KScales(_ scales: [UInt8], _ mins: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 12)
        for j in 0..<4 {
            out[j] = scales[j] | (scales[j + 4] >> 4) << 6
            out[j + 4] = mins[j] | (mins[j + 4] >> 4) << 6
            out[j + 8] = (scales[j + 4] & 0x0F) | (mins[j + 4] & 0x0F) << 4
        }
        return out
    }

    func testQ4_K() {
        var rng = SeededGenerator(seed: 4)
        let scales = (0..<8).map { _ in UInt8.random(in: 0...63, using: &rng) }
        let mins = (0..<8).map { _ in UInt8.random(in: 0...63, using: &rng) }
        let q = (0..<256).map { _ in UInt8.random(in: 0...15, using: &rng) }
        // Value 64p + l (l < 32) is the low nibble of qs[32p + l]; 64p + 32 + l its high nibble.
        var qs = [UInt8](repeating: 0, count: 128)
        for p in 0..<4 { for l in 0..<32 { qs[32 * p + l] = q[64 * p + l] | q[64 * p + 32 + l] << 4 } }
        let got = dequantize(.q4_K, half(0.125) + half(0.0625) + packQ4KScales(scales, mins) + qs, columns: 256)
        for i in 0..<256 {
            let sub = i / 32
            XCTAssertEqual(got[i], 0.125 * Float(scales[sub]) * Float(q[i]) - 0.0625 * Float(mins[sub]), "value \(i)")
        }
    }

    func testQ6_K() {
        var rng = SeededGenerator(seed: 6)
        let q = (0..<256).map { _ in UInt8.random(in: 0...63, using: &rng) }
        let scales = (0..<16).map { _ in Int8.random(in: -128...127, using: &rng) }
        // Per half h, index l < 32: ql[l] = q[l] low | q[l+64] low << 4; ql[l+32] = q[l+32] low |
        // q[l+96] low << 4; qh[l] = high bits of q[l], q[l+32], q[l+64], q[l+96] at 0, 2, 4, 6.
        var ql = [UInt8](repeating: 0, count: 128), qh = [UInt8](repeating: 0, count: 64)
        for h in 0..<2 {
            let v = Array(q[128 * h..<128 * h + 128])
            for l in 0..<32 {
                ql[64 * h + l] = (v[l] & 15) | (v[l + 64] & 15) << 4
                ql[64 * h + l + 32] = (v[l + 32] & 15) | (v[l + 96] & 15) << 4
                qh[32 * h + l] = v[l] >> 4 | (v[l + 32] >> 4) << 2 | (v[l + 64] >> 4) << 4 | (v[l + 96] >> 4) << 6
            }
        }
        let got = dequantize(.q6_K, ql + qh + scales.map { UInt8(bitPattern: $0) } + half(0.5), columns: 256)
        for i in 0..<256 {
            XCTAssertEqual(got[i], 0.5 * Float(scales[i / 16]) * Float(Int(q[i]) - 32), "value \(i)")
        }
    }

    func testFloatFormats() {
        let values: [Float] = [1.5, -2.25, 0, 1e-3]
        let f32 = values.flatMap { v in withUnsafeBytes(of: v) { Array($0) } }
        XCTAssertEqual(dequantize(.f32, f32, columns: 4), values)
        let f16 = values.flatMap { half($0) }
        XCTAssertEqual(dequantize(.f16, f16, columns: 4), values.map { Float(Float16($0)) })
    }
}
