/// A borrowed view of a row-major weight matrix in one of the GGUF formats: `rows` rows of
/// `columns` values, each row `rowBytes` bytes, rows back to back (the layout of a GGUF tensor
/// whose first dimension is `columns`). The memory (e.g. a memory-mapped GGUF file) must outlive
/// the view; nothing is copied.
///
/// ```swift
/// let wq = try WeightMatrix(type: .q4_1, data: tensorPointer, rows: 576, columns: 576)
/// ```
public struct WeightMatrix: @unchecked Sendable {
    public let type: TensorType
    public let data: UnsafeRawPointer
    public let rows: Int
    public let columns: Int
    /// Bytes per row.
    public let rowBytes: Int

    /// - Throws: if `type` is an activation-only format, `rows` is not positive, or `columns` is
    ///   not a positive multiple of the block size.
    public init(type: TensorType, data: UnsafeRawPointer, rows: Int, columns: Int) throws(KernelError) {
        guard type.isWeightType else { throw .unsupportedType(type, role: "weights") }
        guard rows > 0 else { throw .shapeMismatch("weight matrix needs rows > 0, got \(rows)") }
        let rowBytes = try type.rowBytes(columns: columns)
        guard !rowBytes.multipliedReportingOverflow(by: rows).overflow else {
            throw .sizeOverflow("\(rows) rows of \(rowBytes) bytes")
        }
        self.type = type
        self.data = data
        self.rows = rows
        self.columns = columns
        self.rowBytes = rowBytes
    }

    /// Total bytes of the matrix.
    public var byteCount: Int { rows * rowBytes }

    /// Row `r` as floats (reference dequantization; for tests, embeddings lookups and debugging).
    public func dequantizeRow(_ r: Int, into destination: UnsafeMutablePointer<Float>) {
        precondition(r >= 0 && r < rows, "row \(r) out of 0..<\(rows)")
        try! ReferenceDequantization.row(type, from: data + r * rowBytes, columns: columns, into: destination)
    }
}
