import Grammar

/// Digit automata (as regexes) comparing the plain decimal text of a JSON number, without exponent
/// (`-?(0|[1-9][0-9]*)(\.[0-9]+)?`), with an exact decimal constant of any size.
///
/// The comparison is the schoolbook one: more integer digits is larger; with as many, the first
/// differing digit decides, then the fraction digit by digit with implicit trailing zeros.
///
/// ```swift
/// var ir = RegexIR()
/// let atLeast = DecimalComparison.signed([.equal, .greater], JSONNumber("-2.5")!, in: &ir)
/// ```
public enum DecimalComparison {
    public enum Relation: Sendable, Hashable { case less, equal, greater }

    /// Cap on the digits a constant may expand to (integer digits + fraction digits).
    public static let maxDigits = 4_000

    /// An exact nonnegative decimal as integer digits (no leading zeros, empty for < 1) and
    /// fraction digits (no trailing zeros).
    struct Magnitude { var integer: [UInt8]; var fraction: [UInt8] }

    static func magnitude(_ n: JSONNumber, at pointer: String) throws(SchemaCompileError) -> Magnitude {
        if n.isZero { return Magnitude(integer: [], fraction: []) }
        let k = n.digits.count
        guard abs(n.exponent) <= maxDigits, k + abs(n.exponent) <= maxDigits else {
            throw SchemaCompileError(.budget, at: pointer, "the number \(n.text) has more than \(maxDigits) digits in plain notation")
        }
        let pointPosition = k + n.exponent  // digits before the decimal point
        var integer: [UInt8] = [], fraction: [UInt8] = []
        if pointPosition >= k {
            integer = n.digits + Array(repeating: UInt8(ascii: "0"), count: pointPosition - k)
        } else if pointPosition <= 0 {
            fraction = Array(repeating: UInt8(ascii: "0"), count: -pointPosition) + n.digits
        } else {
            integer = Array(n.digits[..<pointPosition]); fraction = Array(n.digits[pointPosition...])
        }
        while fraction.last == UInt8(ascii: "0") { fraction.removeLast() }
        return Magnitude(integer: integer, fraction: fraction)
    }

    static func digit(_ ir: inout RegexIR, _ r: ClosedRange<UInt8>) -> RegexIR.Expr { ir.bytes(ByteSet(r)) }
    static func digits(_ ir: inout RegexIR) -> RegexIR.Expr { ir.bytes(ByteSet(UInt8(ascii: "0")...UInt8(ascii: "9"))) }

    /// `(0|[1-9][0-9]*)(\.[0-9]+)?`
    static func anyMagnitude(_ ir: inout RegexIR) -> RegexIR.Expr {
        ir.concat(anyInteger(&ir), anyFraction(&ir))
    }
    static func anyInteger(_ ir: inout RegexIR) -> RegexIR.Expr {
        let d = digits(&ir)
        return ir.or([ir.literal("0"), ir.concat(digit(&ir, 49...57), ir.repeat(d, min: 0, max: nil))])
    }
    static func anyFraction(_ ir: inout RegexIR) -> RegexIR.Expr {
        let d = digits(&ir)
        return ir.or([RegexIR.empty, ir.concat(ir.literal("."), ir.repeat(d, min: 1, max: nil))])
    }

    /// Magnitude texts `m` with `m R a` for R in `relations`.
    static func magnitudeLanguage(_ relations: Set<Relation>, _ a: Magnitude, in ir: inout RegexIR) -> RegexIR.Expr {
        let d = digits(&ir)
        let anyTail = anyFraction(&ir)
        var alts: [RegexIR.Expr] = []
        func frac(_ rel: Relation, _ ir: inout RegexIR) -> RegexIR.Expr { fractionLanguage(rel, a.fraction, in: &ir) }
        let k = a.integer.count
        if k == 0 {
            // Integer part "0" ties; any other is greater.
            for r in relations { alts.append(ir.concat(ir.literal("0"), frac(r, &ir))) }
            if relations.contains(.greater) { alts.append(ir.concat([digit(&ir, 49...57), ir.repeat(d, min: 0, max: nil), anyTail])) }
        } else {
            if relations.contains(.less) {
                alts.append(ir.concat(ir.literal("0"), anyTail))
                if k > 1 { alts.append(ir.concat([digit(&ir, 49...57), ir.repeat(d, min: 0, max: k - 2), anyTail])) }
            }
            if relations.contains(.greater) {
                alts.append(ir.concat([digit(&ir, 49...57), ir.repeat(d, min: k, max: nil), anyTail]))
            }
            for i in 0..<k {
                let low: UInt8 = i == 0 ? 49 : 48
                let prefix = ir.literal(bytes: a.integer[..<i])
                let rest = ir.concat(ir.repeat(d, min: k - i - 1, max: k - i - 1), anyTail)
                if relations.contains(.less), a.integer[i] > low {
                    alts.append(ir.concat([prefix, digit(&ir, low...(a.integer[i] - 1)), rest]))
                }
                if relations.contains(.greater), a.integer[i] < 57 {
                    alts.append(ir.concat([prefix, digit(&ir, (a.integer[i] + 1)...57), rest]))
                }
            }
            let whole = ir.literal(bytes: a.integer)
            for r in relations { alts.append(ir.concat(whole, frac(r, &ir))) }
        }
        return ir.or(alts)
    }

    /// The optional fraction (`""` or `.` digits) compared with fraction digits `g` (no trailing zeros).
    static func fractionLanguage(_ rel: Relation, _ g: [UInt8], in ir: inout RegexIR) -> RegexIR.Expr {
        let d = digits(&ir)
        let dot = ir.literal(".")
        switch rel {
        case .equal:
            if g.isEmpty { return ir.or([RegexIR.empty, ir.concat(dot, ir.repeat(ir.literal("0"), min: 1, max: nil))]) }
            return ir.concat([dot, ir.literal(bytes: g), ir.repeat(ir.literal("0"), min: 0, max: nil)])
        case .greater:
            var alts: [RegexIR.Expr] = []
            for i in 0..<g.count where g[i] < 57 {
                alts.append(ir.concat([ir.literal(bytes: g[..<i]), digit(&ir, (g[i] + 1)...57), ir.repeat(d, min: 0, max: nil)]))
            }
            alts.append(ir.concat([ir.literal(bytes: g), ir.repeat(ir.literal("0"), min: 0, max: nil), digit(&ir, 49...57),
                                   ir.repeat(d, min: 0, max: nil)]))
            return ir.concat(dot, ir.or(alts))
        case .less:
            if g.isEmpty { return RegexIR.nothing }
            var alts: [RegexIR.Expr] = []
            for i in 0..<g.count {
                if g[i] > 48 {
                    alts.append(ir.concat([ir.literal(bytes: g[..<i]), digit(&ir, 48...(g[i] - 1)), ir.repeat(d, min: 0, max: nil)]))
                }
                // The text stops after g[..<i] (i ≥ 1): a later digit of g is non-zero, so it is less.
                if i > 0 { alts.append(ir.literal(bytes: g[..<i])) }
            }
            return ir.or([RegexIR.empty, ir.concat(dot, ir.or(alts))])
        }
    }

    /// Signed plain-notation number texts `x` with `x R c` for R in `relations`.
    public static func signed(_ relations: Set<Relation>, _ c: JSONNumber, at pointer: String = "",
                              in ir: inout RegexIR) throws(SchemaCompileError) -> RegexIR.Expr {
        let a = try magnitude(c, at: pointer)
        let zero = Magnitude(integer: [], fraction: [])
        var alts: [RegexIR.Expr] = []
        let minus = ir.literal("-")
        if c.isNegative {
            // Non-negative texts are greater; negative ones compare reversed.
            if relations.contains(.greater) { alts.append(anyMagnitude(&ir)) }
            var reversed = Set<Relation>()
            for r in relations { reversed.insert(r == .less ? .greater : r == .greater ? .less : .equal) }
            alts.append(ir.concat(minus, magnitudeLanguage(reversed, a, in: &ir)))
        } else {
            alts.append(magnitudeLanguage(relations, a, in: &ir))
            if c.isZero {
                // -0 equals 0; other negatives are less.
                var neg = Set<Relation>()
                if relations.contains(.equal) { neg.insert(.equal) }
                if relations.contains(.less) { neg.insert(.greater) }
                if !neg.isEmpty { alts.append(ir.concat(minus, magnitudeLanguage(neg, zero, in: &ir))) }
            } else if relations.contains(.less) {
                alts.append(ir.concat(minus, anyMagnitude(&ir)))
            }
        }
        return ir.or(alts)
    }
}
