import Foundation
import XCTest

/// Where the shared test data lives: `$STRUCTGEN_SHARED`, else `../shared` beside the package.
enum SharedData {
    static var root: URL {
        if let env = ProcessInfo.processInfo.environment["STRUCTGEN_SHARED"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        // Tests/GrammarTests/SharedData.swift → package root → ../shared
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared")
    }

    /// The files under `relative` with `suffix`, sorted; fails the test (never skips) when absent.
    static func files(_ relative: String, suffix: String, file: StaticString = #filePath, line: UInt = #line) -> [URL] {
        let dir = root.appendingPathComponent(relative)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else {
            XCTFail("shared data missing: \(dir.path) (set STRUCTGEN_SHARED)", file: file, line: line)
            return []
        }
        let found = names.filter { $0.hasSuffix(suffix) }.sorted().map { dir.appendingPathComponent($0) }
        if found.isEmpty { XCTFail("no *\(suffix) files in \(dir.path)", file: file, line: line) }
        return found
    }
}
