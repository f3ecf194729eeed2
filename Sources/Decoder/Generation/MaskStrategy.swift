/// When the generation loop computes the grammar mask (the outputs are valid under every one).
///
/// ```swift
/// var options = GenerationOptions()
/// options.maskStrategy = .overlapped     // mask of step t computed during the forward pass of step t
/// ```
public enum MaskStrategy: String, Sendable, Hashable, CaseIterable {
    /// `.opportunistic` where it is exact (greedy or plain temperature sampling, no top-k,
    /// top-p or min-p), `.everyStep` otherwise.
    case automatic
    /// A full mask before every sampled token; tokens that are the only choice are fed without
    /// sampling, several in one forward pass.
    case everyStep
    /// As `.everyStep`, but the mask is computed on a worker thread during the forward pass.
    case overlapped
    /// Draw from the unmasked distribution and check only the drawn token against the grammar;
    /// compute the full mask only when it is refused (exact for greedy and temperature sampling;
    /// see `GenerationLoop`). No forced-token detection.
    case opportunistic

    /// The strategy actually used with `options`.
    public func resolved(for options: SamplingOptions) -> MaskStrategy {
        let filters = options.topK > 0 || options.topP < 1 || options.minP > 0
        switch self {
        case .automatic: return filters ? .everyStep : .opportunistic
        case .opportunistic: return filters ? .everyStep : .opportunistic
        default: return self
        }
    }
}
