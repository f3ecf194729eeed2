/// A set of Unicode code points (0...0x10FFFF), kept as sorted, disjoint, non-adjacent ranges.
///
/// Surrogates (U+D800...U+DFFF) may be members, but they have no UTF-8 encoding, so the byte
/// automaton never matches them.
///
/// ```swift
/// let hex = CodePointSet(ranges: [0x30...0x39, 0x41...0x46, 0x61...0x66])
/// hex.contains(0x42)          // true
/// hex.inverted.contains(0x42) // false
/// ```
public struct CodePointSet: Hashable, Sendable {
    /// The largest code point.
    public static let maxCodePoint: UInt32 = 0x10FFFF

    /// Flattened bounds: `bounds[2i]...bounds[2i+1]` is the i-th range.
    @usableFromInline var bounds: [UInt32]

    /// The empty set.
    public static let empty = CodePointSet(normalizedBounds: [])
    /// Every code point.
    public static let all = CodePointSet(normalizedBounds: [0, maxCodePoint])

    init(normalizedBounds: [UInt32]) { bounds = normalizedBounds }

    /// Builds a set from ranges in any order, overlapping or not.
    public init(ranges: some Sequence<ClosedRange<UInt32>>) {
        var rs = ranges.map { ($0.lowerBound, min($0.upperBound, Self.maxCodePoint)) }.filter { $0.0 <= $0.1 }
        rs.sort { $0.0 < $1.0 }
        var out: [UInt32] = []
        out.reserveCapacity(rs.count * 2)
        for (lo, hi) in rs {
            if let last = out.last, lo <= last &+ 1 {
                if hi > last { out[out.count - 1] = hi }
            } else {
                out.append(lo)
                out.append(hi)
            }
        }
        bounds = out
    }

    /// A set with one code point.
    public init(_ scalar: UInt32) { self.init(normalizedBounds: [scalar, scalar]) }

    /// The ranges, sorted.
    public var ranges: [ClosedRange<UInt32>] {
        stride(from: 0, to: bounds.count, by: 2).map { bounds[$0]...bounds[$0 + 1] }
    }

    public var isEmpty: Bool { bounds.isEmpty }

    /// The number of code points.
    public var count: Int {
        stride(from: 0, to: bounds.count, by: 2).reduce(0) { $0 + Int(bounds[$1 + 1] - bounds[$1]) + 1 }
    }

    /// Binary search for membership.
    public func contains(_ scalar: UInt32) -> Bool {
        var lo = 0, hi = bounds.count / 2
        while lo < hi {
            let mid = (lo + hi) / 2
            if bounds[2 * mid + 1] < scalar { lo = mid + 1 } else { hi = mid }
        }
        return lo < bounds.count / 2 && bounds[2 * lo] <= scalar
    }

    /// All code points not in the set.
    public var inverted: CodePointSet {
        var out: [UInt32] = []
        var next: UInt32 = 0
        for i in stride(from: 0, to: bounds.count, by: 2) {
            if bounds[i] > next { out.append(next); out.append(bounds[i] - 1) }
            next = bounds[i + 1] &+ 1
        }
        if bounds.last.map({ $0 < Self.maxCodePoint }) ?? true {
            out.append(next); out.append(Self.maxCodePoint)
        }
        return CodePointSet(normalizedBounds: out)
    }

    public func union(_ other: CodePointSet) -> CodePointSet {
        CodePointSet(ranges: ranges + other.ranges)
    }

    public func intersection(_ other: CodePointSet) -> CodePointSet {
        inverted.union(other.inverted).inverted
    }

    public func subtracting(_ other: CodePointSet) -> CodePointSet {
        intersection(other.inverted)
    }
}
