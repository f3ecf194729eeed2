import Foundation
import XCTest

@testable import JSONSchema

final class JSONParserTests: XCTestCase {
    private func parseError(_ text: String, options: JSONParseOptions = JSONParseOptions()) -> JSONParseError? {
        do {
            _ = try JSONParser.parse(text, options: options)
            return nil
        } catch { return error }
    }

    private func parseError(bytes: [UInt8]) -> JSONParseError? {
        do {
            _ = try JSONParser.parse(bytes)
            return nil
        } catch { return error }
    }

    func testValuesKeepOrderDuplicatesAndNumberText() throws {
        let v = try JSONParser.parse(#" {"b": [1, 2.50, -0, 1E+400], "a": "x\u00e9\ud83d\ude00\n", "b": null} "#)
        let object = try XCTUnwrap(v.objectValue)
        XCTAssertEqual(object.members.map(\.key), ["b", "a", "b"])
        XCTAssertEqual(object.duplicateKeys, ["b"])
        XCTAssertEqual(v["b"], .null)
        let numbers = try XCTUnwrap(object.members[0].value.arrayValue).map { $0.numberValue!.text }
        XCTAssertEqual(numbers, ["1", "2.50", "-0", "1E+400"])
        XCTAssertEqual(v["a"], .string("xé😀\n"))
        XCTAssertEqual(try JSONParser.parse("\"\\u0000\""), .string("\u{0}"))
        XCTAssertEqual(try JSONParser.parse("  17 "), .number(JSONNumber(17)))
        XCTAssertEqual(try JSONParser.parse(Data("[true,false,null]".utf8)), [true, false, nil])
    }

    /// The eight-bytes-at-a-time string scan must see a special byte at every offset of a word.
    func testStringScanAtEveryOffset() throws {
        let pieces = ["a", "é", "😀", "\"", "\\", "\n", "\u{1}", "~", "\u{7f}"]
        var generator = SplitMix64(seed: 42)  // deterministic
        for length in 0..<40 {
            for _ in 0..<20 {
                let s = (0..<length).map { _ in pieces.randomElement(using: &generator)! }.joined()
                let text = JSONWriter.string(.string(s))
                XCTAssertEqual(try JSONParser.parse(text), .string(s), text)
            }
            // A raw control character or a bad UTF-8 byte at offset `length` inside the string.
            let prefix = Array(repeating: UInt8(ascii: "x"), count: length)
            for bad: UInt8 in [0x01, 0x1F, 0xFF, 0x80] {
                let bytes = [UInt8(ascii: "\"")] + prefix + [bad] + Array("abcdefghij\"".utf8)
                let e = try XCTUnwrap(parseError(bytes: bytes), "length \(length), byte \(bad)")
                XCTAssertEqual(e.offset, length + 1, "length \(length), byte \(bad): \(e)")
            }
        }
    }

    func testDuplicateKeysAreReportedWithPointers() throws {
        let v = try JSONParser.parse(#"{"a": {"b": 1, "b": 2, "c": [{"x/y": 0, "x/y": 1}]}, "a": 3}"#)
        let found = v.duplicateKeys.map { "\($0.pointer) \($0.key)" }
        XCTAssertEqual(found, [" a", "/a b", "/a/c/0 x/y"])
        XCTAssertTrue(try JSONParser.parse("[1, {\"a\": 1}]").duplicateKeys.isEmpty)
    }

    func testParsedNumbersMatchJSONNumberParsing() throws {
        for text in ["0", "-0", "0.000", "120e-1", "1.5E+10", "-0.00012300e5", "123456789012345678901234567890", "1e-999999999999999999999"] {
            let parsed = try XCTUnwrap(JSONParser.parse(text).numberValue)
            let reference = try XCTUnwrap(JSONNumber(text))
            XCTAssertEqual(parsed.text, text)
            XCTAssertEqual(parsed.digits, reference.digits, text)
            XCTAssertEqual(parsed.exponent, reference.exponent, text)
            XCTAssertEqual(parsed.isNegative, reference.isNegative, text)
        }
    }

    func testErrorPositions() throws {
        var e = try XCTUnwrap(parseError("[1,]"))
        XCTAssertEqual([e.offset, e.line, e.column], [3, 1, 4])
        XCTAssertTrue(e.reason.contains("expected a value"), e.reason)

        e = try XCTUnwrap(parseError("{\n  \"a\": 1,\n  \"é\": tru\n}"))
        XCTAssertEqual(e.line, 3)
        XCTAssertEqual(e.column, 11)  // counted in characters: the 'é' is one column
        XCTAssertTrue(e.reason.contains("true"), e.reason)

        e = try XCTUnwrap(parseError("{\"a\" 1}"))
        XCTAssertEqual(e.offset, 5)
        XCTAssertTrue(e.reason.contains("':'"), e.reason)

        e = try XCTUnwrap(parseError("[1] x"))
        XCTAssertEqual(e.offset, 4)
        XCTAssertTrue(e.reason.contains("after the JSON value"), e.reason)

        e = try XCTUnwrap(parseError("\"abc"))
        XCTAssertEqual(e.offset, 0)
        XCTAssertTrue(e.reason.contains("unterminated string"), e.reason)

        e = try XCTUnwrap(parseError("[01]"))
        XCTAssertEqual(e.offset, 2)
        XCTAssertTrue(e.reason.contains("leading zeros"), e.reason)

        e = try XCTUnwrap(parseError("\"a\tb\""))
        XCTAssertEqual(e.offset, 2)
        XCTAssertTrue(e.reason.contains("U+0009"), e.reason)

        e = try XCTUnwrap(parseError(""))
        XCTAssertTrue(e.reason.contains("end of input"), e.reason)
        XCTAssertTrue(e.description.hasPrefix("line 1, column 1 (byte 0): "), e.description)
    }

    func testLoneSurrogatesAreErrorsWithPosition() throws {
        var e = try XCTUnwrap(parseError(#"["ab\ud800"]"#))
        XCTAssertEqual(e.offset, 4)
        XCTAssertTrue(e.reason.contains("lone surrogate"), e.reason)
        e = try XCTUnwrap(parseError(#"["\ud800\u0041"]"#))
        XCTAssertEqual(e.offset, 8)
        XCTAssertTrue(e.reason.contains("not a low surrogate"), e.reason)
        e = try XCTUnwrap(parseError(#"["\udc00"]"#))
        XCTAssertEqual(e.offset, 2)
        XCTAssertTrue(e.reason.contains("low surrogate without"), e.reason)
        e = try XCTUnwrap(parseError(#""\u12G4""#))
        XCTAssertEqual(e.offset, 5)
    }

    func testInvalidUTF8IsAnErrorWithPosition() throws {
        let cases: [([UInt8], Int)] = [
            (Array("\"ab".utf8) + [0xFF] + Array("\"".utf8), 3),          // never valid
            (Array("\"a".utf8) + [0xC3] + Array("\"".utf8), 3),            // truncated 2-byte sequence
            (Array("\"".utf8) + [0xE0, 0x80, 0x80] + Array("\"".utf8), 2), // overlong
            (Array("\"".utf8) + [0xED, 0xA0, 0x80] + Array("\"".utf8), 2), // encoded surrogate
            (Array("\"".utf8) + [0xF4, 0x90, 0x80, 0x80] + Array("\"".utf8), 2), // above U+10FFFF
            ([0xC3, 0xA9], 0),                                               // non-ASCII outside a string
        ]
        for (bytes, offset) in cases {
            let e = try XCTUnwrap(parseError(bytes: bytes), "\(bytes)")
            XCTAssertEqual(e.offset, offset, "\(bytes): \(e)")
        }
        XCTAssertEqual(try JSONParser.parse([0x22, 0xF0, 0x9F, 0x98, 0x80, 0x22]), .string("😀"))
    }

    func testDepthLimitStopsDeepInputQuickly() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let start = Date()
        let e = try XCTUnwrap(parseError(deep))
        XCTAssertEqual(e.offset, 512)
        XCTAssertTrue(e.reason.contains("nesting deeper than the limit of 512"), e.reason)
        let objects = String(repeating: "{\"a\":", count: 100_000)
        XCTAssertNotNil(parseError(objects))
        XCTAssertLessThan(Date().timeIntervalSince(start), 2)

        // At the limit: fine, and the recursive ==, hash and deinit of the result stay safe.
        let limit = String(repeating: "[{\"k\":", count: 256) + "1" + String(repeating: "}]", count: 256)
        let a = try JSONParser.parse(limit)
        let b = try JSONParser.parse(limit)
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.hashValue, b.hashValue)
        XCTAssertEqual(try JSONParser.parse(JSONWriter.string(a)), a)
        XCTAssertNotNil(parseError("[" + limit + "]"))
        XCTAssertNotNil(try? JSONParser.parse("[" + limit + "]", options: JSONParseOptions(maxDepth: 513)))
    }

    func testInputSizeLimit() throws {
        let big = "[" + String(repeating: "1,", count: 1000) + "1]"
        let e = try XCTUnwrap(parseError(big, options: JSONParseOptions(maxInputBytes: 1000)))
        XCTAssertTrue(e.reason.contains("more than the limit of 1000"), e.reason)
        XCTAssertNotNil(try? JSONParser.parse(big, options: JSONParseOptions(maxInputBytes: 3000)))
    }

    func testHugeFlatInputsParseInLinearTime() throws {
        let start = Date()
        let longString = "\"" + String(repeating: "ab\\n", count: 500_000) + "\""
        XCTAssertEqual(try JSONParser.parse(longString).stringValue?.utf8.count, 1_500_000)
        let longNumber = String(repeating: "9", count: 1_000_000) + ".5e-3"
        XCTAssertEqual(try JSONParser.parse(longNumber).numberValue?.digits.count, 1_000_001)
        let manyKeys = "{" + (0..<50_000).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + "}"
        XCTAssertEqual(try JSONParser.parse(manyKeys).objectValue?.count, 50_000)
        XCTAssertLessThan(Date().timeIntervalSince(start), 20)
    }
}

/// A tiny seeded generator so randomized tests repeat exactly.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
