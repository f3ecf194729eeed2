/// Translates a Python `re` pattern (Lark's `/regex/flags` terminals) to the ECMA dialect, where
/// the translation is exact; otherwise throws a `GrammarError` saying what is unsupported.
///
/// Handled: `(?P<name>…)` → `(?<name>…)`, `\A` → `^`, `\Z` → `$` (a lexeme is matched in full, so
/// both only assert the lexeme's ends), flag `s` (`.` → `[\s\S]`), flag `u` (Python 3's default).
/// Refused: flags `i`, `m`, `x`, `l` and inline flag groups, `(?P=name)`, `(?#…)`, and `$` (Python's
/// `$` also matches before a final newline) and `\d \w \s \b` (Unicode-aware in Python's `str`
/// patterns, ASCII in ECMA without `u`), unless inside a class where only ASCII-equal escapes appear.
///
/// ```swift
/// try PythonRegexTranslation.toECMA("(?P<x>a)+", flags: [])   // "(?<x>a)+"
/// ```
public enum PythonRegexTranslation {
    public static func toECMA(_ pattern: String, flags: Set<Character>) throws(GrammarError) -> String {
        for f in flags where f != "s" && f != "u" {
            throw GrammarError("regex flag '\(f)' is not supported exactly")
        }
        let dotAll = flags.contains("s")
        let cs = Array(pattern.unicodeScalars)
        var out = ""
        var i = 0
        var inClass = false
        while i < cs.count {
            let c = cs[i]
            if c == "\\" && i + 1 < cs.count {
                let d = cs[i + 1]
                switch d {
                case "A" where !inClass: out += "^"
                case "Z" where !inClass: out += "$"
                case "d", "D", "w", "W", "s", "S", "b", "B":
                    // Python str patterns: Unicode classes. Exact ECMA equivalents need Unicode tables.
                    let space = "\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
                    switch d {
                    case "d": out += "\\p{Nd}"
                    case "D" where !inClass: out += "\\P{Nd}"
                    case "s" where inClass: out += space
                    case "s": out += "[" + space + "]"
                    case "S" where !inClass: out += "[^" + space + "]"
                    default:
                        throw GrammarError("'\\\(d)' is Unicode-aware in Python and is not translated exactly here")
                    }
                default:
                    out.unicodeScalars.append(c); out.unicodeScalars.append(d)
                }
                i += 2
                continue
            }
            if inClass {
                if c == "]" { inClass = false }
                out.unicodeScalars.append(c)
                i += 1
                continue
            }
            switch c {
            case "[":
                inClass = true
                out += "["
                // A leading ']' (or '^]') is a literal in Python.
                if i + 1 < cs.count, cs[i + 1] == "^" { out += "^"; i += 1 }
                if i + 1 < cs.count, cs[i + 1] == "]" { out += "\\]"; i += 1 }
            case "." where dotAll: out += "[\\s\\S]"
            case "$": throw GrammarError("'$' (Python also matches before a final newline) is not supported")
            case "(":
                if i + 2 < cs.count, cs[i + 1] == "?" {
                    let e = cs[i + 2]
                    if e == "P" {
                        if i + 3 < cs.count, cs[i + 3] == "<" { out += "(?<"; i += 4; continue }
                        throw GrammarError("'(?P=' back-references are not regular")
                    }
                    if e == ":" || e == "=" || e == "!" { out += "(?"; out.unicodeScalars.append(e); i += 3; continue }
                    if e == "<", i + 3 < cs.count, cs[i + 3] == "=" || cs[i + 3] == "!" {
                        throw GrammarError("lookbehind is not supported")
                    }
                    throw GrammarError("group '(?\(e)' is not supported")
                }
                out += "("
            default: out.unicodeScalars.append(c)
            }
            i += 1
        }
        return out
    }
}
