/// Reads llama.cpp's GBNF grammar format into a `GrammarIR`.
///
/// The format as llama.cpp's grammar parser defines it: `name ::= alternatives`, one rule per line
/// (newlines continue a rule only after `::=`, after `|` and inside parentheses), any rule order,
/// `"literals"` and `[character classes]` with `^` negation, ranges and the escapes `\x.. \u.... \U........
/// \t \r \n \\ \" \[ \] \-`, `.` for any character, groups, `* + ?`, `{m}`, `{m,}`, `{m,n}`, and `#`
/// comments. The start rule is `root`.
///
/// ```swift
/// let g = try GBNF.parse(#"root ::= [0-9]+ ("." [0-9]+)?"#)
/// g.rules.count   // 1
/// ```
public enum GBNF {
    /// Limits on what a grammar may ask for, so hostile input fails fast.
    public struct Limits: Sendable {
        /// Largest source accepted, in bytes.
        public var maxSourceBytes = 8 << 20
        /// Deepest nesting of parentheses.
        public var maxNesting = 512
        /// Largest repetition bound in `{m,n}`.
        public var maxRepetition = 100_000
        public init() {}
    }

    /// Parses `source`; the start rule is `root`. Throws `GrammarError` with line:column.
    public static func parse(_ source: String, start: String = "root", limits: Limits = Limits()) throws(GrammarError)
        -> GrammarIR
    {
        guard source.utf8.count <= limits.maxSourceBytes else {
            throw GrammarError("grammar source of \(source.utf8.count) bytes is over the limit of \(limits.maxSourceBytes)")
        }
        var reader = GBNFReader(source: source, limits: limits)
        return try reader.read(start: start)
    }
}

/// The recursive-descent reader behind `GBNF.parse`.
private struct GBNFReader {
    var s: SourceScanner
    let limits: GBNF.Limits
    var names: [String: RuleID] = [:]
    var bodies: [GrammarExpr?] = []
    var ruleNames: [String] = []
    var definedAt: [SourceLocation?] = []
    var firstUse: [SourceLocation?] = []
    var depth = 0

    init(source: String, limits: GBNF.Limits) {
        s = SourceScanner(source)
        self.limits = limits
    }

    mutating func read(start: String) throws(GrammarError) -> GrammarIR {
        skipSpace(newlines: true)
        while !s.isAtEnd {
            try readRule()
            skipSpace(newlines: true)
        }
        for (i, body) in bodies.enumerated() where body == nil {
            throw GrammarError("undefined rule '\(ruleNames[i])'", at: firstUse[i])
        }
        guard let root = names[start] else {
            throw GrammarError("no rule named '\(start)' (the start rule)")
        }
        let rules = bodies.indices.map { Rule(name: ruleNames[$0], body: bodies[$0]!, location: definedAt[$0]) }
        let grammar = GrammarIR(rules: rules, start: root)
        try grammar.checkNonEmptyLanguage()
        return grammar
    }

    mutating func id(for name: String, use: SourceLocation) -> RuleID {
        if let id = names[name] { return id }
        let id = RuleID(Int32(bodies.count))
        names[name] = id
        bodies.append(nil)
        ruleNames.append(name)
        definedAt.append(nil)
        firstUse.append(use)
        return id
    }

    static func isNameScalar(_ u: Unicode.Scalar) -> Bool {
        switch u {
        case "a"..."z", "A"..."Z", "0"..."9", "-", "_": return true
        default: return false
        }
    }

    /// Skips blanks and `#` comments; newlines only when `newlines` is true.
    mutating func skipSpace(newlines: Bool) {
        while let u = s.peek() {
            if u == " " || u == "\t" || (newlines && (u == "\n" || u == "\r")) {
                s.advance()
            } else if u == "#" {
                while let c = s.peek(), c != "\n", c != "\r" { s.advance() }
            } else {
                break
            }
        }
    }

    mutating func readName() throws(GrammarError) -> String {
        var name = String.UnicodeScalarView()
        while let u = s.peek(), Self.isNameScalar(u) {
            name.append(u)
            s.advance()
        }
        guard !name.isEmpty else {
            throw s.error(s.isAtEnd ? "expected a rule name, found the end" : "expected a rule name, found '\(s.peek()!)'")
        }
        return String(name)
    }

    mutating func readRule() throws(GrammarError) {
        let at = s.location
        let name = try readName()
        skipSpace(newlines: false)
        guard s.consume("::=") else { throw s.error("expected '::=' after rule name '\(name)'") }
        skipSpace(newlines: true)
        let body = try readAlternatives(nested: false)
        let rid = id(for: name, use: at)
        if bodies[Int(rid.index)] != nil {
            throw GrammarError("rule '\(name)' is defined twice (first at \(definedAt[Int(rid.index)]!))", at: at)
        }
        bodies[Int(rid.index)] = body
        definedAt[Int(rid.index)] = at
        // A rule ends at a newline or the end of the text.
        skipSpace(newlines: false)
        if let u = s.peek(), u != "\n", u != "\r" {
            throw s.error("unexpected '\(u)' after the end of rule '\(name)'")
        }
    }

    mutating func readAlternatives(nested: Bool) throws(GrammarError) -> GrammarExpr {
        var alternatives = [try readSequence(nested: nested)]
        while s.peek() == "|" {
            s.advance()
            skipSpace(newlines: true)
            alternatives.append(try readSequence(nested: nested))
        }
        return alternatives.count == 1 ? alternatives[0] : .choice(alternatives)
    }

    mutating func readSequence(nested: Bool) throws(GrammarError) -> GrammarExpr {
        var items: [GrammarExpr] = []
        while let u = s.peek() {
            let at = s.location
            var item: GrammarExpr
            switch u {
            case "\"":
                s.advance()
                var text = String.UnicodeScalarView()
                while true {
                    guard let c = s.peek(), c != "\n", c != "\r" else { throw GrammarError("unterminated string literal", at: at) }
                    if c == "\"" { s.advance(); break }
                    text.append(try readChar())
                }
                item = text.isEmpty ? .empty : .literal(String(text))
            case "[":
                item = .characterClass(try readClass())
            case ".":
                s.advance()
                item = .characterClass(.any)
            case "(":
                s.advance()
                depth += 1
                guard depth <= limits.maxNesting else { throw GrammarError("parentheses nested deeper than \(limits.maxNesting)", at: at) }
                skipSpace(newlines: true)
                item = try readAlternatives(nested: true)
                guard s.peek() == ")" else { throw s.error("expected ')' to close the group opened at \(at)") }
                s.advance()
                depth -= 1
            case _ where Self.isNameScalar(u):
                let name = try readName()
                // `name ::=` starts the next rule: the current one ended on the previous line.
                item = .rule(id(for: name, use: at))
            case "|", ")", "\n", "\r":
                return items.count == 1 ? items[0] : (items.isEmpty ? .empty : .sequence(items))
            default:
                throw s.error("unexpected '\(u)'")
            }
            skipSpace(newlines: nested)
            // Postfix operators.
            while let op = s.peek() {
                let opAt = s.location
                if op == "*" {
                    s.advance(); item = .repeat(item, min: 0, max: nil)
                } else if op == "+" {
                    s.advance(); item = .repeat(item, min: 1, max: nil)
                } else if op == "?" {
                    s.advance(); item = .repeat(item, min: 0, max: 1)
                } else if op == "{" {
                    s.advance()
                    skipSpace(newlines: nested)
                    let lo = try readInt(at: opAt)
                    skipSpace(newlines: nested)
                    var hi: Int? = lo
                    if s.peek() == "," {
                        s.advance()
                        skipSpace(newlines: nested)
                        hi = s.peek().map { $0 >= "0" && $0 <= "9" } == true ? try readInt(at: opAt) : nil
                        skipSpace(newlines: nested)
                    }
                    guard s.peek() == "}" else { throw s.error("expected '}' to close the repetition at \(opAt)") }
                    s.advance()
                    if let hi, hi < lo { throw GrammarError("repetition {\(lo),\(hi)} has its maximum below its minimum", at: opAt) }
                    item = .repeat(item, min: lo, max: hi)
                } else {
                    break
                }
                skipSpace(newlines: nested)
            }
            items.append(item)
        }
        return items.count == 1 ? items[0] : (items.isEmpty ? .empty : .sequence(items))
    }

    mutating func readInt(at: SourceLocation) throws(GrammarError) -> Int {
        var value = 0
        var any = false
        while let c = s.peek(), c >= "0", c <= "9" {
            value = value * 10 + Int(c.value - 48)
            guard value <= limits.maxRepetition else {
                throw GrammarError("repetition bound over the limit of \(limits.maxRepetition)", at: at)
            }
            any = true
            s.advance()
        }
        guard any else { throw s.error("expected a number in the repetition at \(at)") }
        return value
    }

    /// One character of a literal or class, with GBNF's escapes.
    mutating func readChar() throws(GrammarError) -> Unicode.Scalar {
        let at = s.location
        guard let c = s.advance() else { throw s.error("unexpected end of the grammar") }
        guard c == "\\" else { return c }
        guard let e = s.advance() else { throw s.error("unexpected end of the grammar after '\\'") }
        switch e {
        case "x": return try s.hexScalar(digits: 2, escape: e, at: at)
        case "u": return try s.hexScalar(digits: 4, escape: e, at: at)
        case "U": return try s.hexScalar(digits: 8, escape: e, at: at)
        case "t": return "\t"
        case "r": return "\r"
        case "n": return "\n"
        case "\\", "\"", "[", "]", "-", "^": return e
        default: throw GrammarError("unknown escape '\\\(e)'", at: at)
        }
    }

    mutating func readClass() throws(GrammarError) -> CharacterClass {
        let at = s.location
        s.advance()  // [
        var negated = false
        if s.peek() == "^" { negated = true; s.advance() }
        var ranges: [ClosedRange<UInt32>] = []
        while true {
            guard let c = s.peek(), c != "\n", c != "\r" else { throw GrammarError("unterminated character class", at: at) }
            if c == "]" { s.advance(); break }
            let lo = try readChar()
            if s.peek() == "-", let next = s.peek(1), next != "]" {
                s.advance()
                let hi = try readChar()
                guard lo.value <= hi.value else {
                    throw GrammarError("character range \(lo.escaped(asASCII: true))-\(hi.escaped(asASCII: true)) is reversed", at: at)
                }
                ranges.append(lo.value...hi.value)
            } else {
                ranges.append(lo.value...lo.value)
            }
        }
        let set = CharacterClass(ranges: ranges)
        return negated ? set.inverted : set
    }
}
