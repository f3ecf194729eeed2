/// Why a tokenizer could not be built from a GGUF file.
public struct TokenizerError: Error, CustomStringConvertible, Sendable {
    /// What is wrong, naming the metadata key involved.
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { "tokenizer: \(message)" }
}
