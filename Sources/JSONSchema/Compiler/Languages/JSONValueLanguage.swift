import Grammar

/// The JSON texts of a leaf schema: one whose accepted values are all scalars (strings, numbers,
/// booleans, null), as one regex over the serialized bytes (no surrounding whitespace).
///
/// Handles `type` (one or a list), `enum`/`const` of mixed scalars and the string and number
/// keywords of `JSONStringLanguage` and `JSONNumberLanguage`. Annotation keywords are ignored; any
/// other keyword (or a schema that admits arrays/objects) is refused as `.notALeaf`.
///
/// ```swift
/// var ir = RegexIR()
/// let e = try JSONValueLanguage.language(for: ["enum": ["a", 1, true, nil]], in: &ir)
/// var dfa = ByteDFA(ir, root: e)
/// try dfa.matches("1.0")   // true
/// ```
public enum JSONValueLanguage {
    static let annotations: Set<String> = [
        "title", "description", "default", "examples", "$comment", "$schema", "$id", "id", "deprecated",
        "readOnly", "writeOnly", "contentMediaType", "contentEncoding", "$anchor", "example",
    ]
    static let stringKeys: Set<String> = ["minLength", "maxLength", "pattern", "format"]
    static let numberKeys: Set<String> = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"]
    /// Keywords that only constrain arrays or objects: harmless when `type` excludes those.
    static let containerKeys: Set<String> = [
        "items", "additionalItems", "prefixItems", "contains", "minItems", "maxItems", "uniqueItems", "minContains",
        "maxContains", "unevaluatedItems", "properties", "patternProperties", "additionalProperties", "required",
        "minProperties", "maxProperties", "propertyNames", "dependencies", "dependentRequired", "dependentSchemas",
        "unevaluatedProperties",
    ]

    public static func language(for schema: JSONValue, at pointer: String = "",
                                in ir: inout RegexIR) throws(SchemaCompileError) -> RegexIR.Expr {
        switch schema {
        case .bool(true): throw SchemaCompileError(.notALeaf, at: pointer, "true admits arrays and objects")
        case .bool(false): return RegexIR.nothing
        case .object: break
        default: throw SchemaCompileError(.invalidSchema, at: pointer, "a schema must be an object or a boolean")
        }
        var types: Set<String>
        if let t = schema["type"] {
            switch t {
            case .string(let s): types = [s]
            case .array(let xs): types = Set(xs.compactMap(\.stringValue))
            default: throw SchemaCompileError(.invalidSchema, at: pointer + "/type", "must be a string or an array")
            }
        } else if schema["enum"] != nil || schema["const"] != nil {
            types = ["string", "number", "boolean", "null"]
        } else {
            throw SchemaCompileError(.notALeaf, at: pointer, "no type, enum or const: arrays and objects are admitted")
        }
        let containers = !types.isDisjoint(with: ["array", "object"])
        for key in schema.objectValue?.keys ?? [] where !annotations.contains(key) && !stringKeys.contains(key)
            && !numberKeys.contains(key) && !["type", "enum", "const"].contains(key) && !(containerKeys.contains(key) && !containers) {
            throw SchemaCompileError(.notALeaf, at: pointer + "/" + JSONPointer.escape(key), "keyword '\(key)' is not a leaf constraint")
        }
        // An enum/const of arrays or objects: not a leaf.
        var listed: [JSONValue]? = nil
        if let c = schema["const"] { listed = [c] }
        if let e = schema["enum"] {
            guard let xs = e.arrayValue else { throw SchemaCompileError(.invalidSchema, at: pointer + "/enum", "must be an array") }
            listed = listed.map { l in l.filter { x in xs.contains(x) } } ?? xs
        }
        if let listed {
            for v in listed {
                if case .array = v { throw SchemaCompileError(.notALeaf, at: pointer + "/enum", "arrays in enum/const are not leaves") }
                if case .object = v { throw SchemaCompileError(.notALeaf, at: pointer + "/enum", "objects in enum/const are not leaves") }
            }
        } else if containers {
            throw SchemaCompileError(.notALeaf, at: pointer + "/type", "type admits arrays or objects")
        }
        var alts: [RegexIR.Expr] = []
        if types.contains("string") { alts.append(try JSONStringLanguage.language(for: schema, at: pointer, in: &ir)) }
        if types.contains("number") {
            alts.append(try JSONNumberLanguage.language(for: schema, at: pointer, in: &ir))
        } else if types.contains("integer") {
            alts.append(try JSONNumberLanguage.language(for: schema, integer: true, at: pointer, in: &ir))
        }
        for (name, text) in [("boolean", "true"), ("boolean", "false"), ("null", "null")] where types.contains(name) {
            if let listed {
                if listed.contains(where: { $0 == (name == "null" ? .null : .bool(text == "true")) }) { alts.append(ir.literal(text)) }
            } else {
                alts.append(ir.literal(text))
            }
        }
        return ir.or(alts)
    }
}
