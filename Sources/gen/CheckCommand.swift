import ArgumentParser
import Decoder
import Foundation
import Grammar
import JSONSchema

/// `gen check`: says accept or reject for texts under a constraint, as the compiled automaton decides.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Print accept or reject for each text under a constraint (whole-text match).",
        discussion: """
            Texts are read from standard input, one per line (without the newline), or from each --file \
            as one whole text (newlines included). One line of output per text: accept or reject. \
            The exit status is 0 when every text was processed, whatever the verdicts; 1 for unreadable \
            input; 2 for a constraint that does not compile (the error says where and why).

            Example:
              printf '2026-11-25\\n2026-13-01\\n' | gen check --regex '\\d{4}-(0[1-9]|1[0-2])-\\d{2}'
              gen check --grammar json.gbnf --file instance.json
              echo '{"a": 1}' | gen check --schema schema.json
            """
    )

    @OptionGroup var constraints: ConstraintOptions

    @Option(name: .long, help: ArgumentHelp("Whitespace the --schema grammar allows: flexible (any JSON whitespace), compact, or a number (at most that many per place).", valueName: "policy"))
    var whitespace: String = "flexible"

    func validate() throws {
        guard constraints.count == 1 else { throw ValidationError("give exactly one of --regex, --grammar, --lark, --schema") }
        guard Self.whitespacePolicy(whitespace) != nil else { throw ValidationError("--whitespace must be flexible, compact or a number") }
    }

    static func whitespacePolicy(_ s: String) -> WhitespacePolicy? {
        switch s {
        case "flexible": return .flexible
        case "compact": return .compact
        default: return Int(s).flatMap { $0 >= 0 ? .bounded($0) : nil }
        }
    }

    @Option(name: .long, help: ArgumentHelp("Check this file as one text (repeatable); without it, stdin lines.", valueName: "path"))
    var file: [String] = []

    func run() throws {
        var dfa: ByteDFA? = nil
        var parser: EarleyParser? = nil
        do {
            // A regex runs as its DFA (faster than the grammar path); the rest as compiled grammars.
            if let regex = constraints.regex {
                dfa = try ByteDFA(ecma: regex, mode: .fullMatch)
            } else {
                let options = SchemaGrammarOptions(whitespace: Self.whitespacePolicy(whitespace)!)
                parser = try EarleyParser(try constraints.constraint().compile(schemaOptions: options)!)
            }
        } catch {
            FileHandle.standardError.write(Data("gen check: \(error)\n".utf8))
            throw ExitCode(2)
        }
        var output = BufferedOutput()
        func judge(_ bytes: some Sequence<UInt8>) throws {
            do {
                let ok: Bool
                if dfa != nil {
                    ok = try dfa!.matches(bytes)
                } else {
                    var p = parser!
                    ok = try p.push(bytes: bytes) && p.isAccepting
                }
                output.write(ok ? "accept\n" : "reject\n")
            } catch {
                output.flush()
                FileHandle.standardError.write(Data("gen check: \(error)\n".utf8))
                throw ExitCode(2)
            }
        }
        if file.isEmpty {
            var lines = LineReader(FileHandle.standardInput)
            while let line = lines.next() { try judge(line) }
        } else {
            for path in file {
                guard let data = FileManager.default.contents(atPath: path) else {
                    output.flush()
                    FileHandle.standardError.write(Data("gen check: cannot read \(path)\n".utf8))
                    throw ExitCode(1)
                }
                try judge(data)
            }
        }
        output.flush()
    }
}

/// Lines of a file handle, read in blocks, without their "\n" (memory bounded by the longest line).
struct LineReader {
    let handle: FileHandle
    var buffer: [UInt8] = []
    var start = 0
    var atEnd = false

    init(_ handle: FileHandle) { self.handle = handle }

    mutating func next() -> ArraySlice<UInt8>? {
        while true {
            if let nl = buffer[start...].firstIndex(of: 10) {
                let line = buffer[start..<nl]
                start = nl + 1
                return line
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                let line = buffer[start...]
                start = buffer.count
                return line
            }
            buffer.removeFirst(start)
            start = 0
            let chunk = handle.readData(ofLength: 1 << 16)
            if chunk.isEmpty { atEnd = true } else { buffer.append(contentsOf: chunk) }
        }
    }
}

/// Standard output with a buffer, so a million verdicts are not a million writes.
struct BufferedOutput {
    var bytes: [UInt8] = []
    mutating func write(_ s: String) {
        bytes.append(contentsOf: s.utf8)
        if bytes.count >= 1 << 16 { flush() }
    }
    mutating func flush() {
        guard !bytes.isEmpty else { return }
        FileHandle.standardOutput.write(Data(bytes))
        bytes.removeAll(keepingCapacity: true)
    }
}
