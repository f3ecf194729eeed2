import Grammar
import JSONSchema

/// Why generation could not start or go on. Each case's description says where and why.
///
/// Reaching `maxTokens` is not an error: it is `GenerationStatus.incomplete` on the result, so the
/// partial text is never mistaken for a valid one.
///
/// ```swift
/// do { _ = try await model.generate(matching: .regex("[a-z"), prompt: "x") }
/// catch let e as GenerationError { print(e) }   // constraint: … (where and why)
/// ```
public enum GenerationError: Error, Sendable, CustomStringConvertible {
    /// The constraint does not compile (grammar, regex or schema error, with its location).
    case constraint(String)
    /// An option is out of range.
    case invalidOption(String)
    /// The model file could not be loaded or run.
    case model(String)
    /// The prompt (with the template) and `maxTokens` do not fit the context.
    case contextFull(String)
    /// The grammar allows no token here although the text is not finished: the vocabulary cannot
    /// spell any continuation (e.g. the grammar needs bytes no token has).
    case deadEnd(text: String)
    /// The chat template in the model's metadata is not one this engine can render.
    case unsupportedChatTemplate(String)
    /// The typed form: the output did not decode into the requested type.
    case decoding(String)
    /// `maxTokens` was reached before the output was finished; `partialText` is a prefix of a
    /// valid output, not a valid output (thrown by the forms that return only text).
    case incomplete(partialText: String, maxTokens: Int)

    public var description: String {
        switch self {
        case .constraint(let m): "constraint: \(m)"
        case .invalidOption(let m): "invalid option: \(m)"
        case .model(let m): "model: \(m)"
        case .contextFull(let m): "context full: \(m)"
        case .deadEnd(let text): "no token can continue the output after \(String(reflecting: String(text.suffix(80)))) (the grammar needs text the vocabulary cannot spell)"
        case .unsupportedChatTemplate(let m): "chat template: \(m)"
        case .decoding(let m): "decoding the output: \(m)"
        case .incomplete(let text, let n): "the output was not finished after \(n) tokens (raise the token limit); partial output: \(String(reflecting: String(text.prefix(200))))"
        }
    }
}
