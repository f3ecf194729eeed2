import XCTest
@testable import Grammar

/// Lexeme automata shared across grammars (`ByteDFA.forLexeme`, `SharedLexemeAutomata`) and the
/// derivative-work budget of automaton searches (`ByteDFA.Limits.maxWork`).
final class SharedLexemeAutomataTests: XCTestCase {
    /// `[0-9]+` ∩ ¬(`0` followed by anything) in `ir`, after whatever `ir` already holds.
    static func noLeadingZero(_ ir: inout RegexIR) -> RegexIR.Expr {
        let digits = ir.repeat(ir.bytes(ByteSet(48...57)), min: 1, max: nil)
        let leadingZero = ir.concat(ir.literal("0"), ir.repeat(ir.bytes(ByteSet(48...57)), min: 1, max: nil))
        return ir.and([digits, ir.not(leadingZero)])
    }

    func testCanonicalFormDoesNotDependOnTheRestOfTheArena() throws {
        var a = RegexIR()
        let ea = Self.noLeadingZero(&a)
        var b = RegexIR()
        _ = try b.add(ecma: "unrelated|[x-z]{3,9}", mode: .fullMatch)
        _ = b.literal("0")
        let eb = Self.noLeadingZero(&b)
        XCTAssertNotEqual(ea, eb, "the handles differ between the arenas")
        XCTAssertEqual(a.canonicalForm(ea), b.canonicalForm(eb))
        XCTAssertNotEqual(a.canonicalForm(ea), a.canonicalForm(a.literal("0")))
        // The materialized copy is the same language.
        let (c, ec) = RegexIR.materialize(b.canonicalForm(eb))
        var original = ByteDFA(a, root: ea)
        var copy = ByteDFA(c, root: ec)
        for text in ["0", "7", "10", "01", "", "123", "0123", "9x"] {
            XCTAssertEqual(try copy.matches(text), try original.matches(text), text)
        }
        XCTAssertTrue(try copy.matches("120"))
        XCTAssertFalse(try copy.matches("012"))
    }

    func testSecondGrammarGetsTheCompleteSharedAutomaton() throws {
        ByteDFA.resetSharedLexemeAutomata(enabled: true)
        defer { ByteDFA.resetSharedLexemeAutomata(enabled: true) }
        let source = #"root ::= "id" [0-9]{1,12} "!""#
        let first = try GrammarCompiler.compile(GBNF.parse(source))
        XCTAssertTrue(first.lexemeIsComplete.allSatisfy { $0 })
        XCTAssertNotNil(first.lexemes[0].dfa.sharedKey)
        let second = try GrammarCompiler.compile(GBNF.parse(source))
        XCTAssertEqual(second.lexemeIsComplete, first.lexemeIsComplete)
        XCTAssertEqual(second.lexemes.map(\.dfa.stateCount), first.lexemes.map(\.dfa.stateCount))
        XCTAssertEqual(second.lexemes[0].dfa.table, first.lexemes[0].dfa.table)
        // Shared: both hold the same state-class memo object (classes computed once per process).
        XCTAssertTrue(second.lexemes[0].dfa.classMemo === first.lexemes[0].dfa.classMemo)
        // Cold (store off) gives the same automaton, built again.
        ByteDFA.resetSharedLexemeAutomata(enabled: false)
        let cold = try GrammarCompiler.compile(GBNF.parse(source))
        XCTAssertEqual(cold.lexemeIsComplete, first.lexemeIsComplete)
        XCTAssertEqual(cold.lexemes[0].dfa.table, first.lexemes[0].dfa.table)
        XCTAssertFalse(cold.lexemes[0].dfa.classMemo === first.lexemes[0].dfa.classMemo)
        var p = try EarleyParser(cold)
        XCTAssertTrue(try p.push(bytes: Array("id0042!".utf8)))
        XCTAssertTrue(p.isAccepting)
        XCTAssertEqual(cold.lexemes[0].dfa.boundedEquivalenceClasses(depth: 3),
                       first.lexemes[0].dfa.boundedEquivalenceClasses(depth: 3))
    }

    func testSharedAutomatonOverTheBudgetIsLazyAgain() throws {
        ByteDFA.resetSharedLexemeAutomata(enabled: true)
        defer { ByteDFA.resetSharedLexemeAutomata(enabled: true) }
        var ir = RegexIR()
        let e = ir.repeat(ir.bytes(ByteSet(97...122)), min: 0, max: 200)
        var built = ByteDFA.forLexeme(ir, root: e)
        XCTAssertTrue(try built.determinizeEagerlyShared(maxTableEntries: 1 << 16))
        var shared = ByteDFA.forLexeme(ir, root: e)
        XCTAssertEqual(shared.stateCount, built.stateCount)
        // Where building it here would not have fitted, the shared one is not used either.
        XCTAssertFalse(try shared.determinizeEagerlyShared(maxTableEntries: built.table.count))
        XCTAssertLessThan(shared.stateCount, built.stateCount)
        XCTAssertTrue(try shared.matches(String(repeating: "q", count: 200)))
        XCTAssertFalse(try shared.matches(String(repeating: "q", count: 201)))
    }

    /// Intersections of complemented search patterns (JSON Schema `allOf`/`not`/`anyOf` of
    /// `pattern`s): every derivative re-normalizes long operand lists, so the work budget, not the
    /// state budget, ends the emptiness check.
    func testWorkBudgetEndsCostlyEmptinessCheck() throws {
        var ir = RegexIR()
        var parts: [RegexIR.Expr] = [try ir.add(ecma: "[aA][12].*[zZ]", mode: .search),
                                     ir.repeat(ir.anyChar, min: 10, max: 40)]
        for p in ["ab1", "b12", "bc1", "c12", "ca1", "a12", "\\d\\d", "1.*2", "a2", "ac"] {
            parts.append(ir.not(try ir.add(ecma: p, mode: .search)))
        }
        let e = ir.and(parts)
        var tight = ByteDFA(ir, root: e, limits: ByteDFA.Limits(maxWork: 20_000))
        XCTAssertThrowsError(try tight.isEmptyLanguage()) { error in
            let e = error as! RegexError
            XCTAssertTrue(ByteDFA.isWorkBudgetError(e), "\(e)")
            XCTAssertTrue("\(e)".contains("20000 derivative steps"), "\(e)")
        }
        XCTAssertLessThan(tight.work, 200_000, "stops soon after the budget")
        // The same automaton with room decides it (a1zzzzzzzz is in the language).
        var roomy = ByteDFA(ir, root: e)
        XCTAssertFalse(try roomy.isEmptyLanguage())
        XCTAssertTrue(try roomy.matches("a1zzzzzzzz"))
        XCTAssertFalse(try roomy.matches("a12zzzzzzz"))
        // Single steps are not budgeted: the tight automaton still answers membership.
        XCTAssertTrue(try tight.matches("a1zzzzzzzz"))
    }
}
