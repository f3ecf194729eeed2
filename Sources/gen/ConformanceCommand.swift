import ArgumentParser
import Foundation
import JSONSchema

/// `gen conformance`: the official JSON Schema Test Suite against our validator.
struct ConformanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conformance",
        abstract: "Run the official JSON Schema Test Suite: pass/fail counts per file and per draft."
    )

    @Option(help: "One draft (4, 6, 7, 2019-09, 2020-12); all five when absent.")
    var draft: String?

    @Option(help: "The shared data folder holding json-schema-test-suite (default: $STRUCTGEN_SHARED, else ../shared).")
    var shared: String?

    @Flag(help: "Run the optional format tests of the implemented formats (format asserted) instead.")
    var formats = false

    @Flag(help: "Run the other optional tests (bignum, ECMA regex, cross-draft, …) instead.")
    var optional = false

    @Flag(help: "List every failing test.")
    var verbose = false

    func run() throws {
        let root = shared ?? ProcessInfo.processInfo.environment["STRUCTGEN_SHARED"] ?? "../shared"
        let suite = root + "/json-schema-test-suite"
        guard FileManager.default.fileExists(atPath: suite + "/tests") else {
            throw ValidationError("JSON Schema Test Suite not found at \(suite) (pass --shared or set STRUCTGEN_SHARED)")
        }
        let drafts: [Draft]
        if let draft {
            guard let d = Draft(name: draft) else { throw ValidationError("unknown draft '\(draft)'") }
            drafts = [d]
        } else {
            drafts = Draft.allCases
        }
        let runner = try TestSuiteRunner(suiteRoot: suite)
        var allPassed = true
        for d in drafts {
            let part: TestSuiteRunner.Part = formats ? .formats : (optional ? .optional : .required)
            let folder = formats ? "optional/format/" : (optional ? "optional/" : "")
            let report = try runner.run(d, part: part)
            for f in report.files {
                print("\(d)/\(folder)\(f.file): \(f.passed)/\(f.total)")
                if verbose { for failure in f.failed { print("  FAIL \(failure)") } }
            }
            print("\(d): \(report.passed)/\(report.total) pass (\(formats ? "optional format" : (optional ? "other optional" : "required")) tests)")
            if report.passed != report.total { allPassed = false }
        }
        if !allPassed { throw ExitCode(1) }
    }
}
