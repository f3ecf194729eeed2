import Dispatch
import Grammar

/// Where whitespace may stand between the tokens of a JSON text the grammar accepts.
///
/// ```swift
/// let check = SchemaGrammarOptions(whitespace: .flexible)     // any JSON whitespace (instances)
/// let generate = SchemaGrammarOptions(whitespace: .bounded(2)) // no runaway whitespace
/// let tight = SchemaGrammarOptions(whitespace: .compact)       // {"a":1,"b":[2]}
/// ```
public enum WhitespacePolicy: Sendable, Hashable {
    /// RFC 8259 §2: any run of space, tab, LF, CR around `{ } [ ] , :` (what `json.dumps` writes and more).
    case flexible
    /// At most `n` whitespace characters in each of those places.
    case bounded(Int)
    /// No whitespace at all.
    case compact
}

/// Options of the JSON Schema → grammar compiler.
public struct SchemaGrammarOptions: Sendable {
    public var whitespace: WhitespacePolicy
    /// The dialect of a schema without `$schema`.
    public var defaultDraft: Draft
    /// Budget on grammar rules (distributing `anyOf` over `allOf` can multiply them).
    public var maxRules: Int
    /// Budget on schema nodes loaded (passed to the loader).
    public var maxSchemaNodes: Int
    /// Spell object keys and string constants only as `json.dumps(ensure_ascii=False)` does
    /// (no `\u006b` for `k`): for generation, where other spellings only let a model wander
    /// (every text is still valid). Checking instances keeps every spelling (false).
    public var canonicalStringLiterals: Bool
    /// Spell numbers in plain notation only, `-?(0|[1-9][0-9]*)(\.[0-9]+)?` (integers without the
    /// fraction), never with an exponent: for generation. `72e086894173923` is a valid integer,
    /// but Python's `json` (and most consumers) read it as infinity, and a sampled model
    /// otherwise finds such spellings. Checking instances keeps every RFC 8259 spelling (false).
    public var plainNumbers: Bool

    public init(whitespace: WhitespacePolicy = .flexible, defaultDraft: Draft = .draft2020_12,
                maxRules: Int = 20_000, maxSchemaNodes: Int = 200_000, canonicalStringLiterals: Bool = false,
                plainNumbers: Bool = false) {
        self.whitespace = whitespace
        self.canonicalStringLiterals = canonicalStringLiterals
        self.plainNumbers = plainNumbers
        self.defaultDraft = defaultDraft
        self.maxRules = maxRules
        self.maxSchemaNodes = maxSchemaNodes
    }

    /// Room for one whitespace character in each place, canonical spellings, plain numbers.
    public static let generation = SchemaGrammarOptions(whitespace: .bounded(1), canonicalStringLiterals: true,
                                                        plainNumbers: true)
}

/// A JSON Schema compiled to a grammar whose sentences are exactly the JSON texts of valid
/// instances (keys of each object in the schema's order: `properties` order, then other required
/// names; whitespace by `SchemaGrammarOptions.whitespace`), or refused with the JSON pointer of the
/// keyword that cannot be enforced exactly.
///
/// ```swift
/// let g = try JSONSchemaGrammar(try JSONValue(parsing: #"{"type": "array", "items": {"type": "integer"}}"#))
/// var p = try EarleyParser(g.grammar)
/// try p.push(bytes: Array("[1, 2]".utf8)) && p.isAccepting   // true
/// ```
public struct JSONSchemaGrammar: Sendable {
    /// The grammar, ready for `Matcher` and `EarleyParser`.
    public let grammar: CompiledGrammar
    /// The grammar before compilation (rules and terminal names, for inspection).
    public let ir: GrammarIR
    /// Every property name the schema mentions in `properties`/`required` (for reports that
    /// tell a key-order rejection from others).
    public let knownPropertyNames: Set<String>
    /// Nanoseconds spent in each phase of this compile: loading the schema graph (the validator's
    /// loader), schema graph → grammar IR with its regex arenas, and IR → `CompiledGrammar`.
    public let phaseNanos: (load: UInt64, build: UInt64, compile: UInt64)

    public init(_ schema: JSONValue, registry: SchemaRegistry = SchemaRegistry(), uri: String = "",
                options: SchemaGrammarOptions = SchemaGrammarOptions()) throws(SchemaCompileError) {
        let t0 = DispatchTime.now().uptimeNanoseconds
        let loaded: CompiledSchema
        do {
            loaded = try CompiledSchema(schema, registry: registry, uri: uri,
                                        options: ValidatorOptions(defaultDraft: options.defaultDraft, assertFormats: true,
                                                                  maxSchemaNodes: options.maxSchemaNodes))
        } catch {
            throw SchemaCompileError(.invalidSchema, at: SchemaGrammarBuilder.fragment(error.location), error.message)
        }
        let t1 = DispatchTime.now().uptimeNanoseconds
        var b = SchemaGrammarBuilder(schema: loaded, options: options)
        let (ir, external) = try b.build()
        let t2 = DispatchTime.now().uptimeNanoseconds
        self.ir = ir
        self.knownPropertyNames = b.knownNames
        do {
            self.grammar = try GrammarCompiler.compile(ir, external: external)
        } catch {
            throw SchemaCompileError(.budget, at: "", "grammar: \(error)")
        }
        let t3 = DispatchTime.now().uptimeNanoseconds
        self.phaseNanos = (t1 - t0, t2 - t1, t3 - t2)
    }
}
