/// How the next token is chosen from the (masked) logits, and when generation stops.
///
/// The default is greedy decoding (temperature 0), which is reproducible without a seed. With a
/// temperature above 0 the filters apply in llama.cpp's order: repetition penalty, top-k,
/// temperature, min-p, top-p; the draw uses `seed`, so equal options give equal outputs.
///
/// ```swift
/// var options = SamplingOptions(temperature: 0.8, topK: 40, topP: 0.95, seed: 7)
/// options.maxTokens = 256
/// ```
public struct SamplingOptions: Sendable, Hashable {
    /// Softmax temperature; 0 means greedy (argmax).
    public var temperature: Double
    /// Keep the `topK` most likely tokens (0: all).
    public var topK: Int
    /// Keep the smallest set of most likely tokens whose probability reaches `topP` (1: all).
    public var topP: Double
    /// Drop tokens less likely than `minP` × the most likely one (0: none).
    public var minP: Double
    /// Divides positive logits (multiplies negative ones) of tokens seen in the last
    /// `repetitionWindow` generated tokens (1: off), as in CTRL (Keskar et al., 2019).
    public var repetitionPenalty: Double
    /// How many recent generated tokens the repetition penalty looks at.
    public var repetitionWindow: Int
    /// Seed of the random draw (ignored when greedy).
    public var seed: UInt64
    /// Generated tokens at most; reaching it ends generation with `GenerationStatus.incomplete`.
    public var maxTokens: Int

    public init(temperature: Double = 0, topK: Int = 0, topP: Double = 1, minP: Double = 0,
                repetitionPenalty: Double = 1, repetitionWindow: Int = 64, seed: UInt64 = 0,
                maxTokens: Int = 512) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.minP = minP
        self.repetitionPenalty = repetitionPenalty
        self.repetitionWindow = repetitionWindow
        self.seed = seed
        self.maxTokens = maxTokens
    }

    /// Greedy decoding: always the most likely allowed token.
    public static let greedy = SamplingOptions()

    /// Checks the ranges; the error names the first option out of range.
    public func validate() throws(GenerationError) {
        func bad(_ name: String, _ value: Any, _ range: String) -> GenerationError {
            .invalidOption("\(name) is \(value); expected \(range)")
        }
        guard temperature.isFinite, temperature >= 0 else { throw bad("temperature", temperature, "a finite value ≥ 0") }
        guard topK >= 0 else { throw bad("topK", topK, "≥ 0 (0: off)") }
        guard topP > 0, topP <= 1 else { throw bad("topP", topP, "in (0, 1]") }
        guard minP >= 0, minP < 1 else { throw bad("minP", minP, "in [0, 1)") }
        guard repetitionPenalty.isFinite, repetitionPenalty > 0 else { throw bad("repetitionPenalty", repetitionPenalty, "a finite value > 0") }
        guard repetitionWindow >= 0 else { throw bad("repetitionWindow", repetitionWindow, "≥ 0") }
        guard maxTokens >= 1 else { throw bad("maxTokens", maxTokens, "≥ 1") }
    }
}
