import Foundation
import Grammar
import JSONSchema

/// What the output must match: a JSON Schema, a regex, a GBNF or Lark grammar, or a grammar
/// compiled beforehand (to share the compile across calls).
///
/// ```swift
/// let c1 = Constraint.regex(#"\d{3}-\d{4}"#)
/// let c2 = Constraint.jsonSchema(#"{"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}"#)
/// let c3 = Constraint.gbnf(#"root ::= "yes" | "no""#)
/// let c4 = Constraint.lark("start: WORD (\" \" WORD)*\n%import common.WORD")
/// let c5 = Constraint.grammar(try c1.compile())   // compiled once, reused
/// ```
public enum Constraint: Sendable {
    /// An ECMA-262 regular expression the whole output matches.
    case regex(String)
    /// A GBNF grammar (llama.cpp's format), start rule `root`.
    case gbnf(String)
    /// A Lark grammar, start rule `start`; `%import` of modules other than `common` reads them
    /// through `loader` (module name → source text).
    case lark(String, loader: (@Sendable (String) -> String?)? = nil)
    /// A JSON Schema, as text.
    case jsonSchema(String)
    /// A JSON Schema, parsed.
    case schema(JSONValue)
    /// A grammar in the engine's IR (e.g. from a front-end of your own).
    case grammarIR(GrammarIR)
    /// A compiled grammar.
    case grammar(CompiledGrammar)
    /// No constraint (plain sampling; for comparisons and benchmarks).
    case none

    /// How generated JSON is spelled: compact (`{"name":"Ana","tags":["a","b"]}`, as
    /// `json.dumps(separators=(",", ":"), ensure_ascii=False)` writes it), keys and string
    /// constants in their canonical spelling (no `\u006b` for `k`), numbers in plain notation
    /// (no exponent: `SchemaGrammarOptions.plainNumbers`).
    ///
    /// Why compact: with room for whitespace (`SchemaGrammarOptions.generation` allows one
    /// character in each place) a small model at high temperature spends it on odd layouts such
    /// as `{"name":"Ana"\n,"age"` — valid, but not what anyone wants to read — and on tokens
    /// that carry nothing. Compact output is exact (every text is a valid instance), natural,
    /// and the shortest. Pass `schemaOptions:` to `compile` for `.bounded(n)` or `.flexible`.
    ///
    /// ```swift
    /// let g = try Constraint.jsonSchema(#"{"type": "object"}"#).compile()                 // compact
    /// let roomy = try Constraint.jsonSchema(#"{"type": "object"}"#).compile(schemaOptions: .generation)
    /// ```
    public static let defaultSchemaOptions = SchemaGrammarOptions(whitespace: .compact, canonicalStringLiterals: true,
                                                                  plainNumbers: true)

    /// The compiled grammar (nil for `.none`); errors say where and why.
    ///
    /// Schemas go through the exact JSON Schema compiler (`JSONSchemaGrammar`); a keyword it
    /// cannot enforce exactly is an error naming its JSON pointer. `schemaOptions` default to
    /// `Constraint.defaultSchemaOptions` (compact JSON, canonical spellings).
    public func compile(schemaOptions: SchemaGrammarOptions = Constraint.defaultSchemaOptions) throws(GenerationError) -> CompiledGrammar? {
        do {
            switch self {
            case .none: return nil
            case .grammar(let g): return g
            case .grammarIR(let ir): return try GrammarCompiler.compile(ir)
            case .regex(let p):
                // Validate with the regex parser first: its errors carry the offset in the pattern.
                do { _ = try RegexPattern.parse(p) } catch { throw GenerationError.constraint("regex: \(error)") }
                let ir = GrammarIR(rules: [Rule(name: "root", body: .regex(p, dialect: .ecma))], start: RuleID(0))
                return try GrammarCompiler.compile(ir)
            case .gbnf(let source): return try GrammarCompiler.compile(GBNF.parse(source))
            case .lark(let source, let loader): return try GrammarCompiler.compile(Lark.parse(source, loader: loader))
            case .jsonSchema(let text):
                let value: JSONValue
                do { value = try JSONValue(parsing: text) } catch { throw GenerationError.constraint("schema is not JSON: \(error)") }
                return try Constraint.schema(value).compile(schemaOptions: schemaOptions)
            case .schema(let value):
                do {
                    return try JSONSchemaGrammar(value, options: schemaOptions).grammar
                } catch {
                    throw GenerationError.constraint("schema \(error)")
                }
            }
        } catch let e as GenerationError {
            throw e
        } catch {
            throw .constraint("\(error)")
        }
    }
}
