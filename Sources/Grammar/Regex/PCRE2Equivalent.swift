/// Translates an ECMA-262 pattern into a PCRE2 pattern with the same language, for differential
/// testing against `PCRE2Regex` (options UTF | DOLLAR_ENDONLY, no UCP, no multiline).
///
/// Every code-point set (literal, `.`, class, `\d \w \s`, `\p{…}`) is written out as an explicit
/// PCRE2 class of `\x{…}` ranges, so ECMA's set semantics (ASCII `\d`/`\w`, Unicode `\s`, `.`
/// without U+2028/U+2029) hold whatever PCRE2's defaults are; the sets come from our own Unicode
/// tables (see docs/regex.md for where PCRE2's Unicode version differs). Groups become `(?:…)`,
/// `^` `$` `\b` `\B` and lookahead keep their meaning under those options.
///
/// Returns nil when the pattern does not parse, or when PCRE2 cannot express it the same way
/// (a repetition count above PCRE2's 65535).
///
/// ```swift
/// pcre2Equivalent(ofECMA: "^\\d+$")   // "^(?:[\\x{30}-\\x{39}]){1,}$"
/// ```
public func pcre2Equivalent(ofECMA pattern: String) -> String? {
    guard let parsed = try? RegexPattern.parse(pattern) else { return nil }
    var out = ""
    return PCRE2Writer.write(parsed.root, into: &out) ? out : nil
}

private enum PCRE2Writer {
    static func write(_ node: RegexPattern.Node, into out: inout String) -> Bool {
        switch node {
        case .empty:
            return true
        case .set(let s):
            out += setText(s)
            return true
        case .concat(let parts):
            // Every part writes an atom (sets are classes, groups are parenthesized).
            for p in parts {
                guard write(p, into: &out) else { return false }
            }
            return true
        case .alternation(let alts):
            out += "(?:"
            for (i, a) in alts.enumerated() {
                if i > 0 { out += "|" }
                guard write(a, into: &out) else { return false }
            }
            out += ")"
            return true
        case .group(let inner, _, _):
            out += "(?:"
            guard write(inner, into: &out) else { return false }
            out += ")"
            return true
        case .quantified(let inner, let lo, let hi, let lazy):
            guard lo <= 65535, (hi ?? 0) <= 65535 else { return false }
            out += "(?:"
            guard write(inner, into: &out) else { return false }
            out += ")"
            if let hi { out += lo == hi ? "{\(lo)}" : "{\(lo),\(hi)}" } else { out += "{\(lo),}" }
            if lazy { out += "?" }
            return true
        case .assertion(let a):
            switch a {
            case .textStart: out += "^"
            case .textEnd: out += "$"
            case .wordBoundary: out += "\\b"
            case .notWordBoundary: out += "\\B"
            }
            return true
        case .lookahead(let inner, let negated, _):
            out += negated ? "(?!" : "(?="
            guard write(inner, into: &out) else { return false }
            out += ")"
            return true
        }
    }

    static func setText(_ s: CodePointSet) -> String {
        // PCRE2 refuses surrogate code points in UTF mode; they never match UTF-8 anyway.
        let valid = s.subtracting(CodePointSet(ranges: [0xD800...0xDFFF]))
        if valid.isEmpty { return "(?!)" }
        var t = "["
        for r in valid.ranges {
            t += "\\x{\(String(r.lowerBound, radix: 16))}"
            if r.upperBound != r.lowerBound { t += "-\\x{\(String(r.upperBound, radix: 16))}" }
        }
        return t + "]"
    }
}
