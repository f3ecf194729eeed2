import Grammar
import XCTest

@testable import JSONSchema

/// The format languages the grammar compiler uses must be subsets of what the validator's format
/// checks accept (a grammar never accepts an invalid instance): random members of each language
/// (fixed seeds) are all accepted by `FormatChecker`, and common real values are members.
final class FormatLanguageSoundnessTests: XCTestCase {
    func testRandomMembersPassTheValidatorsCheck() throws {
        for name in ["uri", "uri-reference", "email", "hostname", "uuid", "ipv4", "date", "date-time", "time",
                     "json-pointer", "duration", "ipv6", "uri-template"] {
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

    /// `duration`, `ipv6` and `uri-template` are exact: the language and the validator's check
    /// agree on every string of a fuzz set (mutations of valid values over the format's alphabet
    /// and a few others, fixed seed), in both directions.
    func testExactFormatsAgreeWithTheValidator() throws {
        let cases: [(String, [String], [Character])] = [
            ("duration", ["P1Y2M3DT4H5M6S", "P4W", "PT36H", "P1D", "PT0S"], Array("PTYMWDHS0129.,- ")),
            ("ipv6", ["::1", "1:2:3:4:5:6:7:8", "fe80::1:2", "::ffff:192.168.0.1", "1:2:3:4:5:6:1.2.3.4", "1::"],
             Array("0129afAF:.:%g ")),
            ("uri-template", ["http://x/{a}/{+b,c:3}{?q*}", "{#x.y}", "a%20b{z}", "é/{_}"], Array("{}+#./;?&=,!@|*:0129a_%20 é\"<>")),
        ]
        var rng = SplitMix64(seed: 0x5eed)
        for (name, seeds, alphabet) in cases {
            var dfa = try ByteDFA(ecma: try XCTUnwrap(JSONStringFormats.pattern(for: name)), mode: .fullMatch)
            var inLanguage = 0, outside = 0
            for _ in 0..<3000 {
                var s = Array(seeds[Int(rng.next() % UInt64(seeds.count))])
                for _ in 0..<(1 + Int(rng.next() % 3)) {
                    let i = s.isEmpty ? 0 : Int(rng.next() % UInt64(s.count + 1))
                    let c = alphabet[Int(rng.next() % UInt64(alphabet.count))]
                    switch rng.next() % 3 {
                    case 0: s.insert(c, at: i)
                    case 1: if i < s.count { s.remove(at: i) }
                    default: if i < s.count { s[i] = c }
                    }
                }
                let text = String(s)
                let expected = FormatChecker.check(name, text) ?? false
                XCTAssertEqual(try dfa.matches(text), expected, "\(name): '\(text)'")
                if expected { inLanguage += 1 } else { outside += 1 }
            }
            XCTAssertGreaterThan(inLanguage, 100, name)
            XCTAssertGreaterThan(outside, 100, name)
        }
    }

    func testEveryExpressedFormatParses() {
        XCTAssertEqual(Set(JSONStringFormats.parsed.keys), Set(JSONStringFormats.names))
        for name in JSONStringFormats.names { XCTAssertNotNil(JSONStringFormats.pattern(for: name), name) }
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

