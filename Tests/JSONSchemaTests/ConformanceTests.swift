import Foundation
import XCTest

@testable import JSONSchema

/// The official JSON Schema Test Suite (../shared/json-schema-test-suite): every required test of
/// drafts 4, 6, 7, 2019-09 and 2020-12 must pass (both `isValid` and `validate`), and the optional
/// format tests of every format `FormatChecker` implements, with format assertion on.
final class ConformanceTests: XCTestCase {
    private func runner() throws -> TestSuiteRunner? {
        guard let folder = SharedData.folder("json-schema-test-suite") else { return nil }
        return try TestSuiteRunner(suiteRoot: folder.path)
    }

    func testRequiredTestsOfEveryDraft() throws {
        guard let runner = try runner() else { return }
        for draft in Draft.allCases {
            let report = try runner.run(draft)
            print("conformance \(draft): \(report.passed)/\(report.total) required tests pass")
            for failure in report.failures.prefix(40) { print("  FAIL \(failure)") }
            XCTAssertGreaterThan(report.total, 500, "\(draft)")
            XCTAssertEqual(report.passed, report.total, "\(draft): \(report.total - report.passed) required tests fail")
        }
    }

    func testOptionalFormatTests() throws {
        guard let runner = try runner() else { return }
        for draft in Draft.allCases {
            let report = try runner.run(draft, optionalFormats: true)
            print("formats \(draft): \(report.passed)/\(report.total) optional format tests pass (\(report.files.map(\.file).joined(separator: " ")))")
            for failure in report.failures { print("  FAIL \(failure)") }
            XCTAssertGreaterThan(report.total, 200, "\(draft)")
            XCTAssertEqual(report.passed, report.total, "\(draft)")
        }
    }
}
