/// `ipv4` (RFC 2673 §3.2 dotted-quad), `ipv6` (RFC 4291 §2.2), `hostname` (RFC 1123 §2.1) and
/// `email` (RFC 5321 §4.1.2 Mailbox, ASCII).
enum NetworkFormats {
    /// Four decimal octets 0–255 without leading zeros.
    static func isIPv4(_ s: String) -> Bool {
        let parts = s.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        for p in parts {
            guard !p.isEmpty, p.count <= 3, p.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return false }
            if p.count > 1 && p.first == 48 { return false }
            guard let v = Int(String(decoding: p, as: UTF8.self)), v <= 255 else { return false }
        }
        return true
    }

    /// Eight groups of 1–4 hex digits, one `::` for a run of zero groups, optionally ending in an
    /// IPv4 address counting as two groups; no zone identifier.
    static func isIPv6(_ s: String) -> Bool {
        guard !s.isEmpty, s.utf8.count <= 45, s.unicodeScalars.allSatisfy({ $0.isASCII }) else { return false }
        var text = Substring(s)
        var groupsNeeded = 8
        // A trailing IPv4 part.
        if let lastColon = text.lastIndex(of: ":"), text[text.index(after: lastColon)...].contains(".") {
            guard isIPv4(String(text[text.index(after: lastColon)...])) else { return false }
            text = text[...lastColon]
            if !text.hasSuffix("::") { text = text.dropLast() }
            groupsNeeded = 6
        }
        let hasCompression = text.contains("::")
        if hasCompression {
            let halves = text.components(separatedBy: "::")
            guard halves.count == 2 else { return false }
            let left = halves[0].isEmpty ? [] : halves[0].split(separator: ":", omittingEmptySubsequences: false)
            let right = halves[1].isEmpty ? [] : halves[1].split(separator: ":", omittingEmptySubsequences: false)
            // "::" stands for at least one group.
            guard left.count + right.count <= groupsNeeded - 1 else { return false }
            return (left + right).allSatisfy(isHexGroup)
        }
        if text.isEmpty { return groupsNeeded == 0 }
        let groups = text.split(separator: ":", omittingEmptySubsequences: false)
        return groups.count == groupsNeeded && groups.allSatisfy(isHexGroup)
    }

    private static func isHexGroup(_ g: Substring) -> Bool {
        !g.isEmpty && g.count <= 4 && g.allSatisfy { $0.isHexDigit }
    }

    /// RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens, 1–63 bytes
    /// each, 253 bytes in all, no empty label (so no trailing dot); and, as RFC 5891 §4.2.3.1 asks
    /// (drafts 7 and later), `--` in positions 3–4 only in `xn--` A-labels, which must decode to
    /// valid U-labels (`IDNA`).
    static func isHostname(_ s: String) -> Bool { isHostname(s, reservedHyphens: true) }

    /// Drafts 4 and 6 cite RFC 1123 alone: `ab--cd` is a host name there.
    static func isHostnameRFC1123(_ s: String) -> Bool { isHostname(s, reservedHyphens: false) }

    private static func isHostname(_ s: String, reservedHyphens: Bool) -> Bool {
        guard !s.isEmpty, s.utf8.count <= 253 else { return false }
        for label in s.split(separator: ".", omittingEmptySubsequences: false) {
            guard isLabel(label, reservedHyphens: reservedHyphens) else { return false }
        }
        return true
    }

    private static func isLabel(_ label: Substring, reservedHyphens: Bool) -> Bool {
        let u = Array(label.utf8)
        guard !u.isEmpty, u.count <= 63, u.first != 45, u.last != 45 else { return false }
        guard u.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 | 0x20 >= 97 && $0 | 0x20 <= 122) || $0 == 45 }) else { return false }
        // "--" in positions 3–4 is reserved for A-labels (RFC 5891 §4.2.3.1).
        if reservedHyphens, u.count >= 4, u[2] == 45, u[3] == 45 {
            // Only A-labels may, and they must decode to a valid U-label (RFC 5891 §5.4).
            guard u[0] | 0x20 == UInt8(ascii: "x"), u[1] | 0x20 == UInt8(ascii: "n") else { return false }
            return IDNA.isValidALabel(label)
        }
        return true
    }

    /// `local-part "@" domain`: a dot-string of atext or a quoted string; a host name or an
    /// address literal (`[1.2.3.4]`, `[IPv6:…]`).
    static func isEmail(_ s: String) -> Bool { isEmail(s, international: false) }

    /// RFC 6531: the local part may hold any non-ASCII character, the domain is an `idn-hostname`.
    static func isIDNEmail(_ s: String) -> Bool { isEmail(s, international: true) }

    private static func isEmail(_ s: String, international: Bool) -> Bool {
        guard let at = s.lastIndex(of: "@") else { return false }
        let local = s[..<at], domain = s[s.index(after: at)...]
        guard !local.isEmpty, local.utf8.count <= 64, !domain.isEmpty else { return false }
        if local.hasPrefix("\"") {
            guard local.count >= 2, local.hasSuffix("\"") else { return false }
            var escaped = false
            for c in local.dropFirst().dropLast().unicodeScalars {
                if escaped { escaped = false; continue }
                if c == "\\" { escaped = true; continue }
                guard (c.value >= 32 && c.value < 127 && c != "\"") || (international && c.value >= 0x80) else { return false }
            }
            if escaped { return false }
        } else {
            let atext = Set("!#$%&'*+-/=?^_`{|}~".unicodeScalars)
            for atom in local.split(separator: ".", omittingEmptySubsequences: false) {
                guard !atom.isEmpty, atom.unicodeScalars.allSatisfy({
                    ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || atext.contains($0) || (international && !$0.isASCII)
                }) else { return false }
            }
        }
        if domain.hasPrefix("[") {
            guard domain.hasSuffix("]") else { return false }
            let literal = domain.dropFirst().dropLast()
            if literal.hasPrefix("IPv6:") { return isIPv6(String(literal.dropFirst(5))) }
            return isIPv4(String(literal))
        }
        return international ? IDNA.isIDNHostname(String(domain)) : isHostname(String(domain))
    }
}

extension StringProtocol {
    /// Splits on a multi-character separator (no Foundation).
    func components(separatedBy separator: String) -> [Substring] {
        var out: [Substring] = []
        var rest = Substring(self)
        let sep = Array(separator)
        while true {
            var found: Range<Substring.Index>?
            var i = rest.startIndex
            while i < rest.endIndex {
                var j = i, k = 0
                while k < sep.count, j < rest.endIndex, rest[j] == sep[k] { j = rest.index(after: j); k += 1 }
                if k == sep.count { found = i..<j; break }
                i = rest.index(after: i)
            }
            guard let r = found else { out.append(rest); return out }
            out.append(rest[..<r.lowerBound])
            rest = rest[r.upperBound...]
        }
    }
}
