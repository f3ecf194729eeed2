import Grammar

/// Every JSON spelling (RFC 8259 §7) of one code point from a set: raw UTF-8 where JSON allows it,
/// the short escapes, `\uXXXX` in either hex case, and surrogate pairs for supplementary code points.
///
/// Lone surrogates are never produced: they do not decode to a Unicode scalar, and the validator's
/// strings are Unicode scalars.
///
/// ```swift
/// var ir = RegexIR()
/// let e = JSONStringEncoding.encode(&ir, CodePointSet(0x41))   // A | \u0041
/// ```
public enum JSONStringEncoding {
    static let surrogates = CodePointSet(ranges: [0xD800...0xDFFF])
    static let allBMP = CodePointSet(ranges: [0...0xD7FF, 0xE000...0xFFFF])
    static let allAstral = CodePointSet(ranges: [0x10000...0x10FFFF])
    /// Code points JSON lets appear unescaped: not a control, `"` or `\`.
    static let rawAllowed = CodePointSet(ranges: [0x20...0x21, 0x23...0x5B, 0x5D...0x10FFFF]).subtracting(surrogates)
    static let shortEscapes: [(UInt32, UInt8)] = [
        (0x22, UInt8(ascii: "\"")), (0x5C, UInt8(ascii: "\\")), (0x2F, UInt8(ascii: "/")), (0x08, UInt8(ascii: "b")),
        (0x0C, UInt8(ascii: "f")), (0x0A, UInt8(ascii: "n")), (0x0D, UInt8(ascii: "r")), (0x09, UInt8(ascii: "t")),
    ]

    /// The encoding hook for `RegexIR.add(_:mode:encoding:)`.
    public static func encode(_ ir: inout RegexIR, _ set: CodePointSet) -> RegexIR.Expr {
        // One code point (every literal character of a pattern): spelled directly, no set algebra.
        if set.ranges.count == 1, let r = set.ranges.first, r.lowerBound == r.upperBound {
            return surrogates.contains(r.lowerBound) ? RegexIR.nothing : scalar(&ir, r.lowerBound)
        }
        var alts: [RegexIR.Expr] = []
        let raw = set.intersection(rawAllowed)
        if !raw.isEmpty { alts.append(ir.chars(raw)) }
        var shorts = ByteSet()
        for (cp, b) in shortEscapes where set.contains(cp) { shorts.insert(b) }
        if !shorts.isEmpty { alts.append(ir.concat(ir.literal("\\"), ir.bytes(shorts))) }
        let bmp = set.intersection(CodePointSet(ranges: [0...0xFFFF])).subtracting(surrogates)
        let astral = set.intersection(CodePointSet(ranges: [0x10000...0x10FFFF]))
        if bmp == allBMP && astral == allAstral {
            // The common case (any character), spelled directly: the digit trie takes far longer.
            let h = hexDigit(&ir, 0...15)
            let notD = ir.concat(hexDigit(&ir, 0...12), ir.repeat(h, min: 3, max: 3))
            let dLow = ir.concat([hexDigit(&ir, 13...13), hexDigit(&ir, 0...7), ir.repeat(h, min: 2, max: 2)])
            let pair = ir.concat([ir.literal("\\u"), hexDigit(&ir, 13...13), hexDigit(&ir, 8...11), ir.repeat(h, min: 2, max: 2),
                                  ir.literal("\\u"), hexDigit(&ir, 13...13), hexDigit(&ir, 12...15), ir.repeat(h, min: 2, max: 2)])
            let eToF = ir.concat(hexDigit(&ir, 14...15), ir.repeat(h, min: 3, max: 3))
            alts.append(ir.concat(ir.literal("\\u"), ir.or([notD, dLow, eToF])))
            alts.append(pair)
            return ir.or(alts)
        }
        if !bmp.isEmpty { alts.append(ir.concat(ir.literal("\\u"), hex(&ir, bmp, base: 0, digits: 4))) }
        if !astral.isEmpty { alts.append(surrogatePairs(&ir, astral)) }
        return ir.or(alts)
    }

    /// One hex digit of value `v`, either case.
    static func hexDigit(_ ir: inout RegexIR, _ range: ClosedRange<UInt32>) -> RegexIR.Expr {
        var s = ByteSet()
        for v in range {
            if v < 10 { s.insert(UInt8(48 + v)) } else { s.insert(UInt8(55 + v)); s.insert(UInt8(87 + v)) }
        }
        return ir.bytes(s)
    }

    /// `digits` hex digits whose value (plus `base`) is in `set`: the union over the set's ranges
    /// (disjoint) of each range's digit-by-digit decomposition, built from the range bounds alone.
    static func hex(_ ir: inout RegexIR, _ set: CodePointSet, base: UInt32, digits: Int) -> RegexIR.Expr {
        let top = base + (UInt32(1) << (4 * UInt32(digits))) - 1
        var alts: [RegexIR.Expr] = []
        for r in set.ranges where r.upperBound >= base && r.lowerBound <= top {
            alts.append(hexRange(&ir, max(r.lowerBound, base) - base, min(r.upperBound, top) - base, digits: digits))
        }
        return ir.or(alts)
    }

    /// `digits` hex digits (either case) spelling exactly the values `lo...hi`: the shared leading
    /// digit, or a ragged low edge, a run of whole sub-windows, and a ragged high edge.
    static func hexRange(_ ir: inout RegexIR, _ lo: UInt32, _ hi: UInt32, digits: Int) -> RegexIR.Expr {
        if digits == 0 { return RegexIR.empty }
        let sub = UInt32(1) << (4 * UInt32(digits - 1))
        let (dlo, dhi) = (lo / sub, hi / sub)
        if dlo == dhi { return ir.concat(hexDigit(&ir, dlo...dlo), hexRange(&ir, lo % sub, hi % sub, digits: digits - 1)) }
        var alts: [RegexIR.Expr] = []
        let lowWhole = lo % sub == 0, highWhole = hi % sub == sub - 1
        if !lowWhole { alts.append(ir.concat(hexDigit(&ir, dlo...dlo), hexRange(&ir, lo % sub, sub - 1, digits: digits - 1))) }
        let first = lowWhole ? dlo : dlo + 1, last = highWhole ? dhi : dhi - 1
        if first <= last { alts.append(ir.concat(hexDigit(&ir, first...last), ir.repeat(hexDigit(&ir, 0...15), min: digits - 1, max: digits - 1))) }
        if !highWhole { alts.append(ir.concat(hexDigit(&ir, dhi...dhi), hexRange(&ir, 0, hi % sub, digits: digits - 1))) }
        return ir.or(alts)
    }

    /// `\uD8xx\uDCxx` pairs for supplementary code points, one alternative per high-surrogate run.
    static func surrogatePairs(_ ir: inout RegexIR, _ set: CodePointSet) -> RegexIR.Expr {
        var alts: [RegexIR.Expr] = []
        for r in set.ranges {
            var cp = r.lowerBound
            while cp <= r.upperBound {
                let high = 0xD800 + ((cp - 0x10000) >> 10)
                let blockStart = 0x10000 + ((high - 0xD800) << 10)
                let blockEnd = blockStart + 0x3FF
                if cp == blockStart && r.upperBound >= blockEnd {
                    // Whole blocks: any low surrogate.
                    let lastHigh = 0xD800 + ((min(r.upperBound + 1, 0x110000) - 0x10000) >> 10) - 1
                    let highs = hex(&ir, CodePointSet(ranges: [high...lastHigh]), base: 0, digits: 4)
                    let lows = hex(&ir, CodePointSet(ranges: [0xDC00...0xDFFF]), base: 0, digits: 4)
                    alts.append(ir.concat([ir.literal("\\u"), highs, ir.literal("\\u"), lows]))
                    cp = 0x10000 + ((lastHigh + 1 - 0xD800) << 10)
                } else {
                    let end = min(r.upperBound, blockEnd)
                    let lowLo = 0xDC00 + (cp - blockStart), lowHi = 0xDC00 + (end - blockStart)
                    let highs = hex(&ir, CodePointSet(high), base: 0, digits: 4)
                    let lows = hex(&ir, CodePointSet(ranges: [lowLo...lowHi]), base: 0, digits: 4)
                    alts.append(ir.concat([ir.literal("\\u"), highs, ir.literal("\\u"), lows]))
                    cp = end + 1
                }
                if cp == 0 { break }
            }
        }
        return ir.or(alts)
    }

    /// Every spelling of one code point, spelled directly (the general `hex` trie intersects sets
    /// at every digit, which dominated compiling object keys).
    static func scalar(_ ir: inout RegexIR, _ cp: UInt32) -> RegexIR.Expr {
        var alts: [RegexIR.Expr] = []
        if rawAllowed.contains(cp) { alts.append(ir.chars(CodePointSet(cp))) }
        for (c, b) in shortEscapes where c == cp { alts.append(ir.literal(bytes: [UInt8(ascii: "\\"), b])) }
        func digits(_ v: UInt32, _ ir: inout RegexIR) -> RegexIR.Expr {
            ir.concat([hexDigit(&ir, (v >> 12 & 15)...(v >> 12 & 15)), hexDigit(&ir, (v >> 8 & 15)...(v >> 8 & 15)),
                       hexDigit(&ir, (v >> 4 & 15)...(v >> 4 & 15)), hexDigit(&ir, (v & 15)...(v & 15))])
        }
        if cp < 0x10000 {
            alts.append(ir.concat(ir.literal("\\u"), digits(cp, &ir)))
        } else {
            let high = 0xD800 + ((cp - 0x10000) >> 10), low = 0xDC00 + ((cp - 0x10000) & 0x3FF)
            alts.append(ir.concat([ir.literal("\\u"), digits(high, &ir), ir.literal("\\u"), digits(low, &ir)]))
        }
        return ir.or(alts)
    }

    /// Every spelling of exactly `text`, without the quotes.
    public static func literal(_ ir: inout RegexIR, _ text: String) -> RegexIR.Expr {
        var parts: [RegexIR.Expr] = []
        for s in text.unicodeScalars { parts.append(scalar(&ir, s.value)) }
        return ir.concat(parts)
    }
}
