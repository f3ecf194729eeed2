import Foundation
import XCTest

@testable import JSONSchema

final class SchemaLoadingTests: XCTestCase {
    private func compile(_ text: String, options: ValidatorOptions = ValidatorOptions()) throws -> CompiledSchema {
        try CompiledSchema(try JSONParser.parse(text), options: options)
    }

    private func loadError(_ text: String, options: ValidatorOptions = ValidatorOptions()) -> SchemaError? {
        do {
            _ = try compile(text, options: options)
            return nil
        } catch let e as SchemaError { return e } catch {
            XCTFail("unexpected \(error)")
            return nil
        }
    }

    func testJSONPointer() throws {
        let p = try JSONPointer(parsing: "/a~1b/c~0d/0")
        XCTAssertEqual(p.tokens, ["a/b", "c~d", "0"])
        XCTAssertEqual(p.description, "/a~1b/c~0d/0")
        XCTAssertEqual(try JSONPointer(fragment: "/a%20b/%25").tokens, ["a b", "%"])
        XCTAssertThrowsError(try JSONPointer(parsing: "a"))
        XCTAssertThrowsError(try JSONPointer(parsing: "/~2"))
        let doc = try JSONParser.parse(##"{"a/b": [10, {"": 7}], "01": 1}"##)
        XCTAssertEqual(try JSONPointer(parsing: "/a~1b/1/").resolve(in: doc), 7)
        XCTAssertNil(try JSONPointer(parsing: "/a~1b/01").resolve(in: doc))  // no leading zeros
        XCTAssertNil(try JSONPointer(parsing: "/a~1b/-").resolve(in: doc))
    }

    func testURIResolution() {
        // RFC 3986 §5.4 examples.
        let base = URIReference("http://a/b/c/d;p?q")
        let cases: [(String, String)] = [
            ("g", "http://a/b/c/g"), ("./g", "http://a/b/c/g"), ("g/", "http://a/b/c/g/"), ("/g", "http://a/g"),
            ("//g", "http://g"), ("?y", "http://a/b/c/d;p?y"), ("#s", "http://a/b/c/d;p?q#s"), ("", "http://a/b/c/d;p?q"),
            ("..", "http://a/b/"), ("../g", "http://a/b/g"), ("../../g", "http://a/g"), ("../../../g", "http://a/g"),
            ("/./g", "http://a/g"), ("g.", "http://a/b/c/g."), ("g;x=1/../y", "http://a/b/c/y"), ("g:h", "g:h"),
        ]
        for (ref, expected) in cases {
            XCTAssertEqual(URIReference(ref).resolved(against: base).description, expected, ref)
        }
        XCTAssertEqual(URIReference("#foo").resolved(against: URIReference("urn:uuid:1234")).description, "urn:uuid:1234#foo")
    }

    func testErrorsNameInstanceAndKeywordLocations() throws {
        let schema = try compile(##"{"$id": "http://x/s.json", "properties": {"a": {"items": {"type": "integer"}}}, "required": ["b"]}"##)
        let errors = schema.validate(try JSONParser.parse(##"{"a": [1, "x"]}"##)).sorted { $0.instanceLocation > $1.instanceLocation }
        XCTAssertEqual(errors.count, 2)
        XCTAssertEqual(errors[0].instanceLocation, "/a/1")
        XCTAssertEqual(errors[0].keywordLocation, "http://x/s.json#/properties/a/items/type")
        XCTAssertEqual(errors[1].instanceLocation, "")
        XCTAssertEqual(errors[1].keywordLocation, "http://x/s.json#/required")
        XCTAssertTrue(errors[1].message.contains("\"b\""), errors[1].message)
        XCTAssertFalse(schema.isValid(try JSONParser.parse(##"{"a": [1, "x"]}"##)))
        XCTAssertTrue(schema.isValid(try JSONParser.parse(##"{"a": [1], "b": 0}"##)))
    }

    func testBadReferencesAreClearErrors() throws {
        var e = try XCTUnwrap(loadError(##"{"properties": {"a": {"$ref": "#/definitions/missing"}}}"##))
        XCTAssertTrue(e.message.contains("#/definitions/missing"), e.description)
        XCTAssertEqual(e.location, "#/properties/a/$ref")
        e = try XCTUnwrap(loadError(##"{"$ref": "http://nowhere.example/s.json"}"##))
        XCTAssertTrue(e.message.contains("no schema at http://nowhere.example/s.json"), e.description)
        e = try XCTUnwrap(loadError(##"{"$ref": "#nope"}"##))
        XCTAssertTrue(e.message.contains("no anchor 'nope'"), e.description)
        e = try XCTUnwrap(loadError(##"{"pattern": "(unclosed"}"##))
        XCTAssertEqual(e.location, "#/pattern")
        e = try XCTUnwrap(loadError(##"{"minLength": -1}"##))
        XCTAssertTrue(e.description.contains("minLength"), e.description)
    }

    func testCyclesWithoutProgressAreRefused() throws {
        for text in [##"{"$ref": "#"}"##, ##"{"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"allOf": [{"$ref": "#/$defs/a"}]}}, "$ref": "#/$defs/a"}"##,
                     ##"{"anyOf": [{"type": "string"}, {"$ref": "#"}]}"##] {
            let e = try XCTUnwrap(loadError(text), text)
            XCTAssertTrue(e.message.contains("cycle without progress"), e.description)
        }
        // Recursion through a child instance is progress.
        let tree = try compile(##"{"type": "array", "items": {"$ref": "#"}}"##)
        let deep = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        XCTAssertTrue(tree.isValid(try JSONParser.parse(deep)))
        XCTAssertTrue(tree.validate(try JSONParser.parse(deep)).isEmpty)
    }

    func testEvaluationDepthBudget() throws {
        let options = ValidatorOptions(maxEvaluationDepth: 50)
        let schema = try compile(##"{"items": {"$ref": "#"}}"##, options: options)
        let deep = try JSONParser.parse(String(repeating: "[", count: 100) + String(repeating: "]", count: 100))
        let errors = schema.validate(deep)
        XCTAssertEqual(errors.count, 1)
        XCTAssertTrue(errors[0].message.contains("maxEvaluationDepth"), errors[0].message)
    }

    /// A deep instance on a thread with a small stack is an error, never a crash; and one compiled
    /// schema is shared by concurrent validations.
    func testSmallStacksAndConcurrentUse() throws {
        let tree = try compile(##"{"type": "array", "items": {"$ref": "#"}}"##)
        let deep = try JSONParser.parse(String(repeating: "[", count: 500) + String(repeating: "]", count: 500))
        let collected = Collector<InstanceError>()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            for e in tree.validate(deep) { collected.add(e) }
            done.signal()
        }
        thread.stackSize = 128 * 1024
        thread.start()
        done.wait()
        let errors = collected.all
        XCTAssertEqual(errors.count, 1)
        XCTAssertTrue(errors.first?.message.contains("too deeply for this thread's stack") ?? false, "\(errors)")

        let schema = try compile(##"{"type": "object", "properties": {"s": {"pattern": "^a+$"}, "n": {"multipleOf": 3}}}"##)
        let good = try JSONParser.parse(##"{"s": "aaa", "n": 9}"##), bad = try JSONParser.parse(##"{"s": "ab", "n": 9}"##)
        let results = Collector<Bool>()
        DispatchQueue.concurrentPerform(iterations: 400) { k in
            results.add(schema.isValid(k % 2 == 0 ? good : bad) == (k % 2 == 0))
        }
        XCTAssertEqual(results.all.count, 400)
        XCTAssertTrue(results.all.allSatisfy { $0 })
    }

    func testLargeSchemasStayBounded() throws {
        // 100,000-element enum: hashed lookup.
        let values = (0..<100_000).map { "\"v\($0)\"" }.joined(separator: ",")
        var start = Date()
        let big = try compile("{\"enum\": [" + values + "]}")
        XCTAssertTrue(big.isValid("v99999"))
        XCTAssertFalse(big.isValid("v100000"))
        XCTAssertTrue(big.isValid(.string("v5")))
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)

        // About 10 MB of schema: 40,000 properties with patterns and refs.
        start = Date()
        var parts: [String] = []
        for k in 0..<40_000 {
            let description = String(repeating: "x", count: 180)
            parts.append("\"p\(k)\": {\"type\": \"string\", \"maxLength\": \(k % 100 + 1), \"description\": \"\(description)\"}")
        }
        let text = "{\"type\": \"object\", \"properties\": {" + parts.joined(separator: ",") + "}}"
        XCTAssertGreaterThan(text.utf8.count, 9_000_000)
        let huge = try compile(text)
        XCTAssertEqual(huge.nodeCount, 40_001)
        XCTAssertTrue(huge.isValid(try JSONParser.parse(##"{"p1": "ab", "p39999": "x"}"##)))
        XCTAssertFalse(huge.isValid(try JSONParser.parse(##"{"p0": "ab"}"##)))
        XCTAssertLessThan(Date().timeIntervalSince(start), 60)

        // Node budget.
        let e = try XCTUnwrap(loadError(text, options: ValidatorOptions(maxSchemaNodes: 1000)))
        XCTAssertTrue(e.message.contains("maxSchemaNodes"), e.description)
    }

    func testDeeplyNestedSchemaIsCompiledWithoutRecursion() throws {
        // 500 nested "not"s: in-place, compiled by the worklist.
        let text = String(repeating: "{\"not\": ", count: 500) + "{}" + String(repeating: "}", count: 500)
        let schema = try compile(text)
        XCTAssertTrue(schema.isValid(1))  // an even number of "not"s around {}
        // Too deep for the parser's limit: a parse error, not a crash.
        let tooDeep = String(repeating: "{\"not\": ", count: 600) + "{}" + String(repeating: "}", count: 600)
        XCTAssertThrowsError(try JSONParser.parse(tooDeep))
    }

    func testFormatsAreAnnotationsUnlessAsserted() throws {
        let text = ##"{"format": "date"}"##
        XCTAssertTrue(try compile(text).isValid("2024-02-30"))
        let asserting = try compile(text, options: ValidatorOptions(assertFormats: true))
        XCTAssertFalse(asserting.isValid("2024-02-30"))
        XCTAssertTrue(asserting.isValid("2024-02-29"))
        XCTAssertTrue(asserting.isValid(5))
        // Unknown formats stay annotations.
        XCTAssertTrue(try compile(##"{"format": "color"}"##, options: ValidatorOptions(assertFormats: true)).isValid("zzz"))
    }

    func testRemoteReferencesThroughRegistry() throws {
        var registry = SchemaRegistry()
        registry.add(try JSONParser.parse(##"{"$defs": {"pos": {"type": "integer", "minimum": 1}}}"##), uri: "http://example.com/lib.json")
        let schema = try CompiledSchema(try JSONParser.parse(##"{"$id": "http://example.com/main.json", "items": {"$ref": "lib.json#/$defs/pos"}}"##),
                                        registry: registry)
        XCTAssertTrue(schema.isValid([1, 2]))
        XCTAssertFalse(schema.isValid([1, 0]))
        // Metaschemas are built in.
        let meta = try compile(##"{"$ref": "http://json-schema.org/draft-07/schema#"}"##)
        XCTAssertTrue(meta.isValid(try JSONParser.parse(##"{"type": "string", "minLength": 2}"##)))
        XCTAssertFalse(meta.isValid(try JSONParser.parse(##"{"type": "strin"}"##)))
    }

    func testExactNumbers() throws {
        let schema = try compile(##"{"multipleOf": 0.1}"##)
        XCTAssertTrue(schema.isValid(try JSONParser.parse("0.3")))
        XCTAssertTrue(schema.isValid(try JSONParser.parse("12345678901234567890.1")))
        XCTAssertFalse(schema.isValid(try JSONParser.parse("0.35")))
        XCTAssertTrue(try compile(##"{"multipleOf": 0.5}"##).isValid(try JSONParser.parse("1e308")))
        XCTAssertFalse(try compile(##"{"maximum": 12345678901234567890}"##).isValid(try JSONParser.parse("12345678901234567891")))
    }
}

/// Values gathered from several threads.
final class Collector<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [T] = []
    func add(_ item: T) {
        lock.lock()
        items.append(item)
        lock.unlock()
    }
    var all: [T] {
        lock.lock()
        defer { lock.unlock() }
        return items
    }
}
