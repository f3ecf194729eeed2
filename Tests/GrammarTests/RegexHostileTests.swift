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
