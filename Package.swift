// swift-tools-version: 6.1
// The structured-generation engine: grammars, JSON Schema, a llama-family runtime and the CLI.
import PackageDescription

let package = Package(
    name: "structgen",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Kernels", targets: ["Kernels"]),
        .library(name: "Grammar", targets: ["Grammar"]),
        .library(name: "JSONSchema", targets: ["JSONSchema"]),
        .library(name: "Decoder", targets: ["Decoder"]),
        .executable(name: "gen", targets: ["gen"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
    ],
    targets: [
        // PCRE2, the reference regex engine: `pattern` validation and differential tests.
        .systemLibrary(
            name: "CPCRE2",
            pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"])]
        ),
        // SIMD loops with no domain knowledge. See kernelsSwiftSettings below and docs/kernels.md.
        .target(name: "Kernels", swiftSettings: kernelsSwiftSettings),
        // Regex engine, grammar IR and front-ends, lexer, Earley parser, token trie, matcher.
        .target(
            name: "Grammar",
            dependencies: ["Kernels", "CPCRE2", .product(name: "Collections", package: "swift-collections")]
        ),
        // Ordered JSON, schema loading, validator, compiler to grammar.
        .target(
            name: "JSONSchema",
            dependencies: ["Grammar", "CPCRE2", .product(name: "Collections", package: "swift-collections")]
        ),
        // GGUF, tokenizers, model runtime, samplers, generation.
        .target(
            name: "Decoder",
            dependencies: ["Kernels", "Grammar", "JSONSchema"]
        ),
        .executableTarget(
            name: "gen",
            dependencies: [
                "Grammar", "JSONSchema", "Decoder", "CPCRE2",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "KernelsTests", dependencies: ["Kernels"]),
        .testTarget(name: "GrammarTests", dependencies: ["Grammar", "CPCRE2", "Decoder"]),
        .testTarget(name: "JSONSchemaTests", dependencies: ["JSONSchema", "Grammar"]),
        .testTarget(name: "DecoderTests", dependencies: ["Decoder", "Kernels"]),
        .testTarget(name: "genTests", dependencies: ["gen"], exclude: ["Snapshots"]),
    ]
)


/// The Kernels target's code generation. On x86_64 hosts the AVX2/FMA/F16C paths (Intel intrinsics
/// through Clang's `_Builtin_intrinsics.intel` module) are compiled in and `KERNELS_AVX2` is defined;
/// elsewhere, or with `STRUCTGEN_PORTABLE_KERNELS=1` in the environment, only the portable Swift
/// paths are built. The flags apply to the Kernels target alone, so other targets stay portable;
/// the binary then requires a CPU with AVX2, FMA and F16C (Haswell / Zen 1 or newer).
///
/// Debug builds optimise this target too (`-O` after SwiftPM's `-Onone`): unoptimised intrinsics
/// are calls, not instructions, and the model tests (ModelReferenceTests: 12 prompts, ~600
/// forward passes of a 135M-parameter model) took over ten minutes of CPU without it.
var kernelsSwiftSettings: [SwiftSetting] {
    let debugOptimised: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]
    #if arch(x86_64)
    if Context.environment["STRUCTGEN_PORTABLE_KERNELS"] != "1" {
        return [
            .define("KERNELS_AVX2"),
            .unsafeFlags(["-Xcc", "-mavx2", "-Xcc", "-mfma", "-Xcc", "-mf16c"]),
        ] + debugOptimised
    }
    #endif
    return debugOptimised
}
