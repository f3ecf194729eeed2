import ArgumentParser

/// The `gen` command: constrained generation and the tools around it.
@main
struct Gen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gen",
        abstract: "Structured generation: output that always matches a JSON Schema, regex or grammar.",
        subcommands: [
            GenerateCommand.self, CheckCommand.self, ValidateCommand.self, ConformanceCommand.self, TokenizeCommand.self,
            DetokenizeCommand.self, BenchCommand.self, BenchmarkCommand.self, MaskBenchCommand.self,
        ],
        defaultSubcommand: GenerateCommand.self
    )
}
