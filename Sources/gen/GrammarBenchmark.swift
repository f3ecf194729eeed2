import ArgumentParser
import Decoder
import Foundation
import Grammar
import JSONSchema

/// `gen benchmark grammar`: mask time per token while walking real texts token by token under real
/// grammars (JSON instances under json.gbnf, C code under c.gbnf, Lark grammars under lark.lark),
/// with the SmolLM2 and Llama 3 vocabularies; compile time per grammar and matcher memory.
///
/// Each text is tokenized with the vocabulary's own tokenizer; before every token the full mask is
/// computed (timed), the token must be allowed by it, then it is accepted; after the last token
/// end-of-sequence must be allowed. `--records FILE` writes the token ids and our timings as JSON
/// lines, so `scripts/bench-masks.py` can run llguidance on exactly the same tokens in the same run.
///
/// ```
/// swift build --product gen -c release
/// .build/release/gen benchmark grammar --records /tmp/ours.jsonl
/// ```
struct GrammarBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grammar",
        abstract: "Token-mask time percentiles over real texts (json/c/lark grammars, SmolLM2 and Llama 3 vocabularies)."
    )

    @Option(help: "The shared data folder (default: $STRUCTGEN_SHARED, else ../shared).")
    var shared: String?

    @Option(help: "The repository's Fixtures folder (JSON instances for json.gbnf).")
    var fixtures: String = "Fixtures"

    @Option(help: "The C texts for c.gbnf (a folder of .c files).")
    var cTexts: String = "scripts/bench-texts/c"

    @Option(help: "Model GGUFs whose vocabularies to use (repeatable; default: the default model and Llama 3's vocab).")
    var vocab: [String] = []

    @Option(help: "A Lark grammar for the python workload (start file_input, --postlex python; scripts/bench-masks.py writes python.lark with exact ASCII terminals).")
    var pythonGrammar: String?

    @Option(help: "The Python texts for the python workload (a folder of .py files).")
    var pythonTexts: String?

    @Option(help: "Workloads to run, comma separated: json, c, lark, python.")
    var workloads: String = "json,c,lark"

    @Option(help: "Use at most this many texts per workload (0: all).")
    var maxTexts: Int = 0

    @Option(help: "Write token ids and our per-mask times as JSON lines here (for scripts/bench-masks.py).")
    var records: String?

    @Option(help: "Uncertain trie subtrees of at most this many nodes are walked by the parser without a plan of their own.")
    var directWalk: Int = 16

    @Flag(help: "A fresh matcher per text (cold caches) instead of one matcher rolled back between texts.")
    var fresh = false

    struct Workload {
        var name: String
        var grammarPath: String
        var format: String   // "gbnf", "lark", or "lark-python" (start file_input, Python's indenter)
        var texts: [(name: String, bytes: [UInt8])]
    }

    func run() throws {
        #if DEBUG
        print("warning: debug build; numbers are only meaningful with -c release")
        #endif
        let root = SharedData.root(shared)
        let vocabPaths = vocab.isEmpty
            ? [DefaultModel.path(), root.appendingPathComponent("vocab/ggml-vocab-llama-bpe.gguf").path]
            : vocab
        var out: FileHandle? = nil
        if let records {
            FileManager.default.createFile(atPath: records, contents: nil)
            out = FileHandle(forWritingAtPath: records)
        }
        defer { try? out?.close() }
        let names = workloads.split(separator: ",").map(String.init)
        var loads: [Workload] = []
        for n in names { loads.append(try workload(n, root: root)) }

        print("mask time per token (µs), full mask computed before every token, one thread")
        print(String(format: "%-6@ %-22@ %6@ %7@ %8@ %8@ %8@ %8@ %8@ %9@",
                     "gram" as NSString, "vocab" as NSString, "texts" as NSString, "tokens" as NSString,
                     "p50" as NSString, "p90" as NSString, "p99" as NSString, "p99.9" as NSString,
                     "max" as NSString, "mem KiB" as NSString))
        var compileLines: [String] = []
        for vpath in vocabPaths {
            let tokenizer = try Tokenizer(contentsOf: vpath)
            let vocabulary = tokenizer.vocabulary
            var trie: TokenTrie? = nil
            let trieSeconds = Stopwatch.seconds { trie = TokenTrie(vocabulary) }
            compileLines.append(String(format: "  token trie of %@ (%d tokens, %d nodes): %.1f ms",
                                       (vpath as NSString).lastPathComponent as NSString, vocabulary.count,
                                       trie!.nodeCount, trieSeconds * 1e3))
            if let out {
                // The vocabulary itself, so scripts/bench-masks.py can build llguidance's tokenizer
                // from exactly our token bytes (no Hugging Face packages needed).
                var tokens: [String] = [], special: [Int] = []
                for id in 0..<vocabulary.count {
                    if vocabulary.kind(of: id).isText {
                        tokens.append(vocabulary.bytes(of: id).map { String(format: "%02x", $0) }.joined())
                    } else {
                        tokens.append(Array(vocabulary.literal(of: id).utf8).map { String(format: "%02x", $0) }.joined())
                        special.append(id)
                    }
                }
                let rec: [String: Any] = ["vocabulary": vpath, "tokens_hex": tokens, "special": special,
                                          "eos": Array(vocabulary.endOfGenerationIDs).sorted()]
                out.write(try JSONSerialization.data(withJSONObject: rec))
                out.write(Data("\n".utf8))
            }
            for w in loads {
                var grammar: CompiledGrammar? = nil
                let compileSeconds = try Stopwatch.best(3) { grammar = try Self.compile(w) }
                if vpath == vocabPaths[0] {
                    compileLines.append(String(format: "  %@ (%@): %.2f ms, %d lexemes, %d productions",
                                               w.name as NSString, (w.grammarPath as NSString).lastPathComponent as NSString,
                                               compileSeconds * 1e3, grammar!.lexemes.count, grammar!.productionCount))
                }
                let result = try walk(w, grammar: grammar!, vocabulary: vocabulary, tokenizer: tokenizer, trie: trie!)
                let us = result.maskSeconds.map { $0 * 1e6 }
                let q = [0.5, 0.9, 0.99, 0.999, 1.0].map { Stopwatch.percentile(us, $0) }
                print(String(format: "%-6@ %-22@ %6d %7d %8.1f %8.1f %8.1f %8.1f %8.1f %9.1f",
                             w.name as NSString, (vpath as NSString).lastPathComponent.prefix(22).description as NSString,
                             result.texts.count, us.count, q[0], q[1], q[2], q[3], q[4],
                             Double(result.memory) / 1024))
                print(String(format: "       masks from the signature cache: %d of %d; mask plans built: %d",
                             result.cacheHits, us.count + result.texts.count, result.planBuilds))
                if result.skipped > 0 {
                    print("       (\(result.skipped) texts skipped: not in the grammar's language or not re-tokenizable)")
                }
                if let out {
                    let rec: [String: Any] = [
                        "workload": w.name, "grammar": w.grammarPath, "format": w.format, "vocab": vpath,
                        "texts": result.texts, "mask_us": us, "compile_us": compileSeconds * 1e6,
                        "matcher_bytes": result.memory,
                    ]
                    out.write(try JSONSerialization.data(withJSONObject: rec))
                    out.write(Data("\n".utf8))
                }
            }
        }
        print("\ncompile time (best of 3, grammar source to CompiledGrammar; trie built once per vocabulary)")
        for l in compileLines { print(l) }
    }

    static func compile(_ w: Workload) throws -> CompiledGrammar {
        let text = try String(contentsOfFile: w.grammarPath, encoding: .utf8)
        if w.format == "gbnf" { return try GrammarCompiler.compile(GBNF.parse(text)) }
        if w.format == "lark-python" { return try Lark.compile(text, start: "file_input", postLexer: .python) }
        let dir = (w.grammarPath as NSString).deletingLastPathComponent
        return try GrammarCompiler.compile(Lark.parse(text) { name in
            try? String(contentsOfFile: (dir as NSString).appendingPathComponent(name + ".lark"), encoding: .utf8)
        })
    }

    func workload(_ name: String, root: URL) throws -> Workload {
        var texts: [(String, [UInt8])] = []
        switch name {
        case "json":
            let dir = URL(fileURLWithPath: fixtures)
            guard let e = FileManager.default.enumerator(atPath: dir.path) else {
                throw ValidationError("fixtures not found at \(dir.path) (pass --fixtures)")
            }
            let files = (e.allObjects as? [String] ?? []).filter { $0.hasSuffix(".json") }.sorted()
            for f in files {
                let value = try JSONParser.parse(try Data(contentsOf: dir.appendingPathComponent(f)))
                for (k, test) in (value["tests"]?.arrayValue ?? []).enumerated() {
                    if let instance = test["data"] { texts.append(("\(f)#\(k)", JSONWriter.bytes(instance, options: .pythonDumps))) }
                }
            }
            return finish(Workload(name: name, grammarPath: root.appendingPathComponent("grammars/gbnf/json.gbnf").path,
                                   format: "gbnf", texts: texts))
        case "c":
            let names = (try? FileManager.default.contentsOfDirectory(atPath: cTexts))?.filter { $0.hasSuffix(".c") }.sorted() ?? []
            guard !names.isEmpty else { throw ValidationError("no .c files in \(cTexts) (pass --c-texts)") }
            for n in names {
                texts.append((n, Array(try Data(contentsOf: URL(fileURLWithPath: cTexts).appendingPathComponent(n)))))
            }
            return finish(Workload(name: name, grammarPath: root.appendingPathComponent("grammars/gbnf/c.gbnf").path,
                                   format: "gbnf", texts: texts))
        case "lark":
            // Lark's own grammars, as texts of lark.lark (python.lark needs an indentation-tracking
            // post-lexer that neither engine has).
            let dir = root.appendingPathComponent("grammars/lark")
            for n in ["common", "lark", "python", "unicode"] {
                texts.append((n + ".lark", Array(try Data(contentsOf: dir.appendingPathComponent(n + ".lark")))))
            }
            return finish(Workload(name: name, grammarPath: dir.appendingPathComponent("lark.lark").path,
                                   format: "lark", texts: texts))
        case "python":
            // python.lark under the indentation post-lexer, on real Python files.
            guard let grammar = pythonGrammar, let dir = pythonTexts else {
                throw ValidationError("the python workload needs --python-grammar and --python-texts (scripts/bench-masks.py passes them)")
            }
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir))?.filter { $0.hasSuffix(".py") }.sorted() ?? []
            guard !names.isEmpty else { throw ValidationError("no .py files in \(dir)") }
            for n in names { texts.append((n, Array(try Data(contentsOf: URL(fileURLWithPath: dir).appendingPathComponent(n))))) }
            return finish(Workload(name: name, grammarPath: grammar, format: "lark-python", texts: texts))
        default:
            throw ValidationError("unknown workload '\(name)' (json, c, lark, python)")
        }
    }

    func finish(_ w: Workload) -> Workload {
        var w = w
        if maxTexts > 0 && w.texts.count > maxTexts { w.texts = Array(w.texts.prefix(maxTexts)) }
        return w
    }

    struct WalkResult {
        var texts: [[Int]] = []
        var maskSeconds: [Double] = []
        var skipped = 0
        var memory = 0
        var cacheHits = 0
        var planBuilds = 0
    }

    func walk(_ w: Workload, grammar: CompiledGrammar, vocabulary: Vocabulary, tokenizer: Tokenizer,
              trie: TokenTrie) throws -> WalkResult {
        var r = WalkResult()
        var base = try Matcher(grammar: grammar, vocabulary: vocabulary, trie: trie)
        base.directWalkMaxNodes = directWalk
        var m = base.fork()
        var mask = [UInt32](repeating: 0, count: (vocabulary.count + 31) / 32)
        for (name, bytes) in w.texts {
            // Only texts of the grammar's language whose tokens spell them exactly.
            var p = try EarleyParser(grammar)
            guard try p.push(bytes: bytes), p.isAccepting else { r.skipped += 1; continue }
            let ids = tokenizer.encode(utf8: bytes)
            var spelled: [UInt8] = []
            for t in ids { spelled += vocabulary.bytes(of: t) }
            guard spelled == bytes, ids.allSatisfy({ vocabulary.kind(of: $0).isText }) else { r.skipped += 1; continue }
            if fresh { m = base.fork() }
            for t in ids {
                let s = try Stopwatch.seconds { try m.fillMask(into: &mask) }
                r.maskSeconds.append(s)
                guard mask[t >> 5] >> UInt32(t & 31) & 1 == 1 else {
                    throw ValidationError("\(w.name) \(name): the mask refused token \(t) (\(vocabulary.literal(of: t).debugDescription)) after \(m.tokenCount) tokens")
                }
                guard try m.accept(t) else { throw ValidationError("\(w.name) \(name): accept(\(t)) refused an allowed token") }
            }
            try m.fillMask(into: &mask)
            guard m.isAccepting, let eos = vocabulary.endOfGenerationIDs.first, mask[eos >> 5] >> UInt32(eos & 31) & 1 == 1 else {
                throw ValidationError("\(w.name) \(name): end of sequence not allowed after the whole text")
            }
            r.memory = max(r.memory, m.memoryFootprint)
            r.cacheHits += m.maskCacheHits
            r.planBuilds += m.planBuilds
            m.maskCacheHits = 0
            m.planBuilds = 0
            m.rollback(tokens: m.tokenCount)
            r.texts.append(ids)
        }
        return r
    }
}
