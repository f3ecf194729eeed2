extension Tokenizer {
    /// The bytes the tokens stand for. Control and other text-less tokens add nothing unless
    /// `includeSpecial` (then their literal spelling); ids outside the vocabulary are skipped.
    /// SentencePiece models drop the space their prefix rule put before the first token.
    ///
    /// ```swift
    /// tok.decode(tok.encode("héllo"))   // the UTF-8 of "héllo"
    /// ```
    public func decode(_ ids: [Int], includeSpecial: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        var first = true
        for id in ids { appendBytes(of: id, includeSpecial: includeSpecial, first: &first, to: &out) }
        return out
    }

    /// The text the tokens stand for (invalid UTF-8 shown as U+FFFD).
    public func decodeText(_ ids: [Int], includeSpecial: Bool = false) -> String {
        String(decoding: decode(ids, includeSpecial: includeSpecial), as: UTF8.self)
    }

    /// A decoder for tokens arriving one at a time, e.g. during generation.
    public func makeStreamingDecoder(includeSpecial: Bool = false) -> StreamingDetokenizer {
        StreamingDetokenizer(tokenizer: self, includeSpecial: includeSpecial)
    }

    func appendBytes(of id: Int, includeSpecial: Bool, first: inout Bool, to out: inout [UInt8]) {
        guard id >= 0, id < vocabulary.count else { return }
        let kind = vocabulary.kind(of: id)
        if kind.isText {
            var bytes = vocabulary.bytes(of: id)
            if first && model == .sentencePiece && addsSpacePrefix && kind == .normal && bytes.first == 0x20 {
                bytes = bytes.dropFirst()
            }
            out.append(contentsOf: bytes)
            first = false
        } else if includeSpecial {
            out.append(contentsOf: vocabulary.literal(of: id).utf8)
        }
    }
}

/// Decodes tokens one at a time into text, holding back the bytes of a character split across
/// tokens until it is complete (byte-level and byte-fallback tokens can end mid-character).
///
/// ```swift
/// var stream = tok.makeStreamingDecoder()
/// for id in ids { print(stream.append(id), terminator: "") }
/// print(stream.finish())
/// ```
public struct StreamingDetokenizer: Sendable {
    let tokenizer: Tokenizer
    let includeSpecial: Bool
    private var pending: [UInt8] = []
    private var first = true

    init(tokenizer: Tokenizer, includeSpecial: Bool) {
        self.tokenizer = tokenizer
        self.includeSpecial = includeSpecial
    }

    /// Adds a token; returns the text that is now complete (possibly empty).
    public mutating func append(_ id: Int) -> String {
        tokenizer.appendBytes(of: id, includeSpecial: includeSpecial, first: &first, to: &pending)
        let complete = Self.completePrefixLength(pending)
        guard complete > 0 else { return "" }
        let text = String(decoding: pending[..<complete], as: UTF8.self)
        pending.removeFirst(complete)
        return text
    }

    /// Returns what is still held back (an unfinished character becomes U+FFFD) and resets.
    public mutating func finish() -> String {
        defer { pending.removeAll(); first = true }
        return String(decoding: pending, as: UTF8.self)
    }

    /// Length of the longest prefix that does not end inside a possibly unfinished UTF-8 sequence.
    static func completePrefixLength(_ bytes: [UInt8]) -> Int {
        let n = bytes.count
        // Look back at most 3 bytes for the lead byte of the last sequence.
        var i = n - 1
        var continuation = 0
        while i >= 0 && continuation < 3 && bytes[i] & 0xC0 == 0x80 {
            continuation += 1
            i -= 1
        }
        guard i >= 0 else { return n }  // only continuation bytes: invalid, let them through
        let lead = bytes[i]
        let need = lead >= 0xF0 && lead <= 0xF4 ? 4 : lead >= 0xE0 && lead < 0xF0 ? 3 : lead >= 0xC2 && lead < 0xE0 ? 2 : 1
        if need > 1 && continuation + 1 < need { return i }  // hold the unfinished sequence back
        return n
    }
}
