import Foundation
import XCTest
@testable import Grammar

/// The two shortcuts of the mask walk against what they replace: `LexerSetDFA` (every lexeme in
/// progress stepped together, for plan builds) against stepping each lexeme alone, and
/// `EarleyParser.canPush` (for trie leaves) against `push`, at random reachable parser states.
final class LexerSetDFATests: XCTestCase {
    /// The grammars: the shipped C and JSON grammars and random small ones.
    func grammars() throws -> [(String, CompiledGrammar)] {
        var out: [(String, CompiledGrammar)] = []
        for file in ["c.gbnf", "json.gbnf"] {
            let url = SharedData.root.appendingPathComponent("grammars/gbnf/" + file)
            out.append((file, try GrammarCompiler.compile(GBNF.parse(String(contentsOf: url, encoding: .utf8)))))
        }
        var rng = SplitMix64(seed: 7)
        while out.count < 22 {
            let src = MaskTests.randomGrammar(&rng)
            guard let ir = try? GBNF.parse(src), let g = try? GrammarCompiler.compile(ir) else { continue }
            out.append((src, g))
        }
        return out
    }

    /// Walks `parser` over up to `steps` random viable bytes.
    static func randomWalk(_ parser: inout EarleyParser, steps: Int, rng: inout SplitMix64) throws {
        for _ in 0..<steps {
            var viable: [UInt8] = []
            for b in 0...255 where try parser.push(UInt8(b)) {
                viable.append(UInt8(b))
                parser.pop(1)
            }
            guard let b = viable.randomElement(using: &rng) else { return }
            XCTAssertTrue(try parser.push(b))
        }
    }

    /// The current row's lexemes in progress as sorted, distinct `lexeme << 32 | state` pairs.
    static func pairs(_ p: EarleyParser) -> [UInt64] {
        let k = p.byteCount
        var out = (p.activeStart[k]..<p.activeStart[k + 1]).map {
            UInt64(UInt32(bitPattern: p.actives[$0].lexeme)) << 32 | UInt64(UInt32(bitPattern: p.actives[$0].state))
        }
        Matcher.sortUnique(&out)
        return out
    }

    func testSetStepsEqualEachLexemeAlone() throws {
        var rng = SplitMix64(seed: 11)
        var compared = 0
        for (name, g) in try grammars() {
            var sets = LexerSetDFA(g)
            for _ in 0..<8 {
                var p = try EarleyParser(g)
                try Self.randomWalk(&p, steps: Int.random(in: 0...30, using: &rng), rng: &rng)
                var expected = Self.pairs(p)
                var s = sets.state(for: expected, parser: p)
                // Follow random bytes (printable, and a few outside ASCII) through both.
                for _ in 0..<12 {
                    let byte = UInt8.random(in: 0...255, using: &rng) & (Bool.random(using: &rng) ? 0x7F : 0xFF)
                    var next: [UInt64] = []
                    for q in expected {
                        let l = Int32(truncatingIfNeeded: q >> 32)
                        let t = try p.stepLexeme(l, Int32(truncatingIfNeeded: q & 0xFFFF_FFFF), byte)
                        if t != ByteDFA.deadState { next.append(UInt64(UInt32(bitPattern: l)) << 32 | UInt64(UInt32(bitPattern: t))) }
                    }
                    Matcher.sortUnique(&next)
                    s = try sets.next(s, byte, parser: &p)
                    let got = Array(sets.pairs[sets.pairStart[Int(s)]..<sets.pairStart[Int(s) + 1]])
                    XCTAssertEqual(got, next, "\(name): set step on byte \(byte)")
                    let completes = next.contains {
                        p.lexemeAccepts(Int32(truncatingIfNeeded: $0 >> 32), Int32(truncatingIfNeeded: $0 & 0xFFFF_FFFF))
                    }
                    XCTAssertEqual(sets.completes[Int(s)], completes, "\(name): completes after byte \(byte)")
                    XCTAssertEqual(s == 0, next.isEmpty, "\(name): state 0 is exactly the empty set")
                    compared += 1
                    expected = next
                    if next.isEmpty { break }
                }
            }
        }
        XCTAssertGreaterThan(compared, 150)
    }

    func testCanPushEqualsPush() throws {
        var rng = SplitMix64(seed: 12)
        var viable = 0, refused = 0
        for (name, g) in try grammars() {
            for _ in 0..<6 {
                var p = try EarleyParser(g)
                try Self.randomWalk(&p, steps: Int.random(in: 0...30, using: &rng), rng: &rng)
                let before = p.byteCount
                for b in 0...255 {
                    let predicted = try p.canPush(UInt8(b))
                    let pushed = try p.push(UInt8(b))
                    if pushed { p.pop(1) }
                    XCTAssertEqual(predicted, pushed, "\(name): canPush(\(b)) ≠ push at byte \(before)")
                    if pushed { viable += 1 } else { refused += 1 }
                }
                XCTAssertEqual(p.byteCount, before)
            }
        }
        XCTAssertGreaterThan(viable, 100)
        XCTAssertGreaterThan(refused, 100)
    }

    /// Plans built through `LexerSetDFA`, walked with leaf shortcuts, whatever the size of subtree
    /// walked directly (0: every uncertain subtree through a plan of its own), equal the plain walk.
    func testPlansEqualTrieWalkForAnyDirectWalkSize() throws {
        let vocab = MaskTests.smallVocabulary()
        let trie = TokenTrie(vocab)
        var rng = SplitMix64(seed: 13)
        var compared = 0
        for (name, g) in try grammars().dropFirst(2) {
            for direct in [0, 4, 100] {
                var m = try Matcher(grammar: g, vocabulary: vocab, trie: trie)
                m.directWalkMaxNodes = direct
                var a = [UInt32](repeating: 0, count: (vocab.count + 31) / 32)
                var b = a
                for _ in 0..<5 {
                    m.rollback(tokens: m.tokenCount)
                    for _ in 0..<Int.random(in: 0...10, using: &rng) {
                        var viable: [UInt8] = []
                        for c in 0...255 where try m.parser.push(UInt8(c)) {
                            viable.append(UInt8(c))
                            m.parser.pop(1)
                        }
                        guard let c = viable.randomElement(using: &rng) else { break }
                        XCTAssertTrue(try m.acceptBytes([c]))
                    }
                    try m.fillMaskByPlans(into: &a)
                    try m.fillMaskByTrieWalk(into: &b)
                    if m.isAccepting { for id in vocab.endOfGenerationIDs { a[id >> 5] |= 1 << UInt32(id & 31) } }
                    XCTAssertEqual(a, b, "\(name): plan mask ≠ trie walk (direct walk ≤ \(direct) nodes)")
                    compared += 1
                }
            }
        }
        XCTAssertGreaterThan(compared, 100)
    }
}
