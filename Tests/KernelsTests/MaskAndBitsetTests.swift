import XCTest

@testable import Kernels

/// Logit masking and bitset operations against Set<Int> models, at widths that are not multiples
/// of 32 (the last word's padding bits) and the real vocabulary width.
final class MaskAndBitsetTests: XCTestCase {
    static let widths = [1, 31, 32, 33, 100, 49_152, 49_155]

    private func randomBits(_ width: Int, density: Double, _ rng: inout SeededGenerator) -> (Set<Int>, [UInt32]) {
        var set = Set<Int>()
        var words = [UInt32](repeating: 0, count: Bitset.wordCount(bits: width))
        for i in 0..<width where Double.random(in: 0..<1, using: &rng) < density {
            set.insert(i)
            Bitset.set(&words, i)
        }
        return (set, words)
    }

    func testApplyMask() {
        var rng = SeededGenerator(seed: 21)
        for width in Self.widths {
            for density in [0.0, 0.02, 0.5, 1.0] {
                let (allowed, words) = randomBits(width, density: density, &rng)
                let logits = RandomTensor.floats(width, &rng)
                var masked = logits
                LogitMask.apply(&masked, count: width, allowed: words)
                for i in 0..<width {
                    XCTAssertEqual(masked[i], allowed.contains(i) ? logits[i] : -.infinity, "width \(width) i \(i)")
                }
            }
        }
    }

    func testBitsetOperations() {
        var rng = SeededGenerator(seed: 22)
        for width in Self.widths {
            let count = Bitset.wordCount(bits: width)
            let (a, wa) = randomBits(width, density: 0.3, &rng)
            let (b, wb) = randomBits(width, density: 0.1, &rng)
            var out = [UInt32](repeating: 0xDEAD, count: count)
            func members(_ w: [UInt32]) -> Set<Int> { Set((0..<width).filter { Bitset.test(w, $0) }) }
            Bitset.and(wa, wb, into: &out, words: count)
            XCTAssertEqual(members(out), a.intersection(b))
            Bitset.or(wa, wb, into: &out, words: count)
            XCTAssertEqual(members(out), a.union(b))
            Bitset.andNot(wa, wb, into: &out, words: count)
            XCTAssertEqual(members(out), a.subtracting(b))
            XCTAssertEqual(Bitset.popcount(wa, words: count), a.count)
            XCTAssertEqual(Bitset.firstSet(wa, words: count), a.min())
            let from = width / 2
            XCTAssertEqual(Bitset.nextSet(wa, words: count, from: from), a.filter { $0 >= from }.min())
            XCTAssertNil(Bitset.nextSet(wa, words: count, from: count * 32))
            var all = [UInt32](repeating: 0, count: count)
            Bitset.setAll(&all, bits: width)
            XCTAssertEqual(Bitset.popcount(all, words: count), width, "padding bits stay clear")
            var one = [UInt32](repeating: 0, count: count)
            Bitset.set(&one, width - 1)
            XCTAssertEqual(Bitset.firstSet(one, words: count), width - 1)
            Bitset.clear(&one, width - 1)
            XCTAssertNil(Bitset.firstSet(one, words: count))
        }
    }
}
