import XCTest

@testable import JSONSchema

final class ECMARegexTests: XCTestCase {
    func testECMASpecifics() throws {
        let space = try ECMARegex("^\\s$")
        for s in [" ", "\t", "\u{a0}", "\u{3000}", "\u{feff}", "\u{2028}"] { XCTAssertTrue(space.search(s), s.debugDescription) }
        XCTAssertFalse(space.search("x"))
        XCTAssertTrue(try ECMARegex("^[\\S]+$").search("ab"))
        XCTAssertFalse(try ECMARegex("^[\\S]+$").search("a b"))
        XCTAssertFalse(try ECMARegex("^\\d$").search("\u{0661}"))  // ECMA \d is ASCII
        XCTAssertFalse(try ECMARegex("^\\w$").search("é"))
        XCTAssertTrue(try ECMARegex("^\\p{Letter}+$").search("héllo"))
        XCTAssertTrue(try ECMARegex("^\\u00e9\\uD83D\\uDE00$").search("é😀"))
        XCTAssertFalse(try ECMARegex("^.$").search("\n"))
        XCTAssertFalse(try ECMARegex("^.$").search("\u{2028}"))
        XCTAssertFalse(try ECMARegex("abc$").search("abc\n"))  // $ only at the very end
        XCTAssertFalse(try ECMARegex("[]").search("a"))
        XCTAssertTrue(try ECMARegex("^[^]$").search("\n"))
        XCTAssertTrue(try ECMARegex("a").search("xay"))  // unanchored
        XCTAssertThrowsError(try ECMARegex("(a"))
    }

    func testFormats() {
        XCTAssertEqual(FormatChecker.check("date-time", "1963-06-19T08:30:06.28123+01:00"), true)
        XCTAssertEqual(FormatChecker.check("date-time", "1990-12-31T15:59:60-08:00"), true)  // leap second at 23:59:60 UTC
        XCTAssertEqual(FormatChecker.check("date-time", "1990-12-31T15:59:60+08:00"), false)
        XCTAssertEqual(FormatChecker.check("time", "12:00:00Z"), true)
        XCTAssertEqual(FormatChecker.check("duration", "P4DT12H30M5S"), true)
        XCTAssertEqual(FormatChecker.check("duration", "P1D2H"), false)
        XCTAssertEqual(FormatChecker.check("ipv6", "::ffff:192.168.0.1"), true)
        XCTAssertEqual(FormatChecker.check("ipv6", "1::2::3"), false)
        XCTAssertEqual(FormatChecker.check("ipv4", "192.168.01.1"), false)
        XCTAssertEqual(FormatChecker.check("email", "\"joe bloggs\"@example.com"), true)
        XCTAssertEqual(FormatChecker.check("email", "a..b@example.com"), false)
        XCTAssertEqual(FormatChecker.check("uri", "http://[2001:db8::1]:80/x?y#z"), true)
        XCTAssertEqual(FormatChecker.check("uri", "//no-scheme"), false)
        XCTAssertEqual(FormatChecker.check("uri-reference", "//no-scheme"), true)
        XCTAssertEqual(FormatChecker.check("uuid", "2eb8aa08-aa98-11ea-b4aa-73b441d16380"), true)
        XCTAssertEqual(FormatChecker.check("relative-json-pointer", "0#"), true)
        XCTAssertEqual(FormatChecker.check("relative-json-pointer", "01/a"), false)
        XCTAssertNil(FormatChecker.check("color", "red"))
    }

    func testPunycodeAndIDNA() throws {
        // RFC 3492 §7.1 (B): Chinese (simplified).
        let decoded = try XCTUnwrap(IDNA.punycodeDecode("ihqwcrb4cv8a8dqg056pqjye"))
        XCTAssertEqual(String(String.UnicodeScalarView(decoded)), "他们为什么不说中文")
        XCTAssertEqual(IDNA.punycodeEncode(decoded), "ihqwcrb4cv8a8dqg056pqjye")
        XCTAssertEqual(IDNA.punycodeEncode(Array("bücher".unicodeScalars)), "bcher-kva")
        XCTAssertNil(IDNA.punycodeDecode("X"))
        XCTAssertEqual(FormatChecker.check("hostname", "xn--bcher-kva.example"), true)
        XCTAssertEqual(FormatChecker.check("hostname", "xn--bcher-kvb.example"), false)  // not canonical
        XCTAssertEqual(FormatChecker.check("idn-hostname", "bücher.example"), true)
        XCTAssertEqual(FormatChecker.check("idn-hostname", "a\u{05D0}"), false)  // Bidi rule
        XCTAssertEqual(FormatChecker.check("idn-email", "δοκιμή@παράδειγμα.δοκιμή"), true)
    }
}
