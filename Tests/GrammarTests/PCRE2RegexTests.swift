import XCTest
@testable import Grammar

final class PCRE2RegexTests: XCTestCase {
    func testSearchAndFullMatch() throws {
        let r = try PCRE2Regex("[0-9]+")
        XCTAssertTrue(r.search("ab12"))
        XCTAssertFalse(r.fullMatch("ab12"))
        XCTAssertTrue(r.fullMatch("12"))
        XCTAssertFalse(r.search(""))
    }

    func testDollarIsEndOnly() throws {
        // ECMA: `$` does not match before a trailing newline.
        XCTAssertFalse(try PCRE2Regex("^a$").search("a\n"))
    }

    func testCompileErrorHasOffset() {
        XCTAssertThrowsError(try PCRE2Regex("ab(c")) { error in
            XCTAssertEqual((error as? PCRE2Regex.CompileError)?.offset, 4)
        }
    }
}
