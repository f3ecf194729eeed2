import XCTest

@testable import Kernels

/// Activation quantization: the error bound the matrix-product tolerances rely on, the redundant
/// fields (Q8_1's s, Q8_K's bsums), and the AVX2 path equal to the portable one bit for bit.
final class ActivationQuantizationTests: XCTestCase {
    func testErrorBoundsAndRedundantFields() throws {
        var rng = SeededGenerator(seed: 1)
        var x = RandomTensor.floats(512, &rng, scale: 2)
        x[5] = 0.5; x[40] = -7  // blocks with different ranges
        for i in 256..<272 { x[i] = 0 }  // a zero sub-block
        let scratch = QuantizedActivations()
        for type in [TensorType.q8_0, .q8_1, .q8_K] {
            try scratch.quantize(x, rows: 1, columns: 512, as: type)
            var back = [Float](repeating: 0, count: 512)
            try ReferenceDequantization.row(type, from: scratch.data, columns: 512, into: &back)
            let block = type.blockElements
            for b in 0..<512 / block {
                let amax = x[b * block..<(b + 1) * block].map(abs).max()!
                // Rounding to the step d = amax/127 (≤ d/2), plus d's F16 rounding (≤ 2⁻¹¹·|d·q|).
                let bound = amax / 254 + (type == .q8_K ? amax * 1e-6 : amax / 2048)
                for i in b * block..<(b + 1) * block {
                    XCTAssertLessThanOrEqual(abs(back[i] - x[i]), bound, "\(type) value \(i)")
                }
            }
            let data = scratch.data
            if type == .q8_1 {
                for b in 0..<16 {
                    let d = Half.load(data + 36 * b, 0)
                    let sum = (0..<32).reduce(0) { $0 + Int(data.load(fromByteOffset: 36 * b + 4 + $1, as: Int8.self)) }
                    // s is F16(d·Σq) with the F32 d, before d's own F16 rounding: both within 2⁻¹¹.
                    XCTAssertEqual(Half.load(data + 36 * b, 2), d * Float(sum), accuracy: abs(d * Float(sum)) / 1000)
                }
            }
            if type == .q8_K {
                for b in 0..<2 {
                    for g in 0..<16 {
                        let sum = (0..<16).reduce(0) { $0 + Int(data.load(fromByteOffset: 292 * b + 4 + 16 * g + $1, as: Int8.self)) }
                        XCTAssertEqual(Int(data.loadUnaligned(fromByteOffset: 292 * b + 260 + 2 * g, as: Int16.self)), sum)
                    }
                }
            }
        }
    }

    func testAVX2MatchesPortableBitForBit() throws {
        guard KernelPath.available.contains(.avx2) else {
            XCTAssertEqual(KernelPath.best, .portable, "a build without AVX2 uses the portable path")
            return
        }
        var rng = SeededGenerator(seed: 2)
        var x = RandomTensor.floats(32 * 20, &rng, scale: 5)
        for i in 32..<64 { x[i] = 0 }  // amax = 0
        for i in 64..<96 { x[i] = Float(i - 80) * 0.5 }  // many exact .5 ties
        for withSum in [false, true] {
            let bytes = withSum ? 36 : 34
            var a = [UInt8](repeating: 0, count: 20 * bytes), b = a
            let type: TensorType = withSum ? .q8_1 : .q8_0
            a.withUnsafeMutableBytes { ActivationQuantization.quantizeRow(x, columns: 640, as: type, into: $0.baseAddress!, path: .portable) }
            b.withUnsafeMutableBytes { ActivationQuantization.quantizeRow(x, columns: 640, as: type, into: $0.baseAddress!, path: .avx2) }
            XCTAssertEqual(a, b, "\(type)")
        }
    }
}
