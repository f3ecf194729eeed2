/// One message of a conversation.
public struct ChatMessage: Sendable, Hashable {
    public enum Role: String, Sendable, Hashable { case system, user, assistant }
    public var role: Role
    public var content: String
    public init(_ role: Role, _ content: String) {
        self.role = role
        self.content = content
    }
}

/// Renders messages into the prompt text a chat model was trained on, from the Jinja template in
/// the GGUF metadata (`tokenizer.chat_template`).
///
/// This is not a Jinja interpreter: it recognises the ChatML family (`<|im_start|>role\n…<|im_end|>\n`,
/// SmolLM2, Qwen2, …) and reads the template's default system message, if it has one (SmolLM2's:
/// "You are a helpful AI assistant named SmolLM, trained by Hugging Face"), which is used when the
/// caller gives no system message, as the template does. Other templates are refused with
/// `GenerationError.unsupportedChatTemplate`, so the caller can fall back to a raw prompt knowingly.
///
/// ```swift
/// let t = try ChatTemplate(jinja: gguf.metadata["tokenizer.chat_template"]?.string)
/// t.render([ChatMessage(.user, "Hi")])
/// // "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, …<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"
/// ```
public struct ChatTemplate: Sendable, Hashable {
    public enum Style: String, Sendable, Hashable { case chatML }
    public let style: Style
    /// The system message the template inserts when the conversation has none (nil: none).
    public let defaultSystemMessage: String?

    /// ChatML with an optional default system message.
    public init(chatMLWithDefaultSystem system: String?) {
        style = .chatML
        defaultSystemMessage = system
    }

    /// Recognises the template text from GGUF metadata.
    public init(jinja: String?) throws(GenerationError) {
        guard let jinja else {
            throw .unsupportedChatTemplate("the model has no tokenizer.chat_template; use a raw prompt")
        }
        guard jinja.contains("<|im_start|>"), jinja.contains("<|im_end|>") else {
            throw .unsupportedChatTemplate("only ChatML templates (<|im_start|>…<|im_end|>) are supported; use a raw prompt. Template starts: \(String(reflecting: String(jinja.prefix(80))))")
        }
        style = .chatML
        defaultSystemMessage = Self.defaultSystem(in: jinja)
    }

    /// The text of `messages`, ending with the opening of the assistant's turn.
    public func render(_ messages: [ChatMessage]) -> String {
        var out = ""
        if messages.first?.role != .system, let defaultSystemMessage {
            out += "<|im_start|>system\n\(defaultSystemMessage)<|im_end|>\n"
        }
        for m in messages { out += "<|im_start|>\(m.role.rawValue)\n\(m.content)<|im_end|>\n" }
        out += "<|im_start|>assistant\n"
        return out
    }

    /// The literal system text in `'<|im_start|>system\n…<|im_end|>` inside a Jinja string constant
    /// (the template's fallback when messages[0] is not a system message).
    static func defaultSystem(in jinja: String) -> String? {
        let marker = "<|im_start|>system\n"
        guard let start = jinja.range(of: marker) else { return nil }
        let rest = jinja[start.upperBound...]
        guard let end = rest.range(of: "<|im_end|>") else { return nil }
        let text = String(rest[..<end.lowerBound])
        // A Jinja expression (e.g. `' + message['content'] + '`) is not a literal default.
        if text.contains("{{") || text.contains("{%") || text.contains("' +") || text.contains("\" +") { return nil }
        return text
    }
}
