/// Where one tensor's data lies in a GGUF file and how to read it.
///
/// ```swift
/// let gguf = try GGUFFile(contentsOf: path)
/// let embd = gguf.tensor(named: "token_embd.weight")!
/// embd.type.name, embd.dimensions        // "Q8_0", [576, 49152]
/// let raw = gguf.data(of: embd)           // UnsafeRawBufferPointer into the mapping
/// ```
public struct GGUFTensorInfo: Sendable, Hashable {
    /// The tensor's name, e.g. "blk.0.attn_q.weight".
    public let name: String
    /// Element type (quantization format).
    public let type: GGMLType
    /// Sizes of the dimensions, innermost first (ggml's `ne`): a weight matrix is [columns, rows].
    public let dimensions: [Int]
    /// Offset of the data from the start of the file (already includes the data section's start).
    public let fileOffset: Int
    /// Bytes of the data.
    public let byteCount: Int

    /// Total number of elements.
    public var elementCount: Int { dimensions.reduce(1, *) }
    /// The ggml type id as stored in the file.
    public var typeID: UInt32 { type.id }
}
