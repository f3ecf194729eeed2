#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the default model (SmolLM2-135M-Instruct, Q4_1) is looked for when no `--model` is given.
///
/// `$STRUCTGEN_MODEL` if set; otherwise `.cache/models/SmolLM2-135M-Instruct.Q4_1.gguf` under the
/// package root, found by walking up from the current directory to a `Package.swift`, then from
/// this source file's location (a development build run from elsewhere).
/// ```swift
/// let tok = try Tokenizer(contentsOf: DefaultModel.path())
/// ```
public enum DefaultModel {
    public static let relativePath = ".cache/models/SmolLM2-135M-Instruct.Q4_1.gguf"

    public static func path(environment: [String: String] = currentEnvironment()) -> String {
        if let p = environment["STRUCTGEN_MODEL"], !p.isEmpty { return p }
        // This source file is Sources/Decoder/GGUF/DefaultModel.swift under the package root.
        let sourceRoot = String(#filePath.split(separator: "/", omittingEmptySubsequences: false)
            .dropLast(4).joined(separator: "/"))
        var candidates: [String] = []
        if let cwd = currentDirectory() { candidates.append(cwd) }
        candidates.append(sourceRoot)
        for start in candidates {
            var dir = start
            while !dir.isEmpty {
                if access(dir + "/Package.swift", F_OK) == 0 {
                    let p = dir + "/" + relativePath
                    if access(p, F_OK) == 0 { return p }
                }
                guard let slash = dir.lastIndex(of: "/") else { break }
                dir = String(dir[..<slash])
            }
        }
        // Not fetched yet: name the place scripts/setup.sh puts it.
        if access(sourceRoot + "/Package.swift", F_OK) == 0 { return sourceRoot + "/" + relativePath }
        return relativePath
    }

    public static func currentEnvironment() -> [String: String] {
        var env: [String: String] = [:]
        var p = environ
        while let entry = p.pointee {
            let s = String(cString: entry)
            if let eq = s.firstIndex(of: "=") { env[String(s[..<eq])] = String(s[s.index(after: eq)...]) }
            p += 1
        }
        return env
    }

    private static func currentDirectory() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return nil }
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
