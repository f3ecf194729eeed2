/// Token-level constrained decoding for one sequence: masks, accepting tokens, rollback, forks.
///
/// The compiled grammar and the token trie are shared (immutable); the matcher holds the parser's
/// rows (one per byte accepted) and the byte length of each accepted token, so rolling back tokens
/// is popping rows.
///
/// ```swift
/// let grammar = try GrammarCompiler.compile(GBNF.parse(#"root ::= "yes" | "no""#))
/// var m = try Matcher(grammar: grammar, vocabulary: vocab)
/// var mask = [UInt32](repeating: 0, count: (logitCount + 31) / 32)
/// try m.fillMask(into: &mask)             // bit i set ⇔ token i allowed
/// try m.accept(token)                     // false if refused (state unchanged)
/// m.isAccepting                           // EOS allowed
/// ```
public struct Matcher {
    public let grammar: CompiledGrammar
    public let trie: TokenTrie
    public let vocabulary: Vocabulary
    var parser: EarleyParser
    var tokenLengths: [Int] = []

    public init(grammar: CompiledGrammar, vocabulary: Vocabulary, trie: TokenTrie? = nil,
                limits: EarleyParser.Limits = EarleyParser.Limits()) throws(GrammarError) {
        self.grammar = grammar
        self.vocabulary = vocabulary
        self.trie = trie ?? TokenTrie(vocabulary)
        self.parser = try EarleyParser(grammar, limits: limits)
    }

    /// True when the text so far is a sentence: end-of-sequence tokens are allowed exactly then.
    public var isAccepting: Bool { parser.isAccepting }

    /// Number of tokens accepted (and not rolled back).
    public var tokenCount: Int { tokenLengths.count }

    /// An independent copy (shares the compiled artifacts).
    public func fork() -> Matcher { self }

    /// Sets bit `i` of `words` (word `i / 32`, bit `i % 32`) exactly for the allowed tokens and
    /// clears every other bit. `words` must cover the logits (ids past the vocabulary stay clear).
    public mutating func fillMask(into words: inout [UInt32]) throws(GrammarError) {
        precondition(words.count * 32 >= vocabulary.count, "mask narrower than the vocabulary")
        for i in words.indices { words[i] = 0 }
        let start = parser.byteCount
        var ends: [Int] = []
        ends.reserveCapacity(64)
        let n = trie.nodeCount
        var node = 1
        do {
            try trie.bytes.withUnsafeBufferPointer { bytes throws(GrammarError) in
                try trie.subtreeSize.withUnsafeBufferPointer { size throws(GrammarError) in
                    while node < n {
                        while let e = ends.last, node >= e { parser.pop(1); ends.removeLast() }
                        if try parser.push(bytes[node]) {
                            for t in Int(trie.tokenStart[node])..<Int(trie.tokenStart[node + 1]) {
                                let id = Int(trie.tokens[t])
                                words[id >> 5] |= 1 << UInt32(id & 31)
                            }
                            ends.append(node + Int(size[node]))
                            node += 1
                        } else {
                            node += Int(size[node])
                        }
                    }
                }
            }
        } catch {
            parser.pop(parser.byteCount - start)
            throw error
        }
        parser.pop(parser.byteCount - start)
        if parser.isAccepting {
            for id in vocabulary.endOfGenerationIDs where id < words.count * 32 {
                words[id >> 5] |= 1 << UInt32(id & 31)
            }
        }
    }

    /// Accepts `token` if allowed (its bytes, or an end-of-generation token when accepting);
    /// returns false and changes nothing otherwise.
    @discardableResult
    public mutating func accept(_ token: Int) throws(GrammarError) -> Bool {
        guard token >= 0 && token < vocabulary.count else { return false }
        if vocabulary.endOfGenerationIDs.contains(token) {
            guard parser.isAccepting else { return false }
            tokenLengths.append(0)
            return true
        }
        guard vocabulary.kind(of: token).isText, vocabulary.byteCount(of: token) > 0 else { return false }
        let before = parser.byteCount
        guard try parser.push(bytes: vocabulary.bytes(of: token)) else { return false }
        tokenLengths.append(parser.byteCount - before)
        return true
    }

    /// Accepts raw bytes (text not aligned to tokens, e.g. a forced prefix); all or nothing.
    /// They count as one token for `rollback(tokens:)`.
    @discardableResult
    public mutating func acceptBytes(_ bytes: some Sequence<UInt8>) throws(GrammarError) -> Bool {
        let before = parser.byteCount
        guard try parser.push(bytes: bytes) else { return false }
        tokenLengths.append(parser.byteCount - before)
        return true
    }

    /// Undoes the last `tokens` accepted tokens.
    public mutating func rollback(tokens: Int) {
        precondition(tokens >= 0 && tokens <= tokenLengths.count, "rollback(\(tokens)) past the start")
        var bytes = 0
        for _ in 0..<tokens { bytes += tokenLengths.removeLast() }
        parser.pop(bytes)
    }

    /// The bytes every continuation must start with (stops where a choice, or the end, is possible).
    public mutating func forcedBytes() throws(GrammarError) -> [UInt8] {
        var out: [UInt8] = []
        let start = parser.byteCount
        defer { parser.pop(parser.byteCount - start) }
        while !parser.isAccepting, out.count < 4096 {
            var only: UInt8? = nil
            var count = 0
            for b in 0...255 {
                if try parser.push(UInt8(b)) {
                    parser.pop(1)
                    count += 1
                    only = UInt8(b)
                    if count > 1 { break }
                }
            }
            guard count == 1, let b = only else { break }
            _ = try parser.push(b)
            out.append(b)
        }
        return out
    }

    /// How many of `drafts` would be accepted in order (the longest accepted prefix); the state
    /// is unchanged.
    public mutating func validate(drafts: [Int]) throws(GrammarError) -> Int {
        var n = 0
        for t in drafts {
            guard try accept(t) else { break }
            n += 1
        }
        rollback(tokens: n)
        return n
    }
}
