/// Recursive-descent parser for the ECMA-262 pattern grammar (ECMA-262 §22.2.1, with the Annex B
/// leniencies described on `RegexPattern`). Works on Unicode scalars and reports byte offsets.
/// Nesting is limited by `RegexIR.Limits.maxNestingDepth`, so deep patterns get an error instead
/// of overflowing the stack.
struct RegexParser {
    private let scalars: [Unicode.Scalar]
    private let offsets: [Int]
    private var pos = 0
    private var depth = 0
    private var groupNames: Set<String> = []
    private let limits: RegexIR.Limits

    init(_ pattern: String, limits: RegexIR.Limits) {
        scalars = Array(pattern.unicodeScalars)
        var offs: [Int] = []
        offs.reserveCapacity(scalars.count + 1)
        var o = 0
        for s in scalars { offs.append(o); o += UTF8.width(s) }
        offs.append(o)
        offsets = offs
        self.limits = limits
    }

    typealias Node = RegexPattern.Node

    private var atEnd: Bool { pos >= scalars.count }
    private var peek: Unicode.Scalar? { pos < scalars.count ? scalars[pos] : nil }
    private func peek(_ k: Int) -> Unicode.Scalar? { pos + k < scalars.count ? scalars[pos + k] : nil }
    private func offset(_ i: Int) -> Int { offsets[min(i, offsets.count - 1)] }

    private func error(_ at: Int, _ reason: String) -> RegexError { RegexError(.syntax, offset: offset(at), reason) }
    private func unsupported(_ at: Int, _ reason: String) -> RegexError {
        RegexError(.unsupported, offset: offset(at), reason)
    }

    mutating func parse() throws(RegexError) -> Node {
        let node = try parseDisjunction()
        if !atEnd { throw error(pos, "unmatched ')'") }
        return node
    }

    private mutating func enter(_ at: Int) throws(RegexError) {
        depth += 1
        if depth > limits.maxNestingDepth {
            throw RegexError(.budget, offset: offset(at), "pattern nested deeper than \(limits.maxNestingDepth) levels")
        }
    }

    private mutating func parseDisjunction() throws(RegexError) -> Node {
        var alternatives = [try parseAlternative()]
        while peek == "|" {
            pos += 1
            alternatives.append(try parseAlternative())
        }
        return alternatives.count == 1 ? alternatives[0] : .alternation(alternatives)
    }

    private mutating func parseAlternative() throws(RegexError) -> Node {
        var items: [Node] = []
        while let c = peek, c != "|", c != ")" {
            items.append(try parseTerm())
        }
        switch items.count {
        case 0: return .empty
        case 1: return items[0]
        default: return .concat(items)
        }
    }

    private mutating func parseTerm() throws(RegexError) -> Node {
        let start = pos
        let c = scalars[pos]
        let atom: Node
        var quantifiable = true
        switch c {
        case "^":
            pos += 1; atom = .assertion(.textStart); quantifiable = false
        case "$":
            pos += 1; atom = .assertion(.textEnd); quantifiable = false
        case "\\" where peek(1) == "b":
            pos += 2; atom = .assertion(.wordBoundary); quantifiable = false
        case "\\" where peek(1) == "B":
            pos += 2; atom = .assertion(.notWordBoundary); quantifiable = false
        case "(":
            (atom, quantifiable) = try parseGroup()
        case "*", "+", "?":
            throw error(pos, "nothing to repeat before '\(c)'")
        case "{":
            if quantifierBounds(at: pos) != nil { throw error(pos, "nothing to repeat before '{'") }
            pos += 1; atom = .set(CodePointSet(c.value))  // Annex B: a literal '{'
        case "[":
            atom = .set(try parseClass())
        case ".":
            pos += 1; atom = .set(Self.dot)
        case "\\":
            atom = .set(try parseAtomEscape())
        default:
            pos += 1; atom = .set(CodePointSet(c.value))
        }
        return try parseQuantifier(atom, atomStart: start, quantifiable: quantifiable)
    }

    /// `.`: every code point except the line terminators LF, CR, U+2028, U+2029.
    static let dot = CodePointSet(ranges: [0x0A...0x0A, 0x0D...0x0D, 0x2028...0x2029]).inverted

    private mutating func parseQuantifier(_ atom: Node, atomStart: Int, quantifiable: Bool) throws(RegexError) -> Node {
        guard let c = peek else { return atom }
        let qStart = pos
        var lo = 0, hi: Int? = nil
        switch c {
        case "*": pos += 1
        case "+": lo = 1; pos += 1
        case "?": hi = 1; pos += 1
        case "{":
            guard let q = quantifierBounds(at: pos) else { return atom }
            if q.overflow { throw error(qStart, "repetition count larger than \(limits.maxRepetition)") }
            lo = q.lo; hi = q.hi; pos = q.end
        default: return atom
        }
        if !quantifiable { throw error(qStart, "nothing to repeat: an assertion cannot be quantified") }
        if let hi, hi < lo { throw error(qStart, "numbers out of order in {} quantifier") }
        var lazy = false
        if peek == "?" { lazy = true; pos += 1 }
        return .quantified(atom, min: lo, max: hi, lazy: lazy)
    }

    /// Parses `{n}`, `{n,}`, `{n,m}` at `i` (`hi == nil`: unbounded). Nil if the text is not a
    /// quantifier (then '{' is a literal, Annex B).
    private func quantifierBounds(at i: Int) -> (lo: Int, hi: Int?, end: Int, overflow: Bool)? {
        var j = i + 1
        var overflow = false
        func number(_ j: inout Int) -> Int? {
            var v = 0, digits = 0
            while j < scalars.count, (0x30...0x39).contains(scalars[j].value) {
                v = v * 10 + Int(scalars[j].value - 0x30)
                if v > limits.maxRepetition { overflow = true; v = limits.maxRepetition + 1 }
                digits += 1; j += 1
            }
            return digits > 0 ? v : nil
        }
        guard let a = number(&j), j < scalars.count else { return nil }
        if scalars[j] == "}" { return (a, a, j + 1, overflow) }
        guard scalars[j] == ",", j + 1 < scalars.count else { return nil }
        j += 1
        if scalars[j] == "}" { return (a, nil, j + 1, overflow) }
        guard let b = number(&j), j < scalars.count, scalars[j] == "}" else { return nil }
        return (a, b, j + 1, overflow)
    }

    private mutating func parseGroup() throws(RegexError) -> (Node, Bool) {
        let start = pos
        try enter(start)
        defer { depth -= 1 }
        pos += 1
        var name: String? = nil
        var capturing = true
        var lookahead: Bool? = nil  // negated?
        if peek == "?" {
            switch peek(1) {
            case ":": capturing = false; pos += 2
            case "=": lookahead = false; pos += 2
            case "!": lookahead = true; pos += 2
            case "<" where peek(2) == "=" || peek(2) == "!":
                throw unsupported(start, "lookbehind cannot be compiled exactly into an automaton")
            case "<":
                pos += 2
                var n = ""
                while let c = peek, c != ">" {
                    guard c.properties.isIDContinue || c == "$" else { throw error(pos, "invalid character in group name") }
                    n.unicodeScalars.append(c); pos += 1
                }
                guard peek == ">", !n.isEmpty else { throw error(start, "invalid group name") }
                guard groupNames.insert(n).inserted else { throw error(start + 3, "duplicate group name '\(n)'") }
                pos += 1
                name = n
            default:
                throw error(start, "invalid group: '(?' must be followed by ':', '=', '!' or '<name>'")
            }
        }
        let inner = try parseDisjunction()
        guard peek == ")" else { throw error(pos, "missing ')' to close the group opened at byte \(offset(start))") }
        pos += 1
        if let negated = lookahead {
            return (.lookahead(inner, negated: negated, offset: offset(start)), false)
        }
        return (.group(inner, name: name, capturing: capturing), true)
    }

    private enum ClassAtom { case char(UInt32), set(CodePointSet) }

    private mutating func parseClass() throws(RegexError) -> CodePointSet {
        let start = pos
        try enter(start)
        defer { depth -= 1 }
        pos += 1
        var negated = false
        if peek == "^" { negated = true; pos += 1 }
        var ranges: [ClosedRange<UInt32>] = []
        func add(_ a: ClassAtom) {
            switch a {
            case .char(let c): ranges.append(c...c)
            case .set(let s): ranges += s.ranges
            }
        }
        while true {
            guard let c = peek else { throw error(start, "missing ']' to close the class") }
            if c == "]" { pos += 1; break }
            let aStart = pos
            let a = try parseClassAtom()
            if peek == "-", let n = peek(1), n != "]" {
                pos += 1
                let b = try parseClassAtom()
                switch (a, b) {
                case (.char(let x), .char(let y)):
                    if x > y { throw error(aStart, "range out of order in character class") }
                    ranges.append(x...y)
                default:
                    // Annex B: a class escape at either end makes '-' a literal.
                    add(a); ranges.append(0x2D...0x2D); add(b)
                }
            } else {
                add(a)
            }
        }
        let set = CodePointSet(ranges: ranges)
        return negated ? set.inverted : set
    }

    private mutating func parseClassAtom() throws(RegexError) -> ClassAtom {
        let c = scalars[pos]
        if c != "\\" { pos += 1; return .char(c.value) }
        switch peek(1) {
        case "b": pos += 2; return .char(0x08)
        case "-": pos += 2; return .char(0x2D)
        default:
            let s = try parseEscape(inClass: true)
            if s.count == 1, let r = s.ranges.first { return .char(r.lowerBound) }
            return .set(s)
        }
    }

    private mutating func parseAtomEscape() throws(RegexError) -> CodePointSet {
        try parseEscape(inClass: false)
    }

    /// Parses the escape at `pos` (a backslash) and returns the code points it stands for.
    private mutating func parseEscape(inClass: Bool) throws(RegexError) -> CodePointSet {
        let start = pos
        guard let c = peek(1) else { throw error(start, "'\\' at end of pattern") }
        pos += 2
        switch c {
        case "d": return Self.digit
        case "D": return Self.digit.inverted
        case "w": return Self.word
        case "W": return Self.word.inverted
        case "s": return UnicodeProperties.ecmaWhiteSpace
        case "S": return UnicodeProperties.ecmaWhiteSpace.inverted
        case "p", "P":
            guard peek == "{" else { throw error(start, "\\\(c) must be followed by {property}") }
            pos += 1
            var text = ""
            while let x = peek, x != "}" { text.unicodeScalars.append(x); pos += 1 }
            guard peek == "}" else { throw error(start, "missing '}' after \\\(c){") }
            pos += 1
            let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            do {
                let set = try UnicodeProperties.set(name: parts[0], value: parts.count > 1 ? parts[1] : nil)
                return c == "P" ? set.inverted : set
            } catch {
                throw self.error(start, error.reason)
            }
        case "f": return CodePointSet(0x0C)
        case "n": return CodePointSet(0x0A)
        case "r": return CodePointSet(0x0D)
        case "t": return CodePointSet(0x09)
        case "v": return CodePointSet(0x0B)
        case "c":
            guard let l = peek, l.isASCII, l.properties.isAlphabetic else {
                throw error(start, "\\c must be followed by an ASCII letter")
            }
            pos += 1
            return CodePointSet(l.value % 32)
        case "0":
            if let d = peek, ("0"..."9").contains(d) {
                throw error(start, "octal escapes are not allowed (ECMA-262 with the u flag)")
            }
            return CodePointSet(0)
        case "1"..."9":
            if inClass { throw error(start, "invalid escape \\\(c) in a character class") }
            throw unsupported(start, "backreference \\\(c) cannot be compiled exactly into an automaton")
        case "k":
            if peek == "<" {
                throw unsupported(start, "named backreference \\k<…> cannot be compiled exactly into an automaton")
            }
            throw error(start, "invalid escape \\k")
        case "x":
            guard let h1 = peek.flatMap(Self.hex), let h2 = peek(1).flatMap(Self.hex) else {
                throw error(start, "\\x must be followed by two hex digits")
            }
            pos += 2
            return CodePointSet(h1 << 4 | h2)
        case "u":
            return CodePointSet(try parseUnicodeEscape(start: start))
        default:
            if c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c)) {
                throw error(start, "unknown escape \\\(c)")
            }
            // Identity escape: syntax characters, and leniently (Annex B) any other
            // non-alphanumeric character.
            return CodePointSet(c.value)
        }
    }

    /// `\uXXXX` (combining a surrogate pair written as two escapes) or `\u{X…}`; `pos` is just
    /// after the `u`.
    private mutating func parseUnicodeEscape(start: Int) throws(RegexError) -> UInt32 {
        if peek == "{" {
            pos += 1
            var v: UInt32 = 0, digits = 0
            while let h = peek.flatMap(Self.hex) {
                v = v << 4 | h; digits += 1; pos += 1
                if v > 0x10FFFF { throw error(start, "\\u{…} code point above U+10FFFF") }
            }
            guard digits > 0, peek == "}" else { throw error(start, "invalid \\u{…} escape") }
            pos += 1
            return v
        }
        guard let v = fourHex(at: pos) else { throw error(start, "\\u must be followed by four hex digits or {…}") }
        pos += 4
        if (0xD800...0xDBFF).contains(v), peek == "\\", peek(1) == "u", let low = fourHex(at: pos + 2),
           (0xDC00...0xDFFF).contains(low) {
            pos += 6
            return 0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00)
        }
        return v
    }

    private func fourHex(at i: Int) -> UInt32? {
        guard i + 4 <= scalars.count else { return nil }
        var v: UInt32 = 0
        for k in 0..<4 {
            guard let h = Self.hex(scalars[i + k]) else { return nil }
            v = v << 4 | h
        }
        return v
    }

    private static func hex(_ c: Unicode.Scalar) -> UInt32? {
        switch c.value {
        case 0x30...0x39: return c.value - 0x30
        case 0x41...0x46: return c.value - 0x41 + 10
        case 0x61...0x66: return c.value - 0x61 + 10
        default: return nil
        }
    }

    static let digit = CodePointSet(ranges: [0x30...0x39])
    static let word = CodePointSet(ranges: [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A])
}
