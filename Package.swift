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
        // SIMD loops with no domain knowledge.
        .target(name: "Kernels"),
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
                "Grammar", "JSONSchema", "Decoder",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "KernelsTests", dependencies: ["Kernels"]),
        .testTarget(name: "GrammarTests", dependencies: ["Grammar", "CPCRE2"]),
        .testTarget(name: "JSONSchemaTests", dependencies: ["JSONSchema", "Grammar"]),
        .testTarget(name: "DecoderTests", dependencies: ["Decoder", "Kernels"]),
        .testTarget(name: "genTests", dependencies: ["gen"]),
    ]
)

