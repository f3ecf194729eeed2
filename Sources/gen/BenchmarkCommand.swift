import ArgumentParser

/// `gen benchmark …`: speed measurements that print numbers (release builds), one subcommand per component.
struct BenchmarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "benchmark",
        abstract: "Measure components and print numbers (build with -c release).",
        subcommands: [JSONBenchmark.self, RegexBenchmark.self, KernelsBenchmark.self, GrammarBenchmark.self]
    )
}
