/// What building one schema object's keywords needs to know.
struct KeywordContext {
    var node: Int
    var location: SchemaIndex.Location
    var draft: Draft
    var vocabularies: Vocabularies
    var base: String
}

extension SchemaCompiler {
    private func child(_ c: KeywordContext, _ tokens: String...) -> Location {
        Location(document: c.location.document, pointer: c.location.pointer + tokens.map { "/" + JSONPointer.escape($0) }.joined())
    }

    private func keywordError(_ c: KeywordContext, _ keyword: String, _ message: String) -> SchemaError {
        error("'\(keyword)' \(message)", at: child(c, keyword))
    }

    private func count(_ o: JSONObject, _ keyword: String, _ c: KeywordContext) throws(SchemaError) -> Int? {
        guard let v = o[keyword] else { return nil }
        guard let n = v.numberValue, n.isInteger, !n.isNegative || n.isZero else {
            throw keywordError(c, keyword, "must be a non-negative integer")
        }
        return n.intValue ?? Int.max
    }

    private func number(_ o: JSONObject, _ keyword: String, _ c: KeywordContext) throws(SchemaError) -> JSONNumber? {
        guard let v = o[keyword] else { return nil }
        guard let n = v.numberValue else { throw keywordError(c, keyword, "must be a number") }
        return n
    }

    private func regex(_ source: String, _ c: KeywordContext, _ path: String...) throws(SchemaError) -> ECMARegex {
        do { return try ECMARegex(source) } catch {
            throw self.error("invalid regular expression '\(source)': \(error)", at: Location(
                document: c.location.document, pointer: c.location.pointer + path.map { "/" + JSONPointer.escape($0) }.joined()))
        }
    }

    /// Subschema nodes of an array-valued keyword.
    private mutating func schemaArray(_ o: JSONObject, _ keyword: String, _ c: KeywordContext, inPlace: Bool) throws(SchemaError) -> [Int]? {
        guard let v = o[keyword] else { return nil }
        guard case .array(let items) = v else { throw keywordError(c, keyword, "must be an array of schemas") }
        var out: [Int] = []
        for k in items.indices {
            let n = try node(at: child(c, keyword, String(k)), value: items[k])
            out.append(n)
            if inPlace { inPlaceEdges[c.node, default: []].append(n) }
        }
        return out
    }

    private mutating func schema(_ o: JSONObject, _ keyword: String, _ c: KeywordContext, inPlace: Bool) throws(SchemaError) -> Int? {
        guard let value = o[keyword] else { return nil }
        let n = try node(at: child(c, keyword), value: value)
        if inPlace { inPlaceEdges[c.node, default: []].append(n) }
        return n
    }

    private mutating func schemaMap(_ o: JSONObject, _ keyword: String, _ c: KeywordContext) throws(SchemaError) -> [(String, Int)]? {
        guard let v = o[keyword] else { return nil }
        guard case .object(let map) = v else { throw keywordError(c, keyword, "must be an object of schemas") }
        var out: [(String, Int)] = []
        for m in map.uniqueMembers { out.append((m.key, try node(at: child(c, keyword, m.key), value: m.value))) }
        return out
    }

    private func stringArray(_ v: JSONValue, _ c: KeywordContext, _ keyword: String) throws(SchemaError) -> [String] {
        guard case .array(let items) = v else { throw keywordError(c, keyword, "must be an array of strings") }
        var out: [String] = []
        for item in items {
            guard let s = item.stringValue else { throw keywordError(c, keyword, "must be an array of strings") }
            out.append(s)
        }
        return out
    }

    /// The checks of one schema object, in evaluation order.
    mutating func buildKeywords(_ o: JSONObject, _ c: KeywordContext) throws(SchemaError) -> [(name: String, check: Keyword)] {
        var out: [(name: String, check: Keyword)] = []
        let d = c.draft, v = c.vocabularies

        // Core: references.
        if let ref = o["$ref"] {
            guard let s = ref.stringValue else { throw keywordError(c, "$ref", "must be a string") }
            let target = try node(at: resolve(s, base: c.base, draft: d, from: child(c, "$ref")))
            inPlaceEdges[c.node, default: []].append(target)
            out.append(("$ref", .ref(target)))
            // Drafts 4–7: every other keyword beside $ref is ignored.
            if d.refOverridesSiblings { return out }
        }
        if d >= .draft2020_12, let ref = o["$dynamicRef"] {
            guard let s = ref.stringValue else { throw keywordError(c, "$dynamicRef", "must be a string") }
            let location = try resolve(s, base: c.base, draft: d, from: child(c, "$dynamicRef"))
            let target = try node(at: location)
            // Dynamic only when the fragment names a $dynamicAnchor of the target's resource.
            var anchor: String?
            if let fragment = URIReference(s).fragment, !fragment.isEmpty, !fragment.hasPrefix("/"),
               let r = index.resource(at: location), index.resources[r].dynamicAnchors[fragment] == location {
                anchor = fragment
            }
            out.append(("$dynamicRef", .dynamicRef(target, anchor: anchor)))
        }
        if d == .draft2019_09, let ref = o["$recursiveRef"] {
            guard let s = ref.stringValue else { throw keywordError(c, "$recursiveRef", "must be a string") }
            let target = try node(at: resolve(s, base: c.base, draft: d, from: child(c, "$recursiveRef")))
            out.append(("$recursiveRef", .recursiveRef(target)))
        }

        if v.validation {
            if let t = o["type"] {
                var set = TypeSet()
                let names: [JSONValue] = t.arrayValue ?? [t]
                for name in names {
                    guard let s = name.stringValue, let bit = TypeSet(name: s) else {
                        throw keywordError(c, "type", "must be a type name or an array of type names")
                    }
                    set.insert(bit)
                }
                out.append(("type", .type(set, draft4Integers: d == .draft4)))
            }
            if let e = o["enum"] {
                guard case .array(let values) = e else { throw keywordError(c, "enum", "must be an array") }
                out.append(("enum", .enumeration(values, values.count > 16 ? Set(values) : nil)))
            }
            if d >= .draft6, let value = o["const"] { out.append(("const", .const(value))) }
            if let m = try number(o, "multipleOf", c) {
                guard !m.isNegative, !m.isZero else { throw keywordError(c, "multipleOf", "must be greater than 0") }
                out.append(("multipleOf", .multipleOf(m)))
            }
            if d == .draft4 {
                if let m = try number(o, "maximum", c) { out.append(("maximum", .maximum(m, exclusive: o["exclusiveMaximum"]?.boolValue == true))) }
                if let m = try number(o, "minimum", c) { out.append(("minimum", .minimum(m, exclusive: o["exclusiveMinimum"]?.boolValue == true))) }
            } else {
                if let m = try number(o, "maximum", c) { out.append(("maximum", .maximum(m, exclusive: false))) }
                if let m = try number(o, "minimum", c) { out.append(("minimum", .minimum(m, exclusive: false))) }
                if let m = try number(o, "exclusiveMaximum", c) { out.append(("exclusiveMaximum", .maximum(m, exclusive: true))) }
                if let m = try number(o, "exclusiveMinimum", c) { out.append(("exclusiveMinimum", .minimum(m, exclusive: true))) }
            }
            if let n = try count(o, "maxLength", c) { out.append(("maxLength", .maxLength(n))) }
            if let n = try count(o, "minLength", c) { out.append(("minLength", .minLength(n))) }
            if let p = o["pattern"] {
                guard let s = p.stringValue else { throw keywordError(c, "pattern", "must be a string") }
                out.append(("pattern", .pattern(try regex(s, c, "pattern"))))
            }
            if let n = try count(o, "maxItems", c) { out.append(("maxItems", .maxItems(n))) }
            if let n = try count(o, "minItems", c) { out.append(("minItems", .minItems(n))) }
            if o["uniqueItems"]?.boolValue == true { out.append(("uniqueItems", .uniqueItems)) }
            if let n = try count(o, "maxProperties", c) { out.append(("maxProperties", .maxProperties(n))) }
            if let n = try count(o, "minProperties", c) { out.append(("minProperties", .minProperties(n))) }
            if let r = o["required"] {
                // Draft 3's boolean `required` is common in real schemas: read as nothing required.
                if r.boolValue == nil { out.append(("required", .required(try stringArray(r, c, "required")))) }
            }
            if d >= .draft2019_09, let dr = o["dependentRequired"] {
                guard case .object(let map) = dr else { throw keywordError(c, "dependentRequired", "must be an object") }
                var pairs: [(String, [String])] = []
                for m in map.uniqueMembers { pairs.append((m.key, try stringArray(m.value, c, "dependentRequired"))) }
                out.append(("dependentRequired", .dependentRequired(pairs)))
            }
        }

        if v.applicator {
            if let n = try schemaArray(o, "allOf", c, inPlace: true) { out.append(("allOf", .allOf(n))) }
            if let n = try schemaArray(o, "anyOf", c, inPlace: true) { out.append(("anyOf", .anyOf(n))) }
            if let n = try schemaArray(o, "oneOf", c, inPlace: true) { out.append(("oneOf", .oneOf(n))) }
            if let n = try schema(o, "not", c, inPlace: true) { out.append(("not", .not(n))) }
            if d >= .draft7, let i = try schema(o, "if", c, inPlace: true) {
                let t = try schema(o, "then", c, inPlace: true), e = try schema(o, "else", c, inPlace: true)
                out.append(("if", .conditional(if: i, then: t, else: e)))
            }
            if d <= .draft7, let deps = o["dependencies"] {
                guard case .object(let map) = deps else { throw keywordError(c, "dependencies", "must be an object") }
                var required: [(String, [String])] = [], schemas: [(String, Int)] = []
                for m in map.uniqueMembers {
                    if case .array = m.value {
                        required.append((m.key, try stringArray(m.value, c, "dependencies")))
                    } else {
                        let n = try node(at: child(c, "dependencies", m.key), value: m.value)
                        inPlaceEdges[c.node, default: []].append(n)
                        schemas.append((m.key, n))
                    }
                }
                if !required.isEmpty { out.append(("dependencies", .dependentRequired(required))) }
                if !schemas.isEmpty { out.append(("dependencies", .dependentSchemas(schemas))) }
            }
            if d >= .draft2019_09, let map = try schemaMap(o, "dependentSchemas", c) {
                for (_, n) in map { inPlaceEdges[c.node, default: []].append(n) }
                out.append(("dependentSchemas", .dependentSchemas(map)))
            }
            // Object applicators.
            let named = try schemaMap(o, "properties", c)
            var patterns: [(ECMARegex, Int)] = []
            if let pp = o["patternProperties"] {
                guard case .object(let map) = pp else { throw keywordError(c, "patternProperties", "must be an object of schemas") }
                for m in map.uniqueMembers {
                    patterns.append((try regex(m.key, c, "patternProperties", m.key), try node(at: child(c, "patternProperties", m.key), value: m.value)))
                }
            }
            let additional = try schema(o, "additionalProperties", c, inPlace: false)
            if named != nil || !patterns.isEmpty || additional != nil {
                var lookup: [ExactKey: Int] = [:]
                for (k, n) in named ?? [] { lookup[ExactKey(k)] = n }
                let name = additional != nil ? "additionalProperties" : (named != nil ? "properties" : "patternProperties")
                out.append((name, .properties(named: lookup, patterns: patterns, additional: additional)))
            }
            if d >= .draft6, let n = try schema(o, "propertyNames", c, inPlace: false) { out.append(("propertyNames", .propertyNames(n))) }
            // Array applicators.
            if d >= .draft2020_12 {
                let prefix = try schemaArray(o, "prefixItems", c, inPlace: false)
                let rest = try schema(o, "items", c, inPlace: false)
                if prefix != nil || rest != nil { out.append((rest != nil ? "items" : "prefixItems", .items(prefix: prefix ?? [], rest: rest))) }
            } else if let items = o["items"] {
                if case .array = items {
                    let prefix = try schemaArray(o, "items", c, inPlace: false) ?? []
                    let rest = try schema(o, "additionalItems", c, inPlace: false)
                    out.append((rest != nil ? "additionalItems" : "items", .items(prefix: prefix, rest: rest)))
                } else {
                    out.append(("items", .items(prefix: [], rest: try schema(o, "items", c, inPlace: false))))
                }
            }
            if d >= .draft6, let n = try schema(o, "contains", c, inPlace: false) {
                var minimum = 1, maximum: Int?
                if d >= .draft2019_09, v.validation {
                    minimum = try count(o, "minContains", c) ?? 1
                    maximum = try count(o, "maxContains", c)
                }
                out.append(("contains", .contains(n, min: minimum, max: maximum, annotates: d >= .draft2020_12)))
            }
        }

        if let f = o["format"]?.stringValue, var check = FormatChecker.checks[f] {
            if f == "hostname" && d <= .draft6 { check = NetworkFormats.isHostnameRFC1123 }
            let asserted = options.assertFormats ?? (d >= .draft2019_09 && v.formatAssertion)
            if asserted { out.append(("format", .format(f, check))) }
        }

        if d >= .draft2019_09, v.unevaluated || v.applicator {
            if let n = try schema(o, "unevaluatedItems", c, inPlace: false) { out.append(("unevaluatedItems", .unevaluatedItems(n))) }
            if let n = try schema(o, "unevaluatedProperties", c, inPlace: false) { out.append(("unevaluatedProperties", .unevaluatedProperties(n))) }
        }
        return out
    }
}
