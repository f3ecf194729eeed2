/// Options for loading a schema into a validator.
public struct ValidatorOptions: Sendable {
    /// The dialect of a schema without `$schema` (or with one we do not know).
    public var defaultDraft: Draft
    /// `true` asserts every format in `FormatChecker.supportedFormats`, `false` none; `nil` follows
    /// the spec: annotation only, unless a 2019-09/2020-12 metaschema enables format-assertion.
    public var assertFormats: Bool?
    /// Budget on compiled subschemas (10 MB schemas stay bounded).
    public var maxSchemaNodes: Int
    /// Budget on nested evaluation (each level is a subschema applied to a deeper instance or a
    /// reference followed); exceeding it is a validation error, never a stack overflow.
    public var maxEvaluationDepth: Int

    public init(defaultDraft: Draft = .draft2020_12, assertFormats: Bool? = nil,
                maxSchemaNodes: Int = 1_000_000, maxEvaluationDepth: Int = 2_000) {
        self.defaultDraft = defaultDraft
        self.assertFormats = assertFormats
        self.maxSchemaNodes = maxSchemaNodes
        self.maxEvaluationDepth = maxEvaluationDepth
    }
}

/// A schema compiled once into a graph of keyword checks: immutable, `Sendable`, shared by any
/// number of validations (each `validate` call keeps its own small state).
///
/// ```swift
/// let schema = try CompiledSchema(JSONValue(parsing: #"{"type": "array", "items": {"type": "integer"}}"#))
/// schema.isValid(try JSONValue(parsing: "[1, 2]"))        // true
/// schema.validate(try JSONValue(parsing: "[1, \"x\"]"))   // [/1: "x" is not of type integer (#/items/type)]
/// ```
public struct CompiledSchema: Sendable {
    let nodes: [SchemaNode]
    let root: Int
    let resources: [CompiledResource]
    public let options: ValidatorOptions

    /// Loads `schema`; `$ref`s resolve inside it, to `registry` documents, or to the built-in
    /// metaschemas. `uri` is its retrieval URI (the base for a relative `$id`).
    public init(_ schema: JSONValue, registry: SchemaRegistry = SchemaRegistry(), uri: String = "",
                options: ValidatorOptions = ValidatorOptions()) throws(SchemaError) {
        var compiler = SchemaCompiler(registry: registry, options: options)
        let (nodes, root, resources) = try compiler.compileRoot(schema, uri: uri)
        self.nodes = nodes
        self.root = root
        self.resources = resources
        self.options = options
    }

    /// Number of compiled subschemas.
    public var nodeCount: Int { nodes.count }

    /// True when `instance` is valid (stops at the first failure).
    public func isValid(_ instance: JSONValue) -> Bool {
        var run = ValidationRun(schema: self, recordErrors: false)
        var none: Annotations?
        return run.evaluate(root, instance, &none)
    }

    /// The errors of `instance` (empty when valid), each with its instance and schema locations.
    public func validate(_ instance: JSONValue) -> [InstanceError] {
        var run = ValidationRun(schema: self, recordErrors: true)
        var none: Annotations?
        let valid = run.evaluate(root, instance, &none)
        if !valid && run.errors.isEmpty {
            return [InstanceError(instanceLocation: "", keywordLocation: nodes[root].location, message: "instance is invalid")]
        }
        return valid ? [] : run.errors
    }
}

/// One reason an instance is invalid (named apart from ArgumentParser's `ValidationError`).
public struct InstanceError: Sendable, Equatable, CustomStringConvertible {
    /// JSON pointer to the failing part of the instance ("" for the whole).
    public let instanceLocation: String
    /// Absolute location of the failing keyword: schema URI + "#" + JSON pointer.
    public let keywordLocation: String
    public let message: String

    public var description: String {
        "\(instanceLocation.isEmpty ? "(root)" : instanceLocation): \(message) (\(keywordLocation))"
    }
}
