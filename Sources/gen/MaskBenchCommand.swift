import ArgumentParser
import Decoder
import Foundation
import Grammar
import JSONSchema

/// `gen maskbench`: the MaskBench protocol over fixture files, one JSON record per schema (DESIGN.md).
struct MaskBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "maskbench",
        abstract: "Run the MaskBench protocol (compile, then mask and accept every token of each test) over schema files.",
        discussion: """
            Each file is {"schema": ..., "tests": [{"valid": bool, "data": ...}]} (../shared/jsonschemabench, \
            Fixtures/). For each schema: compile (timed: ttfm_us), then for each test the tokens of \
            json.dumps(data, ensure_ascii=False) are checked one by one against the mask computed before each \
            (timed: mask_us). One line per schema is appended to --out; ids already there are skipped, so a run \
            resumes. --summary prints the table of one or more outputs (on their common ids).

            Example:
              gen maskbench ../shared/jsonschemabench --out ours.jsonl
              gen maskbench --summary ours.jsonl llg.jsonl
            """
    )

    @Argument(help: "Fixture files or folders of them.")
    var paths: [String] = []

    @Option(help: "Append records here (JSON lines).")
    var out: String?

    @Option(help: "A GGUF file whose tokenizer is used (default: the default model).")
    var tokenizer: String?

    @Option(help: "Per-schema time limit in seconds (compile and all tests): beyond it the record says timeout.")
    var timeLimit: Double = 60

    @Option(help: "A file listing fixture paths, one a line (in addition to the arguments).")
    var list: String?

    @Option(help: "Use every Nth file only.")
    var sample: Int = 1

    @Flag(help: "Compile only (no tests): records say compiled or compile_error, with the time of each phase (load_us, build_us, compile_us, matcher_us; first_mask_us with --first-mask).")
    var compileOnly = false

    @Flag(help: "With --compile-only: also time the first mask.")
    var firstMask = false

    @Flag(help: "Empty the process-wide store of lexeme automata before each schema: TTFM as in a fresh process (cold), not after similar schemas (warm, the default).")
    var coldLexemes = false

    @Flag(help: "Treat the paths as record files (JSON lines) and print their table side by side (common ids).")
    var summary = false

    func run() throws {
        if summary {
            guard !paths.isEmpty else { throw ValidationError("--summary needs record files") }
            try MaskBenchSummary.print(paths)
            return
        }
        guard let out else { throw ValidationError("--out is required (or --summary)") }
        let path = tokenizer ?? DefaultModel.path()
        let tok: Tokenizer
        do { tok = try Tokenizer(contentsOf: path) } catch {
            throw ValidationError("cannot load the tokenizer of \(path): \(error)")
        }
        var files: [String] = []
        if let list {
            guard let data = FileManager.default.contents(atPath: list) else { throw ValidationError("cannot read \(list)") }
            files += String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init).filter { !$0.isEmpty }
        }
        for p in paths {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: p, isDirectory: &isDir), isDir.boolValue {
                let names = (try? FileManager.default.subpathsOfDirectory(atPath: p)) ?? []
                files += names.filter { $0.hasSuffix(".json") }.sorted().map { (p as NSString).appendingPathComponent($0) }
            } else {
                files.append(p)
            }
        }
        files = files.enumerated().filter { $0.offset % max(1, sample) == 0 }.map(\.element)
        var done = Set<String>()
        if let data = FileManager.default.contents(atPath: out) {
            for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
                if let v = try? JSONParser.parse(Data(line.utf8)), let id = v["id"]?.stringValue { done.insert(id) }
            }
        } else {
            guard FileManager.default.createFile(atPath: out, contents: nil) else { throw ValidationError("cannot create \(out)") }
        }
        guard let handle = FileHandle(forWritingAtPath: out) else { throw ValidationError("cannot write \(out)") }
        handle.seekToEndOfFile()
        #if DEBUG
        FileHandle.standardError.write(Data("warning: debug build; times are only meaningful with -c release\n".utf8))
        #endif
        let trie = TokenTrie(tok.vocabulary)
        let maskWords = (tok.vocabulary.count + 31) / 32
        var mask = [UInt32](repeating: 0, count: maskWords)
        for (n, file) in files.enumerated() {
            let id = (file as NSString).lastPathComponent
            if done.contains(id) { continue }
            if coldLexemes { ByteDFA.resetSharedLexemeAutomata(enabled: true) }
            let record = runFile(file, id: id, tokenizer: tok, trie: trie, mask: &mask)
            handle.write(Data((JSONWriter.string(record) + "\n").utf8))
            if n % 500 == 0 { FileHandle.standardError.write(Data("maskbench: \(n)/\(files.count)\n".utf8)) }
        }
        handle.closeFile()
    }

    func runFile(_ file: String, id: String, tokenizer tok: Tokenizer, trie: TokenTrie, mask: inout [UInt32]) -> JSONValue {
        var rec: [(String, JSONValue)] = [("id", .string(id)), ("engine", "structgen")]
        func finish(_ status: String, strict: String?, ttfm: Int?, masks: [Int], tests: Int, error: String?, keyOrder: Bool = false) -> JSONValue {
            rec.append(("status", .string(status)))
            rec.append(("strict_status", .string(strict ?? status)))
            rec.append(("ttfm_us", ttfm.map { .number(JSONNumber($0)) } ?? .null))
            rec.append(("mask_us", .array(masks.map { .number(JSONNumber($0)) })))
            rec.append(("tests", .number(JSONNumber(tests))))
            if let error { rec.append(("error", .string(String(error.prefix(300))))) }
            if keyOrder { rec.append(("key_order", true)) }
            return .object(JSONObject(rec))
        }
        guard let data = FileManager.default.contents(atPath: file), let fixture = try? JSONParser.parse(data),
              let schemaValue = fixture["schema"] else {
            return finish("engine_error", strict: nil, ttfm: nil, masks: [], tests: 0, error: "cannot read \(file) as a fixture")
        }
        let tests = fixture["tests"]?.arrayValue ?? []
        if compileOnly { return compileRecord(schemaValue, tests: tests.count, tokenizer: tok, trie: trie, mask: &mask, rec: rec) }
        let start = DispatchTime.now().uptimeNanoseconds
        let deadline = start + UInt64(timeLimit * 1e9)
        let compiled: JSONSchemaGrammar
        var matcher: Matcher
        do {
            compiled = try JSONSchemaGrammar(schemaValue)
            matcher = try Matcher(grammar: compiled.grammar, vocabulary: tok.vocabulary, trie: trie)
        } catch {
            if DispatchTime.now().uptimeNanoseconds > deadline {
                return finish("timeout", strict: nil, ttfm: nil, masks: [], tests: tests.count, error: "compile: \(error)")
            }
            return finish("compile_error", strict: nil, ttfm: nil, masks: [], tests: tests.count, error: "\(error)")
        }
        let ttfm = Int((DispatchTime.now().uptimeNanoseconds - start) / 1000)
        if DispatchTime.now().uptimeNanoseconds > deadline {
            return finish("timeout", strict: nil, ttfm: ttfm, masks: [], tests: tests.count, error: "compile took longer than the limit")
        }
        var masks: [Int] = []
        var loose: (String, String)? = nil
        var strict: String? = nil
        var allKeyOrder = true
        let fresh = matcher
        for (i, test) in tests.enumerated() {
            guard let instance = test["data"] else { continue }
            let valid = test["valid"]?.boolValue ?? false
            let bytes = JSONWriter.bytes(instance, options: .pythonDumps)
            let ids = tok.encode(utf8: bytes)
            matcher = fresh
            var ok = true
            do {
                for t in ids {
                    let t0 = DispatchTime.now().uptimeNanoseconds
                    try matcher.fillMask(into: &mask)
                    let allowed = t < mask.count * 32 && mask[t >> 5] & (1 << UInt32(t & 31)) != 0
                    masks.append(Int((DispatchTime.now().uptimeNanoseconds - t0) / 1000))
                    if !allowed { ok = false; break }
                    guard try matcher.accept(t) else {
                        return finish("engine_error", strict: nil, ttfm: ttfm, masks: masks, tests: tests.count,
                                      error: "test \(i): token \(t) in the mask but refused by accept")
                    }
                    if DispatchTime.now().uptimeNanoseconds > deadline {
                        return finish("timeout", strict: nil, ttfm: ttfm, masks: masks, tests: tests.count, error: "test \(i)")
                    }
                }
            } catch {
                return finish("engine_error", strict: nil, ttfm: ttfm, masks: masks, tests: tests.count, error: "test \(i): \(error)")
            }
            let ended = ok && matcher.isAccepting
            if valid {
                if !ok || !ended {
                    let order = Self.acceptsReordered(instance, schema: schemaValue, grammar: compiled.grammar)
                    if !order { allKeyOrder = false }
                    let why = order ? " (keys out of the schema's order)" : ""
                    if !ok && loose == nil { loose = ("validation_error", "validation_error: test \(i) rejected\(why)") }
                    if !ended && strict == nil { strict = "validation_error" }
                }
            } else {
                if ok && loose == nil { loose = ("invalidation_error", "invalidation_error: test \(i) accepted"); allKeyOrder = false }
                if ended && strict == nil { strict = "invalidation_error"; allKeyOrder = false }
            }
        }
        let status = loose?.0 ?? "passing"
        return finish(status, strict: strict ?? "passing", ttfm: ttfm, masks: masks, tests: tests.count, error: loose?.1,
                      keyOrder: status == "validation_error" && allKeyOrder)
    }

    /// The record of `--compile-only`: status `compiled` or `compile_error`, the TTFM (compile and
    /// matcher, as in the full protocol) and the time of each phase.
    func compileRecord(_ schemaValue: JSONValue, tests: Int, tokenizer tok: Tokenizer, trie: TokenTrie, mask: inout [UInt32],
                       rec: [(String, JSONValue)]) -> JSONValue {
        var rec = rec
        func us(_ ns: UInt64) -> JSONValue { .number(JSONNumber(Int(ns / 1000))) }
        let start = DispatchTime.now().uptimeNanoseconds
        do {
            let compiled = try JSONSchemaGrammar(schemaValue)
            let t1 = DispatchTime.now().uptimeNanoseconds
            var matcher = try Matcher(grammar: compiled.grammar, vocabulary: tok.vocabulary, trie: trie)
            let t2 = DispatchTime.now().uptimeNanoseconds
            rec += [("status", "compiled"), ("ttfm_us", us(t2 - start)), ("load_us", us(compiled.phaseNanos.load)),
                    ("build_us", us(compiled.phaseNanos.build)), ("compile_us", us(compiled.phaseNanos.compile)),
                    ("matcher_us", us(t2 - t1))]
            if firstMask {
                try matcher.fillMask(into: &mask)
                rec.append(("first_mask_us", us(DispatchTime.now().uptimeNanoseconds - t2)))
            }
        } catch {
            rec += [("status", "compile_error"), ("ttfm_us", .null), ("error", .string(String("\(error)".prefix(300))))]
        }
        rec += [("mask_us", .array([])), ("tests", .number(JSONNumber(tests)))]
        return .object(JSONObject(rec))
    }

    /// Whether the grammar accepts `instance` once every object's keys are put in the order the
    /// schema names them (`properties` keys, then `required`, in document order): tells DESIGN.md's
    /// order policy apart from other rejections.
    static func acceptsReordered(_ instance: JSONValue, schema: JSONValue, grammar: CompiledGrammar) -> Bool {
        var rank: [String: Int] = [:]
        func walk(_ v: JSONValue) {
            switch v {
            case .object(let o):
                if case .object(let p)? = o["properties"] { for k in p.keys where rank[k] == nil { rank[k] = rank.count } }
                if case .array(let r)? = o["required"] { for k in r.compactMap(\.stringValue) where rank[k] == nil { rank[k] = rank.count } }
                for m in o.uniqueMembers { walk(m.value) }
            case .array(let xs): for x in xs { walk(x) }
            default: break
            }
        }
        walk(schema)
        func reorder(_ v: JSONValue) -> JSONValue {
            switch v {
            case .object(let o):
                let members = o.uniqueMembers.enumerated().sorted { a, b in
                    let ra = rank[a.element.key] ?? Int.max, rb = rank[b.element.key] ?? Int.max
                    return ra != rb ? ra < rb : a.offset < b.offset
                }
                return .object(JSONObject(members.map { ($0.element.key, reorder($0.element.value)) }))
            case .array(let xs): return .array(xs.map(reorder))
            default: return v
            }
        }
        let moved = reorder(instance)
        guard moved != instance || JSONWriter.string(moved) != JSONWriter.string(instance) else { return false }
        guard var p = try? EarleyParser(grammar) else { return false }
        return ((try? p.push(bytes: JSONWriter.bytes(moved, options: .pythonDumps))) ?? false) && p.isAccepting
    }
}

/// The table of one or more `gen maskbench` / peerbench outputs, side by side on their common ids.
enum MaskBenchSummary {
    static func percentile(_ sorted: [Int], _ p: Double) -> Int? {
        guard !sorted.isEmpty else { return nil }
        let k = min(sorted.count - 1, Int((p / 100 * Double(sorted.count - 1)).rounded()))
        return sorted[k]
    }

    static func print(_ paths: [String]) throws {
        var runs: [(String, [String: JSONValue])] = []
        for path in paths {
            guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
            var recs: [String: JSONValue] = [:]
            var name = path
            for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
                guard let v = try? JSONParser.parse(Data(line.utf8)), let id = v["id"]?.stringValue else { continue }
                recs[id] = v
                if let e = v["engine"]?.stringValue { name = e }
            }
            runs.append((name, recs))
        }
        var common = Set(runs[0].1.keys)
        for r in runs.dropFirst() { common.formIntersection(r.1.keys) }
        var rows: [(String, [String])] = []
        func row(_ label: String, _ f: ([JSONValue]) -> String) {
            rows.append((label, runs.map { r in f(common.compactMap { r.1[$0] }) }))
        }
        func count(_ recs: [JSONValue], _ status: String) -> Int { recs.filter { $0["status"]?.stringValue == status }.count }
        row("schemas") { "\($0.count)" }
        row("passing (MaskBench)") { "\(count($0, "passing"))" }
        row("passing (strict end)") { recs in "\(recs.filter { $0["strict_status"]?.stringValue == "passing" }.count)" }
        row("compiled (--compile-only)") { "\(count($0, "compiled"))" }
        row("compile error") { "\(count($0, "compile_error"))" }
        row("validation error") { "\(count($0, "validation_error"))" }
        row("  of which keys out of schema order") { recs in "\(recs.filter { $0["key_order"]?.boolValue == true }.count)" }
        row("invalidation error") { "\(count($0, "invalidation_error"))" }
        row("engine error") { "\(count($0, "engine_error"))" }
        row("crash") { "\(count($0, "crash"))" }
        row("timeout") { "\(count($0, "timeout"))" }
        func times(_ recs: [JSONValue], _ key: String) -> [Int] {
            var out: [Int] = []
            for r in recs {
                if key == "ttfm_us" { if let n = r["ttfm_us"]?.numberValue?.intValue { out.append(n) } } else {
                    for m in r["mask_us"]?.arrayValue ?? [] { if let n = m.numberValue?.intValue { out.append(n) } }
                }
            }
            return out.sorted()
        }
        for (label, key, p) in [("TTFM p50 us", "ttfm_us", 50.0), ("TTFM p90 us", "ttfm_us", 90), ("TTFM p99 us", "ttfm_us", 99),
                                ("TBM p50 us", "mask_us", 50), ("TBM p90 us", "mask_us", 90), ("TBM p99 us", "mask_us", 99),
                                ("TBM p99.9 us", "mask_us", 99.9)] {
            row(label) { recs in percentile(times(recs, key), p).map { "\($0)" } ?? "-" }
        }
        row("TBM max us") { recs in times(recs, "mask_us").last.map { "\($0)" } ?? "-" }
        row("masks") { recs in "\(times(recs, "mask_us").count)" }
        Swift.print("| metric | " + runs.map(\.0).joined(separator: " | ") + " |")
        Swift.print("|---|" + String(repeating: "---:|", count: runs.count))
        for (label, vals) in rows { Swift.print("| \(label) | " + vals.joined(separator: " | ") + " |") }
    }
}
