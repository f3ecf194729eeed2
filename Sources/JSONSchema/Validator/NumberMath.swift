/// Exact decimal arithmetic on `JSONNumber` for `multipleOf`.
enum NumberMath {
    /// True when x / m is an integer, computed exactly on the decimal digits (no Double rounding:
    /// `0.3` is a multiple of `0.1`, `1e308` of `0.5`).
    static func isMultiple(_ x: JSONNumber, of m: JSONNumber) -> Bool {
        if x.isZero { return true }
        guard !m.isZero else { return false }
        // x = X·10^a, m = M·10^b with X, M free of trailing zeros; x/m = (X/M)·10^(a−b).
        let shift = x.exponent - m.exponent
        // X has no factor 10, so for shift < 0 the quotient is an integer only if M·10^-shift divides X,
        // which needs X divisible by 10: impossible.
        if shift < 0 { return false }
        guard m.digits.count <= 18 else {
            // Huge divisors: fall back to binary floating point (rare; never in the suites).
            let q = x.doubleValue / m.doubleValue
            return q.isFinite && q.rounded() == q
        }
        var modulus: UInt64 = 0
        for d in m.digits { modulus = modulus * 10 + UInt64(d - 48) }
        var r: UInt64 = 0
        for d in x.digits { r = (r * 10 + UInt64(d - 48)) % modulus }
        // r · 10^shift mod M, by square-and-multiply with 128-bit products.
        var result = r, base: UInt64 = 10 % modulus, e = shift
        var power: UInt64 = 1 % modulus
        while e > 0 {
            if e & 1 == 1 { power = mulmod(power, base, modulus) }
            base = mulmod(base, base, modulus)
            e >>= 1
        }
        result = mulmod(result, power, modulus)
        return result == 0
    }

    private static func mulmod(_ a: UInt64, _ b: UInt64, _ m: UInt64) -> UInt64 {
        let (high, low) = a.multipliedFullWidth(by: b)
        return m.dividingFullWidth((high, low)).remainder
    }
}
