import Foundation
import XCTest

@testable import Kernels

/// The elementwise and reduction loops against Double references; sizes include non-multiples
/// of the 8-lane vectors so the scalar tails run too.
final class VectorTests: XCTestCase {
    static let sizes = [1, 7, 8, 9, 31, 576, 1003]

    func testExpAcrossTheFloatRange() {
        // Relative error of the SIMD exp: the polynomial is accurate to ~1 ulp on |r| ≤ ln2/2;
        // 4 ulp (4.8e-7) leaves room for the rounding of the reduction.
        var x: Float = -87
        while x < 88.5 {
            let got = VectorMath.exp(SIMD8(repeating: x))[0]
            let want = Foundation.exp(Double(x))
            XCTAssertLessThanOrEqual(abs(Double(got) - want) / want, 4.8e-7, "exp(\(x))")
            x += 0.173
        }
        let edge = VectorMath.exp(SIMD8(-.infinity, -200, -104, 0, 89, .infinity, .nan, 1))
        XCTAssertEqual(edge[0], 0)
        XCTAssertEqual(edge[1], 0)
        XCTAssertEqual(edge[2], 0)
        XCTAssertEqual(edge[3], 1)
        XCTAssertEqual(edge[4], .infinity)
        XCTAssertEqual(edge[5], .infinity)
        XCTAssertTrue(edge[6].isNaN)
        XCTAssertEqual(Double(edge[7]), M_E, accuracy: 1e-6)
        // Subnormal results keep their value (2^n split in two factors).
        XCTAssertEqual(Double(VectorMath.exp(SIMD8(repeating: -100))[0]), Foundation.exp(-100.0), accuracy: 1e-45)
    }

    func testElementwise() {
        var rng = SeededGenerator(seed: 11)
        for n in Self.sizes {
            let a = RandomTensor.floats(n, &rng, scale: 6), b = RandomTensor.floats(n, &rng, scale: 6)
            var out = [Float](repeating: .nan, count: n)
            VectorMath.add(a, b, into: &out, count: n)
            XCTAssertEqual(out, zip(a, b).map { $0 + $1 })
            VectorMath.multiply(a, b, into: &out, count: n)
            XCTAssertEqual(out, zip(a, b).map { $0 * $1 })
            out = a
            VectorMath.scale(&out, by: 0.5, count: n)
            XCTAssertEqual(out, a.map { $0 * 0.5 })
            VectorMath.silu(a, into: &out, count: n)
            for i in 0..<n {
                let want = Double(a[i]) / (1 + Foundation.exp(-Double(a[i])))
                XCTAssertEqual(Double(out[i]), want, accuracy: 1e-6 * max(1, abs(want)), "silu \(a[i])")
            }
            VectorMath.swiGLU(gate: a, up: b, into: &out, count: n)
            for i in 0..<n {
                let want = Double(a[i]) / (1 + Foundation.exp(-Double(a[i]))) * Double(b[i])
                XCTAssertEqual(Double(out[i]), want, accuracy: 1e-6 * max(1, abs(want)), "swiglu")
            }
            let dot = zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            let magnitude = zip(a, b).reduce(0.0) { $0 + abs(Double($1.0) * Double($1.1)) }
            XCTAssertEqual(Double(VectorMath.dot(a, b, count: n)), dot, accuracy: 1e-6 * magnitude)
        }
    }

    func testRMSNorm() {
        var rng = SeededGenerator(seed: 12)
        for n in Self.sizes {
            let x = RandomTensor.floats(n, &rng, scale: 3), weight = RandomTensor.floats(n, &rng)
            var out = [Float](repeating: .nan, count: n)
            Normalization.rmsNorm(x, weight: weight, epsilon: 1e-5, into: &out, count: n)
            let meanSquare = x.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(n)
            let factor = 1 / (meanSquare + 1e-5).squareRoot()
            for i in 0..<n {
                XCTAssertEqual(Double(out[i]), Double(x[i]) * factor * Double(weight[i]), accuracy: 1e-5, "n=\(n) i=\(i)")
            }
            // In place, no gain.
            var y = x
            Normalization.rmsNorm(y, weight: nil, epsilon: 1e-5, into: &y, count: n)
            for i in 0..<n { XCTAssertEqual(Double(y[i]), Double(x[i]) * factor, accuracy: 1e-5) }
        }
    }

    func testSoftmax() {
        var rng = SeededGenerator(seed: 13)
        for n in Self.sizes {
            var x = RandomTensor.floats(n, &rng, scale: 30)
            if n > 3 { x[1] = -.infinity; x[2] = 1000 }  // a masked entry and a huge one: stability
            let reference = x.map(Double.init)
            Softmax.inPlace(&x, count: n)
            let m = reference.max()!
            let e = reference.map { Foundation.exp($0 - m) }
            let sum = e.reduce(0, +)
            for i in 0..<n { XCTAssertEqual(Double(x[i]), e[i] / sum, accuracy: 1e-6, "n=\(n) i=\(i)") }
            XCTAssertEqual(Double(x.reduce(0, +)), 1, accuracy: 1e-5)
            if n > 3 { XCTAssertEqual(x[1], 0) }
        }
        var masked: [Float] = [-.infinity, -.infinity, -.infinity]
        XCTAssertEqual(Softmax.inPlace(&masked, count: 3), 0)
        XCTAssertEqual(masked, [0, 0, 0])
    }

    /// RoPE against the rotation written out in Double: pair (a, b) of head h rotated by
    /// θ_i = p·s·base^(−2i/d).
    func testRotaryEmbedding() {
        var rng = SeededGenerator(seed: 14)
        for style in [RotaryEmbedding.Style.normal, .neox] {
            for (position, scale) in [(0, Float(1)), (1, 1), (17, 1), (4000, 0.25)] {
                let rope = RotaryEmbedding(headDimension: 64, base: 100_000, frequencyScale: scale, style: style)
                let x = RandomTensor.floats(3 * 64, &rng)
                var y = x
                rope.apply(to: &y, heads: 3, position: position)
                for h in 0..<3 {
                    for i in 0..<32 {
                        let (a, b) = style == .normal ? (h * 64 + 2 * i, h * 64 + 2 * i + 1) : (h * 64 + i, h * 64 + i + 32)
                        let theta = Double(position) * Double(scale) * pow(100_000, -2 * Double(i) / 64)
                        let wantA = Double(x[a]) * cos(theta) - Double(x[b]) * sin(theta)
                        let wantB = Double(x[a]) * sin(theta) + Double(x[b]) * cos(theta)
                        // F32 angles: θ up to 4000 rad carries an absolute error ~ 4000·2⁻²³·(i+1).
                        let tolerance = 2e-6 + Double(position) * Double(scale) * 1.2e-7 * Double(i + 1)
                        XCTAssertEqual(Double(y[a]), wantA, accuracy: tolerance, "\(style) p=\(position) h=\(h) i=\(i)")
                        XCTAssertEqual(Double(y[b]), wantB, accuracy: tolerance, "\(style) p=\(position) h=\(h) i=\(i)")
                    }
                }
            }
        }
        // Partial rotation leaves the tail untouched.
        let rope = RotaryEmbedding(headDimension: 8, dimensions: 4, base: 10_000, style: .neox)
        var v: [Float] = [1, 2, 3, 4, 5, 6, 7, 8]
        rope.apply(to: &v, heads: 1, position: 3)
        XCTAssertEqual(Array(v[4...]), [5, 6, 7, 8])
        XCTAssertNotEqual(Array(v[..<4]), [1, 2, 3, 4])
    }

    func testAttentionF32F16AndQ8Cache() throws {
        var rng = SeededGenerator(seed: 15)
        let d = 64, stride = 3 * 64  // three KV heads interleaved per position; we read head 1
        for positions in [1, 5, 37] {
            let q = RandomTensor.floats(d, &rng)
            let k = RandomTensor.floats(positions * stride, &rng), v = RandomTensor.floats(positions * stride, &rng)
            for format in Attention.CacheFormat.allCases {
                // The cache's bytes, and the values they hold (the reference works from those).
                let (keyBytes, kc) = try Self.cacheRows(k, format: format, rows: positions, width: stride)
                let (valueBytes, vc) = try Self.cacheRows(v, format: format, rows: positions, width: stride)
                // With an F16 cache the query is rounded to F16 first, as llama.cpp does.
                let qr = format == .f16 ? q.map { Float(Float16($0)) } : q
                var weights = (0..<positions).map { t in (0..<d).reduce(0.0) { $0 + Double(qr[$1]) * Double(kc[t * stride + 64 + $1]) } * 0.125 }
                let m = weights.max()!
                weights = weights.map { Foundation.exp($0 - m) }
                let sum = weights.reduce(0, +)
                weights = weights.map { $0 / sum }
                var out = [Float](repeating: .nan, count: d)
                var scratch = [Float](repeating: .nan, count: Attention.scratchCount(positions: positions, headDimension: d))
                keyBytes.withUnsafeBytes { kp in
                    valueBytes.withUnsafeBytes { vp in
                        Attention.attend(
                            query: q, keys: kp.baseAddress! + format.byteCount(64), values: vp.baseAddress! + format.byteCount(64),
                            format: format, positions: positions, headDimension: d, keyStride: stride, valueStride: stride,
                            scale: 0.125, scores: &scratch, into: &out)
                    }
                }
                // The weights: the softmax, and with an F16 cache rounded to F16 (as llama.cpp's
                // product with the V cache converts them), so within half an F16 step of it.
                for t in 0..<positions {
                    let bound = format == .f16 ? weights[t] * 0x1p-11 + 1e-7 : 1e-6
                    XCTAssertEqual(Double(scratch[t]), weights[t], accuracy: bound, "\(format) positions=\(positions) t=\(t)")
                    if format == .f16 { XCTAssertEqual(scratch[t], Float(Float16(scratch[t])), "\(format) weight \(t) is not an F16 value") }
                }
                // The output: those weights times the values the cache holds.
                let want = (0..<d).map { i in (0..<positions).reduce(0.0) { $0 + Double(scratch[$1]) * Double(vc[$1 * stride + 64 + i]) } }
                for i in 0..<d { XCTAssertEqual(Double(out[i]), want[i], accuracy: 1e-5, "\(format) positions=\(positions) i=\(i)") }
                XCTAssertEqual(Double(scratch[..<positions].reduce(0, +)), 1, accuracy: format == .f16 ? 1e-3 : 1e-5)
            }
        }
    }

    /// `rows` rows of `width` values stored in a cache format, and the values decoded from them.
    static func cacheRows(_ x: [Float], format: Attention.CacheFormat, rows: Int, width: Int) throws -> ([UInt8], [Float]) {
        switch format {
        case .f32: return (x.withUnsafeBytes { Array($0) }, x)
        case .f16: return (x.map { Float16($0) }.withUnsafeBytes { Array($0) }, x.map { Float(Float16($0)) })
        case .q8_0:
            let rowBytes = format.byteCount(width)
            var bytes = [UInt8](repeating: 0, count: rows * rowBytes)
            var decoded = [Float](repeating: .nan, count: rows * width)
            try bytes.withUnsafeMutableBytes { b in
                try x.withUnsafeBufferPointer { xp in
                    try decoded.withUnsafeMutableBufferPointer { dp in
                        for r in 0..<rows {
                            ActivationQuantization.quantizeRow(xp.baseAddress! + r * width, columns: width, as: .q8_0,
                                                               into: b.baseAddress! + r * rowBytes)
                            try ReferenceDequantization.row(.q8_0, from: b.baseAddress! + r * rowBytes, columns: width,
                                                            into: dp.baseAddress! + r * width)
                        }
                    }
                }
            }
            return (bytes, decoded)
        }
    }

    func testRoundedToHalfEqualsFloat16Conversion() {
        var rng = SeededGenerator(seed: 17)
        var values: [Float] = [0, -0, 1, -1, 65504, 65519.99, 65520, 70000, -70000, 0x1p-14, 0x1p-15, 0x1p-24, 0x1p-25,
                               0x1.8p-25, 3e-8, 1 + 0x1p-11, 1 + 0x1.8p-11, 1 + 0x1p-12, .infinity, -.infinity, .leastNonzeroMagnitude]
        for _ in 0..<4000 {
            let e = Float.random(in: -30...17, using: &rng)
            values.append(Float.random(in: -1...1, using: &rng) * Float(sign: .plus, exponent: Int(e), significand: 1))
        }
        while values.count % 8 != 0 { values.append(0.5) }
        for i in stride(from: 0, to: values.count, by: 8) {
            let v = SIMD8<Float>(values[i..<(i + 8)])
            let got = LlamaCppArithmetic.roundedToHalf(v)
            for k in 0..<8 {
                XCTAssertEqual(got[k].bitPattern, Float(Float16(v[k])).bitPattern, "\(v[k])")
            }
        }
    }

    func testArgmaxAndTopK() {
        var rng = SeededGenerator(seed: 16)
        for n in Self.sizes + [49_152] {
            var x = RandomTensor.floats(n, &rng)
            if n > 5 { x[3] = .nan; x[n - 1] = x.max()!; x[n / 2] = x[n - 1] }  // NaN, and a tie
            let best = x.enumerated().filter { !$0.element.isNaN }.max { a, b in a.element < b.element || (a.element == b.element && a.offset > b.offset) }!
            XCTAssertEqual(Selection.argmax(x, count: n), best.offset, "n=\(n)")
            for k in [1, 5, 40, n + 3] {
                var indices = [Int32](repeating: -1, count: k), values = [Float](repeating: .nan, count: k)
                let got = Selection.topK(x, count: n, k: k, indices: &indices, values: &values)
                let want = x.enumerated().filter { !$0.element.isNaN }
                    .sorted { $0.element > $1.element || ($0.element == $1.element && $0.offset < $1.offset) }
                    .prefix(k)
                XCTAssertEqual(got, want.count, "n=\(n) k=\(k)")
                XCTAssertEqual(Array(indices[..<got]), want.map { Int32($0.offset) }, "n=\(n) k=\(k)")
                XCTAssertEqual(Array(values[..<got]), want.map(\.element))
            }
        }
        XCTAssertNil(Selection.argmax([Float](), count: 0))
        XCTAssertNil(Selection.argmax([Float.nan, .nan], count: 2))
    }
}
