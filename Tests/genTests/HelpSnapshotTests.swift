import ArgumentParser
import Foundation
import XCTest

@testable import gen

/// Every command's `--help` text is a snapshot under Tests/genTests/Snapshots, so a change to the
/// CLI's surface shows up in review. Record new snapshots with `STRUCTGEN_RECORD_SNAPSHOTS=1 swift test`.
final class HelpSnapshotTests: XCTestCase {
    private static let snapshots = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Snapshots")

    /// The command and every subcommand below it, with their space-separated names from the root.
    private func allCommands(
        _ command: ParsableCommand.Type, path: [String] = []
    ) -> [(path: [String], command: ParsableCommand.Type)] {
        let name = command.configuration.commandName ?? String(describing: command).lowercased()
        let here = path + [name]
        return [(here, command)] + command.configuration.subcommands.flatMap { allCommands($0, path: here) }
    }

    func testHelpTextsMatchSnapshots() throws {
        let record = ProcessInfo.processInfo.environment["STRUCTGEN_RECORD_SNAPSHOTS"] == "1"
        var expectedFiles = Set<String>()
        for (path, _) in allCommands(Gen.self) {
            let file = path.joined(separator: "-") + ".txt"
            expectedFiles.insert(file)
            let help = Gen.helpMessage(for: try subcommand(path), columns: 100) + "\n"
            let url = Self.snapshots.appendingPathComponent(file)
            if record {
                try FileManager.default.createDirectory(at: Self.snapshots, withIntermediateDirectories: true)
                try help.write(to: url, atomically: true, encoding: .utf8)
                continue
            }
            guard let stored = try? String(contentsOf: url, encoding: .utf8) else {
                XCTFail("no snapshot \(file) for `\(path.joined(separator: " ")) --help`; record with STRUCTGEN_RECORD_SNAPSHOTS=1")
                continue
            }
            XCTAssertEqual(help, stored, "help of `\(path.joined(separator: " "))` changed; re-record if intended")
        }
        // A snapshot without a command is stale.
        let present = (try? FileManager.default.contentsOfDirectory(atPath: Self.snapshots.path)) ?? []
        for file in present where file.hasSuffix(".txt") && !expectedFiles.contains(file) && !record {
            XCTFail("stale snapshot \(file): no such command")
        }
    }

    private func subcommand(_ path: [String]) throws -> ParsableCommand.Type {
        var command: ParsableCommand.Type = Gen.self
        for name in path.dropFirst() {
            guard let next = command.configuration.subcommands.first(where: {
                ($0.configuration.commandName ?? String(describing: $0).lowercased()) == name
            }) else { throw CocoaError(.fileNoSuchFile) }
            command = next
        }
        return command
    }

    func testRootHelpNamesTheProduct() {
        let help = Gen.helpMessage(columns: 100)
        XCTAssertTrue(help.contains("USAGE: gen"), help)
        XCTAssertTrue(help.contains("benchmark"), help)
    }
}
