import ArgumentParser
import Foundation

/// Where the shared benchmark and conformance data lives: `--shared`, else `$STRUCTGEN_SHARED`,
/// else `../shared` (relative to the current directory, the package root when run from a clone).
enum SharedData {
    static func root(_ option: String?) -> URL {
        URL(fileURLWithPath: option ?? ProcessInfo.processInfo.environment["STRUCTGEN_SHARED"] ?? "../shared")
    }

    /// The sorted `*.suffix` files of `relative` under the shared root; a clear error when absent.
    static func files(_ relative: String, suffix: String = ".json", shared: String?) throws -> [URL] {
        let folder = root(shared).appendingPathComponent(relative)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else {
            throw ValidationError("\(relative) not found at \(folder.path) (pass --shared or set STRUCTGEN_SHARED)")
        }
        return names.filter { $0.hasSuffix(suffix) }.sorted().map { folder.appendingPathComponent($0) }
    }
}

/// Wall-clock timing for benchmarks.
enum Stopwatch {
    /// Seconds `body` took.
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// The fastest of `rounds` runs of `body`, in seconds.
    static func best(_ rounds: Int, _ body: () throws -> Void) rethrows -> Double {
        var best = Double.infinity
        for _ in 0..<max(1, rounds) { best = min(best, try seconds(body)) }
        return best
    }

    /// The value at quantile `q` (0...1) of `samples` (nearest rank).
    static func percentile(_ samples: [Double], _ q: Double) -> Double {
        guard !samples.isEmpty else { return .nan }
        let sorted = samples.sorted()
        let rank = min(sorted.count - 1, max(0, Int((q * Double(sorted.count)).rounded(.up)) - 1))
        return sorted[rank]
    }
}
