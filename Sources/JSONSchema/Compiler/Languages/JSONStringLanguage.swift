import Grammar

/// The JSON string tokens (quotes included, every valid escaping) whose decoded value satisfies a
/// schema's string keywords: `minLength`/`maxLength` (code points), `pattern` (ECMA, search),
/// `format` (the formats of `JSONStringFormats`, asserted), and `enum`/`const` of strings.
///
/// The keywords intersect. Refusals carry the pointer of the keyword.
///
/// ```swift
/// var ir = RegexIR()
/// let e = try JSONStringLanguage.language(for: ["pattern": "^a+$", "maxLength": 3], in: &ir)
/// var dfa = ByteDFA(ir, root: e)
/// try dfa.matches("\"a\\u0061\"")   // true
/// ```
public enum JSONStringLanguage {
    /// Default cap on `maxLength`/`minLength` values expressed as counted repetition.
    public static let maxCountedLength = 100_000

    /// The language of `schema`'s string keywords (other keywords are ignored here).
    public static func language(for schema: JSONValue, at pointer: String = "",
                                in ir: inout RegexIR) throws(SchemaCompileError) -> RegexIR.Expr {
        let body = try decodedLanguage(for: schema, at: pointer, in: &ir)
        return ir.concat([ir.literal("\""), body, ir.literal("\"")])
    }

    /// The same, without the quotes.
    static func decodedLanguage(for schema: JSONValue, at pointer: String,
                                in ir: inout RegexIR) throws(SchemaCompileError) -> RegexIR.Expr {
        var parts: [RegexIR.Expr] = []
        let anyChar = JSONStringEncoding.encode(&ir, .all)
        let minLength = try count(schema["minLength"], at: pointer + "/minLength") ?? 0
        let maxLength = try count(schema["maxLength"], at: pointer + "/maxLength")
        if minLength > 0 || maxLength != nil {
            if let m = maxLength, m < minLength { return RegexIR.nothing }
            parts.append(ir.repeat(anyChar, min: minLength, max: maxLength))
        }
        if let p = schema["pattern"] {
            guard case .string(let source) = p else {
                throw SchemaCompileError(.invalidSchema, at: pointer + "/pattern", "pattern must be a string")
            }
            parts.append(try embed(source, mode: .search, at: pointer + "/pattern", in: &ir))
        }
        if let f = schema["format"], case .string(let name) = f, FormatChecker.check(name, "") != nil {
            guard let pattern = JSONStringFormats.parsed[name] else {
                throw SchemaCompileError(.cannotEnforceExactly, at: pointer + "/format",
                                         "format '\(name)' is not expressed as an exact regular language")
            }
            do {
                parts.append(try ir.add(pattern, mode: .fullMatch, encoding: JSONStringEncoding.encode))
            } catch {
                throw SchemaCompileError(error.kind == .budget ? .budget : .cannotEnforceExactly, at: pointer + "/format", error.description)
            }
        }
        for key in ["enum", "const"] {
            guard let v = schema[key] else { continue }
            let values: [JSONValue] = key == "const" ? [v] : (v.arrayValue ?? [])
            var alts: [RegexIR.Expr] = []
            for value in values { if case .string(let s) = value { alts.append(JSONStringEncoding.literal(&ir, s)) } }
            parts.append(ir.or(alts))
        }
        if parts.isEmpty { return ir.repeat(anyChar, min: 0, max: nil) }
        let result = parts.count == 1 ? parts[0] : ir.and(parts)
        if ir.overBudget { throw SchemaCompileError(.budget, at: pointer, "more than \(ir.limits.maxExpressions) regex expressions") }
        return result
    }

    static func embed(_ source: String, mode: RegexMatchMode, at pointer: String,
                      in ir: inout RegexIR) throws(SchemaCompileError) -> RegexIR.Expr {
        do {
            let pattern = try RegexPattern.parse(source)
            return try ir.add(pattern, mode: mode, encoding: JSONStringEncoding.encode)
        } catch {
            let kind: SchemaCompileError.Kind = switch error.kind {
            case .budget: .budget
            case .unsupported: .cannotEnforceExactly
            default: .invalidSchema
            }
            throw SchemaCompileError(kind, at: pointer, error.description)
        }
    }

    static func count(_ v: JSONValue?, at pointer: String) throws(SchemaCompileError) -> Int? {
        guard let v else { return nil }
        guard case .number(let n) = v, n.isInteger, !n.isNegative else {
            throw SchemaCompileError(.invalidSchema, at: pointer, "must be a non-negative integer")
        }
        guard let i = n.intValue, i <= maxCountedLength else {
            throw SchemaCompileError(.budget, at: pointer, "lengths above \(maxCountedLength) are not expressed")
        }
        return i
    }
}
