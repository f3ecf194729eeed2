import Foundation
import Kernels

@testable import Decoder

/// A tiny llama GGUF with F32 weights drawn from a fixed-seed generator: fast enough for debug
/// builds, and every tensor can be dropped or reshaped to test the loader's errors.
enum TinyLlama {
    static let width = 32, heads = 4, kvHeads = 2, ffn = 64, vocab = 16, layers = 2

    /// (name, dims in GGUF order) of every tensor, before edits.
    static func tensorShapes(tied: Bool = true) -> [(String, [Int])] {
        var t: [(String, [Int])] = [("token_embd.weight", [width, vocab])]
        let kv = kvHeads * (width / heads)
        for l in 0..<layers {
            t += [
                ("blk.\(l).attn_norm.weight", [width]), ("blk.\(l).attn_q.weight", [width, width]),
                ("blk.\(l).attn_k.weight", [width, kv]), ("blk.\(l).attn_v.weight", [width, kv]),
                ("blk.\(l).attn_output.weight", [width, width]), ("blk.\(l).ffn_norm.weight", [width]),
                ("blk.\(l).ffn_gate.weight", [width, ffn]), ("blk.\(l).ffn_up.weight", [width, ffn]),
                ("blk.\(l).ffn_down.weight", [ffn, width]),
            ]
        }
        t.append(("output_norm.weight", [width]))
        if !tied { t.append(("output.weight", [width, vocab])) }
        return t
    }

    /// The GGUF image; `edit` may change the metadata or the tensor list first.
    static func file(
        tied: Bool = true,
        editMetadata: (inout [(String, GGUFTestWriter.Value)]) -> Void = { _ in },
        editTensors: (inout [(String, [Int])]) -> Void = { _ in }
    ) throws -> GGUFFile {
        var metadata: [(String, GGUFTestWriter.Value)] = [
            ("general.architecture", .string("llama")),
            ("llama.block_count", .u32(UInt32(layers))),
            ("llama.embedding_length", .u32(UInt32(width))),
            ("llama.feed_forward_length", .u32(UInt32(ffn))),
            ("llama.attention.head_count", .u32(UInt32(heads))),
            ("llama.attention.head_count_kv", .u32(UInt32(kvHeads))),
            ("llama.rope.freq_base", .f32(10_000)),
            ("llama.attention.layer_norm_rms_epsilon", .f32(1e-5)),
            ("llama.context_length", .u32(256)),
        ]
        editMetadata(&metadata)
        var shapes = tensorShapes(tied: tied)
        editTensors(&shapes)
        var tensors: [GGUFTestWriter.Tensor] = []
        var offset = 0
        for (name, dims) in shapes {
            tensors.append(.init(name: name, dims: dims.map(UInt64.init), type: 0, offset: UInt64(offset)))
            offset += (dims.reduce(1, *) * 4 + 31) / 32 * 32
        }
        var bytes = GGUFTestWriter.file(metadata: metadata, tensors: tensors, dataBytes: 0)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for (name, dims) in shapes {
            let count = dims.reduce(1, *)
            let start = bytes.count
            for _ in 0..<count {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let u = Float(state >> 40) / Float(1 << 24)   // [0, 1)
                // Norm gains near 1, matrices small and centred.
                let value: Float = name.hasSuffix("norm.weight") ? 0.8 + 0.4 * u : (u - 0.5) * 0.6
                withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
            }
            while (bytes.count - start) % 32 != 0 { bytes.append(0) }
        }
        return try GGUFFile(bytes: bytes)
    }
}

/// The reference records of ../shared/model-reference/smollm2-135m-q4_1.jsonl.
struct ModelReferenceRecord: Decodable {
    struct PositionLogits: Decodable {
        let position: Int
        /// (token id, logit) pairs, best first.
        let top: [[Double]]
    }
    let kind: String
    let prompt: String
    let ids: [Int]
    let logits_top20: [PositionLogits]
    let greedy_ids: [Int]

    static func load(_ url: URL) throws -> [ModelReferenceRecord] {
        let text = try String(contentsOf: url, encoding: .utf8)
        return try text.split(separator: "\n").map {
            try JSONDecoder().decode(ModelReferenceRecord.self, from: Data($0.utf8))
        }
    }
}
