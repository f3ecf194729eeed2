/// Everything about one `generate` call except the constraint and the prompt.
///
/// ```swift
/// var options = GenerationOptions()
/// options.sampling = SamplingOptions(temperature: 0.7, topP: 0.9, seed: 42, maxTokens: 200)
/// options.systemMessage = "Answer in JSON."
/// ```
public struct GenerationOptions: Sendable, Hashable {
    /// Sampler and stopping.
    public var sampling: SamplingOptions
    /// A system message for the chat template (nil: the template's default, if any).
    public var systemMessage: String?
    /// Send the prompt as is, without the chat template.
    public var rawPrompt: Bool
    /// Compute the next mask on a worker thread while the forward pass runs (see docs/generation.md).
    public var overlapMask: Bool
    /// Kernel threads of the forward pass.
    public var threads: Int

    public init(sampling: SamplingOptions = .greedy, systemMessage: String? = nil, rawPrompt: Bool = false,
                overlapMask: Bool = false, threads: Int = 2) {
        self.sampling = sampling
        self.systemMessage = systemMessage
        self.rawPrompt = rawPrompt
        self.overlapMask = overlapMask
        self.threads = threads
    }
}
