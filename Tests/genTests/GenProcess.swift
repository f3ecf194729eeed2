import Foundation
import XCTest

/// Runs the built `gen` executable (beside the test bundle in the build folder) as a user would.
enum GenProcess {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static var executable: URL {
        // The test runner lives in .build/<triple>/<config>/; so does `gen`.
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while dir.pathExtension == "xctest" || dir.lastPathComponent == "MacOS" || dir.lastPathComponent == "Contents" {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("gen")
    }

    static func run(_ arguments: [String], stdin: String = "", file: StaticString = #filePath, line: UInt = #line) throws -> Result {
        let exe = executable
        guard FileManager.default.isExecutableFile(atPath: exe.path) else {
            XCTFail("gen is not built at \(exe.path): run `swift build --build-tests` first", file: file, line: line)
            return Result(status: -1, stdout: "", stderr: "")
        }
        let p = Process()
        p.executableURL = exe
        p.arguments = arguments
        let input = Pipe(), output = Pipe(), errors = Pipe()
        p.standardInput = input
        p.standardOutput = output
        p.standardError = errors
        try p.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                      stderr: String(decoding: err, as: UTF8.self))
    }
}
