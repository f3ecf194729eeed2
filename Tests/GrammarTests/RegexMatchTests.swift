import XCTest
@testable import Grammar

/// Unit tests of the ECMA-262 regex engine, construct by construct (matching behaviour).
final class RegexMatchTests: XCTestCase {
    func full(_ p: String, _ s: String, file: StaticString = #filePath, line: UInt = #line) -> Bool {
        do { return try ByteRegex(ecma: p, mode: .fullMatch).matches(s) } catch {
            XCTFail("\(p): \(error)", file: file, line: line); return false
        }
    }
    func search(_ p: String, _ s: String, file: StaticString = #filePath, line: UInt = #line) -> Bool {
        do { return try ByteRegex(ecma: p, mode: .search).matches(s) } catch {
            XCTFail("\(p): \(error)", file: file, line: line); return false
        }
    }

    func testLiteralsAndConcat() {
        XCTAssertTrue(full("abc", "abc"))
        XCTAssertFalse(full("abc", "abcd"))
        XCTAssertFalse(full("abc", "ab"))
        XCTAssertTrue(full("", ""))
        XCTAssertFalse(full("", "a"))
        XCTAssertTrue(full("héllo→😀", "héllo→😀"))
    }

    func testDotExcludesLineTerminators() {
        XCTAssertTrue(full(".", "a"))
        XCTAssertTrue(full(".", "😀"))
        XCTAssertTrue(full(".", "é"))
        for t in ["\n", "\r", "\u{2028}", "\u{2029}"] { XCTAssertFalse(full(".", t), t.debugDescription) }
        XCTAssertFalse(full(".", "ab"))
        XCTAssertTrue(full(".", "\u{85}"))
    }

    func testClasses() {
        XCTAssertTrue(full("[a-c]+", "abcba"))
        XCTAssertFalse(full("[a-c]+", "abd"))
        XCTAssertTrue(full("[^a-c]", "d"))
        XCTAssertTrue(full("[^a-c]", "é"))
        XCTAssertFalse(full("[^a-c]", "b"))
        XCTAssertFalse(full("[]", "a"))
        XCTAssertTrue(full("[^]", "\n"))
        XCTAssertTrue(full("[-a]", "-"))
        XCTAssertTrue(full("[a-]", "-"))
        XCTAssertTrue(full("[\\d-z]", "-"))
        XCTAssertTrue(full("[\\d-z]", "z"))
        XCTAssertFalse(full("[\\d-z]", "y"))
        XCTAssertTrue(full("[\\b]", "\u{8}"))
        XCTAssertTrue(full("[à-ÿ]", "é"))
        XCTAssertTrue(full("[😀-😂]", "😁"))
        XCTAssertFalse(full("[😀-😂]", "😃"))
        XCTAssertTrue(full("[\\]]", "]"))
        XCTAssertTrue(full("]", "]"))
    }

    func testClassEscapesECMASemantics() {
        XCTAssertTrue(full("\\d", "7"))
        XCTAssertFalse(full("\\d", "٣"))  // Arabic-Indic digit: not \d in ECMA
        XCTAssertTrue(full("\\D", "٣"))
        XCTAssertTrue(full("\\w", "_"))
        XCTAssertFalse(full("\\w", "é"))
        XCTAssertTrue(full("\\W", "é"))
        for s in [" ", "\t", "\n", "\r", "\u{B}", "\u{C}", "\u{A0}", "\u{FEFF}", "\u{2028}", "\u{2029}", "\u{3000}", "\u{1680}", "\u{2003}"] {
            XCTAssertTrue(full("\\s", s), s.debugDescription)
            XCTAssertFalse(full("\\S", s), s.debugDescription)
        }
        XCTAssertFalse(full("\\s", "\u{85}"))  // NEL is not ECMA white space
        XCTAssertFalse(full("\\s", "\u{200B}"))
    }

    func testEscapes() {
        XCTAssertTrue(full("\\t\\n\\r\\v\\f\\0", "\t\n\r\u{B}\u{C}\u{0}"))
        XCTAssertTrue(full("\\cJ", "\n"))
        XCTAssertTrue(full("\\x41\\u0042\\u{43}\\u{1F600}", "ABC😀"))
        XCTAssertTrue(full("\\uD83D\\uDE00", "😀"))
        XCTAssertFalse(full("\\uD83D", "😀"))
        XCTAssertTrue(full("\\-\\/\\\"\\.\\*\\$\\^\\(\\)\\[\\]\\{\\}\\|\\\\\\+\\?", "-/\".*$^()[]{}|\\+?"))
        XCTAssertTrue(full("a{", "a{"))
        XCTAssertTrue(full("a{,2}", "a{,2}"))
        XCTAssertTrue(full("x}", "x}"))
    }

    func testQuantifiers() {
        XCTAssertTrue(full("a*", ""))
        XCTAssertTrue(full("a*", "aaaa"))
        XCTAssertFalse(full("a+", ""))
        XCTAssertTrue(full("a?b", "b"))
        XCTAssertTrue(full("a{3}", "aaa"))
        XCTAssertFalse(full("a{3}", "aa"))
        XCTAssertFalse(full("a{3}", "aaaa"))
        XCTAssertTrue(full("a{2,}", "aaaaa"))
        XCTAssertFalse(full("a{2,}", "a"))
        XCTAssertTrue(full("a{2,3}", "aaa"))
        XCTAssertFalse(full("a{2,3}", "aaaa"))
        XCTAssertTrue(full("a{0}", ""))
        XCTAssertTrue(full("a*?b+?c??d{1,2}?", "bbd"))
        XCTAssertTrue(full("(ab){2}", "abab"))
        XCTAssertTrue(full("(?:a|bc)+", "abcbca"))
        XCTAssertTrue(full("(?<year>\\d{4})-(?<m>\\d\\d)", "2024-05"))
    }

    func testAlternationAndGroups() {
        XCTAssertTrue(full("cat|dog", "dog"))
        XCTAssertFalse(full("cat|dog", "cow"))
        XCTAssertTrue(full("a(|b)c", "ac"))
        XCTAssertTrue(full("a(|b)c", "abc"))
        XCTAssertTrue(full("|", ""))
    }

    func testAnchorsInSearchMode() {
        XCTAssertTrue(search("abc", "xxabcxx"))
        XCTAssertFalse(search("^abc", "xabc"))
        XCTAssertTrue(search("^abc", "abcx"))
        XCTAssertFalse(search("abc$", "abcx"))
        XCTAssertFalse(search("abc$", "abc\n"))  // ECMA `$` is end of input only
        XCTAssertTrue(search("^a|b$", "ax"))
        XCTAssertTrue(search("^a|b$", "xb"))
        XCTAssertFalse(search("^a|b$", "xa"))
        XCTAssertFalse(search("a^b", "ab"))
        XCTAssertTrue(search("x*^a", "a"))
        XCTAssertTrue(search("", ""))
        XCTAssertTrue(search("", "anything"))
        XCTAssertTrue(search("$", "x"))
        XCTAssertTrue(full("^abc$", "abc"))
        XCTAssertTrue(search("(^|,)b", "a,b"))
        XCTAssertTrue(search("(^|,)b", "b"))
        XCTAssertFalse(search("(^|,)b", "ab"))
    }

    func testQuantifiedBodiesWithAssertions() throws {
        // Leading iterations may match empty through an assertion; the derivative of a repeat
        // must allow it (regression: these were rejected).
        for (p, t) in [("(?:^|a){2}", "a"), ("(?:\\b|a){3}b", "ab"), ("x(?:\\B|y){2}", "xy"), ("(?:$|a){2}", "a"),
                       ("(?:^|a){2,5}", "aaaa"), ("(?:^|a){3}", "aa"), ("(?:^|a){3}", "aaaa"), ("(?:\\b|a)+", "a")] {
            let reference = try PCRE2Regex(XCTUnwrap(pcre2Equivalent(ofECMA: p)))
            XCTAssertEqual(full(p, t), reference.fullMatch(t), "\(p) on \(t)")
            XCTAssertEqual(search(p, t), reference.search(t), "\(p) on \(t)")
        }
        XCTAssertTrue(full("(?:^|a){2}", "a"))
        XCTAssertFalse(full("(?:^|a){2}", "aaa"))
    }

    func testWordBoundary() {
        XCTAssertTrue(search("\\bfoo\\b", "a foo b"))
        XCTAssertFalse(search("\\bfoo\\b", "afoo b"))
        XCTAssertFalse(search("\\bfoo\\b", "a foob"))
        XCTAssertTrue(search("\\bfoo\\b", "foo"))
        XCTAssertTrue(search("\\Boo\\B", "foob"))
        XCTAssertFalse(search("\\Boo", "oo"))
        XCTAssertTrue(search("\\b", "a"))
        XCTAssertFalse(search("\\b", ""))
        XCTAssertTrue(search("\\B", ""))
        XCTAssertTrue(search("é\\bx", "éx"))  // é is not an ECMA word character
        XCTAssertFalse(search("a\\bb", "ab"))
        XCTAssertTrue(full("a\\b b", "a b"))
    }

    func testUnicodeProperties() {
        XCTAssertTrue(full("\\p{L}+", "héllo"))
        XCTAssertTrue(full("\\p{Letter}", "ж"))
        XCTAssertTrue(full("\\p{Lu}", "Ж"))
        XCTAssertFalse(full("\\p{Lu}", "ж"))
        XCTAssertTrue(full("\\p{gc=Lu}", "A"))
        XCTAssertTrue(full("\\p{General_Category=Uppercase_Letter}", "A"))
        XCTAssertTrue(full("\\P{L}", "1"))
        XCTAssertFalse(full("\\P{L}", "a"))
        XCTAssertTrue(full("\\p{sc=Greek}", "α"))
        XCTAssertTrue(full("\\p{Script=Latin}", "a"))
        XCTAssertFalse(full("\\p{Script=Latin}", "α"))
        XCTAssertTrue(full("\\p{scx=Grek}", "\u{342}"))
        XCTAssertFalse(full("\\p{sc=Grek}", "\u{342}"))
        XCTAssertTrue(full("\\p{Alphabetic}", "a"))
        XCTAssertTrue(full("\\p{White_Space}", "\u{85}"))
        XCTAssertTrue(full("\\p{Any}", "\u{10FFFF}"))
        XCTAssertTrue(full("\\p{ASCII}", "~"))
        XCTAssertFalse(full("\\p{ASCII}", "é"))
        XCTAssertFalse(full("\\p{Assigned}", "\u{378}"))
        XCTAssertTrue(full("[\\p{N}\\p{P}]+", "1,2"))
        XCTAssertTrue(full("\\p{Nd}", "٣"))
    }

    func testLookahead() {
        let p = "^(?=.*[A-Z])(?=.*\\d).{8,}$"
        XCTAssertTrue(search(p, "abcdefG1"))
        XCTAssertFalse(search(p, "abcdefgh1"))
        XCTAssertFalse(search(p, "abcdefgH"))
        XCTAssertFalse(search(p, "aB1"))
        XCTAssertTrue(search("^(?!foo)\\w+$", "bar"))
        XCTAssertFalse(search("^(?!foo)\\w+$", "food"))
        XCTAssertTrue(full("(?=a)[a-z]", "a"))
        XCTAssertFalse(full("(?=a)[a-z]", "b"))
        XCTAssertTrue(full("a(?=b)bc", "abc"))
        XCTAssertFalse(full("a(?=c)bc", "abc"))
        // The lookahead sees past the end of its group: `(a(?=bc))b` needs "bc" after "a".
        XCTAssertTrue(full("(a(?=bc))bc", "abc"))
        XCTAssertFalse(full("(a(?=bd))bc", "abc"))
        XCTAssertTrue(full("(?:(?=\\d)\\w){2}", "12"))
        XCTAssertFalse(full("(?:(?=\\d)\\w){2}", "1a"))
        XCTAssertTrue(search("(?=$)", "abc"))
    }

    func testTemperedLookaheadStar() throws {
        let p = "^((?!mode)(?!Mode).)*$"
        XCTAssertFalse(search(p, "a model"))  // "model" contains "mode"
        XCTAssertTrue(search(p, "a modal Mod"))
        XCTAssertFalse(search(p, "Mode"))
        XCTAssertFalse(search(p, "xxmode"))
        XCTAssertTrue(search(p, ""))
        XCTAssertFalse(search(p, "a\nb"))
        XCTAssertTrue(full("(?:(?=[a-c]).)+", "abcab"))
        XCTAssertFalse(full("(?:(?=[a-c]).)+", "abd"))
        XCTAssertFalse(full("(?:(?=[a-c]).)+", ""))
        XCTAssertTrue(full("(?:(?!ab).)*", "bba"))
        XCTAssertFalse(full("(?:(?!ab).)*", "cab"))
        // The lookahead sees the end of the text: at the last position "b$" matches.
        XCTAssertFalse(full("(?:(?!b$).)*", "ab"))
        XCTAssertTrue(full("(?:(?!b$).)*", "ba"))
        // Against PCRE2 on every short string over a small alphabet.
        let patterns = ["^((?!ab)(?!ca).)*$", "^(?:(?=[ab])(?!bb).)+$", "x((?!a\\b).)*$", "^((?!$).)*$"]
        for pattern in patterns {
            let ours = try ByteRegex(ecma: pattern, mode: .search)
            let reference = try PCRE2Regex(XCTUnwrap(pcre2Equivalent(ofECMA: pattern)))
            var texts = [""]
            for _ in 0..<5 { texts += texts.flatMap { t in ["a", "b", "c", "x", " "].map { t + $0 } }; texts = Array(Set(texts)) }
            for t in texts {
                XCTAssertEqual(try ours.matches(t), reference.search(t), "\(pattern) on \(t.debugDescription)")
            }
        }
    }

    func testInvalidUTF8NeverMatches() throws {
        let r = try ByteRegex(ecma: ".*", mode: .fullMatch)
        XCTAssertTrue(try r.matches([0x61, 0xC3, 0xA9]))
        XCTAssertFalse(try r.matches([0x61, 0xC3]))
        XCTAssertFalse(try r.matches([0xFF]))
        XCTAssertFalse(try r.matches([0xED, 0xA0, 0x80]))  // encoded surrogate
        XCTAssertFalse(try r.matches([0xC0, 0x80]))  // overlong
        XCTAssertFalse(try r.matches([0xF4, 0x90, 0x80, 0x80]))  // above U+10FFFF
        let s = try ByteRegex(ecma: "a", mode: .search)
        XCTAssertFalse(try s.matches([0x61, 0xFF]))
    }
}
