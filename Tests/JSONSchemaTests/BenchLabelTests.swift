import Foundation
import XCTest

@testable import JSONSchema

/// The validator (formats asserted, as the MaskBench labels assume) against the labels of
/// ../shared/jsonschemabench on a deterministic sample, every 5th file, to stay fast in debug
/// builds. The full run, with Python jsonschema beside it, is scripts/crosscheck-validator.py
/// (docs/json-schema.md: 29,731 of 29,731 agree).
final class BenchLabelTests: XCTestCase {
    func testSampleAgreesWithLabels() throws {
        guard let folder = SharedData.folder("jsonschemabench") else { return }
        let files = SharedData.files(in: folder)
        XCTAssertEqual(files.count, 9097)
        var instances = 0, disagreements: [String] = []
        let options = ValidatorOptions(assertFormats: true)
        for url in stride(from: 0, to: files.count, by: 5).map({ files[$0] }) {
            let document = try JSONParser.parse(try Data(contentsOf: url))
            let schema: CompiledSchema
            do { schema = try CompiledSchema(document["schema"] ?? .null, options: options) } catch {
                disagreements.append("\(url.lastPathComponent): schema error \(error)")
                continue
            }
            for (k, test) in (document["tests"]?.arrayValue ?? []).enumerated() {
                guard let label = test["valid"]?.boolValue, let data = test["data"] else { continue }
                instances += 1
                let quick = schema.isValid(data), errors = schema.validate(data)
                if quick != label || errors.isEmpty != label {
                    disagreements.append("\(url.lastPathComponent) test \(k): label \(label), isValid \(quick), errors \(errors.prefix(2))")
                }
            }
        }
        print("jsonschemabench sample: \(instances) instances, \(disagreements.count) disagreements with the labels")
        for d in disagreements.prefix(20) { print("  \(d)") }
        XCTAssertGreaterThan(instances, 5500)
        XCTAssertEqual(disagreements.count, 0)
    }
}
