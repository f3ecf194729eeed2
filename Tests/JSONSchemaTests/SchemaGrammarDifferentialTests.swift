import Foundation
import Grammar
import XCTest

@testable import JSONSchema

/// The compiled grammar against the labels (which the validator agrees with) at the byte level:
/// every schema of Fixtures/ and a fixed sample of ../shared/jsonschemabench that compiles must
/// reject every invalid instance (`json.dumps` spelling) and accept every valid one, except where a
/// documented policy rejects it (keys out of the schema's order; exponent spellings of numbers under
/// value bounds). The counts are printed.
final class SchemaGrammarDifferentialTests: XCTestCase {
    struct Tally {
        var files = 0, compiled = 0, refused = 0
        var validAccepted = 0, validRejected = 0, invalidRejected = 0
        var invalidAccepted: [String] = []
        var unexplainedRejections: [String] = []
    }

    /// Whether a valid instance's rejection is one of the documented policies.
    static func explained(_ data: JSONValue) -> Bool {
        // Exponent or big plain numbers (bounds compile to plain-notation automata).
        let text = JSONWriter.string(data, options: .pythonDumps)
        // Host names with A-labels (the hostname/email languages leave xn-- labels out).
        if text.lowercased().contains("xn--") { return true }
        if text.contains("e+") || text.contains("e-") || text.range(of: #"[0-9]e[0-9]"#, options: .regularExpression) != nil { return true }
        // Objects with more than one key may be out of the schema's order.
        func multiKey(_ v: JSONValue) -> Bool {
            switch v {
            case .object(let o): return o.count > 1 || o.uniqueMembers.contains { multiKey($0.value) }
            case .array(let xs): return xs.contains(where: multiKey)
            default: return false
            }
        }
        return multiKey(data)
    }

    func run(_ files: [URL], _ tally: inout Tally) throws {
        for url in files {
            tally.files += 1
            let document = try JSONParser.parse(try Data(contentsOf: url))
            let grammar: JSONSchemaGrammar
            do { grammar = try JSONSchemaGrammar(document["schema"] ?? .null) } catch {
                tally.refused += 1
                continue
            }
            tally.compiled += 1
            for (i, test) in (document["tests"]?.arrayValue ?? []).enumerated() {
                guard let data = test["data"], let valid = test["valid"]?.boolValue else { continue }
                var parser = try EarleyParser(grammar.grammar)
                let accepted = try parser.push(bytes: JSONWriter.bytes(data, options: .pythonDumps)) && parser.isAccepting
                let name = "\(url.lastPathComponent) test \(i)"
                switch (valid, accepted) {
                case (true, true): tally.validAccepted += 1
                case (true, false):
                    tally.validRejected += 1
                    if !Self.explained(data) { tally.unexplainedRejections.append(name) }
                case (false, false): tally.invalidRejected += 1
                case (false, true): tally.invalidAccepted.append(name)
                }
            }
        }
    }

    func report(_ label: String, _ t: Tally) {
        print("\(label): \(t.files) files, \(t.compiled) compiled, \(t.refused) refused; valid accepted \(t.validAccepted), "
              + "valid rejected \(t.validRejected) (unexplained \(t.unexplainedRejections.count)), invalid rejected \(t.invalidRejected), "
              + "invalid accepted \(t.invalidAccepted.count)")
        for n in t.unexplainedRejections.prefix(20) { print("  valid rejected: \(n)") }
    }

    func testFixturesNeverAcceptAnInvalidInstance() throws {
        let files = FixtureValidatorTests.fixtureFiles(under: FixtureValidatorTests.root)
        XCTAssertGreaterThan(files.count, 150)
        var t = Tally()
        try run(files, &t)
        report("Fixtures", t)
        XCTAssertEqual(t.invalidAccepted, [], "invalid instances accepted by the compiled grammar")
        XCTAssertEqual(t.unexplainedRejections, [], "valid instances rejected for no documented reason")
        XCTAssertGreaterThan(t.compiled, 150, "fewer fixtures compile than before")
    }

    func testJSONSchemaBenchSampleNeverAcceptsAnInvalidInstance() throws {
        guard let folder = SharedData.folder("jsonschemabench") else { return }
        let all = SharedData.files(in: folder)
        // A fixed sample: every 300th file (31), the same on every run (debug builds compile slowly).
        let sample = all.enumerated().filter { $0.offset % 300 == 0 }.map(\.element)
        var t = Tally()
        try run(sample, &t)
        report("jsonschemabench sample", t)
        XCTAssertEqual(t.invalidAccepted, [], "invalid instances accepted by the compiled grammar")
        XCTAssertGreaterThan(t.compiled * 100, t.files * 75, "fewer than 75% of the sample compiles")
    }
}
