import Foundation
import XCTest

/// `gen check` as a user runs it: texts in, one verdict per text out.
final class CheckCommandTests: XCTestCase {
    func testRegexVerdictsPerLine() throws {
        let r = try GenProcess.run(["check", "--regex", #"\d{4}-(0[1-9]|1[0-2])-\d{2}"#],
                                   stdin: "2026-11-25\n2026-13-01\n\nx2026-11-25\n2026-01-0é")
        XCTAssertEqual(r.status, 0, r.stderr)
        // Whole-text match: the unanchored pattern must still cover each line entirely.
        XCTAssertEqual(r.stdout, "accept\nreject\nreject\nreject\nreject\n")
    }

    func testFilesAreWholeTexts() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gen-check-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let two = dir.appendingPathComponent("two-lines.txt"), one = dir.appendingPathComponent("one.txt")
        try "ab\ncd".write(to: two, atomically: true, encoding: .utf8)
        try "abcd".write(to: one, atomically: true, encoding: .utf8)
        let r = try GenProcess.run(["check", "--regex", "[a-d\\n]+", "--file", two.path, "--file", one.path])
        XCTAssertEqual(r.stdout, "accept\naccept\n")
        let r2 = try GenProcess.run(["check", "--regex", "[a-d]+", "--file", two.path, "--file", one.path])
        XCTAssertEqual(r2.stdout, "reject\naccept\n")
        let missing = try GenProcess.run(["check", "--regex", "a", "--file", dir.appendingPathComponent("nope").path])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("cannot read"), missing.stderr)
    }

    func testBadPatternSaysWhereAndWhy() throws {
        let r = try GenProcess.run(["check", "--regex", "ab(c"], stdin: "abc\n")
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stdout, "")
        XCTAssertTrue(r.stderr.contains("byte 4"), r.stderr)
        let backref = try GenProcess.run(["check", "--regex", #"(a)\1"#], stdin: "aa\n")
        XCTAssertEqual(backref.status, 2)
        XCTAssertTrue(backref.stderr.contains("byte 3"), backref.stderr)
    }
}
