/// The three Unicode classes the pre-tokenizer regexes test (`\p{L}`, `\p{N}`, `\s`), as bit flags
/// per scalar, with an "in range" bit so that a position past the fragment reads as 0.
///
/// ASCII comes from a 128-entry table built once; other scalars ask `Unicode.Scalar.Properties`
/// through a small direct-mapped cache per encode call (`CharacterClassCache`), so a text pays for
/// each distinct non-ASCII scalar about once and a short text does not pay for a whole-plane table.
enum CharacterClass {
    static let valid: UInt8 = 1
    static let letter: UInt8 = 2
    static let number: UInt8 = 4
    static let whitespace: UInt8 = 8

    static func compute(_ s: Unicode.Scalar) -> UInt8 {
        var f = valid
        let p = s.properties
        switch p.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            f |= letter
        case .decimalNumber, .letterNumber, .otherNumber:
            f |= number
        default:
            break
        }
        if p.isWhitespace { f |= whitespace }
        return f
    }

    /// Flags of a scalar value (a surrogate or out-of-range value is just `valid`).
    static func flags(_ v: UInt32) -> UInt8 {
        Unicode.Scalar(v).map(compute) ?? valid
    }

    /// Flags of the 128 ASCII scalars, allocated once and never freed (read-only after creation).
    nonisolated(unsafe) static let ascii: UnsafePointer<UInt8> = {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 128)
        for v in 0..<128 { table[v] = compute(Unicode.Scalar(UInt8(v))) }
        return UnsafePointer(table)
    }()
}

/// A direct-mapped cache of non-ASCII scalar flags (one per encode call).
struct CharacterClassCache {
    private let keys: UnsafeMutablePointer<UInt32>
    private let values: UnsafeMutablePointer<UInt8>
    private static let size = 2048

    init() {
        keys = .allocate(capacity: Self.size)
        keys.initialize(repeating: UInt32.max, count: Self.size)
        values = .allocate(capacity: Self.size)
        values.initialize(repeating: 0, count: Self.size)
    }

    func deallocate() {
        keys.deallocate()
        values.deallocate()
    }

    @inline(__always)
    func flags(_ v: UInt32) -> UInt8 {
        let slot = Int((v &* 0x9E37_79B1) >> 21) & (Self.size - 1)
        if keys[slot] == v { return values[slot] }
        let f = CharacterClass.flags(v)
        keys[slot] = v
        values[slot] = f
        return f
    }
}
