import ArgumentParser
import Foundation
import JSONSchema

/// `gen benchmark json`: parse throughput of `JSONParser` beside Foundation's `JSONSerialization`
/// on the same bytes, in the same run (build with `-c release`).
struct JSONBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "json",
        abstract: "Parse throughput (MB/s) of our JSON parser beside Foundation's JSONSerialization."
    )

    @Option(help: "The shared data folder (default: $STRUCTGEN_SHARED, else ../shared).")
    var shared: String?

    @Option(help: "Timed rounds per parser and corpus, alternating the parsers; the best round counts.")
    var rounds: Int = 5

    @Option(help: "Use every Nth file only (for instruction counts under callgrind).")
    var sample: Int = 1

    @Option(help: "Which parsers to run: both, ours or foundation (one alone suits callgrind).")
    var parser: String = "both"

    func run() throws {
        guard ["both", "ours", "foundation"].contains(parser) else {
            throw ValidationError("--parser must be both, ours or foundation")
        }
        let root = shared ?? ProcessInfo.processInfo.environment["STRUCTGEN_SHARED"] ?? "../shared"
        let folder = URL(fileURLWithPath: root).appendingPathComponent("jsonschemabench")
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else {
            throw ValidationError("jsonschemabench not found at \(folder.path) (pass --shared or set STRUCTGEN_SHARED)")
        }
        var files: [Data] = []
        var instances: [Data] = []
        for (k, name) in names.sorted().filter({ $0.hasSuffix(".json") }).enumerated() where k % max(1, sample) == 0 {
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            files.append(data)
            // Instances as the MaskBench protocol feeds them: json.dumps(data, ensure_ascii=False).
            let value = try JSONParser.parse(data)
            for test in value["tests"]?.arrayValue ?? [] {
                if let instance = test["data"] { instances.append(Data(JSONWriter.bytes(instance, options: .pythonDumps))) }
            }
        }
        #if DEBUG
        print("warning: debug build; numbers are only meaningful with -c release")
        #endif
        print("corpus: \(folder.path)")
        for (label, corpus) in [("schema files", files), ("instances", instances)] {
            let bytes = corpus.reduce(0) { $0 + $1.count }
            // Rounds alternate between the parsers so a change in machine load hits both alike.
            var ours = Double.infinity, foundation = Double.infinity
            for _ in 0..<max(1, rounds) {
                if parser != "foundation" {
                    ours = min(ours, try time { for d in corpus { _ = try JSONParser.parse(d) } })
                }
                if parser != "ours" {
                    foundation = min(foundation, try time {
                        for d in corpus { _ = try JSONSerialization.jsonObject(with: d, options: [.fragmentsAllowed]) }
                    })
                }
            }
            let mb = Double(bytes) / 1_000_000
            print(String(format: "%@: %d texts, %.1f MB", label, corpus.count, mb))
            if ours.isFinite { print(String(format: "  JSONParser         %8.1f MB/s  (%.3f s)", mb / ours, ours)) }
            if foundation.isFinite { print(String(format: "  JSONSerialization  %8.1f MB/s  (%.3f s)", mb / foundation, foundation)) }
            if ours.isFinite && foundation.isFinite {
                print(String(format: "  ratio              %8.2fx (JSONSerialization time / JSONParser time)", foundation / ours))
            }
        }
    }

    /// Seconds taken by one run of `body`.
    private func time(_ body: () throws -> Void) throws -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}
