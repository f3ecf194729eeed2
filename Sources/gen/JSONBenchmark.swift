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

    @Option(help: "Timed rounds per parser and corpus; the best round counts.")
    var rounds: Int = 5

    func run() throws {
        let urls = try SharedData.files("jsonschemabench", shared: shared)
        var files: [Data] = []
        var instances: [Data] = []
        for url in urls {
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
            let ours = try Stopwatch.best(rounds) {
                for d in corpus { _ = try JSONParser.parse(d) }
            }
            let foundation = try Stopwatch.best(rounds) {
                for d in corpus { _ = try JSONSerialization.jsonObject(with: d, options: [.fragmentsAllowed]) }
            }
            let mb = Double(bytes) / 1_000_000
            print(String(format: "%@: %d texts, %.1f MB", label, corpus.count, mb))
            print(String(format: "  JSONParser         %8.1f MB/s  (%.3f s)", mb / ours, ours))
            print(String(format: "  JSONSerialization  %8.1f MB/s  (%.3f s)", mb / foundation, foundation))
            print(String(format: "  ratio              %8.2fx (JSONSerialization time / JSONParser time)", foundation / ours))
        }
    }
}
