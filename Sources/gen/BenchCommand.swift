import ArgumentParser
import Decoder
import Foundation
import Kernels

/// `gen bench`: times the model runtime: prompt processing and greedy generation, in tokens/s.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time the model: prompt processing and greedy generation tokens/s (build with -c release).",
        discussion: """
            The prompt is a fixed English text tokenized and cut to --prompt-tokens (or the ids of \
            --prompt-ids); generation is greedy and unconstrained and ignores end-of-sequence, so it \
            always produces --gen-tokens tokens. scripts/bench-model.py runs llama.cpp beside it.
            """
    )

    @Option(help: "GGUF model (default: $STRUCTGEN_MODEL or .cache/models/SmolLM2-135M-Instruct.Q4_1.gguf).")
    var model: String?

    @Option(name: .customLong("prompt-tokens"), help: "Prompt length in tokens.")
    var promptTokens = 200

    @Option(name: .customLong("gen-tokens"), help: "Tokens to generate.")
    var genTokens = 128

    @Option(help: "Worker threads for the kernels.")
    var threads = 2

    @Option(help: "KV cache capacity in positions.")
    var context = 2048

    @Option(name: .customLong("cache-type"), help: "KV cache format: f16 (as llama.cpp's), q8_0 or f32.")
    var cacheType = "f16"

    @Option(help: "Runs; the best of each phase is reported.")
    var rounds = 3

    @Option(name: .customLong("prompt-ids"), help: "A JSON array of prompt token ids to use instead of the built-in text.")
    var promptIDs: String?

    @Flag(help: "Print the results as one JSON object.")
    var json = false

    @Flag(name: .customLong("print-prompt"), help: "Print the prompt's token ids as a JSON array and exit (scripts/bench-model.py feeds them to llama.cpp).")
    var printPrompt = false

    @Flag(name: .customLong("fill-context"), help: "After timing, fill the KV cache to --context positions and report the resident memory then.")
    var fillContext = false

    func run() throws {
        guard promptTokens >= 1, genTokens >= 0, rounds >= 1 else {
            throw ValidationError("--prompt-tokens and --rounds must be ≥ 1, --gen-tokens ≥ 0")
        }
        guard promptTokens + genTokens <= context else {
            throw ValidationError("--prompt-tokens + --gen-tokens exceed --context \(context)")
        }
        let formats: [String: Attention.CacheFormat] = ["f16": .f16, "q8_0": .q8_0, "f32": .f32]
        guard let cacheFormat = formats[cacheType] else {
            throw ValidationError("--cache-type must be f16, q8_0 or f32, not \(cacheType)")
        }
        let path = model ?? DefaultModel.path()
        let gguf = try GGUFFile(contentsOf: path)
        let llama = try LlamaModel(gguf: gguf)
        let prompt: [Int]
        if let promptIDs {
            let data = try Data(contentsOf: URL(fileURLWithPath: promptIDs))
            guard let ids = try JSONSerialization.jsonObject(with: data) as? [Int] else {
                throw ValidationError("\(promptIDs) is not a JSON array of integers")
            }
            prompt = Array(ids.prefix(promptTokens))
            guard prompt.count == promptTokens else {
                throw ValidationError("\(promptIDs) has \(ids.count) ids, fewer than --prompt-tokens \(promptTokens)")
            }
        } else {
            let tokenizer = try Tokenizer(gguf: gguf)
            var ids: [Int] = []
            while ids.count < promptTokens { ids += tokenizer.encode(Self.text) }
            prompt = Array(ids.prefix(promptTokens))
        }
        if printPrompt {
            print("[" + prompt.map(String.init).joined(separator: ",") + "]")
            return
        }
        let session = try InferenceSession(model: llama, contextLength: context, cacheFormat: cacheFormat, threads: threads)
        var promptSeconds = Double.infinity, genSeconds = Double.infinity
        var generated: [Int] = []
        generated.reserveCapacity(genTokens)
        for _ in 0..<rounds {
            session.reset()
            generated.removeAll(keepingCapacity: true)
            var logits = UnsafeBufferPointer<Float>(start: nil, count: 0)
            promptSeconds = min(promptSeconds, try Stopwatch.seconds { logits = try session.forward(tokens: prompt) })
            genSeconds = min(genSeconds, try Stopwatch.seconds {
                for _ in 0..<genTokens {
                    let next = Selection.argmax(logits.baseAddress!, count: logits.count)!
                    generated.append(next)
                    logits = try session.forward(token: next)
                }
            })
        }
        let promptRate = Double(promptTokens) / promptSeconds
        let genRate = Double(genTokens) / genSeconds
        // Resident memory with the cache as full as the benchmark left it, or full to --context.
        if fillContext {
            session.reset()
            var fill: [Int] = []
            fill.reserveCapacity(context)
            while fill.count < context { fill += prompt }
            _ = try session.forward(tokens: Array(fill.prefix(context)))
        }
        let memory = ResidentMemory.current()
        let fileBytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        let filled = session.position
        if json {
            print("{\"engine\": \"structgen\", \"threads\": \(threads), \"prompt_tokens\": \(promptTokens), "
                + "\"gen_tokens\": \(genTokens), \"prompt_tok_s\": \(promptRate), \"gen_tok_s\": \(genRate), "
                + "\"context\": \(context), \"cache_type\": \"\(session.cacheFormat)\", \"filled_positions\": \(filled), \"file_bytes\": \(fileBytes), "
                + "\"rss_bytes\": \(memory.rss), \"peak_rss_bytes\": \(memory.peak), "
                + "\"generated\": \(generated)}")
        } else {
            print("model \(path): \(llama.configuration.layerCount) layers, width \(llama.configuration.embeddingLength)")
            print("threads \(threads), \(session.cacheFormat) KV cache, best of \(rounds)")
            print(String(format: "prompt processing: %d tokens in %.1f ms = %.1f tok/s", promptTokens, promptSeconds * 1e3, promptRate))
            print(String(format: "generation:        %d tokens in %.1f ms = %.1f tok/s", genTokens, genSeconds * 1e3, genRate))
            print(String(format: "memory: RSS %.1f MB (peak %.1f MB) with %d of %d cache positions filled; file %.1f MB; RSS/file %.2f",
                         Double(memory.rss) / 1e6, Double(memory.peak) / 1e6, filled, context,
                         Double(fileBytes) / 1e6, Double(memory.rss) / Double(max(fileBytes, 1))))
        }
    }

    /// Resident set size now and at its peak, from /proc/self/status (0 where unavailable).
    enum ResidentMemory {
        static func current() -> (rss: Int, peak: Int) {
            guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return (0, 0) }
            func kilobytes(_ key: String) -> Int {
                for line in status.split(separator: "\n") where line.hasPrefix(key) {
                    // "VmRSS:\t  123456 kB"
                    let number = line.dropFirst(key.count).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? ""
                    return 1024 * (Int(number) ?? 0)
                }
                return 0
            }
            return (kilobytes("VmRSS:"), kilobytes("VmHWM:"))
        }
    }

    static let text = """
        The history of the printing press begins in the fifteenth century, when Johannes Gutenberg \
        combined movable metal type, oil-based ink and a wooden screw press into a system that could \
        produce books far faster than scribes. Within fifty years, presses were running in more than \
        two hundred cities across Europe, and the price of books fell sharply. Scholars could compare \
        identical copies of a text, merchants printed price lists and maps, and reformers spread \
        pamphlets to readers who had never owned a book before. 
        """
}
