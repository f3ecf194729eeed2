import XCTest
@testable import Grammar

/// Patterns that blow up backtracking engines or naive compilers: bounded time and memory, or a
/// clear budget error.
final class RegexHostileTests: XCTestCase {
    func testCatastrophicBacktrackingPatternsAreLinear() throws {
        let input = String(repeating: "a", count: 20_000)
        var d1 = try ByteDFA(ecma: "(a|a)*b", mode: .search)
        XCTAssertFalse(try d1.matches(input))
        XCTAssertLessThan(d1.stateCount, 10)
        var d2 = try ByteDFA(ecma: "(x+x+)+y", mode: .search)
        XCTAssertFalse(try d2.matches(String(repeating: "x", count: 20_000)))
        XCTAssertLessThan(d2.stateCount, 10)
        var d3 = try ByteDFA(ecma: "((a*)*)*b", mode: .fullMatch)
        XCTAssertFalse(try d3.matches(input))
        XCTAssertTrue(try d3.matches(input + "b"))
        let n = 40
        var d4 = try ByteDFA(ecma: String(repeating: "a?", count: n) + String(repeating: "a", count: n), mode: .fullMatch)
        XCTAssertTrue(try d4.matches(String(repeating: "a", count: n)))
        XCTAssertTrue(try d4.matches(String(repeating: "a", count: 2 * n)))
        XCTAssertFalse(try d4.matches(String(repeating: "a", count: 2 * n + 1)))
    }

    func testNestedCountedRepetitionHitsStateBudget() throws {
        var dfa = try ByteDFA(ecma: "(?:a{1000}){1000}", mode: .fullMatch, limits: ByteDFA.Limits(maxStates: 5_000))
        XCTAssertThrowsError(try dfa.matches(String(repeating: "a", count: 10_000))) { error in
            XCTAssertEqual((error as? RegexError)?.kind, .budget)
            XCTAssertTrue("\(error)".contains("5000 states"), "\(error)")
        }
        XCTAssertLessThanOrEqual(dfa.stateCount, 5_001)
        // Within budget the same construct is exact.
        var small = try ByteDFA(ecma: "(?:a{30}){30}", mode: .fullMatch)
        XCTAssertTrue(try small.matches(String(repeating: "a", count: 900)))
        XCTAssertFalse(try small.matches(String(repeating: "a", count: 899)))
    }

    func testExpressionBudget() {
        var ir = RegexIR(limits: RegexIR.Limits(maxExpressions: 500))
        XCTAssertThrowsError(try ir.add(ecma: (0..<300).map { "w\($0)" }.joined(separator: "|"), mode: .search)) { error in
            XCTAssertEqual((error as? RegexError)?.kind, .budget)
        }
    }

    func testHundredThousandAlternatives() throws {
        let pattern = (0..<100_000).map { "w\($0)" }.joined(separator: "|")
        var dfa = try ByteDFA(ecma: pattern, mode: .fullMatch)
        XCTAssertTrue(try dfa.matches("w77777"))
        XCTAssertTrue(try dfa.matches("w0"))
        XCTAssertFalse(try dfa.matches("w100000"))
        XCTAssertFalse(try dfa.matches("w"))
    }

    func testLongLiteralAndLongInput() throws {
        let lit = String(repeating: "abc", count: 40_000)
        var dfa = try ByteDFA(ecma: lit, mode: .fullMatch)
        XCTAssertTrue(try dfa.matches(lit))
        XCTAssertFalse(try dfa.matches(lit + "a"))
        var s = try ByteDFA(ecma: "\\p{L}{1,1000}", mode: .fullMatch)
        XCTAssertTrue(try s.matches(String(repeating: "ж", count: 1000)))
        XCTAssertFalse(try s.matches(String(repeating: "ж", count: 1001)))
    }

    func testDeepButAllowedNesting() throws {
        let depth = 400
        let p = String(repeating: "(?:a", count: depth) + String(repeating: ")?", count: depth)
        var dfa = try ByteDFA(ecma: p, mode: .fullMatch)
        XCTAssertTrue(try dfa.matches(String(repeating: "a", count: depth)))
        XCTAssertFalse(try dfa.matches(String(repeating: "a", count: depth + 1)))
    }
}

/// Random soups of regex syntax: every pattern either compiles or fails with a `RegexError`, never
/// crashes; compiled ones agree with PCRE2 (via `pcre2Equivalent`) on a few texts, and every
/// string the DFA generates is accepted by it. Seeded (seed printed on failure); release-mode runs
/// of the same generator over 200,000 patterns found no crash or disagreement.
final class RegexSyntaxSoupTests: XCTestCase {
    func testSyntaxSoup() throws {
        let atoms = ["(", ")", "[", "]", "{", "}", "?", "*", "+", "|", "^", "$", ".", "\\", "-", ",", "0", "1", "2",
                     "a", "b", "é", "😀", "\\u", "\\x", "\\p{", "L}", "(?", "=", "!", "<", ">", ":", "\\b", "\\B",
                     "\\d", "\\s", "\\w", "\\c", "\\k", "{2,", "\\uD83D", "\\uDE00", "u{", "1F600}", " ", "\n"]
        let texts = ["", "a", "ab1", "é😀", "a\nb", "(a)", "b a", "{2,}"]
        let seed: UInt64 = 31
        var rng = SplitMix64(seed: seed)
        var compiled = 0
        for i in 0..<1500 {
            var p = ""
            for _ in 0..<(1 + Int(rng.next() % 10)) { p += atoms[Int(rng.next() % UInt64(atoms.count))] }
            guard var dfa = try? ByteDFA(ecma: p, mode: .search, limits: .init(maxStates: 2_000)) else { continue }
            compiled += 1
            let reference = try PCRE2Regex(XCTUnwrap(pcre2Equivalent(ofECMA: p), "seed \(seed): \(p)"))
            for t in texts {
                XCTAssertEqual(try dfa.matches(t), reference.search(t), "seed \(seed): \(p.debugDescription) on \(t.debugDescription)")
            }
            if let bytes = try dfa.randomAcceptedBytes(seed: UInt64(i), maxLength: 6) {
                XCTAssertTrue(try dfa.matches(bytes), "seed \(seed): \(p.debugDescription) generated \(bytes)")
            }
        }
        XCTAssertGreaterThan(compiled, 300)
    }
}
