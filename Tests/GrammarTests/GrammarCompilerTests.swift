import XCTest
@testable import Grammar

final class GrammarCompilerTests: XCTestCase {
    func testRegularSubExpressionsBecomeOneLexeme() throws {
        let g = try GrammarCompiler.compile(GBNF.parse(#"root ::= "\"" [^"\\]* "\"""#))
        XCTAssertEqual(g.lexemes.count, 1)
    }

    func testEmptyLanguageIsAnError() {
        XCTAssertThrowsError(try GrammarCompiler.compile(GBNF.parse(#"root ::= "a" root"#)))
    }

    func testRepetitionBudget() {
        XCTAssertThrowsError(try GrammarCompiler.compile(GBNF.parse(#"root ::= ("a" root){2000000}"#),
                                                         limits: .init(maxSymbols: 1000))) { e in
            XCTAssertTrue("\(e)".contains("repetition") || "\(e)".contains("symbols"), "\(e)")
        }
    }

    func testPythonRegexTranslation() throws {
        XCTAssertEqual(try PythonRegexTranslation.toECMA("(?P<x>a)+", flags: []), "(?<x>a)+")
        XCTAssertEqual(try PythonRegexTranslation.toECMA(".", flags: ["s"]), "[\\s\\S]")
        XCTAssertThrowsError(try PythonRegexTranslation.toECMA("a$", flags: []))
        XCTAssertThrowsError(try PythonRegexTranslation.toECMA("\\w", flags: []))
        XCTAssertThrowsError(try PythonRegexTranslation.toECMA("a", flags: ["x"]))
        XCTAssertThrowsError(try PythonRegexTranslation.toECMA("(?P=x)", flags: []))
    }

    func testCaseInsensitiveLiteral() throws {
        var p = try EarleyParser(GrammarCompiler.compile(Lark.parse("start: \"select\"i")))
        XCTAssertTrue(try p.push(bytes: Array("SeLeCt".utf8)))
        XCTAssertTrue(p.isAccepting)
    }

    func testLarkRegexErrorsNameTheTerminal() {
        XCTAssertThrowsError(try GrammarCompiler.compile(Lark.parse("start: W\nW: /\\w+/"))) { e in
            XCTAssertNotNil((e as? GrammarError)?.location, "\(e)")
        }
    }
}
