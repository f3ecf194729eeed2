import ArgumentParser
import CPCRE2
import Foundation
import Grammar
import JSONSchema

/// `gen benchmark regex`: our regex engine beside PCRE2 (JIT and interpreter), in one run: compile
/// time over every jsonschemabench pattern, and match throughput on long texts.
struct RegexBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regex",
        abstract: "Regex compile time and match throughput (MB/s) beside PCRE2, JIT and interpreter."
    )

    @Option(help: "The shared data folder (default: $STRUCTGEN_SHARED, else ../shared).")
    var shared: String?

    @Option(help: "Timed rounds; the fastest counts.")
    var rounds: Int = 5

    @Option(help: "Size of each throughput text in MB.")
    var megabytes: Int = 4

    func run() throws {
        #if DEBUG
        print("warning: debug build; numbers are only meaningful with -c release")
        #endif
        try compileTimes()
        try throughput()
    }

    /// Compile time per distinct pattern: ours (parse + lazy automaton, nothing determinized yet,
    /// then the first 64 bytes of a match walk), PCRE2 interpreter, PCRE2 + JIT.
    func compileTimes() throws {
        var seen = Set<String>()
        var patterns: [String] = []
        for url in try SharedData.files("jsonschemabench", shared: shared) {
            let file = try JSONParser.parse(try Data(contentsOf: url))
            for p in file["schema"]?.regexPatterns ?? [] where seen.insert(p).inserted { patterns.append(p) }
        }
        var ours: [Double] = [], interp: [Double] = [], jit: [Double] = []
        var oursRefused = 0, pcreRefused = 0
        for p in patterns {
            guard (try? ByteDFA(ecma: p, mode: .search)) != nil else { oursRefused += 1; continue }
            let translated = pcre2Equivalent(ofECMA: p) ?? p
            guard (try? PCRE2Regex(translated)) != nil else { pcreRefused += 1; continue }
            // Min of three, each: the machine is shared and noisy.
            ours.append((0..<3).map { _ in Stopwatch.seconds { _ = try? ByteDFA(ecma: p, mode: .search) } }.min()!)
            interp.append((0..<3).map { _ in Stopwatch.seconds { _ = try? PCRE2Regex(translated) } }.min()!)
            jit.append((0..<3).map { _ in Stopwatch.seconds { _ = try? PCRE2Regex(translated, jit: true) } }.min()!)
        }
        print("compile time over \(patterns.count) distinct jsonschemabench patterns "
              + "(\(ours.count) compiled by both; ours refused \(oursRefused), PCRE2 refused \(pcreRefused) more)")
        print("  " + pad("engine", 17) + ["p50 µs", "p90 µs", "p99 µs", "max µs"].map { pad($0, 10, right: true) }.joined())
        for (name, samples) in [("ours (lazy DFA)", ours), ("PCRE2 interpreter", interp), ("PCRE2 JIT", jit)] {
            let q = [0.5, 0.9, 0.99, 1.0].map { Stopwatch.percentile(samples, $0) * 1e6 }
            print("  " + pad(name, 17) + q.map { pad(String(format: "%.1f", $0), 10, right: true) }.joined())
        }
    }

    /// Match throughput: each text is scanned to its end by every engine (whole-text matches, or
    /// searches that find nothing), so MB/s compares scanning speed.
    func throughput() throws {
        let size = megabytes << 20
        func repeated(_ unit: String) -> [UInt8] {
            let u = Array(unit.utf8)
            var out: [UInt8] = []
            out.reserveCapacity(size + u.count)
            while out.count < size { out.append(contentsOf: u) }
            return out
        }
        let prose = repeated("the quick brown fox jumps over the lazy dog; pack my box with five dozen liquor jugs. ")
        let unicode = repeated("Grüße aus Köln, Ελληνικά κείμενα, 日本語のテキスト and ASCII words ")
        var email = repeated("abcdefghij.")
        email.append(contentsOf: Array("x@example.com".utf8))
        struct Case { var name: String; var pattern: String; var text: [UInt8]; var full: Bool; var expect: Bool }
        let cases = [
            Case(name: "search, no match", pattern: #"\d{3}-\d{4}"#, text: prose, full: false, expect: false),
            Case(name: "search, no match", pattern: "(foo|bar|baz|qux)+[0-9]", text: prose, full: false, expect: false),
            Case(name: "whole text", pattern: #"[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}"#, text: email, full: true, expect: true),
            Case(name: "whole text, Unicode", pattern: #"[\p{L}\p{P}\s]+"#, text: unicode, full: true, expect: true),
        ]
        print("\nmatch throughput on \(megabytes) MB texts (fastest of \(rounds) rounds)")
        print("  " + [pad("case", 21), pad("pattern", 41), pad("ours MB/s", 9, right: true), pad("PCRE2 JIT", 9, right: true),
                      pad("PCRE2 interp", 12, right: true), pad("ours/JIT", 8, right: true)].joined(separator: " "))
        for c in cases {
            var dfa = try ByteDFA(ecma: c.pattern, mode: c.full ? .fullMatch : .search)
            var got = false
            let t0 = try Stopwatch.best(rounds) { got = try dfa.matches(c.text) }
            guard got == c.expect else { throw ValidationError("ours gave \(got) on \(c.pattern)") }
            let translated = pcre2Equivalent(ofECMA: c.pattern) ?? c.pattern
            let anchors: UInt32 = c.full ? UInt32(PCRE2_ANCHORED) | UInt32(PCRE2_ENDANCHORED) : 0
            let jitRegex = try PCRE2Regex(translated, extraOptions: anchors, jit: true)
            let interpRegex = try PCRE2Regex(translated, extraOptions: anchors)
            var jitGot = PCRE2Regex.Outcome.noMatch, interpGot = PCRE2Regex.Outcome.noMatch
            let t1 = Stopwatch.best(rounds) { jitGot = jitRegex.outcome(c.text, anchoredBothEnds: false) }
            let t2 = Stopwatch.best(rounds) { interpGot = interpRegex.outcome(c.text, anchoredBothEnds: false) }
            let expected: PCRE2Regex.Outcome = c.expect ? .match : .noMatch
            // A PCRE2 answer that differs from ours is a bug somewhere; PCRE2 giving up (a
            // backtracking resource limit on a long text) is a result of the benchmark, shown as such.
            for got in [jitGot, interpGot] {
                if case .failed = got { continue }
                guard got == expected else { throw ValidationError("PCRE2 gave \(got) on \(c.pattern), ours \(c.expect)") }
            }
            let mb = Double(c.text.count) / 1_000_000
            func rate(_ outcome: PCRE2Regex.Outcome, _ t: Double) -> String {
                if case .failed = outcome { return "gave up" }
                return String(format: "%.0f", mb / t)
            }
            let ratio: String
            if case .failed = jitGot { ratio = "-" } else { ratio = String(format: "%.2f", t1 / t0) }
            print("  " + [pad(c.name, 21), pad(c.pattern, 41), pad(String(format: "%.0f", mb / t0), 9, right: true),
                          pad(rate(jitGot, t1), 9, right: true), pad(rate(interpGot, t2), 12, right: true),
                          pad(ratio, 8, right: true)].joined(separator: " "))
            for (name, got) in [("JIT", jitGot), ("interpreter", interpGot)] {
                if case .failed = got { print("    PCRE2 \(name) gave no answer: \(got)") }
            }
            if !jitRegex.isJITCompiled { print("    (PCRE2 JIT unavailable for this pattern: the JIT column ran the interpreter)") }
        }
    }
}
