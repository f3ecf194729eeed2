/// A set of 64-bit keys that empties in O(1), for per-row deduplication in the Earley parser.
///
/// Open addressing with linear probing; a slot is occupied when its stamp equals the current one,
/// so `clear()` only bumps the stamp. After warm-up neither `insert` nor `clear` allocates, which
/// keeps the parser's push/pop free of allocation while the token trie is walked (llguidance's
/// "no allocation in the inner loop", docs/optimizations.md).
///
/// ```swift
/// var s = StampedSet()
/// s.insert(7)   // true
/// s.insert(7)   // false
/// s.clear()
/// s.insert(7)   // true
/// ```
struct StampedSet {
    private var keys: [UInt64]
    private var stamps: [UInt32]
    private var stamp: UInt32 = 1
    private(set) var count = 0

    init(capacity: Int = 64) {
        var n = 16
        while n < capacity * 2 { n <<= 1 }
        keys = [UInt64](repeating: 0, count: n)
        stamps = [UInt32](repeating: 0, count: n)
    }

    /// Bytes held.
    var memoryFootprint: Int { keys.capacity * 8 + stamps.capacity * 4 }

    mutating func clear() {
        count = 0
        stamp &+= 1
        if stamp == 0 {
            // Wrapped around: old stamps could look current again.
            for i in stamps.indices { stamps[i] = 0 }
            stamp = 1
        }
    }

    @inline(__always)
    static func slot(_ k: UInt64, _ mask: Int) -> Int {
        // Fibonacci hashing: items differ mostly in their high (dot) and low (origin) bits.
        Int(truncatingIfNeeded: (k &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    /// Inserts `k`; false if it was already there.
    @inline(__always)
    mutating func insert(_ k: UInt64) -> Bool {
        if (count + 1) * 2 > keys.count { grow() }
        let mask = keys.count - 1
        var i = Self.slot(k, mask)
        while stamps[i] == stamp {
            if keys[i] == k { return false }
            i = (i + 1) & mask
        }
        stamps[i] = stamp
        keys[i] = k
        count += 1
        return true
    }

    private mutating func grow() {
        var live: [UInt64] = []
        live.reserveCapacity(count)
        for i in keys.indices where stamps[i] == stamp { live.append(keys[i]) }
        let n = keys.count * 2
        keys = [UInt64](repeating: 0, count: n)
        stamps = [UInt32](repeating: 0, count: n)
        stamp = 1
        count = 0
        for k in live { _ = insert(k) }
    }
}
