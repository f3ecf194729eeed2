import Foundation
import XCTest
@testable import Grammar
import Decoder

/// The mask equals brute force: at reachable states (reached by random walks over viable bytes),
/// bit i of `fillMask` is set exactly when token i's bytes, fed one by one to a fork of the matcher,
/// are all accepted (and, for end-of-generation ids, exactly when the matcher accepts).
///
/// Debug-build cost is dominated by brute force over the whole vocabulary, so the shipped grammars
/// use one state each on SmolLM2 (two for lark.lark) and one json.gbnf state per other vocabulary; random small grammars use a
/// tiny vocabulary and many states.
final class MaskTests: XCTestCase {
    static func modelPath() -> String? {
        let p = DefaultModel.path()
        return FileManager.default.fileExists(atPath: p) ? p : nil
    }

    static let smolVocabulary: Vocabulary? = {
        guard let p = modelPath() else { return nil }
        return try? Tokenizer(contentsOf: p).vocabulary
    }()

    func smol() throws -> Vocabulary {
        guard let v = Self.smolVocabulary else {
            XCTFail("SmolLM2 model missing at \(DefaultModel.path()) (set STRUCTGEN_MODEL)")
            throw XCTSkip("no model")
        }
        return v
    }

    /// Compares mask and brute force at `states` random reachable states; returns states checked.
    @discardableResult
    static func check(_ grammar: CompiledGrammar, _ vocab: Vocabulary, trie: TokenTrie, states: Int, seed: UInt64,
                      maxWalk: Int = 40, walkBytes: [UInt8] = Array(0...255), name: String, file: StaticString = #filePath, line: UInt = #line) throws -> Int {
        var rng = SplitMix64(seed: seed)
        var checked = 0
        var mask = [UInt32](repeating: 0, count: (vocab.count + 31) / 32 + 1)
        for _ in 0..<states {
            var m = try Matcher(grammar: grammar, vocabulary: vocab, trie: trie)
            let steps = Int.random(in: 0...maxWalk, using: &rng)
            var walked: [UInt8] = []
            for _ in 0..<steps {
                var viable: [UInt8] = []
                for b in walkBytes where try m.parser.push(b) {
                    viable.append(b); m.parser.pop(1)
                }
                guard let b = viable.randomElement(using: &rng) else { break }
                XCTAssertTrue(try m.acceptBytes([b]))
                walked.append(b)
            }
            try m.fillMask(into: &mask)
            var brute = m.fork()
            var mismatches: [Int] = []
            for id in 0..<vocab.count {
                let allowed: Bool
                if vocab.endOfGenerationIDs.contains(id) {
                    allowed = m.isAccepting
                } else if vocab.kind(of: id).isText && vocab.byteCount(of: id) > 0 {
                    var ok = true
                    var pushed = 0
                    for b in vocab.bytes(of: id) {
                        if try brute.parser.push(b) { pushed += 1 } else { ok = false; break }
                    }
                    brute.parser.pop(pushed)
                    allowed = ok
                } else {
                    allowed = false
                }
                let bit = mask[id >> 5] >> UInt32(id & 31) & 1 == 1
                if bit != allowed { mismatches.append(id) }
            }
            // Nothing past the vocabulary.
            for id in vocab.count..<(mask.count * 32) where mask[id >> 5] >> UInt32(id & 31) & 1 == 1 {
                mismatches.append(id)
            }
            XCTAssertTrue(mismatches.isEmpty, "\(name): mask ≠ brute force after \(String(decoding: walked, as: UTF8.self).debugDescription) on ids \(mismatches.prefix(10)) (seed \(seed))", file: file, line: line)
            checked += 1
        }
        return checked
    }

    func testShippedGBNFGrammarsOnSmolLM2() throws {
        let vocab = try smol()
        let trie = TokenTrie(vocab)
        var total = 0
        for url in SharedData.files("grammars/gbnf", suffix: ".gbnf") {
            let g = try GrammarCompiler.compile(GBNF.parse(String(contentsOf: url, encoding: .utf8)))
            total += try Self.check(g, vocab, trie: trie, states: 1, seed: 7, name: url.lastPathComponent)
        }
        XCTAssertGreaterThanOrEqual(total, 8)
    }

    func testLarkGrammarOnSmolLM2() throws {
        let vocab = try smol()
        let dir = SharedData.root.appendingPathComponent("grammars/lark")
        let src = try String(contentsOf: dir.appendingPathComponent("lark.lark"), encoding: .utf8)
        let ir = try Lark.parse(src) { name in try? String(contentsOf: dir.appendingPathComponent(name + ".lark"), encoding: .utf8) }
        let g = try GrammarCompiler.compile(ir)
        try Self.check(g, vocab, trie: TokenTrie(vocab), states: 2, seed: 11, name: "lark.lark")
    }

    func testJSONOnOtherVocabularies() throws {
        let url = SharedData.root.appendingPathComponent("grammars/gbnf/json.gbnf")
        let g = try GrammarCompiler.compile(GBNF.parse(String(contentsOf: url, encoding: .utf8)))
        for v in SharedData.files("vocab", suffix: ".gguf") {
            let vocab = try Tokenizer(contentsOf: v.path).vocabulary
            try Self.check(g, vocab, trie: TokenTrie(vocab), states: 1, seed: 3, name: v.lastPathComponent)
        }
    }

    /// The plan-based mask (cached per lexer state, reused across states and rollbacks) equals a
    /// plain walk of the whole trie with the parser, along real token sequences of the shipped C and
    /// JSON grammars; one matcher serves every state, so cached plans and subtree plans are reused.
    func testPlansEqualTrieWalkAlongTexts() throws {
        let vocab = try smol()
        let trie = TokenTrie(vocab)
        let tokenizer = try Tokenizer(contentsOf: DefaultModel.path())
        let cases = [
            ("c.gbnf", "int f(int a){int b = a*( a+1 );// square\nwhile(b>10){b = b/2;}return b;}"),
            ("json.gbnf", #"{"name": "x\"y", "list": [1, -2.5e3, true, null], "nested": {"k": "é"}}"#),
        ]
        var compared = 0
        for (file, text) in cases {
            let url = SharedData.root.appendingPathComponent("grammars/gbnf/" + file)
            let g = try GrammarCompiler.compile(GBNF.parse(String(contentsOf: url, encoding: .utf8)))
            var m = try Matcher(grammar: g, vocabulary: vocab, trie: trie)
            var a = [UInt32](repeating: 0, count: (vocab.count + 31) / 32)
            var b = a
            let ids = tokenizer.encode(text)
            for round in 0..<3 {
                // Every other position per round; the second round reuses the first round's plans;
                // the third checks every third position again (masks cached by parser signature).
                for (i, t) in ids.enumerated() {
                    if round < 2 ? i % 2 == round : i % 3 == 0 {
                        try m.fillMask(into: &a)
                        try m.fillMaskByTrieWalk(into: &b)
                        XCTAssertEqual(a, b, "\(file): plan mask ≠ trie walk after \(i) tokens")
                        compared += 1
                    }
                    XCTAssertTrue(try m.accept(t), "\(file): token \(i) refused")
                }
                XCTAssertTrue(m.isAccepting, "\(file): text not accepted")
                m.rollback(tokens: m.tokenCount)
            }
            XCTAssertGreaterThan(m.plans.count, 1, "\(file): no plans were cached")
            XCTAssertGreaterThanOrEqual(m.maskCacheHits, ids.count / 3, "\(file): the third round should hit the mask cache")
        }
        XCTAssertGreaterThan(compared, 20)
    }

    /// Every string of length 1 to 3 over {a, b, c, x}, plus an end token (control, no bytes).
    static func smallVocabulary() -> Vocabulary {
        let letters = ["a", "b", "c", "x"]
        var toks: [[UInt8]] = []
        for l in 1...3 {
            var words = [""]
            for _ in 0..<l { words = words.flatMap { w in letters.map { w + $0 } } }
            toks += words.map { Array($0.utf8) }
        }
        let kinds = [Vocabulary.TokenKind](repeating: .normal, count: toks.count) + [.control]
        return Vocabulary(tokens: toks + [[]], kinds: kinds, eosTokenID: toks.count)
    }

    /// Random small grammars over {a, b, c} against `smallVocabulary()`.
    func testRandomSmallGrammars() throws {
        let vocab = Self.smallVocabulary()
        let trie = TokenTrie(vocab)
        var rng = SplitMix64(seed: 42)
        var grammars = 0
        for gi in 0..<40 {
            let src = Self.randomGrammar(&rng)
            let ir: GrammarIR
            do { ir = try GBNF.parse(src) } catch { continue }
            let g: CompiledGrammar
            do { g = try GrammarCompiler.compile(ir) } catch { continue }
            grammars += 1
            try Self.check(g, vocab, trie: trie, states: 6, seed: UInt64(gi), maxWalk: 12,
                           walkBytes: Array("abcxé".utf8), name: src)
        }
        XCTAssertGreaterThan(grammars, 20)
    }

    static func randomGrammar(_ rng: inout SplitMix64) -> String {
        let rules = ["root", "r1", "r2", "r3"]
        func atom(_ depth: Int) -> String {
            switch Int.random(in: 0..<(depth > 2 ? 3 : 7), using: &rng) {
            case 0: return "\"" + ["a", "b", "ab", "ca", "c"].randomElement(using: &rng)! + "\""
            case 1: return ["[ab]", "[a-c]", "[^a]", "[c]"].randomElement(using: &rng)!
            case 2: return rules.randomElement(using: &rng)!
            case 3: return "(" + alt(depth + 1) + ")" + ["*", "+", "?", "{1,2}", ""].randomElement(using: &rng)!
            case 4: return atom(depth + 1) + ["*", "?", "+"].randomElement(using: &rng)!
            case 5: return "\"\""
            default: return rules.randomElement(using: &rng)!
            }
        }
        func seq(_ depth: Int) -> String { (0..<Int.random(in: 1...3, using: &rng)).map { _ in atom(depth) }.joined(separator: " ") }
        func alt(_ depth: Int) -> String { (0..<Int.random(in: 1...3, using: &rng)).map { _ in seq(depth) }.joined(separator: " | ") }
        return rules.map { "\($0) ::= \(alt(0))" }.joined(separator: "\n")
    }
}
