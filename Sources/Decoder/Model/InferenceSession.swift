import Kernels

/// One sequence's mutable state over a shared `LlamaModel`: the KV cache, the current position and
/// scratch buffers, all allocated when the session is made, so the decode loop allocates nothing.
///
/// `forward` appends tokens at the current position and returns the logits of the last one (or of
/// every new position, for verifying draft tokens); `truncate(to:)` rolls the cache back.
///
/// ```swift
/// let session = try InferenceSession(model: model, contextLength: 2048, threads: 2)
/// var logits = try session.forward(tokens: promptIDs)
/// var next = Selection.argmax(logits.baseAddress!, count: logits.count)!
/// logits = try session.forward(token: next)          // one decode step
/// let rows = try session.forwardAll(tokens: drafts)   // drafts.count × vocabulary logits
/// session.truncate(to: session.position - 2)          // drop the last two positions
/// ```
/// Not thread-safe: one session per sequence. The returned logits stay valid until the next call.
public final class InferenceSession {
    public let model: LlamaModel
    /// Positions the KV cache holds.
    public let contextLength: Int
    /// Positions one pass of the layers processes at most (longer inputs are split).
    public let maxBatch: Int
    /// Positions already in the KV cache: the next token goes here.
    public private(set) var position = 0
    /// The KV cache's element format.
    public var cacheFormat: Attention.CacheFormat { cache.format }
    /// The worker pool the matrix products and attention run on.
    public let pool: KernelThreadPool

    private let cache: KVCache
    private let rope: RotaryEmbedding
    private let activations: QuantizedActivations
    private let x, xb, q, k, v, attn, gate, up: UnsafeMutablePointer<Float>
    /// One row of attention scratch (`scoreStride` floats) per chunk of attention work.
    private let scores: UnsafeMutablePointer<Float>
    private let scoreStride: Int
    private var logits: UnsafeMutablePointer<Float>
    private var logitRows: Int
    private let single = UnsafeMutablePointer<Int>.allocate(capacity: 1)
    /// Per layer, the fused products Q·K·V (3 parts) and gate·up (2 parts), made once so that a
    /// forward pass allocates nothing.
    private let attentionInputs: UnsafeMutableBufferPointer<MatMul.Part>
    private let feedForwardInputs: UnsafeMutableBufferPointer<MatMul.Part>

    /// - Parameters:
    ///   - contextLength: KV cache capacity in positions (default 2048, at most the model's
    ///     trained context unless `allowLongerContext`).
    ///   - cacheFormat: `.f16` (the default, as llama.cpp's), `.q8_0` (1.06 bytes per value: a
    ///     2k-position cache of SmolLM2-135M takes 25 MB instead of 47 MB, at a cost in accuracy
    ///     measured in docs/runtime.md; head dimensions in multiples of 32) or `.f32`.
    ///   - threads: workers for the kernels (the calling thread is one of them).
    ///   - maxBatch: positions per pass of the layers; scratch grows linearly with it.
    public init(
        model: LlamaModel, contextLength: Int = 2048, cacheFormat: Attention.CacheFormat = .f16,
        threads: Int = 2, maxBatch: Int = 128, allowLongerContext: Bool = false
    ) throws(ModelError) {
        let c = model.configuration
        guard contextLength >= 1, contextLength <= (allowLongerContext ? 1 << 24 : c.trainedContextLength) else {
            throw .invalidArgument("context length \(contextLength) is outside 1...\(c.trainedContextLength)")
        }
        guard maxBatch >= 1, maxBatch <= 4096 else { throw .invalidArgument("maxBatch \(maxBatch) is outside 1...4096") }
        guard threads >= 1, threads <= 256 else { throw .invalidArgument("threads \(threads) is outside 1...256") }
        guard cacheFormat.holds(c.headDimension) else {
            throw .invalidArgument("a \(cacheFormat) KV cache needs a head dimension in multiples of 32, not \(c.headDimension)")
        }
        self.model = model
        self.contextLength = contextLength
        self.maxBatch = maxBatch
        pool = KernelThreadPool(threads: threads)
        cache = try KVCache(format: cacheFormat, layers: c.layerCount, capacity: contextLength, kvWidth: c.kvWidth)
        rope = model.rotaryEmbedding
        do {
            activations = try QuantizedActivations(rows: maxBatch, columns: max(c.embeddingLength, c.feedForwardLength))
        } catch { throw ModelError(error) }
        func buffer(_ count: Int) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: count)
            p.initialize(repeating: 0, count: count)
            return p
        }
        x = buffer(maxBatch * c.embeddingLength)
        xb = buffer(maxBatch * c.embeddingLength)
        q = buffer(maxBatch * c.embeddingLength)
        k = buffer(maxBatch * c.kvWidth)
        v = buffer(maxBatch * c.kvWidth)
        attn = buffer(maxBatch * c.embeddingLength)
        gate = buffer(maxBatch * c.feedForwardLength)
        up = buffer(maxBatch * c.feedForwardLength)
        scoreStride = Attention.scratchCount(positions: contextLength, headDimension: c.headDimension)
        scores = buffer(Self.attentionChunks * scoreStride)
        logits = buffer(c.vocabularySize)
        logitRows = 1
        // Q, K and V (gate and up) read the same normalised input: one fork–join for all of them
        // when their weight formats take the same activation format, else one part per call.
        attentionInputs = .allocate(capacity: 3 * c.layerCount)
        feedForwardInputs = .allocate(capacity: 2 * c.layerCount)
        for (l, layer) in model.layers.enumerated() {
            attentionInputs.initializeElement(at: 3 * l, to: MatMul.Part(layer.query, into: q))
            attentionInputs.initializeElement(at: 3 * l + 1, to: MatMul.Part(layer.key, into: k))
            attentionInputs.initializeElement(at: 3 * l + 2, to: MatMul.Part(layer.value, into: v))
            feedForwardInputs.initializeElement(at: 2 * l, to: MatMul.Part(layer.gate, into: gate))
            feedForwardInputs.initializeElement(at: 2 * l + 1, to: MatMul.Part(layer.up, into: up))
        }
    }

    deinit {
        for p in [x, xb, q, k, v, attn, gate, up, scores, logits] { p.deallocate() }
        single.deallocate()
        attentionInputs.deallocate()
        feedForwardInputs.deallocate()
    }

    /// Logits per position (the vocabulary size).
    public var vocabularySize: Int { model.configuration.vocabularySize }

    /// Forgets every position.
    public func reset() { position = 0 }

    /// Rolls the cache back to its first `newPosition` positions (for rejected draft tokens).
    public func truncate(to newPosition: Int) {
        precondition(newPosition >= 0 && newPosition <= position, "truncate(to: \(newPosition)) outside 0...\(position)")
        position = newPosition
    }

    /// Appends one token; returns the next-token logits (valid until the next call).
    public func forward(token: Int) throws(ModelError) -> UnsafeBufferPointer<Float> {
        single.pointee = token
        return try run(UnsafeBufferPointer(start: single, count: 1), allLogits: false)
    }

    /// Appends `tokens` (prompt processing); returns the logits after the last one.
    public func forward(tokens: [Int]) throws(ModelError) -> UnsafeBufferPointer<Float> {
        try tokens.withUnsafeBufferPointer { (t) throws(ModelError) in try run(t, allLogits: false) }
    }

    /// Appends `tokens` and returns the logits after each of them: `tokens.count` rows of
    /// `vocabularySize` floats, row `i` predicting the token after `tokens[i]` (draft verification).
    public func forwardAll(tokens: [Int]) throws(ModelError) -> UnsafeBufferPointer<Float> {
        try tokens.withUnsafeBufferPointer { (t) throws(ModelError) in try run(t, allLogits: true) }
    }

    /// The pointer-based entry point of `forward`/`forwardAll`.
    public func run(_ tokens: UnsafeBufferPointer<Int>, allLogits: Bool) throws(ModelError) -> UnsafeBufferPointer<Float> {
        let c = model.configuration
        guard !tokens.isEmpty else { throw .invalidArgument("forward needs at least one token") }
        guard tokens.count <= contextLength - position else {
            throw .contextFull(position: position, requested: tokens.count, capacity: contextLength)
        }
        for t in tokens where t < 0 || t >= c.vocabularySize {
            throw .tokenOutOfRange(token: t, vocabulary: c.vocabularySize)
        }
        let rowsNeeded = allLogits ? tokens.count : 1
        if rowsNeeded > logitRows {
            logits.deallocate()
            logits = .allocate(capacity: rowsNeeded * c.vocabularySize)
            logitRows = rowsNeeded
        }
        var start = 0
        while start < tokens.count {
            let n = min(maxBatch, tokens.count - start)
            let chunk = UnsafeBufferPointer(rebasing: tokens[start..<(start + n)])
            let isLast = start + n == tokens.count
            do {
                try layers(chunk)
                if allLogits {
                    try project(rows: 0..<n, into: logits + start * c.vocabularySize)
                } else if isLast {
                    try project(rows: (n - 1)..<n, into: logits)
                }
            } catch { throw ModelError(error) }
            position += n
            start += n
        }
        return UnsafeBufferPointer(start: logits, count: rowsNeeded * c.vocabularySize)
    }

    // MARK: - The forward pass

    /// Runs every layer over `tokens` at positions `position ..< position + n`, leaving the final
    /// residual stream in `x` (row i = position + i). Fills the KV cache for those positions.
    private func layers(_ tokens: UnsafeBufferPointer<Int>) throws(KernelError) {
        let c = model.configuration
        let n = tokens.count, width = c.embeddingLength, kvWidth = c.kvWidth, ffn = c.feedForwardLength
        for i in 0..<n { model.tokenEmbedding.dequantizeRow(tokens[i], into: x + i * width) }
        for (l, layer) in model.layers.enumerated() {
            // Attention block: x += Wo · attention(rope(Wq·h), rope(Wk·h), Wv·h), h = norm(x).
            for i in 0..<n {
                Normalization.rmsNorm(x + i * width, weight: layer.attentionNorm, epsilon: c.rmsEpsilon,
                                      into: xb + i * width, count: width)
            }
            try multiply(UnsafeBufferPointer(start: attentionInputs.baseAddress! + 3 * l, count: 3), xb, rows: n, columns: width)
            for i in 0..<n {
                rope.apply(to: q + i * width, heads: c.headCount, position: position + i)
                rope.apply(to: k + i * kvWidth, heads: c.kvHeadCount, position: position + i)
                cache.store(layer: l, position: position + i, key: k + i * kvWidth, value: v + i * kvWidth)
            }
            attend(layer: l, rows: n)
            try quantize(attn, rows: n, columns: width, for: layer.attentionOutput)
            try MatMul.multiply(layer.attentionOutput, activations, into: xb, pool: pool)
            VectorMath.add(x, xb, into: x, count: n * width)

            // Feed-forward block: x += Wdown · (silu(Wgate·h) ⊙ Wup·h), h = norm(x).
            for i in 0..<n {
                Normalization.rmsNorm(x + i * width, weight: layer.feedForwardNorm, epsilon: c.rmsEpsilon,
                                      into: xb + i * width, count: width)
            }
            try multiply(UnsafeBufferPointer(start: feedForwardInputs.baseAddress! + 2 * l, count: 2), xb, rows: n, columns: width)
            // ggml's SiLU (its expf approximation), so the down projection's 8-bit input matches.
            LlamaCppArithmetic.swiGLU(gate: gate, up: up, into: gate, count: n * ffn)
            try quantize(gate, rows: n, columns: ffn, for: layer.down)
            try MatMul.multiply(layer.down, activations, into: xb, pool: pool)
            VectorMath.add(x, xb, into: x, count: n * width)
        }
    }

    /// The products of `parts` (which all read `source`), fused into one call when they take the
    /// same activation format (the usual case: one quantization type per file).
    private func multiply(
        _ parts: UnsafeBufferPointer<MatMul.Part>, _ source: UnsafeMutablePointer<Float>, rows: Int, columns: Int
    ) throws(KernelError) {
        let type = parts[0].weights.type.activationType
        if parts.allSatisfy({ $0.weights.type.activationType == type }) {
            try quantize(source, rows: rows, columns: columns, for: parts[0].weights)
            try MatMul.multiply(parts, activations, pool: pool)
        } else {
            for i in parts.indices {
                try quantize(source, rows: rows, columns: columns, for: parts[i].weights)
                try MatMul.multiply(UnsafeBufferPointer(start: parts.baseAddress! + i, count: 1), activations, pool: pool)
            }
        }
    }

    /// Quantizes `rows` rows into `activations` for `w`, unless they are already there: Q, K and V
    /// (and gate and up) share one quantized input when their formats agree.
    private var quantizedSource: UnsafeMutablePointer<Float>?
    private var quantizedType: TensorType = .f32
    private var quantizedRows = 0
    private func quantize(_ source: UnsafeMutablePointer<Float>, rows: Int, columns: Int, for w: WeightMatrix) throws(KernelError) {
        let type = w.type.activationType
        if quantizedSource == source && quantizedType == type && quantizedRows == rows && activations.columns == columns {
            return
        }
        try activations.quantize(source, rows: rows, columns: columns, as: type)
        quantizedSource = source
        quantizedType = type
        quantizedRows = rows
    }

    /// Grouped-query attention of rows 0..<n (positions `position + i`) over the cache of layer `l`,
    /// into `attn`. The (row, head) pairs are split between the pool's workers.
    private func attend(layer l: Int, rows n: Int) {
        let c = model.configuration
        let heads = c.headCount, d = c.headDimension, group = c.headCount / c.kvHeadCount
        let width = c.embeddingLength, kvWidth = c.kvWidth
        let scale = 1 / Float(d).squareRoot()
        let base = cache.offset(layer: l, position: 0)
        let keys = UnsafeRawPointer(cache.keys + base), values = UnsafeRawPointer(cache.values + base)
        let format = cache.format, contextLength = self.contextLength, position = self.position
        let q = self.q, attn = self.attn, scores = self.scores, scoreStride = self.scoreStride
        let total = n * heads
        // Chunks of (row, head) jobs; each chunk owns one row of `scores`.
        let grain = (total + Self.attentionChunks - 1) / Self.attentionChunks
        func work(_ range: Range<Int>) {
            let s = scores + (range.lowerBound / grain) * scoreStride
            for job in range {
                let i = job / heads, h = job % heads
                let kvOffset = format.byteCount((h / group) * d)
                Attention.attend(
                    query: q + i * width + h * d, keys: keys + kvOffset, values: values + kvOffset, format: format,
                    positions: position + i + 1, headDimension: d, keyStride: kvWidth, valueStride: kvWidth,
                    scale: scale, scores: s, into: attn + i * width + h * d, batched: n > 1)
            }
        }
        // The hand-off to the other workers costs about a microsecond: split when there is real work.
        if pool.threadCount > 1 && total * (position + n) >= 256 {
            pool.parallelFor(count: total, grain: grain, work)
        } else {
            work(0..<total)
        }
    }

    /// Most chunks the attention of one layer is split into (rows of `scores`).
    static let attentionChunks = 16

    /// Final norm and vocabulary projection of rows `rows` of `x`, row by row into `out`.
    private func project(rows: Range<Int>, into out: UnsafeMutablePointer<Float>) throws(KernelError) {
        let c = model.configuration
        let width = c.embeddingLength
        for (j, i) in rows.enumerated() {
            Normalization.rmsNorm(x + i * width, weight: model.outputNorm, epsilon: c.rmsEpsilon,
                                  into: xb + j * width, count: width)
        }
        try quantize(xb, rows: rows.count, columns: width, for: model.output)
        try MatMul.multiply(model.output, activations, into: out, pool: pool)
        quantizedSource = nil
    }
}
