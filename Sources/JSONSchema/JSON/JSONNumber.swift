/// A JSON number kept exactly as written, with an exact decimal view for comparisons.
///
/// No `Double` round trip: `12345678901234567890123` and `0.1000000000000000000001` keep every digit.
/// Two numbers are equal when their mathematical values are (`1`, `1.0` and `10e-1` are equal).
///
/// ```swift
/// let n = JSONNumber("2.50e1")!
/// n.isInteger          // true (25)
/// n < JSONNumber(26)   // true
/// ```
public struct JSONNumber: Sendable, CustomStringConvertible {
    /// The text as written (RFC 8259 `number` grammar).
    public let text: String
    /// True for a negative non-zero value.
    public let isNegative: Bool
    /// Significant decimal digits (ASCII '0'...'9'), no leading or trailing zeros; empty for zero.
    public let digits: [UInt8]
    /// The value is `digits × 10^exponent` (with the sign). Saturates for absurd exponents.
    public let exponent: Int

    /// Parses `text` as an RFC 8259 number; `nil` if it is not one.
    public init?(_ text: String) {
        var bytes = Array(text.utf8)
        guard let parsed = JSONNumber.parse(&bytes) else { return nil }
        self.text = text
        (isNegative, digits, exponent) = parsed
    }

    /// A number whose text the caller has already checked and normalized (the parser's fast path).
    init(validatedText text: String, isNegative: Bool, digits: [UInt8], exponent: Int) {
        self.text = text
        self.isNegative = isNegative
        self.digits = digits
        self.exponent = exponent
    }

    /// An integer.
    public init(_ value: Int) {
        self.init(String(value))!
    }

    public var description: String { text }

    /// True when the value is an integer (`1.0` and `1e3` are).
    public var isInteger: Bool { digits.isEmpty || exponent >= 0 }

    /// True when the value is zero.
    public var isZero: Bool { digits.isEmpty }

    /// The nearest `Double` (may lose precision or be infinite).
    public var doubleValue: Double { Double(text) ?? (isNegative ? -.infinity : .infinity) }

    /// The exact value as an `Int`, when it is an integer that fits.
    public var intValue: Int? {
        guard isInteger else { return nil }
        if digits.isEmpty { return 0 }
        guard digits.count + exponent <= 19 else { return nil }
        var v = 0
        for d in digits {
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int(d - 48))
            if o1 || o2 { return nil }
            v = a
        }
        for _ in 0..<exponent {
            let (m, o) = v.multipliedReportingOverflow(by: 10)
            if o { return nil }
            v = m
        }
        return isNegative ? -v : v
    }

    /// Validates the RFC 8259 grammar and normalizes to (negative, significant digits, exponent).
    static func parse(_ b: inout [UInt8]) -> (Bool, [UInt8], Int)? {
        var i = 0
        let n = b.count
        var negative = false
        if i < n, b[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        guard i < n else { return nil }
        var mantissa: [UInt8] = []
        var fractionDigits = 0
        if b[i] == UInt8(ascii: "0") {
            i += 1
        } else if b[i] >= UInt8(ascii: "1") && b[i] <= UInt8(ascii: "9") {
            while i < n, b[i] >= 48, b[i] <= 57 { mantissa.append(b[i]); i += 1 }
        } else {
            return nil
        }
        if i < n, b[i] == UInt8(ascii: ".") {
            i += 1
            let start = i
            while i < n, b[i] >= 48, b[i] <= 57 { mantissa.append(b[i]); i += 1 }
            fractionDigits = i - start
            guard fractionDigits > 0 else { return nil }
        }
        var exp = 0
        if i < n, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            var expNegative = false
            if i < n, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
                expNegative = b[i] == UInt8(ascii: "-"); i += 1
            }
            let start = i
            while i < n, b[i] >= 48, b[i] <= 57 {
                // Saturate: exponents beyond ±10^15 are treated as that bound (only order matters then).
                if exp < 1_000_000_000_000_000 { exp = exp * 10 + Int(b[i] - 48) }
                i += 1
            }
            guard i > start else { return nil }
            if expNegative { exp = -exp }
        }
        guard i == n else { return nil }
        // Normalize: strip leading zeros, then trailing zeros into the exponent.
        var lead = 0
        while lead < mantissa.count, mantissa[lead] == 48 { lead += 1 }
        var trail = mantissa.count
        while trail > lead, mantissa[trail - 1] == 48 { trail -= 1 }
        let significant = Array(mantissa[lead..<trail])
        let exponent = exp - fractionDigits + (mantissa.count - trail)
        if significant.isEmpty { return (false, [], 0) }
        return (negative, significant, exponent)
    }
}

extension JSONNumber: Comparable, Hashable {
    public static func == (lhs: JSONNumber, rhs: JSONNumber) -> Bool {
        lhs.isNegative == rhs.isNegative && lhs.exponent == rhs.exponent && lhs.digits == rhs.digits
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(isNegative)
        hasher.combine(exponent)
        hasher.combine(digits)
    }

    public static func < (lhs: JSONNumber, rhs: JSONNumber) -> Bool {
        if lhs.isNegative != rhs.isNegative { return lhs.isNegative }
        let magnitudeLess = compareMagnitude(lhs, rhs) < 0
        let magnitudeGreater = compareMagnitude(lhs, rhs) > 0
        return lhs.isNegative ? magnitudeGreater : magnitudeLess
    }

    /// -1, 0 or 1 as |lhs| is less than, equal to or greater than |rhs|.
    public static func compareMagnitude(_ lhs: JSONNumber, _ rhs: JSONNumber) -> Int {
        if lhs.digits.isEmpty || rhs.digits.isEmpty {
            return lhs.digits.isEmpty ? (rhs.digits.isEmpty ? 0 : -1) : 1
        }
        // Position of the most significant digit decides first.
        let lTop = lhs.digits.count + lhs.exponent, rTop = rhs.digits.count + rhs.exponent
        if lTop != rTop { return lTop < rTop ? -1 : 1 }
        let n = max(lhs.digits.count, rhs.digits.count)
        for k in 0..<n {
            let a = k < lhs.digits.count ? lhs.digits[k] : 48
            let b = k < rhs.digits.count ? rhs.digits[k] : 48
            if a != b { return a < b ? -1 : 1 }
        }
        return 0
    }
}
