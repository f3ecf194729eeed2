@testable import Decoder

/// Writes small GGUF images for tests: every metadata value type, tensors with chosen offsets.
struct GGUFTestWriter {
    indirect enum Value {
        case u8(UInt8), i8(Int8), u16(UInt16), i16(Int16), u32(UInt32), i32(Int32)
        case u64(UInt64), i64(Int64), f32(Float), f64(Double), bool(Bool), string(String)
        case array(GGUFValueType, [Value])

        var type: GGUFValueType {
            switch self {
            case .u8: .uint8
            case .i8: .int8
            case .u16: .uint16
            case .i16: .int16
            case .u32: .uint32
            case .i32: .int32
            case .u64: .uint64
            case .i64: .int64
            case .f32: .float32
            case .f64: .float64
            case .bool: .bool
            case .string: .string
            case .array: .array
            }
        }
    }

    struct Tensor {
        var name: String
        var dims: [UInt64]
        var type: UInt32
        var offset: UInt64
    }

    var bytes: [UInt8] = []

    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func string(_ s: String) {
        u64(UInt64(s.utf8.count))
        bytes.append(contentsOf: s.utf8)
    }

    mutating func value(_ v: Value) {
        switch v {
        case .u8(let x): bytes.append(x)
        case .i8(let x): bytes.append(UInt8(bitPattern: x))
        case .u16(let x): withUnsafeBytes(of: x.littleEndian) { bytes.append(contentsOf: $0) }
        case .i16(let x): withUnsafeBytes(of: x.littleEndian) { bytes.append(contentsOf: $0) }
        case .u32(let x): u32(x)
        case .i32(let x): u32(UInt32(bitPattern: x))
        case .u64(let x): u64(x)
        case .i64(let x): u64(UInt64(bitPattern: x))
        case .f32(let x): u32(x.bitPattern)
        case .f64(let x): u64(x.bitPattern)
        case .bool(let x): bytes.append(x ? 1 : 0)
        case .string(let s): string(s)
        case .array(let t, let items):
            u32(t.rawValue)
            u64(UInt64(items.count))
            for item in items { value(item) }
        }
    }

    /// A complete file. Tensor data is filled with the byte pattern `i & 0xFF` after the aligned header.
    static func file(version: UInt32 = 3, metadata: [(String, Value)], tensors: [Tensor] = [],
                     alignment: Int = 32, dataBytes: Int = 0) -> [UInt8] {
        var w = GGUFTestWriter()
        w.bytes.append(contentsOf: Array("GGUF".utf8))
        w.u32(version)
        w.u64(UInt64(tensors.count))
        w.u64(UInt64(metadata.count))
        for (key, v) in metadata {
            w.string(key)
            w.u32(v.type.rawValue)
            w.value(v)
        }
        for t in tensors {
            w.string(t.name)
            w.u32(UInt32(t.dims.count))
            for d in t.dims { w.u64(d) }
            w.u32(t.type)
            w.u64(t.offset)
        }
        while w.bytes.count % alignment != 0 { w.bytes.append(0) }
        for i in 0..<dataBytes { w.bytes.append(UInt8(i & 0xFF)) }
        return w.bytes
    }

    /// The standard small file of the tests: every value type, nested arrays, two tensors.
    static func sample() -> [UInt8] {
        file(metadata: [
            ("general.architecture", .string("llama")),
            ("general.alignment", .u32(64)),
            ("t.u8", .u8(200)), ("t.i8", .i8(-5)), ("t.u16", .u16(65000)), ("t.i16", .i16(-30000)),
            ("t.u32", .u32(4_000_000_000)), ("t.i32", .i32(-2_000_000_000)),
            ("t.u64", .u64(18_000_000_000_000_000_000)), ("t.i64", .i64(-9_000_000_000_000_000_000)),
            ("t.f32", .f32(1.5)), ("t.f64", .f64(-2.25)), ("t.bool", .bool(true)),
            ("t.string", .string("héllo ▁wörld")),
            ("t.ints", .array(.int32, [.i32(1), .i32(-2), .i32(3)])),
            ("t.strings", .array(.string, [.string("a"), .string(""), .string("Ġthe")])),
            ("t.nested", .array(.array, [.array(.uint16, [.u16(1), .u16(2)]), .array(.string, [.string("x")])])),
            ("t.empty", .array(.float32, [])),
            ("t.floats", .array(.float32, [.f32(0.5), .f32(-1)])),
        ], tensors: [
            Tensor(name: "a.weight", dims: [4, 2], type: 0, offset: 0),        // F32, 32 bytes
            Tensor(name: "b.weight", dims: [32, 2], type: 8, offset: 64),      // Q8_0, 68 bytes
        ], alignment: 64, dataBytes: 64 + 68)
    }
}
