#if KERNELS_AVX2
import _Builtin_intrinsics.intel
#endif

/// The inner kernel of every matrix product: dot products of one weight row (`blocks` blocks of
/// the weight format) with `n` activation rows (1...4, each `activationStride` bytes apart, in the
/// paired activation format), written to `out[j * outStride]`.
///
/// Several activation rows per call let a batch reuse each decoded weight block (the nibble
/// unpacking and scale decoding) up to four times while it sits in registers.
typealias RowDot = (
    _ weights: UnsafeRawPointer, _ activations: UnsafeRawPointer, _ activationStride: Int, _ n: Int,
    _ blocks: Int, _ out: UnsafeMutablePointer<Float>, _ outStride: Int
) -> Void

/// A whole product over a range of weight rows: `y[i · outStride + r] = W[r] · x_i` for r in
/// `rows`, i in 0..<n. One call per worker, so the per-row dispatch costs nothing. `scales` are the
/// inputs' block scales as F32 pairs (`QuantizedActivations.scales`), `scaleStride` floats per input.
typealias MatrixKernel = (
    _ weights: UnsafeRawPointer, _ rowBytes: Int, _ rows: Range<Int>, _ activations: UnsafeRawPointer,
    _ activationStride: Int, _ scales: UnsafePointer<Float>, _ scaleStride: Int, _ n: Int, _ blocks: Int,
    _ y: UnsafeMutablePointer<Float>, _ outStride: Int
) -> Void

/// Which implementation of the row kernels to use.
public enum KernelPath: Sendable, CaseIterable, CustomStringConvertible {
    /// Plain Swift integer loops: compiled everywhere, and the bit-exact model of the SIMD paths.
    case portable
    /// AVX2 + FMA + F16C (x86_64 builds with `KERNELS_AVX2`, see Package.swift).
    case avx2

    /// The fastest path compiled into this build.
    public static var best: KernelPath {
        #if KERNELS_AVX2
        .avx2
        #else
        .portable
        #endif
    }

    /// Paths compiled into this build.
    public static var available: [KernelPath] {
        #if KERNELS_AVX2
        [.portable, .avx2]
        #else
        [.portable]
        #endif
    }

    public var description: String { self == .avx2 ? "avx2" : "portable" }

    func matrixKernel(_ type: TensorType) -> MatrixKernel {
        switch self {
        case .portable:
            let rowDot = portableRowDot(type)
            return { w, rowBytes, rows, a, stride, _, _, n, blocks, y, outStride in
                for r in rows {
                    var j = 0
                    while j < n {
                        let count = min(4, n - j)
                        rowDot(w + r * rowBytes, a + j * stride, stride, count, blocks, y + j * outStride + r, outStride)
                        j += count
                    }
                }
            }
        case .avx2:
            #if KERNELS_AVX2
            switch type {
            case .f32: return AVX2Dot.f32
            case .f16: return AVX2Dot.f16
            case .q4_0: return AVX2Dot.q4_0
            case .q4_1: return AVX2Dot.q4_1
            case .q8_0: return AVX2Dot.q8_0
            case .q4_K: return AVX2Dot.q4_K
            case .q6_K: return AVX2Dot.q6_K
            case .q8_1, .q8_K: preconditionFailure("\(type) is an activation format")
            }
            #else
            preconditionFailure("AVX2 kernels are not compiled into this build")
            #endif
        }
    }

    private func portableRowDot(_ type: TensorType) -> RowDot {
            switch type {
            case .f32: return PortableDot.f32
            case .f16: return PortableDot.f16
            case .q4_0: return PortableDot.q4_0
            case .q4_1: return PortableDot.q4_1
            case .q8_0: return PortableDot.q8_0
            case .q4_K: return PortableDot.q4_K
            case .q6_K: return PortableDot.q6_K
            case .q8_1, .q8_K: preconditionFailure("\(type) is an activation format")
            }
    }
}
