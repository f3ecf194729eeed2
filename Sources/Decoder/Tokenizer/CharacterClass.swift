/// The three Unicode classes the pre-tokenizer regexes test (`\p{L}`, `\p{N}`, `\s`), as bit flags
/// per scalar, with an "in range" bit so that a position past the fragment reads as 0.
///
/// ASCII and the Basic Multilingual Plane come from a table built once from
/// `Unicode.Scalar.Properties`; other planes ask the properties directly.
enum CharacterClass {
    static let valid: UInt8 = 1
    static let letter: UInt8 = 2
    static let number: UInt8 = 4
    static let whitespace: UInt8 = 8

    /// Flags of every BMP scalar (surrogates: valid only).
    static let bmp: [UInt8] = {
        var table = [UInt8](repeating: valid, count: 0x10000)
        for v in 0..<0x10000 {
            if let s = Unicode.Scalar(UInt32(v)) { table[v] = compute(s) }
        }
        return table
    }()

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

    @inline(__always)
    static func flags(_ v: UInt32) -> UInt8 {
        if v < 0x10000 { return bmp.withUnsafeBufferPointer { $0[Int(v)] } }
        return Unicode.Scalar(v).map(compute) ?? valid
    }
}
