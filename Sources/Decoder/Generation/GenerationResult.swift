/// How a generation ended.
public enum GenerationStatus: String, Sendable, Hashable {
    /// The grammar accepted the text and the model chose end-of-sequence (or nothing else was
    /// allowed): the text is in the constraint's language.
    case finished
    /// `maxTokens` was reached first: the text is a prefix of a valid output, not a valid output.
    case incomplete
    /// The task was cancelled: the text is a prefix, as for `incomplete`.
    case cancelled
}

/// Counters and timings of one generation (`gen --stats` prints them).
public struct GenerationStats: Sendable, Hashable {
    /// Prompt tokens (after the chat template).
    public var promptTokens = 0
    /// Generated tokens (end-of-sequence included when it was chosen).
    public var generatedTokens = 0
    /// Generated tokens that were forced (the only token allowed), fed without sampling.
    public var forcedTokens = 0
    /// Seconds from start to the first generated token (prompt processing included).
    public var timeToFirstToken: Double = 0
    /// Seconds from start to the end.
    public var totalTime: Double = 0
    /// Seconds spent computing grammar masks (wall time of the mask itself, even when it
    /// overlapped the forward pass).
    public var maskTime: Double = 0
    /// Seconds the loop waited for a mask after the forward pass had finished (the serial cost).
    public var maskWaitTime: Double = 0
    /// Masks computed.
    public var masks = 0

    public init() {}

    /// Generated tokens per second after the first token (the decode rate).
    public var tokensPerSecond: Double {
        let t = totalTime - timeToFirstToken
        return generatedTokens > 1 && t > 0 ? Double(generatedTokens - 1) / t : 0
    }
}

/// The outcome of `generate(matching:)`: the text, how it ended, and the numbers.
///
/// ```swift
/// let r = try await model.generateResult(matching: .regex("[0-9]{3}"), prompt: "Three digits:")
/// if r.status == .finished { print(r.text) }
/// ```
public struct GenerationResult: Sendable, Hashable {
    /// The generated text (without the end-of-sequence token).
    public var text: String
    /// The generated token ids (without end-of-sequence).
    public var tokens: [Int]
    public var status: GenerationStatus
    public var stats: GenerationStats
}
