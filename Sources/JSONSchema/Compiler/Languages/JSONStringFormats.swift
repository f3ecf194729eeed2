import Grammar

/// The `format` values whose sets are expressed exactly as regexes over the decoded string, each
/// written to decide exactly what `FormatChecker` decides (see Validator/Formats).
///
/// Formats absent here are refused with `.cannotEnforceExactly` rather than approximated.
///
/// ```swift
/// JSONStringFormats.pattern(for: "uuid")   // "[0-9A-Fa-f]{8}-..."
/// ```
public enum JSONStringFormats {
    /// The regex (full-match, over the decoded text) for `format`, or nil when not expressed.
    public static func pattern(for format: String) -> String? {
        switch format {
        case "uuid": return "[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"
        case "ipv4": return "\(octet)(?:\\.\(octet)){3}"
        case "date": return date
        case "time": return time
        case "date-time": return "\(date)[Tt]\(time)"
        // A JSON pointer: `/`-separated tokens where `~` is followed by 0 or 1.
        case "json-pointer": return pointer
        case "relative-json-pointer": return "(?:0|[1-9][0-9]*)(?:#|\(pointer))"
        // Subsets of what the validator accepts (never more): see docs/json-schema.md.
        case "hostname": return hostname
        case "email": return email
        case "uri": return uri
        case "uri-reference": return "(?:\(uri)|\(relativeReference))"
        default: return nil
        }
    }

    // RFC 3986 as URIFormats reads it (URIReference's split at the first '#', then '?', then a
    // scheme before the first ':'); IP-literal hosts are left out (a subset).
    static let uriChars = "A-Za-z0-9\\-._~!$&'()*+,;="
    static let pct = "%[0-9A-Fa-f]{2}"
    static let segmentChar = "(?:[\(uriChars):@]|\(pct))"
    static let segmentCharNoColon = "(?:[\(uriChars)@]|\(pct))"
    static let pathChar = "(?:[\(uriChars):@/]|\(pct))"
    static let queryChar = "(?:[\(uriChars):@/?]|\(pct))"
    static let authority = "//(?:(?:[\(uriChars):]|\(pct))*@)?(?:[\(uriChars)]|\(pct))*(?::[0-9]*)?"
    static let queryAndFragment = "(?:\\?\(queryChar)*)?(?:#\(queryChar)*)?"
    static let uri = "[A-Za-z][A-Za-z0-9+.\\-]*:(?:\(authority)(?:/\(pathChar)*)?|/?(?:\(segmentChar)\(pathChar)*)?)\(queryAndFragment)"
    static let relativeReference = "(?:\(authority)(?:/\(pathChar)*)?|/(?:\(segmentChar)\(pathChar)*)?|\(segmentCharNoColon)+(?:/\(pathChar)*)?|)\(queryAndFragment)"
    // RFC 1123 labels without "--" in positions 3–4 (so no A-labels: a subset in every draft).
    // Spelled by length (no lookahead: it would stand inside a repetition): 1, 2, 3, 4, then 5–63
    // characters whose 3rd and 4th are not both '-'.
    static let an = "[A-Za-z0-9]", anh = "[A-Za-z0-9-]"
    static let label = "(?:\(an)(?:\(an)|\(anh)\(an)|\(anh)\(anh)\(an)|\(anh)(?:\(an)\(anh)|-\(an))\(anh){0,58}\(an))?)"
    static let hostname = "(?=[A-Za-z0-9.\\-]{1,253}$)\(label)(?:\\.\(label))*"
    // Dot-atom local parts (no quoted strings) at a host name (no address literals): a subset.
    static let atext = "A-Za-z0-9!#$%&'*+/=?^_`{|}~\\-"
    static let email = "(?=[\(atext).]{1,64}@)[\(atext)]+(?:\\.[\(atext)]+)*@\(hostname)"

    static let pointer = "(?:/(?:[^~/]|~[01])*)*"
    static let octet = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"

    /// `YYYY-MM-DD` with a day that exists; Gregorian leap years (divisible by 4, centuries by 400).
    static let date: String = {
        let leapYear = "(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)"
        let anyYear = "[0-9]{4}"
        let days31 = "(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
        let days30 = "(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
        let feb = "02-(?:0[1-9]|1[0-9]|2[0-8])"
        return "(?:\(anyYear)-(?:\(days31)|\(days30)|\(feb))|\(leapYear)-02-29)"
    }()

    /// `HH:MM:SS[.frac](Z|±HH:MM)`; second 60 only where the UTC time is 23:59 (one literal
    /// alternative per offset: 1 + 2 × 24 × 60 of them).
    static let time: String = {
        let frac = "(?:\\.[0-9]+)?"
        let hour = "(?:[01][0-9]|2[0-3])", minute = "[0-5][0-9]"
        let offset = "(?:[Zz]|[+-]\(hour):\(minute))"
        var leap: [String] = ["23:59:60\(frac)[Zz]"]
        for sign in [1, -1] {
            for oh in 0..<24 {
                for om in 0..<60 {
                    let off = sign * (oh * 60 + om)
                    let local = ((23 * 60 + 59 + off) % 1440 + 1440) % 1440
                    let two = { (v: Int) in v < 10 ? "0\(v)" : "\(v)" }
                    leap.append("\(two(local / 60)):\(two(local % 60)):60\(frac)\\\(sign > 0 ? "+" : "-")\(two(oh)):\(two(om))")
                }
            }
        }
        return "(?:\(hour):\(minute):[0-5][0-9]\(frac)\(offset)|\(leap.joined(separator: "|")))"
    }()
}
