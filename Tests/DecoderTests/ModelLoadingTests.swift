import Kernels
import XCTest

@testable import Decoder

/// The loader's checks and the session's bookkeeping, on a tiny synthetic llama (fast in debug).
final class ModelLoadingTests: XCTestCase {
    func testLoadsTinyModel() throws {
        let model = try LlamaModel(gguf: TinyLlama.file())
        XCTAssertEqual(model.configuration.layerCount, 2)
        XCTAssertEqual(model.configuration.headDimension, 8)
        XCTAssertEqual(model.configuration.kvWidth, 16)
        XCTAssertEqual(model.configuration.vocabularySize, 16)
        XCTAssertTrue(model.tiedEmbeddings)
        XCTAssertFalse(try LlamaModel(gguf: TinyLlama.file(tied: false)).tiedEmbeddings)
    }

    func testRefusesOtherArchitecture() {
        let file = { try TinyLlama.file(editMetadata: { $0[0].1 = .string("gpt2") }) }
        XCTAssertThrowsError(try LlamaModel(gguf: file())) { error in
            XCTAssertEqual(error as? ModelError, .unsupportedArchitecture("gpt2"))
        }
    }

    func testRefusesMissingMetadata() {
        let file = { try TinyLlama.file(editMetadata: { $0.removeAll { $0.0 == "llama.feed_forward_length" } }) }
        XCTAssertThrowsError(try LlamaModel(gguf: file())) { error in
            XCTAssertEqual(error as? ModelError, .missingMetadata("llama.feed_forward_length"))
        }
    }

    func testRefusesHeadCountsThatDoNotDivide() {
        let file = { try TinyLlama.file(editMetadata: { $0[5].1 = .u32(3) }) }
        XCTAssertThrowsError(try LlamaModel(gguf: file())) { error in
            guard case .invalidMetadata(let key, _)? = error as? ModelError else { return XCTFail("\(error)") }
            XCTAssertEqual(key, "llama.attention.head_count_kv")
        }
    }

    func testRefusesUnsupportedRopeScaling() {
        let file = { try TinyLlama.file(editMetadata: { $0.append(("llama.rope.scaling.type", .string("yarn"))) }) }
        XCTAssertThrowsError(try LlamaModel(gguf: file())) { error in
            XCTAssertTrue("\(error)".contains("yarn"), "\(error)")
        }
    }

    func testNamesMissingTensor() {
        let file = { try TinyLlama.file(editTensors: { $0.removeAll { $0.0 == "blk.1.attn_k.weight" } }) }
        XCTAssertThrowsError(try LlamaModel(gguf: file())) { error in
            XCTAssertEqual(error as? ModelError, .missingTensor("blk.1.attn_k.weight"))
            XCTAssertEqual("\(error)", "missing tensor blk.1.attn_k.weight")
        }
    }

    func testNamesMisshapenTensor() {
        let file = { try TinyLlama.file(editTensors: { t in
            let i = t.firstIndex { $0.0 == "blk.0.ffn_down.weight" }!
            t[i].1 = [64, 31]
        }) }
        XCTAssertThrowsError(try LlamaModel(gguf: file())) { error in
            XCTAssertEqual(error as? ModelError, .tensorShape(name: "blk.0.ffn_down.weight", found: [64, 31], expected: [64, 32]))
        }
    }

    /// One batched pass over n tokens must equal n single-token steps, and a truncated-then-
    /// replayed session must reproduce the same logits (KV rollback).
    func testBatchMatchesStepsAndTruncationReplays() throws {
        let model = try LlamaModel(gguf: TinyLlama.file())
        let tokens = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3]
        let batched = try InferenceSession(model: model, contextLength: 64, cacheFormat: .f32, threads: 2, maxBatch: 4)
        let all = Array(try batched.forwardAll(tokens: tokens))
        XCTAssertEqual(all.count, tokens.count * TinyLlama.vocab)
        XCTAssertEqual(batched.position, tokens.count)

        let stepped = try InferenceSession(model: model, contextLength: 64, cacheFormat: .f32, threads: 1)
        for (i, t) in tokens.enumerated() {
            let row = Array(try stepped.forward(token: t))
            for j in 0..<TinyLlama.vocab {
                XCTAssertEqual(row[j], all[i * TinyLlama.vocab + j], accuracy: 1e-4, "position \(i) token \(j)")
            }
        }
        // Roll back three positions and replay them with a different token in the middle first.
        stepped.truncate(to: 7)
        _ = try stepped.forward(tokens: [0, 0, 0])
        stepped.truncate(to: 7)
        let replay = Array(try stepped.forwardAll(tokens: Array(tokens[7...])))
        for j in 0..<(3 * TinyLlama.vocab) {
            XCTAssertEqual(replay[j], all[7 * TinyLlama.vocab + j], accuracy: 1e-4)
        }
        // Attention must see the context: different history, different logits.
        stepped.reset()
        let other = Array(try stepped.forwardAll(tokens: [8, 8, 8, 8, 8, 8, 8, 6, 5, 3]))
        XCTAssertNotEqual(Array(other.suffix(TinyLlama.vocab)), Array(all.suffix(TinyLlama.vocab)))
    }

    func testRejectsBadTokensAndFullContext() throws {
        let session = try InferenceSession(model: LlamaModel(gguf: TinyLlama.file()), contextLength: 4)
        XCTAssertThrowsError(try session.forward(token: 16)) { error in
            XCTAssertEqual(error as? ModelError, .tokenOutOfRange(token: 16, vocabulary: 16))
        }
        XCTAssertThrowsError(try session.forward(tokens: []))
        XCTAssertThrowsError(try session.forward(tokens: [1, 2, 3, 4, 5])) { error in
            XCTAssertEqual(error as? ModelError, .contextFull(position: 0, requested: 5, capacity: 4))
        }
        XCTAssertEqual(session.position, 0)
        XCTAssertThrowsError(try InferenceSession(model: session.model, contextLength: 100_000))
    }
}
