/// A 128-bit hash of everything the parser's future depends on: what any continuation of the
/// bytes read so far does (accepted, refused, accepting) is a function of it.
///
/// Two parsers with equal signatures give equal masks, so `Matcher` caches whole masks by it.
/// What the future reads (`push`, `finishRow`): the current row's lexemes in progress
/// `(lexeme, state, origin)`, the accepting flag, and, for every row some of them (or items
/// reachable from them) originate in, that row's items `(dot, origin)`. Rows are named by the
/// hash of their items, origins replaced by the origin row's hash (a row's own index by a
/// marker), so equal structures at different positions hash alike (sum of mixed terms: order
/// within a row does not matter; rows are sets). Row 0 is the only row holding the start item
/// (dot 0), so "origin 0" is preserved too. Two independent 64-bit halves make an accidental
/// collision (a wrong cached mask) about 2^-128 per pair of states.
struct ParserSignature: Hashable {
    var a: UInt64
    var b: UInt64
}

/// Scratch for `EarleyParser.signature`, kept by the matcher (no allocation once warm).
struct SignatureScratch {
    var stamp: [UInt32] = []
    var sigA: [UInt64] = []
    var sigB: [UInt64] = []
    var rows: [Int32] = []
    var current: UInt32 = 0
}

@inline(__always)
func signatureMix(_ x: UInt64) -> UInt64 {
    // SplitMix64's finalizer (Steele et al. 2014): a bijection with full avalanche.
    var z = x &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

extension EarleyParser {
    /// The signature of the current row (see `ParserSignature`).
    func signature(_ s: inout SignatureScratch) -> ParserSignature {
        let k = byteCount
        if s.stamp.count < k + 1 {
            let n = Swift.max(k + 1, s.stamp.count * 2)
            s.stamp.append(contentsOf: repeatElement(0, count: n - s.stamp.count))
            s.sigA.append(contentsOf: repeatElement(0, count: n - s.sigA.count))
            s.sigB.append(contentsOf: repeatElement(0, count: n - s.sigB.count))
        }
        s.current &+= 1
        if s.current == 0 {
            for i in s.stamp.indices { s.stamp[i] = 0 }
            s.current = 1
        }
        let mark = s.current
        // Rows reachable through origins: from the current row's lexemes, then items' origins.
        // `stamp == mark` means collected; hashes are filled in ascending row order below, as an
        // item's origin is never after its row.
        s.rows.removeAll(keepingCapacity: true)
        s.stamp[k] = mark
        s.rows.append(Int32(k))
        for i in activeStart[k]..<activeStart[k + 1] {
            let o = Int(actives[i].origin)
            if s.stamp[o] != mark { s.stamp[o] = mark; s.rows.append(Int32(o)) }
        }
        var head = 0
        while head < s.rows.count {
            let r = Int(s.rows[head]); head += 1
            for j in itemStart[r]..<itemStart[r + 1] {
                let o = Int(items[j] & 0xFFFF_FFFF)
                if s.stamp[o] != mark { s.stamp[o] = mark; s.rows.append(Int32(o)) }
            }
        }
        s.rows.sort()
        for r32 in s.rows {
            let r = Int(r32)
            var a: UInt64 = 0x243F_6A88_85A3_08D3, b: UInt64 = 0x1319_8A2E_0370_7344
            for j in itemStart[r]..<itemStart[r + 1] {
                let it = items[j]
                let dot = signatureDot(it)   // with the post-lexer's attribute, if any
                let o = Int(it & 0xFFFF_FFFF)
                let (oa, ob) = o == r ? (UInt64(0x5E1F), UInt64(0x5E1F)) : (s.sigA[o], s.sigB[o])
                a &+= signatureMix(signatureMix(dot ^ 0xA0A0_0000_0000) ^ oa)
                b &+= signatureMix(signatureMix(dot ^ 0x0B0B_0000_0000_0000) &+ ob &* 3)
            }
            s.sigA[r] = signatureMix(a ^ UInt64(itemStart[r + 1] - itemStart[r]))
            s.sigB[r] = signatureMix(b &+ UInt64(itemStart[r + 1] - itemStart[r]) << 7)
        }
        var a = s.sigA[k] ^ (accepting[k] ? 0x00AC_CE97 : 0), b = s.sigB[k] &+ (accepting[k] ? 0x0AC0 : 0)
        for i in activeStart[k]..<activeStart[k + 1] {
            let x = actives[i]
            let o = Int(x.origin)
            let (oa, ob) = o == k ? (UInt64(0x5E1F), UInt64(0x5E1F)) : (s.sigA[o], s.sigB[o])
            let ls = UInt64(UInt32(bitPattern: x.lexeme)) << 32 | UInt64(UInt32(bitPattern: x.state))
            a &+= signatureMix(signatureMix(ls ^ 0xC0C0) ^ oa)
            b &+= signatureMix(signatureMix(ls &+ 0x0D0D_0000) &+ ob &* 5)
        }
        if indentation != nil {
            let (pa, pb) = indentationSignature(row: k, &s)
            a &+= pa
            b &+= pb
        }
        return ParserSignature(a: signatureMix(a ^ UInt64(activeStart[k + 1] - activeStart[k]) << 40),
                               b: signatureMix(b))
    }
}
