#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Grammar

/// Turns text into token ids and back, exactly as the model's own tokenizer does (llama.cpp's
/// behaviour for the same GGUF is the reference).
///
/// Two algorithms, chosen by `tokenizer.ggml.model`:
/// - `gpt2`: byte-level BPE with one of the `PreTokenizer` splitters (`tokenizer.ggml.pre`) and merges
///   by rank (`tokenizer.ggml.merges`);
/// - `llama`: SentencePiece BPE by score (`tokenizer.ggml.scores`) with `<0xNN>` byte fallback,
///   spaces as `▁` and a space prefix at the start of the text and after each special token
///   (`tokenizer.ggml.add_space_prefix`, default on).
///
/// Special tokens (control tokens such as `<|im_end|>`) are only recognised in the text when
/// `parseSpecial` is set; user-defined tokens always are.
///
/// ```swift
/// let tok = try Tokenizer(contentsOf: ".cache/models/SmolLM2-135M-Instruct.Q4_1.gguf")
/// let ids = tok.encode("Hello world")           // [19556, 905]
/// tok.decodeText(ids)                            // "Hello world"
/// tok.encode("<|im_end|>", parseSpecial: true)   // [2]
/// ```
public final class Tokenizer: Sendable {
    /// The algorithm family.
    public enum Model: Sendable, Equatable {
        case bytePairEncoding(PreTokenizer)
        case sentencePiece
    }

    /// Token bytes and kinds, for masking and decoding.
    public let vocabulary: Vocabulary
    /// BPE with a pre-tokenizer, or SentencePiece.
    public let model: Model
    /// Whether `encode(_:addSpecial: true)` starts with BOS (`tokenizer.ggml.add_bos_token`).
    public let addsBOS: Bool
    /// Whether `encode(_:addSpecial: true)` ends with EOS (`tokenizer.ggml.add_eos_token`).
    public let addsEOS: Bool
    /// SentencePiece only: a space is put before the text (`tokenizer.ggml.add_space_prefix`).
    public let addsSpacePrefix: Bool

    struct SpecialToken: Sendable {
        let id: Int32
        let text: [UInt8]
        let isControl: Bool  // control or unknown: matched only with parseSpecial
        /// Whitespace left of a match is dropped (llama.cpp sets this only for a few embedding
        /// models' `<mask>`, none of which this reader supports; kept for the partition's symmetry).
        let lstrip: Bool
        /// Whitespace right of a match is dropped (Phi-3's special tokens, as llama.cpp does).
        let rstrip: Bool
    }

    let lookup: FlatByteStringMap     // token spelling in the file → id
    let merges: MergeTable
    let byteTokens: [Int32]           // BPE: token of each byte; SPM: its <0xNN> token (-1 if none)
    let scores: [Float]
    let specials: [SpecialToken]      // longest first, as llama.cpp tries them
    let ignoreMerges: Bool            // Llama 3: a word that is a token is not merged
    let sentencePieceWordsAreIndependent: Bool  // no token has `▁` right after another character
    let unknownID: Int32

    /// Reads the tokenizer of the GGUF file at `path`.
    public convenience init(contentsOf path: String) throws {
        try self.init(gguf: GGUFFile(contentsOf: path))
    }

    /// Reads the tokenizer stored in a GGUF file's metadata.
    public init(gguf: GGUFFile) throws {
        let meta = gguf.metadata
        func string(_ key: String) -> String? { meta[key]?.string }
        func id(_ key: String) -> Int? { meta[key]?.integer }
        guard let modelName = string("tokenizer.ggml.model") else {
            throw TokenizerError("tokenizer.ggml.model is missing")
        }
        guard let tokens = meta["tokenizer.ggml.tokens"]?.array, tokens.elementType == .string else {
            throw TokenizerError("tokenizer.ggml.tokens is missing or not an array of strings")
        }
        let n = tokens.count
        guard n > 0, n < Int(Int32.max) else { throw TokenizerError("tokenizer.ggml.tokens has \(n) tokens") }
        guard tokens.byteCount < Int(UInt32.max) else {
            throw TokenizerError("tokenizer.ggml.tokens takes \(tokens.byteCount) bytes; at most 4 GiB are supported")
        }

        var types = [Int](repeating: 1, count: n)
        if let t = meta["tokenizer.ggml.token_type"]?.array {
            guard t.count == n, let ints = t.integers else {
                throw TokenizerError("tokenizer.ggml.token_type has \(t.count) entries of \(t.elementType), expected \(n) integers")
            }
            types = ints
        }

        let pre: PreTokenizer?
        switch modelName {
        case "gpt2":
            let preName = string("tokenizer.ggml.pre") ?? "default"
            guard let p = PreTokenizer(ggmlName: preName) else {
                throw TokenizerError("pre-tokenizer \"\(preName)\" (tokenizer.ggml.pre) is not supported; supported: gpt-2, smollm, llama-bpe, qwen2 and their aliases")
            }
            pre = p
            model = .bytePairEncoding(p)
        case "llama":
            pre = nil
            model = .sentencePiece
        default:
            throw TokenizerError("tokenizer model \"\(modelName)\" (tokenizer.ggml.model) is not supported; supported: gpt2 (byte-level BPE), llama (SentencePiece)")
        }
        let isSPM = pre == nil

        // Spellings as stored, for lookups; and the vocabulary's output bytes.
        var spellings: [UInt8] = []
        spellings.reserveCapacity(tokens.byteCount)
        var offsets: [UInt32] = [0]
        offsets.reserveCapacity(n + 1)
        var builder = Vocabulary.Builder(capacity: n)
        var byteTokens = [Int32](repeating: -1, count: 256)
        var kinds: [Vocabulary.TokenKind] = []
        kinds.reserveCapacity(n)
        var badType: (Int, Int)?
        tokens.forEachStringBytes { i, raw in
            spellings.append(contentsOf: raw)
            offsets.append(UInt32(spellings.count))
            let kind: Vocabulary.TokenKind
            switch types[i] {
            case 0, 1: kind = .normal  // 0 = undefined in the file: llama.cpp treats it as text too
            case 2: kind = .unknown
            case 3: kind = .control
            case 4: kind = .userDefined
            case 5: kind = .unused
            case 6: kind = .byteFallback
            default:
                if badType == nil { badType = (i, types[i]) }
                kind = .unused
            }
            kinds.append(kind)
            switch kind {
            case .normal where !isSPM:
                if let decoded = ByteLevelEncoding.decode(raw) {
                    decoded.withUnsafeBytes { builder.append(bytes: $0, kind: .normal) }
                } else {
                    builder.append(bytes: raw, kind: .normal)  // not byte-level: keep its UTF-8
                }
            case .normal:
                let text = Self.replacingLowLine(raw)
                text.withUnsafeBytes { builder.append(bytes: $0, kind: .normal) }
            case .byteFallback:
                if let b = Self.parseByteToken(raw) {
                    withUnsafeBytes(of: b) { builder.append(bytes: $0, kind: .byteFallback) }
                    byteTokens[Int(b)] = Int32(i)  // SentencePiece's byte fallback; BPE refills the table below
                } else {
                    builder.append(bytes: raw, kind: .normal)
                }
            default:
                builder.append(bytes: raw, kind: kind)
            }
        }
        if let (i, t) = badType {
            throw TokenizerError("token \(i) has unknown type \(t) in tokenizer.ggml.token_type (1…6 allowed)")
        }
        let lookup = FlatByteStringMap(keys: spellings, keyOffsets: offsets)
        self.lookup = lookup

        let eos = id("tokenizer.ggml.eos_token_id")
        let bos = id("tokenizer.ggml.bos_token_id")
        // End of generation: EOS, end-of-turn/message ids, and control tokens that chat models
        // use to end a turn (the list llama.cpp also recognises by spelling).
        var ends = [eos, id("tokenizer.ggml.eot_token_id"), id("tokenizer.ggml.eom_token_id")].compactMap { $0 }
        let endSpellings: Set<String> = ["<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>",
                                         "<|eom_id|>", "<EOT>", "<|end_of_text|>"]
        for i in 0..<n where kinds[i] == .control || kinds[i] == .userDefined {
            let lo = Int(offsets[i]), hi = Int(offsets[i + 1])
            if hi - lo <= 16, endSpellings.contains(String(decoding: spellings[lo..<hi], as: UTF8.self)) { ends.append(i) }
        }
        vocabulary = builder.build(eosTokenID: eos, bosTokenID: bos, endOfGenerationIDs: ends)
        unknownID = Int32(id("tokenizer.ggml.unknown_token_id").flatMap { (0..<n).contains($0) ? $0 : nil } ?? 0)

        if isSPM {
            guard let s = meta["tokenizer.ggml.scores"]?.array, s.count == n, let f = s.floats else {
                throw TokenizerError("tokenizer.ggml.scores is missing or does not have \(n) floats (needed by SentencePiece)")
            }
            scores = f
            merges = MergeTable(capacity: 0)
            addsSpacePrefix = meta["tokenizer.ggml.add_space_prefix"]?.bool ?? true
            ignoreMerges = false
            var independent = true
            spellings.withUnsafeBufferPointer { all in
                @inline(__always) func isLowLine(_ p: Int) -> Bool { all[p] == 0xE2 && all[p + 1] == 0x96 && all[p + 2] == 0x81 }
                for t in 0..<n where independent {
                    let lo = Int(offsets[t]), hi = Int(offsets[t + 1])
                    var p = lo + 1
                    while p + 3 <= hi {
                        // A `▁` inside the token that follows a character other than `▁`.
                        if isLowLine(p) && !(p - 3 >= lo && isLowLine(p - 3)) {
                            independent = false
                            break
                        }
                        p += 1
                    }
                }
            }
            sentencePieceWordsAreIndependent = independent
        } else {
            scores = []
            // The token of each byte's encoded character: the start symbols of every word.
            for b in 0..<256 {
                byteTokens[b] = ByteLevelEncoding.encodedUTF8(of: UInt8(b)).withUnsafeBufferPointer { lookup.lookup($0) }
            }
            guard let m = meta["tokenizer.ggml.merges"]?.array, m.elementType == .string else {
                throw TokenizerError("tokenizer.ggml.merges is missing or not an array of strings (needed by BPE)")
            }
            var table = MergeTable(capacity: m.count)
            var joined: [UInt8] = []
            m.forEachStringBytes { rank, raw in
                // "left right"; the separator is the first space after the first byte.
                guard raw.count >= 3, let sep = raw.dropFirst().firstIndex(of: 0x20) else { return }
                let l = UnsafeRawBufferPointer(rebasing: raw[..<sep]).bindMemory(to: UInt8.self)
                let r = UnsafeRawBufferPointer(rebasing: raw[(sep + 1)...]).bindMemory(to: UInt8.self)
                let left = lookup.lookup(l), right = lookup.lookup(r)
                joined.removeAll(keepingCapacity: true)
                joined.append(contentsOf: l)
                joined.append(contentsOf: r)
                let merged = lookup.lookup(joined)
                // A merge whose parts or result are not tokens can never be applied to token ids.
                guard left >= 0, right >= 0, merged >= 0 else { return }
                table.insert(left: left, right: right, rank: Int32(rank), merged: merged)
            }
            merges = table
            addsSpacePrefix = meta["tokenizer.ggml.add_space_prefix"]?.bool ?? false
            ignoreMerges = pre == .llama3
            sentencePieceWordsAreIndependent = false
        }
        self.byteTokens = byteTokens
        addsBOS = meta["tokenizer.ggml.add_bos_token"]?.bool ?? (isSPM || pre == .llama3)
        addsEOS = meta["tokenizer.ggml.add_eos_token"]?.bool ?? false

        // Special tokens matched in text: control, unknown and user-defined, longest first.
        // Phi-3's special tokens swallow whitespace to their right (llama.cpp sets RSTRIP by model name).
        let name = (string("general.name") ?? "").lowercased()
        let isPhi3 = name.contains("phi-3") || name.contains("phi3")
        var specials: [SpecialToken] = []
        tokens.forEachStringBytes { i, raw in
            let kind = kinds[i]
            guard kind == .control || kind == .userDefined || kind == .unknown, !raw.isEmpty else { return }
            let text = Array(raw)
            let s = String(decoding: text, as: UTF8.self)
            let rstrip = isPhi3 && !["<unk>", "<s>", "<|endoftext|>"].contains(s)
            specials.append(SpecialToken(id: Int32(i), text: text, isControl: kind != .userDefined,
                                         lstrip: false, rstrip: rstrip))
        }
        specials.sort { $0.text.count != $1.text.count ? $0.text.count > $1.text.count : $0.id < $1.id }
        self.specials = specials
    }

    /// "▁" (U+2581) → " " in a SentencePiece piece.
    static func replacingLowLine(_ raw: UnsafeRawBufferPointer) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = 0
        while i < raw.count {
            if i + 2 < raw.count && raw[i] == 0xE2 && raw[i + 1] == 0x96 && raw[i + 2] == 0x81 {
                out.append(0x20)
                i += 3
            } else {
                out.append(raw[i])
                i += 1
            }
        }
        return out
    }

    /// The byte of a `<0xNN>` token.
    static func parseByteToken(_ raw: UnsafeRawBufferPointer) -> UInt8? {
        guard raw.count == 6, raw[0] == 0x3C, raw[1] == 0x30, raw[2] == 0x78, raw[5] == 0x3E else { return nil }
        func hex(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: c - 0x30
            case 0x41...0x46: c - 0x41 + 10
            case 0x61...0x66: c - 0x61 + 10
            default: nil
            }
        }
        guard let h = hex(raw[3]), let l = hex(raw[4]) else { return nil }
        return h << 4 | l
    }
}
