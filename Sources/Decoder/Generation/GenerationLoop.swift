import Dispatch
import Grammar
import Kernels

/// The constrained decoding loop for one sequence: logits → grammar mask (applied with
/// `LogitMask`) → `Sampler` → token → `Matcher.accept` and the KV cache.
///
/// - End-of-generation tokens are allowed exactly where the grammar accepts (the matcher's mask
///   says so); `maxTokens` ends with `.incomplete`.
/// - A step where the mask allows one text token only feeds it without sampling (exact: the
///   masked distribution gives it probability 1); consecutive forced tokens go through the model
///   in one batch. A step where only end-of-generation is allowed finishes without a forward pass.
/// - `MaskStrategy` says when masks are computed: before every token, during the forward pass
///   on a worker thread, or only when the token drawn without a mask is refused (see
///   docs/generation.md for what pays on 2 cores).
///
/// Buffers (logits copy, mask words, pending forced tokens) are allocated once per loop, never
/// per token. Not thread-safe; one loop per sequence.
///
/// ```swift
/// let loop = try GenerationLoop(session: session, vocabulary: tok.vocabulary, grammar: g, options: .greedy)
/// let outcome = try loop.run(prompt: ids) { token in print(token); return true }
/// ```
public final class GenerationLoop {
    public let session: InferenceSession
    public let vocabulary: Vocabulary
    public let options: SamplingOptions
    /// How masks are scheduled (resolved: `.automatic` never appears here).
    public let strategy: MaskStrategy
    private let sampler: Sampler
    private var matcher: Matcher?
    private let width: Int
    private let wordCount: Int
    private var mask: [UInt32]
    private let logits: UnsafeMutablePointer<Float>
    private var pending: [Int] = []
    private var worker: MaskWorker?
    private var workerError: GrammarError?
    private var workerSeconds: Double = 0
    private let endIDs: [Int]

    /// What `run` returns.
    public struct Outcome: Sendable {
        public var tokens: [Int]
        public var status: GenerationStatus
        public var stats: GenerationStats
    }

    /// - Parameters:
    ///   - grammar: nil for unconstrained generation.
    ///   - trie: the vocabulary's token trie, if already built (it is shared and immutable).
    public init(session: InferenceSession, vocabulary: Vocabulary, grammar: CompiledGrammar?, trie: TokenTrie? = nil,
                options: SamplingOptions, maskStrategy: MaskStrategy = .automatic) throws(GenerationError) {
        self.session = session
        self.vocabulary = vocabulary
        self.options = options
        width = session.vocabularySize
        guard vocabulary.count <= width else {
            throw .model("the tokenizer has \(vocabulary.count) tokens but the model only \(width) logits")
        }
        sampler = try Sampler(options: options, vocabularySize: width)
        if let grammar {
            do { matcher = try Matcher(grammar: grammar, vocabulary: vocabulary, trie: trie) } catch {
                throw .constraint(error.description)
            }
        }
        wordCount = Bitset.wordCount(bits: width)
        mask = [UInt32](repeating: 0, count: wordCount)
        logits = .allocate(capacity: width)
        let w = session.vocabularySize
        endIDs = vocabulary.endOfGenerationIDs.filter { $0 < w }
        pending.reserveCapacity(256)
        strategy = maskStrategy.resolved(for: options)
    }

    /// The worker thread of `.overlapped`, started on first use.
    private func startWorker() {
        guard strategy == .overlapped, matcher != nil, worker == nil else { return }
        worker = MaskWorker { [unowned self] in
            let t0 = DispatchTime.now().uptimeNanoseconds
            do throws(GrammarError) { try self.matcher!.fillMask(into: &self.mask) } catch { self.workerError = error }
            self.workerSeconds = Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9
        }
    }

    deinit {
        worker?.stop()
        logits.deallocate()
    }

    /// True while the matcher accepts the text so far (always, unconstrained).
    public var isAccepting: Bool { matcher?.isAccepting ?? true }

    /// Generates after `prompt` (token ids, template applied). `onToken` sees each generated text
    /// token as soon as it is chosen; returning false stops with `.cancelled`.
    public func run(prompt: [Int], onToken: (Int) -> Bool) throws(GenerationError) -> Outcome {
        guard !prompt.isEmpty else { throw .invalidOption("the prompt is empty (no tokens)") }
        let needed = prompt.count + options.maxTokens
        guard needed <= session.contextLength - session.position else {
            throw .contextFull("\(prompt.count) prompt tokens + \(options.maxTokens) max tokens exceed the context of \(session.contextLength - session.position)")
        }
        sampler.reset()
        startWorker()
        var stats = GenerationStats()
        stats.promptTokens = prompt.count
        var tokens: [Int] = []
        tokens.reserveCapacity(options.maxTokens)
        let t0 = DispatchTime.now().uptimeNanoseconds
        func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9 }
        var firstTokenAt: Double? = nil
        var status = GenerationStatus.incomplete

        // Prompt, with the first mask computed beside it (overlapped) or before it (every step);
        // the opportunistic strategy computes a mask only when the drawn token is refused.
        var out: UnsafeBufferPointer<Float>
        var maskValid = false
        if strategy == .opportunistic {
            out = try forward(prompt)
        } else {
            out = try forwardWithMask(prompt, &stats)
            maskValid = matcher != nil
        }
        func ensureMask() throws(GenerationError) {
            if !maskValid { try computeMask(&stats); maskValid = true }
        }
        func textSoFar() -> String { String(decoding: tokens.flatMap { vocabulary.bytes(of: $0) }, as: UTF8.self) }

        loop: while true {
            if tokens.count >= options.maxTokens {
                // Finished only if nothing but the end could follow; otherwise the text is a prefix.
                if matcher != nil {
                    try ensureMask()
                    let (a, e, _) = census()
                    status = a > 0 && a == e ? .finished : .incomplete
                } else {
                    status = .incomplete
                }
                break loop
            }
            var token = -1
            var accepted = false
            if matcher != nil && !maskValid {
                // Opportunistic (DOMINO, Beurer-Kellner et al. 2024): draw from the unmasked
                // distribution and check that one token. Exact for greedy and plain temperature
                // sampling: a refused draw is redrawn from the masked distribution, so token a
                // comes out with p(a) + (1 − Z)·p(a)/Z = p(a)/Z, Z the allowed mass.
                logits.update(from: out.baseAddress!, count: width)
                guard let t = sampler.sample(logits, count: width) else { throw .deadEnd(text: textSoFar()) }
                if isEnd(t) {
                    if matcher!.isAccepting { token = t; accepted = true }
                } else {
                    do { accepted = try matcher!.accept(t) } catch { throw .constraint(error.description) }
                    if accepted { token = t }
                }
                if !accepted { try ensureMask() }
            }
            if !accepted {
                if matcher != nil {
                    let (allowed, endAllowed, single) = census()
                    if allowed == 0 { throw .deadEnd(text: textSoFar()) }
                    if allowed == endAllowed { status = .finished; break loop }   // only the end is allowed
                    if single >= 0 {
                        token = single
                        stats.forcedTokens += 1
                    }
                }
                if token < 0 {
                    logits.update(from: out.baseAddress!, count: width)
                    if matcher != nil { mask.withUnsafeBufferPointer { LogitMask.apply(logits, count: width, allowed: $0.baseAddress!) } }
                    guard let t = sampler.sample(logits, count: width) else { throw .deadEnd(text: textSoFar()) }
                    token = t
                }
            }
            if firstTokenAt == nil { firstTokenAt = now() }
            if isEnd(token) {
                stats.generatedTokens += 1
                status = .finished
                break loop
            }
            if !accepted { try accept(token) }
            maskValid = false
            tokens.append(token)
            sampler.record(token)
            stats.generatedTokens += 1
            guard onToken(token) else { status = .cancelled; break loop }
            // The last token allowed: its logits would never be used.
            if tokens.count >= options.maxTokens { continue loop }

            pending.removeAll(keepingCapacity: true)
            pending.append(token)
            switch strategy {
            case .opportunistic, .automatic:   // .automatic is resolved at init
                out = try forward(pending)
            case .overlapped:
                out = try forwardWithMask(pending, &stats)
                maskValid = matcher != nil
            case .everyStep:
                guard matcher != nil else { out = try forward(pending); continue loop }
                // Forced continuation: tokens that are the only choice are fed without sampling,
                // all in one batch.
                try computeMask(&stats)
                maskValid = true
                while tokens.count < options.maxTokens {
                    let (a, e, s) = census()
                    if a == 0 || a == e { break }   // dead end or only the end: handled at the loop top
                    guard s >= 0 else { break }
                    try accept(s)
                    tokens.append(s)
                    sampler.record(s)
                    stats.generatedTokens += 1
                    stats.forcedTokens += 1
                    guard onToken(s) else { status = .cancelled; break loop }
                    pending.append(s)
                    try computeMask(&stats)
                }
                let (a, e, _) = census()
                if a > 0 && a == e { status = .finished; break loop }   // no forward pass needed
                out = try forward(pending)
            }
        }
        stats.totalTime = now()
        stats.timeToFirstToken = firstTokenAt ?? stats.totalTime
        return Outcome(tokens: tokens, status: status, stats: stats)
    }

    /// Allowed tokens, allowed end tokens, and the single allowed text token (or −1).
    private func census() -> (Int, Int, Int) {
        mask.withUnsafeBufferPointer { m -> (Int, Int, Int) in
            let allowed = Bitset.popcount(m.baseAddress!, words: wordCount)
            var ends = 0
            for id in endIDs where Bitset.test(m.baseAddress!, id) { ends += 1 }
            var single = -1
            if allowed - ends == 1 && ends == 0, let i = Bitset.firstSet(m.baseAddress!, words: wordCount) { single = i }
            return (allowed, ends, single)
        }
    }

    private func isEnd(_ token: Int) -> Bool { endIDs.contains(token) }

    private func accept(_ token: Int) throws(GenerationError) {
        guard matcher != nil else { return }
        let ok: Bool
        do { ok = try matcher!.accept(token) } catch { throw .constraint(error.description) }
        // The mask allowed it, so the matcher must accept it; anything else is an engine bug.
        precondition(ok, "the matcher refused token \(token) that its mask allowed")
    }

    private func computeMask(_ stats: inout GenerationStats) throws(GenerationError) {
        guard matcher != nil else { return }
        let t0 = DispatchTime.now().uptimeNanoseconds
        do { try matcher!.fillMask(into: &mask) } catch { throw .constraint(error.description) }
        let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9
        stats.maskTime += dt
        stats.maskWaitTime += dt
        stats.masks += 1
    }

    private func forward(_ ids: [Int]) throws(GenerationError) -> UnsafeBufferPointer<Float> {
        do { return try session.forward(tokens: ids) } catch { throw .model(error.description) }
    }

    /// The forward pass of `ids`, with the next mask computed beside it (or before it, serially).
    private func forwardWithMask(_ ids: [Int], _ stats: inout GenerationStats) throws(GenerationError) -> UnsafeBufferPointer<Float> {
        guard matcher != nil else { return try forward(ids) }
        guard let worker else {
            try computeMask(&stats)
            return try forward(ids)
        }
        workerError = nil
        worker.start()
        let result: Result<UnsafeBufferPointer<Float>, GenerationError>
        do { result = .success(try forward(ids)) } catch { result = .failure(error) }
        let t0 = DispatchTime.now().uptimeNanoseconds
        worker.wait()
        stats.maskWaitTime += Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9
        stats.maskTime += workerSeconds
        stats.masks += 1
        if let workerError { throw .constraint(workerError.description) }
        return try result.get()
    }
}
