import Grammar
import XCTest

@testable import JSONSchema

/// The format languages the grammar compiler uses must be subsets of what the validator's format
/// checks accept (a grammar never accepts an invalid instance): random members of each language
/// (fixed seeds) are all accepted by `FormatChecker`, and common real values are members.
final class FormatLanguageSoundnessTests: XCTestCase {
    func testRandomMembersPassTheValidatorsCheck() throws {
        for name in ["uri", "uri-reference", "email", "hostname", "uuid", "ipv4", "date", "date-time", "time", "json-pointer"] {
            let pattern = try XCTUnwrap(JSONStringFormats.pattern(for: name), name)
            var dfa = try ByteDFA(ecma: pattern, mode: .fullMatch)
            var checked = 0
            for seed in 0..<150 {
                for length in [4, 12, 40, 300] {
                    guard let s = try dfa.randomAcceptedString(seed: UInt64(seed * 7919 + length), maxLength: length) else { continue }
                    checked += 1
                    XCTAssertEqual(FormatChecker.check(name, s), true, "\(name): the grammar's language holds '\(s)', which the validator rejects")
                }
            }
            XCTAssertGreaterThan(checked, 50, name)
        }
    }

    func testCommonValuesAreMembers() throws {
        let samples: [(String, [String], [String])] = [
            ("uri", ["https://example.com/a/b?c=d&e#f", "mailto:a@b.c", "urn:isbn:0451450523", "http://u:p@h:8080/", "file:///x"],
             ["//no-scheme", "1http://x", "http://a b", "http://x/%zz"]),
            ("uri-reference", ["/a/b", "a/b:c", "../x?y", "#frag", "", "https://x.org"], [":a", "a:b:c d", "1a:b"]),
            ("email", ["joe.bloggs@example.com", "a+b@x-y.org"], ["a..b@x.com", "@x.com", "a@-x.com", ".a@x.com", "a@ab--cd.com"]),
            ("hostname", ["example.com", "a", "xn-a.b", "a-b.c"], ["-a.com", "a..b", "ab--c.com", String(repeating: "a", count: 64)]),
        ]
        for (name, good, bad) in samples {
            var dfa = try ByteDFA(ecma: try XCTUnwrap(JSONStringFormats.pattern(for: name)), mode: .fullMatch)
            for s in good { XCTAssertTrue(try dfa.matches(s), "\(name) should hold '\(s)'") }
            for s in bad {
                XCTAssertFalse(try dfa.matches(s), "\(name) should not hold '\(s)'")
                if try dfa.matches(s) { XCTAssertEqual(FormatChecker.check(name, s), true) }
            }
        }
    }
}
