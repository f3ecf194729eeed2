import ArgumentParser
import Decoder
import Foundation

/// `gen detokenize`: a JSON array of token ids on stdin → the text on stdout.
struct DetokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detokenize",
        abstract: "Print the text of a JSON array of token ids read from standard input.",
        discussion: "Example: echo '[19556,905]' | gen detokenize   →   Hello world"
    )

    @Option(help: "GGUF model whose tokenizer to use (default: $STRUCTGEN_MODEL or .cache/models/SmolLM2-135M-Instruct.Q4_1.gguf).")
    var model: String?

    @Flag(help: "Print special tokens (e.g. <|im_end|>) instead of dropping them.")
    var special = false

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
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: input)
        } catch {
            throw TokenizerCommandError("standard input is not JSON: \(error.localizedDescription)")
        }
        guard let array = parsed as? [Any] else { throw TokenizerCommandError("expected a JSON array of token ids") }
        var ids: [Int] = []
        for (i, element) in array.enumerated() {
            guard let number = element as? NSNumber, let id = Int(exactly: number.doubleValue),
                  id >= 0, id < tokenizer.vocabulary.count else {
                throw TokenizerCommandError("element \(i) (\(element)) is not a token id in 0..<\(tokenizer.vocabulary.count)")
            }
            ids.append(id)
        }
        FileHandle.standardOutput.write(Data(tokenizer.decode(ids, includeSpecial: special)))
    }
}
