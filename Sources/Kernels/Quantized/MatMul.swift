/// Matrix products `y = W·x` of a quantized or float weight matrix with one or more input rows,
/// split over the rows of `W` between the workers of a `KernelThreadPool`.
///
/// The inputs are first quantized to `W.type.activationType` (Q8_0 for Q4_0/Q8_0, Q8_1 for Q4_1,
/// Q8_K for Q4_K/Q6_K, unchanged F32 for F32/F16 weights) into a caller-owned
/// `QuantizedActivations`, so the products themselves are integer SIMD dot products and nothing
/// is allocated per call once the scratch is large enough.
///
/// Output row `i` (input row `i`'s product) is `y + i * outputStride`, `W.rows` floats.
///
/// ```swift
/// let pool = KernelThreadPool(threads: 2)
/// let scratch = QuantizedActivations()
/// try MatMul.multiply(w, input: x, rows: 1, into: y, scratch: scratch, pool: pool)
/// ```
public enum MatMul {
    /// Quantizes `rows` input rows (`x + i * inputStride`, `W.columns` floats each) into `scratch`
    /// and multiplies. `rows` = 1 is the matrix–vector product of generation; more rows (prompt
    /// processing, draft verification) reuse each weight block for up to four inputs.
    public static func multiply(
        _ w: WeightMatrix, input x: UnsafePointer<Float>, rows: Int, inputStride: Int? = nil,
        into y: UnsafeMutablePointer<Float>, outputStride: Int? = nil,
        scratch: QuantizedActivations, pool: KernelThreadPool? = nil, path: KernelPath = .best
    ) throws(KernelError) {
        try scratch.quantize(x, rows: rows, columns: w.columns, rowStride: inputStride, as: w.type.activationType)
        try multiply(w, scratch, into: y, outputStride: outputStride, pool: pool, path: path)
    }

    /// Multiplies by inputs already quantized into `activations` (to `W.type.activationType`, with
    /// `W.columns` columns): quantize once, multiply by every matrix that shares the input.
    public static func multiply(
        _ w: WeightMatrix, _ activations: QuantizedActivations,
        into y: UnsafeMutablePointer<Float>, outputStride: Int? = nil,
        pool: KernelThreadPool? = nil, path: KernelPath = .best
    ) throws(KernelError) {
        guard activations.type == w.type.activationType else {
            throw .shapeMismatch("\(w.type) weights need \(w.type.activationType) activations, got \(activations.type)")
        }
        guard activations.columns == w.columns else {
            throw .shapeMismatch("weights have \(w.columns) columns, activations \(activations.columns)")
        }
        let n = activations.rows
        guard n > 0 else { return }
        let outStride = outputStride ?? w.rows
        guard outStride >= w.rows || n == 1 else {
            throw .shapeMismatch("output stride \(outStride) < \(w.rows) rows")
        }
        let kernel = path.matrixKernel(w.type)
        let blocks = w.columns / w.type.blockElements
        let a = activations.data, aStride = activations.rowBytes
        func work(_ range: Range<Int>) {
            // Each weight row meets every input (four at a time) while it is in L1.
            kernel(w.data, w.rowBytes, range, a, aStride, activations.scales, activations.scaleStride, n, blocks, y, outStride)
        }
        guard let pool, pool.threadCount > 1, w.rows >= 32 else {
            return work(0..<w.rows)
        }
        // About 8 chunks per thread balance the load; 16-row multiples keep the chunks' output
        // rows on separate cache lines.
        let grain = max(16, (w.rows / (8 * pool.threadCount) + 15) / 16 * 16)
        pool.parallelFor(count: w.rows, grain: grain, work)
    }
}
