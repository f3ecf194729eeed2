import Foundation
import Grammar
import JSONSchema
import XCTest

@testable import Decoder

/// `generate(matching:)` and its forms against the real default model (DefaultModel.path(), i.e.
/// $STRUCTGEN_MODEL): the documented examples run, outputs match their constraint, sampling is
/// reproducible, max tokens and cancellation say what happened. Token budgets are small so the
/// suite stays fast in debug builds.
final class GenerationModelTests: XCTestCase {
    nonisolated(unsafe) static var shared: LanguageModel?

    private func model() throws -> LanguageModel {
        if let m = Self.shared { return m }
        let m = try LanguageModel()
        Self.shared = m
        return m
    }

    private func options(_ max: Int, temperature: Double = 0, seed: UInt64 = 0) -> GenerationOptions {
        GenerationOptions(sampling: SamplingOptions(temperature: temperature, seed: seed, maxTokens: max))
    }

    func testRegexOutputMatches() async throws {
        let m = try model()
        let pattern = #"(19|20)\d\d-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"#
        let text = try await m.generate(matching: .regex(pattern), prompt: "When did Apollo 11 land on the Moon? Answer with the date.",
                                        options: options(16))
        let dfa = try ByteDFA(ecma: pattern, mode: .fullMatch)
        var d = dfa
        XCTAssertTrue(try d.matches(Array(text.utf8)), text)
    }

    func testGBNFAndLarkOutputsParse() async throws {
        let m = try model()
        let gbnf = #"root ::= ("yes" | "no") "."  "#
        let answer = try await m.generate(matching: .gbnf(gbnf), prompt: "Is the sky blue?", options: options(8, temperature: 1, seed: 3))
        XCTAssert(answer == "yes." || answer == "no.", answer)
        let lark = "start: \"[\" NUMBER (\",\" NUMBER)* \"]\"\n%import common.NUMBER\n"
        let r = try await m.generateResult(matching: .lark(lark), prompt: "Three prime numbers as a list.", options: options(24))
        if r.status == .finished {
            var p = try EarleyParser(try Constraint.lark(lark).compile()!)
            XCTAssertTrue(try p.push(bytes: Array(r.text.utf8)) && p.isAccepting, r.text)
        } else {
            XCTAssertEqual(r.status, .incomplete)
        }
    }

    func testSchemaOutputIsValidAndTypedDecodingWorks() async throws {
        let m = try model()
        struct City: Decodable { var name: String; var population: Int }
        let schema = #"{"type":"object","properties":{"name":{"type":"string","maxLength":20},"population":{"type":"integer","minimum":0}},"required":["name","population"]}"#
        var o = options(48, temperature: 0.7, seed: 11)
        o.systemMessage = "You answer in JSON."
        let r = try await m.generateResult(matching: .jsonSchema(schema), prompt: "The largest city in Japan.", options: o)
        XCTAssertGreaterThan(r.stats.forcedTokens, 0, "the key names are forced")
        if r.status == .finished {
            let validator = try CompiledSchema(try JSONValue(parsing: schema), options: ValidatorOptions(assertFormats: true))
            XCTAssertTrue(validator.isValid(try JSONValue(parsing: r.text)), r.text)
            let city = try await m.generate(City.self, schema: schema, prompt: "The largest city in Japan.", options: o)
            XCTAssertEqual(city.name, (try JSONValue(parsing: r.text))["name"]?.stringValue, "same seed, same output")
        }
    }

    func testSameSeedSameOutputWhateverTheMaskSchedule() async throws {
        let m = try model()
        let c = try Constraint.regex("[a-z]+( [a-z]+){2,4}").compile()!
        let prompt = "Three words about cats."
        var o = options(12, temperature: 1.2, seed: 99)
        let a = try await m.generateResult(matching: .grammar(c), prompt: prompt, options: o)
        let b = try await m.generateResult(matching: .grammar(c), prompt: prompt, options: o)
        XCTAssertEqual(a.tokens, b.tokens, "same seed, same output")
        o.maskStrategy = .everyStep
        let e = try await m.generateResult(matching: .grammar(c), prompt: prompt, options: o)
        o.maskStrategy = .overlapped
        let d = try await m.generateResult(matching: .grammar(c), prompt: prompt, options: o)
        XCTAssertEqual(e.tokens, d.tokens, "computing the mask during the forward pass changes nothing")
        XCTAssertEqual(e.status, d.status)
        // Greedy: the opportunistic check picks the masked argmax, as a full mask does.
        var g = options(10)
        var outputs: [[Int]] = []
        for s in [MaskStrategy.opportunistic, .everyStep, .overlapped] {
            g.maskStrategy = s
            outputs.append(try await m.generateResult(matching: .grammar(c), prompt: prompt, options: g).tokens)
        }
        XCTAssertEqual(outputs[0], outputs[1])
        XCTAssertEqual(outputs[1], outputs[2])
    }

    func testMaxTokensIsIncompleteNeverValid() async throws {
        let m = try model()
        let r = try await m.generateResult(matching: .regex("[a-z ]{40,}\\."), prompt: "Describe the sea.", options: options(3))
        XCTAssertEqual(r.status, .incomplete)
        XCTAssertEqual(r.tokens.count, 3)
        do {
            _ = try await m.generate(matching: .regex("[a-z ]{40,}\\."), prompt: "Describe the sea.", options: options(3))
            XCTFail("an unfinished output must not be returned as text")
        } catch GenerationError.incomplete(let partial, let n) {
            XCTAssertEqual(n, 3)
            XCTAssertEqual(partial, r.text)
        }
    }

    func testStreamYieldsWholeCharactersThatConcatenateToTheText() async throws {
        let m = try model()
        let c = Constraint.regex("(é|ü|日本|[a-z]){3,6}")
        var chunks: [String] = []
        for try await chunk in m.stream(matching: c, prompt: "Write some letters.", options: options(10, temperature: 1, seed: 4)) {
            chunks.append(chunk)
        }
        let r = try await m.generateResult(matching: c, prompt: "Write some letters.", options: options(10, temperature: 1, seed: 4))
        XCTAssertEqual(chunks.joined(), r.text)
        for chunk in chunks { XCTAssertFalse(chunk.contains("\u{FFFD}"), "a chunk split a character: \(chunks)") }
    }

    func testCancellationStopsGeneration() async throws {
        let m = try model()
        let o = options(400)
        let task = Task { try await m.generate(matching: .regex("[a-z ]+"), prompt: "Tell a long story.", options: o) }
        try await Task.sleep(nanoseconds: 300_000_000)
        task.cancel()
        do {
            _ = try await task.value
            XCTFail("a cancelled generation returned text")
        } catch is CancellationError {
        } catch GenerationError.incomplete {
            XCTFail("cancellation reported as max tokens")
        }
    }

    func testBadConstraintAndOptionsAreClearErrors() async throws {
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
