import Foundation
import XCTest

@testable import JSONSchema

/// Every fixture under Fixtures/ (our own MaskBench-format files: `{"description", "meta", "schema",
/// "tests": [{"description", "valid", "data"}]}`) run through the validator with formats asserted,
/// as `gen validate --bench` and MaskBench do. Any label mismatch fails the test; the counts per
/// folder are printed. All files, every run (a few hundred small schemas: well under a second).
/// The second judge, Python `jsonschema[format]`, is scripts/check-fixtures.py.
final class FixtureValidatorTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// Sorted .json files under `folder`, at any depth.
    static func fixtureFiles(under folder: URL) -> [URL] {
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else { return [] }
        return walker.compactMap { $0 as? URL }.filter { $0.pathExtension == "json" }
            .sorted { $0.path < $1.path }
    }

    func testEveryLabelAgreesWithTheValidator() throws {
        let files = Self.fixtureFiles(under: Self.root)
        XCTAssertGreaterThanOrEqual(files.count, 150, "fixtures missing under \(Self.root.path)")
        for folder in ["keywords", "llguidance-refusals"] {
            XCTAssertGreaterThan(Self.fixtureFiles(under: Self.root.appendingPathComponent(folder)).count, 40, "Fixtures/\(folder)")
        }
        let options = ValidatorOptions(assertFormats: true)
        var perFolder: [String: (files: Int, valid: Int, invalid: Int)] = [:]
        var mismatches: [String] = []
        for url in files {
            let folder = url.deletingLastPathComponent().lastPathComponent
            let name = "\(folder)/\(url.lastPathComponent)"
            if !url.lastPathComponent.contains("---") { mismatches.append("\(name): name is not <keyword or class>---<case>.json") }
            let document = try JSONParser.parse(try Data(contentsOf: url))
            XCTAssertNotNil(document["description"]?.stringValue, "\(name): no description")
            XCTAssertNotNil(document["meta"], "\(name): no meta")
            let schema: CompiledSchema
            do { schema = try CompiledSchema(document["schema"] ?? .null, options: options) } catch {
                mismatches.append("\(name): schema error \(error)")
                continue
            }
            let tests = document["tests"]?.arrayValue ?? []
            var counts = perFolder[folder] ?? (0, 0, 0)
            counts.files += 1
            var labels: Set<Bool> = []
            for (k, test) in tests.enumerated() {
                guard let label = test["valid"]?.boolValue, let data = test["data"],
                      test["description"]?.stringValue != nil else {
                    mismatches.append("\(name) test \(k): needs description, valid and data")
                    continue
                }
                labels.insert(label)
                if label { counts.valid += 1 } else { counts.invalid += 1 }
                let quick = schema.isValid(data), errors = schema.validate(data)
                if quick != label || errors.isEmpty != label {
                    mismatches.append("\(name) test \(k) (\(test["description"]?.stringValue ?? "")): label \(label), isValid \(quick), errors \(errors.prefix(2))")
                }
            }
            // A fixture tests an edge from both sides.
            if labels != [true, false] { mismatches.append("\(name): needs both valid and invalid instances") }
            perFolder[folder] = counts
        }
        for (folder, c) in perFolder.sorted(by: { $0.key < $1.key }) {
            print("Fixtures/\(folder): \(c.files) files, \(c.valid) valid and \(c.invalid) invalid instances")
        }
        print("fixtures: \(files.count) files, \(mismatches.count) label mismatches")
        for m in mismatches.prefix(40) { print("  \(m)") }
        XCTAssertEqual(mismatches.count, 0)
    }
}
