/// GPT-2's reversible map between bytes and printable Unicode scalars, used by byte-level BPE
/// vocabularies (`Ġ` is the space byte 0x20, `Ċ` is 0x0A).
///
/// Bytes that are printable Latin-1 (`!`…`~`, `¡`…`¬`, `®`…`ÿ`) map to themselves; the other 68
/// bytes map, in order, to U+0100 and up. (Radford et al. 2019, the `bytes_to_unicode` table of
/// the GPT-2 release.)
enum ByteLevelEncoding {
    /// Scalar value for each byte.
    static let scalarOfByte: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 256)
        var next: UInt32 = 256
        for b in 0..<256 {
            if (33...126).contains(b) || (161...172).contains(b) || (174...255).contains(b) {
                table[b] = UInt32(b)
            } else {
                table[b] = next
                next += 1
            }
        }
        return table
    }()

    /// Byte for each scalar value below 324, or -1 where the scalar is not in the map.
    static let byteOfScalar: [Int16] = {
        var table = [Int16](repeating: -1, count: 324)
        for (b, s) in scalarOfByte.enumerated() { table[Int(s)] = Int16(b) }
        return table
    }()

    /// The UTF-8 of the encoded form of byte `b` (1 or 2 bytes).
    static func encodedUTF8(of b: UInt8) -> [UInt8] {
        Array(String(Unicode.Scalar(scalarOfByte[Int(b)])!).utf8)
    }

    /// Decodes a token spelled in the byte-level alphabet back to its bytes; nil if some scalar
    /// is outside the alphabet (then the token is not byte-level text).
    static func decode(_ utf8: UnsafeRawBufferPointer) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count)
        for scalar in String(decoding: utf8, as: UTF8.self).unicodeScalars {
            let v = Int(scalar.value)
            guard v < byteOfScalar.count, byteOfScalar[v] >= 0 else { return nil }
            out.append(UInt8(byteOfScalar[v]))
        }
        return out
    }
}
