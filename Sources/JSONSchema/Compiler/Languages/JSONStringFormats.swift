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
    static let names = ["uuid", "ipv4", "date", "time", "date-time", "json-pointer", "relative-json-pointer", "hostname", "email",
                        "uri", "uri-reference", "duration", "ipv6", "uri-template"]

    /// Every expressed format's regex, parsed once per process (`time` alone has 2,881 alternatives).
    static let parsed: [String: RegexPattern] = {
        var out: [String: RegexPattern] = [:]
        for name in names {
            // The patterns are ours and tested (FormatLanguageSoundnessTests): one that failed to
            // parse would leave its format refused, never approximated.
            if let source = pattern(for: name), let p = try? RegexPattern.parse(source) { out[name] = p }
        }
        return out
    }()

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
        // Exact: the same decisions as the validator's checks, written out.
        case "duration": return duration
        case "ipv6": return ipv6
        case "uri-template": return uriTemplate
        default: return nil
        }
    }

    // RFC 3986 as URIFormats reads it (URIReference's split at the first '#', then '?', then a
    // scheme before the first ':'); IP-literal hosts are left out (a subset).
    static let uriChars = "A-Za-z0-9\\-._~!$&'()*+,;="
    static let pct = "%[0-9A-Fa-f]{2}"
    static let uri = uriSyntax(chars: uriChars).absolute
    static let relativeReference = uriSyntax(chars: uriChars).relative
    // No `iri`/`iri-reference`: the validator splits URI references at grapheme clusters (a ':'
    // or '#' followed by a combining mark is not a delimiter there), which no regex over code
    // points follows; FormatLanguageSoundnessTests found it. Refused until the split is by scalars.
    /// The `uri` (absolute) and relative-reference regexes over a class of unreserved and
    /// sub-delimiter characters (`chars`, inside brackets).
    static func uriSyntax(chars: String) -> (absolute: String, relative: String) {
        let segmentChar = "(?:[\(chars):@]|\(pct))"
        let segmentCharNoColon = "(?:[\(chars)@]|\(pct))"
        let pathChar = "(?:[\(chars):@/]|\(pct))"
        let queryChar = "(?:[\(chars):@/?]|\(pct))"
        let authority = "//(?:(?:[\(chars):]|\(pct))*@)?(?:[\(chars)]|\(pct))*(?::[0-9]*)?"
        let queryAndFragment = "(?:\\?\(queryChar)*)?(?:#\(queryChar)*)?"
        let absolute = "[A-Za-z][A-Za-z0-9+.\\-]*:(?:\(authority)(?:/\(pathChar)*)?|/?(?:\(segmentChar)\(pathChar)*)?)\(queryAndFragment)"
        let relative = "(?:\(authority)(?:/\(pathChar)*)?|/(?:\(segmentChar)\(pathChar)*)?|\(segmentCharNoColon)+(?:/\(pathChar)*)?|)\(queryAndFragment)"
        return (absolute, relative)
    }

    /// RFC 3339 Appendix A `duration` as `DateTimeFormats.isDuration` decides: `P`, then weeks
    /// alone, or a contiguous run of Y/M/D (each with digits) and/or `T` with a contiguous run of H/M/S.
    static let duration: String = {
        let n = "[0-9]+"
        let date = "(?:\(n)Y(?:\(n)M(?:\(n)D)?)?|\(n)M(?:\(n)D)?|\(n)D)"
        let time = "T(?:\(n)H(?:\(n)M(?:\(n)S)?)?|\(n)M(?:\(n)S)?|\(n)S)"
        return "P(?:\(n)W|\(date)(?:\(time))?|\(time))"
    }()

    /// RFC 4291 §2.2 as `NetworkFormats.isIPv6` decides: eight 1–4 digit hex groups, or fewer
    /// around one `::` (which stands for at least one group), the last two groups possibly an
    /// IPv4 dotted quad. (Every such text is at most 45 bytes, the validator's cap.)
    static let ipv6: String = {
        let h = "[0-9A-Fa-f]{1,4}"
        let ipv4 = "\(octet)(?:\\.\(octet)){3}"
        // `groups` hex groups (or fewer around "::"), followed by `tail` ("" or ":" + IPv4).
        func alternatives(groups: Int, tail: String) -> [String] {
            var out = ["\(h)(?::\(h)){\(groups - 1)}\(tail)"]
            for left in 0..<groups {
                let l = left == 0 ? "" : "\(h)(?::\(h)){\(left - 1)}"
                let rightMax = groups - 1 - left
                if tail.isEmpty {
                    out.append(rightMax == 0 ? "\(l)::" : "\(l)::(?:\(h)(?::\(h)){0,\(rightMax - 1)})?")
                } else {
                    // "::" directly before the IPv4 part, or right groups then ":" IPv4.
                    out.append(rightMax == 0 ? "\(l)::\(ipv4)" : "\(l)::(?:\(h)(?::\(h)){0,\(rightMax - 1)}:)?\(ipv4)")
                }
            }
            return out
        }
        return "(?:" + (alternatives(groups: 8, tail: "") + alternatives(groups: 6, tail: ":\(ipv4)")).joined(separator: "|") + ")"
    }()

    /// RFC 6570 §2 as `URIFormats.isURITemplate` decides: literal characters (no controls, space,
    /// `"<>\\^`|{}`; `%` only before two hex digits) and expressions: an optional operator, then
    /// comma-separated names (`[A-Za-z0-9_%]` runs joined by single dots) with `*` or `:1`–`:9999`.
    static let uriTemplate: String = {
        let literal = "(?:[^\\x00-\\x20\\x7F\"<>\\\\^`|{}%]|%[0-9A-Fa-f]{2})"
        let name = "[A-Za-z0-9_%]+(?:\\.[A-Za-z0-9_%]+)*"
        let spec = "\(name)(?:\\*|:[1-9][0-9]{0,3})?"
        let expression = "\\{[+#./;?&=,!@|]?\(spec)(?:,\(spec))*\\}"
        return "(?:\(literal)|\(expression))*"
    }()
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
