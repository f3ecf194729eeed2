import XCTest

@testable import Decoder

/// The chat template read from the default model's metadata, and the refusal of other templates.
final class GenerationTemplateTests: XCTestCase {
    func testDefaultModelTemplateIsChatMLWithItsSystemMessage() throws {
        let gguf = try GGUFFile(contentsOf: DefaultModel.path())
        let t = try ChatTemplate(jinja: gguf.metadata["tokenizer.chat_template"]?.string)
        XCTAssertEqual(t.defaultSystemMessage, "You are a helpful AI assistant named SmolLM, trained by Hugging Face")
        XCTAssertEqual(t.render([ChatMessage(.user, "Hi")]),
                       "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"
                       + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n")
        XCTAssertEqual(t.render([ChatMessage(.system, "Be brief."), ChatMessage(.user, "Hi")]),
                       "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n")
        // The special tokens are parsed as such: <|im_start|> is one token (id 1).
        let tok = try Tokenizer(gguf: gguf)
        let ids = tok.encode(t.render([ChatMessage(.user, "Hi")]), parseSpecial: true)
        XCTAssertEqual(ids.first, 1)
        XCTAssertEqual(ids.filter { $0 == 2 }.count, 2, "two <|im_end|>")
    }

    func testOtherTemplatesAreRefusedClearly() {
        XCTAssertThrowsError(try ChatTemplate(jinja: "{% for m in messages %}[INST] {{ m.content }} [/INST]{% endfor %}")) { e in
            XCTAssert("\(e)".contains("ChatML"), "\(e)")
        }
        XCTAssertThrowsError(try ChatTemplate(jinja: nil))
        // A ChatML template without a literal default system message has none.
        let t = try? ChatTemplate(jinja: "{% for m in messages %}{{'<|im_start|>' + m['role'] + '\\n' + m['content'] + '<|im_end|>\\n'}}{% endfor %}")
        XCTAssertNotNil(t)
        XCTAssertNil(t?.defaultSystemMessage)
    }
}
