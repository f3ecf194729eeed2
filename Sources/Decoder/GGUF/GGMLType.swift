/// A ggml tensor element type, as stored in a GGUF tensor info (`ggml_type` in ggml.h).
///
/// Quantized types store elements in blocks: `blockSize` elements take `bytesPerBlock` bytes.
/// ```swift
/// let t = GGMLType(id: 3)!          // Q4_1
/// t.byteCount(elements: 64)         // 40
/// ```
public struct GGMLType: Hashable, Sendable, CustomStringConvertible {
    /// The numeric id in the file.
    public let id: UInt32
    /// ggml's name, e.g. "Q4_1".
    public let name: String
    /// Elements per block (1 for plain types).
    public let blockSize: Int
    /// Bytes per block.
    public let bytesPerBlock: Int

    /// The type with this id, or nil if ggml has no such (live) type.
    public init?(id: UInt32) {
        guard let entry = GGMLType.table[id] else { return nil }
        self.id = id
        self.name = entry.0
        self.blockSize = entry.1
        self.bytesPerBlock = entry.2
    }

    /// Bytes taken by `elements` elements, or nil if `elements` is not a whole number of blocks.
    public func byteCount(elements: Int) -> Int? {
        guard elements >= 0, elements % blockSize == 0 else { return nil }
        let (bytes, overflow) = (elements / blockSize).multipliedReportingOverflow(by: bytesPerBlock)
        return overflow ? nil : bytes
    }

    public var description: String { name }

    public static let f32 = GGMLType(id: 0)!
    public static let f16 = GGMLType(id: 1)!
    public static let q4_0 = GGMLType(id: 2)!
    public static let q4_1 = GGMLType(id: 3)!
    public static let q8_0 = GGMLType(id: 8)!
    public static let q4_K = GGMLType(id: 12)!
    public static let q6_K = GGMLType(id: 14)!
    public static let bf16 = GGMLType(id: 30)!

    // id: (name, block size, bytes per block), from the block structs of ggml-common.h.
    // Ids 4, 5, 31–33 and 36–38 belonged to types ggml has removed; they are refused.
    private static let table: [UInt32: (String, Int, Int)] = [
        0: ("F32", 1, 4), 1: ("F16", 1, 2), 2: ("Q4_0", 32, 18), 3: ("Q4_1", 32, 20),
        6: ("Q5_0", 32, 22), 7: ("Q5_1", 32, 24), 8: ("Q8_0", 32, 34), 9: ("Q8_1", 32, 36),
        10: ("Q2_K", 256, 84), 11: ("Q3_K", 256, 110), 12: ("Q4_K", 256, 144), 13: ("Q5_K", 256, 176),
        14: ("Q6_K", 256, 210), 15: ("Q8_K", 256, 292), 16: ("IQ2_XXS", 256, 66), 17: ("IQ2_XS", 256, 74),
        18: ("IQ3_XXS", 256, 98), 19: ("IQ1_S", 256, 50), 20: ("IQ4_NL", 32, 18), 21: ("IQ3_S", 256, 110),
        22: ("IQ2_S", 256, 82), 23: ("IQ4_XS", 256, 136), 24: ("I8", 1, 1), 25: ("I16", 1, 2),
        26: ("I32", 1, 4), 27: ("I64", 1, 8), 28: ("F64", 1, 8), 29: ("IQ1_M", 256, 56),
        30: ("BF16", 1, 2), 34: ("TQ1_0", 256, 54), 35: ("TQ2_0", 256, 66), 39: ("MXFP4", 32, 17),
    ]
}
