import XCTest
@testable import Grammar

/// Our generated Unicode tables against PCRE2's on a sample of code points. PCRE2 10.42 uses
/// Unicode 14.0 and our tables Unicode 15.0, so a disagreement is accepted only where PCRE2
/// considers the code point unassigned (a character new in 15.0).
final class RegexUnicodeTablesTests: XCTestCase {
    func testPropertiesAgreeWithPCRE2ExceptNewCharacters() throws {
        let unassigned14 = try PCRE2Regex("^\\p{Cn}$")
        let cases: [(ours: (String, String?), pcre: String)] = [
            (("Lu", nil), "\\p{Lu}"), (("Ll", nil), "\\p{Ll}"), (("L", nil), "\\p{L}"), (("Nd", nil), "\\p{Nd}"),
            (("P", nil), "\\p{P}"), (("Zs", nil), "\\p{Zs}"), (("Mn", nil), "\\p{Mn}"), (("So", nil), "\\p{So}"),
            (("Script", "Greek"), "\\p{sc:Greek}"), (("sc", "Latn"), "\\p{sc:Latin}"), (("sc", "Han"), "\\p{sc:Han}"),
            (("sc", "Arab"), "\\p{sc:Arabic}"), (("scx", "Grek"), "\\p{scx:Greek}"), (("scx", "Deva"), "\\p{scx:Devanagari}"),
            (("Alphabetic", nil), "\\p{Alphabetic}"), (("White_Space", nil), "\\p{White_Space}"),
        ]
        var sample: [UInt32] = Array(0..<0x800)
        sample += stride(from: 0x800, to: 0x32000, by: 5).map { UInt32($0) }
        sample += [0xE0001, 0xE0100, 0xF0000, 0x10FFFD]
        sample = sample.filter { !(0xD800...0xDFFF).contains($0) }
        for (ours, pcre) in cases {
            let set = try UnicodeProperties.set(name: ours.0, value: ours.1)
            let reference = try PCRE2Regex("^" + pcre + "$")
            var mismatches: [String] = []
            for cp in sample {
                let text = String(Unicode.Scalar(cp)!)
                if set.contains(cp) != reference.search(text) && !unassigned14.search(text) {
                    mismatches.append(String(cp, radix: 16))
                }
            }
            XCTAssertEqual(mismatches, [], "\(ours) vs PCRE2 \(pcre)")
        }
    }

    func testTablesVersionAndWhiteSpace() throws {
        XCTAssertEqual(UnicodeProperties.unicodeVersion, "15.0.0")
        let ws = UnicodeProperties.ecmaWhiteSpace
        XCTAssertEqual(ws.count, 25)  // 17 Zs + TAB VT FF LF CR + FEFF + U+2028, U+2029
        XCTAssertTrue(ws.contains(0xFEFF))
        XCTAssertFalse(ws.contains(0x85))
    }
}
