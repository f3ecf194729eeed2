/// `uuid` (RFC 4122 §3), `json-pointer` (RFC 6901), `relative-json-pointer`
/// (draft-handrews-relative-json-pointer-01) and `regex` (ECMA-262, via `ECMARegex`).
enum MiscFormats {
    /// 8-4-4-4-12 hex digits.
    static func isUUID(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard u.count == 36 else { return false }
        for (k, b) in u.enumerated() {
            if k == 8 || k == 13 || k == 18 || k == 23 {
                guard b == 45 else { return false }
            } else {
                guard (b >= 48 && b <= 57) || (b | 0x20 >= 97 && b | 0x20 <= 102) else { return false }
            }
        }
        return true
    }

    static func isJSONPointer(_ s: String) -> Bool { (try? JSONPointer(parsing: s)) != nil }

    /// A non-negative integer without leading zeros, then `#` or a JSON pointer.
    static func isRelativeJSONPointer(_ s: String) -> Bool {
        let digits = s.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count == 1 || digits.first != "0" else { return false }
        let rest = s.dropFirst(digits.count)
        return rest == "#" || isJSONPointer(String(rest))
    }

    static func isRegex(_ s: String) -> Bool { (try? ECMARegex(s)) != nil }
}
