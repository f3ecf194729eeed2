import ArgumentParser
import Decoder
import Foundation
import Grammar

/// The constraint options shared by `gen` (generate) and `gen check`: at most one of a JSON
/// Schema, a regex, a GBNF grammar or a Lark grammar, read into a `Constraint`.
///
/// ```swift
/// @OptionGroup var constraints: ConstraintOptions
/// let c = try constraints.constraint()   // .none when no option was given
/// ```
struct ConstraintOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("A JSON Schema file (keys in the schema's order: properties, then other required names).", valueName: "path"))
    var schema: String?

    @Option(name: .long, help: ArgumentHelp("An ECMA-262 regular expression the whole text must match.", valueName: "pattern"))
    var regex: String?

    @Option(name: .long, help: ArgumentHelp("A GBNF grammar file (start rule 'root').", valueName: "path"))
    var grammar: String?

    @Option(name: .long, help: ArgumentHelp("A Lark grammar file (start rule 'start'; %import reads beside it).", valueName: "path"))
    var lark: String?

    @Option(name: .long, help: ArgumentHelp("The --lark start rule (default: start).", valueName: "rule"))
    var start: String?

    @Option(name: .long, help: ArgumentHelp("A --lark post-lexer, as Lark's postlex: python (lark.indenter.PythonIndenter: _NEWLINE, _INDENT, _DEDENT).", valueName: "name"))
    var postlex: String?

    /// How many of the four options were given.
    var count: Int { [schema, regex, grammar, lark].compactMap { $0 }.count }

    /// The constraint the options name; `.none` when none was given. Files that cannot be read
    /// are errors naming the path.
    func constraint() throws -> Constraint {
        func read(_ path: String) throws -> String {
            guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
            return String(decoding: data, as: UTF8.self)
        }
        if let schema { return .jsonSchema(try read(schema)) }
        if let regex { return .regex(regex) }
        if let grammar { return .gbnf(try read(grammar)) }
        if let lark {
            let dir = (lark as NSString).deletingLastPathComponent
            let loader: @Sendable (String) -> String? = { name in
                FileManager.default.contents(atPath: (dir as NSString).appendingPathComponent(name + ".lark"))
                    .map { String(decoding: $0, as: UTF8.self) }
            }
            guard start != nil || postlex != nil else { return .lark(try read(lark), loader: loader) }
            var options: IndentationPostLexer.Options? = nil
            if let postlex {
                guard postlex == "python" else { throw ValidationError("--postlex must be python (Lark's PythonIndenter)") }
                options = .python
            }
            return .grammar(try Lark.compile(try read(lark), start: start ?? "start", postLexer: options, loader: loader))
        }
        if start != nil || postlex != nil { throw ValidationError("--start and --postlex go with --lark") }
        return .none
    }
}
