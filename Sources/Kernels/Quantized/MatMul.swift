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

    /// One matrix of a fused product (`multiply(_:_:pool:path:)` over several matrices): its
    /// weights, and where input row `i`'s product goes (`output + i * outputStride`).
    public struct Part: @unchecked Sendable {
        public let weights: WeightMatrix
        public let output: UnsafeMutablePointer<Float>
        public let outputStride: Int

        public init(_ weights: WeightMatrix, into output: UnsafeMutablePointer<Float>, outputStride: Int? = nil) {
            self.weights = weights
            self.output = output
            self.outputStride = outputStride ?? weights.rows
        }
    }

    /// Multiplies several matrices that share one quantized input (Q, K and V; gate and up) in a
    /// single fork–join: their rows form one range split between the workers, so the pool is
    /// woken and joined once instead of once per matrix. At SmolLM2's width (576) a matrix–vector
    /// product takes tens of microseconds, so each join saved is a visible share of a token.
    ///
    /// ```swift
    /// let parts = [MatMul.Part(wq, into: q), MatMul.Part(wk, into: k), MatMul.Part(wv, into: v)]
    /// try parts.withUnsafeBufferPointer { try MatMul.multiply($0, scratch, pool: pool) }
    /// ```
    /// The parts must agree on the activation format and column count; the results equal those
    /// of separate calls bit for bit.
    public static func multiply(
        _ parts: UnsafeBufferPointer<Part>, _ activations: QuantizedActivations,
        pool: KernelThreadPool? = nil, path: KernelPath = .best
    ) throws(KernelError) {
        var total = 0
        for part in parts {
            let w = part.weights
            guard activations.type == w.type.activationType else {
                throw .shapeMismatch("\(w.type) weights need \(w.type.activationType) activations, got \(activations.type)")
            }
            guard activations.columns == w.columns else {
                throw .shapeMismatch("weights have \(w.columns) columns, activations \(activations.columns)")
            }
            guard part.outputStride >= w.rows || activations.rows == 1 else {
                throw .shapeMismatch("output stride \(part.outputStride) < \(w.rows) rows")
            }
            total += w.rows
        }
        let n = activations.rows
        guard n > 0, total > 0 else { return }
        let a = activations.data, aStride = activations.rowBytes
        let scales = activations.scales, scaleStride = activations.scaleStride
        func work(_ range: Range<Int>) {
            // The range is in the concatenated row space: cut it at the parts' boundaries.
            var start = 0
            for part in parts {
                let w = part.weights
                let lower = max(range.lowerBound, start), upper = min(range.upperBound, start + w.rows)
                if lower < upper {
                    let kernel = path.matrixKernel(w.type)
                    kernel(w.data, w.rowBytes, (lower - start)..<(upper - start), a, aStride, scales, scaleStride,
                           n, w.columns / w.type.blockElements, part.output, part.outputStride)
                }
                start += w.rows
                if start >= range.upperBound { break }
            }
        }
        guard let pool, pool.threadCount > 1, total >= 32 else {
            return work(0..<total)
        }
        let grain = max(16, (total / (8 * pool.threadCount) + 15) / 16 * 16)
        pool.parallelFor(count: total, grain: grain, work)
    }
}
