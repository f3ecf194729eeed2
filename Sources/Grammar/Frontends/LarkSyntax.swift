/// The tokens of Lark's grammar syntax, as `Lark.parse` reads them.
struct LarkToken: Equatable {
    enum Kind: Equatable {
        case rule(String)       // lower-case name, with any `?`, `!` or `_` prefix kept
        case terminal(String)   // upper-case name
        case string(String, caseInsensitive: Bool)
        case regex(String, flags: String)
        case number(Int)
        case directive(String)  // %ignore, %import, %declare, %override, %extend
        case punct(String)      // : | ( ) [ ] { } , . .. -> ? * + ~
        case newline
        case end
    }
    var kind: Kind
    var location: SourceLocation
}

/// Splits Lark grammar text into `LarkToken`s. Comments (`//` and `#` to the end of the line) and
/// blanks are skipped; newlines are tokens, since they end definitions.
struct LarkLexer {
    var s: SourceScanner

    init(_ text: String) { s = SourceScanner(text) }

    static func isNameStart(_ u: Unicode.Scalar) -> Bool { u == "_" || (u >= "a" && u <= "z") || (u >= "A" && u <= "Z") }
    static func isNameScalar(_ u: Unicode.Scalar) -> Bool { isNameStart(u) || (u >= "0" && u <= "9") }

    mutating func all() throws(GrammarError) -> [LarkToken] {
        var out: [LarkToken] = []
        while true {
            let t = try next()
            // Collapse runs of newlines.
            if t.kind == .newline, out.last?.kind == .newline { continue }
            out.append(t)
            if t.kind == .end { return out }
        }
    }

    mutating func next() throws(GrammarError) -> LarkToken {
        while let u = s.peek() {
            if u == " " || u == "\t" || u == "\r" || u == "\u{0C}" {
                s.advance()
            } else if (u == "/" && s.peek(1) == "/") || u == "#" {
                while let c = s.peek(), c != "\n" { s.advance() }
            } else {
                break
            }
        }
        let at = s.location
        guard let u = s.peek() else { return LarkToken(kind: .end, location: at) }
        func token(_ k: LarkToken.Kind) -> LarkToken { LarkToken(kind: k, location: at) }
        switch u {
        case "\n":
            s.advance()
            return token(.newline)
        case "\"":
            s.advance()
            let text = try readString(openedAt: at)
            let ci = s.peek() == "i" && !(s.peek(1).map(Self.isNameScalar) ?? false)
            if ci { s.advance() }
            return token(.string(text, caseInsensitive: ci))
        case "/":
            s.advance()
            var body = String.UnicodeScalarView()
            while true {
                guard let c = s.advance(), c != "\n" else { throw GrammarError("unterminated regular expression", at: at) }
                if c == "/" { break }
                body.append(c)
                if c == "\\" {
                    guard let e = s.advance(), e != "\n" else { throw GrammarError("unterminated regular expression", at: at) }
                    body.append(e)
                }
            }
            var flags = ""
            while let f = s.peek(), "imslux".unicodeScalars.contains(f) { flags.unicodeScalars.append(f); s.advance() }
            return token(.regex(String(body), flags: flags))
        case "%":
            s.advance()
            var name = ""
            while let c = s.peek(), Self.isNameScalar(c) { name.unicodeScalars.append(c); s.advance() }
            guard ["ignore", "import", "declare", "override", "extend"].contains(name) else {
                throw GrammarError("unknown directive '%\(name)'", at: at)
            }
            return token(.directive(name))
        case "0"..."9":
            var v = 0
            while let c = s.peek(), c >= "0", c <= "9" {
                v = v * 10 + Int(c.value - 48)
                guard v <= 1_000_000 else { throw GrammarError("number too large", at: at) }
                s.advance()
            }
            return token(.number(v))
        case _ where Self.isNameStart(u) || u == "?" || u == "!":
            var name = String.UnicodeScalarView()
            if u == "?" || u == "!" {
                // `?rule` / `!rule` prefix only when a name follows directly; else it is an operator.
                guard let n = s.peek(1), Self.isNameStart(n), n == "_" || (n >= "a" && n <= "z") else {
                    s.advance()
                    return token(.punct(String(u)))
                }
                name.append(u)
                s.advance()
            }
            while let c = s.peek(), Self.isNameScalar(c) { name.append(c); s.advance() }
            let text = String(name)
            let bare = text.drop { $0 == "?" || $0 == "!" || $0 == "_" }
            if let first = bare.unicodeScalars.first, first >= "A", first <= "Z", !text.hasPrefix("?"), !text.hasPrefix("!") {
                return token(.terminal(text))
            }
            return token(.rule(text))
        default:
            for p in ["..", "->", ":", "|", "(", ")", "[", "]", "{", "}", ",", ".", "*", "+", "~"] where s.starts(with: p) {
                s.advance(by: p.unicodeScalars.count)
                return token(.punct(p))
            }
            throw GrammarError("unexpected '\(u)'", at: at)
        }
    }

    /// A `"…"` string with Python's escapes (the opening quote is consumed).
    mutating func readString(openedAt at: SourceLocation) throws(GrammarError) -> String {
        var out = String.UnicodeScalarView()
        while true {
            guard let c = s.advance(), c != "\n" else { throw GrammarError("unterminated string", at: at) }
            if c == "\"" { return String(out) }
            guard c == "\\" else { out.append(c); continue }
            let escAt = s.location
            guard let e = s.advance() else { throw GrammarError("unterminated string", at: at) }
            switch e {
            case "n": out.append("\n")
            case "t": out.append("\t")
            case "r": out.append("\r")
            case "f": out.append("\u{0C}")
            case "v": out.append("\u{0B}")
            case "a": out.append("\u{07}")
            case "b": out.append("\u{08}")
            case "0": out.append("\u{00}")
            case "x": out.append(try s.hexScalar(digits: 2, escape: e, at: escAt))
            case "u": out.append(try s.hexScalar(digits: 4, escape: e, at: escAt))
            case "U": out.append(try s.hexScalar(digits: 8, escape: e, at: escAt))
            case "\\", "\"", "'": out.append(e)
            default:
                // Python keeps an unknown escape as written, backslash included.
                out.append("\\")
                out.append(e)
            }
        }
    }
}
