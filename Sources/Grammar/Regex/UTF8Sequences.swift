/// One UTF-8 byte-range sequence: a byte string matches it when it has the same length and each
/// byte lies in the range at its position.
public struct UTF8RangeSequence: Hashable, Sendable {
    public var ranges: [ClosedRange<UInt8>]
}

extension CodePointSet {
    /// The UTF-8 encodings of the set's members as byte-range sequences (the classic "utf8-ranges"
    /// construction, as in RE2 and Russ Cox's notes): each code-point range is split until every
    /// piece has one encoded length and, per byte position, a full range of continuation bytes
    /// after a shared prefix. Surrogates are dropped (they have no UTF-8 encoding), so only valid
    /// UTF-8 is ever described.
    ///
    /// ```swift
    /// CodePointSet(ranges: [0x80...0x7FF]).utf8Sequences
    /// // [[0xC2...0xDF, 0x80...0xBF]]
    /// ```
    public var utf8Sequences: [UTF8RangeSequence] {
        var out: [UTF8RangeSequence] = []
        for r in ranges {
            // Remove the surrogate block.
            if r.lowerBound < 0xD800 && r.upperBound > 0xDFFF {
                Self.split(r.lowerBound, 0xD7FF, into: &out)
                Self.split(0xE000, r.upperBound, into: &out)
            } else if r.lowerBound >= 0xD800 && r.upperBound <= 0xDFFF {
                continue
            } else if r.lowerBound >= 0xD800 && r.lowerBound <= 0xDFFF {
                Self.split(0xE000, r.upperBound, into: &out)
            } else if r.upperBound >= 0xD800 && r.upperBound <= 0xDFFF {
                Self.split(r.lowerBound, 0xD7FF, into: &out)
            } else {
                Self.split(r.lowerBound, r.upperBound, into: &out)
            }
        }
        return out
    }

    private static func encodedLength(_ c: UInt32) -> Int {
        c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4
    }

    private static func encode(_ c: UInt32, length: Int) -> [UInt8] {
        switch length {
        case 1: return [UInt8(c)]
        case 2: return [UInt8(0xC0 | (c >> 6)), UInt8(0x80 | (c & 0x3F))]
        case 3: return [UInt8(0xE0 | (c >> 12)), UInt8(0x80 | ((c >> 6) & 0x3F)), UInt8(0x80 | (c & 0x3F))]
        default:
            return [UInt8(0xF0 | (c >> 18)), UInt8(0x80 | ((c >> 12) & 0x3F)),
                    UInt8(0x80 | ((c >> 6) & 0x3F)), UInt8(0x80 | (c & 0x3F))]
        }
    }

    /// Splits `lo...hi` (no surrogates) into byte-range sequences, with an explicit worklist.
    private static func split(_ lo: UInt32, _ hi: UInt32, into out: inout [UTF8RangeSequence]) {
        var work: [(UInt32, UInt32)] = [(lo, hi)]
        outer: while let (lo, hi) = work.popLast() {
            if lo > hi { continue }
            // Split at encoded-length boundaries.
            for boundary: UInt32 in [0x7F, 0x7FF, 0xFFFF] where lo <= boundary && hi > boundary {
                work.append((boundary + 1, hi))
                work.append((lo, boundary))
                continue outer
            }
            let n = encodedLength(lo)
            // Split until, for each trailing position, the range covers whole blocks.
            for i in 1..<max(n, 1) {
                let m: UInt32 = (1 << (6 * UInt32(i))) - 1
                if lo & ~m != hi & ~m {
                    if lo & m != 0 {
                        work.append(((lo | m) + 1, hi))
                        work.append((lo, lo | m))
                        continue outer
                    }
                    if hi & m != m {
                        work.append((hi & ~m, hi))
                        work.append((lo, (hi & ~m) - 1))
                        continue outer
                    }
                }
            }
            let a = encode(lo, length: n), b = encode(hi, length: n)
            out.append(UTF8RangeSequence(ranges: (0..<n).map { a[$0]...b[$0] }))
        }
    }
}
