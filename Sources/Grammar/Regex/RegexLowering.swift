/// How a pattern relates to a whole text.
public enum RegexMatchMode: Sendable, Hashable {
    /// The pattern must match the whole text (a lexeme, a `--regex` constraint). `^` and `$`
    /// still work as assertions.
    case fullMatch
    /// The pattern may match anywhere in the text (JSON Schema `pattern`, ECMA `RegExp.test`):
    /// the text is accepted when some substring matches, with `^`/`$` asserting the text's start
    /// and end wherever they appear (`^a|b$`).
    case search
}

extension RegexIR {
    /// Adds a parsed pattern and returns its expression.
    ///
    /// In `.search` mode the result is `anyString · P · anyString`. Lookahead `(?=A)` / `(?!A)` at
    /// a point whose continuation (rest of the pattern, then the rest of the text) is `K` becomes
    /// `K ∩ A·anyString` / `K ∩ ¬(A·anyString)`: exact, because a lookahead constrains exactly the
    /// rest of the text. Only lookaheads inside an unbounded quantifier are refused (their
    /// continuation would be recursive); bounded quantifiers around them are unrolled.
    ///
    /// ```swift
    /// var ir = RegexIR()
    /// let p = try ir.add(ecma: "^(?=.*[A-Z])(?=.*\\d).{8,}$", mode: .search)
    /// var dfa = ByteDFA(ir, root: p)
    /// try dfa.matches(Array("abcdefG1".utf8))   // true
    /// ```
    public mutating func add(_ pattern: RegexPattern, mode: RegexMatchMode) throws(RegexError) -> Expr {
        let result: Expr
        switch mode {
        case .fullMatch:
            result = try lower(pattern.root, then: Self.empty)
        case .search:
            result = concat(anyString, try lower(pattern.root, then: anyString))
        }
        if overBudget {
            throw RegexError(.budget, offset: nil, "regex compiled to more than \(limits.maxExpressions) expressions")
        }
        return result
    }

    /// Parses `pattern` (ECMA-262 dialect) and adds it.
    public mutating func add(ecma pattern: String, mode: RegexMatchMode) throws(RegexError) -> Expr {
        try add(RegexPattern.parse(pattern, limits: limits), mode: mode)
    }

    /// Lowers `node` followed by the continuation `k` (the language of the rest of the text).
    private mutating func lower(_ node: RegexPattern.Node, then k: Expr) throws(RegexError) -> Expr {
        if !node.containsLookahead { return concat(lowerPlain(node), k) }
        switch node {
        case .concat(let parts):
            var cont = k
            for p in parts.reversed() { cont = try lower(p, then: cont) }
            return cont
        case .alternation(let alts):
            var xs: [Expr] = []
            for a in alts { xs.append(try lower(a, then: k)) }
            return or(xs)
        case .group(let inner, _, _):
            return try lower(inner, then: k)
        case .quantified(let inner, let lo, let hi, _):
            let at = node.firstLookaheadOffset
            guard let hi else {
                if let tempered = try temperedStar(inner, min: lo, then: k) { return tempered }
                throw RegexError(.unsupported, offset: at, "lookahead inside an unbounded quantifier cannot be compiled exactly")
            }
            guard hi <= 64 else {
                throw RegexError(.budget, offset: at, "lookahead inside a quantifier with more than 64 repetitions")
            }
            // x{lo,hi} K = x^lo (x (x (… K | K) | K) | K), unrolled.
            var cont = k
            for _ in 0..<(hi - lo) { cont = or([k, try lower(inner, then: cont)]) }
            for _ in 0..<lo { cont = try lower(inner, then: cont) }
            return cont
        case .lookahead(let inner, let negated, _):
            let a = try lower(inner, then: anyString)
            return and([k, negated ? not(a) : a])
        case .empty, .set, .assertion:
            return concat(lowerPlain(node), k)
        }
    }

    /// The "tempered" idiom `((?!X)(?=Y)….){n,}` followed by the end of the text, e.g.
    /// `^((?!mode).)*$` ("no occurrence of mode"). The lookaheads are checked at every position of
    /// the run, and nothing follows the run, so the language is
    /// `B{n,} ∩ ¬(Σ* · (Bad ∩ Σ⁺))` with `Bad` the texts failing some lookahead: no non-empty
    /// suffix starting inside the run may fail a lookahead. Nil for any other shape.
    private mutating func temperedStar(_ body: RegexPattern.Node, min lo: Int, then k: Expr) throws(RegexError) -> Expr? {
        // Nothing may follow the run: k accepts only the empty rest of the text.
        let endOnly: Bool
        switch node(k) {
        case .empty: endOnly = true
        case .assertion(.textEnd): endOnly = true
        case .concat(let a, let b): endOnly = node(a) == .assertion(.textEnd) && b == anyString
        default: endOnly = false
        }
        guard endOnly else { return nil }
        var inner = body
        while case .group(let x, _, _) = inner { inner = x }
        guard case .concat(let parts) = inner, parts.count >= 2, case .set(let chars) = parts[parts.count - 1] else { return nil }
        var good: [Expr] = []
        for p in parts.dropLast() {
            guard case .lookahead(let a, let negated, _) = p else { return nil }
            let la = try lower(a, then: anyString)
            good.append(negated ? not(la) : la)
        }
        let bad = not(and(good))
        let nonEmpty = concat(anyChar, anyString)
        let run = self.repeat(self.chars(chars), min: lo, max: nil)
        let noBadPosition = not(concat(anyString, and([bad, nonEmpty])))
        return concat(and([run, noBadPosition]), k)
    }

    /// Lowers a subtree without lookahead.
    private mutating func lowerPlain(_ node: RegexPattern.Node) -> Expr {
        switch node {
        case .empty: return Self.empty
        case .set(let s): return chars(s)
        case .concat(let parts): return concat(parts.map { lowerPlain($0) })
        case .alternation(let alts): return or(alts.map { lowerPlain($0) })
        case .group(let inner, _, _): return lowerPlain(inner)
        case .quantified(let inner, let lo, let hi, _): return self.repeat(lowerPlain(inner), min: lo, max: hi)
        case .assertion(let a): return assertion(a)
        case .lookahead: preconditionFailure("lookahead handled by lower(_:then:)")
        }
    }
}
