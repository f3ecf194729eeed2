#if KERNELS_AVX2
import _Builtin_intrinsics.intel
#endif

/// Elementwise loops over float buffers: the glue between the matrix products of a transformer
/// layer (residual adds, SwiGLU, scaling) and the exponential that softmax and SiLU share.
///
/// ```swift
/// VectorMath.swiGLU(gate: g, up: u, into: h, count: 1536)   // h = silu(g) · u
/// VectorMath.add(x, residual, into: x, count: 576)
/// ```
/// All functions allow the output to alias an input.
public enum VectorMath {
    /// `out[i] = a[i] + b[i]`.
    public static func add(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i + 8 <= count {
            store(load(a + i) + load(b + i), out + i)
            i += 8
        }
        while i < count { out[i] = a[i] + b[i]; i += 1 }
    }

    /// `out[i] = a[i] · b[i]`.
    public static func multiply(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i + 8 <= count {
            store(load(a + i) * load(b + i), out + i)
            i += 8
        }
        while i < count { out[i] = a[i] * b[i]; i += 1 }
    }

    /// `x[i] *= factor`.
    public static func scale(_ x: UnsafeMutablePointer<Float>, by factor: Float, count: Int) {
        var i = 0
        while i + 8 <= count {
            store(load(x + i) * factor, x + i)
            i += 8
        }
        while i < count { x[i] *= factor; i += 1 }
    }

    /// `out[i] = x[i] / (1 + exp(−x[i]))` (SiLU, a.k.a. swish).
    public static func silu(_ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i + 8 <= count {
            let v = load(x + i)
            store(v / (1 + exp(-v)), out + i)
            i += 8
        }
        while i < count { out[i] = x[i] / (1 + exp(SIMD8(repeating: -x[i]))[0]); i += 1 }
    }

    /// `out[i] = silu(gate[i]) · up[i]`: the SwiGLU of a llama feed-forward block.
    public static func swiGLU(gate: UnsafePointer<Float>, up: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i + 8 <= count {
            let g = load(gate + i)
            store(g / (1 + exp(-g)) * load(up + i), out + i)
            i += 8
        }
        while i < count {
            let g = gate[i]
            out[i] = g / (1 + exp(SIMD8(repeating: -g))[0]) * up[i]
            i += 1
        }
    }

    /// Σ a[i]·b[i] in F32 with eight-lane partial sums.
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>()
        var i = 0
        while i + 16 <= count {
            acc0 += load(a + i) * load(b + i)
            acc1 += load(a + i + 8) * load(b + i + 8)
            i += 16
        }
        var sum = (acc0 + acc1).sum()
        while i < count { sum += a[i] * b[i]; i += 1 }
        return sum
    }

    /// e^x for eight lanes, relative error below 2 ulp over the float range: x = n·ln2 + r with
    /// |r| ≤ ln2/2 (ln2 split in two parts for an exact reduction), a degree-6 polynomial for
    /// e^r (Cephes `expf` coefficients), and 2^n built in the exponent bits (in two factors so
    /// that n = 128 and the subnormal range stay exact). Below −103 the result is 0, above 88.72
    /// it is +inf, NaN stays NaN.
    @inlinable @inline(__always)
    public static func exp(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let clamped = x.clamped(lowerBound: SIMD8(repeating: -104), upperBound: SIMD8(repeating: 89))
        let n = (clamped * 1.44269504088896341).rounded(.toNearestOrEven)
        var r = clamped - n * 0.693359375
        r = r - n * -2.12194440e-4
        var p = SIMD8<Float>(repeating: 1.9875691500e-4)
        p = p * r + 1.3981999507e-3
        p = p * r + 8.3334519073e-3
        p = p * r + 4.1665795894e-2
        p = p * r + 1.6666665459e-1
        p = p * r + 5.0000001201e-1
        p = p * r * r + r + 1
        // 2^n = 2^(n/2) · 2^(n − n/2): each half stays within the normal exponent range.
        let ni = SIMD8<Int32>(n)
        let half = ni &>> 1
        let scale1 = unsafeBitCast((half &+ 127) &<< 23, to: SIMD8<Float>.self)
        let scale2 = unsafeBitCast((ni &- half &+ 127) &<< 23, to: SIMD8<Float>.self)
        var result = p * scale1 * scale2
        result.replace(with: SIMD8(repeating: 0), where: x .< -103.97)
        result.replace(with: SIMD8(repeating: .infinity), where: x .> 88.7228)
        result.replace(with: x, where: x .!= x)
        return result
    }

    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }
    @inline(__always) static func load(_ p: UnsafeMutablePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }
    @inline(__always) static func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
    }
}
