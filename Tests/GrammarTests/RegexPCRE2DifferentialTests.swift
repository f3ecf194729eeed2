import Foundation
import XCTest
@testable import Grammar
import CPCRE2

/// Randomized differential test: our engine against PCRE2 on random small patterns over a small
/// alphabet and random strings, in search and full-match mode. Each pattern is checked against
/// PCRE2 twice: as written (on this alphabet PCRE2's UTF, non-UCP defaults agree with ECMA) and as
/// translated by `pcre2Equivalent(ofECMA:)` (explicit sets). Seeded; set STRUCTGEN_REGEX_SEED to
/// reproduce a failure (the seed is printed in every failure message).
final class RegexPCRE2DifferentialTests: XCTestCase {
    static let alphabet: [String] = ["a", "b", "c", "1", " ", "é", "\n", "_"]

    struct Generator {
        var rng: SplitMix64
        mutating func int(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
        mutating func chance(_ percent: Int) -> Bool { int(100) < percent }

        mutating func pattern(depth: Int = 0) -> String {
            var alts = [sequence(depth: depth)]
            while chance(20) && alts.count < 3 { alts.append(sequence(depth: depth)) }
            return alts.joined(separator: "|")
        }

        mutating func sequence(depth: Int) -> String {
            var s = ""
            for _ in 0..<(1 + int(3)) { s += term(depth: depth) }
            return s
        }

        mutating func term(depth: Int) -> String {
            switch int(100) {
            case 0..<4: return "^"
            case 4..<8: return "$"
            case 8..<12: return "\\b"
            case 12..<14: return "\\B"
            case 14..<18 where depth < 2: return (chance(50) ? "(?=" : "(?!") + pattern(depth: depth + 1) + ")"
            default:
                var a = atom(depth: depth)
                if chance(40) {
                    a += ["*", "+", "?", "{2}", "{0,2}", "{1,}", "{2,3}"][int(7)]
                    if chance(20) { a += "?" }
                }
                return a
            }
        }

        mutating func atom(depth: Int) -> String {
            switch int(100) {
            case 0..<45: return ["a", "b", "c", "1", " ", "é", "\\n", "_"][int(8)]
            case 45..<52: return "."
            case 52..<70: return ["[ab]", "[^a]", "[a-c]", "[^\\n]", "[é1]", "[\\w ]", "[]", "[^]"][int(8)]
            case 70..<80: return ["\\d", "\\D", "\\w", "\\W", "\\s", "\\S"][int(6)]
            default:
                guard depth < 3 else { return "a" }
                // Groups whose alternatives mix assertions and characters, quantified.
                if chance(25) { return "(?:" + ["^", "$", "\\b", "\\B"][int(4)] + "|" + atom(depth: depth + 1) + ")" }
                return (chance(50) ? "(?:" : "(") + pattern(depth: depth + 1) + ")"
            }
        }

        mutating func text() -> String {
            var s = ""
            for _ in 0..<int(7) { s += RegexPCRE2DifferentialTests.alphabet[int(RegexPCRE2DifferentialTests.alphabet.count)] }
            return s
        }
    }

    func testRandomPatternsAgreeWithPCRE2() throws {
        let seed = ProcessInfo.processInfo.environment["STRUCTGEN_REGEX_SEED"].flatMap(UInt64.init) ?? 20_261_125
        var gen = Generator(rng: SplitMix64(seed: seed))
        var checked = 0, refused = 0, failures = 0
        for _ in 0..<400 {
            let pattern = gen.pattern()
            let compiled: Result<(ByteRegex, ByteRegex), RegexError> = Result { () throws(RegexError) -> (ByteRegex, ByteRegex) in
                (try ByteRegex(ecma: pattern, mode: .search, warmTransitions: 0), try ByteRegex(ecma: pattern, mode: .fullMatch, warmTransitions: 0))
            }
            guard case .success(let (search, full)) = compiled else {
                if case .failure(let e) = compiled, e.kind != .unsupported { XCTFail("seed \(seed): \(pattern): \(e)") }
                refused += 1
                continue
            }
            let translated = try XCTUnwrap(pcre2Equivalent(ofECMA: pattern), "seed \(seed): \(pattern)")
            let explicit = try PCRE2Regex(translated)
            // PCRE2 10.42 never matches a quantified empty class (`[]?` fails on ""), so the
            // pattern as written is a reference only without `[]`; the translation writes `(?!)`.
            let native = pattern.contains("[]") ? nil : try PCRE2Regex(pattern, extraOptions: UInt32(PCRE2_ALLOW_EMPTY_CLASS))
            for _ in 0..<25 {
                let text = gen.text()
                let expectSearch = explicit.search(text), expectFull = explicit.fullMatch(text)
                if let native {
                    XCTAssertEqual(native.search(text), expectSearch, "seed \(seed): translation \(translated) of \(pattern.debugDescription) on \(text.debugDescription)")
                    XCTAssertEqual(native.fullMatch(text), expectFull, "seed \(seed): translation \(translated) of \(pattern.debugDescription) on \(text.debugDescription)")
                }
                let gotSearch = try search.matches(text), gotFull = try full.matches(text)
                if gotSearch != expectSearch || gotFull != expectFull {
                    failures += 1
                    XCTFail("seed \(seed): \(pattern.debugDescription) on \(text.debugDescription): search \(gotSearch) (PCRE2 \(expectSearch)), full \(gotFull) (PCRE2 \(expectFull))")
                    if failures > 10 { return }
                }
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 8000, "seed \(seed): too many patterns refused (\(refused))")
    }

    /// Every accepted string our generator produces is accepted by PCRE2 too (search mode).
    func testGeneratedStringsAreAcceptedByPCRE2() throws {
        let seed: UInt64 = 7
        var gen = Generator(rng: SplitMix64(seed: seed))
        var produced = 0
        for i in 0..<150 {
            let pattern = gen.pattern()
            guard var dfa = try? ByteDFA(ecma: pattern, mode: .search),
                  let translated = pcre2Equivalent(ofECMA: pattern) else { continue }
            let reference = try PCRE2Regex(translated)
            let empty = try dfa.isEmptyLanguage()
            // Emptiness agrees with PCRE2 on the strings we try.
            guard let bytes = try dfa.randomAcceptedBytes(seed: UInt64(i), maxLength: 8) else {
                XCTAssertTrue(empty, "seed \(seed): \(pattern)")
                for _ in 0..<20 { XCTAssertFalse(reference.search(gen.text()), "seed \(seed): \(pattern) said empty") }
                continue
            }
            XCTAssertFalse(empty)
            let text = try XCTUnwrap(String(validating: bytes, as: UTF8.self), "seed \(seed): \(pattern) gave invalid UTF-8")
            XCTAssertTrue(reference.search(text), "seed \(seed): \(pattern.debugDescription) generated \(text.debugDescription)")
            produced += 1
        }
        XCTAssertGreaterThan(produced, 100)
    }
}
