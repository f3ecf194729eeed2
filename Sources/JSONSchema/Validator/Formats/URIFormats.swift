/// `uri`, `uri-reference` (RFC 3986 §3, §4.1), their IRI forms (RFC 3987: non-ASCII `ucschar`
/// allowed where unreserved characters are), and `uri-template` (RFC 6570 §2 syntax).
enum URIFormats {
    private static func isUnreserved(_ c: Unicode.Scalar, unicode: Bool) -> Bool {
        if c.isASCII {
            let v = c.value
            return (v >= 0x30 && v <= 0x39) || (v | 0x20 >= 0x61 && v | 0x20 <= 0x7A) || c == "-" || c == "." || c == "_" || c == "~"
        }
        guard unicode else { return false }
        // RFC 3987 ucschar (private-use only in queries; accepted everywhere here).
        let v = c.value
        return v >= 0xA0 && !(0xFDD0...0xFDEF).contains(v) && (v & 0xFFFE) != 0xFFFE
    }

    private static let subDelims = Set("!$&'()*+,;=".unicodeScalars)

    /// Characters valid in a component, `extra` added; percent escapes checked.
    private static func valid(_ s: Substring.UnicodeScalarView, extra: Set<Unicode.Scalar>, unicode: Bool) -> Bool {
        var it = Array(s)[...]
        while let c = it.first {
            it = it.dropFirst()
            if c == "%" {
                guard it.count >= 2, it[it.startIndex].properties.isASCIIHexDigit, it[it.startIndex + 1].properties.isASCIIHexDigit else { return false }
                it = it.dropFirst(2)
                continue
            }
            guard isUnreserved(c, unicode: unicode) || subDelims.contains(c) || extra.contains(c) else { return false }
        }
        return true
    }

    private static let pcharExtra = Set(":@".unicodeScalars)
    private static let queryExtra = Set(":@/?".unicodeScalars)

    static func isURI(_ s: String, requireScheme: Bool, allowUnicode: Bool) -> Bool {
        let ref = URIReference(s)
        if requireScheme && ref.scheme == nil { return false }
        if let scheme = ref.scheme, scheme.isEmpty { return false }
        if ref.scheme == nil {
            // A relative reference whose first segment has a ':' would read as a scheme.
            if s.hasPrefix(":") { return false }
            if ref.authority == nil, let firstSegment = ref.path.split(separator: "/", omittingEmptySubsequences: false).first,
               firstSegment.contains(":") { return false }
        }
        if let authority = ref.authority {
            guard isAuthority(Substring(authority), unicode: allowUnicode) else { return false }
        }
        guard valid(Substring(ref.path).unicodeScalars, extra: pcharExtra.union(["/"]), unicode: allowUnicode) else { return false }
        if let q = ref.query, !valid(Substring(q).unicodeScalars, extra: queryExtra, unicode: allowUnicode) { return false }
        if let f = ref.fragment, !valid(Substring(f).unicodeScalars, extra: queryExtra, unicode: allowUnicode) { return false }
        return true
    }

    /// `[ userinfo "@" ] host [ ":" port ]`, host a reg-name, IPv4 or bracketed IP literal.
    private static func isAuthority(_ a: Substring, unicode: Bool) -> Bool {
        var rest = a
        if let at = rest.lastIndex(of: "@") {
            guard valid(rest[..<at].unicodeScalars, extra: [":"], unicode: unicode) else { return false }
            rest = rest[rest.index(after: at)...]
        }
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { return false }
            let literal = rest[rest.index(after: rest.startIndex)..<close]
            guard NetworkFormats.isIPv6(String(literal)) || literal.first == "v" || literal.first == "V" else { return false }
            rest = rest[rest.index(after: close)...]
            if rest.isEmpty { return true }
            guard rest.first == ":" else { return false }
            return rest.dropFirst().allSatisfy { $0.isASCII && $0.isNumber }
        }
        if let colon = rest.lastIndex(of: ":") {
            guard rest[rest.index(after: colon)...].allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
            rest = rest[..<colon]
        }
        return valid(rest.unicodeScalars, extra: [], unicode: unicode)
    }

    /// RFC 6570 §2: literals (no controls, space, `"`, `<`, `>`, `\\`, `^`, `` ` ``, `|`, braces;
    /// `%` only as an escape) and `{…}` expressions of an optional operator and comma-separated
    /// variable names (`varchar *( ["."] varchar )`) with an optional `:n` or `*` modifier.
    static func isURITemplate(_ s: String) -> Bool {
        let scalars = Array(s.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            if c == "{" {
                guard let close = scalars[(i + 1)...].firstIndex(of: "}") else { return false }
                var expression = ""
                expression.unicodeScalars.append(contentsOf: scalars[(i + 1)..<close])
                guard !expression.contains("{"), isExpression(expression) else { return false }
                i = close + 1
                continue
            }
            if c == "%" {
                guard i + 2 < scalars.count, scalars[i + 1].properties.isASCIIHexDigit, scalars[i + 2].properties.isASCIIHexDigit else { return false }
                i += 3
                continue
            }
            if c.value <= 0x20 || c.value == 0x7F || "\"<>\\^`|}".unicodeScalars.contains(c) { return false }
            i += 1
        }
        return true
    }

    private static func isExpression(_ e: String) -> Bool {
        var body = Substring(e)
        if let first = body.first, "+#./;?&=,!@|".contains(first) { body = body.dropFirst() }
        guard !body.isEmpty else { return false }
        for spec in body.split(separator: ",", omittingEmptySubsequences: false) {
            var name = spec
            if name.hasSuffix("*") { name = name.dropLast() } else if let colon = name.firstIndex(of: ":") {
                let digits = name[name.index(after: colon)...]
                guard !digits.isEmpty, digits.count <= 4, digits.allSatisfy({ $0.isASCII && $0.isNumber }), digits.first != "0" else { return false }
                name = name[..<colon]
            }
            // varname = varchar *( ["."] varchar ): no leading, trailing or doubled dot.
            guard !name.isEmpty, name.first != ".", name.last != ".", !name.contains(".."),
                  name.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "." || $0 == "%") })
            else { return false }
        }
        return true
    }
}
