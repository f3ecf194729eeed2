import ArgumentParser
import Foundation
import Kernels

/// `gen benchmark kernels`: matrix–vector and batched matrix products in every weight format at
/// SmolLM2-135M's shapes, 1 and 2 threads, against a memory-bandwidth bound measured on the same
/// bytes (a SIMD sum over them) in the same run.
struct KernelsBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernels",
        abstract: "Time the quantized matrix products (GFLOP/s, GB/s of weights) against memory bandwidth."
    )

    @Option(help: "Weight formats, comma-separated.")
    var formats = "Q4_0,Q4_1,Q8_0,Q4_K,Q6_K,F16,F32"

    @Option(help: "Thread counts, comma-separated.")
    var threads = "1,2"

    @Option(help: "Matrix shapes as rows×columns (or rowsxcolumns), comma-separated.")
    var shapes = "576x576,1536x576,576x1536,49152x576"

    @Option(help: "Inputs per call of the batched product (prompt processing); 0 skips it.")
    var batch = 64

    @Option(help: "Seconds of timing per measurement.")
    var seconds = 0.25

    @Flag(help: "Also stream the weights from memory: cycle through copies totalling ≥ 256 MB so no call finds them in cache.")
    var streamed = false

    @Option(help: "Run exactly this many calls per measurement instead of timing (for instruction counts under callgrind).")
    var calls: Int?

    @Option(help: "Kernel path: best, avx2 or portable.")
    var path = "best"

    func run() throws {
        let types = try formats.split(separator: ",").map { name in
            guard let t = TensorType.allCases.first(where: { $0.description == name.uppercased() }), t.isWeightType else {
                throw ValidationError("unknown weight format \(name)")
            }
            return t
        }
        let threadCounts = try threads.split(separator: ",").map { s in
            guard let n = Int(s), n >= 1 else { throw ValidationError("bad thread count \(s)") }
            return n
        }
        let shapeList = try shapes.split(separator: ",").map { s -> (Int, Int) in
            let parts = s.split(whereSeparator: { $0 == "x" || $0 == "×" })
            guard parts.count == 2, let r = Int(parts[0]), let c = Int(parts[1]), r > 0, c > 0 else {
                throw ValidationError("bad shape \(s), expected ROWSxCOLUMNS")
            }
            return (r, c)
        }
        let kernelPath: KernelPath
        switch path {
        case "best": kernelPath = .best
        case "avx2":
            guard KernelPath.available.contains(.avx2) else { throw ValidationError("AVX2 kernels are not in this build") }
            kernelPath = .avx2
        case "portable": kernelPath = .portable
        default: throw ValidationError("unknown path \(path)")
        }
        let pools = Dictionary(uniqueKeysWithValues: threadCounts.map { ($0, KernelThreadPool(threads: $0)) })
        print("kernel path: \(kernelPath); \(seconds) s per measurement; times are per call (best of 5 runs)")
        var rng = SystemRandomNumberGenerator()

        for streaming in streamed ? [false, true] : [false] {
            print()
            print(streaming ? "== weights streamed from memory (copies ≥ 256 MB, cycled) ==" : "== weights hot in cache (one copy, repeated) ==")
            print("format  shape        thr   µs/call   GFLOP/s   GB/s  bound GB/s  of bound   batch\(batch) GFLOP/s  µs/input")
            for (rows, columns) in shapeList {
                for type in types {
                    guard columns % type.blockElements == 0 else {
                        print(pad(type.description, 7) + pad("\(rows)×\(columns)", 13) + "  n/a: \(columns) columns is not a multiple of \(type.blockElements)")
                        continue
                    }
                    let rowBytes = try type.rowBytes(columns: columns)
                    let bytes = rows * rowBytes
                    let copies = streaming ? max(1, (256 << 20) / bytes + 1) : 1
                    let buffer = UnsafeMutableRawPointer.allocate(byteCount: bytes * copies, alignment: 64)
                    defer { buffer.deallocate() }
                    fillWeights(buffer, type: type, rows: rows * copies, columns: columns, &rng)
                    let matrices = try (0..<copies).map { try WeightMatrix(type: type, data: buffer + $0 * bytes, rows: rows, columns: columns) }
                    let x = (0..<max(1, batch) * columns).map { _ in Float.random(in: -1...1, using: &rng) }
                    var y = [Float](repeating: 0, count: max(1, batch) * rows)
                    let scratch = try QuantizedActivations(rows: max(1, batch), columns: columns)
                    for t in threadCounts {
                        let pool = pools[t]!
                        var next = 0
                        let perCall = try x.withUnsafeBufferPointer { xp in
                            try y.withUnsafeMutableBufferPointer { yp in
                                try time {
                                    try MatMul.multiply(matrices[next], input: xp.baseAddress!, rows: 1, into: yp.baseAddress!, scratch: scratch, pool: pool, path: kernelPath)
                                    next = (next + 1) % copies
                                }
                            }
                        }
                        let bound = time { sumBytes(matrices[next].data, bytes, pool); next = (next + 1) % copies }
                        var batchText = ""
                        if batch > 0 {
                            let perBatch = try x.withUnsafeBufferPointer { xp in
                                try y.withUnsafeMutableBufferPointer { yp in
                                    try time {
                                        try MatMul.multiply(matrices[next], input: xp.baseAddress!, rows: batch, into: yp.baseAddress!, scratch: scratch, pool: pool, path: kernelPath)
                                        next = (next + 1) % copies
                                    }
                                }
                            }
                            let gflops = 2 * Double(rows * columns * batch) / perBatch / 1e9
                            batchText = pad(String(format: "%.1f", gflops), 18, right: true) + pad(String(format: "%.2f", perBatch * 1e6 / Double(batch)), 10, right: true)
                        }
                        let flops = 2 * Double(rows * columns)
                        print(pad(type.description, 7) + pad("\(rows)×\(columns)", 13) + pad("\(t)", 3, right: true)
                            + pad(String(format: "%.2f", perCall * 1e6), 10, right: true)
                            + pad(String(format: "%.1f", flops / perCall / 1e9), 10, right: true)
                            + pad(String(format: "%.1f", Double(bytes) / perCall / 1e9), 7, right: true)
                            + pad(String(format: "%.1f", Double(bytes) / bound / 1e9), 12, right: true)
                            + pad(String(format: "%.0f%%", 100 * bound / perCall), 10, right: true)
                            + batchText)
                        fflush(nil)  // rows appear as they are measured
                    }
                }
            }
        }
    }

    /// Minimum over 5 runs of the mean time per call of `body`, each run about `seconds / 5`: on
    /// a shared machine other processes only ever add time, so the fastest run is the best
    /// estimate of the code's own speed.
    private func time(_ body: () throws -> Void) rethrows -> Double {
        if let calls {
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<calls { try body() }
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(max(calls, 1))
        }
        for _ in 0..<3 { try body() }
        var calls = 1
        var start = DispatchTime.now().uptimeNanoseconds
        try body()
        var elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        calls = max(1, Int(seconds / 5 / max(elapsed, 1e-7)))
        var runs: [Double] = []
        for _ in 0..<5 {
            start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<calls { try body() }
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            runs.append(elapsed / Double(calls))
        }
        return runs.min()!
    }

    /// Random quant bytes with finite, realistic scale fields.
    private func fillWeights(_ p: UnsafeMutableRawPointer, type: TensorType, rows: Int, columns: Int, _ rng: inout SystemRandomNumberGenerator) {
        let total = rows * (try! type.rowBytes(columns: columns))
        var i = 0
        while i + 8 <= total { p.storeBytes(of: rng.next() as UInt64, toByteOffset: i, as: UInt64.self); i += 8 }
        while i < total { p.storeBytes(of: UInt8.random(in: 0...255, using: &rng), toByteOffset: i, as: UInt8.self); i += 1 }
        let small = Half.fromFloat(0.01)
        for b in 0..<total / type.blockBytes {
            let block = p + b * type.blockBytes
            switch type {
            case .f32: block.storeBytes(of: Float.random(in: -1...1, using: &rng), as: Float.self)
            case .f16: block.storeBytes(of: Half.fromFloat(Float.random(in: -1...1, using: &rng)), as: UInt16.self)
            case .q4_0, .q8_0: block.storeBytes(of: small, as: UInt16.self)
            case .q4_1, .q4_K:
                block.storeBytes(of: small, as: UInt16.self)
                block.storeBytes(of: small, toByteOffset: 2, as: UInt16.self)
            case .q6_K: block.storeBytes(of: small, toByteOffset: 208, as: UInt16.self)
            case .q8_1, .q8_K: break
            }
        }
    }

    /// Where the bound's sums go, so the reads are not optimised away (one line per chunk slot).
    private nonisolated(unsafe) static let sink = UnsafeMutablePointer<UInt64>.allocate(capacity: 16 * 64)

    /// The bandwidth bound: read every byte once (a SIMD sum), split like the matrix rows.
    private func sumBytes(_ data: UnsafeRawPointer, _ count: Int, _ pool: KernelThreadPool) {
        let sink = Self.sink
        let lines = count / 64
        let grain = max(64, lines / (8 * pool.threadCount))
        pool.parallelFor(count: lines, grain: grain) { range in
            var a = SIMD8<UInt64>(), b = SIMD8<UInt64>()
            var i = range.lowerBound
            while i + 2 <= range.upperBound {
                a &+= data.loadUnaligned(fromByteOffset: 64 * i, as: SIMD8<UInt64>.self)
                b &+= data.loadUnaligned(fromByteOffset: 64 * i + 64, as: SIMD8<UInt64>.self)
                i += 2
            }
            if i < range.upperBound { a &+= data.loadUnaligned(fromByteOffset: 64 * i, as: SIMD8<UInt64>.self) }
            // Chunk indices are distinct within a call; ≤ 16 chunks for ≤ 2 threads.
            sink[16 * (range.lowerBound / grain % 64)] &+= (a &+ b).wrappedSum()
        }
    }
}
