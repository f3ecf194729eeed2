#if KERNELS_AVX2
import _Builtin_intrinsics.intel
#endif

/// llama.cpp's CPU arithmetic (ggml, AVX-512 build, as llama-cpp-python 0.3.36 compiles it on this
/// project's machines) reproduced operation for operation, so that our logits agree with its to the
/// bit where the same inputs meet the same operations: its `expf` approximation, the order in which
/// its 16-lane vectors are summed, and where its compiler fuses a multiply and an add.
///
/// Why: the runtime quantizes activations to 8 bits before every matrix product, as llama.cpp
/// does. A last-bit difference upstream moves a value across a rounding boundary of that
/// quantization, and the jump (amax/127) grows through 30 layers into logit differences of tenths
/// (measured: docs/runtime.md). Matching the float operations removes those jumps.
///
/// ```swift
/// LlamaCppArithmetic.softmax(scores, count: n)          // ggml_vec_soft_max_f32 + scale
/// LlamaCppArithmetic.swiGLU(gate: g, up: u, into: g, count: 1536)
/// ```
public enum LlamaCppArithmetic {
    /// `ggml_v_expf` (ggml-cpu/vec.h, AVX-512 variant), lane by lane: e^x = 2^n · p(b) with
    /// n = round(x·log2 e) by the 1.5·2^23 trick, b = x − n·ln2 in two FMA steps, and a degree-5
    /// polynomial; |n| > 192 gives 0 or +inf.
    @inline(__always)
    public static func exp(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let r = SIMD8<Float>(repeating: 0x1.8p23)
        let z = fma(x, SIMD8(repeating: 0x1.715476p+0), r)
        let n = z - r
        let b = fma(-n, SIMD8(repeating: 0x1.7f7d1cp-20), fma(-n, SIMD8(repeating: 0x1.62e4p-1), x))
        let u = b * b
        let j = fma(
            fma(fma(SIMD8(repeating: 0x1.0e4020p-7), b, SIMD8(repeating: 0x1.573e2ep-5)), u,
                fma(SIMD8(repeating: 0x1.555e66p-3), b, SIMD8(repeating: 0x1.fffdb6p-2))),
            u,
            fma(SIMD8(repeating: 0x1.ffffecp-1), b, SIMD8(repeating: 1)))
        // vscalefps: j · 2^n with one rounding. The usual case, every n in the normal exponent
        // range: 2^n built in the exponent bits, one multiplication.
        let normal = (n .>= SIMD8(repeating: -126)) .& (n .<= SIMD8(repeating: 127))
        if all(normal) {
            return j * unsafeBitCast((integers(n) &+ 127) &<< 23, to: SIMD8<Float>.self)
        }
        // Otherwise lane by lane: n an integer in [−192, 192] takes two exact power-of-two
        // factors (the second rounds only in the subnormal range); |n| > 192 gives 0 or +inf.
        var result = SIMD8<Float>()
        for i in 0..<8 {
            let e = n[i]
            if !(abs(e) <= 192) {
                result[i] = e <= 0 ? 0 : .infinity   // also NaN n (x = ±inf): ggml's blend
                continue
            }
            let k = Int32(e), half = k / 2
            result[i] = j[i] * Float(bitPattern: UInt32(half + 127) << 23) * Float(bitPattern: UInt32(k - half + 127) << 23)
        }
        return result
    }

    /// `_mm512_reduce_add_ps` as GCC expands it, over lanes 0–7 (`low`) and 8–15 (`high`):
    /// halves, then quarters, then the pairs (0,2), (1,3), then the two.
    @inline(__always)
    public static func reduce16(_ low: SIMD8<Float>, _ high: SIMD8<Float>) -> Float {
        let t3 = high + low
        let t6 = t3.highHalf + t3.lowHalf
        return (t6[0] + t6[2]) + (t6[1] + t6[3])
    }

    /// Softmax in place as llama.cpp's `soft_max` op computes it: the maximum, e^(x−max) by
    /// `ggml_v_expf` with the sum of each 16 values (`reduce16`) accumulated in Double, then every
    /// value times `Float(1/sum)`. Entries of −inf become 0.
    public static func softmax(_ x: UnsafeMutablePointer<Float>, count: Int) {
        guard count > 0 else { return }
        let maximum = Selection.maximum(x, count: count)
        guard maximum > -.infinity else {
            x.update(repeating: 0, count: count)
            return
        }
        let m = SIMD8<Float>(repeating: maximum)
        var sum: Double = 0
        var i = 0
        while i < count {
            // A short last group: ggml's row is padded with −inf (masked) cells, which add 0.
            let low = exp(load(x, i, count) - m), high = exp(load(x, i + 8, count) - m)
            store(low, x, i, count)
            store(high, x, i + 8, count)
            sum += Double(reduce16(low, high))
            i += 16
        }
        let scale = Float(1 / sum)
        for t in 0..<count { x[t] *= scale }
    }

    /// `out[i] = silu(gate[i]) · up[i]` as `ggml_vec_swiglu_f32`: x / (1 + e^(0 − x)) with
    /// `ggml_v_expf`, times up.
    public static func swiGLU(gate: UnsafePointer<Float>, up: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i < count {
            let g = load(gate, i, count)
            let s = g / (1 + exp(SIMD8<Float>() - g)) * load(up, i, count)
            store(s, out, i, count)
            i += 8
        }
    }

    /// The lanes of `x`, integers already, as Int32 (`vcvtps2dq`; Swift's generic conversion
    /// checks every lane and was 7 % of a generated token).
    @inline(__always)
    static func integers(_ x: SIMD8<Float>) -> SIMD8<Int32> {
        #if KERNELS_AVX2
        return unsafeBitCast(_mm256_cvtps_epi32(x), to: SIMD8<Int32>.self)
        #else
        return SIMD8<Int32>(x, rounding: .towardZero)
        #endif
    }

    /// Each lane rounded to the nearest F16 value (ties to even, as ggml's F32→F16 conversion),
    /// kept as F32, in integer arithmetic: Swift's `Float16(_:)` is a software call per value,
    /// and `vcvtps2ph` (an immediate-operand macro) cannot be imported. F16 normals keep 11
    /// significant bits; below 2^−14 the step is 2^−24; beyond 65504 the value becomes ±inf.
    @inline(__always)
    public static func roundedToHalf(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let bits = unsafeBitCast(x, to: SIMD8<UInt32>.self)
        let rounded = (bits &+ 0x0FFF &+ ((bits &>> 13) & 1)) & ~0x1FFF
        var result = unsafeBitCast(rounded, to: SIMD8<Float>.self)
        let magnitude = bits & 0x7FFF_FFFF
        let tiny = magnitude .< 0x3880_0000           // 2^−14
        if any(tiny) {
            let big = SIMD8<Float>(repeating: 0x1.8p23)
            let step = unsafeBitCast(((x * 0x1p24 + big) - big) * 0x1p-24, to: SIMD8<UInt32>.self)
            result.replace(with: unsafeBitCast(step | (bits & 0x8000_0000), to: SIMD8<Float>.self), where: tiny)  // −0 stays −0
        }
        let huge = (magnitude .>= 0x477F_F000) .& (magnitude .<= 0x7F80_0000)   // 65520 ... inf
        if any(huge) {
            result.replace(with: unsafeBitCast((bits & 0x8000_0000) | 0x7F80_0000, to: SIMD8<Float>.self), where: huge)
        }
        return result
    }

    /// `a · b + c` with one rounding.
    @inline(__always)
    static func fma(_ a: SIMD8<Float>, _ b: SIMD8<Float>, _ c: SIMD8<Float>) -> SIMD8<Float> {
        #if KERNELS_AVX2
        return _mm256_fmadd_ps(a, b, c)
        #else
        return c.addingProduct(a, b)
        #endif
    }

    /// Eight floats from `p + i`, −inf past `count` (masked cells).
    @inline(__always)
    static func load(_ p: UnsafePointer<Float>, _ i: Int, _ count: Int) -> SIMD8<Float> {
        if i + 8 <= count { return UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self) }
        var v = SIMD8<Float>(repeating: -.infinity)
        for k in 0..<8 where i + k < count { v[k] = p[i + k] }
        return v
    }

    @inline(__always)
    static func load(_ p: UnsafeMutablePointer<Float>, _ i: Int, _ count: Int) -> SIMD8<Float> {
        load(UnsafePointer(p), i, count)
    }

    @inline(__always)
    static func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>, _ i: Int, _ count: Int) {
        if i + 8 <= count { return UnsafeMutableRawPointer(p + i).storeBytes(of: v, as: SIMD8<Float>.self) }
        for k in 0..<8 where i + k < count { p[i + k] = v[k] }
    }
}
