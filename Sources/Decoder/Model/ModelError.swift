import Kernels

/// Why a model could not be loaded or run: names the metadata key or tensor at fault.
///
/// ```swift
/// do { _ = try LlamaModel(gguf: file) } catch let error as ModelError { print(error) }
/// // "tensor blk.3.attn_k.weight: shape [576, 256], expected [576, 192]"
/// ```
public enum ModelError: Error, Equatable, CustomStringConvertible, Sendable {
    /// `general.architecture` is not one this runtime implements.
    case unsupportedArchitecture(String)
    /// A required metadata key is absent or has the wrong type.
    case missingMetadata(String)
    /// A metadata value is out of range or inconsistent with another.
    case invalidMetadata(key: String, reason: String)
    /// A required tensor is absent.
    case missingTensor(String)
    /// A tensor has the wrong shape.
    case tensorShape(name: String, found: [Int], expected: [Int])
    /// A tensor's element type is not one the kernels support in its role.
    case tensorType(name: String, type: String, reason: String)
    /// A token id outside the vocabulary.
    case tokenOutOfRange(token: Int, vocabulary: Int)
    /// The context (KV cache) is full.
    case contextFull(position: Int, requested: Int, capacity: Int)
    /// An argument to a session call is invalid.
    case invalidArgument(String)
    /// A kernel refused its arguments (a bug or an unsupported format).
    case kernel(String)

    public var description: String {
        switch self {
        case .unsupportedArchitecture(let a):
            "unsupported architecture \"\(a)\" (this runtime implements llama)"
        case .missingMetadata(let k): "missing or mistyped metadata key \(k)"
        case .invalidMetadata(let k, let r): "metadata \(k): \(r)"
        case .missingTensor(let n): "missing tensor \(n)"
        case .tensorShape(let n, let f, let e): "tensor \(n): shape \(f), expected \(e)"
        case .tensorType(let n, let t, let r): "tensor \(n): type \(t) \(r)"
        case .tokenOutOfRange(let t, let v): "token id \(t) is outside the vocabulary 0..<\(v)"
        case .contextFull(let p, let r, let c):
            "context full: \(p) positions used + \(r) new > capacity \(c)"
        case .invalidArgument(let m): m
        case .kernel(let m): "kernel error: \(m)"
        }
    }
}

extension ModelError {
    init(_ error: KernelError) { self = .kernel(error.description) }
}
