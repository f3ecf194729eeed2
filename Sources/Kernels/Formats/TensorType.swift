/// A tensor element format as GGUF/ggml stores it, identified by its ggml type id.
///
/// Blocked formats group `blockElements` consecutive values of a row into one block of `blockBytes`
/// bytes; a row of `n` values is `n / blockElements` blocks laid out back to back, and rows follow
/// each other with no padding.
///
/// ```swift
/// let t = TensorType.q4_1
/// t.blockElements          // 32
/// try t.rowBytes(columns: 576)  // 360
/// ```
public enum TensorType: UInt32, Sendable, CaseIterable, CustomStringConvertible {
    case f32 = 0
    case f16 = 1
    case q4_0 = 2
    case q4_1 = 3
    case q8_0 = 8
    case q8_1 = 9
    case q4_K = 12
    case q6_K = 14
    case q8_K = 15

    /// Values per block (1 for the float formats, 32 for the simple quants, 256 for K-quants).
    @inlinable public var blockElements: Int {
        switch self {
        case .f32, .f16: 1
        case .q4_0, .q4_1, .q8_0, .q8_1: 32
        case .q4_K, .q6_K, .q8_K: 256
        }
    }

    /// Bytes per block, exactly as ggml's `block_*` structs (packed, no padding).
    @inlinable public var blockBytes: Int {
        switch self {
        case .f32: 4
        case .f16: 2
        case .q4_0: 2 + 16  // d: f16, qs: 32 nibbles
        case .q4_1: 2 + 2 + 16  // d, m: f16, qs: 32 nibbles
        case .q8_0: 2 + 32  // d: f16, qs: 32 × int8
        case .q8_1: 2 + 2 + 32  // d, s = d·Σqs: f16, qs: 32 × int8
        case .q4_K: 2 + 2 + 12 + 128  // d, dmin: f16, 8 six-bit scales and mins in 12 bytes, 256 nibbles
        case .q6_K: 128 + 64 + 16 + 2  // ql: low 4 bits, qh: high 2 bits, 16 int8 scales, d: f16
        case .q8_K: 4 + 256 + 32  // d: f32, qs: 256 × int8, bsums: 16 × int16 (sums of 16 quants)
        }
    }

    /// The format the input vector is quantized to before a dot product with weights of this type,
    /// as llama.cpp pairs them (`vec_dot_type`). The float formats take the input as F32.
    @inlinable public var activationType: TensorType {
        switch self {
        case .q4_0, .q8_0: .q8_0
        case .q4_1: .q8_1
        case .q4_K, .q6_K: .q8_K
        case .f32, .f16: .f32
        case .q8_1: .q8_1
        case .q8_K: .q8_K
        }
    }

    /// Whether `MatMul` accepts weights of this type (the activation-only formats are not weights).
    @inlinable public var isWeightType: Bool { self != .q8_1 && self != .q8_K }

    /// The ggml name: "Q4_1", "F16", …
    public var description: String {
        switch self {
        case .f32: "F32"
        case .f16: "F16"
        case .q4_0: "Q4_0"
        case .q4_1: "Q4_1"
        case .q8_0: "Q8_0"
        case .q8_1: "Q8_1"
        case .q4_K: "Q4_K"
        case .q6_K: "Q6_K"
        case .q8_K: "Q8_K"
        }
    }

    /// Bytes of one row of `columns` values.
    /// - Throws: `KernelError.columnsNotMultipleOfBlock` unless `columns` is a positive multiple of
    ///   `blockElements`, `KernelError.sizeOverflow` if the size does not fit in `Int`.
    public func rowBytes(columns: Int) throws(KernelError) -> Int {
        guard columns > 0, columns % blockElements == 0 else {
            throw .columnsNotMultipleOfBlock(type: self, columns: columns)
        }
        let (bytes, overflow) = (columns / blockElements).multipliedReportingOverflow(by: blockBytes)
        guard !overflow else { throw .sizeOverflow("\(columns) columns of \(self)") }
        return bytes
    }
}

/// Why a kernel refused its arguments.
public enum KernelError: Error, Equatable, CustomStringConvertible {
    /// The row length is not a whole number of blocks.
    case columnsNotMultipleOfBlock(type: TensorType, columns: Int)
    /// A size computation overflowed.
    case sizeOverflow(String)
    /// The format cannot be used in this role (e.g. Q8_K as weights).
    case unsupportedType(TensorType, role: String)
    /// Two operands disagree on a dimension.
    case shapeMismatch(String)

    public var description: String {
        switch self {
        case .columnsNotMultipleOfBlock(let type, let columns):
            "\(type) rows need a positive multiple of \(type.blockElements) columns, got \(columns)"
        case .sizeOverflow(let what): "size overflows: \(what)"
        case .unsupportedType(let type, let role): "\(type) is not supported as \(role)"
        case .shapeMismatch(let what): "shape mismatch: \(what)"
        }
    }
}
