import Foundation
import XCTest
@testable import Grammar
import Decoder

/// The caches behind `Matcher.fillMask` give the masks of a plain trie walk: mask plans shared by
/// every matcher of a grammar (also from threads running at once), and whole masks cached by
/// parser signature within a matcher (states reached by different paths, after rollbacks).
final class MaskCacheTests: XCTestCase {
    func smolAndJSON() throws -> (Vocabulary, CompiledGrammar, Tokenizer) {
        let path = DefaultModel.path()
        guard FileManager.default.fileExists(atPath: path) else {
            XCTFail("SmolLM2 model missing at \(path) (set STRUCTGEN_MODEL)")
            throw XCTSkip("no model")
        }
        let tokenizer = try Tokenizer(contentsOf: path)
        let url = SharedData.root.appendingPathComponent("grammars/gbnf/json.gbnf")
        let g = try GrammarCompiler.compile(GBNF.parse(String(contentsOf: url, encoding: .utf8)))
        return (tokenizer.vocabulary, g, tokenizer)
    }

    /// Masks along `ids` from a fresh matcher (plans possibly shared already).
    static func masks(_ g: CompiledGrammar, _ vocab: Vocabulary, _ trie: TokenTrie, _ ids: [Int],
                      byTrieWalk: Bool = false) throws -> (masks: [[UInt32]], builds: Int) {
        var m = try Matcher(grammar: g, vocabulary: vocab, trie: trie)
        var out: [[UInt32]] = []
        var mask = [UInt32](repeating: 0, count: (vocab.count + 31) / 32)
        for t in ids {
            if byTrieWalk { try m.fillMaskByTrieWalk(into: &mask) } else { try m.fillMask(into: &mask) }
            out.append(mask)
            guard try m.accept(t) else { throw GrammarError("token \(t) refused") }
        }
        return (out, m.planBuilds)
    }

    func testSecondMatcherBuildsNoPlans() throws {
        let (vocab, g, tokenizer) = try smolAndJSON()
        XCTAssertTrue(g.lexemeIsComplete.allSatisfy { $0 }, "json.gbnf's lexemes should be determinized at compile time")
        let ids = tokenizer.encode(#"{"a": [1, 2.5, "x y"], "b": {"c": null}}"#)
        let first = try Self.masks(g, vocab, TokenTrie(vocab), ids)
        XCTAssertGreaterThan(first.builds, 3)
        // Another matcher, with a trie built separately from the same vocabulary: same fingerprint.
        let second = try Self.masks(g, vocab, TokenTrie(vocab), ids)
        XCTAssertEqual(second.builds, 0, "a second matcher of the grammar rebuilt plans")
        XCTAssertEqual(first.masks, second.masks)
        let reference = try Self.masks(g, vocab, TokenTrie(vocab), ids, byTrieWalk: true)
        XCTAssertEqual(first.masks, reference.masks)
    }

    func testMatchersInParallelGiveTheMasksOfOneAlone() throws {
        let (vocab, _, tokenizer) = try smolAndJSON()
        let url = SharedData.root.appendingPathComponent("grammars/gbnf/c.gbnf")
        let source = try String(contentsOf: url, encoding: .utf8)
        let texts = ["int f(int a){int b = a*( a+1 );while(b>10){b = b/2;}return b;}",
                     "float g(){float x = 1;for(x = 0; x<3; x = x+1){x = x*2;}return x;}"]
        let ids = texts.map { tokenizer.encode($0) }
        let trie = TokenTrie(vocab)
        // Alone: a grammar of its own, one matcher per text.
        let alone = try GrammarCompiler.compile(GBNF.parse(source))
        let expected = try ids.map { try Self.masks(alone, vocab, trie, $0).masks }
        // Together: one grammar, two threads at once, each with its own matcher, sharing plans.
        let shared = try GrammarCompiler.compile(GBNF.parse(source))
        let boxes = [ResultBox(), ResultBox()]   // one per thread: no shared mutable state
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            boxes[i].result = Result { try Self.masks(shared, vocab, trie, ids[i]).masks }
        }
        for i in 0..<2 {
            XCTAssertEqual(try boxes[i].result!.get(), expected[i], "text \(i): masks differ when matchers run in parallel")
        }
        XCTAssertGreaterThan(shared.maskPlans.count, 0)
    }

    func testBoundedEquivalenceMergesCounterStates() throws {
        var dfa = try ByteDFA(ecma: "a{0,100}", mode: .fullMatch)
        XCTAssertTrue(try dfa.determinizeEagerly(maxTableEntries: 1 << 16))
        let classes = try XCTUnwrap(dfa.boundedEquivalenceClasses(depth: 4))
        XCTAssertEqual(Set(classes).count, 6)   // dead; 0, 1, 2, 3, 4 or more a's left
        XCTAssertEqual(Set(try XCTUnwrap(dfa.boundedEquivalenceClasses(depth: 200))).count, dfa.stateCount)
    }

    /// A long counted string (a JSON Schema `maxLength`): each position is a new automaton state,
    /// but tokens cannot tell positions far from the bound apart, so few plans are built, and the
    /// masks still equal the trie walk.
    func testCountedStringBuildsFewPlans() throws {
        let (vocab, _, tokenizer) = try smolAndJSON()
        // A Lark terminal is one lexeme whatever its bounds (a GBNF rule this long would become
        // helper nonterminals instead).
        let g = try GrammarCompiler.compile(Lark.parse("start: STR\nSTR: /'[a-z ]{0,300}'/\n"))
        let text = "'" + String(repeating: "the quick brown fox jumps over the lazy dog ", count: 3) + "'"
        let ids = tokenizer.encode(text)
        let trie = TokenTrie(vocab)
        let ours = try Self.masks(g, vocab, trie, ids)
        XCTAssertEqual(ours.masks, try Self.masks(g, vocab, trie, ids, byTrieWalk: true).masks)
        XCTAssertLessThan(ours.builds, ids.count / 2, "a plan per position: counter states not merged")
    }

    final class ResultBox: @unchecked Sendable {
        var result: Result<[[UInt32]], Error>?
    }

    /// One matcher per grammar, many random walks with rollbacks in between: the same parser
    /// states recur through different paths, so masks come from the signature cache; each must
    /// equal the trie walk.
    func testSignatureCacheOnRandomWalks() throws {
        let vocab = MaskTests.smallVocabulary()
        let trie = TokenTrie(vocab)
        var rng = SplitMix64(seed: 99)
        var hits = 0, compared = 0
        for _ in 0..<14 {
            let src = MaskTests.randomGrammar(&rng)
            guard let ir = try? GBNF.parse(src), let g = try? GrammarCompiler.compile(ir) else { continue }
            var m = try Matcher(grammar: g, vocabulary: vocab, trie: trie)
            var a = [UInt32](repeating: 0, count: (vocab.count + 31) / 32)
            var b = a
            for _ in 0..<5 {
                for _ in 0..<Int.random(in: 1...6, using: &rng) {
                    try m.fillMask(into: &a)
                    try m.fillMaskByTrieWalk(into: &b)
                    XCTAssertEqual(a, b, "\(src): cached mask ≠ trie walk after \(m.tokenCount) tokens")
                    compared += 1
                    var allowed: [Int] = []
                    for id in 0..<vocab.count - 1 where a[id >> 5] >> UInt32(id & 31) & 1 == 1 { allowed.append(id) }
                    guard let t = allowed.randomElement(using: &rng) else { break }
                    XCTAssertTrue(try m.accept(t))
                }
                m.rollback(tokens: Int.random(in: 0...m.tokenCount, using: &rng))
            }
            hits += m.maskCacheHits
        }
        XCTAssertGreaterThan(compared, 120)
        XCTAssertGreaterThan(hits, 15, "the signature cache rarely hit")
    }
}
