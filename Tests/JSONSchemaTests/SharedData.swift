import Foundation
import XCTest

/// Locates ../shared (or $STRUCTGEN_SHARED) for tests; a missing folder is a test failure naming it.
enum SharedData {
    static var root: URL {
        if let env = ProcessInfo.processInfo.environment["STRUCTGEN_SHARED"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        // Tests/JSONSchemaTests/SharedData.swift → package root → ../shared
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared")
    }

    /// The folder `relative` under the shared root, or an XCTFail naming it and nil.
    static func folder(_ relative: String, file: StaticString = #filePath, line: UInt = #line) -> URL? {
        let url = root.appendingPathComponent(relative)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            XCTFail("shared test data missing: \(url.path) (set STRUCTGEN_SHARED)", file: file, line: line)
            return nil
        }
        return url
    }

    /// Sorted regular files with `suffix` in `folder`.
    static func files(in folder: URL, suffix: String = ".json") -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(suffix) }.sorted().map { folder.appendingPathComponent($0) }
    }
}
