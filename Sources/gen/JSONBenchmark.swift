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
        let urls = try SharedData.files("jsonschemabench", shared: shared)
        var files: [Data] = []
        var instances: [Data] = []
        for (k, url) in urls.enumerated() where k % max(1, sample) == 0 {
            let data = try Data(contentsOf: url)
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
        print("corpus: \(SharedData.root(shared).appendingPathComponent("jsonschemabench").path)")
        for (label, corpus) in [("schema files", files), ("instances", instances)] {
            let bytes = corpus.reduce(0) { $0 + $1.count }
            // Rounds alternate between the parsers so a change in machine load hits both alike.
            var ours = Double.infinity, foundation = Double.infinity
            for _ in 0..<max(1, rounds) {
                if parser != "foundation" {
                    ours = min(ours, try Stopwatch.seconds { for d in corpus { _ = try JSONParser.parse(d) } })
                }
                if parser != "ours" {
                    foundation = min(foundation, try Stopwatch.seconds {
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
}
