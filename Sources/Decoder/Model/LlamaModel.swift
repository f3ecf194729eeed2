import Kernels

/// The immutable weights of a llama-family model, memory-mapped from a GGUF file (nothing is
/// copied: every matrix is a view into the mapping), shareable between threads and sessions.
///
/// Loading checks the architecture, the hyperparameters and every tensor's presence, shape and
/// type, and names the one at fault. The output projection is `output.weight`, or the token
/// embedding when that is absent (tied embeddings, as in SmolLM2).
///
/// ```swift
/// let model = try LlamaModel(contentsOf: DefaultModel.path())
/// let session = try InferenceSession(model: model)            // KV cache for 2048 positions
/// let logits = try session.forward(tokens: [504, 3575, 282])  // last position's logits
/// ```
/// (`@unchecked Sendable`: the pointers point into a read-only mapping that `file` keeps alive.)
public final class LlamaModel: @unchecked Sendable {
    /// The weights of one transformer block.
    public struct Layer: @unchecked Sendable {
        public let attentionNorm: UnsafePointer<Float>
        public let query: WeightMatrix
        public let key: WeightMatrix
        public let value: WeightMatrix
        public let attentionOutput: WeightMatrix
        public let feedForwardNorm: UnsafePointer<Float>
        public let gate: WeightMatrix
        public let up: WeightMatrix
        public let down: WeightMatrix
    }

    public let configuration: LlamaConfiguration
    /// The GGUF file whose mapping holds the weights (kept alive by the model).
    public let file: GGUFFile
    public let tokenEmbedding: WeightMatrix
    public let layers: [Layer]
    public let outputNorm: UnsafePointer<Float>
    /// The vocabulary projection (`output.weight`, or `token_embd.weight` when tied).
    public let output: WeightMatrix
    /// Whether the output projection is the token embedding.
    public let tiedEmbeddings: Bool

    /// Maps the GGUF file at `path` and loads the model.
    public convenience init(contentsOf path: String) throws {
        try self.init(gguf: GGUFFile(contentsOf: path))
    }

    /// Builds the model over an already opened GGUF file.
    public init(gguf: GGUFFile) throws(ModelError) {
        let config = try LlamaConfiguration(gguf: gguf)
        configuration = config
        file = gguf
        let width = config.embeddingLength, ffn = config.feedForwardLength, kv = config.kvWidth

        func tensor(_ name: String, _ shape: [Int]) throws(ModelError) -> GGUFTensorInfo {
            guard let info = gguf.tensor(named: name) else { throw .missingTensor(name) }
            guard info.dimensions == shape else { throw .tensorShape(name: name, found: info.dimensions, expected: shape) }
            return info
        }
        // GGUF lists the fastest-varying dimension first: a [columns, rows] matrix.
        func matrix(_ name: String, columns: Int, rows: Int) throws(ModelError) -> WeightMatrix {
            let info = try tensor(name, [columns, rows])
            guard let type = TensorType(rawValue: info.type.id), type.isWeightType else {
                throw .tensorType(name: name, type: info.type.name, reason: "is not supported for weight matrices")
            }
            do {
                return try WeightMatrix(type: type, data: gguf.data(of: info).baseAddress!, rows: rows, columns: columns)
            } catch {
                throw .tensorType(name: name, type: info.type.name, reason: "cannot hold \(columns) columns: \(error)")
            }
        }
        func vector(_ name: String, _ count: Int) throws(ModelError) -> UnsafePointer<Float> {
            let info = try tensor(name, [count])
            guard info.type == .f32 else {
                throw .tensorType(name: name, type: info.type.name, reason: "must be f32 for a norm weight")
            }
            let base = gguf.data(of: info).baseAddress!
            guard Int(bitPattern: base) % MemoryLayout<Float>.alignment == 0 else {
                throw .tensorType(name: name, type: info.type.name, reason: "data is not 4-byte aligned")
            }
            return base.assumingMemoryBound(to: Float.self)
        }

        tokenEmbedding = try matrix("token_embd.weight", columns: width, rows: config.vocabularySize)
        var layers: [Layer] = []
        layers.reserveCapacity(config.layerCount)
        for i in 0..<config.layerCount {
            let p = "blk.\(i)."
            layers.append(Layer(
                attentionNorm: try vector(p + "attn_norm.weight", width),
                query: try matrix(p + "attn_q.weight", columns: width, rows: width),
                key: try matrix(p + "attn_k.weight", columns: width, rows: kv),
                value: try matrix(p + "attn_v.weight", columns: width, rows: kv),
                attentionOutput: try matrix(p + "attn_output.weight", columns: width, rows: width),
                feedForwardNorm: try vector(p + "ffn_norm.weight", width),
                gate: try matrix(p + "ffn_gate.weight", columns: width, rows: ffn),
                up: try matrix(p + "ffn_up.weight", columns: width, rows: ffn),
                down: try matrix(p + "ffn_down.weight", columns: ffn, rows: width)))
        }
        self.layers = layers
        outputNorm = try vector("output_norm.weight", width)
        if gguf.tensor(named: "output.weight") != nil {
            output = try matrix("output.weight", columns: width, rows: config.vocabularySize)
            tiedEmbeddings = false
        } else {
            output = tokenEmbedding
            tiedEmbeddings = true
        }
    }

    /// The rotary embedding this model's attention uses (llama: adjacent pairs, ggml rope mode 0).
    public var rotaryEmbedding: RotaryEmbedding {
        RotaryEmbedding(headDimension: configuration.headDimension, dimensions: configuration.ropeDimensions,
                        base: configuration.ropeBase, frequencyScale: configuration.ropeFrequencyScale, style: .normal)
    }
}
