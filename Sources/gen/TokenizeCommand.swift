import ArgumentParser
import Decoder
import Foundation

/// `gen tokenize`: text on stdin → token ids as a JSON array on stdout.
struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Print the token ids of the text on standard input as a JSON array.",
        discussion: "Example: echo -n 'Hello world' | gen tokenize   →   [19556,905]"
    )

    @Option(help: "GGUF model whose tokenizer to use (default: $STRUCTGEN_MODEL or .cache/models/SmolLM2-135M-Instruct.Q4_1.gguf).")
    var model: String?

    @Flag(help: "Recognise special tokens written in the text (e.g. <|im_end|>).")
    var special = false

    @Flag(name: .customLong("add-special"), help: "Add BOS/EOS if the model asks for them.")
    var addSpecial = false

    @Option(help: "Tokenize the input this many times and print the time of the encoding alone (not start-up) to standard error.")
    var `repeat`: Int = 1

    func run() throws {
        let path = model ?? DefaultModel.path()
        let tokenizer: Tokenizer
        do {
            tokenizer = try Tokenizer(contentsOf: path)
        } catch {
            throw TokenizerCommandError("cannot load the tokenizer of \(path): \(error)"
                + (model == nil ? " (run scripts/setup.sh, or pass --model or set STRUCTGEN_MODEL)" : ""))
        }
        let input = FileHandle.standardInput.readDataToEndOfFile()
        let text = String(decoding: input, as: UTF8.self)
        guard `repeat` >= 1 else { throw ValidationError("--repeat must be at least 1") }
        var ids: [Int] = []
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<`repeat` { ids = tokenizer.encode(text, parseSpecial: special, addSpecial: addSpecial) }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        if `repeat` > 1 || ProcessInfo.processInfo.environment["STRUCTGEN_TIMING"] == "1" {
            let mb = Double(text.utf8.count * `repeat`) / 1e6
            FileHandle.standardError.write(Data(String(
                format: "encode: %d bytes × %d in %.4f s = %.2f MB/s, %d tokens\n",
                text.utf8.count, `repeat`, seconds, mb / seconds, ids.count).utf8))
        }
        var out = "["
        out.reserveCapacity(ids.count * 6 + 2)
        for (i, id) in ids.enumerated() {
            if i > 0 { out += "," }
            out += String(id)
        }
        out += "]\n"
        FileHandle.standardOutput.write(Data(out.utf8))
    }
}

/// A failure of `gen tokenize` / `gen detokenize`, printed as `Error: <message>` (exit code 1).
struct TokenizerCommandError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
