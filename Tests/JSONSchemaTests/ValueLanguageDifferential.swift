import Foundation
import Grammar
import XCTest

@testable import JSONSchema

/// Compares a leaf language's automaton with the validator (formats asserted) on JSON texts.
struct ValueLanguageDifferential {
    var dfa: ByteDFA
    let validator: CompiledSchema
    /// True when the schema has value keywords on numbers: exponent spellings are outside the
    /// language by policy (docs/json-schema-compiler.md), so only soundness is checked for them.
    let plainNumbersOnly: Bool
    var checked = 0, policySkipped = 0
    var disagreements: [String] = []

    init(schema: JSONValue, draft: Draft = .draft2020_12) throws {
        var ir = RegexIR()
        let root = try JSONValueLanguage.language(for: schema, in: &ir)
        dfa = ByteDFA(ir, root: root)
        validator = try CompiledSchema(schema, options: ValidatorOptions(defaultDraft: draft, assertFormats: true))
        let keys = Set(schema.objectValue?.keys ?? [])
        plainNumbersOnly = !keys.isDisjoint(with: ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "enum", "const"])
            || schema["type"] == "integer"
    }

    /// Checks one text: well-formed scalar JSON texts must be accepted exactly when valid.
    mutating func check(_ bytes: [UInt8]) throws {
        guard let value = try? JSONValue(parsing: bytes) else {
            // Not JSON (or not a single value without whitespace): the automaton must reject it.
            if try dfa.matches(bytes) { disagreements.append("accepts non-JSON \(String(decoding: bytes, as: UTF8.self).debugDescription)") }
            return
        }
        let text = String(decoding: bytes, as: UTF8.self)
        if let first = bytes.first, first == 0x20 || first == 0x0A || first == 0x09 || first == 0x0D
            || [0x20, 0x0A, 0x09, 0x0D].contains(bytes.last!) {
            if try dfa.matches(bytes) { disagreements.append("accepts whitespace \(text.debugDescription)") }
            return
        }
        let accepted = try dfa.matches(bytes), valid = validator.isValid(value)
        if case .number = value, plainNumbersOnly, bytes.contains(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
            policySkipped += 1
            if accepted && !valid { disagreements.append("accepts invalid \(text.debugDescription)") }
            return
        }
        checked += 1
        if accepted != valid { disagreements.append("\(accepted ? "accepts invalid" : "rejects valid") \(text.debugDescription)") }
    }

    /// Random accepted texts (each must be valid) and their one-byte mutations.
    mutating func run(samples: Int, extra: [String], seed: UInt64 = 1) throws {
        var rng = SplitMix64(seed: seed)
        let alphabet = Array("0123456789-+.eE\"\\u/abfnrtzZ:T ~#{}[]".utf8) + [0x00, 0x1F, 0xC3, 0xA9]
        for text in extra { try check(Array(text.utf8)) }
        for k in 0..<samples {
            guard let bytes = try dfa.randomAcceptedBytes(seed: seed &+ UInt64(k), maxLength: 60) else { break }
            try check(bytes)
            for _ in 0..<4 {
                var m = bytes
                let i = Int(rng.next() % UInt64(m.count + 1))
                switch rng.next() % 3 {
                case 0: if i < m.count { m.remove(at: i) }
                case 1: m.insert(alphabet[Int(rng.next() % UInt64(alphabet.count))], at: i)
                default: if i < m.count { m[i] = alphabet[Int(rng.next() % UInt64(alphabet.count))] }
                }
                try check(m)
            }
        }
    }
}
