/// Maximum, argmax and top-k over float buffers (greedy decoding and top-k/top-p sampling).
///
/// ```swift
/// let best = Selection.argmax(logits, count: vocab)
/// let n = Selection.topK(logits, count: vocab, k: 40, indices: idx, values: vals)
/// ```
/// NaN entries are never selected.
public enum Selection {
    /// The largest value (−inf for an empty or all-NaN buffer).
    public static func maximum(_ x: UnsafePointer<Float>, count: Int) -> Float {
        var m = SIMD8<Float>(repeating: -.infinity)
        var i = 0
        while i + 8 <= count {
            // pointwiseMax ignores a NaN operand in favour of the other (IEEE maxNum).
            m = pointwiseMax(m, VectorMath.load(x + i))
            i += 8
        }
        var result = m.max()
        while i < count { if x[i] > result { result = x[i] }; i += 1 }
        return result
    }

    /// The index of the largest value, the first one on ties; nil if `count` is 0 or all are NaN.
    public static func argmax(_ x: UnsafePointer<Float>, count: Int) -> Int? {
        let m = maximum(x, count: count)
        for i in 0..<count where x[i] == m { return i }
        return nil
    }

    /// Writes the `k` largest values (fewer if `count` < k; NaNs skipped) in descending order, ties
    /// by ascending index, to `values` and their indices to `indices`; returns how many were
    /// written. A min-heap of size k: O(count · log k), no allocation.
    public static func topK(
        _ x: UnsafePointer<Float>, count: Int, k: Int,
        indices: UnsafeMutablePointer<Int32>, values: UnsafeMutablePointer<Float>
    ) -> Int {
        guard k > 0 else { return 0 }
        // (value, index) ordering: a is "worse" than b if smaller, or equal with a larger index.
        @inline(__always) func worse(_ a: Int, _ b: Int) -> Bool {
            values[a] < values[b] || (values[a] == values[b] && indices[a] > indices[b])
        }
        @inline(__always) func swapAt(_ a: Int, _ b: Int) {
            let v = values[a]; values[a] = values[b]; values[b] = v
            let t = indices[a]; indices[a] = indices[b]; indices[b] = t
        }
        func siftDown(_ start: Int, _ size: Int) {
            var i = start
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < size && worse(l, m) { m = l }
                if r < size && worse(r, m) { m = r }
                if m == i { return }
                swapAt(i, m)
                i = m
            }
        }
        var size = 0
        for i in 0..<count {
            let v = x[i]
            if v.isNaN { continue }
            if size < k {
                values[size] = v
                indices[size] = Int32(truncatingIfNeeded: i)
                var c = size
                size += 1
                while c > 0 {
                    let p = (c - 1) / 2
                    if worse(c, p) { swapAt(c, p); c = p } else { break }
                }
            } else if v > values[0] {
                values[0] = v
                indices[0] = Int32(truncatingIfNeeded: i)
                siftDown(0, size)
            }
        }
        // Heap sort: repeatedly move the worst to the end → best first.
        var end = size
        while end > 1 {
            end -= 1
            swapAt(0, end)
            siftDown(0, end)
        }
        return size
    }
}
