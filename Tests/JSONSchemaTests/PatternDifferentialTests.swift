import Foundation
import Grammar
import JSONSchema
import XCTest

/// Our regex engine against PCRE2 on every `pattern` and `patternProperties` key of
/// ../shared/jsonschemabench (issue 3, point 4).
///
/// For each distinct pattern: strings our automaton generates (random accepted walks in search and
/// full-match mode), near misses of those (a scalar deleted, inserted, replaced or doubled), and every
/// string of the same file's test instances (values and keys). Each string is judged by PCRE2 with
/// search semantics, on the pattern `pcre2Equivalent(ofECMA:)` gives (ECMA semantics spelled in PCRE2).
/// Disagreements on patterns we compile must be 0; patterns we refuse are counted by reason.
final class PatternDifferentialTests: XCTestCase {
    struct PatternSource {
        var pattern: String
        var instanceStrings: Set<String> = []
    }

    /// Every pattern with the instance strings of the files it occurs in.
    static func collectPatterns() throws -> [PatternSource] {
        guard let folder = SharedData.folder("jsonschemabench") else { return [] }
        var byPattern: [String: PatternSource] = [:]
        var order: [String] = []
        for url in SharedData.files(in: folder) {
            let data = try Data(contentsOf: url)
            let file = try JSONParser.parse([UInt8](data))
            var patterns: [String] = []
            if let schema = file["schema"] { collect(schema, into: &patterns) }
            guard !patterns.isEmpty else { continue }
            var strings = Set<String>()
            for test in file["tests"]?.arrayValue ?? [] {
                if let d = test["data"] { collectStrings(d, into: &strings) }
            }
            for p in patterns {
                if byPattern[p] == nil { byPattern[p] = PatternSource(pattern: p); order.append(p) }
                byPattern[p]!.instanceStrings.formUnion(strings)
            }
        }
        return order.map { byPattern[$0]! }
    }

    static func collect(_ v: JSONValue, into out: inout [String]) {
        switch v {
        case .object(let o):
            for m in o.members {
                if m.key == "pattern", let s = m.value.stringValue { out.append(s) }
                if m.key == "patternProperties", let pp = m.value.objectValue { out.append(contentsOf: pp.members.map(\.key)) }
                collect(m.value, into: &out)
            }
        case .array(let a): for x in a { collect(x, into: &out) }
        default: break
        }
    }

    static func collectStrings(_ v: JSONValue, into out: inout Set<String>) {
        switch v {
        case .string(let s): out.insert(s)
        case .object(let o):
            for m in o.members { out.insert(m.key); collectStrings(m.value, into: &out) }
        case .array(let a): for x in a { collectStrings(x, into: &out) }
        default: break
        }
    }

    /// Scalar-level mutations of `s`: valid UTF-8 strings just off a match.
    static func nearMisses(of s: String, rng: inout SplitMix64) -> [String] {
        let pool: [Unicode.Scalar] = ["a", "Z", "0", "9", "-", "_", ".", " ", "/", "@", ":", "\n", "é", "€", "😀", "\u{2028}"]
        var scalars = Array(s.unicodeScalars)
        var out: [String] = []
        func str(_ u: [Unicode.Scalar]) -> String { var v = String.UnicodeScalarView(); v.append(contentsOf: u); return String(v) }
        if !scalars.isEmpty {
            var d = scalars; d.remove(at: Int(rng.next() % UInt64(d.count))); out.append(str(d))
            var r = scalars; r[Int(rng.next() % UInt64(r.count))] = pool[Int(rng.next() % UInt64(pool.count))]; out.append(str(r))
            var dup = scalars; let k = Int(rng.next() % UInt64(dup.count)); dup.insert(dup[k], at: k); out.append(str(dup))
        }
        scalars.insert(pool[Int(rng.next() % UInt64(pool.count))], at: Int(rng.next() % UInt64(scalars.count + 1)))
        out.append(str(scalars))
        out.append(s + "\n")
        return out
    }

    func testOurEngineAgreesWithPCRE2OnJSONSchemaBenchPatterns() throws {
        let sources = try Self.collectPatterns()
        XCTAssertGreaterThan(sources.count, 1000, "expected the ~1,900 distinct patterns of jsonschemabench")
        var compiled = 0, refused: [String: Int] = [:], pcreRefused = 0, strings = 0, disagreements: [String] = []
        var disagreeingPatterns = 0
        var pcreRefusedPatterns: [String] = [], pcreFailures: [String] = []
        for source in sources {
            // One mutable automaton per pattern: its transition cache grows across the strings.
            var ours: ByteDFA
            do {
                ours = try ByteDFA(ecma: source.pattern, mode: .search)
            } catch {
                refused["\(error.kind.rawValue): \(Self.reasonClass(error.reason))", default: 0] += 1
                continue
            }
            compiled += 1
            guard let translated = pcre2Equivalent(ofECMA: source.pattern),
                  let pcre = try? PCRE2Regex(translated) else {
                pcreRefused += 1
                pcreRefusedPatterns.append(source.pattern)
                continue
            }
            var texts = source.instanceStrings
            var rng = SplitMix64(seed: UInt64(truncatingIfNeeded: source.pattern.hashValueStable))
            for mode in [RegexMatchMode.search, .fullMatch] {
                guard var dfa = try? ByteDFA(ecma: source.pattern, mode: mode) else { continue }
                for seed in 0..<6 {
                    guard let bytes = try? dfa.randomAcceptedBytes(seed: rng.next(), maxLength: 48),
                          let s = String(validating: bytes, as: UTF8.self) else { continue }
                    texts.insert(s)
                    for miss in Self.nearMisses(of: s, rng: &rng) { texts.insert(miss) }
                    _ = seed
                }
                if let shortest = try? dfa.shortestAcceptedBytes(), let s = String(validating: shortest, as: UTF8.self) {
                    texts.insert(s)
                }
            }
            var disagreedHere = false
            for text in texts.sorted() {
                strings += 1
                let expected: Bool
                switch pcre.outcome(Array(text.utf8), anchoredBothEnds: false) {
                case .match: expected = true
                case .noMatch: expected = false
                case .failed(_, let message):
                    // PCRE2 gave no answer (a resource limit): not a verdict, so not judged.
                    pcreFailures.append("/\(source.pattern)/ on \(text.debugDescription): \(message)")
                    continue
                }
                let got: Bool
                do { got = try ours.matches(text) } catch {
                    disagreements.append("budget while matching /\(source.pattern)/ on \(text.debugDescription): \(error)")
                    disagreedHere = true
                    continue
                }
                if got != expected {
                    disagreedHere = true
                    if disagreements.count < 40 {
                        disagreements.append("/\(source.pattern)/ on \(text.debugDescription): ours \(got), PCRE2 \(expected)")
                    }
                }
            }
            if disagreedHere { disagreeingPatterns += 1 }
        }
        print("pattern differential: \(sources.count) patterns, \(compiled) compiled, \(strings) strings judged by PCRE2, "
              + "\(disagreeingPatterns) patterns disagree, PCRE2 could not compile \(pcreRefused)")
        for (reason, n) in refused.sorted(by: { $0.value > $1.value }) { print("  refused \(n): \(reason)") }
        for p in pcreRefusedPatterns {
            print("  PCRE2 cannot compile (not judged): /\(p.count > 120 ? String(p.prefix(120)) + "…" : p)/ (\(p.count) characters)")
        }
        for d in disagreements { print("  DISAGREE \(d)") }
        for f in pcreFailures { print("  PCRE2 gave no answer (not judged): \(f)") }
        XCTAssertLessThan(pcreFailures.count, 20, "PCRE2 should answer nearly every check")
        XCTAssertEqual(disagreeingPatterns, 0, "patterns where our engine and PCRE2 disagree")
        XCTAssertGreaterThan(compiled, sources.count * 9 / 10, "most real-world patterns compile")
    }

    /// The reason without its specifics (quoted text, numbers), to group refusals.
    static func reasonClass(_ reason: String) -> String {
        var out = ""
        var inQuote = false
        for c in reason {
            if c == "'" || c == "\"" { inQuote.toggle(); if inQuote { out += "…" }; continue }
            if inQuote { continue }
            out.append(c.isNumber ? "#" : c)
        }
        return out
    }
}

extension String {
    /// A hash that is the same in every run (Swift's `hashValue` is seeded per process).
    var hashValueStable: UInt64 {
        var h: UInt64 = 0xcbf29ce484222325
        for b in utf8 { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        return h
    }
}
