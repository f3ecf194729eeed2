import XCTest
@testable import Grammar

/// The IR builder and the lazy DFA: intersection, complement, emptiness, liveness, generation.
final class RegexAutomatonTests: XCTestCase {
    func testIntersectionAndComplement() throws {
        var ir = RegexIR()
        let digits = ir.repeat(ir.chars(CodePointSet(ranges: [0x30...0x39])), min: 1, max: nil)
        let noLeadingZero = ir.not(ir.concat([ir.literal("0"), ir.anyChar, ir.anyString]))
        let e = ir.and([digits, noLeadingZero])
        var dfa = ByteDFA(ir, root: e)
        XCTAssertTrue(try dfa.matches("0"))
        XCTAssertTrue(try dfa.matches("10"))
        XCTAssertFalse(try dfa.matches("01"))
        XCTAssertFalse(try dfa.matches(""))
        XCTAssertFalse(try dfa.matches("1a"))
    }

    func testComplementIsWithinValidUTF8() throws {
        var ir = RegexIR()
        let e = ir.not(ir.literal("a"))
        var dfa = ByteDFA(ir, root: e)
        XCTAssertFalse(try dfa.matches("a"))
        XCTAssertTrue(try dfa.matches(""))
        XCTAssertTrue(try dfa.matches("é"))
        XCTAssertFalse(try dfa.matches([0xFF]))
        XCTAssertFalse(try dfa.matches([0xC3]))
    }

    func testPatternIntersectedWithLengthBounds() throws {
        // JSON Schema: pattern ∩ minLength/maxLength (in code points).
        var ir = RegexIR()
        let p = try ir.add(ecma: "^[a-zé]+$", mode: .search)
        let len = ir.repeat(ir.anyChar, min: 2, max: 3)
        let root = ir.and([p, len])
        var dfa = ByteDFA(ir, root: root)
        XCTAssertTrue(try dfa.matches("éé"))
        XCTAssertTrue(try dfa.matches("abc"))
        XCTAssertFalse(try dfa.matches("a"))
        XCTAssertFalse(try dfa.matches("abcd"))
    }

    func testKeysMatchingNoPatternIsComplementOfUnion() throws {
        var ir = RegexIR()
        let p1 = try ir.add(ecma: "^x-", mode: .search)
        let p2 = try ir.add(ecma: "id$", mode: .search)
        let root = ir.not(ir.or([p1, p2]))
        var dfa = ByteDFA(ir, root: root)
        XCTAssertFalse(try dfa.matches("x-a"))
        XCTAssertFalse(try dfa.matches("userid"))
        XCTAssertTrue(try dfa.matches("name"))
        XCTAssertTrue(try dfa.matches("idx"))
    }

    func testEmptinessAndDeadStates() throws {
        var ir = RegexIR()
        let a = try ir.add(ecma: "a+", mode: .fullMatch)
        let b = try ir.add(ecma: "b+", mode: .fullMatch)
        let ab = ir.and([a, b])
        var empty = ByteDFA(ir, root: ab)
        XCTAssertTrue(try empty.isEmptyLanguage())
        let notAA = ir.and([a, ir.not(ir.literal("aa"))])
        var nonEmpty = ByteDFA(ir, root: notAA)
        XCTAssertFalse(try nonEmpty.isEmptyLanguage())
        var anchored = try ByteDFA(ecma: "a^b", mode: .search)
        XCTAssertTrue(try anchored.isEmptyLanguage())
        var dfa = try ByteDFA(ecma: "ab*c", mode: .fullMatch)
        var s = try dfa.next(dfa.initialState, UInt8(ascii: "a"))
        XCTAssertFalse(try dfa.isDead(s))
        XCTAssertFalse(dfa.isAccepting(s))
        s = try dfa.next(s, UInt8(ascii: "c"))
        XCTAssertTrue(dfa.isAccepting(s))
        XCTAssertTrue(try dfa.isDead(dfa.next(s, UInt8(ascii: "c"))))
        XCTAssertEqual(try dfa.next(s, UInt8(ascii: "c")), ByteDFA.deadState)
    }

    func testNotSyntacticallyEmptyButDead() throws {
        // (a ∩ ¬a)·b is empty, though no simplification sees it; isDead explores to be sure.
        var ir = RegexIR()
        let a = ir.literal("ab")
        let e = ir.and([a, ir.not(ir.literal("ab"))])
        let root = ir.concat([ir.or([e, ir.literal("x")]), ir.literal("y")])
        var dfa = ByteDFA(ir, root: root)
        let s = try dfa.next(dfa.initialState, UInt8(ascii: "a"))
        XCTAssertNotEqual(s, ByteDFA.deadState)
        XCTAssertTrue(try dfa.isDead(s))
        XCTAssertFalse(try dfa.isDead(dfa.initialState))
    }

    func testShortestAndRandomAcceptedStrings() throws {
        var dfa = try ByteDFA(ecma: "ab+c", mode: .fullMatch)
        XCTAssertEqual(try dfa.shortestAcceptedBytes(), Array("abc".utf8))
        let text = try XCTUnwrap(dfa.randomAcceptedString(seed: 3))
        XCTAssertTrue(try dfa.matches(text), text)
        XCTAssertTrue(text.hasPrefix("ab") && text.hasSuffix("c"), text)
        let pattern = "^(?=.*[A-Z])(?=.*\\d)[\\p{L}\\d]{8,12}$"
        var uni = try ByteDFA(ecma: pattern, mode: .search)
        // Explicit sets: PCRE2 10.42's Unicode 14 lacks letters our Unicode 15 tables have.
        let reference = try PCRE2Regex(XCTUnwrap(pcre2Equivalent(ofECMA: pattern)))
        for seed in 0..<50 as Range<UInt64> {
            guard let bytes = try uni.randomAcceptedBytes(seed: seed, maxLength: 20) else { return XCTFail("empty") }
            let text = String(validating: bytes, as: UTF8.self)
            XCTAssertNotNil(text, "seed \(seed): invalid UTF-8 \(bytes)")
            XCTAssertTrue(try uni.matches(bytes), "seed \(seed)")
            if let text {
                XCTAssertTrue(reference.search(text), "seed \(seed): \(text)")
            }
        }
        var none = try ByteDFA(ecma: "[]", mode: .fullMatch)
        XCTAssertNil(try none.randomAcceptedBytes(seed: 1))
        XCTAssertNil(try none.shortestAcceptedBytes())
    }

    func testLiteralConcatAndRepeatBuilders() throws {
        var ir = RegexIR()
        let kw = ir.or([ir.literal("true"), ir.literal("false"), ir.literal("null")])
        let list = ir.concat([ir.literal("["), kw, ir.repeat(ir.concat([ir.literal(","), kw]), min: 0, max: 2), ir.literal("]")])
        var dfa = ByteDFA(ir, root: list)
        XCTAssertTrue(try dfa.matches("[true,null,false]"))
        XCTAssertFalse(try dfa.matches("[true,null,false,true]"))
        XCTAssertFalse(try dfa.matches("[]"))
    }

    func testByteClassesAreFewAndTransitionsCached() throws {
        var dfa = try ByteDFA(ecma: "[a-z]+[0-9]", mode: .fullMatch)
        XCTAssertLessThanOrEqual(dfa.classCount, 4)
        try dfa.determinizeAll()
        let n = dfa.stateCount
        XCTAssertTrue(try dfa.matches("abc7"))
        XCTAssertEqual(dfa.stateCount, n)
        XCTAssertNotNil(dfa.cachedNext(dfa.initialState, UInt8(ascii: "q")))
    }

    func testUTF8SequencesCoverExactlyValidEncodings() {
        // Every scalar in the set, and nothing else, is matched by the sequences.
        let set = CodePointSet(ranges: [0x41...0x41, 0x7F...0x81, 0x7FF...0x800, 0xD7FF...0xE000, 0xFFFF...0x10000, 0x10FFFF...0x10FFFF])
        let seqs = set.utf8Sequences
        func matches(_ bytes: [UInt8]) -> Bool {
            seqs.contains { s in s.ranges.count == bytes.count && zip(s.ranges, bytes).allSatisfy { $0.contains($1) } }
        }
        for cp in [0x40, 0x41, 0x42, 0x7E, 0x7F, 0x80, 0x81, 0x82, 0x7FE, 0x7FF, 0x800, 0x801, 0xD7FF, 0xE000, 0xE001, 0xFFFE, 0xFFFF, 0x10000, 0x10001, 0x10FFFF] as [UInt32] {
            let bytes = Array(String(Unicode.Scalar(cp)!).utf8)
            XCTAssertEqual(matches(bytes), set.contains(cp), String(cp, radix: 16))
        }
        XCTAssertFalse(matches([0xED, 0xA0, 0x80]))
        XCTAssertEqual(CodePointSet(ranges: [0x80...0x7FF]).utf8Sequences, [UTF8RangeSequence(ranges: [0xC2...0xDF, 0x80...0xBF])])
    }

    func testAPIExamplesInDocs() throws {
        let r = try ByteRegex(ecma: "^\\p{Lu}\\w*$", mode: .search)
        XCTAssertTrue(try r.matches("Hello"))
        XCTAssertFalse(try r.matches("hello"))
        XCTAssertEqual(pcre2Equivalent(ofECMA: "^\\d+$"), "^(?:[\\x{30}-\\x{39}]){1,}$")
    }

    func testStreamingAdvanceEqualsWholeMatch() throws {
        var dfa = try ByteDFA(ecma: "^(?:\\w+@\\w+\\.com)(?:,\\w+@\\w+\\.com)*$", mode: .search)
        let text = Array("ann@x.com,bob@y.com,cé@z.com".utf8)
        var whole = dfa
        XCTAssertFalse(try whole.matches(text))  // é is not \w
        let ok = Array("ann@x.com,bob@y.com".utf8)
        for split in 0...ok.count {
            var s = dfa.initialState
            s = try ok[..<split].withUnsafeBufferPointer { try dfa.advance(s, over: $0) }
            s = try ok[split...].withUnsafeBufferPointer { try dfa.advance(s, over: $0) }
            XCTAssertTrue(dfa.isAccepting(s), "split \(split)")
        }
        // A non-contiguous sequence takes the byte-by-byte path.
        XCTAssertTrue(try dfa.matches(ok.lazy.map { $0 }))
        XCTAssertFalse(try dfa.matches(text.lazy.map { $0 }))
    }
}
