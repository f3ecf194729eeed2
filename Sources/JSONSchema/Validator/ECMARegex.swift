import CPCRE2
import Grammar

/// A JSON Schema `pattern` (ECMA-262 syntax) run by PCRE2, after translating what differs.
///
/// JSON Schema says patterns are ECMA-262 regular expressions (2020-12 Validation §6.3.3) with
/// Unicode semantics. PCRE2 without UCP already gives ECMA's ASCII `\d`, `\w`, `\b`; the rewrite
/// covers the rest:
/// - `\s` / `\S`: ECMA's WhiteSpace and LineTerminator set (tab, LF, VT, FF, CR, space, U+00A0,
///   U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000, U+FEFF), also inside classes.
/// - `.`: any code point but LF, CR, U+2028, U+2029.
/// - `\uXXXX` (surrogate pairs joined) and `\u{X…}` become `\x{…}`.
/// - `[]` matches nothing and `[^]` anything (PCRE2_ALLOW_EMPTY_CLASS); a back reference to a
///   group that did not take part matches empty (PCRE2_MATCH_UNSET_BACKREF); `$` only at the end.
///
/// ```swift
/// let r = try ECMARegex("^\\s*\\d+$")
/// r.search("\u{3000}42")   // true: U+3000 is ECMA whitespace
/// ```
public struct ECMARegex: Sendable {
    public let source: String
    private let compiled: PCRE2Regex

    /// Compiles `source`; throws PCRE2's `CompileError` (offsets refer to the translated pattern).
    public init(_ source: String) throws {
        self.source = source
        compiled = try PCRE2Regex(ECMARegex.translate(source),
                                  extraOptions: UInt32(PCRE2_ALLOW_EMPTY_CLASS) | UInt32(PCRE2_MATCH_UNSET_BACKREF))
    }

    /// True when the pattern matches somewhere in `text` (JSON Schema patterns are not anchored).
    public func search(_ text: String) -> Bool { compiled.search(text) }

    private static let whitespace: [ClosedRange<UInt32>] = [
        0x09...0x0D, 0x20...0x20, 0xA0...0xA0, 0x1680...0x1680, 0x2000...0x200A, 0x2028...0x2029,
        0x202F...0x202F, 0x205F...0x205F, 0x3000...0x3000, 0xFEFF...0xFEFF,
    ]

    private static func rangeText(_ ranges: [ClosedRange<UInt32>]) -> String {
        ranges.map { r in
            r.lowerBound == r.upperBound ? "\\x{\(hex(r.lowerBound))}" : "\\x{\(hex(r.lowerBound))}-\\x{\(hex(r.upperBound))}"
        }.joined()
    }

    private static func hex(_ v: UInt32) -> String { String(v, radix: 16) }

    /// Whitespace ranges, and their complement (surrogates excluded: not scalars).
    private static let spaceItems = rangeText(whitespace)
    private static let nonSpaceItems: String = {
        var out: [ClosedRange<UInt32>] = []
        var next: UInt32 = 0
        for r in whitespace {
            if r.lowerBound > next { out.append(next...(r.lowerBound - 1)) }
            next = r.upperBound + 1
        }
        out.append(next...0x10FFFF)
        // Split around the surrogate block, which PCRE2 in UTF mode refuses in ranges.
        return rangeText(out.flatMap { r -> [ClosedRange<UInt32>] in
            if r.upperBound < 0xD800 || r.lowerBound > 0xDFFF { return [r] }
            var parts: [ClosedRange<UInt32>] = []
            if r.lowerBound < 0xD800 { parts.append(r.lowerBound...0xD7FF) }
            if r.upperBound > 0xDFFF { parts.append(0xE000...r.upperBound) }
            return parts
        })
    }()

    private static let generalCategories: [String: String] = [
        "Letter": "L", "Cased_Letter": "L&", "Uppercase_Letter": "Lu", "Lowercase_Letter": "Ll", "Titlecase_Letter": "Lt",
        "Modifier_Letter": "Lm", "Other_Letter": "Lo", "Mark": "M", "Combining_Mark": "M", "Nonspacing_Mark": "Mn",
        "Spacing_Mark": "Mc", "Enclosing_Mark": "Me", "Number": "N", "Decimal_Number": "Nd", "digit": "Nd",
        "Letter_Number": "Nl", "Other_Number": "No", "Punctuation": "P", "punct": "P", "Connector_Punctuation": "Pc",
        "Dash_Punctuation": "Pd", "Open_Punctuation": "Ps", "Close_Punctuation": "Pe", "Initial_Punctuation": "Pi",
        "Final_Punctuation": "Pf", "Other_Punctuation": "Po", "Symbol": "S", "Math_Symbol": "Sm", "Currency_Symbol": "Sc",
        "Modifier_Symbol": "Sk", "Other_Symbol": "So", "Separator": "Z", "Space_Separator": "Zs", "Line_Separator": "Zl",
        "Paragraph_Separator": "Zp", "Other": "C", "Control": "Cc", "cntrl": "Cc", "Format": "Cf", "Surrogate": "Cs",
        "Private_Use": "Co", "Unassigned": "Cn",
    ]

    /// A `\p{…}` name as PCRE2 spells it.
    private static func propertyName(_ name: String) -> String {
        var value = name
        if let eq = name.firstIndex(of: "=") {
            value = String(name[name.index(after: eq)...])
            let key = name[..<eq]
            if key == "Script" || key == "sc" || key == "Script_Extensions" || key == "scx" { return value }
        }
        return generalCategories[value] ?? value
    }

    /// The PCRE2 pattern for ECMA `source` (see the type's documentation).
    static func translate(_ source: String) -> String {
        let s = Array(source.unicodeScalars)
        var out = ""
        var i = 0
        var inClass = false
        func hexRun(_ from: Int, _ count: Int) -> UInt32? {
            guard from + count <= s.count else { return nil }
            var v: UInt32 = 0
            for k in 0..<count {
                guard let d = UInt32(String(s[from + k]), radix: 16) else { return nil }
                v = v << 4 | d
            }
            return v
        }
        while i < s.count {
            let c = s[i]
            if c == "\\", i + 1 < s.count {
                let e = s[i + 1]
                switch e {
                case "s":
                    out += inClass ? spaceItems : "[" + spaceItems + "]"
                    i += 2
                case "S":
                    out += inClass ? nonSpaceItems : "[^" + spaceItems + "]"
                    i += 2
                case "u":
                    if i + 2 < s.count, s[i + 2] == "{", let close = s[(i + 3)...].firstIndex(of: "}"),
                       let v = UInt32(String(String.UnicodeScalarView(s[(i + 3)..<close])), radix: 16) {
                        out += "\\x{\(hex(v))}"
                        i = close + 1
                    } else if let v = hexRun(i + 2, 4) {
                        var scalar = v
                        var length = 6
                        if v >= 0xD800, v <= 0xDBFF, i + 11 < s.count, s[i + 6] == "\\", s[i + 7] == "u",
                           let low = hexRun(i + 8, 4), low >= 0xDC00, low <= 0xDFFF {
                            scalar = 0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00)
                            length = 12
                        }
                        out += "\\x{\(hex(scalar))}"
                        i += length
                    } else {
                        out += "u"  // ECMA without the u flag: "\u" not followed by hex is a literal u
                        i += 2
                    }
                case "/":
                    out += "/"
                    i += 2
                case "p", "P":
                    // ECMA property names (long general categories, `gc=` / `sc=` forms) → PCRE2's.
                    if i + 2 < s.count, s[i + 2] == "{", let close = s[(i + 3)...].firstIndex(of: "}") {
                        let name = String(String.UnicodeScalarView(s[(i + 3)..<close]))
                        out += "\\\(e){\(propertyName(name))}"
                        i = close + 1
                    } else {
                        out.unicodeScalars.append(c)
                        out.unicodeScalars.append(e)
                        i += 2
                    }
                default:
                    out.unicodeScalars.append(c)
                    out.unicodeScalars.append(e)
                    i += 2
                }
                continue
            }
            if inClass {
                if c == "]" { inClass = false }
                out.unicodeScalars.append(c)
            } else if c == "[" {
                inClass = true
                out.unicodeScalars.append(c)
                // A leading '^' and then ']' belong to the class syntax; keep them verbatim.
                if i + 1 < s.count, s[i + 1] == "^" { out += "^"; i += 1 }
                if i + 1 < s.count, s[i + 1] == "]" {
                    // ECMA: "[]" is an empty class and "[^]" matches anything (PCRE2_ALLOW_EMPTY_CLASS agrees).
                    out += "]"
                    inClass = false
                    i += 1
                }
            } else if c == "." {
                out += "[^\\n\\r\\x{2028}\\x{2029}]"
            } else {
                out.unicodeScalars.append(c)
            }
            i += 1
        }
        return out
    }
}
