@testable import Kernels

/// SplitMix64: a seeded generator so every test sees the same "random" data on every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random weight tensors in each format: random quant bytes, and scales (the F16/F32 fields)
/// set to finite values of realistic size rather than random bit patterns.
enum RandomTensor {
    static func floats(_ count: Int, _ rng: inout SeededGenerator, scale: Float = 1) -> [Float] {
        (0..<count).map { _ in Float.random(in: -scale...scale, using: &rng) }
    }

    static func rows(_ type: TensorType, rows: Int, columns: Int, _ rng: inout SeededGenerator) -> [UInt8] {
        let rowBytes = try! type.rowBytes(columns: columns)
        var bytes = (0..<rows * rowBytes).map { _ in UInt8.random(in: 0...255, using: &rng) }
        func putHalf(_ offset: Int, _ value: Float) {
            let bits = Half.fromFloat(value)
            bytes[offset] = UInt8(bits & 0xFF)
            bytes[offset + 1] = UInt8(bits >> 8)
        }
        func putFloat(_ offset: Int, _ value: Float) {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { for i in 0..<4 { bytes[offset + i] = $0[i] } }
        }
        let blocks = rows * columns / type.blockElements
        for b in 0..<blocks {
            let o = b * type.blockBytes
            switch type {
            case .f32: putFloat(o, Float.random(in: -1...1, using: &rng))
            case .f16: putHalf(o, Float.random(in: -1...1, using: &rng))
            case .q4_0, .q8_0: putHalf(o, Float.random(in: -0.05...0.05, using: &rng))
            case .q4_1, .q8_1:
                putHalf(o, Float.random(in: 0...0.05, using: &rng))
                putHalf(o + 2, Float.random(in: -0.4...0.1, using: &rng))
            case .q4_K:
                putHalf(o, Float.random(in: 0...0.01, using: &rng))
                putHalf(o + 2, Float.random(in: 0...0.01, using: &rng))
            case .q6_K: putHalf(o + 208, Float.random(in: -0.002...0.002, using: &rng))
            case .q8_K: putFloat(o, Float.random(in: 0...0.01, using: &rng))
            }
        }
        return bytes
    }

    static func dequantize(_ type: TensorType, _ bytes: [UInt8], rows: Int, columns: Int) -> [Float] {
        var out = [Float](repeating: .nan, count: rows * columns)
        let rowBytes = try! type.rowBytes(columns: columns)
        bytes.withUnsafeBytes { raw in
            out.withUnsafeMutableBufferPointer { o in
                for r in 0..<rows {
                    try! ReferenceDequantization.row(type, from: raw.baseAddress! + r * rowBytes, columns: columns, into: o.baseAddress! + r * columns)
                }
            }
        }
        return out
    }
}

/// Runs `body` with the element pointers of both arrays.
func withPointers<R>(_ a: [Float], _ body: (UnsafePointer<Float>) throws -> R) rethrows -> R {
    try a.withUnsafeBufferPointer { try body($0.baseAddress!) }
}
