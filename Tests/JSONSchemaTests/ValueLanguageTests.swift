import Foundation
import Grammar
import XCTest

@testable import JSONSchema

/// Leaf languages (strings, numbers, scalars) against the validator with formats asserted: random
/// texts drawn from each automaton must be valid, and one-byte mutations plus hand-picked texts must
/// be accepted exactly when valid (exponent spellings under value keywords: soundness only).
private func num(_ s: String) -> JSONValue { .number(JSONNumber(s)!) }

final class ValueLanguageTests: XCTestCase {
    static let numberTexts = ["0", "-0", "1", "1.0", "1.5", "-1", "-1.0", "10", "100", "99.99", "100.000", "0.01", "0.1",
                              "-0.5", "3", "4", "5", "7.5", "2.25", "1e2", "1E+2", "1.5e1", "-2e-1", "0e5", "0.0e-5",
                              "12345678901234567890", "-12345678901234567890.5", "0.30000000000000004", "1e400",
                              "01", "1.", ".5", "-", "+1", "1e", "NaN", "2", "2.0", "2.50", "6", "8", "9.95"]
    static let stringTexts = ["\"\"", "\"a\"", "\"abc\"", "\"\\u0061bc\"", "\"\\u00e9\"", "\"é\"", "\"\\ud83d\\ude00\"",
                              "\"😀\"", "\"\\\"\"", "\"\\/\"", "\"\\n\"", "\"\\uD83D\"", "\"2024-02-29\"", "\"2023-02-29\"",
                              "\"2000-02-29\"", "\"1900-02-29\"", "\"2024-04-31\"", "\"12:00:00Z\"", "\"23:59:60Z\"",
                              "\"23:59:60+01:00\"", "\"00:59:60+01:00\"", "\"12:00:00.5-05:30\"", "\"1999-12-31T23:59:60Z\"",
                              "\"192.168.0.1\"", "\"256.1.1.1\"", "\"01.1.1.1\"", "\"123e4567-e89b-12d3-a456-426614174000\"",
                              "\"/a~0b/c~1\"", "\"/a~2\"", "\"0#\"", "\"1/a\"", "\"01/a\"", "\"abcdefghijk\"", "\"\\t\""]

    func differential(_ schema: JSONValue, draft: Draft = .draft2020_12, samples: Int = 150,
                      file: StaticString = #filePath, line: UInt = #line) throws {
        var d = try ValueLanguageDifferential(schema: schema, draft: draft)
        try d.run(samples: samples, extra: Self.numberTexts + Self.stringTexts + ["true", "false", "null", "[]", "{}", " 1"])
        XCTAssertGreaterThan(d.checked, samples, "\(schema)", file: file, line: line)
        XCTAssertEqual(d.disagreements, [], "\(schema)", file: file, line: line)
    }

    func testStrings() throws {
        try differential(["type": "string"])
        try differential(["type": "string", "minLength": 2, "maxLength": 4])
        try differential(["type": "string", "pattern": "^[a-c]+$", "maxLength": 3])
        try differential(["type": "string", "pattern": "b"])
        try differential(["type": "string", "pattern": "^\\p{L}{2}$"])
        try differential(["type": "string", "enum": ["a", "é", "😀", "x\"y"]])
        try differential(["const": "abc"])
    }

    func testFormats() throws {
        for f in ["date", "time", "date-time", "ipv4", "uuid", "json-pointer", "relative-json-pointer"] {
            try differential(["type": "string", "format": .string(f)], samples: 60)
        }
        try differential(["type": "string", "format": "date", "pattern": "^2024"], samples: 40)
    }

    func testUnexpressedFormatsAreRefusedWithPointer() {
        // email, hostname, uri and uri-reference are subsets, duration, ipv6 and uri-template exact (FormatLanguageSoundnessTests).
        for f in ["regex", "idn-email", "idn-hostname", "iri", "iri-reference"] {
            var ir = RegexIR()
            XCTAssertThrowsError(try JSONValueLanguage.language(for: ["type": "string", "format": .string(f)], in: &ir)) { error in
                let e = error as? SchemaCompileError
                XCTAssertEqual(e?.kind, .cannotEnforceExactly)
                XCTAssertEqual(e?.pointer, "/format")
            }
        }
        var ir = RegexIR()
        // An unknown format is an annotation.
        XCTAssertNoThrow(try JSONValueLanguage.language(for: ["type": "string", "format": "color"], in: &ir))
    }

    func testNumbers() throws {
        try differential(["type": "number"])
        try differential(["type": "integer"])
        try differential(["type": "number", "minimum": num("1.5"), "maximum": 100])
        try differential(["type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 10])
        try differential(["type": "integer", "minimum": -20, "maximum": 7])
        try differential(["type": "number", "minimum": num("-0.25")])
        try differential(["type": "number", "maximum": 0])
        try differential(["type": "number", "exclusiveMaximum": 0])
        try differential(["type": "number", "minimum": JSONValue.number(JSONNumber("-12345678901234567890.25")!)])
        try differential(["type": "number", "maximum": JSONValue.number(JSONNumber("1e3")!)])
        try differential(["type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 5, "exclusiveMaximum": true], draft: .draft4)
    }

    func testMultipleOf() throws {
        try differential(["type": "integer", "multipleOf": 2])
        try differential(["type": "number", "multipleOf": num("0.01")])
        try differential(["type": "number", "multipleOf": num("0.25")])
        try differential(["type": "number", "multipleOf": 5, "minimum": 0, "maximum": 100])
        try differential(["type": "number", "multipleOf": 20])
        try differential(["type": "number", "multipleOf": num("0.5")])
        var ir = RegexIR()
        XCTAssertThrowsError(try JSONValueLanguage.language(for: ["type": "integer", "multipleOf": 3], in: &ir)) { error in
            XCTAssertEqual((error as? SchemaCompileError)?.pointer, "/multipleOf")
        }
    }

    func testScalarsAndMixedEnums() throws {
        try differential(["type": "boolean"])
        try differential(["type": "null"])
        try differential(["enum": ["a", 1, num("2.5"), true, nil]])
        try differential(["type": ["string", "null"], "maxLength": 2])
        try differential(["type": ["integer", "boolean"], "maximum": 3, "minimum": 1])
        var ir = RegexIR()
        XCTAssertThrowsError(try JSONValueLanguage.language(for: ["type": "object"], in: &ir))
        XCTAssertThrowsError(try JSONValueLanguage.language(for: ["enum": [[1]]], in: &ir))
    }
}
