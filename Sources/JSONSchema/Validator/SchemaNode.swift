/// JSON Schema's primitive types as a bit set (`integer` is its own bit: a `number` type accepts it).
struct TypeSet: OptionSet, Sendable {
    let rawValue: UInt8
    static let null = TypeSet(rawValue: 1)
    static let boolean = TypeSet(rawValue: 2)
    static let object = TypeSet(rawValue: 4)
    static let array = TypeSet(rawValue: 8)
    static let number = TypeSet(rawValue: 16)
    static let integer = TypeSet(rawValue: 32)
    static let string = TypeSet(rawValue: 64)

    init(rawValue: UInt8) { self.rawValue = rawValue }

    init?(name: String) {
        switch name {
        case "null": self = .null
        case "boolean": self = .boolean
        case "object": self = .object
        case "array": self = .array
        case "number": self = .number
        case "integer": self = .integer
        case "string": self = .string
        default: return nil
        }
    }

    var names: [String] {
        let all: [(TypeSet, String)] = [(.null, "null"), (.boolean, "boolean"), (.object, "object"), (.array, "array"),
                                        (.number, "number"), (.integer, "integer"), (.string, "string")]
        return all.filter { contains($0.0) }.map(\.1)
    }
}

/// One compiled keyword check. Subschemas are indices into `CompiledSchema.nodes`, so cycles
/// through `$ref` are just back edges.
enum Keyword: Sendable {
    case type(TypeSet, draft4Integers: Bool)
    case enumeration([JSONValue], Set<JSONValue>?)
    case const(JSONValue)
    case multipleOf(JSONNumber)
    case maximum(JSONNumber, exclusive: Bool)
    case minimum(JSONNumber, exclusive: Bool)
    case maxLength(Int)
    case minLength(Int)
    case pattern(ECMARegex)
    case format(String, FormatChecker.Check)
    case maxItems(Int)
    case minItems(Int)
    case uniqueItems
    case contains(Int, min: Int, max: Int?, annotates: Bool)
    case maxProperties(Int)
    case minProperties(Int)
    case required([String])
    case dependentRequired([(String, [String])])
    case dependentSchemas([(String, Int)])
    case propertyNames(Int)
    /// `properties`, `patternProperties` and `additionalProperties` together: additional means
    /// "matched by neither of the other two in this schema".
    case properties(named: [ExactKey: Int], patterns: [(ECMARegex, Int)], additional: Int?)
    /// `prefixItems` (or array-form `items`) then the schema for the rest (`items` / `additionalItems`).
    case items(prefix: [Int], rest: Int?)
    case ref(Int)
    case dynamicRef(Int, anchor: String?)
    case recursiveRef(Int)
    case allOf([Int])
    case anyOf([Int])
    case oneOf([Int])
    case not(Int)
    case conditional(if: Int, then: Int?, else: Int?)
    case unevaluatedProperties(Int)
    case unevaluatedItems(Int)
}

/// A compiled schema object: its keyword checks in evaluation order (`unevaluated*` last).
struct SchemaNode: Sendable {
    /// Absolute location: base URI of the document + "#" + JSON pointer.
    var location: String
    /// Index of its schema resource (for the dynamic scope).
    var resource: Int
    var keywords: [(name: String, check: Keyword)]
    /// `false` schema.
    var alwaysFails = false
    var hasUnevaluated = false
    /// The schema object itself (the grammar compiler reads keyword order and leaf keywords from it).
    var raw: JSONObject?
    /// Its draft.
    var draft: Draft = .draft2020_12
}

/// A schema resource (a document root or a subschema with `$id`) as the dynamic scope needs it.
struct CompiledResource: Sendable {
    var baseURI: String
    var dynamicAnchors: [String: Int] = [:]
    var recursiveAnchor = false
    var rootNode: Int?
}
