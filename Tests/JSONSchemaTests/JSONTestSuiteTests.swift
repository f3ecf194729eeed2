import Foundation
import XCTest

@testable import JSONSchema

/// Every file of nst/JSONTestSuite's `test_parsing` (../shared/json-test-suite): `y_` must parse,
/// `n_` must fail, `i_` may do either; none may crash or hang. All 318 files, every run.
final class JSONTestSuiteTests: XCTestCase {
    func testEveryParsingFile() throws {
        guard let folder = SharedData.folder("json-test-suite/test_parsing") else { return }
        let files = SharedData.files(in: folder)
        XCTAssertGreaterThan(files.count, 300)
        var counts: [String: (pass: Int, total: Int)] = [:]
        var implementationDefined: [String] = []
        for url in files {
            let name = url.lastPathComponent
            let data = try Data(contentsOf: url)
            let start = Date()
            let accepted: Bool
            do {
                let value = try JSONParser.parse(data)
                accepted = true
                // Whatever parses must survive a round trip.
                XCTAssertEqual(try JSONParser.parse(JSONWriter.string(value)), value, name)
            } catch {
                accepted = false
                XCTAssertGreaterThanOrEqual(error.line, 1, name)
            }
            XCTAssertLessThan(Date().timeIntervalSince(start), 1, "\(name) took too long")
            let kind = String(name.prefix(1))
            var c = counts[kind] ?? (0, 0)
            c.total += 1
            switch kind {
            case "y":
                XCTAssertTrue(accepted, "\(name) must be accepted")
                if accepted { c.pass += 1 }
            case "n":
                XCTAssertFalse(accepted, "\(name) must be rejected")
                if !accepted { c.pass += 1 }
            default:
                c.pass += accepted ? 1 : 0
                implementationDefined.append("\(name): \(accepted ? "accepted" : "rejected")")
            }
            counts[kind] = c
        }
        print("JSONTestSuite: y_ accepted \(counts["y"]?.pass ?? 0)/\(counts["y"]?.total ?? 0), "
            + "n_ rejected \(counts["n"]?.pass ?? 0)/\(counts["n"]?.total ?? 0), "
            + "i_ accepted \(counts["i"]?.pass ?? 0)/\(counts["i"]?.total ?? 0)")
        print(implementationDefined.joined(separator: "\n"))
    }
}
