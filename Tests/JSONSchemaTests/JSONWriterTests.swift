import XCTest

@testable import JSONSchema

final class JSONWriterTests: XCTestCase {
    func testLayouts() throws {
        let v = try JSONParser.parse(#"{"a": [1, {"b": null}, [], {}], "c": "d"}"#)
        XCTAssertEqual(JSONWriter.string(v), #"{"a":[1,{"b":null},[],{}],"c":"d"}"#)
        XCTAssertEqual(JSONWriter.string(v, options: JSONWriterOptions(layout: .python)), #"{"a": [1, {"b": null}, [], {}], "c": "d"}"#)
        XCTAssertEqual(JSONWriter.string(v, options: JSONWriterOptions(layout: .indented(2))), """
            {
              "a": [
                1,
                {
                  "b": null
                },
                [],
                {}
              ],
              "c": "d"
            }
            """)
    }

    func testPythonEscapes() throws {
        let s = JSONValue.string("q\"b\\n\nr\rt\tb\u{8}f\u{c}\u{1}\u{1f}\u{7f}é😀/")
        XCTAssertEqual(JSONWriter.string(s), #""q\"b\\n\nr\rt\tb\bf\f\u0001\u001f"# + "\u{7f}é😀/\"")
        XCTAssertEqual(JSONWriter.string(s, options: JSONWriterOptions(ensureASCII: true)),
                       #""q\"b\\n\nr\rt\tb\bf\f\u0001\u001f\u007f\u00e9\ud83d\ude00/""#)
    }

    func testDuplicateKeys() throws {
        let v = try JSONParser.parse(#"{"a":1,"b":2,"a":3}"#)
        XCTAssertEqual(JSONWriter.string(v), #"{"a":1,"b":2,"a":3}"#)
        // A Python dict keeps the first position and the last value.
        XCTAssertEqual(JSONWriter.string(v, options: .pythonDumps), #"{"a": 3, "b": 2}"#)
    }

    func testPythonNumberFormat() {
        let cases: [(String, String)] = [
            ("1e5", "100000.0"), ("1E+16", "1e+16"), ("1e15", "1000000000000000.0"), ("0.00001", "1e-05"),
            ("0.0001", "0.0001"), ("1e400", "Infinity"), ("-1e400", "-Infinity"), ("-0.0", "-0.0"), ("-0", "0"),
            ("1e-400", "0.0"), ("-1e-400", "-0.0"), ("0.1", "0.1"), ("1.5e300", "1.5e+300"), ("123.456", "123.456"),
            ("12345678901234567890", "12345678901234567890"), ("12345678901234567890.0", "1.2345678901234567e+19"),
            ("5e-324", "5e-324"), ("2.5E-5", "2.5e-05"), ("100", "100"), ("1.0", "1.0"), ("9007199254740993.0", "9007199254740992.0"),
            ("0.30000000000000004", "0.30000000000000004"), ("1.7976931348623157e308", "1.7976931348623157e+308"),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(PythonNumberFormat.format(JSONNumber(text)!), expected, text)
        }
    }
}
