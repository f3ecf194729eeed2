/// IEEE 754 binary16 ↔ binary32 conversions of the stored bit patterns (the `ggml_half` fields).
///
/// ```swift
/// Half.toFloat(0x3C00)      // 1.0
/// Half.fromFloat(0.5)       // 0x3800
/// ```
public enum Half {
    /// Converts `count` floats to binary16 at `destination` (e.g. appending to an F16 KV cache),
    /// eight at a time with F16C where available.
    public static func convert(_ source: UnsafePointer<Float>, count: Int, into destination: UnsafeMutableRawPointer) {
        var i = 0
        while i + 8 <= count {
            let v = UnsafeRawPointer(source + i).loadUnaligned(as: SIMD8<Float>.self)
            destination.storeBytes(of: SIMD8<Float16>(v), toByteOffset: 2 * i, as: SIMD8<Float16>.self)
            i += 8
        }
        while i < count {
            destination.storeBytes(of: fromFloat(source[i]), toByteOffset: 2 * i, as: UInt16.self)
            i += 1
        }
    }

    /// Converts `count` binary16 values at `source` to floats.
    public static func convert(_ source: UnsafeRawPointer, count: Int, into destination: UnsafeMutablePointer<Float>) {
        var i = 0
        while i + 8 <= count {
            let v = source.loadUnaligned(fromByteOffset: 2 * i, as: SIMD8<Float16>.self)
            UnsafeMutableRawPointer(destination + i).storeBytes(of: SIMD8<Float>(v), as: SIMD8<Float>.self)
            i += 8
        }
        while i < count { destination[i] = load(source, 2 * i); i += 1 }
    }

    /// The value of a binary16 bit pattern.
    @inlinable @inline(__always)
    public static func toFloat(_ bits: UInt16) -> Float { Float(Float16(bitPattern: bits)) }

    /// The nearest binary16 (round to nearest even, as F16C's `vcvtps2ph` with mode 0 and ggml's
    /// `GGML_FP32_TO_FP16`), as a bit pattern.
    @inlinable @inline(__always)
    public static func fromFloat(_ value: Float) -> UInt16 { Float16(value).bitPattern }

    /// Reads a binary16 at `offset` bytes from `base` (no alignment needed).
    @inlinable @inline(__always)
    public static func load(_ base: UnsafeRawPointer, _ offset: Int) -> Float {
        toFloat(base.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }
}
