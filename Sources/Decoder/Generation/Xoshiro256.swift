/// A small, fast, seeded pseudo-random generator (xoshiro256**, Blackman & Vigna 2018), seeded by
/// SplitMix64 as its authors recommend, so one `UInt64` seed gives the same stream on every
/// platform and Swift version (the standard library's generators promise neither).
///
/// ```swift
/// var rng = Xoshiro256(seed: 42)
/// let u = rng.nextUnitFloat()     // in [0, 1)
/// ```
public struct Xoshiro256: RandomNumberGenerator, Sendable, Hashable {
    private var s0, s1, s2, s3: UInt64

    /// The generator for `seed`; equal seeds give equal streams.
    public init(seed: UInt64) {
        // SplitMix64 spreads any seed (0 included) over the 256-bit state; an all-zero state is
        // the one xoshiro must avoid, and SplitMix64 never yields four zero words in a row.
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(); s1 = splitMix(); s2 = splitMix(); s3 = splitMix()
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    /// A uniform value in [0, 1) with 53 random bits.
    public mutating func nextUnitDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    @inline(__always) private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}
