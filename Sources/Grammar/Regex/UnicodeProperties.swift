/// Resolves the names in `\p{…}` / `\P{…}` to code-point sets, following ECMA-262's
/// UnicodeMatchProperty / UnicodeMatchPropertyValue: names are matched exactly (case-sensitive,
/// no loose matching), as canonical names or the aliases of PropertyAliases.txt and
/// PropertyValueAliases.txt.
///
/// ```swift
/// try UnicodeProperties.set(name: "Script", value: "Greek")   // same as \p{sc=Grek}
/// try UnicodeProperties.set(name: "Lu", value: nil)           // General_Category=Uppercase_Letter
/// ```
public enum UnicodeProperties {
    /// The Unicode version of the property tables.
    public static var unicodeVersion: String { UnicodeTables.unicodeVersion }

    /// Why a property name was not recognized.
    public struct UnknownProperty: Error, Sendable {
        public let reason: String
    }

    /// The code points with property `name` (and `value`, for `name=value` forms).
    public static func set(name: String, value: String?) throws(UnknownProperty) -> CodePointSet {
        if let value {
            switch name {
            case "General_Category", "gc":
                guard let cats = UnicodeTables.generalCategoryAliases[value] else {
                    throw UnknownProperty(reason: "unknown General_Category value '\(value)'")
                }
                return generalCategories(cats)
            case "Script", "sc", "Script_Extensions", "scx":
                guard let short = UnicodeTables.scriptAliases[value] else {
                    throw UnknownProperty(reason: "unknown Script value '\(value)'")
                }
                let table = (name == "Script" || name == "sc") ? UnicodeTables.script : UnicodeTables.scriptExtensions
                return decode(table[short] ?? "")
            default:
                throw UnknownProperty(reason: "unknown Unicode property '\(name)' (supported with a value: General_Category, Script, Script_Extensions)")
            }
        }
        if let cats = UnicodeTables.generalCategoryAliases[name] { return generalCategories(cats) }
        if let long = UnicodeTables.binaryAliases[name], let ranges = UnicodeTables.binary[long] {
            return decode(ranges)
        }
        throw UnknownProperty(reason: "unknown Unicode property or General_Category value '\(name)'")
    }

    static func generalCategories(_ cats: [String]) -> CodePointSet {
        if cats.count == 1 { return decodedCategories[cats[0]] ?? .empty }
        var all: [ClosedRange<UInt32>] = []
        for c in cats { all += (decodedCategories[c] ?? .empty).ranges }
        return CodePointSet(ranges: all)
    }

    /// Every two-letter General_Category value, decoded once on first use (a few hundred µs).
    static let decodedCategories: [String: CodePointSet] =
        UnicodeTables.generalCategory.mapValues { decode($0) }

    /// Decodes a table string of hex `lo-hi` / `cp` items separated by commas.
    static func decode(_ text: String) -> CodePointSet {
        var ranges: [ClosedRange<UInt32>] = []
        var lo: UInt32 = 0, cur: UInt32 = 0, inRange = false
        func flush() { ranges.append(inRange ? lo...cur : cur...cur) }
        var any = false
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: ","):
                flush(); cur = 0; inRange = false
            case UInt8(ascii: "-"):
                lo = cur; cur = 0; inRange = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                cur = cur << 4 | UInt32(b - UInt8(ascii: "0")); any = true
            default:
                cur = cur << 4 | UInt32(b - UInt8(ascii: "a") + 10); any = true
            }
        }
        if any { flush() }
        return CodePointSet(ranges: ranges)
    }

    /// ECMA-262 `\s`: WhiteSpace (TAB, VT, FF, ZWNBSP U+FEFF and every Zs) plus LineTerminator
    /// (LF, CR, U+2028, U+2029).
    public static let ecmaWhiteSpace: CodePointSet = {
        let zs = decodedCategories["Zs"] ?? .empty
        return zs.union(CodePointSet(ranges: [0x09...0x0D, 0xFEFF...0xFEFF, 0x2028...0x2029]))
    }()
}
