import Kernels

/// The keys and values of every past position, per layer: `layers × capacity × kvWidth` elements
/// in F16 (llama.cpp's default) or F32, allocated once and never initialised, so pages of
/// positions not yet reached cost no resident memory.
///
/// Layout: layer `l`, position `t`, key/value head `h` at `((l · capacity) + t) · kvWidth + h · headDimension`.
final class KVCache {
    let format: Attention.CacheFormat
    let layers: Int
    let capacity: Int
    let kvWidth: Int
    let keys: UnsafeMutableRawPointer
    let values: UnsafeMutableRawPointer

    init(format: Attention.CacheFormat, layers: Int, capacity: Int, kvWidth: Int) throws(ModelError) {
        let (elements, overflow) = (layers * kvWidth).multipliedReportingOverflow(by: capacity)
        let bytes = elements.multipliedReportingOverflow(by: format.elementBytes)
        guard !overflow, !bytes.overflow, bytes.partialValue <= 1 << 40 else {
            throw .invalidArgument("KV cache of \(layers) layers × \(capacity) positions × \(kvWidth) is too large")
        }
        self.format = format
        self.layers = layers
        self.capacity = capacity
        self.kvWidth = kvWidth
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
        ((layer * capacity) + position) * kvWidth * format.elementBytes
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
        }
    }
}
