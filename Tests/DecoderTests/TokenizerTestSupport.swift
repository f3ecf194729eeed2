import Foundation
import XCTest

@testable import Decoder

/// Paths of the shared test data and the default model, with a clear failure when absent.
enum TestData {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static var shared: URL {
        if let p = ProcessInfo.processInfo.environment["STRUCTGEN_SHARED"], !p.isEmpty {
            return URL(fileURLWithPath: p)
        }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }

    /// The file at `relative` under the shared data, or an XCTFail naming the missing path.
    static func sharedFile(_ relative: String, file: StaticString = #filePath, line: UInt = #line) -> URL? {
        let url = shared.appendingPathComponent(relative)
        guard FileManager.default.fileExists(atPath: url.path) else {
            XCTFail("shared test data missing: \(url.path) (set STRUCTGEN_SHARED)", file: file, line: line)
            return nil
        }
        return url
    }

    /// The default model, or an XCTFail naming where it was looked for.
    static func defaultModel(file: StaticString = #filePath, line: UInt = #line) -> String? {
        var candidates = [DefaultModel.path()]
        candidates.append(packageRoot.appendingPathComponent(DefaultModel.relativePath).path)
        for c in candidates where FileManager.default.fileExists(atPath: c) { return c }
        XCTFail("default model missing: looked at \(candidates.joined(separator: ", ")); run scripts/setup.sh", file: file, line: line)
        return nil
    }

    nonisolated(unsafe) private static var cache: [String: Tokenizer] = [:]
    private static let lock = NSLock()

    /// Tokenizers are loaded once per test process.
    static func tokenizer(_ path: String) throws -> Tokenizer {
        lock.lock()
        defer { lock.unlock() }
        if let t = cache[path] { return t }
        let t = try Tokenizer(contentsOf: path)
        cache[path] = t
        return t
    }
}
