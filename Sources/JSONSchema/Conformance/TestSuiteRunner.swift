import Foundation

/// Runs the official JSON Schema Test Suite (`tests/<draft>/*.json`, `remotes/` served as
/// `http://localhost:1234/`) against `CompiledSchema` and counts passes per file.
///
/// ```swift
/// let report = try TestSuiteRunner(suiteRoot: "../shared/json-schema-test-suite").run(.draft2020_12)
/// print(report.passed, report.total)
/// ```
public struct TestSuiteRunner {
    public let suiteRoot: String
    public let registry: SchemaRegistry

    /// One suite file's outcome.
    public struct FileResult: Sendable {
        public let file: String
        public var passed = 0
        public var failed: [String] = []
        public var total: Int { passed + failed.count }
    }

    public struct Report: Sendable {
        public let draft: Draft
        public var files: [FileResult] = []
        public var passed: Int { files.reduce(0) { $0 + $1.passed } }
        public var total: Int { files.reduce(0) { $0 + $1.total } }
        public var failures: [String] { files.flatMap { f in f.failed.map { "\(f.file): \($0)" } } }
    }

    public init(suiteRoot: String) throws {
        self.suiteRoot = suiteRoot
        var registry = SchemaRegistry()
        let remotes = suiteRoot + "/remotes"
        guard FileManager.default.fileExists(atPath: remotes) else {
            throw SchemaError(message: "JSON Schema Test Suite not found: no \(remotes)", location: "")
        }
        try registry.addDirectory(atPath: remotes, baseURI: "http://localhost:1234/")
        self.registry = registry
    }

    /// Which tests of a draft to run.
    public enum Part: Sendable {
        /// `tests/<draft>/*.json`, format as annotation.
        case required
        /// `optional/format/<name>.json` for the formats `FormatChecker` implements, asserted.
        case formats
        /// The other `optional/*.json` files (bignum, ECMA regex, cross-draft, …).
        case optional
    }

    /// The required tests of `draft` (format as annotation), or with `optionalFormats` the
    /// `optional/format/<name>.json` files of the formats `FormatChecker` implements (asserted).
    public func run(_ draft: Draft, optionalFormats: Bool = false) throws -> Report {
        try run(draft, part: optionalFormats ? .formats : .required)
    }

    public func run(_ draft: Draft, part: Part) throws -> Report {
        let optionalFormats = part == .formats
        var folder = suiteRoot + "/tests/" + draft.description
        if part == .formats { folder += "/optional/format" }
        if part == .optional { folder += "/optional" }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
            throw SchemaError(message: "JSON Schema Test Suite folder missing: \(folder)", location: "")
        }
        var report = Report(draft: draft)
        let supported = Set(FormatChecker.supportedFormats)
        for name in names.sorted() where name.hasSuffix(".json") {
            if optionalFormats && !supported.contains(String(name.dropLast(5))) { continue }
            let path = folder + "/" + name
            report.files.append(try runFile(path, name: name, draft: draft, assertFormats: optionalFormats ? true : nil))
        }
        return report
    }

    func runFile(_ path: String, name: String, draft: Draft, assertFormats: Bool?) throws -> FileResult {
        let groups = try JSONParser.parse(try Data(contentsOf: URL(fileURLWithPath: path)))
        var result = FileResult(file: name)
        let options = ValidatorOptions(defaultDraft: draft, assertFormats: assertFormats)
        for group in groups.arrayValue ?? [] {
            let description = group["description"]?.stringValue ?? "?"
            let tests = group["tests"]?.arrayValue ?? []
            let schema: CompiledSchema
            do {
                schema = try CompiledSchema(group["schema"] ?? .null, registry: registry, options: options)
            } catch {
                for test in tests { result.failed.append("\(description) / \(test["description"]?.stringValue ?? "?"): schema error: \(error)") }
                continue
            }
            for test in tests {
                let expected = test["valid"]?.boolValue ?? false
                let data = test["data"] ?? .null
                let quick = schema.isValid(data)
                let detailed = schema.validate(data).isEmpty
                if quick == expected && detailed == expected {
                    result.passed += 1
                } else {
                    result.failed.append("\(description) / \(test["description"]?.stringValue ?? "?"): expected \(expected ? "valid" : "invalid"), isValid \(quick), validate \(detailed)")
                }
            }
        }
        return result
    }
}
