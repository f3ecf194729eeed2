/// Token ids of recently seen pre-token words, so each distinct word is merged once per call.
///
/// Flat storage: keys in one byte arena, values in one id arena, an open-addressing index. When
/// it fills up it starts over (a bounded cache; texts repeat their frequent words early).
struct WordCache {
    private var index: [Int32]          // entry + 1, 0 = empty
    private var entryHash: [UInt64] = []
    private var entryKey: [Int64] = []  // start << 32 | length in `keys`
    private var entryValue: [Int64] = [] // start << 32 | length in `values`
    private var keys: [UInt8] = []
    private var values: [Int32] = []
    private let mask: Int
    private let maxEntries: Int
    private static let maxKeyBytes = 1 << 22

    init(slots: Int = 1 << 16) {
        index = [Int32](repeating: 0, count: slots)
        mask = slots - 1
        maxEntries = slots / 2
    }

    /// The cached ids of `word`, appended to `out`; false if not cached.
    @inline(__always)
    mutating func get(_ word: UnsafeBufferPointer<UInt8>, hash: UInt64, into out: inout [Int]) -> Bool {
        var i = Int(truncatingIfNeeded: hash) & mask
        while true {
            let e = Int(index[i])
            if e == 0 { return false }
            if entryHash[e - 1] == hash {
                let k = entryKey[e - 1]
                let start = Int(k >> 32), len = Int(k & 0xFFFF_FFFF)
                if len == word.count && keys.withUnsafeBufferPointer({ memcmp($0.baseAddress! + start, word.baseAddress!, len) == 0 }) {
                    let v = entryValue[e - 1]
                    let vs = Int(v >> 32), vl = Int(v & 0xFFFF_FFFF)
                    values.withUnsafeBufferPointer { vals in
                        for j in vs..<(vs + vl) { out.append(Int(vals[j])) }
                    }
                    return true
                }
            }
            i = (i + 1) & mask
        }
    }

    mutating func put(_ word: UnsafeBufferPointer<UInt8>, hash: UInt64, ids: UnsafeBufferPointer<Int32>) {
        if entryHash.count >= maxEntries || keys.count + word.count > Self.maxKeyBytes {
            for j in index.indices { index[j] = 0 }
            entryHash.removeAll(keepingCapacity: true)
            entryKey.removeAll(keepingCapacity: true)
            entryValue.removeAll(keepingCapacity: true)
            keys.removeAll(keepingCapacity: true)
            values.removeAll(keepingCapacity: true)
        }
        var i = Int(truncatingIfNeeded: hash) & mask
        while index[i] != 0 { i = (i + 1) & mask }
        entryHash.append(hash)
        entryKey.append(Int64(keys.count) << 32 | Int64(word.count))
        entryValue.append(Int64(values.count) << 32 | Int64(ids.count))
        keys.append(contentsOf: word)
        values.append(contentsOf: ids)
        index[i] = Int32(entryHash.count)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
