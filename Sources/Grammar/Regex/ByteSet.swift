/// A set of bytes as a 256-bit mask.
///
/// ```swift
/// let digits = ByteSet(0x30...0x39)
/// digits.contains(0x35)   // true
/// ```
public struct ByteSet: Hashable, Sendable {
    @usableFromInline var w0: UInt64 = 0, w1: UInt64 = 0, w2: UInt64 = 0, w3: UInt64 = 0

    public init() {}

    public init(_ range: ClosedRange<UInt8>) {
        for b in range { insert(b) }
    }

    public init(_ bytes: some Sequence<UInt8>) {
        for b in bytes { insert(b) }
    }

    public static let all: ByteSet = { var s = ByteSet(); s.w0 = ~0; s.w1 = ~0; s.w2 = ~0; s.w3 = ~0; return s }()

    @inlinable public func contains(_ b: UInt8) -> Bool {
        let bit = UInt64(1) << UInt64(b & 63)
        switch b >> 6 {
        case 0: return w0 & bit != 0
        case 1: return w1 & bit != 0
        case 2: return w2 & bit != 0
        default: return w3 & bit != 0
        }
    }

    public mutating func insert(_ b: UInt8) {
        let bit = UInt64(1) << UInt64(b & 63)
        switch b >> 6 {
        case 0: w0 |= bit
        case 1: w1 |= bit
        case 2: w2 |= bit
        default: w3 |= bit
        }
    }

    public var isEmpty: Bool { (w0 | w1 | w2 | w3) == 0 }
    public var count: Int { w0.nonzeroBitCount + w1.nonzeroBitCount + w2.nonzeroBitCount + w3.nonzeroBitCount }

    public func union(_ o: ByteSet) -> ByteSet {
        var s = self; s.w0 |= o.w0; s.w1 |= o.w1; s.w2 |= o.w2; s.w3 |= o.w3; return s
    }

    public func intersection(_ o: ByteSet) -> ByteSet {
        var s = self; s.w0 &= o.w0; s.w1 &= o.w1; s.w2 &= o.w2; s.w3 &= o.w3; return s
    }

    public var inverted: ByteSet {
        var s = self; s.w0 = ~w0; s.w1 = ~w1; s.w2 = ~w2; s.w3 = ~w3; return s
    }

    /// The members in increasing order.
    public var members: [UInt8] { (0...255).compactMap { contains(UInt8($0)) ? UInt8($0) : nil } }

    /// ECMA-262 word characters `[A-Za-z0-9_]` (all ASCII, so one byte decides it).
    public static let word = ByteSet(0x41...0x5A)
        .union(ByteSet(0x61...0x7A)).union(ByteSet(0x30...0x39)).union(ByteSet([0x5F]))
}
