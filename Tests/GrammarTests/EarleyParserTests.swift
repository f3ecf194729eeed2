import XCTest
@testable import Grammar

/// Acceptance of the byte-level Earley parser on grammars that stress its corners: ambiguity, left
/// recursion, nullable rules, non-greedy lexemes, ignored terminals, rollback.
final class EarleyParserTests: XCTestCase {
    func parser(_ gbnf: String) throws -> EarleyParser {
        try EarleyParser(GrammarCompiler.compile(GBNF.parse(gbnf)))
    }

    func accepts(_ p: EarleyParser, _ s: String) throws -> Bool {
        var q = p
        return try q.push(bytes: Array(s.utf8)) && q.isAccepting
    }

    func testBalancedParentheses() throws {
        let p = try parser(#"root ::= "(" root ")" root | """#)
        for s in ["", "()", "(())()", "((()))"] { XCTAssertTrue(try accepts(p, s), s) }
        for s in ["(", ")", "(()", "())("] { XCTAssertFalse(try accepts(p, s), s) }
        var q = p
        XCTAssertTrue(try q.push(bytes: Array("((".utf8)))
        XCTAssertFalse(try q.push(UInt8(ascii: "x")))
        XCTAssertEqual(q.byteCount, 2)
    }

    func testLeftRecursionAndAmbiguity() throws {
        let p = try parser(#"""
        root ::= e
        e ::= e "+" e | e "*" e | [0-9]+ | "(" e ")"
        """#)
        for s in ["1", "1+2*3", "(1+2)*3+45", "((1))"] { XCTAssertTrue(try accepts(p, s), s) }
        for s in ["", "+", "1+", "(1", "1)"] { XCTAssertFalse(try accepts(p, s), s) }
    }

    func testNullableChains() throws {
        let p = try parser(#"""
        root ::= a b c "x"
        a ::= b b | ""
        b ::= c | "y"?
        c ::= ""
        """#)
        for s in ["x", "yx", "yyx", "yyyx"] { XCTAssertTrue(try accepts(p, s), s) }
        XCTAssertFalse(try accepts(p, "yyyyx"))
    }

    /// Non-greedy lexing: `A A` with `A: /a+/` accepts "aa" (a greedy lexer would not).
    func testEverySplitCounts() throws {
        let g = try GrammarCompiler.compile(Lark.parse("""
        start: A A
        A: /a+/
        """))
        var p = try EarleyParser(g)
        XCTAssertTrue(try p.push(UInt8(ascii: "a")))
        XCTAssertFalse(p.isAccepting)
        XCTAssertTrue(try p.push(UInt8(ascii: "a")))
        XCTAssertTrue(p.isAccepting)
    }

    func testIgnoredTerminals() throws {
        let g = try GrammarCompiler.compile(Lark.parse("""
        start: "[" (NUMBER ("," NUMBER)*)? "]"
        NUMBER: /[0-9]+/
        %ignore " "
        """))
        let p = try EarleyParser(g)
        for s in ["[]", " [ 1 , 2 ] ", "[1,22,333]", "[ ]"] { XCTAssertTrue(try accepts(p, s), s) }
        for s in ["[1 2]", "[,]", "[1,]", "[1"] { XCTAssertFalse(try accepts(p, s), s) }
    }

    func testBoundedRepetition() throws {
        let p = try parser(#"root ::= ("ab" | "c"){2,3}"#)
        for s in ["abc", "cc", "ababab", "cabc"] { XCTAssertTrue(try accepts(p, s), s) }
        for s in ["c", "ab", "cccc", "abababab"] { XCTAssertFalse(try accepts(p, s), s) }
    }

    func testRollbackRestoresState() throws {
        var p = try parser(#"root ::= "a" "b"* "c""#)
        XCTAssertTrue(try p.push(bytes: Array("abbb".utf8)))
        p.pop(2)
        XCTAssertEqual(p.byteCount, 2)
        XCTAssertTrue(try p.push(UInt8(ascii: "c")))
        XCTAssertTrue(p.isAccepting)
        p.pop(3)
        XCTAssertFalse(try p.push(UInt8(ascii: "b")))
        XCTAssertTrue(try p.push(UInt8(ascii: "a")))
    }

    func testItemBudgetIsAnError() throws {
        let g = try GrammarCompiler.compile(GBNF.parse(#"root ::= root root | "a""#))
        var p = try EarleyParser(g, limits: .init(maxItemsPerRow: 30, maxLexemesPerRow: 30))
        XCTAssertThrowsError(try p.push(bytes: Array(String(repeating: "a", count: 40).utf8))) { e in
            XCTAssertTrue("\(e)".contains("items") || "\(e)".contains("lexemes"), "\(e)")
        }
    }
}
