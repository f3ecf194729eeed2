/// The metaschemas of drafts 4, 6, 7, 2019-09 and 2020-12, built here from the keyword tables of
/// each specification, so `{"$ref": "https://json-schema.org/draft/2020-12/schema"}` validates
/// schemas without network access.
///
/// They check what the specifications' metaschemas check about each keyword's value (types,
/// non-negative counts, subschemas recursively; recursion through `$ref: "#"`, `$recursiveRef` or
/// `$dynamicRef: "#meta"` as the draft does); annotations (`title`, `default`, …) are typed.
enum Metaschemas {
    static func document(for uri: String) -> JSONValue? {
        var s = Substring(uri)
        if s.hasSuffix("#") { s = s.dropLast() }
        guard let draft = Draft(schemaURI: String(s)) else { return nil }
        // Draft(schemaURI:) reads draft 3 as draft 4; keep draft 3's own URI unknown.
        if s.hasSuffix("draft-03/schema") { return nil }
        return cache[draft]
    }

    private static let cache: [Draft: JSONValue] = {
        var out: [Draft: JSONValue] = [:]
        for d in Draft.allCases { out[d] = build(d) }
        return out
    }()

    private static func obj(_ pairs: [(String, JSONValue)]) -> JSONValue { .object(JSONObject(pairs)) }
    private static func type(_ name: String) -> JSONValue { obj([("type", .string(name))]) }

    static func build(_ d: Draft) -> JSONValue {
        let recurse: JSONValue
        switch d {
        case .draft4, .draft6, .draft7: recurse = obj([("$ref", "#")])
        case .draft2019_09: recurse = obj([("$recursiveRef", "#")])
        case .draft2020_12: recurse = obj([("$dynamicRef", "#meta")])
        }
        // Draft 4 has no boolean schemas: where a boolean is allowed it is spelled out.
        let schemaOrBool = d == .draft4 ? obj([("anyOf", [type("boolean"), recurse])]) : recurse
        let nonNegative = obj([("type", "integer"), ("minimum", 0)])
        let stringArray = obj([("type", "array"), ("items", type("string")), ("uniqueItems", true)])
        let schemaArray = obj([("type", "array"), ("minItems", 1), ("items", recurse)])
        let schemaMap = obj([("type", "object"), ("additionalProperties", recurse)])
        let simpleTypes: JSONValue = ["array", "boolean", "integer", "null", "number", "object", "string"]
        let typeKeyword = obj([("anyOf", [
            obj([("enum", simpleTypes)]),
            obj([("type", "array"), ("items", obj([("enum", simpleTypes)])), ("minItems", 1), ("uniqueItems", true)]),
        ])])

        var p: [(String, JSONValue)] = [
            (d.idKeyword, type("string")), ("$schema", type("string")), ("$ref", type("string")),
            ("title", type("string")), ("description", type("string")), ("default", true),
            ("multipleOf", d == .draft4
                ? obj([("type", "number"), ("minimum", 0), ("exclusiveMinimum", true)])
                : obj([("type", "number"), ("exclusiveMinimum", 0)])),
            ("maximum", type("number")), ("minimum", type("number")),
            ("exclusiveMaximum", type(d == .draft4 ? "boolean" : "number")),
            ("exclusiveMinimum", type(d == .draft4 ? "boolean" : "number")),
            ("maxLength", nonNegative), ("minLength", nonNegative),
            ("pattern", type("string")),
            ("additionalItems", schemaOrBool),
            ("maxItems", nonNegative), ("minItems", nonNegative), ("uniqueItems", type("boolean")),
            ("maxProperties", nonNegative), ("minProperties", nonNegative),
            ("required", d == .draft4 ? obj([("type", "array"), ("items", type("string")), ("minItems", 1), ("uniqueItems", true)]) : stringArray),
            ("additionalProperties", schemaOrBool),
            ("definitions", schemaMap), ("properties", schemaMap), ("patternProperties", schemaMap),
            ("enum", d == .draft4 ? obj([("type", "array"), ("minItems", 1), ("uniqueItems", true)]) : type("array")),
            ("type", typeKeyword), ("format", type("string")),
            ("allOf", schemaArray), ("anyOf", schemaArray), ("oneOf", schemaArray), ("not", recurse),
        ]
        if d <= .draft7 {
            p.append(("dependencies", obj([("type", "object"), ("additionalProperties", obj([("anyOf", [recurse, stringArray])]))])))
        }
        if d >= .draft2020_12 {
            p.append(("items", recurse))
            p.append(("prefixItems", schemaArray))
        } else {
            p.append(("items", obj([("anyOf", [recurse, schemaArray])])))
        }
        if d >= .draft6 {
            p += [("examples", type("array")), ("const", true), ("contains", recurse), ("propertyNames", recurse)]
        }
        if d >= .draft7 {
            p += [("$comment", type("string")), ("if", recurse), ("then", recurse), ("else", recurse),
                  ("readOnly", type("boolean")), ("writeOnly", type("boolean")),
                  ("contentMediaType", type("string")), ("contentEncoding", type("string"))]
        }
        if d >= .draft2019_09 {
            p += [("$anchor", type("string")), ("$defs", schemaMap), ("$vocabulary", obj([("type", "object"), ("additionalProperties", type("boolean"))])),
                  ("deprecated", type("boolean")), ("minContains", nonNegative), ("maxContains", nonNegative),
                  ("dependentSchemas", schemaMap),
                  ("dependentRequired", obj([("type", "object"), ("additionalProperties", stringArray)])),
                  ("unevaluatedItems", recurse), ("unevaluatedProperties", recurse), ("contentSchema", recurse)]
        }
        if d == .draft2019_09 { p += [("$recursiveRef", type("string")), ("$recursiveAnchor", type("boolean"))] }
        if d >= .draft2020_12 { p += [("$dynamicRef", type("string")), ("$dynamicAnchor", type("string"))] }

        // The named definitions real schemas point into (e.g. "draft-04/schema#/definitions/positiveInteger").
        let counts = d == .draft4 ? ["positiveInteger", "positiveIntegerDefault0"] : ["nonNegativeInteger", "nonNegativeIntegerDefault0"]
        let definitions: [(String, JSONValue)] = [
            ("schemaArray", schemaArray), (counts[0], nonNegative), (counts[1], nonNegative),
            ("simpleTypes", obj([("enum", simpleTypes)])), ("stringArray", stringArray),
        ]

        var root: [(String, JSONValue)] = [("$schema", .string(d.metaschemaURI)), (d.idKeyword, .string(d.metaschemaURI))]
        root.append((d >= .draft2019_09 ? "$defs" : "definitions", .object(JSONObject(definitions))))
        if d == .draft2019_09 { root.append(("$recursiveAnchor", true)) }
        if d == .draft2020_12 { root.append(("$dynamicAnchor", "meta")) }
        root.append(("type", d == .draft4 ? "object" : ["object", "boolean"]))
        root.append(("properties", .object(JSONObject(p))))
        return .object(JSONObject(root))
    }
}
