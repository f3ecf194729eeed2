import Foundation
import XCTest

@testable import Decoder

/// The GGUF reader on files written by the test (every value type, tensors, alignment), on the
/// real model and vocab files, and on hostile files: each defect is a `GGUFError` with an offset.
final class GGUFReaderTests: XCTestCase {
    func testEveryValueType() throws {
        let g = try GGUFFile(bytes: GGUFTestWriter.sample())
        XCTAssertEqual(g.version, 3)
        XCTAssertEqual(g.metadata["general.architecture"]?.string, "llama")
        guard case .uint8(200)? = g.metadata["t.u8"] else { return XCTFail("u8") }
        guard case .int8(-5)? = g.metadata["t.i8"] else { return XCTFail("i8") }
        guard case .uint16(65000)? = g.metadata["t.u16"] else { return XCTFail("u16") }
        guard case .int16(-30000)? = g.metadata["t.i16"] else { return XCTFail("i16") }
        guard case .uint32(4_000_000_000)? = g.metadata["t.u32"] else { return XCTFail("u32") }
        guard case .int32(-2_000_000_000)? = g.metadata["t.i32"] else { return XCTFail("i32") }
        guard case .uint64(18_000_000_000_000_000_000)? = g.metadata["t.u64"] else { return XCTFail("u64") }
        guard case .int64(-9_000_000_000_000_000_000)? = g.metadata["t.i64"] else { return XCTFail("i64") }
        guard case .float32(1.5)? = g.metadata["t.f32"] else { return XCTFail("f32") }
        guard case .float64(-2.25)? = g.metadata["t.f64"] else { return XCTFail("f64") }
        XCTAssertEqual(g.metadata["t.bool"]?.bool, true)
        XCTAssertEqual(g.metadata["t.string"]?.string, "héllo ▁wörld")
        XCTAssertEqual(g.metadata["t.ints"]?.array?.integers, [1, -2, 3])
        XCTAssertEqual(g.metadata["t.strings"]?.array?.strings, ["a", "", "Ġthe"])
        XCTAssertEqual(g.metadata["t.empty"]?.array?.count, 0)
        XCTAssertEqual(g.metadata["t.floats"]?.array?.floats, [0.5, -1])
        XCTAssertNil(g.metadata["t.floats"]?.array?.integers)
        let nested = try XCTUnwrap(g.metadata["t.nested"]?.array)
        XCTAssertEqual(nested.elementType, .array)
        let inner = nested.values.compactMap(\.array)
        XCTAssertEqual(inner.count, 2)
        XCTAssertEqual(inner.first?.integers, [1, 2])
        XCTAssertEqual(inner.last?.strings, ["x"])
        XCTAssertEqual(g.metadataKeys.first, "general.architecture")
        XCTAssertEqual(g.metadataKeys.count, 19)
    }

    func testTensorsAreAlignedAndMapped() throws {
        let bytes = GGUFTestWriter.sample()
        let g = try GGUFFile(bytes: bytes)
        XCTAssertEqual(g.alignment, 64)
        XCTAssertEqual(g.dataOffset % 64, 0)
        let a = try XCTUnwrap(g.tensor(named: "a.weight"))
        let b = try XCTUnwrap(g.tensor(named: "b.weight"))
        XCTAssertEqual(a.type, .f32)
        XCTAssertEqual(a.dimensions, [4, 2])
        XCTAssertEqual(a.byteCount, 32)
        XCTAssertEqual(a.fileOffset, g.dataOffset)
        XCTAssertEqual(b.type.name, "Q8_0")
        XCTAssertEqual(b.typeID, 8)
        XCTAssertEqual(b.byteCount, 68)
        XCTAssertEqual(b.fileOffset, g.dataOffset + 64)
        XCTAssertEqual(b.elementCount, 64)
        let data = g.data(of: b)
        XCTAssertEqual(data.count, 68)
        XCTAssertEqual(Array(data.prefix(3)), [64, 65, 66])  // the writer's pattern i & 0xFF at data offset 64
    }

    func testRealModelFile() throws {
        guard let path = TestData.defaultModel() else { return }
        let g = try GGUFFile(contentsOf: path)
        XCTAssertEqual(g.tensors.count, 272)
        XCTAssertEqual(g.metadata["general.architecture"]?.string, "llama")
        XCTAssertEqual(g.metadata["llama.block_count"]?.integer, 30)
        let embd = try XCTUnwrap(g.tensor(named: "token_embd.weight"))
        XCTAssertEqual(embd.type, .q8_0)
        XCTAssertEqual(embd.dimensions, [576, 49152])
        XCTAssertEqual(embd.byteCount, 576 / 32 * 34 * 49152)
        XCTAssertEqual(g.tensor(named: "blk.0.attn_q.weight")?.type, .q4_1)
        // Every tensor lies inside the file, and the last bytes of the last tensor are readable.
        let last = try XCTUnwrap(g.tensors.max { $0.fileOffset < $1.fileOffset })
        XCTAssertLessThanOrEqual(last.fileOffset + last.byteCount, g.fileSize)
        XCTAssertEqual(g.data(of: last).count, last.byteCount)
        XCTAssertEqual(g.metadata["tokenizer.ggml.tokens"]?.array?.count, 49152)
        XCTAssertEqual(g.metadata["tokenizer.ggml.merges"]?.array?.count, 48900)
    }

    // MARK: - Hostile files

    private func assertError(_ bytes: [UInt8], contains words: String, at offset: Int? = nil,
                             file: StaticString = #filePath, line: UInt = #line) {
        do {
            _ = try GGUFFile(bytes: bytes)
            XCTFail("parsed a file that should fail with \"\(words)\"", file: file, line: line)
        } catch let error as GGUFError {
            XCTAssertTrue(error.message.contains(words), "\(error) does not mention \"\(words)\"", file: file, line: line)
            if let offset { XCTAssertEqual(error.offset, offset, "\(error)", file: file, line: line) }
            XCTAssertTrue(error.description.hasPrefix("GGUF error at byte \(error.offset): "), file: file, line: line)
        } catch {
            XCTFail("unexpected error type \(error)", file: file, line: line)
        }
    }

    private func tensorFile(_ tensors: [GGUFTestWriter.Tensor], dataBytes: Int, alignment: UInt32? = nil) -> [UInt8] {
        var meta: [(String, GGUFTestWriter.Value)] = [("general.architecture", .string("x"))]
        if let alignment { meta.append(("general.alignment", .u32(alignment))) }
        return GGUFTestWriter.file(metadata: meta, tensors: tensors, alignment: Int(alignment ?? 32), dataBytes: dataBytes)
    }

    func testHeaderErrors() {
        var bytes = GGUFTestWriter.sample()
        bytes[0] = 0x47; bytes[3] = 0x47
        assertError(bytes, contains: "not a GGUF file", at: 0)
        assertError([], contains: "magic", at: 0)
        assertError(GGUFTestWriter.file(version: 1, metadata: []), contains: "unsupported GGUF version 1", at: 4)
        assertError(GGUFTestWriter.file(version: 4, metadata: []), contains: "unsupported GGUF version 4", at: 4)
        assertError(GGUFTestWriter.file(version: 3 << 24, metadata: []), contains: "big-endian", at: 4)
        XCTAssertNoThrow(try GGUFFile(bytes: GGUFTestWriter.file(version: 2, metadata: [("a", .u8(1))])))

        var huge = GGUFTestWriter.file(metadata: [("a", .u8(1))])
        huge.replaceSubrange(16..<24, with: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F])  // kv count
        assertError(huge, contains: "metadata count", at: 16)
        huge = GGUFTestWriter.file(metadata: [("a", .u8(1))])
        huge.replaceSubrange(8..<16, with: [0, 0, 0, 0, 0, 0, 0, 1])  // tensor count 2^56
        assertError(huge, contains: "tensor count", at: 8)
    }

    func testValueErrors() {
        var bytes = GGUFTestWriter.file(metadata: [("key", .string("value"))])
        bytes.replaceSubrange(39..<47, with: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])  // string length
        assertError(bytes, contains: "length 18446744073709551615 of \"key\" exceeds", at: 39)
        bytes = GGUFTestWriter.file(metadata: [("key", .u8(1))])
        bytes[35] = 13  // value type
        assertError(bytes, contains: "unknown metadata value type 13", at: 35)
        assertError(GGUFTestWriter.file(metadata: [("k", .u8(1)), ("k", .u8(2))]), contains: "duplicate metadata key")
        assertError(GGUFTestWriter.file(metadata: [("", .u8(1))]), contains: "empty key")
        bytes = GGUFTestWriter.file(metadata: [("b", .bool(true))])
        bytes[bytes.count - 1 - (bytes.count - 38)] = 2
        assertError(bytes, contains: "bool value 2")
        // An array claiming 2^40 int32 elements in a file of a few dozen bytes.
        bytes = GGUFTestWriter.file(metadata: [("arr", .array(.int32, [.i32(1)]))])
        bytes.replaceSubrange(43..<51, with: [0, 0, 0, 0, 0, 1, 0, 0])
        assertError(bytes, contains: "element count of \"arr\"", at: 43)
        // Arrays nested past the limit.
        var deep: GGUFTestWriter.Value = .array(.uint8, [.u8(1)])
        for _ in 0..<10 { deep = .array(.array, [deep]) }
        assertError(GGUFTestWriter.file(metadata: [("deep", deep)]), contains: "nested deeper than 8")
        assertError(GGUFTestWriter.file(metadata: [("general.alignment", .u32(48))]), contains: "not a power of two")
        assertError(GGUFTestWriter.file(metadata: [("general.alignment", .u32(0))]), contains: "not a power of two")
        assertError(GGUFTestWriter.file(metadata: [("general.alignment", .u64(32))]), contains: "must be a uint32")
    }

    func testTensorErrors() {
        typealias T = GGUFTestWriter.Tensor
        XCTAssertNoThrow(try GGUFFile(bytes: tensorFile([T(name: "t", dims: [8], type: 0, offset: 0)], dataBytes: 32)))
        assertError(tensorFile([T(name: "t", dims: [8], type: 0, offset: 0)], dataBytes: 31), contains: "past the end of the file")
        assertError(tensorFile([T(name: "t", dims: [8], type: 0, offset: 1 << 62)], dataBytes: 32), contains: "past the end")
        assertError(tensorFile([T(name: "t", dims: [8], type: 0, offset: UInt64.max - 31)], dataBytes: 32), contains: "past the end")
        assertError(tensorFile([T(name: "t", dims: [8], type: 0, offset: 16)], dataBytes: 64), contains: "not a multiple of the alignment 32")
        assertError(tensorFile([T(name: "t", dims: [8], type: 4, offset: 0)], dataBytes: 32), contains: "unknown ggml type 4")
        assertError(tensorFile([T(name: "t", dims: [8], type: 99, offset: 0)], dataBytes: 32), contains: "unknown ggml type 99")
        assertError(tensorFile([T(name: "t", dims: [8, 1, 1, 1, 1], type: 0, offset: 0)], dataBytes: 32), contains: "5 dimensions")
        assertError(tensorFile([T(name: "t", dims: [], type: 0, offset: 0)], dataBytes: 32), contains: "0 dimensions")
        assertError(tensorFile([T(name: "t", dims: [16], type: 2, offset: 0)], dataBytes: 32), contains: "not a multiple of the Q4_0 block size 32")
        assertError(tensorFile([T(name: "t", dims: [1 << 32, 1 << 32], type: 0, offset: 0)], dataBytes: 32), contains: "overflow")
        assertError(tensorFile([T(name: "t", dims: [1 << 62, 2], type: 0, offset: 0)], dataBytes: 32), contains: "overflow")
        assertError(tensorFile([T(name: "t", dims: [UInt64.max], type: 0, offset: 0)], dataBytes: 32), contains: "beyond int64")
        assertError(tensorFile([T(name: "a", dims: [16], type: 0, offset: 0), T(name: "b", dims: [8], type: 0, offset: 32)], dataBytes: 96),
                    contains: "tensor b overlaps tensor a")
        assertError(tensorFile([T(name: "a", dims: [8], type: 0, offset: 0), T(name: "a", dims: [8], type: 0, offset: 32)], dataBytes: 64),
                    contains: "duplicate tensor name")
        XCTAssertNoThrow(try GGUFFile(bytes: tensorFile([T(name: "a", dims: [8], type: 0, offset: 32), T(name: "b", dims: [8], type: 0, offset: 0)], dataBytes: 64)))
    }

    /// Every proper prefix of a valid file is refused with an error inside the prefix.
    func testEveryTruncationFails() {
        let bytes = GGUFTestWriter.sample()
        let g = try? GGUFFile(bytes: bytes)
        let needed = (g?.tensors.map { $0.fileOffset + $0.byteCount }.max()) ?? bytes.count
        for n in 0..<needed {
            do {
                _ = try GGUFFile(bytes: bytes[0..<n])
                XCTFail("prefix of \(n) bytes parsed")
            } catch let e as GGUFError {
                XCTAssertLessThanOrEqual(e.offset, n, "\(e)")
            } catch {
                XCTFail("\(error)")
            }
        }
    }

    func testMissingFile() {
        XCTAssertThrowsError(try GGUFFile(contentsOf: "/nonexistent/x.gguf")) { error in
            XCTAssertTrue("\(error)".contains("cannot open /nonexistent/x.gguf"), "\(error)")
        }
    }

    // MARK: - Fuzzing

    /// SplitMix64: a small seeded generator, so a failing mutation can be replayed from its seed.
    struct SeededRandom: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Mutates `original` `rounds` times (random bytes, random 8-byte fields set to extreme
    /// values, truncation) in its first `span` bytes; each parse must either throw a `GGUFError`
    /// or give a file whose every tensor and array can be read.
    private func fuzz(_ original: [UInt8], span: Int, rounds: Int, seed: UInt64,
                      onParsed: (GGUFFile) -> Void = { _ in }) -> (errors: Int, parsed: Int) {
        var rng = SeededRandom(state: seed)
        var errors = 0, parsed = 0
        let extremes: [UInt64] = [0, 1, 0xFF, 0xFFFF_FFFF, 1 << 40, UInt64(Int64.max), UInt64.max, UInt64.max - 7]
        for round in 0..<rounds {
            var bytes = original
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let at = Int.random(in: 0..<min(span, bytes.count), using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0, 1:
                    bytes[at] = UInt8.random(in: 0...255, using: &rng)
                case 2 where at + 8 <= bytes.count:
                    let v = extremes.randomElement(using: &rng)!
                    withUnsafeBytes(of: v.littleEndian) { bytes.replaceSubrange(at..<(at + 8), with: $0) }
                default:
                    bytes[at] ^= UInt8(1) << UInt8.random(in: 0...7, using: &rng)
                }
            }
            if Int.random(in: 0..<10, using: &rng) == 0 {
                bytes.removeLast(Int.random(in: 0..<bytes.count, using: &rng))
            }
            do {
                let g = try GGUFFile(bytes: bytes)
                parsed += 1
                for t in g.tensors {
                    let d = g.data(of: t)
                    if let last = d.last { _ = last }
                }
                for key in g.metadataKeys {
                    if let a = g.metadata[key]?.array {
                        if a.elementType == .string { a.forEachStringBytes { _, s in _ = s.count } } else { _ = a.values.count }
                    }
                }
                onParsed(g)
            } catch is GGUFError {
                errors += 1
            } catch {
                XCTFail("seed \(seed) round \(round): unexpected error \(error)")
            }
        }
        return (errors, parsed)
    }

    func testFuzzSmallFile() {
        let sample = GGUFTestWriter.sample()
        let r = fuzz(sample, span: sample.count, rounds: 5000, seed: 0x5EED)
        print("fuzz small GGUF: 5000 mutations, \(r.errors) errors, \(r.parsed) parsed")
        XCTAssertEqual(r.errors + r.parsed, 5000)
        XCTAssertGreaterThan(r.errors, 1000)
    }

    func testFuzzVocabFile() throws {
        guard let url = TestData.sharedFile("vocab/ggml-vocab-llama-spm.gguf") else { return }
        let bytes = [UInt8](try Data(contentsOf: url))
        // The header and the first metadata entries; then anywhere in the token arrays.
        // A file that still parses must give a tokenizer or a TokenizerError, and a tokenizer must
        // encode and decode without trapping.
        var tokenizers = 0, refused = 0
        let useTokenizer: (GGUFFile) -> Void = { g in
            do {
                let t = try Tokenizer(gguf: g)
                let ids = t.encode("Hello wörld 🦙 <s> 123", parseSpecial: true, addSpecial: true)
                _ = t.decode(ids + [-1, t.vocabulary.count], includeSpecial: true)
                tokenizers += 1
            } catch is TokenizerError {
                refused += 1
            } catch {
                XCTFail("unexpected \(error)")
            }
        }
        let r1 = fuzz(bytes, span: 4096, rounds: 150, seed: 0xC0FFEE, onParsed: useTokenizer)
        let r2 = fuzz(bytes, span: bytes.count, rounds: 30, seed: 0xBEEF, onParsed: useTokenizer)
        print("fuzz vocab GGUF: 180 mutations, \(r1.errors + r2.errors) errors, \(r1.parsed + r2.parsed) parsed; of those \(tokenizers) tokenizers built and used, \(refused) refused")
        XCTAssertEqual(tokenizers + refused, r1.parsed + r2.parsed)
        XCTAssertEqual(r1.errors + r1.parsed + r2.errors + r2.parsed, 180)
    }
}
