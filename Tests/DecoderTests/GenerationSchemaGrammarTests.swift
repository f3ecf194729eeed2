import Grammar
import JSONSchema
import XCTest

@testable import Decoder

/// The schema path of generation (`Constraint.jsonSchema`, the exact compiler with compact
/// whitespace by default): what it accepts is valid under the validator, and what it cannot enforce exactly
/// is refused with the schema location.
final class GenerationSchemaGrammarTests: XCTestCase {
    private func parser(_ schema: String) throws -> EarleyParser {
        let g = try Constraint.jsonSchema(schema).compile()!
        return try EarleyParser(g)
    }

    private func accepts(_ p: EarleyParser, _ text: String) throws -> Bool {
        var q = p
        return try q.push(bytes: Array(text.utf8)) && q.isAccepting
    }

    func testObjectsWithRequiredAndOptionalPropertiesInOrder() throws {
        let schema = #"{"type":"object","properties":{"a":{"type":"integer","minimum":0},"b":{"type":"string","maxLength":3},"c":{"type":"boolean"}},"required":["b"]}"#
        let p = try parser(schema)
        for ok in [#"{"b":"x"}"#, #"{"a":0,"b":""}"#, #"{"a":12,"b":"abc","c":true}"#, #"{"b":"xy","c":false}"#] {
            XCTAssertTrue(try accepts(p, ok), ok)
        }
        for bad in [#"{}"#, #"{"a":1}"#, #"{"b":"abcd"}"#, #"{"a":-1,"b":""}"#, #"{"b":"x","a":1}"#, #"{"b":"x",}"#, #"{,"b":"x"}"#] {
            XCTAssertFalse(try accepts(p, bad), bad)
        }
    }

    func testDefaultOutputIsCompactAndOtherWhitespaceIsOptIn() throws {
        // The default leaves no room for layouts such as `{"a":1\n,"b"` (docs/generation.md).
        let schema = #"{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"array","items":{"type":"string"}}},"required":["a","b"]}"#
        let p = try parser(schema)
        XCTAssertTrue(try accepts(p, #"{"a":1,"b":["x","y"]}"#))
        for spaced in [#"{"a": 1,"b":[]}"#, "{\"a\":1\n,\"b\":[]}", #"{ "a":1,"b":[]}"#, #"{"a":1,"b":["x", "y"]}"#, #"{"a":1,"b":[]} "#] {
            XCTAssertFalse(try accepts(p, spaced), spaced)
        }
        let roomy = try EarleyParser(try Constraint.jsonSchema(schema).compile(schemaOptions: .generation)!)
        XCTAssertTrue(try accepts(roomy, #"{"a": 1, "b": ["x", "y"]}"#), "one space per place when asked for")
    }

    func testGeneratedNumbersArePlainButCheckingKeepsEverySpelling() throws {
        // The cross-check caught a sampled `72e086894173923` for a `type: integer`: valid, but read
        // as infinity by Python's json (docs/generation.md). Generation spells numbers plainly.
        let integer = try parser(#"{"type":"integer"}"#)
        for ok in ["0", "-7", "1000"] { XCTAssertTrue(try accepts(integer, ok), ok) }
        for bad in ["1e3", "72e086894173923", "1E+2", "0e-5", "1.0", "01"] { XCTAssertFalse(try accepts(integer, bad), bad) }
        let number = try parser(#"{"type":"number","maximum":100}"#)
        for ok in ["1.5", "-0.25", "100"] { XCTAssertTrue(try accepts(number, ok), ok) }
        for bad in ["1.5e1", "1e2", "101"] { XCTAssertFalse(try accepts(number, bad), bad) }
        let checking = try JSONSchemaGrammar(try JSONValue(parsing: #"{"type":"integer"}"#), options: SchemaGrammarOptions())
        var p = try EarleyParser(checking.grammar)
        XCTAssertTrue(try p.push(bytes: Array("1e3".utf8)) && p.isAccepting, "checking accepts every RFC 8259 integer spelling")
    }

    func testArraysEnumsRefsAndAnyOf() throws {
        let schema = #"""
        {"$defs": {"color": {"enum": ["red", "green", 3]}},
         "type": "array", "items": {"anyOf": [{"$ref": "#/$defs/color"}, {"type": "null"}]}, "minItems": 1, "maxItems": 2}
        """#
        let p = try parser(schema)
        for ok in [#"["red"]"#, #"[3,null]"#, #"[null,"green"]"#] { XCTAssertTrue(try accepts(p, ok), ok) }
        for bad in [#"[]"#, #"["blue"]"#, #"["red","red","red"]"#, #"[4]"#] { XCTAssertFalse(try accepts(p, bad), bad) }
    }

    func testRecursiveReferences() throws {
        let p = try parser(##"{"type":"object","properties":{"next":{"$ref":"#"}},"required":[]}"##)
        XCTAssertTrue(try accepts(p, #"{"next":{"next":{}}}"#))
        XCTAssertFalse(try accepts(p, #"{"next":1}"#))
    }

    func testStringFormatAndPatternAreEnforced() throws {
        let p = try parser(#"{"type":"string","format":"date"}"#)
        XCTAssertTrue(try accepts(p, #""2024-02-29""#))
        XCTAssertFalse(try accepts(p, #""2023-02-29""#))
        let q = try parser(#"{"type":"string","pattern":"^[a-z]+-[0-9]+$"}"#)
        XCTAssertTrue(try accepts(q, #""ab-12""#))
        XCTAssertFalse(try accepts(q, #""ab-""#))
        XCTAssertFalse(try accepts(q, #""Ab-1""#))
        let r = try parser(#"{"type":"string","pattern":"[0-9]{3}","maxLength":6}"#)   // search, not full match
        XCTAssertTrue(try accepts(r, #""ab123x""#))
        XCTAssertFalse(try accepts(r, #""ab12x""#))
        XCTAssertFalse(try accepts(r, #""ab1234x""#), "maxLength")
        let anchors = try parser(#"{"type":"string","pattern":"a$|^b"}"#)   // anchors inside alternatives
        XCTAssertTrue(try accepts(anchors, #""xa""#))
        XCTAssertTrue(try accepts(anchors, #""bx""#))
        XCTAssertFalse(try accepts(anchors, #""ab""#))
    }

    func testEveryAcceptedInstanceOfTheFixturesIsValid() throws {
        // Generated-style instances: whatever the grammar accepts, the validator must accept.
        let schema = #"{"type":"object","properties":{"n":{"type":"number","exclusiveMinimum":0},"t":{"type":["string","null"]}},"required":["n","t"]}"#
        let p = try parser(schema)
        let validator = try CompiledSchema(try JSONValue(parsing: schema), options: ValidatorOptions(assertFormats: true))
        for text in [#"{"n":1,"t":null}"#, #"{"n":0.5,"t":"x"}"#, #"{"n":0,"t":null}"#, #"{"n":0.0,"t":null}"#, #"{"n":-1,"t":"a"}"#, #"{"n":2.25,"t":"\u00e9"}"#] {
            let accepted = try accepts(p, text)
            if accepted {
                XCTAssertTrue(validator.isValid(try JSONValue(parsing: text)), "grammar accepted an invalid instance: \(text)")
            }
        }
        XCTAssertFalse(try accepts(p, #"{"n":0,"t":null}"#), "exclusiveMinimum 0 excludes 0")
    }

    func testBoundsOneOfFormatsAndAllOfAreEnforced() throws {
        let cases: [(schema: String, valid: [String], invalid: [String])] = [
            (#"{"type":"object","properties":{"a":{"type":"integer","maximum":5}}}"#, [#"{"a":5}"#, #"{}"#, #"{"a":-7}"#], [#"{"a":6}"#, #"{"a":5.5}"#]),
            (#"{"oneOf":[{"type":"integer"},{"type":"number"}]}"#, ["1.5", "-0.25"], ["1", "0"]),
            (#"{"type":"string","format":"email"}"#, [#""ann@example.com""#], [#""not an email""#, #""a@""#]),
            (#"{"allOf":[{"type":"string"},{"maxLength":2}]}"#, [#""ab""#, #""""#], [#""abc""#, "1"]),
            (#"{"type":"object","properties":{"a":{"type":"integer"}},"required":["a"]}"#, [#"{"a":1}"#], [#"{"a": 1}"#, #"{"a":  1}"#, "{\n\"a\":1}  "]),
        ]
        for c in cases {
            let p = try parser(c.schema)
            let validator = try CompiledSchema(try JSONValue(parsing: c.schema), options: ValidatorOptions(assertFormats: true))
            for text in c.valid {
                XCTAssertTrue(try accepts(p, text), "\(c.schema) should accept \(text)")
                XCTAssertTrue(validator.isValid(try JSONValue(parsing: text)), text)
            }
            for text in c.invalid { XCTAssertFalse(try accepts(p, text), "\(c.schema) should reject \(text)") }
        }
    }

    func testKeysAndConstantsAreSpelledCanonicallyWhenGenerating() throws {
        let schema = #"{"type":"object","properties":{"ok":{"const":"é\"/"}},"required":["ok"]}"#
        let p = try parser(schema)
        XCTAssertTrue(try accepts(p, #"{"ok":"é\"/"}"#))
        // Valid JSON for the same instance, but not the spelling generation emits.
        XCTAssertFalse(try accepts(p, #"{"o\u006b":"é\"/"}"#))
        XCTAssertFalse(try accepts(p, #"{"ok":"\u00e9\"\/"}"#))
        // Checking instances keeps every spelling.
        let check = try JSONSchemaGrammar(try JSONValue(parsing: schema)).grammar
        var q = try EarleyParser(check)
        XCTAssertTrue(try q.push(bytes: Array(#"{"o\u006b": "\u00e9\"\/"}"#.utf8)) && q.isAccepting)
    }

    func testWhatCannotBeEnforcedIsRefusedWithTheLocation() {
        let cases: [(String, String)] = [
            (#"{"type":"array","uniqueItems":true}"#, "/uniqueItems"),
            (#"{"type":"string","format":"regex"}"#, "/format"),
            (#"{"$ref":"other.json#/x"}"#, "other.json"),
        ]
        for (schema, pointer) in cases {
            XCTAssertThrowsError(try Constraint.jsonSchema(schema).compile(), schema) { e in
                XCTAssert("\(e)".contains(pointer), "\(e) should name \(pointer)")
            }
        }
        XCTAssertThrowsError(try Constraint.jsonSchema("{not json").compile())
        XCTAssertThrowsError(try Constraint.regex("[a-").compile())
    }
}
