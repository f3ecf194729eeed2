import Foundation
import Kernels

/// Chooses the next token from masked logits: repetition penalty, then greedy or top-k →
/// temperature → min-p → top-p → a seeded draw (`SamplingOptions`).
///
/// Every buffer is allocated once, at `init`, for the vocabulary width: sampling a token allocates
/// nothing. Logits at −inf (masked out) are never chosen; if every logit is −inf, `sample` returns nil.
///
/// ```swift
/// var sampler = try Sampler(options: SamplingOptions(temperature: 0.7, seed: 1), vocabularySize: n)
/// let token = sampler.sample(logits, count: n)   // logits may be modified (penalty)
/// sampler.record(token!)                         // feeds the repetition penalty
/// ```
public final class Sampler {
    public let options: SamplingOptions
    public let vocabularySize: Int
    private var rng: Xoshiro256
    private let indices: UnsafeMutablePointer<Int32>
    private let values: UnsafeMutablePointer<Float>
    private let candidates: UnsafeMutablePointer<Candidate>
    /// Recent generated tokens, a ring of `repetitionWindow` entries.
    private let recent: UnsafeMutablePointer<Int32>
    private var recentCount = 0, recentNext = 0
    /// Per-token stamp so a token repeated in the window is penalized once.
    private let stamps: UnsafeMutablePointer<UInt32>
    private var stamp: UInt32 = 0

    struct Candidate { var value: Float; var id: Int32 }

    public init(options: SamplingOptions, vocabularySize: Int) throws(GenerationError) {
        try options.validate()
        guard vocabularySize > 0 else { throw .invalidOption("vocabulary size is \(vocabularySize)") }
        self.options = options
        self.vocabularySize = vocabularySize
        rng = Xoshiro256(seed: options.seed)
        indices = .allocate(capacity: vocabularySize)
        values = .allocate(capacity: vocabularySize)
        candidates = .allocate(capacity: vocabularySize)
        recent = .allocate(capacity: max(1, options.repetitionWindow))
        stamps = .allocate(capacity: vocabularySize)
        stamps.initialize(repeating: 0, count: vocabularySize)
    }

    deinit {
        indices.deallocate(); values.deallocate(); candidates.deallocate()
        recent.deallocate(); stamps.deallocate()
    }

    /// Forgets the recent tokens and restarts the random stream from the seed.
    public func reset() {
        rng = Xoshiro256(seed: options.seed)
        recentCount = 0
        recentNext = 0
    }

    /// Notes a generated token for the repetition penalty.
    public func record(_ token: Int) {
        guard options.repetitionWindow > 0 else { return }
        recent[recentNext] = Int32(truncatingIfNeeded: token)
        recentNext = (recentNext + 1) % options.repetitionWindow
        recentCount = min(recentCount + 1, options.repetitionWindow)
    }

    /// The chosen token id, or nil when every logit is −inf (nothing allowed).
    /// `logits` (at least `count` ≤ `vocabularySize` values) may be modified.
    public func sample(_ logits: UnsafeMutablePointer<Float>, count: Int) -> Int? {
        precondition(count <= vocabularySize, "\(count) logits for a sampler of \(vocabularySize)")
        applyRepetitionPenalty(logits, count: count)
        if options.temperature == 0 { return Self.argmaxFinite(logits, count: count) }

        // Candidates, best first when a sort is needed (top-k yields them sorted).
        var n = 0
        var sorted = false
        if options.topK > 0 && options.topK < count {
            let k = Selection.topK(logits, count: count, k: options.topK, indices: indices, values: values)
            for i in 0..<k where values[i] > -.infinity {
                candidates[n] = Candidate(value: values[i], id: indices[i]); n += 1
            }
            sorted = true
        } else {
            for i in 0..<count where logits[i] > -.infinity {
                candidates[n] = Candidate(value: logits[i], id: Int32(truncatingIfNeeded: i)); n += 1
            }
        }
        guard n > 0 else { return nil }
        if n == 1 { return Int(candidates[0].id) }

        // Temperature and softmax numerators (relative to the best, so the best has weight 1).
        var best = -Float.infinity
        for i in 0..<n { best = max(best, candidates[i].value) }
        let invT = Float(1 / options.temperature)
        for i in 0..<n { candidates[i].value = expf((candidates[i].value - best) * invT) }

        // min-p: keep p ≥ minP · p_max (the best's weight is 1).
        if options.minP > 0 {
            let floor = Float(options.minP)
            var m = 0
            for i in 0..<n where candidates[i].value >= floor { candidates[m] = candidates[i]; m += 1 }
            n = m
        }
        // top-p: the smallest prefix of the sorted candidates reaching topP of the mass.
        if options.topP < 1 {
            if !sorted {
                var buffer = UnsafeMutableBufferPointer(start: candidates, count: n)
                buffer.sort(by: Self.before)
            }
            var total: Float = 0
            for i in 0..<n { total += candidates[i].value }
            let target = Float(options.topP) * total
            var running: Float = 0
            var keep = n
            for i in 0..<n {
                running += candidates[i].value
                if running >= target { keep = i + 1; break }
            }
            n = keep
        }
        var total: Double = 0
        for i in 0..<n { total += Double(candidates[i].value) }
        var u = rng.nextUnitDouble() * total
        for i in 0..<n {
            u -= Double(candidates[i].value)
            if u < 0 { return Int(candidates[i].id) }
        }
        return Int(candidates[n - 1].id)   // rounding left a sliver: the last candidate
    }

    private func applyRepetitionPenalty(_ logits: UnsafeMutablePointer<Float>, count: Int) {
        guard options.repetitionPenalty != 1, recentCount > 0 else { return }
        stamp &+= 1
        if stamp == 0 {   // wrapped: clear so old stamps cannot match
            stamps.update(repeating: 0, count: vocabularySize)
            stamp = 1
        }
        let p = Float(options.repetitionPenalty)
        for i in 0..<recentCount {
            let t = Int(recent[i])
            guard t < count, stamps[t] != stamp else { continue }
            stamps[t] = stamp
            let v = logits[t]
            if v > -.infinity { logits[t] = v > 0 ? v / p : v * p }
        }
    }

    /// Sort order of candidates: more likely first, then lower id.
    private static func before(_ a: Candidate, _ b: Candidate) -> Bool {
        if a.value != b.value { return a.value > b.value }
        return a.id < b.id
    }

    /// The first index of the largest logit above −inf, or nil.
    static func argmaxFinite(_ logits: UnsafePointer<Float>, count: Int) -> Int? {
        guard let i = Selection.argmax(logits, count: count), logits[i] > -.infinity else { return nil }
        return i
    }
}
