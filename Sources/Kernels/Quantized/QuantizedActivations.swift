/// A caller-owned scratch buffer holding `rows` input vectors quantized to one activation format,
/// reused across calls so that matrix products allocate nothing per token.
///
/// Quantize once, then multiply by every matrix that takes the same input and format (Q, K and V;
/// gate and up):
/// ```swift
/// let scratch = QuantizedActivations()
/// try scratch.quantize(x, rows: 1, columns: 576, as: wq.type.activationType)
/// try MatMul.multiply(wq, scratch, into: q, pool: pool)
/// try MatMul.multiply(wk, scratch, into: k, pool: pool)
/// ```
/// Not thread-safe: one per sequence/thread of control.
public final class QuantizedActivations {
    /// The format of the stored rows.
    public private(set) var type: TensorType = .f32
    /// Number of stored rows.
    public private(set) var rows = 0
    /// Values per row.
    public private(set) var columns = 0
    /// Bytes per stored row (`type.rowBytes(columns:)`).
    public private(set) var rowBytes = 0
    private var storage: UnsafeMutableRawPointer?
    private var capacity = 0
    /// Per row and block, the block's scale fields as F32 pairs: (d, s) for Q8_1, (d, 0) for Q8_0
    /// and Q8_K. Every weight row reads them again, so converting them once here takes the F16
    /// conversions out of the kernels' inner loops.
    private var scaleStorage: UnsafeMutablePointer<Float>?
    private var scaleCapacity = 0
    /// Floats per row in `scales` (2 per block; 0 for F32).
    public private(set) var scaleStride = 0

    /// An empty scratch; `reserve` or the first `quantize` allocates.
    public init() {}

    /// A scratch already large enough for `rows` × `columns` in any activation format.
    public convenience init(rows: Int, columns: Int) throws(KernelError) {
        self.init()
        for type in [TensorType.q8_0, .q8_1, .q8_K, .f32] where columns % type.blockElements == 0 {
            try reserve(type, rows: rows, columns: columns)
        }
    }

    deinit {
        storage?.deallocate()
        scaleStorage?.deallocate()
    }

    /// Grows the buffer (if needed) to hold `rows` × `columns` of `type`.
    public func reserve(_ type: TensorType, rows: Int, columns: Int) throws(KernelError) {
        let rowBytes = try type.rowBytes(columns: columns)
        let (bytes, overflow) = rowBytes.multipliedReportingOverflow(by: max(rows, 0))
        guard !overflow else { throw .sizeOverflow("\(rows) rows of \(rowBytes) bytes") }
        if bytes > capacity {
            storage?.deallocate()
            // 64-byte alignment keeps the first block of each buffer on a cache line.
            storage = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
            capacity = bytes
        }
        let scaleCount = type == .f32 ? 0 : 2 * (columns / type.blockElements) * max(rows, 0)
        if scaleCount > scaleCapacity {
            scaleStorage?.deallocate()
            // 4 floats of padding: the kernels load scale pairs 16 bytes at a time.
            scaleStorage = UnsafeMutablePointer<Float>.allocate(capacity: scaleCount + 4)
            (scaleStorage! + scaleCount).initialize(repeating: 0, count: 4)
            scaleCapacity = scaleCount
        }
    }

    /// Quantizes `rows` rows of `columns` floats (row `i` at `x + i * rowStride`) to `type`.
    /// - Throws: if `type` is not an activation format (`.q8_0`, `.q8_1`, `.q8_K`, `.f32`) or
    ///   `columns` is not a whole number of its blocks.
    public func quantize(
        _ x: UnsafePointer<Float>, rows: Int, columns: Int, rowStride: Int? = nil, as type: TensorType
    ) throws(KernelError) {
        guard type == .q8_0 || type == .q8_1 || type == .q8_K || type == .f32 else {
            throw .unsupportedType(type, role: "activation format")
        }
        guard rows >= 0 else { throw .shapeMismatch("negative row count \(rows)") }
        try reserve(type, rows: rows, columns: columns)
        let rowBytes = try type.rowBytes(columns: columns)
        let stride = rowStride ?? columns
        let blocks = columns / type.blockElements
        let scaleStride = type == .f32 ? 0 : 2 * blocks
        for r in 0..<rows {
            let row = storage! + r * rowBytes
            ActivationQuantization.quantizeRow(x + r * stride, columns: columns, as: type, into: row)
            if type == .f32 { continue }
            let scales = scaleStorage! + r * scaleStride
            for b in 0..<blocks {
                let block = row + b * type.blockBytes
                switch type {
                case .q8_0: (scales[2 * b], scales[2 * b + 1]) = (Half.load(block, 0), 0)
                case .q8_1: (scales[2 * b], scales[2 * b + 1]) = (Half.load(block, 0), Half.load(block, 2))
                default: (scales[2 * b], scales[2 * b + 1]) = (block.loadUnaligned(as: Float.self), 0)
                }
            }
        }
        self.scaleStride = scaleStride
        self.type = type
        self.rows = rows
        self.columns = columns
        self.rowBytes = rowBytes
    }

    /// The rows' block scales as F32 (d, s) pairs, `scaleStride` floats per row.
    public var scales: UnsafePointer<Float> {
        UnsafePointer(scaleStorage ?? UnsafeMutablePointer<Float>(bitPattern: 64)!)
    }

    /// The stored rows, `rowBytes` apart (valid until the next `quantize`/`reserve`).
    public var data: UnsafeRawPointer { UnsafeRawPointer(storage ?? UnsafeMutableRawPointer(bitPattern: 64)!) }
}
