/// An open-addressing hash map from byte strings (token spellings) to token ids, over one
/// contiguous key buffer: lookups of a byte range allocate nothing.
struct FlatByteStringMap: Sendable {
    private let keys: [UInt8]
    private let keyOffsets: [UInt32]   // key i is keys[keyOffsets[i] ..< keyOffsets[i + 1]]
    private let slots: [Int32]         // token id + 1, 0 = empty
    private let mask: Int

    /// Key `i` (id `i`) is `keys[keyOffsets[i] ..< keyOffsets[i + 1]]`. When two ids share a
    /// spelling the last one wins by default, as in llama.cpp's `token_to_id`.
    init(keys: [UInt8], keyOffsets: [UInt32], preferLast: Bool = true) {
        self.keys = keys
        self.keyOffsets = keyOffsets
        let n = keyOffsets.count - 1
        var capacity = 16
        while capacity < n * 2 { capacity <<= 1 }
        var slots = [Int32](repeating: 0, count: capacity)
        let mask = capacity - 1
        keys.withUnsafeBufferPointer { k in
            for id in 0..<n {
                let lo = Int(keyOffsets[id]), hi = Int(keyOffsets[id + 1])
                let key = UnsafeBufferPointer(rebasing: k[lo..<hi])
                var i = Int(truncatingIfNeeded: Self.hash(key)) & mask
                while true {
                    let s = Int(slots[i])
                    if s == 0 { slots[i] = Int32(id + 1); break }
                    let olo = Int(keyOffsets[s - 1]), ohi = Int(keyOffsets[s])
                    if ohi - olo == hi - lo && memoryEqual(k, olo, key) {
                        if preferLast { slots[i] = Int32(id + 1) }
                        break
                    }
                    i = (i + 1) & mask
                }
            }
        }
        self.slots = slots
        self.mask = mask
    }

    @inline(__always)
    static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in key { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h ^ (h >> 29)
    }

    /// The id spelled exactly `key`, or -1.
    @inline(__always)
    func lookup(_ key: UnsafeBufferPointer<UInt8>) -> Int32 {
        var i = Int(truncatingIfNeeded: Self.hash(key)) & mask
        return keys.withUnsafeBufferPointer { k in
            slots.withUnsafeBufferPointer { slots in
                keyOffsets.withUnsafeBufferPointer { offs in
                    while true {
                        let s = Int(slots[i])
                        if s == 0 { return -1 }
                        let lo = Int(offs[s - 1]), hi = Int(offs[s])
                        if hi - lo == key.count && memoryEqual(k, lo, key) { return Int32(s - 1) }
                        i = (i + 1) & mask
                    }
                }
            }
        }
    }

    func lookup(_ key: [UInt8]) -> Int32 {
        key.withUnsafeBufferPointer { lookup($0) }
    }
}

@inline(__always)
private func memoryEqual(_ all: UnsafeBufferPointer<UInt8>, _ at: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
    guard !key.isEmpty else { return true }
    return memcmp(all.baseAddress! + at, key.baseAddress!, key.count) == 0
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
