import Foundation
import XCTest

@testable import Grammar

final class GBNFTests: XCTestCase {
    /// Every llama.cpp example grammar in ../shared/grammars/gbnf loads, with every rule used.
    func testSharedGrammarsLoad() throws {
        let files = SharedData.files("grammars/gbnf", suffix: ".gbnf")
        XCTAssertGreaterThanOrEqual(files.count, 8)
        for url in files {
            let text = try String(contentsOf: url, encoding: .utf8)
            do {
                let g = try GBNF.parse(text)
                XCTAssertEqual(g[g.start].name, "root", url.lastPathComponent)
                XCTAssertEqual(g.unusedRuleNames, [], url.lastPathComponent)
            } catch {
                XCTFail("\(url.lastPathComponent): \(error)")
            }
        }
    }

    func testStructure() throws {
        let g = try GBNF.parse(#"""
        root ::= item+ # comment
        item ::= "- " [^\r\n]{1,3} "\n" | ( "x" | "y"? ) [a-c-]*
        """#)
        XCTAssertEqual(g.rules.count, 2)
        let item = try XCTUnwrap(g.rule(named: "item"))
        XCTAssertEqual(g[g.start].body, .repeat(.rule(item), min: 1, max: nil))
        guard case .choice(let alts) = g[item].body, alts.count == 2,
              case .sequence(let first) = alts[0], case .sequence(let second) = alts[1] else {
            return XCTFail("unexpected shape \(g[item].body)")
        }
        XCTAssertEqual(first[0], .literal("- "))
        guard case .repeat(.characterClass(let notNewline), 1, 3) = first[1] else { return XCTFail("\(first[1])") }
        XCTAssertFalse(notNewline.contains(10))
        XCTAssertTrue(notNewline.contains(0x41))
        XCTAssertTrue(notNewline.contains(0x10FFFF))
        XCTAssertEqual(second[0], .choice([.literal("x"), .repeat(.literal("y"), min: 0, max: 1)]))
        // `[a-c-]`: a range and a literal '-'.
        XCTAssertEqual(second[1], .repeat(.characterClass(CharacterClass(ranges: [97...99, 45...45])), min: 0, max: nil))
    }

    func testEscapesAndRuleOrder() throws {
        let g = try GBNF.parse("a ::= \"\\x41\\u00e9\\U0001F600\\t\\\"\"\nroot ::= a [\\]\\\\]\n")
        let a = try XCTUnwrap(g.rule(named: "a"))
        XCTAssertEqual(g[a].body, .literal("Aé😀\t\""))
        XCTAssertEqual(g.start, g.rule(named: "root"))
        XCTAssertEqual(g[g.start].body, .sequence([.rule(a), .characterClass(CharacterClass(ranges: [92...93]))]))
    }

    func testMultiLineRules() throws {
        // Newlines continue a rule after `::=`, after `|`, and inside parentheses only.
        let g = try GBNF.parse("root ::=\n  \"a\" (\n \"b\"\n | \"c\") |\n \"d\"\nx ::= \"e\"")
        XCTAssertEqual(g.rules.count, 2)
        XCTAssertEqual(g.unusedRuleNames, ["x"])
        XCTAssertThrowsError(try GBNF.parse("root ::= \"a\"\n | \"b\"")) { error in
            XCTAssertEqual((error as? GrammarError)?.location, SourceLocation(line: 2, column: 2))
        }
    }

    func testErrorsSayWhereAndWhy() {
        func error(_ text: String) -> GrammarError? {
            do { _ = try GBNF.parse(text); return nil } catch { return error }
        }
        XCTAssertEqual(error("root ::= foo")?.description, "1:10: undefined rule 'foo'")
        XCTAssertEqual(error("x ::= \"a\"")?.description, "no rule named 'root' (the start rule)")
        XCTAssertEqual(error("root ::= \"abc")?.location, SourceLocation(line: 1, column: 10))
        XCTAssertEqual(error("root ::= [abc")?.location, SourceLocation(line: 1, column: 10))
        XCTAssertEqual(error("root ::= (\"a\"")?.message, "expected ')' to close the group opened at 1:10")
        XCTAssertEqual(error("root ::= \"a\"{3,1}")?.message, "repetition {3,1} has its maximum below its minimum")
        XCTAssertEqual(error("root ::= [z-a]")?.message, "character range z-a is reversed")
        XCTAssertEqual(error("root ::= \"\\q\"")?.message, "unknown escape '\\q'")
        XCTAssertEqual(error("root ::= \"\\uD800\"")?.message, "\\u escape U+D800 is not a Unicode scalar value")
        XCTAssertEqual(error("root ::= \"a\"\nroot ::= \"b\"")?.description, "2:1: rule 'root' is defined twice (first at 1:1)")
        XCTAssertEqual(error("root ::= a\na ::= a \"x\"")?.message, "the grammar's language is empty: rule 'root' derives no finite string")
        XCTAssertEqual(error("root = \"a\"")?.message, "expected '::=' after rule name 'root'")
        XCTAssertEqual(error("root ::= \"a\"{99999999}")?.message, "repetition bound over the limit of 100000")
    }

    func testHostileNestingFailsCleanly() {
        let deep = "root ::= " + String(repeating: "(", count: 100_000) + "\"a\"" + String(repeating: ")", count: 100_000)
        XCTAssertThrowsError(try GBNF.parse(deep)) { error in
            XCTAssertEqual((error as? GrammarError)?.message, "parentheses nested deeper than 512")
        }
        // 100k alternatives are fine: flat, no recursion per alternative.
        let wide = "root ::= " + (0..<100_000).map { "\"\($0)\"" }.joined(separator: " | ")
        XCTAssertNoThrow(try GBNF.parse(wide))
    }
}
