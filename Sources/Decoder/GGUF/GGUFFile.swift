/// A parsed GGUF file (format versions 2 and 3, little-endian): metadata, tensor infos and the
/// memory-mapped tensor data.
///
/// Opening a file maps it and checks the header completely: every count and length against the
/// bytes left, every tensor against the file's end, its alignment and the other tensors. Anything
/// wrong is a `GGUFError` naming the field and its byte offset; nothing is allocated from a count
/// before that count is checked. Tensor data is never read, only mapped.
///
/// ```swift
/// let gguf = try GGUFFile(contentsOf: ".cache/models/SmolLM2-135M-Instruct.Q4_1.gguf")
/// gguf.metadata["general.architecture"]?.string   // "llama"
/// let q = gguf.tensor(named: "blk.0.attn_q.weight")!
/// let bytes = gguf.data(of: q)                      // q.byteCount bytes, no copy
/// ```
public final class GGUFFile: Sendable {
    /// Format version (2 or 3).
    public let version: UInt32
    /// Metadata by key.
    public let metadata: [String: GGUFValue]
    /// Metadata keys in file order.
    public let metadataKeys: [String]
    /// Tensor infos in file order.
    public let tensors: [GGUFTensorInfo]
    /// Alignment of tensor data (`general.alignment`, default 32).
    public let alignment: Int
    /// File offset where the tensor data section starts.
    public let dataOffset: Int
    /// Size of the file in bytes.
    public var fileSize: Int { storage.count }

    let storage: GGUFStorage
    private let tensorIndex: [String: Int]

    /// The nesting limit of arrays of arrays: real files use none; hostile ones could recurse deeply.
    public static let maxArrayDepth = 8
    /// ggml's GGML_MAX_DIMS.
    public static let maxDimensions = 4
    static let defaultAlignment = 32

    /// Maps and parses the file at `path`.
    public convenience init(contentsOf path: String) throws {
        try self.init(storage: GGUFStorage(mapping: path))
    }

    /// Parses a GGUF image held in memory (copied), e.g. one written by a test.
    public convenience init(bytes: some Collection<UInt8>) throws {
        try self.init(storage: GGUFStorage(copying: bytes))
    }

    init(storage: GGUFStorage) throws {
        self.storage = storage
        var c = GGUFCursor(bytes: storage.bytes, offset: 0)

        try c.need(4, "the magic number")
        let magic = storage.bytes.loadUnaligned(fromByteOffset: 0, as: UInt32.self)
        guard magic == UInt32(littleEndian: 0x4655_4747) else {  // "GGUF"
            let shown = (0..<4).map { String(hexByte: storage.bytes[$0]) }.joined(separator: " ")
            throw GGUFError(offset: 0, "not a GGUF file: magic bytes are \(shown), expected 47 47 55 46 (\"GGUF\")")
        }
        c.offset = 4
        let version = try c.read(UInt32.self, "the version")
        guard version == 2 || version == 3 else {
            if version.byteSwapped == 2 || version.byteSwapped == 3 {
                throw GGUFError(offset: 4, "big-endian GGUF (version \(version.byteSwapped)) is not supported")
            }
            throw GGUFError(offset: 4, "unsupported GGUF version \(version) (supported: 2, 3)")
        }
        self.version = version

        // Lower bounds on the size of one entry, so a count can be checked before any allocation.
        let minTensorInfo = 8 + 1 + 4 + 8 + 4 + 8  // name length, 1-byte name, n_dims, 1 dim, type, offset
        let minKV = 8 + 1 + 4 + 1                  // key length, 1-byte key, type, 1-byte value
        let tensorCount = try c.readCount("tensor count", minItemSize: minTensorInfo)
        let kvCount = try c.readCount("metadata count", minItemSize: minKV)

        var metadata: [String: GGUFValue] = [:]
        var keys: [String] = []
        metadata.reserveCapacity(kvCount)
        keys.reserveCapacity(kvCount)
        for i in 0..<kvCount {
            let keyStart = c.offset
            let key = try c.readString("key of metadata entry \(i)")
            guard !key.isEmpty else { throw GGUFError(offset: keyStart, "metadata entry \(i) has an empty key") }
            guard metadata[key] == nil else { throw GGUFError(offset: keyStart, "duplicate metadata key \"\(key)\"") }
            let type = try Self.readType(&c, "type of \"\(key)\"")
            metadata[key] = try Self.readValue(type, &c, storage: storage, depth: 0, what: "\"\(key)\"")
            keys.append(key)
        }

        var alignment = Self.defaultAlignment
        if let a = metadata["general.alignment"] {
            guard case .uint32(let v) = a else {
                throw GGUFError(offset: 0, "general.alignment must be a uint32, found \(a)")
            }
            guard v > 0, v & (v - 1) == 0 else {
                throw GGUFError(offset: 0, "general.alignment \(v) is not a power of two")
            }
            alignment = Int(v)
        }

        var tensors: [GGUFTensorInfo] = []
        var relativeOffsets: [(offset: Int, infoOffset: Int)] = []
        var tensorIndex: [String: Int] = [:]
        tensors.reserveCapacity(tensorCount)
        tensorIndex.reserveCapacity(tensorCount)
        for i in 0..<tensorCount {
            let infoStart = c.offset
            let name = try c.readString("name of tensor \(i)")
            guard !name.isEmpty else { throw GGUFError(offset: infoStart, "tensor \(i) has an empty name") }
            guard tensorIndex[name] == nil else { throw GGUFError(offset: infoStart, "duplicate tensor name \"\(name)\"") }
            let dimsAt = c.offset
            let nDims = try c.read(UInt32.self, "dimension count of \(name)")
            guard (1...UInt32(Self.maxDimensions)).contains(nDims) else {
                throw GGUFError(offset: dimsAt, "tensor \(name) has \(nDims) dimensions (1 to \(Self.maxDimensions) allowed)")
            }
            var dims: [Int] = []
            var elements = 1
            for d in 0..<Int(nDims) {
                let at = c.offset
                let n = try c.read(UInt64.self, "dimension \(d) of \(name)")
                guard n <= UInt64(Int64.max) else {
                    throw GGUFError(offset: at, "dimension \(d) of tensor \(name) is \(n), beyond int64")
                }
                let (product, overflow) = elements.multipliedReportingOverflow(by: Int(n))
                guard !overflow else {
                    throw GGUFError(offset: at, "tensor \(name) has too many elements (dimensions overflow int64)")
                }
                elements = product
                dims.append(Int(n))
            }
            let typeAt = c.offset
            let typeID = try c.read(UInt32.self, "type of \(name)")
            guard let type = GGMLType(id: typeID) else {
                throw GGUFError(offset: typeAt, "tensor \(name) has unknown ggml type \(typeID)")
            }
            guard dims[0] % type.blockSize == 0 else {
                throw GGUFError(offset: dimsAt, "tensor \(name): first dimension \(dims[0]) is not a multiple of the \(type.name) block size \(type.blockSize)")
            }
            guard let size = type.byteCount(elements: elements) else {
                throw GGUFError(offset: dimsAt, "tensor \(name): byte size overflows")
            }
            let offsetAt = c.offset
            let rel = try c.read(UInt64.self, "data offset of \(name)")
            guard rel <= UInt64(Int.max) else {
                throw GGUFError(offset: offsetAt, "tensor \(name) data offset \(rel) is past the end of the file")
            }
            guard Int(rel) % alignment == 0 else {
                throw GGUFError(offset: offsetAt, "tensor \(name) data offset \(rel) is not a multiple of the alignment \(alignment)")
            }
            tensorIndex[name] = i
            relativeOffsets.append((Int(rel), offsetAt))
            tensors.append(GGUFTensorInfo(name: name, type: type, dimensions: dims, fileOffset: Int(rel), byteCount: size))
        }

        // The data section starts at the next multiple of the alignment after the header.
        let dataOffset = (c.offset + alignment - 1) / alignment * alignment
        self.dataOffset = dataOffset
        for i in tensors.indices {
            let t = tensors[i]
            let (start, o1) = dataOffset.addingReportingOverflow(t.fileOffset)
            let (end, o2) = start.addingReportingOverflow(t.byteCount)
            guard !o1, !o2, end <= storage.count else {
                throw GGUFError(offset: relativeOffsets[i].infoOffset,
                                "tensor \(t.name) (\(t.byteCount) bytes at data offset \(t.fileOffset)) extends past the end of the file (\(storage.count) bytes)")
            }
            tensors[i] = GGUFTensorInfo(name: t.name, type: t.type, dimensions: t.dimensions, fileOffset: start, byteCount: t.byteCount)
        }
        // No two tensors may share bytes: sort by start and compare neighbours.
        let order = tensors.indices.sorted { tensors[$0].fileOffset < tensors[$1].fileOffset }
        for (a, b) in zip(order, order.dropFirst()) where tensors[a].fileOffset + tensors[a].byteCount > tensors[b].fileOffset {
            throw GGUFError(offset: relativeOffsets[b].infoOffset,
                            "tensor \(tensors[b].name) overlaps tensor \(tensors[a].name)")
        }

        self.metadata = metadata
        self.metadataKeys = keys
        self.alignment = alignment
        self.tensors = tensors
        self.tensorIndex = tensorIndex
    }

    /// The tensor called `name`, if any.
    public func tensor(named name: String) -> GGUFTensorInfo? {
        tensorIndex[name].map { tensors[$0] }
    }

    /// The tensor's bytes inside the mapping (valid while this `GGUFFile` is alive).
    public func data(of tensor: GGUFTensorInfo) -> UnsafeRawBufferPointer {
        precondition(tensor.fileOffset >= dataOffset && tensor.fileOffset + tensor.byteCount <= storage.count,
                     "tensor \(tensor.name) is not from this file")
        return UnsafeRawBufferPointer(rebasing: storage.bytes[tensor.fileOffset..<(tensor.fileOffset + tensor.byteCount)])
    }

    /// The whole file as bytes (valid while this `GGUFFile` is alive).
    public var bytes: UnsafeRawBufferPointer { storage.bytes }

    // MARK: - Values

    static func readType(_ c: inout GGUFCursor, _ what: String) throws -> GGUFValueType {
        let at = c.offset
        let raw = try c.read(UInt32.self, what)
        guard let type = GGUFValueType(rawValue: raw) else {
            throw GGUFError(offset: at, "unknown metadata value type \(raw) (\(what))")
        }
        return type
    }

    static func readValue(
        _ type: GGUFValueType, _ c: inout GGUFCursor, storage: GGUFStorage, depth: Int, what: String = "array element"
    ) throws -> GGUFValue {
        switch type {
        case .uint8: return .uint8(try c.read(UInt8.self, what))
        case .int8: return .int8(try c.read(Int8.self, what))
        case .uint16: return .uint16(try c.read(UInt16.self, what))
        case .int16: return .int16(try c.read(Int16.self, what))
        case .uint32: return .uint32(try c.read(UInt32.self, what))
        case .int32: return .int32(try c.read(Int32.self, what))
        case .uint64: return .uint64(try c.read(UInt64.self, what))
        case .int64: return .int64(try c.read(Int64.self, what))
        case .float32: return .float32(Float(bitPattern: try c.read(UInt32.self, what)))
        case .float64: return .float64(Double(bitPattern: try c.read(UInt64.self, what)))
        case .bool:
            let at = c.offset
            let b = try c.read(UInt8.self, what)
            guard b <= 1 else { throw GGUFError(offset: at, "\(what): bool value \(b) is neither 0 nor 1") }
            return .bool(b == 1)
        case .string:
            let range = try c.readStringRange(what)
            let slice = UnsafeRawBufferPointer(rebasing: c.bytes[range]).bindMemory(to: UInt8.self)
            return .string(String(decoding: slice, as: UTF8.self))
        case .array:
            let at = c.offset
            guard depth < maxArrayDepth else {
                throw GGUFError(offset: at, "\(what): arrays nested deeper than \(maxArrayDepth)")
            }
            let elementType = try readType(&c, "element type of \(what)")
            let minSize = elementType.fixedSize ?? (elementType == .string ? 8 : 12)
            let count = try c.readCount("element count of \(what)", minItemSize: minSize)
            let start = c.offset
            if let size = elementType.fixedSize {
                c.offset += count * size  // checked by readCount's limit
                if elementType == .bool {
                    for i in 0..<count where c.bytes[start + i] > 1 {
                        throw GGUFError(offset: start + i, "\(what): bool value \(c.bytes[start + i]) is neither 0 nor 1")
                    }
                }
            } else if elementType == .string {
                for _ in 0..<count { _ = try c.readStringRange(what) }
            } else {
                // Each element of an array of arrays is (element type, count, elements), like an array value.
                for _ in 0..<count {
                    _ = try readValue(.array, &c, storage: storage, depth: depth + 1, what: what)
                }
            }
            return .array(GGUFArray(elementType: elementType, count: count, offset: start,
                                    byteCount: c.offset - start, storage: storage))
        }
    }
}

extension String {
    /// Two hex digits.
    init(hexByte byte: UInt8) {
        let digits = Array("0123456789abcdef")
        self = String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
    }
}
