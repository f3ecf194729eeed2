import XCTest
@testable import Grammar

/// Patterns embedded in a larger text with an encoding (`RegexIR.add(_:mode:encoding:)`), as a
/// JSON Schema `pattern` inside a JSON string.
final class RegexEmbeddingTests: XCTestCase {
    /// Quotes around the embedded pattern, identity encoding.
    func quoted(_ pattern: String, _ mode: RegexMatchMode,
                encoding: @escaping (inout RegexIR, CodePointSet) -> RegexIR.Expr = { ir, s in ir.chars(s) }) throws -> ByteDFA {
        var ir = RegexIR()
        let body = try ir.add(RegexPattern.parse(pattern), mode: mode, encoding: encoding)
        let root = ir.concat([ir.literal("\""), body, ir.literal("\"")])
        return ByteDFA(ir, root: root)
    }

    func testAnchorsReferToTheEmbeddedText() throws {
        var d = try quoted("^ab$", .search)
        XCTAssertTrue(try d.matches("\"ab\""))
        XCTAssertFalse(try d.matches("\"xab\""))
        XCTAssertFalse(try d.matches("\"abx\""))
        var s = try quoted("b", .search)
        XCTAssertTrue(try s.matches("\"abc\""))
        XCTAssertFalse(try s.matches("\"ac\""))
        var la = try quoted("^(?=.*\\d)[a-z\\d]{3}$", .search)
        XCTAssertTrue(try la.matches("\"ab1\""))
        XCTAssertFalse(try la.matches("\"abc\""))
        var alt = try quoted("^a|b$", .search)
        XCTAssertTrue(try alt.matches("\"ax\""))
        XCTAssertTrue(try alt.matches("\"xb\""))
        XCTAssertFalse(try alt.matches("\"xa\""))
    }

    func testEncodingIsAppliedPerCharacter() throws {
        // A JSON-like encoding: '"' only as \", 'é' raw or as \u00e9.
        let encoding: (inout RegexIR, CodePointSet) -> RegexIR.Expr = { ir, set in
            var parts = [ir.chars(set.subtracting(CodePointSet(ranges: [0x22...0x22, 0x5C...0x5C])))]
            if set.contains(0x22) { parts.append(ir.literal("\\\"")) }
            if set.contains(0x5C) { parts.append(ir.literal("\\\\")) }
            if set.contains(0xE9) { parts.append(ir.literal("\\u00e9")) }
            return ir.or(parts)
        }
        var d = try quoted("^a\"é+$", .search, encoding: encoding)
        XCTAssertTrue(try d.matches("\"a\\\"é\""))
        XCTAssertTrue(try d.matches("\"a\\\"\\u00e9é\""))
        XCTAssertFalse(try d.matches("\"a\"é\""))
        var neg = try quoted("^[^\"]*$", .search, encoding: encoding)
        XCTAssertTrue(try neg.matches("\"abc\\\\\""))
        XCTAssertFalse(try neg.matches("\"ab\\\"c\""))
        var nl = try quoted("^(?!.*\\\\)", .search, encoding: encoding)
        XCTAssertTrue(try nl.matches("\"abc\""))
        XCTAssertFalse(try nl.matches("\"a\\\\c\""))
    }

    func testRefusals() throws {
        for p in ["a*^b", "\\bx", "x\\B", "(?:a?^b)+", "(?:(?=a)|$)+"] {
            XCTAssertThrowsError(try quoted(p, .search), p) { error in
                XCTAssertEqual((error as? RegexError)?.kind, .unsupported, "\(p): \(error)")
            }
        }
        XCTAssertNoThrow(try quoted("(?:^a|b){2}", .fullMatch))
        var plus = try quoted("(?:^a)+", .search)
        XCTAssertTrue(try plus.matches("\"ab\""))
        XCTAssertFalse(try plus.matches("\"ba\""))
    }

    func testUnboundedRunsWithStartAnchorsAndTemperedRuns() throws {
        var anchored = try quoted("^(?:(?:^\\*|[a-z]+)\\.)*[a-z]+$", .search)
        XCTAssertTrue(try anchored.matches("\"*.example.com\""))
        XCTAssertTrue(try anchored.matches("\"www.example.com\""))
        XCTAssertFalse(try anchored.matches("\"a.*.com\""))
        var tempered = try quoted("^((?!mode)(?!Mode).)*$", .search)
        XCTAssertTrue(try tempered.matches("\"a modal\""))
        XCTAssertFalse(try tempered.matches("\"a model\""))
        XCTAssertFalse(try tempered.matches("\"xMode\""))
        XCTAssertTrue(try tempered.matches("\"\""))
        for (p, texts) in [("^(?:(?:^\\*|[a-z]+)\\.)*[a-z]+$", ["*.a", "a.b", "a.*", "*", "*.*.a", ".a"]),
                           ("^((?!ab).)*$", ["", "a", "ab", "ba", "xxab", "aab", "b a"]),
                           ("^([^,]+(,|$)){3,}$", ["a,b,c", "a,b,c,", "a,b", "a,,b", "a,b,c,d", ",a,b"]),
                           ("^(\\/?(\\.{2}|[a-z]*)($|\\/))*$", ["", "/", "a/b", "../a", "a//", "/a.b", "a/.."]),
                           ("(a|$){3}x?", ["", "a", "aa", "aaa", "x", "ax", "aaax", "aaaa"]),
                           ("^(?:a|$)+$", ["", "a", "aa", "b"]), ("(?:b|$){2,}", ["", "b", "ab", "bbb", "a"])] {
            let standalone = try ByteRegex(ecma: p, mode: .search)
            var embedded = try quoted(p, .search)
            for t in texts {
                XCTAssertEqual(try embedded.matches("\"" + t + "\""), try standalone.matches(t), "\(p) on \(t)")
            }
        }
    }

    /// With the identity encoding, the embedded language between quotes is exactly the
    /// standalone language (which the PCRE2 differential test checks), on random patterns.
    func testIdentityEncodingAgreesWithStandalone() throws {
        let seed: UInt64 = 11
        var gen = RegexPCRE2DifferentialTests.Generator(rng: SplitMix64(seed: seed))
        var checked = 0
        for _ in 0..<300 {
            let pattern = gen.pattern()
            if pattern.contains("\\b") || pattern.contains("\\B") { continue }
            for mode in [RegexMatchMode.search, .fullMatch] {
                guard var embedded = try? quoted(pattern, mode),
                      let standalone = try? ByteRegex(ecma: pattern, mode: mode, warmTransitions: 0) else { continue }
                for _ in 0..<20 {
                    let t = gen.text()
                    XCTAssertEqual(try embedded.matches("\"" + t + "\""), try standalone.matches(t),
                                   "seed \(seed): \(pattern.debugDescription) \(mode) on \(t.debugDescription)")
                    checked += 1
                }
            }
        }
        XCTAssertGreaterThan(checked, 5_000)
    }
}
