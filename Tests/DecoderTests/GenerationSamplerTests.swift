import XCTest

@testable import Decoder

/// The sampler alone, on synthetic logits: reproducible draws, each filter's effect, masked
/// tokens never chosen.
final class GenerationSamplerTests: XCTestCase {
    private func logits(_ values: [Float]) -> UnsafeMutablePointer<Float> {
        let p = UnsafeMutablePointer<Float>.allocate(capacity: values.count)
        p.initialize(from: values, count: values.count)
        return p
    }

    private func draws(_ options: SamplingOptions, _ values: [Float], n: Int = 400) throws -> [Int] {
        let s = try Sampler(options: options, vocabularySize: values.count)
        var out: [Int] = []
        for _ in 0..<n {
            let p = logits(values)
            defer { p.deallocate() }
            out.append(s.sample(p, count: values.count)!)
        }
        return out
    }

    func testXoshiroIsReproducibleAndSeedDependent() {
        var a = Xoshiro256(seed: 42), b = Xoshiro256(seed: 42), c = Xoshiro256(seed: 43)
        let xs = (0..<8).map { _ in a.next() }
        XCTAssertEqual(xs, (0..<8).map { _ in b.next() })
        XCTAssertNotEqual(xs, (0..<8).map { _ in c.next() })
        var u = Xoshiro256(seed: 0)
        for _ in 0..<1000 { let d = u.nextUnitDouble(); XCTAssert(d >= 0 && d < 1) }
    }

    func testGreedyTakesTheBestAllowed() throws {
        XCTAssertEqual(try draws(.greedy, [0.5, 3, -.infinity, 2.9], n: 3), [1, 1, 1])
        XCTAssertEqual(try draws(.greedy, [-.infinity, -.infinity, 1], n: 1), [2])
        let s = try Sampler(options: .greedy, vocabularySize: 3)
        let p = logits([-.infinity, -.infinity, -.infinity])
        defer { p.deallocate() }
        XCTAssertNil(s.sample(p, count: 3), "nothing allowed: no token")
    }

    func testSameSeedSameDrawsDifferentSeedDifferentDraws() throws {
        let values: [Float] = [1, 1.2, 0.8, 1.1, 0.9, 1.05]
        let a = try draws(SamplingOptions(temperature: 1, seed: 9), values)
        XCTAssertEqual(a, try draws(SamplingOptions(temperature: 1, seed: 9), values))
        XCTAssertNotEqual(a, try draws(SamplingOptions(temperature: 1, seed: 10), values))
        XCTAssertEqual(Set(a).count, values.count, "near-uniform logits: every token drawn in 400 tries")
    }

    func testMaskedTokensAreNeverDrawn() throws {
        let values: [Float] = [5, -.infinity, 5, -.infinity, 5]
        let d = try draws(SamplingOptions(temperature: 2, seed: 1), values)
        XCTAssertFalse(d.contains(1) || d.contains(3))
        XCTAssertEqual(Set(d), [0, 2, 4])
    }

    func testTopKTopPMinPRestrictTheCandidates() throws {
        let values: [Float] = [4, 3.9, 3.8, 0, -1, -2]
        XCTAssertEqual(Set(try draws(SamplingOptions(temperature: 1, topK: 2, seed: 3), values)), [0, 1])
        // p ≈ [0.36, 0.33, 0.30, 0.007, …]: top-p 0.6 keeps the first two.
        XCTAssertEqual(Set(try draws(SamplingOptions(temperature: 1, topP: 0.6, seed: 3), values)), [0, 1])
        // min-p 0.5: tokens at least half as likely as the best: the first three.
        XCTAssertEqual(Set(try draws(SamplingOptions(temperature: 1, minP: 0.5, seed: 3), values)), [0, 1, 2])
    }

    func testTemperatureSharpensAndFlattens() throws {
        let values: [Float] = [1, 0]
        let cold = try draws(SamplingOptions(temperature: 0.1, seed: 5), values, n: 1000).filter { $0 == 1 }.count
        let hot = try draws(SamplingOptions(temperature: 10, seed: 5), values, n: 1000).filter { $0 == 1 }.count
        XCTAssertLessThan(cold, 5, "T = 0.1: p(1) = e^-10")
        XCTAssertGreaterThan(hot, 400, "T = 10: p(1) ≈ 0.475")
    }

    func testRepetitionPenaltyDemotesRecentTokens() throws {
        let s = try Sampler(options: SamplingOptions(repetitionPenalty: 2), vocabularySize: 3)
        s.record(0)
        s.record(0)   // twice in the window: penalized once
        let p = logits([2, 1.5, -1])
        defer { p.deallocate() }
        XCTAssertEqual(s.sample(p, count: 3), 1, "2 / 2 = 1 < 1.5")
        XCTAssertEqual(p[0], 1, "divided once, not twice")
    }

    func testOptionsOutOfRangeAreErrors() {
        XCTAssertThrowsError(try SamplingOptions(temperature: -1).validate())
        XCTAssertThrowsError(try SamplingOptions(topP: 0).validate())
        XCTAssertThrowsError(try SamplingOptions(minP: 1).validate())
        XCTAssertThrowsError(try SamplingOptions(maxTokens: 0).validate())
        XCTAssertNoThrow(try SamplingOptions(temperature: 0.7, topK: 40, topP: 0.95, minP: 0.05).validate())
    }
}
