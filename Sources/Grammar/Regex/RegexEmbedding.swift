extension RegexIR {
    /// Adds a pattern whose text is embedded in a larger one and written in some encoding: each
    /// code point is replaced by `encoding(&ir, set)` (for example its JSON string escapes), and
    /// `^`, `$` and lookaheads refer to the start and end of the embedded text, not of the whole
    /// input. This is what a JSON Schema `pattern` needs inside a JSON string.
    ///
    /// `^` is resolved statically: it holds where the text has certainly not started consuming,
    /// fails where it certainly has, and is refused (`.unsupported`) where that depends on the
    /// input (`a*^b`); `$` and lookaheads use the continuation (see `add(_:mode:)`).
    /// `\b` and `\B` are refused: an encoding can hide word characters behind other bytes.
    ///
    /// ```swift
    /// var ir = RegexIR()
    /// let p = try RegexPattern.parse("^[a-z]+$")
    /// let body = try ir.add(p, mode: .search, encoding: { ir, set in ir.chars(set) })  // identity
    /// let quoted = ir.concat([ir.literal("\""), body, ir.literal("\"")])
    /// ```
    public mutating func add(_ pattern: RegexPattern, mode: RegexMatchMode,
                             encoding: @escaping (inout RegexIR, CodePointSet) -> Expr) throws(RegexError) -> Expr {
        var lowering = EmbeddedLowering(encoding: encoding)
        let anyEncoded = lowering.encode(.all, in: &self)
        let star = self.repeat(anyEncoded, min: 0, max: nil)
        lowering.star = star
        let result: Expr
        switch mode {
        case .fullMatch:
            result = try lowering.lower(pattern.root, then: Self.empty, start: .yes, in: &self)
        case .search:
            if pattern.root.containsAssertion(.textStart) {
                // Either the match starts the text, or something non-empty comes first.
                let atStart = try lowering.lower(pattern.root, then: star, start: .yes, in: &self)
                let later = try lowering.lower(pattern.root, then: star, start: .no, in: &self)
                result = or([atStart, concat([anyEncoded, star, later])])
            } else {
                result = concat(star, try lowering.lower(pattern.root, then: star, start: .maybe, in: &self))
            }
        }
        if overBudget {
            throw RegexError(.budget, offset: nil, "regex compiled to more than \(limits.maxExpressions) expressions")
        }
        return result
    }
}

/// Whether the embedded text has started consuming at a point of the pattern.
enum TextStartState { case yes, no, maybe }

private struct EmbeddedLowering {
    typealias Expr = RegexIR.Expr
    let encoding: (inout RegexIR, CodePointSet) -> Expr
    var cache: [CodePointSet: Expr] = [:]
    var star = RegexIR.nothing

    init(encoding: @escaping (inout RegexIR, CodePointSet) -> Expr) {
        self.encoding = encoding
    }

    mutating func encode(_ set: CodePointSet, in ir: inout RegexIR) -> Expr {
        if set.isEmpty { return RegexIR.nothing }
        if let e = cache[set] { return e }
        let e = encoding(&ir, set)
        cache[set] = e
        return e
    }

    /// The pattern without assertions or lookahead, encoded.
    mutating func plain(_ node: RegexPattern.Node, in ir: inout RegexIR) -> Expr {
        switch node {
        case .empty: return RegexIR.empty
        case .set(let s): return encode(s, in: &ir)
        case .concat(let parts):
            var xs: [Expr] = []
            for p in parts { xs.append(plain(p, in: &ir)) }
            return ir.concat(xs)
        case .alternation(let alts):
            var xs: [Expr] = []
            for a in alts { xs.append(plain(a, in: &ir)) }
            return ir.or(xs)
        case .group(let inner, _, _): return plain(inner, in: &ir)
        case .quantified(let inner, let lo, let hi, _): return ir.repeat(plain(inner, in: &ir), min: lo, max: hi)
        case .assertion, .lookahead: preconditionFailure("handled by lower")
        }
    }

    mutating func lower(_ node: RegexPattern.Node, then k: Expr, start: TextStartState,
                        in ir: inout RegexIR) throws(RegexError) -> Expr {
        if !node.hasAssertionOrLookahead { return ir.concat(plain(node, in: &ir), k) }
        switch node {
        case .empty, .set:
            return ir.concat(plain(node, in: &ir), k)
        case .concat(let parts):
            var starts: [TextStartState] = [start]
            for p in parts.dropLast() { starts.append(p.after(starts[starts.count - 1])) }
            var cont = k
            for i in parts.indices.reversed() { cont = try lower(parts[i], then: cont, start: starts[i], in: &ir) }
            return cont
        case .alternation(let alts):
            var xs: [Expr] = []
            for a in alts { xs.append(try lower(a, then: k, start: start, in: &ir)) }
            return ir.or(xs)
        case .group(let inner, _, _):
            return try lower(inner, then: k, start: start, in: &ir)
        case .quantified(let inner, let lo, let hi, _):
            guard let hi else {
                if let e = try unboundedWithStartAnchors(inner, min: lo, then: k, start: start, in: &ir) { return e }
                if let e = try temperedRun(inner, min: lo, then: k, in: &ir) { return e }
                if let e = try unboundedWithEndAnchors(inner, min: lo, then: k, in: &ir) { return e }
                throw RegexError(.unsupported, offset: node.firstLookaheadOffset,
                                 "an assertion or lookahead inside an unbounded quantifier cannot be embedded exactly")
            }
            guard hi <= 64 else {
                throw RegexError(.budget, offset: node.firstLookaheadOffset,
                                 "an assertion or lookahead inside a quantifier with more than 64 repetitions")
            }
            var entry: [TextStartState] = [start]
            for _ in 0..<hi { entry.append(inner.after(entry[entry.count - 1])) }
            var cont = k
            var i = hi
            while i > lo { cont = ir.or([k, try lower(inner, then: cont, start: entry[i - 1], in: &ir)]); i -= 1 }
            while i > 0 { cont = try lower(inner, then: cont, start: entry[i - 1], in: &ir); i -= 1 }
            return cont
        case .assertion(let a):
            switch a {
            case .textStart:
                switch start {
                case .yes: return k
                case .no: return RegexIR.nothing
                case .maybe:
                    throw RegexError(.unsupported, offset: nil,
                                     "'^' after something that may or may not be empty cannot be embedded exactly")
                }
            case .textEnd:
                return ir.and([k, RegexIR.empty])
            case .wordBoundary, .notWordBoundary:
                throw RegexError(.unsupported, offset: nil, "\\b and \\B cannot be embedded exactly in an encoded text")
            }
        case .lookahead(let inner, let negated, _):
            let a = try lower(inner, then: star, start: start, in: &ir)
            return ir.and([k, negated ? ir.and([ir.rawNot(a), star]) : a])
        }
    }

    /// `x{lo,}` whose body has `^` but no `$`, lookahead or `\b`, and cannot be empty: the first
    /// iteration starts in state `start`, every later one after a non-empty iteration (`.no`).
    private mutating func unboundedWithStartAnchors(_ inner: RegexPattern.Node, min lo: Int, then k: Expr,
                                                    start: TextStartState, in ir: inout RegexIR) throws(RegexError) -> Expr? {
        guard !inner.containsLookahead, !inner.containsAssertion(.textEnd), !inner.containsAssertion(.wordBoundary),
              !inner.containsAssertion(.notWordBoundary), start == .no || !inner.canBeEmpty else { return nil }
        let first = try lower(inner, then: RegexIR.empty, start: start, in: &ir)
        let later = try lower(inner, then: RegexIR.empty, start: .no, in: &ir)
        let run = ir.concat([first, ir.repeat(later, min: max(lo - 1, 0), max: nil), k])
        return lo == 0 ? ir.or([k, run]) : run
    }

    /// `x{lo,}` whose body has `$` but no `^`, lookahead or `\b`. `$` ends the text, so either no
    /// iteration reaches the end (every `$` fails: `X_mid`, then the continuation), or the last
    /// non-empty iteration ends the text (`X_end`, lowered with the empty continuation) and the
    /// continuation accepts the empty rest; later iterations are then empty, which also makes up
    /// the minimum count when the body can match empty at the end.
    private mutating func unboundedWithEndAnchors(_ inner: RegexPattern.Node, min lo: Int, then k: Expr,
                                                  in ir: inout RegexIR) throws(RegexError) -> Expr? {
        guard !inner.containsLookahead, !inner.containsAssertion(.textStart), !inner.containsAssertion(.wordBoundary),
              !inner.containsAssertion(.notWordBoundary) else { return nil }
        let mid = try lower(inner.replacingEndAnchors(), then: RegexIR.empty, start: .no, in: &ir)
        let notAtEnd = ir.concat([ir.repeat(mid, min: lo, max: nil), k])
        guard ir.isNullable(k) else { return notAtEnd }
        let end = try lower(inner, then: RegexIR.empty, start: .no, in: &ir)
        let before = ir.isNullable(end) ? 0 : max(lo - 1, 0)
        return ir.or([notAtEnd, ir.concat([ir.repeat(mid, min: before, max: nil), end])])
    }

    /// The tempered run `((?!X)….){n,}` with nothing after it but the end of the embedded text
    /// (see `RegexIR.temperedStar`): `B{n,} ∩ ¬(Σ*·(Bad ∩ Σ⁺))` over encoded characters.
    private mutating func temperedRun(_ body: RegexPattern.Node, min lo: Int, then k: Expr,
                                      in ir: inout RegexIR) throws(RegexError) -> Expr? {
        guard k == RegexIR.empty else { return nil }
        var inner = body
        while case .group(let x, _, _) = inner { inner = x }
        guard case .concat(let parts) = inner, parts.count >= 2, case .set(let chars) = parts[parts.count - 1] else { return nil }
        var good: [Expr] = []
        for p in parts.dropLast() {
            guard case .lookahead(let a, let negated, _) = p, !a.containsAssertion(.textStart) else { return nil }
            let la = try lower(a, then: star, start: .maybe, in: &ir)
            good.append(negated ? ir.and([ir.rawNot(la), star]) : la)
        }
        let bad = ir.and([ir.rawNot(ir.and(good)), star])
        let anyEncoded = encode(.all, in: &ir)
        let nonEmpty = ir.concat([anyEncoded, star])
        let run = ir.repeat(encode(chars, in: &ir), min: lo, max: nil)
        let noBadPosition = ir.and([ir.rawNot(ir.concat([star, ir.and([bad, nonEmpty])])), star])
        return ir.and([run, noBadPosition])
    }
}

extension RegexPattern.Node {
    /// The node with every `$` replaced by a node that never matches (an empty class).
    func replacingEndAnchors() -> RegexPattern.Node {
        switch self {
        case .assertion(.textEnd): return .set(.empty)
        case .empty, .set, .assertion: return self
        case .concat(let xs): return .concat(xs.map { $0.replacingEndAnchors() })
        case .alternation(let xs): return .alternation(xs.map { $0.replacingEndAnchors() })
        case .group(let x, let n, let c): return .group(x.replacingEndAnchors(), name: n, capturing: c)
        case .quantified(let x, let lo, let hi, let lazy): return .quantified(x.replacingEndAnchors(), min: lo, max: hi, lazy: lazy)
        case .lookahead(let x, let neg, let off): return .lookahead(x.replacingEndAnchors(), negated: neg, offset: off)
        }
    }

    var hasAssertionOrLookahead: Bool {
        switch self {
        case .empty, .set: return false
        case .assertion, .lookahead: return true
        case .concat(let xs), .alternation(let xs): return xs.contains { $0.hasAssertionOrLookahead }
        case .group(let x, _, _), .quantified(let x, _, _, _): return x.hasAssertionOrLookahead
        }
    }

    func containsAssertion(_ a: RegexIR.Assertion) -> Bool {
        switch self {
        case .empty, .set: return false
        case .assertion(let b): return a == b
        case .lookahead(let x, _, _), .group(let x, _, _), .quantified(let x, _, _, _): return x.containsAssertion(a)
        case .concat(let xs), .alternation(let xs): return xs.contains { $0.containsAssertion(a) }
        }
    }

    /// Can match the empty string (assertions counted as possibly holding).
    var canBeEmpty: Bool {
        switch self {
        case .empty, .assertion, .lookahead: return true
        case .set: return false
        case .concat(let xs): return xs.allSatisfy { $0.canBeEmpty }
        case .alternation(let xs): return xs.contains { $0.canBeEmpty }
        case .group(let x, _, _): return x.canBeEmpty
        case .quantified(let x, let lo, _, _): return lo == 0 || x.canBeEmpty
        }
    }

    /// Matches only the empty string (or nothing).
    var onlyEmpty: Bool {
        switch self {
        case .empty, .assertion, .lookahead: return true
        case .set: return false
        case .concat(let xs), .alternation(let xs): return xs.allSatisfy { $0.onlyEmpty }
        case .group(let x, _, _): return x.onlyEmpty
        case .quantified(let x, _, let hi, _): return hi == 0 || x.onlyEmpty
        }
    }

    /// The text-start state after this node, given the state before it.
    func after(_ s: TextStartState) -> TextStartState {
        if onlyEmpty { return s }
        if !canBeEmpty { return .no }
        return s == .no ? .no : .maybe
    }
}
