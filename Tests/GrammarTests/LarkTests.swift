import Foundation
import XCTest

@testable import Grammar

final class LarkTests: XCTestCase {
    private func sharedLoader(_ module: String) -> String? {
        let url = SharedData.root.appendingPathComponent("grammars/lark/\(module).lark")
        return try? String(contentsOf: url, encoding: .utf8)
    }

    private func error(_ text: String, start: String = "start") -> GrammarError? {
        do { _ = try Lark.parse(text, start: start); return nil } catch { return error }
    }

    /// Lark's own grammar of Lark loads; python.lark is refused, clearly, for its indenter terminals.
    func testSharedGrammars() throws {
        let files = SharedData.files("grammars/lark", suffix: ".lark")
        XCTAssertEqual(files.map(\.lastPathComponent), ["common.lark", "lark.lark", "python.lark", "unicode.lark"])
        let lark = try String(contentsOf: files[1], encoding: .utf8)
        let g = try Lark.parse(lark, loader: sharedLoader)
        XCTAssertNotNil(g.rule(named: "expansions"))
        XCTAssertEqual(g.ignored.count, 2)
        XCTAssertEqual(g.unusedRuleNames, [])

        let python = try String(contentsOf: files[2], encoding: .utf8)
        for start in ["file_input", "single_input"] {
            XCTAssertThrowsError(try Lark.parse(python, start: start, loader: sharedLoader)) { error in
                let message = (error as? GrammarError)?.message ?? ""
                XCTAssertTrue(message.contains("_INDENT") || message.contains("_DEDENT"), message)
                XCTAssertTrue(message.contains("post-lexer"), message)
            }
        }
        // Without a start rule named: where and why, and which rules could start.
        XCTAssertThrowsError(try Lark.parse(python, loader: sharedLoader)) { error in
            let e = error as? GrammarError
            XCTAssertNotNil(e?.location)
            XCTAssertTrue(e?.message.contains("file_input (at ") ?? false, e?.message ?? "")
        }
        // eval_input never reaches an indented block: it loads, templates and all.
        let eval = try Lark.parse(python, start: "eval_input", loader: sharedLoader)
        XCTAssertTrue(eval.rules.contains { $0.name.hasPrefix("comprehension{") })

        // The two terminal-only modules are importable, by name, from another grammar.
        let g2 = try Lark.parse("start: WS_INLINE? NUMBER\n%import unicode.WS_INLINE\n%import common.NUMBER", loader: sharedLoader)
        XCTAssertEqual(g2.terminals.map(\.name).sorted(), ["NUMBER", "WS_INLINE"])
    }

    func testStructure() throws {
        let g = try Lark.parse(#"""
        // a comment
        ?start: item ("," item)*   -> items
              | "[" [item] "]"i
        _item: NAME | NUMBER~2..3 | "a".."f"+
        NAME.2: /[a-z_]\w*/i
        NUMBER: DIGIT+
        DIGIT: "0".."9"
        %ignore " "
        """#.replacingOccurrences(of: "_item", with: "item"))
        XCTAssertEqual(g[g.start].name, "start")
        let item = try XCTUnwrap(g.rule(named: "item"))
        let name = try XCTUnwrap(g.terminals.firstIndex { $0.name == "NAME" })
        let number = try XCTUnwrap(g.terminals.firstIndex { $0.name == "NUMBER" })
        XCTAssertEqual(g.terminals[name].priority, 2)
        XCTAssertEqual(g.terminals[name].body, .regex(#"[a-z_]\w*"#, dialect: RegexDialect(.python, flags: ["i"])))
        XCTAssertEqual(g[item].body, .choice([
            .terminal(TerminalID(Int32(name))),
            .repeat(.terminal(TerminalID(Int32(number))), min: 2, max: 3),
            .repeat(.characterClass(CharacterClass(ranges: [97...102])), min: 1, max: nil),
        ]))
        XCTAssertEqual(g[g.start].body, .choice([
            .sequence([.rule(item), .repeat(.sequence([.literal(","), .rule(item)]), min: 0, max: nil)]),
            .sequence([.literal("["), .repeat(.rule(item), min: 0, max: 1), .literal("]", caseInsensitive: true)]),
        ]))
        XCTAssertEqual(g.ignored.count, 1)
        XCTAssertEqual(g[g.ignored[0]].body, .literal(" "))
    }

    func testImportsAndAliases() throws {
        let g = try Lark.parse("start: WORD \":\" VALUE\n%import common.ESCAPED_STRING -> VALUE\n%import common (WORD, WS)\n%ignore WS")
        XCTAssertEqual(Set(g.terminals.map(\.name)), ["VALUE", "WORD", "WS"])
        let module = "greeting: \"hi\" NAME\nNAME: /[a-z]+/\n"
        let g2 = try Lark.parse("start: greeting+\n%import lib.greeting", loader: { $0 == "lib" ? module : nil })
        let greeting = try XCTUnwrap(g2.rule(named: "greeting"))
        XCTAssertEqual(g2[greeting].body, .sequence([.literal("hi"), .terminal(TerminalID(0))]))
        XCTAssertEqual(g2.terminals[0].name, "lib.NAME")
    }

    func testErrorsSayWhereAndWhy() {
        XCTAssertEqual(error("start: foo")?.description, "1:8: undefined name 'foo'")
        XCTAssertEqual(error("a: \"x\"\nb: a")?.description,
                       "2:1: no rule named 'start' (the start rule); rules no other rule uses: b (at 2:1) — start from one of them")
        XCTAssertEqual(error("start: \"a\"\nstart: \"b\"")?.description, "2:1: 'start' is defined twice (first at 1:1)")
        XCTAssertEqual(error("start: A\nA: a\na: \"x\"")?.description, "2:4: terminal definitions cannot use rule 'a'")
        XCTAssertEqual(error("start: A\nA: \"x\" A")?.message, "terminal A refers to itself: terminals must be regular; make it a rule")
        XCTAssertEqual(error("start: \"abc")?.description, "1:8: unterminated string")
        XCTAssertEqual(error("start: /ab")?.description, "1:8: unterminated regular expression")
        XCTAssertEqual(error("start: (\"a\"")?.message, "expected ')' to close the group opened at 1:8, found end of grammar")
        XCTAssertEqual(error("start: \"a\"~3..1")?.message, "repetition ~3..1 has its maximum below its minimum")
        XCTAssertEqual(error("start: \"ab\"..\"z\"")?.message, "a range \"a\"..\"z\" needs one character on each side")
        XCTAssertEqual(error("start: a\na: a \"x\"")?.message, "the grammar's language is empty: rule 'start' derives no finite string")
        XCTAssertEqual(error("start: X\n%import common.NOPE -> X")?.description, "2:1: common has no terminal NOPE")
        XCTAssertEqual(error("start: x\n%import lib.x")?.description, "2:1: cannot import from module 'lib': no such grammar")
        XCTAssertEqual(error("start: %foo")?.description, "1:8: unknown directive '%foo'")
        XCTAssertEqual(error("start: t{\"a\"}\nt{x, y}: x y")?.message, "template 't' takes 2 arguments, given 1")
        XCTAssertEqual(error("start: t{\"a\"}\nt{x}: x t{(x x)}")?.message,
                       "template 't' expands without end (or into over 10000 instances)")
    }

    func testHostileInputFailsCleanly() {
        let deep = "start: " + String(repeating: "(", count: 50_000) + "\"a\"" + String(repeating: ")", count: 50_000)
        XCTAssertEqual(error(deep)?.message, "expressions nested deeper than 512")
        let wide = "start: " + (0..<50_000).map { "\"\($0)\"" }.joined(separator: " | ")
        XCTAssertNil(error(wide))
    }
}
