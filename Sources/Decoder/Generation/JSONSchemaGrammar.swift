import Grammar
import JSONSchema

/// What the generation loop needs from a JSON Schema compiler: the grammar of the JSON texts it
/// may generate, every one of them valid under the schema (a subset of the valid texts is fine;
/// an invalid one never is), or an error naming the schema location it cannot enforce exactly.
///
/// The whole-schema compiler of `Sources/JSONSchema/Compiler` will conform to this; until it does,
/// `InterimSchemaGrammar` (a deliberately small subset) is the default.
///
/// ```swift
/// let ir = try JSONSchemaGrammar.grammar(for: schema)           // default compiler
/// let compiled = try GrammarCompiler.compile(ir)
/// ```
public protocol JSONSchemaGrammarCompiler: Sendable {
    /// The grammar (start rule: a JSON text, no surrounding whitespace) of texts valid under `schema`.
    func grammar(for schema: JSONValue) throws(GenerationError) -> GrammarIR
}

/// The entry point of the schema path of `generate(matching:)` and `gen --schema`.
public enum JSONSchemaGrammar {
    /// The compiler used when none is given.
    public static var defaultCompiler: any JSONSchemaGrammarCompiler { InterimSchemaGrammar() }

    /// The grammar of `schema` under `compiler`.
    public static func grammar(for schema: JSONValue,
                               using compiler: any JSONSchemaGrammarCompiler = defaultCompiler) throws(GenerationError) -> GrammarIR {
        try compiler.grammar(for: schema)
    }
}

/// A small schema → grammar translation, exact on what it accepts and refusing everything else
/// with the schema pointer, so the generation path works end to end before the full compiler lands.
///
/// Output is compact JSON (no whitespace). Object properties come in `properties` order, then
/// required names not listed there; optional properties may be omitted, additional ones are never
/// generated. Supported: `type` (one or a list), `enum`/`const` (with `type` as a filter),
/// `properties`/`required`/`additionalProperties`, `items` (one schema, or a draft-4–7 tuple),
/// `prefixItems`, `minItems`/`maxItems`, `minLength`/`maxLength`, `pattern` and the formats of
/// `JSONStringFormats` (strings without escapes, checked by a lookahead), integer/number
/// `minimum`/`exclusiveMinimum` at 0 or 1, `anyOf`, `oneOf` whose branches have disjoint types or
/// constants, a one-element `allOf`, local `$ref`s (recursion included), boolean schemas.
public struct InterimSchemaGrammar: JSONSchemaGrammarCompiler {
    public init() {}

    public func grammar(for schema: JSONValue) throws(GenerationError) -> GrammarIR {
        var b = Builder(root: schema)
        do {
            let start = try b.rule(for: schema, at: "")
            return GrammarIR(rules: b.rules, start: start)
        } catch {
            throw .constraint(error.description)
        }
    }

    struct Failure: Error, CustomStringConvertible {
        let pointer: String
        let reason: String
        var description: String { "\(pointer.isEmpty ? "/" : pointer): \(reason) (the interim schema compiler cannot enforce this exactly)" }
    }

    static let annotations: Set<String> = [
        "title", "description", "default", "examples", "$comment", "$schema", "$id", "id", "deprecated",
        "readOnly", "writeOnly", "contentMediaType", "contentEncoding", "$anchor", "example", "definitions", "$defs",
    ]

    struct Builder {
        let root: JSONValue
        var rules: [Rule] = []
        var refRules: [String: RuleID] = [:]
        var anyValue: RuleID?
        var budget = 20_000

        init(root: JSONValue) { self.root = root }

        mutating func add(_ name: String, _ body: GrammarExpr) -> RuleID {
            rules.append(Rule(name: name, body: body))
            return RuleID(Int32(rules.count - 1))
        }

        mutating func placeholder(_ name: String) -> RuleID { add(name, .empty) }

        mutating func rule(for schema: JSONValue, at pointer: String) throws(Failure) -> RuleID {
            budget -= 1
            guard budget > 0 else { throw Failure(pointer: pointer, reason: "schema too large") }
            let id = placeholder("s\(rules.count)")
            let body = try expr(for: schema, at: pointer)
            rules[Int(id.index)].body = body
            return id
        }

        // MARK: schemas

        mutating func expr(for schema: JSONValue, at pointer: String) throws(Failure) -> GrammarExpr {
            switch schema {
            case .bool(true): return .rule(anyJSON())
            case .bool(false): throw Failure(pointer: pointer, reason: "the false schema admits no value")
            case .object(let o):
                if let ref = o["$ref"] {
                    guard o.keys.allSatisfy({ $0 == "$ref" || Self.isAnnotation($0) }) else {
                        throw Failure(pointer: pointer, reason: "$ref with sibling keywords")
                    }
                    guard case .string(let r) = ref else { throw Failure(pointer: pointer + "/$ref", reason: "$ref must be a string") }
                    return .rule(try resolve(r, at: pointer + "/$ref"))
                }
                for combinator in ["anyOf", "oneOf", "allOf"] {
                    guard let v = o[combinator] else { continue }
                    guard o.keys.allSatisfy({ $0 == combinator || Self.isAnnotation($0) }) else {
                        throw Failure(pointer: pointer, reason: "\(combinator) with sibling keywords")
                    }
                    guard case .array(let branches) = v, !branches.isEmpty else {
                        throw Failure(pointer: pointer + "/" + combinator, reason: "must be a non-empty array")
                    }
                    if combinator == "allOf" {
                        guard branches.count == 1 else { throw Failure(pointer: pointer + "/allOf", reason: "allOf with several branches") }
                        return try expr(for: branches[0], at: pointer + "/allOf/0")
                    }
                    if combinator == "oneOf" && branches.count > 1 {
                        try checkDisjoint(branches, at: pointer + "/oneOf")
                    }
                    var alts: [GrammarExpr] = []
                    for (i, br) in branches.enumerated() {
                        if case .bool(false) = br { continue }
                        alts.append(.rule(try rule(for: br, at: pointer + "/\(combinator)/\(i)")))
                    }
                    guard !alts.isEmpty else { throw Failure(pointer: pointer, reason: "no branch admits a value") }
                    return .choice(alts)
                }
                return try typed(o, at: pointer)
            default:
                throw Failure(pointer: pointer, reason: "a schema must be an object or a boolean")
            }
        }

        static func isAnnotation(_ key: String) -> Bool { annotations.contains(key) }

        static let stringKeys: Set<String> = ["minLength", "maxLength", "pattern", "format"]
        static let numberKeys: Set<String> = ["minimum", "exclusiveMinimum"]
        static let objectKeys: Set<String> = ["properties", "required", "additionalProperties"]
        static let arrayKeys: Set<String> = ["items", "prefixItems", "minItems", "maxItems", "additionalItems"]

        mutating func typed(_ o: JSONObject, at pointer: String) throws(Failure) -> GrammarExpr {
            for key in o.keys where !Self.isAnnotation(key) && key != "type" && key != "enum" && key != "const"
                && !Self.stringKeys.contains(key) && !Self.numberKeys.contains(key) && !Self.objectKeys.contains(key)
                && !Self.arrayKeys.contains(key) {
                throw Failure(pointer: pointer + "/" + key, reason: "keyword '\(key)' is not supported")
            }
            var types: [String]
            switch o["type"] {
            case .string(let t)?: types = [t]
            case .array(let ts)?: types = ts.compactMap(\.stringValue)
            case nil:
                if o["enum"] != nil || o["const"] != nil {
                    types = ["null", "boolean", "object", "array", "number", "string"]
                } else {
                    // Untyped: the kind its keywords talk about; no keywords at all: any value.
                    let keys = Set(o.keys)
                    let kinds = [("object", Self.objectKeys), ("array", Self.arrayKeys), ("string", Self.stringKeys), ("number", Self.numberKeys)]
                        .filter { !keys.isDisjoint(with: $0.1) }.map(\.0)
                    if kinds.isEmpty { return .rule(anyJSON()) }
                    guard kinds.count == 1 else { throw Failure(pointer: pointer, reason: "untyped schema with keywords of several types") }
                    types = kinds
                }
            default: throw Failure(pointer: pointer + "/type", reason: "must be a string or an array")
            }
            if let listed = try listedValues(o, at: pointer) {
                var alts: [GrammarExpr] = []
                for v in listed {
                    // Only plain values whose type is allowed and no other keyword could reject.
                    let t = v.typeName
                    let ok = types.contains(t) || (t == "number" && types.contains("integer") && (v.numberValue?.isInteger ?? false))
                        || (t == "integer" && types.contains("number"))
                    guard ok else { continue }
                    for key in o.keys where !Self.isAnnotation(key) && !["type", "enum", "const"].contains(key) {
                        throw Failure(pointer: pointer + "/" + key, reason: "enum/const with other constraints")
                    }
                    alts.append(.literal(JSONWriter.string(v)))
                }
                guard !alts.isEmpty else { throw Failure(pointer: pointer + "/enum", reason: "no listed value has an allowed type") }
                return .choice(alts)
            }
            var alts: [GrammarExpr] = []
            for t in Set(types).sorted() {
                switch t {
                case "null": alts.append(.literal("null"))
                case "boolean": alts.append(.choice([.literal("true"), .literal("false")]))
                case "integer" where !types.contains("number"): alts.append(try number(o, integer: true, at: pointer))
                case "integer": break
                case "number": alts.append(try number(o, integer: false, at: pointer))
                case "string": alts.append(try string(o, at: pointer))
                case "array": alts.append(try array(o, at: pointer))
                case "object": alts.append(try object(o, at: pointer))
                default: throw Failure(pointer: pointer + "/type", reason: "unknown type '\(t)'")
                }
            }
            guard !alts.isEmpty else { throw Failure(pointer: pointer + "/type", reason: "no type") }
            return alts.count == 1 ? alts[0] : .choice(alts)
        }

        func listedValues(_ o: JSONObject, at pointer: String) throws(Failure) -> [JSONValue]? {
            if let c = o["const"] {
                if let e = o["enum"]?.arrayValue { return e.contains(c) ? [c] : [] }
                return [c]
            }
            if let e = o["enum"] {
                guard let xs = e.arrayValue else { throw Failure(pointer: pointer + "/enum", reason: "must be an array") }
                return xs
            }
            return nil
        }

        /// A proof that `oneOf` branches never both accept a value: pairwise disjoint type sets, or
        /// pairwise distinct constants.
        func checkDisjoint(_ branches: [JSONValue], at pointer: String) throws(Failure) {
            func kinds(_ s: JSONValue) -> Set<String>? {
                guard let o = s.objectValue else { return nil }
                if let c = o["const"] { return ["=" + JSONWriter.string(c)] }
                if let e = o["enum"]?.arrayValue { return Set(e.map { "=" + JSONWriter.string($0) }) }
                var ts: [String]
                switch o["type"] {
                case .string(let t)?: ts = [t]
                case .array(let xs)?: ts = xs.compactMap(\.stringValue)
                default: return nil
                }
                // integer ⊂ number: compare on the wider kind.
                return Set(ts.map { $0 == "integer" ? "number" : $0 })
            }
            var seen = Set<String>()
            var seenTypes = Set<String>()
            for (i, br) in branches.enumerated() {
                guard let k = kinds(br) else {
                    throw Failure(pointer: pointer + "/\(i)", reason: "oneOf branch without a type or constants: cannot prove the branches disjoint")
                }
                let consts = k.filter { $0.hasPrefix("=") }
                let types = k.subtracting(consts)
                // A constant of type t overlaps a branch of type t.
                let constTypes = Set(consts.map { c -> String in
                    let v = try? JSONValue(parsing: String(c.dropFirst()))
                    let t = v?.typeName ?? "?"
                    return t == "integer" ? "number" : t
                })
                if !seen.isDisjoint(with: consts) || !seenTypes.isDisjoint(with: types) || !seenTypes.isDisjoint(with: constTypes)
                    || !types.isDisjoint(with: Set(seen.map { c -> String in
                        let t = (try? JSONValue(parsing: String(c.dropFirst())))?.typeName ?? "?"
                        return t == "integer" ? "number" : t
                    })) {
                    throw Failure(pointer: pointer + "/\(i)", reason: "oneOf branches may overlap")
                }
                seen.formUnion(consts)
                seenTypes.formUnion(types)
            }
        }

        mutating func resolve(_ ref: String, at pointer: String) throws(Failure) -> RuleID {
            if let id = refRules[ref] { return id }
            guard ref.hasPrefix("#") else { throw Failure(pointer: pointer, reason: "only local references (#…) are supported: '\(ref)'") }
            let fragment = String(ref.dropFirst())
            var target = root
            if !fragment.isEmpty {
                let p: JSONPointer
                do { p = try JSONPointer(fragment: fragment) } catch {
                    throw Failure(pointer: pointer, reason: error.description)
                }
                for token in p.tokens {
                    if let next = target.objectValue?[token] {
                        target = next
                    } else if let i = Int(token), let next = target[i] {
                        target = next
                    } else {
                        throw Failure(pointer: pointer, reason: "cannot resolve '\(ref)'")
                    }
                }
            }
            let id = placeholder("ref\(rules.count)")
            refRules[ref] = id
            budget -= 1
            let body = try expr(for: target, at: fragment)
            rules[Int(id.index)].body = body
            return id
        }

        // MARK: leaves

        static let digits = "[0-9]{0,15}"

        mutating func number(_ o: JSONObject, integer: Bool, at pointer: String) throws(Failure) -> GrammarExpr {
            // The lower bound, among the few supported: none, ≥ 0, > 0, ≥ 1.
            var nonNegative = false, positive = false
            var exclusiveDraft4 = false
            if case .bool(let b)? = o["exclusiveMinimum"] { exclusiveDraft4 = b }
            if let m = o["minimum"] {
                guard let n = m.numberValue, n.isZero || (n == JSONNumber(1) && !exclusiveDraft4) else {
                    throw Failure(pointer: pointer + "/minimum", reason: "only minimum 0, or 1 inclusive, is supported")
                }
                if n.isZero { if exclusiveDraft4 { positive = true } else { nonNegative = true } } else { positive = true }
            }
            if let m = o["exclusiveMinimum"], m.boolValue == nil {
                guard let n = m.numberValue, n.isZero else {
                    throw Failure(pointer: pointer + "/exclusiveMinimum", reason: "only exclusiveMinimum 0 is supported")
                }
                positive = true
            }
            let fraction = integer ? "" : "(\\.[0-9]{1,6})?"
            if positive {
                // > 0 (or ≥ 1 for integers): a non-zero integer part, or 0.x with a non-zero digit.
                if integer { return .regex("[1-9]\(Self.digits)", dialect: .ecma) }
                if o["minimum"] != nil { // ≥ 1
                    return .regex("[1-9]\(Self.digits)\(fraction)", dialect: .ecma)
                }
                return .regex("[1-9]\(Self.digits)(\\.[0-9]{1,6})?|0\\.[0-9]{0,5}[1-9]", dialect: .ecma)
            }
            let sign = nonNegative ? "" : "-?"
            return .regex("\(sign)(0|[1-9]\(Self.digits))\(fraction)", dialect: .ecma)
        }

        /// Formats of `JSONStringFormats` whose texts have no `"`, `\\` or control characters.
        static let plainFormats: Set<String> = ["uuid", "ipv4", "date", "time", "date-time"]

        /// JSON string characters with no escapes (so the raw text is the decoded text).
        static let plainChar = "[^\"\\\\\\u0000-\\u001F]"

        mutating func string(_ o: JSONObject, at pointer: String) throws(Failure) -> GrammarExpr {
            func count(_ key: String) throws(Failure) -> Int? {
                guard let v = o[key] else { return nil }
                guard let n = v.numberValue?.intValue, n >= 0 else { throw Failure(pointer: pointer + "/" + key, reason: "must be a non-negative integer") }
                guard n <= 5_000 else { throw Failure(pointer: pointer + "/" + key, reason: "length bound above 5000") }
                return n
            }
            let minLength = try count("minLength") ?? 0
            let maxLength = try count("maxLength")
            if let maxLength, maxLength < minLength { throw Failure(pointer: pointer, reason: "maxLength < minLength") }
            var lookaheads = ""
            if let f = o["format"] {
                // Formats whose texts never need escaping in JSON, alone: the format's regex is
                // then the exact language between the quotes.
                guard let name = f.stringValue, Self.plainFormats.contains(name), let p = JSONStringFormats.pattern(for: name) else {
                    throw Failure(pointer: pointer + "/format", reason: "format '\(f.stringValue ?? "?")' is not supported")
                }
                guard o["pattern"] == nil, o["minLength"] == nil, o["maxLength"] == nil else {
                    throw Failure(pointer: pointer + "/format", reason: "format with pattern or length bounds")
                }
                return .sequence([.literal("\""), .regex(p, dialect: .ecma), .literal("\"")])
            }
            if let p = o["pattern"] {
                guard let source = p.stringValue else { throw Failure(pointer: pointer + "/pattern", reason: "must be a string") }
                do { _ = try RegexPattern.parse(source) } catch {
                    throw Failure(pointer: pointer + "/pattern", reason: "\(error)")
                }
                guard let (body, start, end) = Self.splitAnchors(source) else {
                    throw Failure(pointer: pointer + "/pattern", reason: "'^' or '$' inside the pattern (only a leading '^' and a trailing '$' are supported)")
                }
                // `pattern` searches the decoded string. The lexeme includes both quotes and has
                // no escapes, so a lookahead at the start of the content sees the decoded value:
                // a leading '^' is that position, a trailing '$' is the closing quote.
                lookaheads = "(?=\(start ? "" : "[^\"]*?")(?:\(body))\(end ? "\"" : ""))"
            }
            if lookaheads.isEmpty && minLength == 0 && maxLength == nil {
                return .rule(jsonStringRule())
            }
            // Plain characters only: the raw text is the decoded string, so the lookahead and
            // the counted repetition speak about the decoded value (code points).
            let bound = "{\(minLength),\(maxLength.map(String.init) ?? "")}"
            return .regex("\"\(lookaheads)\(Self.plainChar)\(bound)\"", dialect: .ecma)
        }

        /// The pattern without a leading `^` and a trailing `$` (and whether they were there), or
        /// nil when `^` or `$` occur anywhere else (outside character classes, unescaped).
        static func splitAnchors(_ source: String) -> (String, Bool, Bool)? {
            var chars = Array(source)
            var start = false, end = false
            if chars.first == "^" { start = true; chars.removeFirst() }
            // A trailing '$' not escaped (an even number of backslashes before it).
            if chars.last == "$" {
                var k = chars.count - 2, slashes = 0
                while k >= 0 && chars[k] == "\\" { slashes += 1; k -= 1 }
                if slashes % 2 == 0 { end = true; chars.removeLast() }
            }
            var i = 0, inClass = false
            while i < chars.count {
                let c = chars[i]
                if c == "\\" { i += 2; continue }
                if inClass {
                    if c == "]" { inClass = false }
                } else if c == "[" {
                    inClass = true
                    if i + 1 < chars.count && chars[i + 1] == "^" { i += 1 }
                    if i + 1 < chars.count && chars[i + 1] == "]" { i += 1 }
                } else if c == "^" || c == "$" {
                    return nil
                }
                i += 1
            }
            return (String(chars), start, end)
        }

        mutating func jsonStringRule() -> RuleID {
            if let id = refRules["\u{0}string"] { return id }
            let escape = "\\\\([\"\\\\/bfnrt]|u([0-9a-cA-C][0-9a-fA-F]{3}|[dD][0-7][0-9a-fA-F]{2}|[eEfF][0-9a-fA-F]{3}))"
            let id = add("string", .regex("\"(\(Self.plainChar)|\(escape))*\"", dialect: .ecma))
            refRules["\u{0}string"] = id
            return id
        }

        mutating func anyJSON() -> RuleID {
            if let anyValue { return anyValue }
            let value = placeholder("value")
            anyValue = value
            let str = jsonStringRule()
            let members = GrammarExpr.sequence([.rule(str), .literal(":"), .rule(value)])
            let object = GrammarExpr.sequence([.literal("{"), .optional(.sequence([members, .repeat(.sequence([.literal(","), members]), min: 0, max: nil)])), .literal("}")])
            let array = GrammarExpr.sequence([.literal("["), .optional(.sequence([.rule(value), .repeat(.sequence([.literal(","), .rule(value)]), min: 0, max: nil)])), .literal("]")])
            rules[Int(value.index)].body = .choice([
                object, array, .rule(str), .regex("-?(0|[1-9]\(Self.digits))(\\.[0-9]{1,6})?", dialect: .ecma),
                .literal("true"), .literal("false"), .literal("null"),
            ])
            return value
        }

        // MARK: containers

        mutating func array(_ o: JSONObject, at pointer: String) throws(Failure) -> GrammarExpr {
            func count(_ key: String) throws(Failure) -> Int? {
                guard let v = o[key] else { return nil }
                guard let n = v.numberValue?.intValue, n >= 0 else { throw Failure(pointer: pointer + "/" + key, reason: "must be a non-negative integer") }
                guard n <= 1_000 else { throw Failure(pointer: pointer + "/" + key, reason: "item bound above 1000") }
                return n
            }
            let minItems = try count("minItems") ?? 0
            let maxItems = try count("maxItems")
            if let maxItems, maxItems < minItems { throw Failure(pointer: pointer, reason: "maxItems < minItems") }
            var tuple: [JSONValue] = []
            var rest: JSONValue? = .bool(true)
            if let p = o["prefixItems"] {
                guard let xs = p.arrayValue else { throw Failure(pointer: pointer + "/prefixItems", reason: "must be an array") }
                tuple = xs
                rest = o["items"] ?? .bool(true)
            } else if let items = o["items"] {
                if let xs = items.arrayValue {
                    tuple = xs
                    rest = o["additionalItems"] ?? .bool(true)
                } else {
                    rest = items
                }
            }
            if case .bool(false)? = rest { rest = nil }
            var elements: [GrammarExpr] = []
            for (i, s) in tuple.enumerated() {
                elements.append(.rule(try rule(for: s, at: pointer + (o["prefixItems"] != nil ? "/prefixItems/\(i)" : "/items/\(i)"))))
            }
            // Generate at most the tuple plus free items; min/max bound the total.
            let restRule: RuleID? = try rest.map { (r) throws(Failure) in try rule(for: r, at: pointer + (tuple.isEmpty ? "/items" : "/additionalItems")) }
            let maxTotal = maxItems ?? Int.max
            guard minItems <= tuple.count || restRule != nil else {
                throw Failure(pointer: pointer + "/minItems", reason: "more items required than the tuple allows")
            }
            // Alternatives by the number of tuple items used (a prefix); free items only after the whole tuple.
            var alts: [GrammarExpr] = []
            for k in 0...min(tuple.count, maxTotal) {
                if k < tuple.count {
                    guard k >= minItems else { continue }
                    alts.append(list(Array(elements[0..<k]), nil, 0, 0))
                } else if let restRule {
                    let lo = max(0, minItems - k)
                    let hi: Int? = maxItems.map { $0 - k }
                    alts.append(list(elements, restRule, lo, hi))
                } else if k >= minItems {
                    alts.append(list(elements, nil, 0, 0))
                }
            }
            guard !alts.isEmpty else { throw Failure(pointer: pointer, reason: "no array length satisfies the bounds") }
            return alts.count == 1 ? alts[0] : .choice(alts)
        }

        /// `[e1,…,ek(,r){lo,hi}]` with commas right.
        func list(_ fixed: [GrammarExpr], _ rest: RuleID?, _ lo: Int, _ hi: Int?) -> GrammarExpr {
            var parts: [GrammarExpr] = [.literal("[")]
            for (i, e) in fixed.enumerated() {
                if i > 0 { parts.append(.literal(",")) }
                parts.append(e)
            }
            if let rest, hi != 0 {
                let item = GrammarExpr.rule(rest)
                let withComma = GrammarExpr.sequence([.literal(","), item])
                if fixed.isEmpty {
                    // first item has no comma
                    let tail = GrammarExpr.repeat(withComma, min: max(0, lo - 1), max: hi.map { $0 - 1 })
                    let some = GrammarExpr.sequence([item, tail])
                    parts.append(lo == 0 ? .optional(some) : some)
                } else {
                    parts.append(.repeat(withComma, min: lo, max: hi))
                }
            }
            parts.append(.literal("]"))
            return .sequence(parts)
        }

        mutating func object(_ o: JSONObject, at pointer: String) throws(Failure) -> GrammarExpr {
            var names: [String] = []
            var schemas: [JSONValue] = []
            var pointers: [String] = []
            if let p = o["properties"] {
                guard let po = p.objectValue else { throw Failure(pointer: pointer + "/properties", reason: "must be an object") }
                guard !po.hasDuplicateKeys else { throw Failure(pointer: pointer + "/properties", reason: "duplicate keys") }
                for m in po.members {
                    names.append(m.key); schemas.append(m.value)
                    pointers.append(pointer + "/properties/" + JSONPointer.escape(m.key))
                }
            }
            var required = Set<String>()
            if let r = o["required"] {
                guard let xs = r.arrayValue else { throw Failure(pointer: pointer + "/required", reason: "must be an array") }
                for x in xs {
                    guard let s = x.stringValue else { throw Failure(pointer: pointer + "/required", reason: "must hold strings") }
                    required.insert(s)
                    if !names.contains(s) {
                        // Not listed: its value falls under additionalProperties.
                        let extra = o["additionalProperties"] ?? .bool(true)
                        if case .bool(false) = extra { throw Failure(pointer: pointer + "/required", reason: "'\(s)' is required but additionalProperties is false") }
                        names.append(s); schemas.append(extra); pointers.append(pointer + "/additionalProperties")
                    }
                }
            }
            if let a = o["additionalProperties"] {
                switch a {
                case .bool, .object: break
                default: throw Failure(pointer: pointer + "/additionalProperties", reason: "must be a schema")
                }
            }
            // kv_i, then rules A_i (something emitted before: leading comma) and B_i (nothing yet).
            let n = names.count
            var kv: [GrammarExpr] = []
            for i in 0..<n {
                if case .bool(false) = schemas[i] {
                    if required.contains(names[i]) { throw Failure(pointer: pointers[i], reason: "required property with the false schema") }
                    kv.append(.choice([]))
                    continue
                }
                let value = try rule(for: schemas[i], at: pointers[i])
                kv.append(.sequence([.literal(JSONWriter.string(.string(names[i])) + ":"), .rule(value)]))
            }
            var after = add("obj_end", .empty)       // A_n
            var first = add("obj_empty", .empty)     // B_n
            for i in stride(from: n - 1, through: 0, by: -1) {
                let skip: Bool
                if case .bool(false) = schemas[i] { skip = true } else { skip = false }
                let isRequired = required.contains(names[i])
                var aAlts: [GrammarExpr] = []
                var bAlts: [GrammarExpr] = []
                if !skip {
                    aAlts.append(.sequence([.literal(","), kv[i], .rule(after)]))
                    bAlts.append(.sequence([kv[i], .rule(after)]))
                }
                if !isRequired {
                    aAlts.append(.rule(after))
                    bAlts.append(.rule(first))
                }
                let a = add("obj_a\(i)", .choice(aAlts))
                let b = add("obj_b\(i)", .choice(bAlts))
                after = a
                first = b
            }
            return .sequence([.literal("{"), .rule(first), .literal("}")])
        }
    }
}
