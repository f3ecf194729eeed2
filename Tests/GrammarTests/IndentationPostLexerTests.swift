import Foundation
import XCTest
@testable import Grammar
import Decoder

/// The indentation post-lexer (`IndentationPostLexer`, `Lark.compile(…, postLexer: .python)`):
/// verdicts equal Python `lark`'s with `postlex=PythonIndenter()` (LALR), refusals say why, and
/// masks equal brute force on python.lark.
final class IndentationPostLexerTests: XCTestCase {
    /// A small indentation grammar in python.lark's style (its newline, ignores and declares).
    static let mini = #"""
        start: (_NEWLINE | stmt)*
        ?stmt: simple_stmt | compound_stmt
        simple_stmt: expr _NEWLINE
        compound_stmt: "if" expr ":" suite
        suite: simple_stmt | _NEWLINE _INDENT stmt+ _DEDENT
        expr: NAME | "(" expr ("," expr)* ")" | "[" [expr ("," expr)*] "]"
        NAME: /[a-z]+/
        COMMENT: /#[^\n]*/
        _NEWLINE: ( /\r?\n[\t ]*/ | COMMENT )+
        %ignore /[\t \f]+/
        %ignore /\\[\t \f]*\r?\n/
        %ignore COMMENT
        %declare _INDENT _DEDENT
        """#

    /// python.lark with the four terminals our Python-`re` translation refuses spelt exactly in
    /// ASCII (as `scripts/lark-judge.py`'s `python_grammar()` does; see its docstring).
    static func python() throws -> String {
        var src = try String(contentsOf: SharedData.root.appendingPathComponent("grammars/lark/python.lark"), encoding: .utf8)
        let body = #"([^"\\]|\\[^\n]|\\\n|""?([^"\\]|\\[^\n]|\\\n))*"#
        let single = body.replacingOccurrences(of: "\"", with: "'")
        let prefix = "([ubfUBF]?[rR]?|[rR][ubfUBF])"
        let swaps = [
            (#"NAME: /[^\W\d]\w*/"#, #"NAME: /[A-Za-z_][A-Za-z0-9_]*/"#),
            (#"STRING: /([ubf]?r?|r[ubf])("(?!"").*?(?<!\\)(\\\\)*?"|'(?!'').*?(?<!\\)(\\\\)*?')/i"#,
             "STRING: /" + prefix + #"("([^"\\\n]|\\[^\n])*"|'([^'\\\n]|\\[^\n])*')/"#),
            (#"LONG_STRING: /([ubf]?r?|r[ubf])(""".*?(?<!\\)(\\\\)*?"""|'''.*?(?<!\\)(\\\\)*?''')/is"#,
             "LONG_STRING: /" + prefix + "(\"\"\"" + body + "\"\"\"|'''" + single + "''')/"),
            (#""0"             ("_"?  "0"                            )* /(?![1-9])/"#,
             #""0"             ("_"?  "0"                            )*"#),
        ]
        for (a, b) in swaps {
            XCTAssertEqual(src.components(separatedBy: a).count, 2, "python.lark changed: \(a)")
            src = src.replacingOccurrences(of: a, with: b)
        }
        return src
    }

    func compileMini() throws -> CompiledGrammar { try Lark.compile(Self.mini, postLexer: .python) }

    func accepts(_ g: CompiledGrammar, _ text: String) throws -> Bool {
        var p = try EarleyParser(g)
        return try p.push(bytes: Array(text.utf8)) && p.isAccepting
    }

    /// Verdicts of Python lark 1.3.1 (`Lark(mini, parser="lalr", postlex=PythonIndenter())`).
    func testVerdictsEqualLarks() throws {
        let g = try compileMini()
        let cases: [(String, Bool)] = [
            ("x\n", true), ("if x:\n    y\n", true),
            ("if x:\n    y\n  z\n", false),                // dedent to a width not on the stack
            ("if x:\n    y\nz\n", true), ("if x:\n  if y:\n    z\n", true),
            ("if x:\n  if y:\n    z\n w\n", false),         // dedent between two levels
            ("if x:\n    if y:\n        z\n  w\n", false),
            ("x\n  y\n", false),                              // unexpected indent
            ("(a,\n b)\n", true), ("if x:\n    (a,\nb)\n    c\n", true),   // brackets across lines
            ("if x:\n    [a,\n  b]\n", true), ("(a\n)\n", true), ("x\n)\n", false),
            ("# c\nx\n\n\n  # d\ny\n", true),                 // comments and blank lines
            ("x\n  # only a comment\ny\n", true), ("if x:\n    y\n  # c\n    z\n", true),
            ("if x:\n    y\n    ", true),                     // dedents at the end, after spaces
            ("if x:\n    y\n\n    z\n", true), ("if x:\n\n\n    y\n", true), ("if x:\n    y\n\n", true),
            ("if x:\n\ty\n        z\n", true),                // a tab is 8 columns
            ("if x:\n  y\n\tz\n", false),
            ("if x: y\n", true), ("\n\nx\n", true), ("x", false),
            ("if x:\n    y\n\u{0C}\n", true), ("x\n\u{0C}  y\n", true),   // form feed ends a newline token
            ("if x:\n    y \\\n  z\n", false), ("if x:\n    y\n\\\n", true),   // line continuations
            ("if x:\r\n    y\r\n", true),
            ("if x:\n  y\n   z\n", false),
        ]
        for (text, lark) in cases {
            XCTAssertEqual(try accepts(g, text), lark, "\(text.debugDescription): lark \(lark ? "accepts" : "rejects")")
        }
    }

    /// Rollback and fork carry the post-lexer's state: the same verdicts after popping back.
    func testRollbackAndFork() throws {
        let g = try compileMini()
        var p = try EarleyParser(g)
        XCTAssertTrue(try p.push(bytes: Array("if x:\n    y\n".utf8)))
        let q = p
        XCTAssertTrue(try p.push(bytes: Array("  ".utf8)))
        XCTAssertFalse(try p.push(bytes: Array("z".utf8)))       // a width not on the stack
        p.pop(p.byteCount - q.byteCount)
        XCTAssertTrue(p.isAccepting)
        XCTAssertTrue(try p.push(bytes: Array("    z\n".utf8)) && p.isAccepting)
        var r = q
        XCTAssertTrue(try r.push(bytes: Array("z\n".utf8)) && r.isAccepting)
        XCTAssertFalse(try r.push(bytes: Array("  w\n".utf8)) && r.isAccepting)
    }

    func testRefusals() throws {
        // Without the post-lexer: refused, naming it.
        XCTAssertThrowsError(try Lark.compile(Self.mini)) { e in
            XCTAssertTrue("\(e)".contains("postlex"), "\(e)")
        }
        func refusal(_ src: String) -> String {
            do { _ = try Lark.compile(src, postLexer: .python); return "" } catch { return "\(error)" }
        }
        let base = "\n_NEWLINE: /\\n[ ]*/\n%ignore \" \"\n%declare _INDENT _DEDENT\n"
        XCTAssertTrue(refusal("start: \"(\" x\nx: \"a\" \")\" _NEWLINE" + base).contains("brackets"))
        XCTAssertTrue(refusal("start: _NEWLINE _INDENT \"a\" _DEDENT \"b\"" + base).contains("must end with _DEDENT"))
        XCTAssertTrue(refusal("start: _NEWLINE \"a\" _DEDENT" + base).contains("without an _INDENT"))
        XCTAssertTrue(refusal("start: \"a\"\n_NEWLINE: /\\n/\n%ignore \" \"\n%declare _INDENT _DEDENT\n").isEmpty)   // no newline in reach
        XCTAssertTrue(refusal("start: \"a\" _NEWLINE\n_NEWLINE: /\\n/\n%declare _INDENT _DEDENT\n").contains("%ignore"))
    }

    /// python.lark (ASCII terminals) from file_input: real code, and the indenter's errors.
    func testPythonGrammar() throws {
        let g = try Lark.compile(try Self.python(), start: "file_input", postLexer: .python)
        let ok = """
            import os, sys
            from x import (a,
                b)

            @decorator(1,
                       2)
            class C(Base):
                \"\"\"Doc \"string\"
                spanning lines.\"\"\"
                def f(self, x=[1, 2,
                               3]):  # comment
                    if x:
                        return {'a': x,
                                'b': "y\\"z"}
                    elif not x:
                        pass
                    else:
                        for i in range(3):
                            yield i
                    # trailing comment

            x = lambda: (yield)

            """
        XCTAssertTrue(try accepts(g, ok))
        XCTAssertTrue(try accepts(g, ok.replacingOccurrences(of: "        return", with: "       return")))   // a block's first line sets its width
        XCTAssertFalse(try accepts(g, ok.replacingOccurrences(of: "        elif", with: "       elif")))     // dedent to 7: not on the stack
        XCTAssertFalse(try accepts(g, ok.replacingOccurrences(of: "    def f", with: "     def f")))
        XCTAssertTrue(try accepts(g, ok.replacingOccurrences(of: "(a,\n    b)", with: "(a,\nb)")))
        XCTAssertFalse(try accepts(g, "def f():\nreturn 1\n"))
        XCTAssertFalse(try accepts(g, "x = 1 # comment at the end"))
    }

    /// A vocabulary of Python layout: every string of 1–2 bytes over `if x:\n\t ()[]#\\'",`, of 3
    /// bytes over ` \nx(:`, some indentation runs and words, and an end token.
    static func layoutVocabulary() -> Vocabulary {
        let one = Array("if x:\n\t ()[]#\\'\",".utf8), small = Array(" \nx(:".utf8)
        var toks: [[UInt8]] = one.map { [$0] }
        for a in one { for b in one { toks.append([a, b]) } }
        for a in small { for b in small { for c in small { toks.append([a, b, c]) } } }
        for w in ["    ", "        ", "\n    ", "\n        ", "\n\n", "if", "if x:", "pass", "return", "else:", "\"\"\"", "'a'", "\u{0C}"] {
            toks.append(Array(w.utf8))
        }
        let kinds = [Vocabulary.TokenKind](repeating: .normal, count: toks.count) + [.control]
        return Vocabulary(tokens: toks + [[]], kinds: kinds, eosTokenID: toks.count)
    }

    /// Masks equal brute force at random states of python.lark and of the small grammar: many
    /// states on the layout vocabulary, one on SmolLM2 (brute force over 49k tokens is slow in debug).
    func testMasksEqualBruteForceOnPython() throws {
        let python = try Lark.compile(try Self.python(), start: "file_input", postLexer: .python)
        let mini = try compileMini()
        let layout = Self.layoutVocabulary()
        let trie = TokenTrie(layout)
        let walk = Array("if x:\n\t ()[]#\\'\"=,.ab0".utf8)
        let n = try MaskTests.check(python, layout, trie: trie, states: 40, seed: 5, maxWalk: 40, walkBytes: walk, name: "python.lark")
            + MaskTests.check(mini, layout, trie: trie, states: 40, seed: 9, maxWalk: 40,
                              walkBytes: Array("if x:\n\t ()[]#\\\u{0C}".utf8), name: "mini")
        XCTAssertEqual(n, 80)
        guard let vocab = MaskTests.smolVocabulary else { return XCTFail("SmolLM2 missing (set STRUCTGEN_MODEL)") }
        try MaskTests.check(python, vocab, trie: TokenTrie(vocab), states: 1, seed: 5, maxWalk: 25, walkBytes: walk, name: "python.lark/SmolLM2")
    }

    /// Cached and planned masks equal the plain trie walk along a Python text (layout
    /// vocabulary, greedy longest tokens), at every position, then again after a rollback.
    func testMasksAlongPythonText() throws {
        let vocab = Self.layoutVocabulary()
        let g = try Lark.compile(try Self.python(), start: "file_input", postLexer: .python)
        var m = try Matcher(grammar: g, vocabulary: vocab)
        let text = Array("if x:\n    if x:\n        x(x,\n  x)\n    # x\n\n\tx\n    x\nx[\n x]\n".utf8)
        var ids: [Int] = []
        var i = 0
        while i < text.count {
            let best = (0..<vocab.count - 1).filter { t in
                let b = vocab.bytes(of: t)
                return i + b.count <= text.count && Array(text[i..<i + b.count]) == Array(b)
            }.max { vocab.byteCount(of: $0) < vocab.byteCount(of: $1) }!
            ids.append(best)
            i += vocab.byteCount(of: best)
        }
        var a = [UInt32](repeating: 0, count: (vocab.count + 31) / 32)
        var b = a
        for round in 0..<2 {
            for (k, t) in ids.enumerated() {
                try m.fillMask(into: &a)
                try m.fillMaskByTrieWalk(into: &b)
                XCTAssertEqual(a, b, "plan mask ≠ trie walk after \(k) tokens (round \(round))")
                XCTAssertTrue(try m.accept(t), "token \(k) refused")
            }
            XCTAssertTrue(m.isAccepting)
            m.rollback(tokens: m.tokenCount)
        }
        XCTAssertGreaterThan(m.maskCacheHits, ids.count / 2, "the second round should hit the mask cache")
    }
}
