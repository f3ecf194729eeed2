import Foundation
import Grammar
import JSONSchema

/// A GGUF model ready to generate text that matches a constraint: the runtime, its tokenizer and
/// its chat template, loaded once and shared by any number of concurrent generations.
///
/// ```swift
/// let model = try LanguageModel()                       // the default model (DefaultModel.path())
/// let date = try await model.generate(matching: .regex(#"\d{4}-\d{2}-\d{2}"#),
///                                     prompt: "When did Apollo 11 land? Date only.")
/// for try await chunk in model.stream(matching: .jsonSchema(schemaText), prompt: "A user profile") {
///     print(chunk, terminator: "")
/// }
/// struct Person: Decodable { var name: String; var age: Int }
/// let p = try await model.generate(Person.self, schema: personSchema, prompt: "Invent a person.")
/// ```
public final class LanguageModel: @unchecked Sendable {
    public let path: String
    public let llama: LlamaModel
    public let tokenizer: Tokenizer
    /// The chat template from the GGUF metadata, or nil if the model has none we can render
    /// (then only raw prompts work).
    public let chatTemplate: ChatTemplate?
    private let lock = NSLock()
    private var cachedTrie: TokenTrie?

    /// Loads the model at `path` (default: `DefaultModel.path()`, i.e. `$STRUCTGEN_MODEL` or the
    /// fetched default model).
    public init(path: String = DefaultModel.path()) throws(GenerationError) {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else {
            throw .model("no model file at \(path) (set STRUCTGEN_MODEL or pass a path; `make setup` fetches the default model)")
        }
        do {
            let gguf = try GGUFFile(contentsOf: path)
            llama = try LlamaModel(gguf: gguf)
            tokenizer = try Tokenizer(gguf: gguf)
            chatTemplate = try? ChatTemplate(jinja: gguf.metadata["tokenizer.chat_template"]?.string)
        } catch {
            throw .model("\(path): \(error)")
        }
    }

    /// The vocabulary's token trie, built on first use and shared.
    public var trie: TokenTrie {
        lock.lock(); defer { lock.unlock() }
        if let cachedTrie { return cachedTrie }
        let t = TokenTrie(tokenizer.vocabulary)
        cachedTrie = t
        return t
    }

    /// The prompt's token ids: through the chat template (system + user message) unless
    /// `options.rawPrompt`.
    public func promptTokens(_ prompt: String, options: GenerationOptions) throws(GenerationError) -> [Int] {
        if options.rawPrompt { return tokenizer.encode(prompt, parseSpecial: false, addSpecial: true) }
        guard let chatTemplate else {
            throw .unsupportedChatTemplate("\(path) has no ChatML chat template; use a raw prompt (--raw)")
        }
        var messages: [ChatMessage] = []
        if let s = options.systemMessage { messages.append(ChatMessage(.system, s)) }
        messages.append(ChatMessage(.user, prompt))
        return tokenizer.encode(chatTemplate.render(messages), parseSpecial: true, addSpecial: true)
    }

    /// Generates under `constraint` and returns the result with its status and numbers; reaching
    /// `maxTokens` is `.incomplete`, not an error. Blocks the calling thread (the async forms
    /// below do not); `onToken` gets each text token id and may return false to stop.
    public func generateSynchronously(matching constraint: Constraint, prompt: String,
                                      options: GenerationOptions = GenerationOptions(),
                                      onToken: (Int) -> Bool = { _ in true }) throws(GenerationError) -> GenerationResult {
        try options.sampling.validate()
        let grammar = try constraint.compile()
        let ids = try promptTokens(prompt, options: options)
        let context = min(llama.configuration.trainedContextLength, ids.count + options.sampling.maxTokens + 8)
        let session: InferenceSession
        do { session = try InferenceSession(model: llama, contextLength: context, threads: options.threads) } catch {
            throw .model(error.description)
        }
        guard ids.count + options.sampling.maxTokens <= llama.configuration.trainedContextLength else {
            throw .contextFull("\(ids.count) prompt tokens + \(options.sampling.maxTokens) max tokens exceed the model's context of \(llama.configuration.trainedContextLength)")
        }
        let loop = try GenerationLoop(session: session, vocabulary: tokenizer.vocabulary, grammar: grammar,
                                      trie: grammar == nil ? nil : trie, options: options.sampling,
                                      maskStrategy: options.maskStrategy)
        let outcome = try loop.run(prompt: ids, onToken: onToken)
        return GenerationResult(text: tokenizer.decodeText(outcome.tokens), tokens: outcome.tokens,
                                status: outcome.status, stats: outcome.stats)
    }

    /// Generates under `constraint`; returns the result with its status (`.finished`,
    /// `.incomplete` at `maxTokens`, `.cancelled`) and statistics. Cancelling the task stops
    /// generation at the next token.
    public func generateResult(matching constraint: Constraint, prompt: String,
                               options: GenerationOptions = GenerationOptions()) async throws -> GenerationResult {
        let flag = CancellationFlag()
        return try await withTaskCancellationHandler {
            try await runOffThread { [self] () throws(GenerationError) -> GenerationResult in
                try generateSynchronously(matching: constraint, prompt: prompt, options: options) { _ in !flag.isSet }
            }
        } onCancel: { flag.set() }
    }

    /// The text generated under `constraint`: always in the constraint's language.
    /// Throws `GenerationError.incomplete` when `maxTokens` is reached first (the partial text is
    /// in the error, never returned as if valid) and `CancellationError` when the task is cancelled.
    ///
    /// ```swift
    /// let answer = try await model.generate(matching: .gbnf(#"root ::= "yes" | "no""#), prompt: "Is water wet?")
    /// ```
    public func generate(matching constraint: Constraint, prompt: String,
                         options: GenerationOptions = GenerationOptions()) async throws -> String {
        let r = try await generateResult(matching: constraint, prompt: prompt, options: options)
        switch r.status {
        case .finished: return r.text
        case .incomplete: throw GenerationError.incomplete(partialText: r.text, maxTokens: options.sampling.maxTokens)
        case .cancelled: throw CancellationError()
        }
    }

    /// The output as a stream of text chunks, each made of whole UTF-8 characters (a character
    /// split across tokens is held back until complete). The stream ends after the last chunk
    /// when the output is finished, and throws `GenerationError.incomplete` at `maxTokens`;
    /// cancelling the consuming task (or dropping the stream) stops generation.
    ///
    /// ```swift
    /// for try await chunk in model.stream(matching: .regex("[A-Z][a-z]+( [a-z]+)*\\."), prompt: "A sentence:") {
    ///     print(chunk, terminator: "")
    /// }
    /// ```
    public func stream(matching constraint: Constraint, prompt: String,
                       options: GenerationOptions = GenerationOptions()) -> AsyncThrowingStream<String, any Error> {
        let (stream, continuation) = AsyncThrowingStream<String, any Error>.makeStream(bufferingPolicy: .unbounded)
        let flag = CancellationFlag()
        continuation.onTermination = { _ in flag.set() }
        let thread = Thread { [self] in
            var detok = tokenizer.makeStreamingDecoder()
            do {
                let r = try generateSynchronously(matching: constraint, prompt: prompt, options: options) { token in
                    let text = detok.append(token)
                    if !text.isEmpty { continuation.yield(text) }
                    return !flag.isSet
                }
                let rest = detok.finish()
                if !rest.isEmpty { continuation.yield(rest) }
                switch r.status {
                case .finished: continuation.finish()
                case .incomplete: continuation.finish(throwing: GenerationError.incomplete(partialText: r.text, maxTokens: options.sampling.maxTokens))
                case .cancelled: continuation.finish(throwing: CancellationError())
                }
            } catch {
                continuation.finish(throwing: error)
            }
        }
        thread.stackSize = 8 << 20
        thread.start()
        return stream
    }

    /// Generates JSON under the schema `schema` and decodes it into `T`.
    ///
    /// ```swift
    /// struct City: Decodable { var name: String; var population: Int }
    /// let schema = #"{"type":"object","properties":{"name":{"type":"string","maxLength":40},"population":{"type":"integer","minimum":0}},"required":["name","population"]}"#
    /// let city = try await model.generate(City.self, schema: schema, prompt: "The largest city in Japan, as JSON.")
    /// ```
    public func generate<T: Decodable>(_ type: T.Type, schema: String, prompt: String,
                                       options: GenerationOptions = GenerationOptions(),
                                       decoder: JSONDecoder = JSONDecoder()) async throws -> T {
        let text = try await generate(matching: .jsonSchema(schema), prompt: prompt, options: options)
        do {
            return try decoder.decode(T.self, from: Data(text.utf8))
        } catch {
            throw GenerationError.decoding("\(T.self) from \(String(reflecting: String(text.prefix(200)))): \(error)")
        }
    }

    /// Runs blocking work on its own thread (not the cooperative pool, which generation would
    /// starve for seconds) and resumes the caller with its result.
    private func runOffThread<R: Sendable>(_ body: @escaping @Sendable () throws(GenerationError) -> R) async throws -> R {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<R, any Error>) in
            let t = Thread {
                do { c.resume(returning: try body()) } catch { c.resume(throwing: error) }
            }
            t.stackSize = 8 << 20
            t.start()
        }
    }
}

/// A flag set from any thread (task cancellation, stream termination) and polled by the loop.
final class CancellationFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
    func set() { lock.lock(); value = true; lock.unlock() }
}
