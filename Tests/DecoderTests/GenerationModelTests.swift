import Foundation
import Grammar
import JSONSchema
import XCTest

@testable import Decoder

/// `generate(matching:)` and its forms against the real default model (DefaultModel.path(), i.e.
/// $STRUCTGEN_MODEL): the documented examples run, outputs match their constraint, sampling is
/// reproducible, max tokens and cancellation say what happened.
///
/// A forward pass of the model takes seconds in a debug build, so prompts are raw and one or two
/// tokens long and outputs a few tokens: about 25 forward passes in all. Longer generations are
/// exercised by scripts/crosscheck-generation.py on the release build.
final class GenerationModelTests: XCTestCase {
    nonisolated(unsafe) static var shared: LanguageModel?

    private func model() throws -> LanguageModel {
        if let m = Self.shared { return m }
        let m = try LanguageModel()
        Self.shared = m
        return m
    }

    private func options(_ max: Int, temperature: Double = 0, seed: UInt64 = 0,
                         masks: MaskStrategy = .automatic) -> GenerationOptions {
        GenerationOptions(sampling: SamplingOptions(temperature: temperature, seed: seed, maxTokens: max),
                          rawPrompt: true, maskStrategy: masks)
    }

    func testTextStreamAndTypedFormsMatchTheirConstraints() async throws {
        let m = try model()
        // Text: the regex forces the '.' after the word, fed without sampling.
        let yesNo = Constraint.regex("(yes|no)\\.")
        let r = try await m.generateResult(matching: yesNo, prompt: "Answer", options: options(4, masks: .everyStep))
        XCTAssertEqual(r.status, .finished)
        XCTAssert(r.text == "yes." || r.text == "no.", r.text)
        let text = try await m.generate(matching: yesNo, prompt: "Answer", options: options(4, masks: .everyStep))
        XCTAssertEqual(text, r.text, "greedy: same output")

        // Stream: chunks of whole characters that add up to the text. The byte-level vocabulary
        // spells 日 and 本 with several tokens, so characters arrive split across tokens.
        let c = Constraint.regex("日本é")
        var chunks: [String] = []
        for try await chunk in m.stream(matching: c, prompt: "Write", options: options(12, masks: .everyStep)) {
            chunks.append(chunk)
        }
        XCTAssertEqual(chunks.joined(), "日本é")
        for chunk in chunks { XCTAssertFalse(chunk.contains("\u{FFFD}"), "a chunk split a character: \(chunks)") }

        // Typed: JSON under a schema, decoded. The key is forced once its quote is chosen (keys are
        // spelled canonically), then true/false and `}`;
        // no other key may follow and the default is compact, so the text is one of two.
        struct Reply: Decodable { var ok: Bool }
        let schema = #"{"type":"object","properties":{"ok":{"type":"boolean"}},"required":["ok"],"additionalProperties":false}"#
        let o = options(16, masks: .everyStep)
        let raw = try await m.generateResult(matching: .jsonSchema(schema), prompt: "JSON", options: o)
        XCTAssertEqual(raw.status, .finished)
        XCTAssertGreaterThan(raw.stats.forcedTokens, 0, "the key is forced")
        let validator = try CompiledSchema(try JSONValue(parsing: schema), options: ValidatorOptions(assertFormats: true))
        XCTAssertTrue(validator.isValid(try JSONValue(parsing: raw.text)), raw.text)
        XCTAssertTrue([#"{"ok":true}"#, #"{"ok":false}"#].contains(raw.text), raw.text)
        let reply = try await m.generate(Reply.self, schema: schema, prompt: "JSON", options: o)
        XCTAssertEqual(reply.ok, raw.text.contains("true"))
    }

    func testSameSeedSameOutputWhateverTheMaskSchedule() async throws {
        let m = try model()
        let c = try Constraint.regex("[a-z]+ [a-z]+").compile()!
        // Sampling at temperature 1.2: same seed, same tokens; overlapped = every step.
        let a = try await m.generateResult(matching: .grammar(c), prompt: "Cats", options: options(2, temperature: 1.2, seed: 99))
        let b = try await m.generateResult(matching: .grammar(c), prompt: "Cats", options: options(2, temperature: 1.2, seed: 99))
        XCTAssertEqual(a.tokens, b.tokens)
        XCTAssertEqual(a.tokens.count, 2)
        let e = try await m.generateResult(matching: .grammar(c), prompt: "Cats", options: options(2, temperature: 1.2, seed: 5, masks: .everyStep))
        let d = try await m.generateResult(matching: .grammar(c), prompt: "Cats", options: options(2, temperature: 1.2, seed: 5, masks: .overlapped))
        XCTAssertEqual(e.tokens, d.tokens, "computing the mask during the forward pass changes nothing")
        // Greedy: the opportunistic check picks the masked argmax, as a full mask does.
        let g = try await m.generateResult(matching: .grammar(c), prompt: "Cats", options: options(2, masks: .opportunistic))
        let h = try await m.generateResult(matching: .grammar(c), prompt: "Cats", options: options(2, masks: .everyStep))
        XCTAssertEqual(g.tokens, h.tokens)
        var prefixes = try ByteDFA(ecma: "[a-z]+( [a-z]*)?", mode: .fullMatch)
        var full = try ByteDFA(ecma: "[a-z]+ [a-z]+", mode: .fullMatch)
        for r in [a, e, g] {
            XCTAssertTrue(try prefixes.matches(Array(r.text.utf8)), r.text)
            if r.status == .finished { XCTAssertTrue(try full.matches(Array(r.text.utf8)), r.text) }
        }
    }

    func testMaxTokensIsIncompleteNeverValid() async throws {
        let m = try model()
        let long = Constraint.regex("[a-z ]{40,}\\.")
        let r = try await m.generateResult(matching: long, prompt: "Sea", options: options(1))
        XCTAssertEqual(r.status, .incomplete)
        XCTAssertEqual(r.tokens.count, 1)
        do {
            _ = try await m.generate(matching: long, prompt: "Sea", options: options(1))
            XCTFail("an unfinished output must not be returned as text")
        } catch GenerationError.incomplete(let partial, let n) {
            XCTAssertEqual(n, 1)
            XCTAssertEqual(partial, r.text)
        }
    }

    func testCancellationStopsGeneration() async throws {
        let m = try model()
        let o = options(400)
        let task = Task { try await m.generate(matching: .regex("[a-z ]+"), prompt: "Story", options: o) }
        try await Task.sleep(nanoseconds: 50_000_000)
        task.cancel()
        do {
            _ = try await task.value
            XCTFail("a cancelled generation returned text")
        } catch is CancellationError {
        }
    }

    func testBadConstraintOptionsAndModelAreClearErrors() async throws {
        let m = try model()
        do {
            _ = try await m.generate(matching: .gbnf("root ::= missing"), prompt: "x")
            XCTFail("undefined rule accepted")
        } catch let e as GenerationError {
            XCTAssert("\(e)".contains("missing"), "\(e)")
        }
        do {
            _ = try await m.generate(matching: .none, prompt: "x", options: options(0))
            XCTFail("maxTokens 0 accepted")
        } catch let e as GenerationError {
            XCTAssert("\(e)".contains("maxTokens"), "\(e)")
        }
        XCTAssertThrowsError(try LanguageModel(path: "/nonexistent.gguf")) { e in
            XCTAssert("\(e)".contains("/nonexistent.gguf"), "\(e)")
        }
    }
}
