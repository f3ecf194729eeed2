/// The hyperparameters of a llama-family model, read from a GGUF file's `llama.*` metadata.
///
/// ```swift
/// let config = try LlamaConfiguration(gguf: file)
/// config.layerCount   // 30 for SmolLM2-135M
/// ```
public struct LlamaConfiguration: Sendable, Equatable {
    /// Transformer blocks (`llama.block_count`).
    public var layerCount: Int
    /// Residual width (`llama.embedding_length`).
    public var embeddingLength: Int
    /// Hidden width of the SwiGLU feed-forward block (`llama.feed_forward_length`).
    public var feedForwardLength: Int
    /// Query heads (`llama.attention.head_count`).
    public var headCount: Int
    /// Key/value heads (`llama.attention.head_count_kv`, default `headCount`): grouped-query
    /// attention shares each among `headCount / kvHeadCount` query heads.
    public var kvHeadCount: Int
    /// Rotated dimensions per head (`llama.rope.dimension_count`, default the head size).
    public var ropeDimensions: Int
    /// RoPE base frequency (`llama.rope.freq_base`, default 10000).
    public var ropeBase: Float
    /// Linear position scale: 1 / `llama.rope.scaling.factor` when the scaling type is linear.
    public var ropeFrequencyScale: Float
    /// RMSNorm epsilon (`llama.attention.layer_norm_rms_epsilon`).
    public var rmsEpsilon: Float
    /// Context length the model was trained for (`llama.context_length`).
    public var trainedContextLength: Int
    /// Vocabulary size (rows of `token_embd.weight`).
    public var vocabularySize: Int

    /// Size of one attention head.
    public var headDimension: Int { embeddingLength / headCount }
    /// Width of the key (and value) projection.
    public var kvWidth: Int { kvHeadCount * headDimension }

    /// Reads and checks the hyperparameters. `vocabularySize` comes from `token_embd.weight`.
    public init(gguf: GGUFFile) throws(ModelError) {
        let arch = gguf.metadata["general.architecture"]?.string
        guard let arch else { throw .missingMetadata("general.architecture") }
        guard arch == "llama" else { throw .unsupportedArchitecture(arch) }
        func int(_ key: String, default value: Int? = nil) throws(ModelError) -> Int {
            if let v = gguf.metadata[key]?.integer { return v }
            if let value { return value }
            throw .missingMetadata(key)
        }
        func float(_ key: String, default value: Float? = nil) throws(ModelError) -> Float {
            if let v = gguf.metadata[key]?.double { return Float(v) }
            if let value { return value }
            throw .missingMetadata(key)
        }
        layerCount = try int("llama.block_count")
        embeddingLength = try int("llama.embedding_length")
        feedForwardLength = try int("llama.feed_forward_length")
        headCount = try int("llama.attention.head_count")
        kvHeadCount = try int("llama.attention.head_count_kv", default: headCount)
        rmsEpsilon = try float("llama.attention.layer_norm_rms_epsilon")
        ropeBase = try float("llama.rope.freq_base", default: 10_000)
        trainedContextLength = try int("llama.context_length", default: 2048)
        guard let embd = gguf.tensor(named: "token_embd.weight") else { throw .missingTensor("token_embd.weight") }
        vocabularySize = embd.dimensions.count == 2 ? embd.dimensions[1] : 0

        // Bounds that keep every buffer size far from overflow and reject nonsense early.
        func check(_ key: String, _ value: Int, _ range: ClosedRange<Int>) throws(ModelError) {
            guard range.contains(value) else {
                throw .invalidMetadata(key: key, reason: "\(value) is outside \(range.lowerBound)...\(range.upperBound)")
            }
        }
        try check("llama.block_count", layerCount, 1...1024)
        try check("llama.embedding_length", embeddingLength, 1...65_536)
        try check("llama.feed_forward_length", feedForwardLength, 1...262_144)
        try check("llama.attention.head_count", headCount, 1...1024)
        try check("llama.attention.head_count_kv", kvHeadCount, 1...headCount)
        try check("llama.context_length", trainedContextLength, 1...(1 << 24))
        try check("token_embd.weight rows", vocabularySize, 1...(1 << 22))
        guard embeddingLength % headCount == 0, (embeddingLength / headCount) % 2 == 0 else {
            throw .invalidMetadata(key: "llama.attention.head_count",
                                   reason: "width \(embeddingLength) is not an even head size times \(headCount) heads")
        }
        guard headCount % kvHeadCount == 0 else {
            throw .invalidMetadata(key: "llama.attention.head_count_kv",
                                   reason: "\(kvHeadCount) does not divide \(headCount) query heads")
        }
        let headDimension = embeddingLength / headCount
        ropeDimensions = try int("llama.rope.dimension_count", default: headDimension)
        guard ropeDimensions > 0, ropeDimensions % 2 == 0, ropeDimensions <= headDimension else {
            throw .invalidMetadata(key: "llama.rope.dimension_count",
                                   reason: "\(ropeDimensions) must be even and in 2...\(headDimension)")
        }
        guard rmsEpsilon > 0, rmsEpsilon < 1 else {
            throw .invalidMetadata(key: "llama.attention.layer_norm_rms_epsilon", reason: "\(rmsEpsilon) is not in (0, 1)")
        }
        guard ropeBase > 1, ropeBase.isFinite else {
            throw .invalidMetadata(key: "llama.rope.freq_base", reason: "\(ropeBase) must be > 1")
        }
        ropeFrequencyScale = 1
        let scalingType = gguf.metadata["llama.rope.scaling.type"]?.string ?? "none"
        switch scalingType {
        case "none": break
        case "linear":
            let factor = try float("llama.rope.scaling.factor", default: 1)
            guard factor >= 1, factor.isFinite else {
                throw .invalidMetadata(key: "llama.rope.scaling.factor", reason: "\(factor) must be ≥ 1")
            }
            ropeFrequencyScale = 1 / factor
        default:
            throw .invalidMetadata(key: "llama.rope.scaling.type",
                                   reason: "\"\(scalingType)\" is not supported (none, linear)")
        }
    }
}
