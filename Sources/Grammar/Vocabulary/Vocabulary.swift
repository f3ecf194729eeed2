/// The tokens of a model as the grammar engine sees them: for each id, the exact bytes the token
/// adds to the output, and its kind.
///
/// Ids run from 0 to `count - 1`; the model's logit vector may be wider (padding ids), and ids
/// at or past `count` are never allowed. Control tokens (`<|im_end|>`), unknown and unused tokens
/// have no text bytes: masking never allows them as text (end-of-sequence is handled separately via
/// `eosTokenID`). Their literal spelling is kept in `literal(of:)` for display only.
///
/// Storage is flat, so a token trie can be built from it without per-token objects: all token
/// bytes in one buffer, `offsets[id] ..< offsets[id + 1]` the bytes of `id`.
///
/// ```swift
/// let vocab = Vocabulary(tokens: [Array("a".utf8), Array(" b".utf8), []],
///                        kinds: [.normal, .normal, .control], eosTokenID: 2)
/// vocab.bytes(of: 1)        // [32, 98]
/// vocab.kind(of: 2)         // .control
/// ```
public struct Vocabulary: Sendable {
    /// What a token is, for masking and decoding.
    public enum TokenKind: UInt8, Sendable {
        /// Ordinary text.
        case normal = 1
        /// The unknown token (`<unk>`): no text.
        case unknown = 2
        /// Control / special token (`<s>`, `<|im_end|>`): no text.
        case control = 3
        /// Added by the user/model author; matched literally, emits its literal text.
        case userDefined = 4
        /// Reserved, never produced: no text.
        case unused = 5
        /// SentencePiece byte-fallback token `<0xNN>`: emits one raw byte.
        case byteFallback = 6

        /// Whether tokens of this kind contribute text bytes (and so may be allowed by a text mask).
        public var isText: Bool { self == .normal || self == .userDefined || self == .byteFallback }
    }

    /// All token bytes, concatenated in id order.
    public let storage: [UInt8]
    /// `count + 1` offsets into `storage`.
    public let offsets: [UInt32]
    /// Kind of each token.
    public let kinds: [TokenKind]
    /// End-of-sequence token, if the model names one.
    public let eosTokenID: Int?
    /// Beginning-of-sequence token, if the model names one.
    public let bosTokenID: Int?
    /// Every token that ends generation (EOS and end-of-turn tokens such as `<|im_end|>`,
    /// `<|endoftext|>`, `<|eot_id|>`), sorted; includes `eosTokenID`.
    public let endOfGenerationIDs: [Int]
    /// Literal spellings of tokens without text bytes (control, unknown, unused), by id.
    private let literals: [Int: String]

    /// Number of tokens (ids `0..<count`).
    public var count: Int { kinds.count }

    /// Builds a vocabulary from per-token bytes. Bytes given for tokens whose kind has no text are
    /// kept as their literal (display) spelling, not as text.
    public init(tokens: [[UInt8]], kinds: [TokenKind], eosTokenID: Int? = nil, bosTokenID: Int? = nil,
                endOfGenerationIDs: [Int] = []) {
        precondition(tokens.count == kinds.count, "one kind per token")
        var builder = Builder(capacity: tokens.count)
        for (bytes, kind) in zip(tokens, kinds) {
            bytes.withUnsafeBytes { builder.append(bytes: $0, kind: kind) }
        }
        self = builder.build(eosTokenID: eosTokenID, bosTokenID: bosTokenID, endOfGenerationIDs: endOfGenerationIDs)
    }

    fileprivate init(storage: [UInt8], offsets: [UInt32], kinds: [TokenKind], literals: [Int: String],
                     eosTokenID: Int?, bosTokenID: Int?, endOfGenerationIDs: [Int]) {
        self.storage = storage
        self.offsets = offsets
        self.kinds = kinds
        self.literals = literals
        self.eosTokenID = eosTokenID.flatMap { (0..<kinds.count).contains($0) ? $0 : nil }
        self.bosTokenID = bosTokenID.flatMap { (0..<kinds.count).contains($0) ? $0 : nil }
        let ends = Set(endOfGenerationIDs + (self.eosTokenID.map { [$0] } ?? []))
        self.endOfGenerationIDs = ends.filter { (0..<kinds.count).contains($0) }.sorted()
    }

    /// The bytes token `id` adds to the output (empty for tokens without text).
    @inlinable
    public func bytes(of id: Int) -> ArraySlice<UInt8> {
        storage[Int(offsets[id])..<Int(offsets[id + 1])]
    }

    /// Calls `body` with the bytes of token `id`, without copying.
    @inlinable
    public func withBytes<R>(of id: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer { all in
            try body(UnsafeBufferPointer(rebasing: all[Int(offsets[id])..<Int(offsets[id + 1])]))
        }
    }

    /// Number of text bytes of token `id`.
    @inlinable
    public func byteCount(of id: Int) -> Int { Int(offsets[id + 1] - offsets[id]) }

    /// The kind of token `id`.
    @inlinable
    public func kind(of id: Int) -> TokenKind { kinds[id] }

    /// How to show token `id`: its text (lossy UTF-8) or, for tokens without text, its literal.
    public func literal(of id: Int) -> String {
        if let s = literals[id] { return s }
        return String(decoding: bytes(of: id), as: UTF8.self)
    }

    /// Collects tokens one at a time into the flat layout.
    public struct Builder {
        private var storage: [UInt8] = []
        private var offsets: [UInt32] = [0]
        private var kinds: [TokenKind] = []
        private var literals: [Int: String] = [:]

        public init(capacity: Int = 0) {
            offsets.reserveCapacity(capacity + 1)
            kinds.reserveCapacity(capacity)
            storage.reserveCapacity(capacity * 6)
        }

        /// Appends the next token. For kinds without text, `bytes` is its literal spelling.
        public mutating func append(bytes: UnsafeRawBufferPointer, kind: TokenKind) {
            if kind.isText {
                storage.append(contentsOf: bytes)
            } else if !bytes.isEmpty {
                literals[kinds.count] = String(decoding: bytes, as: UTF8.self)
            }
            precondition(storage.count <= Int(UInt32.max), "vocabulary bytes exceed 4 GiB")
            offsets.append(UInt32(storage.count))
            kinds.append(kind)
        }

        /// The vocabulary; ids outside it are dropped from the special ids.
        public func build(eosTokenID: Int?, bosTokenID: Int?, endOfGenerationIDs: [Int] = []) -> Vocabulary {
            Vocabulary(storage: storage, offsets: offsets, kinds: kinds, literals: literals,
                       eosTokenID: eosTokenID, bosTokenID: bosTokenID, endOfGenerationIDs: endOfGenerationIDs)
        }
    }
}
