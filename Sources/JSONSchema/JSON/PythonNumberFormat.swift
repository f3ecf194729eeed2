/// How Python's `json.dumps(json.loads(text))` prints a JSON number, byte for byte.
///
/// Python's `json` reads a number without fraction or exponent as an exact `int` (printed as its
/// decimal digits, so `-0` becomes `0`) and any other number as a `float`, printed with `repr`:
/// the shortest digits that round-trip, fixed notation when the decimal point position `decpt`
/// (value = 0.d₁d₂… × 10^decpt) satisfies -4 < decpt ≤ 16, else `d.ddde±XX` with at least two
/// exponent digits (CPython `Python/pystrtod.c`, `format_float_short`, mode 'r'). Overflow gives
/// `Infinity` / `-Infinity` (json's `allow_nan`), underflow `0.0` / `-0.0`.
///
/// ```swift
/// PythonNumberFormat.format(JSONNumber("1e5")!)     // "100000.0"
/// PythonNumberFormat.format(JSONNumber("1E+16")!)   // "1e+16"
/// PythonNumberFormat.format(JSONNumber("0.00001")!) // "1e-05"
/// ```
public enum PythonNumberFormat {
    /// The text Python prints for `number` after a `json.loads` / `json.dumps` round trip.
    public static func format(_ number: JSONNumber) -> String {
        let text = number.text
        let isInteger = !text.utf8.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
        if isInteger {
            // Python int: exact digits; the sign only for non-zero values.
            return number.isZero ? "0" : text
        }
        return repr(Double(text) ?? (number.isNegative ? -.infinity : .infinity))
    }

    /// Python's `repr(float)` as `json.dumps` prints it (`Infinity`, `-Infinity`, `NaN` for the
    /// non-finite values).
    public static func repr(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        let negative = value.sign == .minus
        if value == 0 { return negative ? "-0.0" : "0.0" }
        // Swift's description gives the shortest round-trip digits too (closest to the exact value
        // among the shortest, as David Gay's mode 0 does); only the layout differs, so re-lay it out.
        let (digits, decpt) = shortestDigits(abs(value))
        var out = negative ? "-" : ""
        if decpt > -4 && decpt <= 16 {
            if decpt <= 0 {
                out += "0." + String(repeating: "0", count: -decpt) + digits
            } else if decpt >= digits.count {
                out += digits + String(repeating: "0", count: decpt - digits.count) + ".0"
            } else {
                let cut = digits.index(digits.startIndex, offsetBy: decpt)
                out += digits[..<cut] + "." + digits[cut...]
            }
        } else {
            out.append(digits.first!)
            if digits.count > 1 { out += "." + digits.dropFirst() }
            let e = decpt - 1
            out += e < 0 ? "e-" : "e+"
            let magnitude = abs(e)
            if magnitude < 10 { out += "0" }
            out += String(magnitude)
        }
        return out
    }

    /// Significant digits (no leading or trailing zeros) and decimal point position of a positive
    /// finite double, read off Swift's shortest round-trip `description`.
    static func shortestDigits(_ value: Double) -> (String, Int) {
        let s = value.description  // e.g. "100000.0", "1e-05", "1.2345e+20", "0.001"
        var mantissa = Substring(s)
        var exp = 0
        if let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = s[..<e]
            exp = Int(s[s.index(after: e)...])!
        }
        var all = ""  // every digit of the mantissa, in order
        var pointAt = -1
        for c in mantissa {
            if c == "." { pointAt = all.count } else { all.append(c) }
        }
        if pointAt < 0 { pointAt = all.count }
        // Strip leading zeros (they move the point) and trailing zeros.
        var lead = 0
        for c in all { if c == "0" { lead += 1 } else { break } }
        var digits = String(all.dropFirst(lead))
        while digits.last == "0" { digits.removeLast() }
        return (digits, pointAt - lead + exp)
    }
}
