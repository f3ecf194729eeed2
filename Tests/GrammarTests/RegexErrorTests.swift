import XCTest
@testable import Grammar

/// Malformed and unsupported patterns: each gives a `RegexError` of the right kind, at the right
/// byte offset.
final class RegexErrorTests: XCTestCase {
    func expect(_ pattern: String, _ kind: RegexError.Kind, at offset: Int?, containing text: String? = nil,
                file: StaticString = #filePath, line: UInt = #line) {
        do {
            var ir = RegexIR()
            _ = try ir.add(ecma: pattern, mode: .search)
            XCTFail("\(pattern.debugDescription) compiled", file: file, line: line)
        } catch {
            XCTAssertEqual(error.kind, kind, "\(pattern.debugDescription): \(error)", file: file, line: line)
            XCTAssertEqual(error.offset, offset, "\(pattern.debugDescription): \(error)", file: file, line: line)
            if let text {
                XCTAssertTrue(error.reason.contains(text), "\(pattern.debugDescription): \(error)", file: file, line: line)
            }
        }
    }

    func testSyntaxErrors() {
        expect("ab(c", .syntax, at: 4, containing: "missing ')'")
        expect("é(", .syntax, at: 3, containing: "opened at byte 2")
        expect("a)b", .syntax, at: 1, containing: "unmatched ')'")
        expect("*a", .syntax, at: 0, containing: "nothing to repeat")
        expect("a**", .syntax, at: 2, containing: "nothing to repeat")
        expect("a{2}{3}", .syntax, at: 4, containing: "nothing to repeat")
        expect("x|+", .syntax, at: 2)
        expect("^*", .syntax, at: 1, containing: "assertion")
        expect("(?=a)*", .syntax, at: 5)
        expect("[b-a]", .syntax, at: 1, containing: "out of order")
        expect("ab[cd", .syntax, at: 2, containing: "missing ']'")
        expect("a{3,2}", .syntax, at: 1, containing: "out of order")
        expect("a{100001}", .syntax, at: 1, containing: "larger than")
        expect("\\", .syntax, at: 0, containing: "end of pattern")
        expect("ab\\q", .syntax, at: 2, containing: "unknown escape")
        expect("\\A", .syntax, at: 0, containing: "unknown escape")
        expect("\\xZZ", .syntax, at: 0, containing: "hex")
        expect("\\u12", .syntax, at: 0)
        expect("\\u{110000}", .syntax, at: 0, containing: "10FFFF")
        expect("\\c1", .syntax, at: 0)
        expect("\\01", .syntax, at: 0, containing: "octal")
        expect("(?i)a", .syntax, at: 0, containing: "invalid group")
        expect("(?<>a)", .syntax, at: 0)
        expect("(?<n>a)(?<n>b)", .syntax, at: 10, containing: "duplicate group name")
        expect("a\\p{Foo}", .syntax, at: 1, containing: "Foo")
        expect("\\p{sc=Klingon}", .syntax, at: 0, containing: "Klingon")
        expect("\\p{L", .syntax, at: 0)
        expect("\\pL", .syntax, at: 0)
        expect("[\\1]", .syntax, at: 1)
    }

    func testUnsupportedFeatures() {
        expect("(a)\\1", .unsupported, at: 3, containing: "backreference")
        expect("(?<n>a)\\k<n>", .unsupported, at: 7, containing: "backreference")
        expect("(?<=a)b", .unsupported, at: 0, containing: "lookbehind")
        expect("x(?<!a)b", .unsupported, at: 1, containing: "lookbehind")
        expect("ab(?:(?=a)b)*", .unsupported, at: 5, containing: "unbounded quantifier")
        expect("(?:x(?!y))+", .unsupported, at: 4, containing: "unbounded quantifier")
    }

    func testNestingLimit() {
        let deep = String(repeating: "(", count: 10_000) + "a" + String(repeating: ")", count: 10_000)
        expect(deep, .budget, at: 500, containing: "nested deeper")
        let deepClass = String(repeating: "(?:", count: 10_000) + "[a]" + String(repeating: ")", count: 10_000)
        expect(deepClass, .budget, at: 1500, containing: "nested deeper")
    }

    func testErrorDescriptionNamesOffset() {
        XCTAssertThrowsError(try RegexPattern.parse("ab(c")) { error in
            XCTAssertEqual("\(error)", "regex error at byte 4: missing ')' to close the group opened at byte 2")
        }
    }
}
