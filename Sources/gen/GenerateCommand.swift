import ArgumentParser
import Decoder
import Foundation
import JSONSchema

extension MaskStrategy: ExpressibleByArgument {}

/// `gen` (the default subcommand): generates text that matches a constraint, streaming it to stdout.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate text that matches a JSON Schema, regex or grammar (the default command).",
        discussion: """
            The prompt goes through the model's chat template (ChatML for the default model) as the \
            user message, after --system or the template's default system message; --raw sends it as \
            is. Without --prompt the prompt is read from standard input. Without a constraint the \
            output is free text. The output streams to standard output; if --max-tokens is reached \
            before the output is finished, gen says so on standard error and exits with status 3 \
            (the partial output is not valid). --stats prints tokens, tokens/s, time to first token \
            and mask time to standard error.

            Examples:
              gen --schema person.json --prompt "Invent a person."
              gen --regex '\\d{4}-\\d{2}-\\d{2}' --prompt "When did Apollo 11 land?"
              echo "Is the sky blue?" | gen --grammar yesno.gbnf --temperature 0.7 --seed 1
            """
    )

    @OptionGroup var constraints: ConstraintOptions

    @Option(name: .long, help: ArgumentHelp("Whitespace in JSON generated under --schema: compact ({\"a\":1}), a number n (at most n characters in each place) or flexible.", valueName: "compact|n|flexible"))
    var whitespace = "compact"

    @Option(name: .long, help: ArgumentHelp("The prompt (default: standard input).", valueName: "text"))
    var prompt: String?

    @Option(name: .long, help: ArgumentHelp("The system message (default: the chat template's).", valueName: "text"))
    var system: String?

    @Flag(name: .long, help: "Send the prompt as is, without the chat template.")
    var raw = false

    @Option(name: .long, help: ArgumentHelp("GGUF model (default: $STRUCTGEN_MODEL or .cache/models/SmolLM2-135M-Instruct.Q4_1.gguf).", valueName: "path"))
    var model: String?

    @Option(name: .customLong("max-tokens"), help: "Generated tokens at most.")
    var maxTokens = 512

    @Option(name: .long, help: "Sampling temperature (0: greedy).")
    var temperature = 0.0

    @Option(name: .long, help: "Seed of the random draw.")
    var seed: UInt64 = 0

    @Option(name: .customLong("top-k"), help: "Keep the k most likely tokens (0: off).")
    var topK = 0

    @Option(name: .customLong("top-p"), help: "Keep the most likely tokens up to this probability mass (1: off).")
    var topP = 1.0

    @Option(name: .customLong("min-p"), help: "Drop tokens below this fraction of the best one's probability (0: off).")
    var minP = 0.0

    @Option(name: .customLong("repeat-penalty"), help: "Repetition penalty over the last 64 tokens (1: off).")
    var repeatPenalty = 1.0

    @Option(name: .long, help: "Worker threads for the kernels.")
    var threads = 2

    @Option(name: .long, help: "When masks are computed: automatic, everyStep, overlapped (during the forward pass), opportunistic (only when the drawn token is refused).")
    var masks: MaskStrategy = .automatic

    @Flag(name: .long, help: "Print tokens, tokens/s, time to first token and mask time to standard error.")
    var stats = false

    @Option(name: .long, help: ArgumentHelp("Run the JSON lines of this file ({\"prompt\", \"schema\" (as text)|\"regex\"|\"grammar\"|\"lark\", \"seed\"}; constraints inline) and print one JSON result per line (cross-checks, benchmarks).", valueName: "path"))
    var batch: String?

    @Option(name: .customLong("time-limit"), help: ArgumentHelp("With --batch: stop a job after this many seconds (compile, prompt and generation) and report it as \"timeout\" (0: no limit; a job's \"time_limit_s\" overrides it).", valueName: "seconds"))
    var timeLimit = 0.0

    func validate() throws {
        let given = constraints.count
        guard given <= 1 else { throw ValidationError("give at most one of --schema, --regex, --grammar, --lark") }
        guard batch == nil || (given == 0 && prompt == nil) else {
            throw ValidationError("--batch takes the constraints and prompts from its file")
        }
        guard CheckCommand.whitespacePolicy(whitespace) != nil else {
            throw ValidationError("--whitespace must be compact, flexible or a number")
        }
        guard timeLimit >= 0, batch != nil || timeLimit == 0 else {
            throw ValidationError("--time-limit takes seconds ≥ 0 and applies to --batch jobs")
        }
    }

    var options: GenerationOptions {
        GenerationOptions(
            sampling: SamplingOptions(temperature: temperature, topK: topK, topP: topP, minP: minP,
                                      repetitionPenalty: repeatPenalty, seed: seed, maxTokens: maxTokens),
            systemMessage: system, rawPrompt: raw, maskStrategy: masks, threads: threads)
    }

    /// The schema compiler's options: `Constraint.defaultSchemaOptions` with --whitespace.
    func schemaOptions(_ whitespace: String) throws -> SchemaGrammarOptions {
        guard let policy = CheckCommand.whitespacePolicy(whitespace) else {
            throw ValidationError("whitespace must be compact, flexible or a number, not '\(whitespace)'")
        }
        var o = Constraint.defaultSchemaOptions
        o.whitespace = policy
        return o
    }

    func run() throws {
        let llm: LanguageModel
        do { llm = try LanguageModel(path: model ?? DefaultModel.path()) } catch {
            fail("\(error)", status: 1)
        }
        if let batch { return try runBatch(llm, path: batch) }
        let constraint: Constraint
        do { constraint = try constraints.constraint() } catch { fail("\(error)", status: 2) }
        // Compile first so a bad constraint fails before the prompt is read.
        let compiled: Constraint
        do {
            compiled = (try constraint.compile(schemaOptions: try schemaOptions(whitespace))).map { .grammar($0) } ?? .none
        } catch { fail("\(error)", status: 2) }
        let text = prompt ?? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        var detok = llm.tokenizer.makeStreamingDecoder()
        let out = FileHandle.standardOutput
        let result: GenerationResult
        do {
            result = try llm.generateSynchronously(matching: compiled, prompt: text, options: options) { token in
                let chunk = detok.append(token)
                if !chunk.isEmpty { out.write(Data(chunk.utf8)) }
                return true
            }
        } catch { fail("\(error)", status: 1) }
        let rest = detok.finish()
        if !rest.isEmpty { out.write(Data(rest.utf8)) }
        out.write(Data("\n".utf8))
        if stats { FileHandle.standardError.write(Data(Self.describe(result).utf8)) }
        if result.status == .incomplete {
            fail("the output is not finished after --max-tokens \(maxTokens) tokens (not valid; raise --max-tokens)", status: 3)
        }
    }

    static func describe(_ r: GenerationResult) -> String {
        let s = r.stats
        return String(format: "status %@; prompt %d tokens; generated %d tokens (%d forced) in %.3f s: %.1f tok/s; time to first token %.1f ms; mask %.1f ms total (%d masks, %.1f µs each; waited %.1f ms)\n",
                      r.status.rawValue, s.promptTokens, s.generatedTokens, s.forcedTokens, s.totalTime, s.tokensPerSecond,
                      s.timeToFirstToken * 1e3, s.maskTime * 1e3, s.masks, s.masks > 0 ? s.maskTime / Double(s.masks) * 1e6 : 0,
                      s.maskWaitTime * 1e3)
    }

    /// One JSON object per input line: {"index", "status", "text", "error"?, stats…}; "status" is
    /// "finished", "incomplete" (max tokens), "timeout" (the job's time limit), "compiled" or "error".
    /// Each line is written as soon as its job ends, so a caller can resume after the last one.
    func runBatch(_ llm: LanguageModel, path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { fail("cannot read \(path)", status: 1) }
        var index = 0
        for line in data.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
            defer { index += 1 }
            var record: [String: Any] = ["index": index]
            do {
                guard let job = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                      let prompt = job["prompt"] as? String else {
                    throw ValidationError("line \(index + 1): expected an object with a \"prompt\" string")
                }
                var opts = options
                if let s = job["seed"] as? Int { opts.sampling.seed = UInt64(s) }
                if let t = job["temperature"] as? Double { opts.sampling.temperature = t }
                if let m = job["max_tokens"] as? Int { opts.sampling.maxTokens = m }
                let c: Constraint
                // The schema comes as text: key order matters (properties order), and
                // JSONSerialization would not keep it.
                if let t = job["schema"] as? String { c = .jsonSchema(t)
                } else if let r = job["regex"] as? String { c = .regex(r)
                } else if let g = job["grammar"] as? String { c = .gbnf(g)
                } else if let l = job["lark"] as? String { c = .lark(l)
                } else { c = .none }
                let limit = job["time_limit_s"] as? Double ?? timeLimit
                let start = DispatchTime.now().uptimeNanoseconds
                let grammar = try c.compile(schemaOptions: try schemaOptions(job["whitespace"] as? String ?? whitespace))
                record["compile_s"] = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                if job["compile_only"] as? Bool == true {
                    record["status"] = "compiled"
                    let out = try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys])
                    FileHandle.standardOutput.write(out + Data("\n".utf8))
                    continue
                }
                let deadline = limit > 0 ? start + UInt64(limit * 1e9) : UInt64.max
                // Checked once per token: a job stops at the first token after its deadline.
                let r = try llm.generateSynchronously(matching: grammar.map { .grammar($0) } ?? .none, prompt: prompt,
                                                      options: opts) { _ in
                    DispatchTime.now().uptimeNanoseconds < deadline
                }
                record["status"] = r.status == .cancelled ? "timeout" : r.status.rawValue
                record["text"] = r.text
                record["generated_tokens"] = r.stats.generatedTokens
                record["forced_tokens"] = r.stats.forcedTokens
                record["prompt_tokens"] = r.stats.promptTokens
                record["total_s"] = r.stats.totalTime
                record["ttft_s"] = r.stats.timeToFirstToken
                record["mask_s"] = r.stats.maskTime
                record["mask_wait_s"] = r.stats.maskWaitTime
                record["tok_s"] = r.stats.tokensPerSecond
            } catch {
                record["status"] = "error"
                record["error"] = "\(error)"
            }
            let out = try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys])
            FileHandle.standardOutput.write(out + Data("\n".utf8))
        }
    }

    func fail(_ message: String, status: Int32) -> Never {
        FileHandle.standardError.write(Data("gen: \(message)\n".utf8))
        Foundation.exit(status)
    }
}
