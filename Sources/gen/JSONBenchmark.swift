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
        let root = shared ?? ProcessInfo.processInfo.environment["STRUCTGEN_SHARED"] ?? "../shared"
        let folder = URL(fileURLWithPath: root).appendingPathComponent("jsonschemabench")
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else {
            throw ValidationError("jsonschemabench not found at \(folder.path) (pass --shared or set STRUCTGEN_SHARED)")
        }
        var files: [Data] = []
        var instances: [Data] = []
        for name in names.sorted() where name.hasSuffix(".json") {
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
            let ours = try best(rounds) {
                for d in corpus { _ = try JSONParser.parse(d) }
            }
            let foundation = try best(rounds) {
                for d in corpus { _ = try JSONSerialization.jsonObject(with: d, options: [.fragmentsAllowed]) }
            }
            let mb = Double(bytes) / 1_000_000
            print(String(format: "%@: %d texts, %.1f MB", label, corpus.count, mb))
            print(String(format: "  JSONParser         %8.1f MB/s  (%.3f s)", mb / ours, ours))
            print(String(format: "  JSONSerialization  %8.1f MB/s  (%.3f s)", mb / foundation, foundation))
            print(String(format: "  ratio              %8.2fx (JSONSerialization time / JSONParser time)", foundation / ours))
        }
    }

    /// The fastest of `rounds` runs of `body`, in seconds.
    private func best(_ rounds: Int, _ body: () throws -> Void) throws -> Double {
        var best = Double.infinity
        for _ in 0..<max(1, rounds) {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return best
    }
}
