import Foundation
import XCTest

@testable import JSONSchema

/// Round trips over ../shared/jsonschemabench: every test instance of all 9,097 files (parse → write
/// → parse, compare, and compact output byte-identical); whole files (compact, Python and indented
/// layouts) on a deterministic sample (every 5th file), and Python parity on every 7th file (it runs
/// `python3`), to keep the debug-build test time low. `gen benchmark json` parses every file.
final class JSONRoundTripTests: XCTestCase {
    private func benchFiles() -> [URL]? {
        guard let folder = SharedData.folder("jsonschemabench") else { return nil }
        let files = SharedData.files(in: folder)
        XCTAssertEqual(files.count, 9097, "expected the 9,097 jsonschemabench files in \(folder.path)")
        return files
    }

    func testRoundTripsOnEveryInstance() throws {
        guard let files = benchFiles() else { return }
        var instances = 0, failures = 0
        for (fileIndex, url) in files.enumerated() {
            let name = url.lastPathComponent
            let file: JSONValue
            do { file = try JSONParser.parse(try Data(contentsOf: url)) } catch {
                XCTFail("\(name): \(error)")
                continue
            }
            // The whole file: compact, python and indented texts all parse back to an equal value.
            let layouts = fileIndex % 5 == 0
                ? [JSONWriterOptions.compact, JSONWriterOptions(layout: .python, ensureASCII: true), JSONWriterOptions(layout: .indented(2))]
                : []
            for options in layouts {
                guard (try? JSONParser.parse(JSONWriter.bytes(file, options: options))) == file else {
                    failures += 1
                    XCTFail("\(name): round trip with \(options.layout) changed the value")
                    continue
                }
            }
            for test in file["tests"]?.arrayValue ?? [] {
                guard let data = test["data"] else { continue }
                instances += 1
                let compact = JSONWriter.bytes(data)
                let again = try JSONParser.parse(compact)
                // Compact in, compact out: byte-identical.
                if again != data || JSONWriter.bytes(again) != compact {
                    failures += 1
                    XCTFail("\(name): instance round trip differs: \(String(decoding: compact, as: UTF8.self).prefix(200))")
                }
            }
        }
        print("round trips: \(files.count) files, \(instances) instances, \(failures) failures")
        XCTAssertGreaterThan(instances, 20_000)
    }

    /// `JSONWriterOptions.pythonDumps` must print exactly what `json.dumps(json.load(f)[...])` prints.
    func testPythonDumpsParity() throws {
        guard let files = benchFiles() else { return }
        let sample = stride(from: 0, to: files.count, by: 7).map { files[$0] }
        guard let python = findExecutable("python3") else {
            XCTFail("python3 is required for the Python parity test and was not found on PATH")
            return
        }
        let script = """
            import json, sys
            out = sys.stdout.buffer
            for path in sys.stdin.read().split("\\n"):
                if not path: continue
                with open(path, encoding="utf-8") as f: d = json.load(f)
                values = [d["schema"]] + [t["data"] for t in d.get("tests", [])]
                for v in values:
                    out.write(json.dumps(v, ensure_ascii=False).encode("utf-8", "surrogatepass") + b"\\n")
                    out.write(json.dumps(v, ensure_ascii=True).encode("ascii") + b"\\n")
            """
        let process = Process()
        process.executableURL = python
        process.arguments = ["-c", script]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let paths = sample.map(\.path).joined(separator: "\n")
        // Write on another thread so a full output pipe cannot deadlock us.
        let writer = Thread {
            input.fileHandleForWriting.write(Data(paths.utf8))
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let pythonOut = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "python3 failed")
        let expected = pythonOut.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast()

        var ours: [[UInt8]] = []
        for url in sample {
            let d = try JSONParser.parse(try Data(contentsOf: url))
            let values = [d["schema"] ?? .null] + (d["tests"]?.arrayValue ?? []).map { $0["data"] ?? .null }
            for v in values {
                ours.append(JSONWriter.bytes(v, options: .pythonDumps))
                var ascii = JSONWriterOptions.pythonDumps
                ascii.ensureASCII = true
                ours.append(JSONWriter.bytes(v, options: ascii))
            }
        }
        XCTAssertEqual(ours.count, expected.count, "value counts differ")
        var mismatches = 0
        for (k, (mine, theirs)) in zip(ours, expected).enumerated() where mine != Array(theirs) {
            mismatches += 1
            if mismatches <= 5 {
                XCTFail("line \(k): ours \(String(decoding: mine, as: UTF8.self).prefix(300))\n python \(String(decoding: theirs, as: UTF8.self).prefix(300))")
            }
        }
        print("Python json.dumps parity: \(sample.count) files, \(ours.count) texts, \(mismatches) mismatches")
        XCTAssertEqual(mismatches, 0)
    }

    private func findExecutable(_ name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(dir)).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }
}
