import Grammar

/// The JSON number tokens (RFC 8259 §6) a schema's numeric keywords accept, judged by value:
/// `type: integer` (1.0 is an integer), `minimum`/`maximum`/`exclusiveMinimum`/`exclusiveMaximum`
/// (draft 4 boolean form too), `multipleOf`, and `enum`/`const` of numbers (1 == 1.0).
///
/// Exponents: the set of texts `m e k` with a value bound is not regular (the mantissa's length
/// trades against the exponent), so as soon as a value keyword is present only plain notation
/// (`-?(0|[1-9][0-9]*)(\.[0-9]+)?`) is accepted; this is a documented subset (see
/// docs/json-schema-compiler.md). Without value keywords every RFC 8259 spelling is accepted;
/// `type: integer` alone accepts plain integers, `.0…` fractions and exponent forms without a
/// fraction (`1e3`, `0.0e-5`), but not `1.5e1` (integer-ness of a fraction with an exponent is not
/// regular either).
///
/// ```swift
/// var ir = RegexIR()
/// let e = try JSONNumberLanguage.language(for: ["type": "integer", "minimum": -3], in: &ir)
/// ```
public enum JSONNumberLanguage {
    /// Cap on the number of residue windows `multipleOf` may expand to.
    public static let maxWindows = 2_000

    public static func language(for schema: JSONValue, integer: Bool = false, at pointer: String = "",
                                in ir: inout RegexIR) throws(SchemaCompileError) -> RegexIR.Expr {
        var parts: [RegexIR.Expr] = []
        let d = DecimalComparison.digits(&ir)
        let plainInteger = ir.concat([ir.or([RegexIR.empty, ir.literal("-")]), DecimalComparison.anyInteger(&ir),
                                      ir.or([RegexIR.empty, ir.concat(ir.literal("."), ir.repeat(ir.literal("0"), min: 1, max: nil))])])
        func number(_ key: String) throws(SchemaCompileError) -> JSONNumber? {
            guard let v = schema[key] else { return nil }
            guard case .number(let n) = v else {
                if case .bool = v, key.hasPrefix("exclusive") { return nil }
                throw SchemaCompileError(.invalidSchema, at: pointer + "/" + key, "must be a number")
            }
            return n
        }
        let draft4Min = schema["exclusiveMinimum"]?.boolValue == true
        let draft4Max = schema["exclusiveMaximum"]?.boolValue == true
        if let m = try number("minimum") {
            parts.append(try DecimalComparison.signed(draft4Min ? [.greater] : [.greater, .equal], m, at: pointer + "/minimum", in: &ir))
        }
        if let m = try number("maximum") {
            parts.append(try DecimalComparison.signed(draft4Max ? [.less] : [.less, .equal], m, at: pointer + "/maximum", in: &ir))
        }
        if let m = try number("exclusiveMinimum") {
            parts.append(try DecimalComparison.signed([.greater], m, at: pointer + "/exclusiveMinimum", in: &ir))
        }
        if let m = try number("exclusiveMaximum") {
            parts.append(try DecimalComparison.signed([.less], m, at: pointer + "/exclusiveMaximum", in: &ir))
        }
        if let q = try number("multipleOf") {
            parts.append(try multipleOf(q, at: pointer + "/multipleOf", in: &ir))
        }
        for key in ["enum", "const"] {
            guard let v = schema[key] else { continue }
            let values: [JSONValue] = key == "const" ? [v] : (v.arrayValue ?? [])
            var alts: [RegexIR.Expr] = []
            for (i, value) in values.enumerated() {
                if case .number(let n) = value {
                    alts.append(try DecimalComparison.signed([.equal], n, at: pointer + "/" + key + (key == "enum" ? "/\(i)" : ""), in: &ir))
                }
            }
            parts.append(ir.or(alts))
        }
        if parts.isEmpty {
            if integer {
                let sign = ir.or([RegexIR.empty, ir.literal("-")])
                let expSign = ir.or([RegexIR.empty, ir.bytes(ByteSet([UInt8(ascii: "+"), UInt8(ascii: "-")]))])
                let e = ir.bytes(ByteSet([UInt8(ascii: "e"), UInt8(ascii: "E")]))
                let nonZeroInt = ir.concat(DecimalComparison.digit(&ir, 49...57), ir.repeat(d, min: 0, max: nil))
                let positiveExp = ir.concat([e, ir.or([RegexIR.empty, ir.literal("+")]), ir.repeat(d, min: 1, max: nil)])
                let zeros = ir.concat(ir.literal("0"), ir.or([RegexIR.empty, ir.concat(ir.literal("."), ir.repeat(ir.literal("0"), min: 1, max: nil))]))
                let zeroExp = ir.concat([e, expSign, ir.repeat(d, min: 1, max: nil)])
                return ir.or([plainInteger,
                              ir.concat([sign, nonZeroInt, positiveExp]),
                              ir.concat([sign, zeros, zeroExp])])
            }
            let e = ir.bytes(ByteSet([UInt8(ascii: "e"), UInt8(ascii: "E")]))
            let expSign = ir.or([RegexIR.empty, ir.bytes(ByteSet([UInt8(ascii: "+"), UInt8(ascii: "-")]))])
            let exponent = ir.or([RegexIR.empty, ir.concat([e, expSign, ir.repeat(d, min: 1, max: nil)])])
            return ir.concat([ir.or([RegexIR.empty, ir.literal("-")]), DecimalComparison.anyMagnitude(&ir), exponent])
        }
        if integer { parts.append(plainInteger) }
        let result = parts.count == 1 ? parts[0] : ir.and(parts)
        if ir.overBudget { throw SchemaCompileError(.budget, at: pointer, "more than \(ir.limits.maxExpressions) regex expressions") }
        return result
    }

    /// Plain-notation texts whose value is a multiple of `q`.
    ///
    /// With q = c·10^e and c | 10^t (c = 2^a·5^b, t = max(a, b)), x is a multiple iff x·10^-e is an
    /// integer whose last t digits form a multiple of c: every digit of x below place e is zero and
    /// the t-digit window of places e…e+t-1 is one of 10^t/c values. Other divisors need a residue
    /// automaton over all digits, which is not built yet: refused.
    static func multipleOf(_ q: JSONNumber, at pointer: String, in ir: inout RegexIR) throws(SchemaCompileError) -> RegexIR.Expr {
        guard !q.isNegative, !q.isZero else { throw SchemaCompileError(.invalidSchema, at: pointer, "must be a positive number") }
        guard q.digits.count <= 18, let cValue = Int(String(decoding: q.digits, as: UTF8.self)) else {
            throw SchemaCompileError(.budget, at: pointer, "divisor \(q.text) has more than 18 significant digits")
        }
        var c = cValue, a = 0, b = 0
        while c % 2 == 0 { c /= 2; a += 1 }
        while c % 5 == 0 { c /= 5; b += 1 }
        guard c == 1 else {
            throw SchemaCompileError(.cannotEnforceExactly, at: pointer,
                                     "multipleOf \(q.text): divisors with a prime factor other than 2 and 5 need a residue automaton (not built)")
        }
        let t = max(a, b)
        var windowCount = 1
        for _ in 0..<t { windowCount *= 10 }
        guard windowCount / cValue <= maxWindows, abs(q.exponent) <= DecimalComparison.maxDigits else {
            throw SchemaCompileError(.budget, at: pointer, "multipleOf \(q.text) needs more than \(maxWindows) digit windows")
        }
        let lo = q.exponent, hi = q.exponent + t - 1  // places (10^p) of the window
        let d = DecimalComparison.digits(&ir)
        var alts: [RegexIR.Expr] = []
        var w = 0
        while w < windowCount {
            // Window digits, most significant (place hi) first.
            var wd: [UInt8] = t == 0 ? [] : Array(String(w).utf8)
            wd = Array(repeating: UInt8(ascii: "0"), count: t - wd.count) + wd
            // Integer part: required digits for places max(lo,0)...hi, then zeros down to place 0.
            var required: [UInt8] = []
            if hi >= 0 {
                for p in stride(from: hi, through: max(lo, 0), by: -1) { required.append(wd[hi - p]) }
                if lo > 0 { required += Array(repeating: UInt8(ascii: "0"), count: lo) }
            } else if lo > 0 {
                required = Array(repeating: UInt8(ascii: "0"), count: lo)
            }
            let intPart: RegexIR.Expr
            if required.isEmpty {
                intPart = DecimalComparison.anyInteger(&ir)
            } else {
                var stripped = Array(required.drop { $0 == UInt8(ascii: "0") })
                if stripped.isEmpty { stripped = [UInt8(ascii: "0")] }
                intPart = ir.or([ir.literal(bytes: stripped),
                                 ir.concat([DecimalComparison.digit(&ir, 49...57), ir.repeat(d, min: 0, max: nil), ir.literal(bytes: required)])])
            }
            // Fraction: places -1...lo; places above the window are free, the window's are fixed;
            // below lo only zeros.
            let fracPart: RegexIR.Expr
            if lo >= 0 {
                fracPart = ir.or([RegexIR.empty, ir.concat(ir.literal("."), ir.repeat(ir.literal("0"), min: 1, max: nil))])
            } else {
                var slots: [RegexIR.Expr] = []  // one per place -1 ... lo
                var fixedZeroFrom = -lo  // smallest j such that places j..< may all be 0
                var fixed: [UInt8?] = []
                for p in stride(from: -1, through: lo, by: -1) {
                    if p <= hi { fixed.append(wd[hi - p]); slots.append(ir.literal(bytes: [wd[hi - p]])) } else { fixed.append(nil); slots.append(d) }
                }
                var j = fixed.count
                while j > 0, fixed[j - 1] == nil || fixed[j - 1] == UInt8(ascii: "0") { j -= 1 }  // omitted places read as 0
                fixedZeroFrom = j
                var options: [RegexIR.Expr] = [ir.concat(ir.concat(slots), ir.repeat(ir.literal("0"), min: 0, max: nil))]
                // Shorter fractions: the omitted places are implicit zeros.
                for k in fixedZeroFrom..<fixed.count where k >= 1 { options.append(ir.concat(Array(slots[..<k]))) }
                var frac = ir.concat(ir.literal("."), ir.or(options))
                if fixedZeroFrom == 0 { frac = ir.or([RegexIR.empty, frac]) }
                fracPart = frac
            }
            alts.append(ir.concat(intPart, fracPart))
            w += cValue
        }
        return ir.concat(ir.or([RegexIR.empty, ir.literal("-")]), ir.or(alts))
    }
}
