import XCTest

@testable import Kernels

/// Every weight format's matrix product against the scalar reference, on seeded random data.
///
/// Two references per product:
/// 1. *Exact*: the dequantized weights times the dequantized quantized input, in Double. The
///    kernels compute exactly this sum (integer block sums, then F32 scaling), so the only error is
///    F32 rounding: ≤ 1e-5 · Σ|w·x̂| (a few dozen roundings of relative 2⁻²⁴ each, with margin).
///    Q4_1 also uses the input's stored s = F16(d·Σq) instead of d·Σq, adding |m|·|s|·2⁻¹¹ per block.
/// 2. *Float input*: the dequantized weights times the original F32 input. Activation quantization
///    moves each input value by at most amax/254 (rounding to a step of d = amax/127) plus
///    amax·2⁻¹¹ (d stored as F16, times |q| ≤ 127), amax the block's largest |x|; so the product
///    moves by at most Σ|w_i|·that bound, on top of tolerance 1.
final class MatMulTests: XCTestCase {
    static let weightTypes: [TensorType] = [.f32, .f16, .q4_0, .q4_1, .q8_0, .q4_K, .q6_K]

    /// (rows, blocks per row, input rows): one row, odd sizes, more rows than the 4-row kernel.
    static let shapes: [(rows: Int, blocks: Int, inputs: Int)] = [(1, 1, 1), (37, 3, 3), (64, 5, 6), (5, 2, 4)]

    func testEveryFormatAgainstReference() throws {
        var rng = SeededGenerator(seed: 42)
        let pool = KernelThreadPool(threads: 2)
        for type in Self.weightTypes {
            for shape in Self.shapes {
                let columns = type.blockElements == 1 ? 8 * shape.blocks + 3 : shape.blocks * type.blockElements
                try check(type, rows: shape.rows, columns: columns, inputs: shape.inputs, pool: pool, &rng)
            }
        }
    }

    private func check(
        _ type: TensorType, rows: Int, columns: Int, inputs: Int, pool: KernelThreadPool,
        _ rng: inout SeededGenerator
    ) throws {
        let label = "\(type) \(rows)×\(columns) · \(inputs) inputs"
        let bytes = RandomTensor.rows(type, rows: rows, columns: columns, &rng)
        let w = RandomTensor.dequantize(type, bytes, rows: rows, columns: columns)
        var x = RandomTensor.floats(inputs * columns, &rng)
        x[0] = 3  // an outlier, so blocks have different scales
        let scratch = QuantizedActivations()
        var results: [KernelPath: [Float]] = [:]
        var threaded = [Float](repeating: .nan, count: inputs * rows)
        try bytes.withUnsafeBytes { raw in
            let matrix = try WeightMatrix(type: type, data: raw.baseAddress!, rows: rows, columns: columns)
            for path in KernelPath.available {
                var y = [Float](repeating: .nan, count: inputs * rows)
                try MatMul.multiply(matrix, input: x, rows: inputs, into: &y, scratch: scratch, path: path)
                results[path] = y
            }
            try MatMul.multiply(matrix, input: x, rows: inputs, into: &threaded, scratch: scratch, pool: pool)
        }
        // The quantized input as the kernels see it.
        let activation = type.activationType
        try scratch.quantize(x, rows: inputs, columns: columns, as: activation)
        let xq = (0..<inputs).flatMap { i -> [Float] in
            var row = [Float](repeating: 0, count: columns)
            try! ReferenceDequantization.row(activation, from: scratch.data + i * scratch.rowBytes, columns: columns, into: &row)
            return row
        }
        let block = activation.blockElements
        let blockMax = stride(from: 0, to: x.count, by: block).map { start in
            Double(x[start..<min(x.count, start + block)].map(abs).max()!)
        }
        let best = results[KernelPath.best]!
        XCTAssertEqual(threaded, best, "\(label): 2 threads differ from 1")
        for i in 0..<inputs {
            for r in 0..<rows {
                var exact = 0.0, magnitude = 0.0, float = 0.0, quantizationBound = 0.0, sBound = 0.0
                for c in 0..<columns {
                    let wv = Double(w[r * columns + c]), xv = Double(x[i * columns + c])
                    exact += wv * Double(xq[i * columns + c])
                    magnitude += abs(wv * Double(xq[i * columns + c]))
                    float += wv * xv
                    if activation != .f32 {
                        let amax = blockMax[(i * columns + c) / block]
                        quantizationBound += abs(wv) * (amax / 254 + amax / 2048)
                    }
                }
                if type == .q4_1 {
                    for b in 0..<columns / 32 {
                        let m = Double(Half.toFloat(UInt16(bytes[r * (columns / 32) * 20 + 20 * b + 2]) | UInt16(bytes[r * (columns / 32) * 20 + 20 * b + 3]) << 8))
                        let s = Double(Half.load(scratch.data + i * scratch.rowBytes + 36 * b, 2))
                        sBound += abs(m * s) / 2048
                    }
                }
                let tolerance = 1e-5 * magnitude + sBound + 1e-6
                for (path, y) in results {
                    let got = Double(y[i * rows + r])
                    XCTAssertLessThanOrEqual(abs(got - exact), tolerance, "\(label) \(path) input \(i) row \(r): \(got) vs exact \(exact)")
                    XCTAssertLessThanOrEqual(abs(got - float), tolerance + quantizationBound, "\(label) \(path) input \(i) row \(r): \(got) vs float \(float)")
                }
            }
        }
    }

    /// The model's shapes with real per-call sizes, 2 threads against 1 (bit-identical: the same
    /// kernel computes each output row, only on another thread).
    func testThreadedEqualsSingleThreadedAtModelShapes() throws {
        var rng = SeededGenerator(seed: 7)
        let pool = KernelThreadPool(threads: 2)
        let scratch = QuantizedActivations()
        for (type, rows, columns) in [(TensorType.q4_1, 1536, 576), (.q4_1, 576, 1536), (.q8_0, 2048, 576), (.q4_K, 300, 512)] {
            let bytes = RandomTensor.rows(type, rows: rows, columns: columns, &rng)
            let x = RandomTensor.floats(2 * columns, &rng)
            try bytes.withUnsafeBytes { raw in
                let w = try WeightMatrix(type: type, data: raw.baseAddress!, rows: rows, columns: columns)
                for inputs in [1, 2] {
                    var single = [Float](repeating: 0, count: inputs * rows), multi = single
                    try MatMul.multiply(w, input: x, rows: inputs, into: &single, scratch: scratch)
                    for _ in 0..<3 {
                        try MatMul.multiply(w, input: x, rows: inputs, into: &multi, scratch: scratch, pool: pool)
                        XCTAssertEqual(single, multi, "\(type) \(rows)×\(columns)")
                    }
                }
            }
        }
    }

    func testOutputStrideAndSharedActivations() throws {
        var rng = SeededGenerator(seed: 9)
        let bytes = RandomTensor.rows(.q4_1, rows: 8, columns: 64, &rng)
        let x = RandomTensor.floats(2 * 64, &rng)
        let scratch = QuantizedActivations()
        try bytes.withUnsafeBytes { raw in
            let w = try WeightMatrix(type: .q4_1, data: raw.baseAddress!, rows: 8, columns: 64)
            var packed = [Float](repeating: 0, count: 16)
            try MatMul.multiply(w, input: x, rows: 2, into: &packed, scratch: scratch)
            // Quantize once, write into a wider output (stride 10): same numbers, gaps untouched.
            try scratch.quantize(x, rows: 2, columns: 64, as: .q8_1)
            var strided = [Float](repeating: -7, count: 20)
            try MatMul.multiply(w, scratch, into: &strided, outputStride: 10)
            XCTAssertEqual(Array(strided[0..<8]), Array(packed[0..<8]))
            XCTAssertEqual(Array(strided[10..<18]), Array(packed[8..<16]))
            XCTAssertEqual(strided[8], -7)
        }
    }

    /// Q·K·V as one fused call (rows 37, 19, 19: chunks straddle the parts' boundaries), with
    /// Q4_0 and Q8_0 parts sharing one Q8_0 input: bit-identical to three separate calls, on 1
    /// and 2 threads and with 1 and 3 inputs; mismatched parts are refused.
    func testFusedPartsEqualSeparateCalls() throws {
        var rng = SeededGenerator(seed: 11)
        let pool = KernelThreadPool(threads: 2)
        let columns = 96
        let shapes: [(TensorType, Int)] = [(.q4_0, 37), (.q8_0, 19), (.q4_0, 19)]
        let tensors = shapes.map { RandomTensor.rows($0.0, rows: $0.1, columns: columns, &rng) }
        let x = RandomTensor.floats(3 * columns, &rng)
        let scratch = QuantizedActivations()
        let raws = tensors.map { bytes -> UnsafeMutableRawPointer in
            let p = UnsafeMutableRawPointer.allocate(byteCount: bytes.count, alignment: 64)
            p.copyMemory(from: bytes, byteCount: bytes.count)
            return p
        }
        defer { raws.forEach { $0.deallocate() } }
        let matrices = try zip(shapes, raws).map { try WeightMatrix(type: $0.0.0, data: $0.1, rows: $0.0.1, columns: columns) }
        for inputs in [1, 3] {
            try scratch.quantize(x, rows: inputs, columns: columns, as: .q8_0)
            let separate = try matrices.map { w -> [Float] in
                var y = [Float](repeating: .nan, count: inputs * w.rows)
                try MatMul.multiply(w, scratch, into: &y)
                return y
            }
            for threads in [1, 2] {
                let outputs = matrices.map { UnsafeMutablePointer<Float>.allocate(capacity: inputs * $0.rows) }
                defer { outputs.forEach { $0.deallocate() } }
                let parts = zip(matrices, outputs).map { MatMul.Part($0.0, into: $0.1) }
                try parts.withUnsafeBufferPointer {
                    try MatMul.multiply($0, scratch, pool: threads == 2 ? pool : nil)
                }
                for (j, w) in matrices.enumerated() {
                    XCTAssertEqual(Array(UnsafeBufferPointer(start: outputs[j], count: inputs * w.rows)), separate[j],
                                   "part \(j), \(inputs) inputs, \(threads) threads")
                }
            }
        }
        // A Q4_1 part needs Q8_1 activations: the fused call names the mismatch.
        let q41 = RandomTensor.rows(.q4_1, rows: 4, columns: columns, &rng)
        try q41.withUnsafeBytes { raw in
            let w = try WeightMatrix(type: .q4_1, data: raw.baseAddress!, rows: 4, columns: columns)
            let out = UnsafeMutablePointer<Float>.allocate(capacity: 3 * 37)
            defer { out.deallocate() }
            let parts = [MatMul.Part(matrices[0], into: out), MatMul.Part(w, into: out)]
            XCTAssertThrowsError(try parts.withUnsafeBufferPointer { try MatMul.multiply($0, scratch, pool: pool) }) { error in
                XCTAssertEqual("\(error)", "shape mismatch: Q4_1 weights need Q8_1 activations, got Q8_0")
            }
        }
    }

    func testBadShapesThrow() throws {
        let bytes = [UInt8](repeating: 0, count: 1024)
        try bytes.withUnsafeBytes { raw in
            XCTAssertThrowsError(try WeightMatrix(type: .q4_0, data: raw.baseAddress!, rows: 1, columns: 33))
            XCTAssertThrowsError(try WeightMatrix(type: .q8_K, data: raw.baseAddress!, rows: 1, columns: 256))
            XCTAssertThrowsError(try WeightMatrix(type: .q4_0, data: raw.baseAddress!, rows: 0, columns: 32))
            let w = try WeightMatrix(type: .q4_0, data: raw.baseAddress!, rows: 2, columns: 64)
            let scratch = QuantizedActivations()
            let x = [Float](repeating: 1, count: 64)
            try scratch.quantize(x, rows: 1, columns: 64, as: .q8_1)
            var y = [Float](repeating: 0, count: 2)
            XCTAssertThrowsError(try MatMul.multiply(w, scratch, into: &y)) { error in
                XCTAssertEqual("\(error)", "shape mismatch: Q4_0 weights need Q8_0 activations, got Q8_1")
            }
            try scratch.quantize(x, rows: 1, columns: 32, as: .q8_0)
            XCTAssertThrowsError(try MatMul.multiply(w, scratch, into: &y))
            XCTAssertThrowsError(try scratch.quantize(x, rows: 1, columns: 64, as: .q4_0))
        }
    }
}
