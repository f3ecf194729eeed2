import ArgumentParser
import Foundation
import JSONSchema

/// `gen validate`: checks JSON files against a JSON Schema with the full validator.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Validate JSON files against a JSON Schema (drafts 4 to 2020-12).",
        discussion: """
            Prints each file as valid or invalid, with the instance location (JSON pointer) and the \
            schema keyword location of every error; exits with status 1 if any file is invalid. \
            Formats are asserted unless --annotate-formats. With --bench, FILEs are MaskBench-format \
            files ({"schema", "tests": [{"data", "valid"}]}) or folders of them (searched recursively), and one JSON line per \
            test instance is printed.
            """
    )

    @Option(help: "The schema file (JSON).")
    var schema: String?

    @Option(help: "Dialect for a schema without $schema: 4, 6, 7, 2019-09, 2020-12.")
    var draft: String = "2020-12"

    @Flag(help: "Treat `format` as an annotation (the spec's default) instead of asserting it.")
    var annotateFormats = false

    @Option(help: "A folder of schemas that $ref may reach, served under --remotes-base.")
    var remotes: String?

    @Option(help: "The base URI of --remotes.")
    var remotesBase: String = "http://localhost:1234/"

    @Flag(help: "FILEs are MaskBench-format files; print {\"id\",\"test\",\"label\",\"valid\"} JSON lines.")
    var bench = false

    @Argument(help: "JSON files to validate.")
    var files: [String] = []

    func run() throws {
        guard let defaultDraft = Draft(name: draft) else { throw ValidationError("unknown draft '\(draft)'") }
        var registry = SchemaRegistry()
        if let remotes { try registry.addDirectory(atPath: remotes, baseURI: remotesBase) }
        let options = ValidatorOptions(defaultDraft: defaultDraft, assertFormats: annotateFormats ? nil : true)
        if bench { return try runBench(registry: registry, options: options) }
        guard let schema else { throw ValidationError("--schema is required (or --bench)") }
        let compiled: CompiledSchema
        do {
            compiled = try CompiledSchema(try JSONParser.parseFile(atPath: schema), registry: registry,
                                          uri: URL(fileURLWithPath: schema).absoluteString, options: options)
        } catch {
            FileHandle.standardError.write(Data("\(schema): \(error)\n".utf8))
            throw ExitCode(2)
        }
        var anyInvalid = false
        for file in files {
            let instance: JSONValue
            do { instance = try JSONParser.parseFile(atPath: file) } catch {
                print("\(file): not JSON: \(error)")
                anyInvalid = true
                continue
            }
            for (pointer, key) in instance.duplicateKeys {
                print("\(file): warning: duplicate key \"\(key)\" in the object at \(pointer.isEmpty ? "(root)" : pointer); the last one counts")
            }
            let errors = compiled.validate(instance)
            if errors.isEmpty {
                print("\(file): valid")
            } else {
                anyInvalid = true
                print("\(file): invalid")
                for e in errors { print("  \(e)") }
            }
        }
        if anyInvalid { throw ExitCode(1) }
    }

    private func runBench(registry: SchemaRegistry, options: ValidatorOptions) throws {
        var agree = 0, disagree = 0, schemaErrors = 0
        // A folder stands for the .json files under it (subfolders included, as in Fixtures/), sorted.
        var paths: [String] = []
        for file in files {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory), isDirectory.boolValue {
                guard let walker = FileManager.default.enumerator(atPath: file) else {
                    throw ValidationError("cannot list the folder \(file)")
                }
                let names = walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".json") }.sorted()
                paths += names.map { file + "/" + $0 }
            } else {
                paths.append(file)
            }
        }
        for file in paths {
            let id = URL(fileURLWithPath: file).lastPathComponent
            let document = try JSONParser.parseFile(atPath: file)
            let tests = document["tests"]?.arrayValue ?? []
            let compiled: CompiledSchema
            do {
                compiled = try CompiledSchema(document["schema"] ?? .null, registry: registry, options: options)
            } catch {
                schemaErrors += 1
                for k in tests.indices {
                    print(record(id, k, tests[k]["valid"]?.boolValue, nil, "\(error)"))
                }
                continue
            }
            for (k, test) in tests.enumerated() {
                let errors = compiled.validate(test["data"] ?? .null)
                let label = test["valid"]?.boolValue
                if label == errors.isEmpty { agree += 1 } else { disagree += 1 }
                print(record(id, k, label, errors.isEmpty, errors.first.map { "\($0)" }))
            }
        }
        FileHandle.standardError.write(Data("\(agree) instances agree with their label, \(disagree) disagree, \(schemaErrors) schemas not loaded\n".utf8))
    }

    private func record(_ id: String, _ k: Int, _ label: Bool?, _ valid: Bool?, _ error: String?) -> String {
        var members: [(String, JSONValue)] = [("id", .string(id)), ("test", JSONValue(integerLiteral: k)),
                                              ("label", label.map { .bool($0) } ?? .null), ("valid", valid.map { .bool($0) } ?? .null)]
        if let error { members.append(("error", .string(error))) }
        return JSONWriter.string(.object(JSONObject(members)))
    }
}
