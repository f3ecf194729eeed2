/// The type tag of a GGUF metadata value (`gguf_type` in gguf.h).
public enum GGUFValueType: UInt32, Sendable, CaseIterable {
    case uint8 = 0, int8 = 1, uint16 = 2, int16 = 3, uint32 = 4, int32 = 5, float32 = 6, bool = 7
    case string = 8, array = 9, uint64 = 10, int64 = 11, float64 = 12

    /// Bytes of one value of this type, or nil for strings and arrays (variable size).
    public var fixedSize: Int? {
        switch self {
        case .uint8, .int8, .bool: 1
        case .uint16, .int16: 2
        case .uint32, .int32, .float32: 4
        case .uint64, .int64, .float64: 8
        case .string, .array: nil
        }
    }
}

/// One metadata value of a GGUF file.
///
/// ```swift
/// let gguf = try GGUFFile(contentsOf: "model.gguf")
/// if case .string(let arch)? = gguf.metadata["general.architecture"] { print(arch) }
/// gguf.metadata["llama.block_count"]?.integer   // 30
/// ```
public enum GGUFValue: Sendable, CustomStringConvertible {
    case uint8(UInt8), int8(Int8), uint16(UInt16), int16(Int16), uint32(UInt32), int32(Int32)
    case uint64(UInt64), int64(Int64), float32(Float), float64(Double), bool(Bool)
    case string(String)
    case array(GGUFArray)

    /// The value as an integer if it is one of the integer types and fits in `Int`.
    public var integer: Int? {
        switch self {
        case .uint8(let v): Int(v)
        case .int8(let v): Int(v)
        case .uint16(let v): Int(v)
        case .int16(let v): Int(v)
        case .uint32(let v): Int(v)
        case .int32(let v): Int(v)
        case .uint64(let v): Int(exactly: v)
        case .int64(let v): Int(exactly: v)
        default: nil
        }
    }

    /// The value as a floating-point number if it is a float or an integer.
    public var double: Double? {
        switch self {
        case .float32(let v): Double(v)
        case .float64(let v): v
        default: integer.map(Double.init)
        }
    }

    public var bool: Bool? { if case .bool(let v) = self { v } else { nil } }
    public var string: String? { if case .string(let v) = self { v } else { nil } }
    public var array: GGUFArray? { if case .array(let v) = self { v } else { nil } }

    public var description: String {
        switch self {
        case .uint8(let v): "\(v)"
        case .int8(let v): "\(v)"
        case .uint16(let v): "\(v)"
        case .int16(let v): "\(v)"
        case .uint32(let v): "\(v)"
        case .int32(let v): "\(v)"
        case .uint64(let v): "\(v)"
        case .int64(let v): "\(v)"
        case .float32(let v): "\(v)"
        case .float64(let v): "\(v)"
        case .bool(let v): "\(v)"
        case .string(let v): String(reflecting: v)
        case .array(let a): "[\(a.elementType) × \(a.count)]"
        }
    }
}

/// A metadata array, left in the mapped file and decoded on demand (token lists have 10⁵ strings).
///
/// The reader has already walked and bounds-checked every element, so access cannot fail.
/// ```swift
/// let tokens = gguf.metadata["tokenizer.ggml.tokens"]!.array!
/// tokens.forEachStringBytes { index, bytes in … }   // no String per element
/// ```
public struct GGUFArray: Sendable {
    /// Type of the elements (`.array` for nested arrays).
    public let elementType: GGUFValueType
    /// Number of elements.
    public let count: Int
    /// File offset of the first element.
    public let offset: Int
    /// Bytes taken by all elements.
    public let byteCount: Int
    let storage: GGUFStorage

    /// Calls `body` with the raw bytes of each element of a string array, in order.
    public func forEachStringBytes(_ body: (Int, UnsafeRawBufferPointer) throws -> Void) rethrows {
        precondition(elementType == .string, "forEachStringBytes on an array of \(elementType)")
        let bytes = storage.bytes
        var at = offset
        for i in 0..<count {
            let n = Int(UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self)))
            at += 8
            try body(i, UnsafeRawBufferPointer(rebasing: bytes[at..<(at + n)]))
            at += n
        }
    }

    /// The elements of a string array (invalid UTF-8 repaired with U+FFFD), or nil for other arrays.
    public var strings: [String]? {
        guard elementType == .string else { return nil }
        var out: [String] = []
        out.reserveCapacity(count)
        forEachStringBytes { _, b in out.append(String(decoding: b.bindMemory(to: UInt8.self), as: UTF8.self)) }
        return out
    }

    /// The elements of an integer array as `Int`, or nil for other arrays (or a uint64 beyond `Int.max`).
    public var integers: [Int]? {
        guard let size = elementType.fixedSize, elementType != .float32, elementType != .float64,
              elementType != .bool else { return nil }
        var out = [Int](repeating: 0, count: count)
        let bytes = storage.bytes
        for i in 0..<count {
            let at = offset + i * size
            switch elementType {
            case .uint8: out[i] = Int(bytes[at])
            case .int8: out[i] = Int(Int8(bitPattern: bytes[at]))
            case .uint16: out[i] = Int(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt16.self)))
            case .int16: out[i] = Int(Int16(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: Int16.self)))
            case .uint32: out[i] = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
            case .int32: out[i] = Int(Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: Int32.self)))
            case .int64: out[i] = Int(Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: Int64.self)))
            case .uint64:
                guard let v = Int(exactly: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self)))
                else { return nil }
                out[i] = v
            default: return nil
            }
        }
        return out
    }

    /// The elements of a float32/float64 array, or nil for other arrays.
    public var floats: [Float]? {
        let bytes = storage.bytes
        switch elementType {
        case .float32:
            return (0..<count).map { Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 4 * $0, as: UInt32.self))) }
        case .float64:
            return (0..<count).map { Float(Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 8 * $0, as: UInt64.self)))) }
        default:
            return nil
        }
    }

    /// Every element decoded as a `GGUFValue` (nested arrays stay lazy).
    public var values: [GGUFValue] {
        var cursor = GGUFCursor(bytes: storage.bytes, offset: offset)
        var out: [GGUFValue] = []
        out.reserveCapacity(count)
        for _ in 0..<count {
            // The reader validated this range when the file was opened.
            guard let v = try? GGUFFile.readValue(elementType, &cursor, storage: storage, depth: 1) else { break }
            out.append(v)
        }
        return out
    }
}
