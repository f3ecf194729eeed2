import Foundation
import Kernels
import XCTest

@testable import Decoder

/// SmolLM2-135M Q4_1 against llama.cpp's outputs in ../shared/model-reference (llama.cpp 0.3.36,
/// 2 threads): top-1 agreement and logit differences at every recorded prompt position, and the
/// greedy continuations. All 12 prompts are checked with the default F16 KV cache and with the
/// Q8_0 cache (the forward pass runs through the Kernels' SIMD paths, optimised even in debug
/// builds: about 12 s of CPU per cache format).
///
/// `STRUCTGEN_MODEL_REFERENCE_HERE=FILE` (records written by scripts/llama-reference.py --out:
/// llama.cpp as built on this machine) also prints our scores against that file.
final class ModelReferenceTests: XCTestCase {
    /// The README promises "within a few tenths" for an implementation that does not reproduce
    /// llama.cpp's 8-bit activation rounding; ours does, and agrees to the recorded decimals.
    static let logitTolerance = 0.5

    func testMatchesLlamaCpp() throws {
        guard let modelPath = TestData.defaultModel(),
              let url = TestData.sharedFile("model-reference/smollm2-135m-q4_1.jsonl") else { return }
        let records = try ModelReferenceRecord.load(url)
        XCTAssertEqual(records.count, 12)
        let model = try LlamaModel(contentsOf: modelPath)
        let here = try ProcessInfo.processInfo.environment["STRUCTGEN_MODEL_REFERENCE_HERE"].map {
            try ModelReferenceRecord.load(URL(fileURLWithPath: $0))
        }
        for format in [Attention.CacheFormat.f16, .q8_0] {
            let session = try InferenceSession(model: model, contextLength: 256, cacheFormat: format, threads: 2)
            let score = try ModelReferenceScore(records, session)
            print("model reference, \(format) cache: " + score.summary)
            for line in score.report { print("  " + line) }
            if let here {
                let local = try ModelReferenceScore(here, session)
                print("llama.cpp built here, \(format) cache: " + local.summary)
                for line in local.report { print("  " + line) }
            }
            switch format {
            case .f16:
                // The default cache: the three targets, asserted as they are (top-1 ≥ 98 %,
                // every logit within the README's "few tenths", taken as 0.5, ≥ 10/12 greedy)...
                XCTAssertGreaterThanOrEqual(score.top1Rate, 0.98, score.report.joined(separator: "\n"))
                XCTAssertLessThanOrEqual(score.maxDiff, Self.logitTolerance)
                XCTAssertGreaterThanOrEqual(score.identical, 10, score.report.joined(separator: "\n"))
                // ...and the ratchet at what is measured (2026-12-02): the same logits as
                // llama.cpp 0.3.36 to the reference's four decimals (its rounding is 5e-5) and
                // all 12 continuations, since the arithmetic follows ggml's (docs/runtime.md).
                XCTAssertLessThanOrEqual(score.maxDiff, 1e-4)
                XCTAssertEqual(score.identical, 12, score.report.joined(separator: "\n"))
            default:
                // The Q8_0 cache (an option for memory) misses the top-1 target: 86/90 (95.6 %),
                // max 1.069, mean 0.209, 5/12 on 2026-12-02. llama.cpp's own Q8_0 V cache needs
                // flash attention, so there is no reference order to follow. Guarded there.
                XCTAssertGreaterThanOrEqual(score.top1Agree, 86, score.report.joined(separator: "\n"))
                XCTAssertLessThanOrEqual(score.maxDiff, 1.07)
                XCTAssertLessThanOrEqual(score.meanDiff, 0.21)
                XCTAssertGreaterThanOrEqual(score.identical, 5, score.report.joined(separator: "\n"))
            }
        }
    }
}

/// Our runtime scored against reference records: top-1 agreement and |logit difference| at the
/// recorded positions, and greedy continuations (fed with our own choices until the first
/// difference).
struct ModelReferenceScore {
    var positions = 0, top1Agree = 0, compared = 0, identical = 0
    var maxDiff = 0.0, sumDiff = 0.0
    var report: [String] = []

    var top1Rate: Double { Double(top1Agree) / Double(max(positions, 1)) }
    var meanDiff: Double { sumDiff / Double(max(compared, 1)) }
    var summary: String {
        String(format: "top-1 %d/%d (%.1f%%), logit |diff| max %.3f mean %.4f over %d, greedy identical %d/%d",
               top1Agree, positions, 100 * top1Rate, maxDiff, meanDiff, compared, identical, records)
    }
    private var records = 0

    init(_ records: [ModelReferenceRecord], _ session: InferenceSession) throws {
        self.records = records.count
        let vocab = session.vocabularySize
        for (n, record) in records.enumerated() {
            session.reset()
            let rows = Array(try session.forwardAll(tokens: record.ids))
            for entry in record.logits_top20 {
                let row = Array(rows[(entry.position * vocab)..<((entry.position + 1) * vocab)])
                let ours = row.withUnsafeBufferPointer { Selection.argmax($0.baseAddress!, count: vocab)! }
                positions += 1
                if ours == Int(entry.top[0][0]) { top1Agree += 1 } else {
                    report.append("prompt \(n) position \(entry.position): top-1 \(ours), llama.cpp \(Int(entry.top[0][0]))")
                }
                for pair in entry.top {
                    let d = abs(Double(row[Int(pair[0])]) - pair[1])
                    maxDiff = max(maxDiff, d)
                    sumDiff += d
                    compared += 1
                }
            }
            var logits = Array(rows.suffix(vocab))
            var diverged: String?
            for (step, expected) in record.greedy_ids.enumerated() {
                var idx = [Int32](repeating: 0, count: 2), vals = [Float](repeating: 0, count: 2)
                _ = Selection.topK(logits, count: vocab, k: 2, indices: &idx, values: &vals)
                if Int(idx[0]) != expected {
                    diverged = "prompt \(n) (\(record.kind)) diverges at step \(step): ours \(idx[0]), llama.cpp \(expected), "
                        + String(format: "our top-2 margin %.3f", vals[0] - vals[1])
                    break
                }
                if step + 1 < record.greedy_ids.count { logits = Array(try session.forward(token: expected)) }
            }
            if let diverged { report.append(diverged) } else { identical += 1 }
        }
    }
}
