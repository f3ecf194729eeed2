import XCTest

@testable import Grammar

/// The flat vocabulary: bytes per id, kinds, literals of text-less tokens, end ids.
final class VocabularyTests: XCTestCase {
    func testFlatStorageAndKinds() {
        let v = Vocabulary(
            tokens: [Array("a".utf8), Array(" bc".utf8), Array("<|end|>".utf8), [0xFF], [], Array("é".utf8)],
            kinds: [.normal, .normal, .control, .byteFallback, .unused, .userDefined],
            eosTokenID: 2, bosTokenID: 99)
        XCTAssertEqual(v.count, 6)
        XCTAssertEqual(Array(v.bytes(of: 0)), [0x61])
        XCTAssertEqual(Array(v.bytes(of: 1)), [0x20, 0x62, 0x63])
        XCTAssertEqual(v.byteCount(of: 2), 0, "control tokens have no text bytes")
        XCTAssertEqual(v.literal(of: 2), "<|end|>")
        XCTAssertEqual(Array(v.bytes(of: 3)), [0xFF])
        XCTAssertEqual(v.byteCount(of: 4), 0)
        XCTAssertEqual(Array(v.bytes(of: 5)), [0xC3, 0xA9])
        XCTAssertEqual(v.storage, [0x61, 0x20, 0x62, 0x63, 0xFF, 0xC3, 0xA9])
        XCTAssertEqual(v.offsets, [0, 1, 4, 4, 5, 5, 7])
        XCTAssertEqual(v.kind(of: 2), .control)
        XCTAssertFalse(v.kind(of: 2).isText)
        XCTAssertTrue(v.kind(of: 3).isText)
        XCTAssertEqual(v.eosTokenID, 2)
        XCTAssertNil(v.bosTokenID, "an id outside the vocabulary is dropped")
        XCTAssertEqual(v.withBytes(of: 1) { Array($0) }, [0x20, 0x62, 0x63])
        XCTAssertEqual(v.endOfGenerationIDs, [2])
        let w = Vocabulary(tokens: [[1], [2], [3]], kinds: [.control, .normal, .control], eosTokenID: 2,
                           endOfGenerationIDs: [0, 7])
        XCTAssertEqual(w.endOfGenerationIDs, [0, 2], "EOS included, ids outside dropped")
    }
}
