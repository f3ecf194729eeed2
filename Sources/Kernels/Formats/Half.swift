/// IEEE 754 binary16 ↔ binary32 conversions of the stored bit patterns (the `ggml_half` fields).
///
/// ```swift
/// Half.toFloat(0x3C00)      // 1.0
/// Half.fromFloat(0.5)       // 0x3800
/// ```
public enum Half {
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
