import Kernels

/// The keys and values of every past position, per layer: `layers × capacity × kvWidth` values
/// in F16 (the default, as llama.cpp's), Q8_0 (1.06 bytes per value) or F32, allocated once
/// and never initialised, so pages of positions not yet reached cost no resident memory.
///
/// Layout: layer `l`, position `t`, key/value head `h` at byte
/// `((l · capacity) + t) · rowBytes + format.byteCount(h · headDimension)`, `rowBytes = format.byteCount(kvWidth)`.
final class KVCache {
    let format: Attention.CacheFormat
    let layers: Int
    let capacity: Int
    let kvWidth: Int
    /// Bytes of one position's keys (or values) in one layer.
    let rowBytes: Int
    let keys: UnsafeMutableRawPointer
    let values: UnsafeMutableRawPointer

    init(format: Attention.CacheFormat, layers: Int, capacity: Int, kvWidth: Int) throws(ModelError) {
        guard format.holds(kvWidth) else {
            throw .invalidArgument("a \(format) KV cache needs a key/value width in multiples of 32, not \(kvWidth)")
        }
        let rowBytes = format.byteCount(kvWidth)
        let (rows, overflow) = layers.multipliedReportingOverflow(by: capacity)
        let bytes = rows.multipliedReportingOverflow(by: rowBytes)
        guard !overflow, !bytes.overflow, bytes.partialValue <= 1 << 40 else {
            throw .invalidArgument("KV cache of \(layers) layers × \(capacity) positions × \(kvWidth) is too large")
        }
        self.format = format
        self.layers = layers
        self.capacity = capacity
        self.kvWidth = kvWidth
        self.rowBytes = rowBytes
        keys = .allocate(byteCount: bytes.partialValue, alignment: 64)
        values = .allocate(byteCount: bytes.partialValue, alignment: 64)
    }

    deinit {
        keys.deallocate()
        values.deallocate()
    }

    /// Byte offset of (layer, position) in either buffer.
    @inline(__always)
    func offset(layer: Int, position: Int) -> Int {
        ((layer * capacity) + position) * rowBytes
    }

    /// Stores one position's key and value vectors (`kvWidth` floats each).
    func store(layer: Int, position: Int, key: UnsafePointer<Float>, value: UnsafePointer<Float>) {
        let o = offset(layer: layer, position: position)
        switch format {
        case .f32:
            (keys + o).assumingMemoryBound(to: Float.self).update(from: key, count: kvWidth)
            (values + o).assumingMemoryBound(to: Float.self).update(from: value, count: kvWidth)
        case .f16:
            let k = (keys + o).assumingMemoryBound(to: UInt16.self)
            let v = (values + o).assumingMemoryBound(to: UInt16.self)
            for i in 0..<kvWidth {
                k[i] = Half.fromFloat(key[i])
                v[i] = Half.fromFloat(value[i])
            }
        case .q8_0:
            // The activation quantizer's Q8_0 (d = amax/127 as F16, round-half-even): ggml's
            // quantize_row_q8_0, which llama.cpp applies to a q8_0 cache.
            ActivationQuantization.quantizeRow(key, columns: kvWidth, as: .q8_0, into: keys + o)
            ActivationQuantization.quantizeRow(value, columns: kvWidth, as: .q8_0, into: values + o)
        }
    }
}
