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
    /// When masks are computed (see `MaskStrategy` and docs/generation.md).
    public var maskStrategy: MaskStrategy
    /// Kernel threads of the forward pass.
    public var threads: Int

    public init(sampling: SamplingOptions = .greedy, systemMessage: String? = nil, rawPrompt: Bool = false,
                maskStrategy: MaskStrategy = .automatic, threads: Int = 2) {
        self.sampling = sampling
        self.systemMessage = systemMessage
        self.rawPrompt = rawPrompt
        self.maskStrategy = maskStrategy
        self.threads = threads
    }
}
