import Foundation
import XCTest

import Grammar
@testable import Decoder

/// Tokenizer behaviour beyond the reference files: vocabulary bytes, special tokens, round
/// trips, streaming decoding, both merge paths, bad metadata.
final class TokenizerTests: XCTestCase {
    private func smol() throws -> Tokenizer? {
        guard let path = TestData.defaultModel() else { return nil }
        return try TestData.tokenizer(path)
    }

    private func vocabTokenizer(_ name: String) throws -> Tokenizer? {
        guard let url = TestData.sharedFile("vocab/ggml-vocab-\(name).gguf") else { return nil }
        return try TestData.tokenizer(url.path)
    }

    func testSmolLM2Vocabulary() throws {
        guard let t = try smol() else { return }
        let v = t.vocabulary
        XCTAssertEqual(t.model, .bytePairEncoding(.smollm))
        XCTAssertEqual(v.count, 49152)
        XCTAssertEqual(v.eosTokenID, 2)
        XCTAssertEqual(v.endOfGenerationIDs, [0, 2], "<|endoftext|> and <|im_end|>")
        XCTAssertEqual(v.kind(of: 2), .control)
        XCTAssertEqual(v.byteCount(of: 2), 0)
        XCTAssertEqual(v.literal(of: 2), "<|im_end|>")
        // "Ġ" is the space byte, "Ċ" the newline: token bytes are the output bytes.
        let hello = t.encode(" Hello")
        XCTAssertEqual(hello.count, 1)
        XCTAssertEqual(Array(v.bytes(of: hello[0])), Array(" Hello".utf8))
        XCTAssertEqual(Array(v.bytes(of: t.encode("\n")[0])), [0x0A])
        // Single-byte tokens spell their byte. SmolLM2 has none for 21 bytes (6 control
        // characters and 15 bytes that never occur in UTF-8); text containing them loses them, as in llama.cpp.
        var missing = 0
        for b in 0..<256 {
            if t.byteTokens[b] < 0 { missing += 1; continue }
            XCTAssertEqual(Array(v.bytes(of: Int(t.byteTokens[b]))), [UInt8(b)])
        }
        XCTAssertEqual(missing, 21)
        for id in 0..<v.count where v.kind(of: id) == .normal { XCTAssertGreaterThan(v.byteCount(of: id), 0, "token \(id)") }
    }

    func testSentencePieceVocabulary() throws {
        guard let t = try vocabTokenizer("llama-spm") else { return }
        let v = t.vocabulary
        XCTAssertEqual(t.model, .sentencePiece)
        let nl = try XCTUnwrap((0..<v.count).first { v.literal(of: $0) == "\n" && v.kind(of: $0) == .byteFallback })
        XCTAssertEqual(Array(v.bytes(of: nl)), [0x0A])
        XCTAssertEqual(v.kind(of: 1), .control)  // <s>
        XCTAssertEqual(v.byteCount(of: 1), 0)
        let the = t.encode("the")  // "▁the" after the space prefix
        XCTAssertEqual(the.count, 1)
        XCTAssertEqual(Array(v.bytes(of: the[0])), Array(" the".utf8))
        XCTAssertEqual(t.decodeText(the), "the", "the prefix space is dropped again")
        // Byte fallback for a character with no piece.
        let ids = t.encode("\u{10FFFD}")
        XCTAssertTrue(ids.contains { v.kind(of: $0) == .byteFallback }, "\(ids)")
        XCTAssertEqual(t.decodeText(ids), "\u{10FFFD}")
        XCTAssertEqual(t.encode("", addSpecial: true), [1], "BOS only")
        XCTAssertEqual(t.encode("the", addSpecial: true), [1] + the)
        XCTAssertEqual(t.decodeText([1] + the), "the", "BOS has no text; the prefix space of the first text token is dropped")
        XCTAssertEqual(t.encode(""), [])
    }

    func testBeginningOfSequence() throws {
        guard let llama3 = try vocabTokenizer("llama-bpe"), let smol = try smol() else { return }
        XCTAssertTrue(llama3.addsBOS, "Llama 3 adds <|begin_of_text|>")
        XCTAssertEqual(llama3.encode("hi", addSpecial: true).first, 128000)
        XCTAssertEqual(llama3.encode("hi").first, llama3.encode("hi", addSpecial: true).dropFirst().first)
        XCTAssertFalse(smol.addsBOS, "SmolLM2's GGUF says add_bos_token = false")
        XCTAssertEqual(smol.encode("hi", addSpecial: true), smol.encode("hi"))
    }

    func testSpecialTokensOnlyWhenAsked() throws {
        guard let t = try smol() else { return }
        XCTAssertEqual(t.encode("<|im_end|>", parseSpecial: true), [2])
        let plain = t.encode("<|im_end|>")
        XCTAssertGreaterThan(plain.count, 1)
        XCTAssertFalse(plain.contains(2))
        XCTAssertEqual(t.decodeText(plain), "<|im_end|>")
        let mixed = t.encode("a<|im_start|>user\nhi<|im_end|>", parseSpecial: true)
        XCTAssertEqual(mixed.filter { $0 == 1 || $0 == 2 }, [1, 2])
        XCTAssertEqual(t.decodeText(mixed), "auser\nhi", "special tokens have no text")
        XCTAssertEqual(t.decodeText(mixed, includeSpecial: true), "a<|im_start|>user\nhi<|im_end|>")
    }

    /// Seeded random strings from a mix of scripts round-trip through every tokenizer (for
    /// SentencePiece: the space its prefix rule adds is dropped again by decoding).
    func testRoundTripRandomText() throws {
        let pieces = ["a", "Z", " ", "  ", "\n", "\t", "1", "23", "é", "ß", "中文", "🦙", "’", "'s", "'LL", "{\"", "\":", "…",
                      "\r\n", "\u{00A0}", "ﬁ", "ΑΒΓ", "кот", "\u{0301}", "0x", "___", "    ", "<", "|", ">"]
        var rng = GGUFReaderTests.SeededRandom(state: 42)
        var texts: [String] = []
        for _ in 0..<300 {
            texts.append((0..<Int.random(in: 0...24, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined())
        }
        var tokenizers: [(String, Tokenizer)] = []
        if let s = try smol() { tokenizers.append(("smollm2", s)) }
        for name in ["llama-bpe", "qwen2", "gpt-2", "llama-spm", "phi-3"] {
            if let t = try vocabTokenizer(name) { tokenizers.append((name, t)) }
        }
        for (name, t) in tokenizers {
            for text in texts {
                let ids = t.encode(text)
                XCTAssertEqual(t.decodeText(ids), text, "\(name): \(String(reflecting: text)) → \(ids)")
            }
        }
    }

    func testStreamingDecoderHoldsBackPartialCharacters() throws {
        guard let t = try smol() else { return }
        let text = "naïve 🦙 中文字 — ok\u{1F600}!"
        let ids = t.encode(text)
        var stream = t.makeStreamingDecoder()
        var chunks: [String] = []
        for id in ids { chunks.append(stream.append(id)) }
        chunks.append(stream.finish())
        XCTAssertEqual(chunks.joined(), text)
        XCTAssertFalse(chunks.contains { $0.contains("\u{FFFD}") }, "\(chunks)")
        // Emoji are several byte tokens: some appends must have returned nothing.
        XCTAssertTrue(chunks.contains(""), "\(chunks)")
        // An unfinished character at the end becomes U+FFFD only when finished.
        var s2 = t.makeStreamingDecoder()
        XCTAssertEqual(s2.append(Int(t.byteTokens[0xF0])), "")
        XCTAssertEqual(s2.finish(), "\u{FFFD}")
    }

    /// The array scan (short words) and the heap (long words) merge identically.
    func testShortAndLongMergePathsAgree() throws {
        guard let t = try smol(), let url = TestData.sharedFile("tokenizer-reference/smollm2-135m.jsonl") else { return }
        let text = try String(contentsOf: url, encoding: .utf8)
        var short = BytePairMerger(shortWord: 1 << 30)
        var long = BytePairMerger(shortWord: 0)
        defer { short.deallocate(); long.deallocate() }
        var words = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\\" }).prefix(20000).map { Array($0.utf8) }
        words.append(Array(String(repeating: "ab", count: 300).utf8))
        words.append(Array(String(repeating: " ", count: 500).utf8))
        var checked = 0
        t.byteTokens.withUnsafeBufferPointer { bt in
            for w in words where !w.isEmpty {
                w.withUnsafeBufferPointer { wb in
                    let a = Array(short.merge(wb, byteTokens: bt.baseAddress!, merges: t.merges))
                    let b = Array(long.merge(wb, byteTokens: bt.baseAddress!, merges: t.merges))
                    XCTAssertEqual(a, b, String(decoding: w, as: UTF8.self))
                    checked += 1
                }
            }
        }
        XCTAssertGreaterThan(checked, 10000)
    }

    func testLongInputsStayFast() throws {
        guard let t = try smol() else { return }
        let spaces = String(repeating: " ", count: 200_000) + "x"
        let start = Date()
        let ids = t.encode(spaces)
        XCTAssertEqual(t.decodeText(ids), spaces)
        let digits = String(repeating: "7", count: 100_000)
        XCTAssertEqual(t.encode(digits).count, 100_000, "smollm splits every digit")
        XCTAssertLessThan(Date().timeIntervalSince(start), 20, "no quadratic path")
    }

    func testBadTokenizerMetadata() throws {
        typealias W = GGUFTestWriter
        func tokenizer(_ meta: [(String, W.Value)]) throws -> Tokenizer {
            try Tokenizer(gguf: GGUFFile(bytes: W.file(metadata: meta)))
        }
        XCTAssertThrowsError(try tokenizer([])) { XCTAssertTrue("\($0)".contains("tokenizer.ggml.model is missing"), "\($0)") }
        XCTAssertThrowsError(try tokenizer([("tokenizer.ggml.model", .string("bert")), ("tokenizer.ggml.tokens", .array(.string, [.string("a")]))])) {
            XCTAssertTrue("\($0)".contains("\"bert\""), "\($0)")
        }
        XCTAssertThrowsError(try tokenizer([("tokenizer.ggml.model", .string("gpt2")), ("tokenizer.ggml.pre", .string("falcon")),
                                            ("tokenizer.ggml.tokens", .array(.string, [.string("a")]))])) {
            XCTAssertTrue("\($0)".contains("pre-tokenizer \"falcon\""), "\($0)")
        }
        XCTAssertThrowsError(try tokenizer([("tokenizer.ggml.model", .string("llama")), ("tokenizer.ggml.tokens", .array(.string, [.string("a")]))])) {
            XCTAssertTrue("\($0)".contains("tokenizer.ggml.scores"), "\($0)")
        }
        XCTAssertThrowsError(try tokenizer([("tokenizer.ggml.model", .string("llama")), ("tokenizer.ggml.tokens", .array(.string, [.string("a")])),
                                            ("tokenizer.ggml.token_type", .array(.int32, [.i32(1), .i32(1)]))])) {
            XCTAssertTrue("\($0)".contains("token_type"), "\($0)")
        }
        // A tiny working byte-level BPE: bytes a, b and the merge "a b".
        let tokens: [W.Value] = [.string("a"), .string("b"), .string("ab"), .string("<|end|>")]
        let t = try tokenizer([("tokenizer.ggml.model", .string("gpt2")), ("tokenizer.ggml.pre", .string("gpt-2")),
                               ("tokenizer.ggml.tokens", .array(.string, tokens)),
                               ("tokenizer.ggml.token_type", .array(.int32, [.i32(1), .i32(1), .i32(1), .i32(3)])),
                               ("tokenizer.ggml.merges", .array(.string, [.string("a b")])),
                               ("tokenizer.ggml.eos_token_id", .u32(3))])
        XCTAssertEqual(t.encode("abab"), [2, 2])
        XCTAssertEqual(t.encode("ba"), [1, 0])
        XCTAssertEqual(t.encode("ab<|end|>", parseSpecial: true), [2, 3])
        XCTAssertEqual(t.vocabulary.eosTokenID, 3)
    }

    /// The per-call class cache gives the same flags as asking the Unicode properties directly,
    /// including on collisions (every 5th scalar of all planes goes through one cache).
    func testCharacterClassCache() {
        let cache = CharacterClassCache()
        defer { cache.deallocate() }
        for pass in 0..<2 {
            for v in stride(from: UInt32(0x80), to: 0x110000, by: 5) {
                let expected = Unicode.Scalar(v).map(CharacterClass.compute) ?? CharacterClass.valid
                if cache.flags(v) != expected { return XCTFail("U+\(String(v, radix: 16)) pass \(pass)") }
            }
        }
        XCTAssertEqual(CharacterClass.ascii[0x41], CharacterClass.valid | CharacterClass.letter)
        XCTAssertEqual(CharacterClass.ascii[0x37], CharacterClass.valid | CharacterClass.number)
        XCTAssertEqual(CharacterClass.ascii[0x0A], CharacterClass.valid | CharacterClass.whitespace)
        XCTAssertEqual(cache.flags(0x00A0), CharacterClass.valid | CharacterClass.whitespace)  // no-break space
        XCTAssertEqual(cache.flags(0x4E2D), CharacterClass.valid | CharacterClass.letter)      // 中
        XCTAssertEqual(cache.flags(0x00BD), CharacterClass.valid | CharacterClass.number)      // ½
    }

    /// SentencePiece: merging each `▁`-started word alone gives the ids of merging the whole text
    /// at once (the vocabularies have no token with `▁` after another character).
    func testSentencePieceWordSplitMatchesWholeText() throws {
        guard let url = TestData.sharedFile("tokenizer-reference/smollm2-135m.jsonl") else { return }
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").prefix(150)
        for name in ["llama-spm", "phi-3"] {
            guard let t = try vocabTokenizer(name) else { continue }
            XCTAssertTrue(t.sentencePieceWordsAreIndependent, name)
            for line in lines {
                var text = String(line)
                let split = text.withUTF8 { t.encodeUTF8($0, parseSpecial: false, addSpecial: false) }
                let whole = text.withUTF8 { t.encodeUTF8($0, parseSpecial: false, addSpecial: false, splitSentencePieceWords: false) }
                XCTAssertEqual(split, whole, "\(name): \(line.prefix(60))")
            }
        }
    }
}
