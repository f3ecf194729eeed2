/// A JSON Schema dialect this library understands, decided by `$schema` (2020-12 by default).
///
/// ```swift
/// Draft(schemaURI: "http://json-schema.org/draft-07/schema#")   // .draft7
/// ```
public enum Draft: Int, Sendable, Comparable, CaseIterable, CustomStringConvertible {
    case draft4 = 4
    case draft6 = 6
    case draft7 = 7
    case draft2019_09 = 2019
    case draft2020_12 = 2020

    public static func < (a: Draft, b: Draft) -> Bool { a.rawValue < b.rawValue }

    /// The dialect named by a `$schema` value (http or https, with or without the empty fragment);
    /// nil for any other URI. Draft 3 is read as draft 4, its nearest successor.
    public init?(schemaURI: String) {
        var s = Substring(schemaURI)
        if s.hasSuffix("#") { s = s.dropLast() }
        if s.hasPrefix("https://") { s = s.dropFirst(8) } else if s.hasPrefix("http://") { s = s.dropFirst(7) } else { return nil }
        switch s {
        case "json-schema.org/draft-03/schema", "json-schema.org/draft-04/schema": self = .draft4
        case "json-schema.org/draft-06/schema": self = .draft6
        case "json-schema.org/draft-07/schema": self = .draft7
        case "json-schema.org/draft/2019-09/schema": self = .draft2019_09
        case "json-schema.org/draft/2020-12/schema": self = .draft2020_12
        default: return nil
        }
    }

    /// Name as used in the test suite's folders: "draft4" … "draft2020-12".
    public init?(name: String) {
        switch name {
        case "draft4", "4": self = .draft4
        case "draft6", "6": self = .draft6
        case "draft7", "7": self = .draft7
        case "draft2019-09", "2019-09": self = .draft2019_09
        case "draft2020-12", "2020-12": self = .draft2020_12
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .draft4: return "draft4"
        case .draft6: return "draft6"
        case .draft7: return "draft7"
        case .draft2019_09: return "draft2019-09"
        case .draft2020_12: return "draft2020-12"
        }
    }

    /// The canonical metaschema URI.
    public var metaschemaURI: String {
        switch self {
        case .draft4: return "http://json-schema.org/draft-04/schema#"
        case .draft6: return "http://json-schema.org/draft-06/schema#"
        case .draft7: return "http://json-schema.org/draft-07/schema#"
        case .draft2019_09: return "https://json-schema.org/draft/2019-09/schema"
        case .draft2020_12: return "https://json-schema.org/draft/2020-12/schema"
        }
    }

    /// The identifier keyword: `id` in draft 4, `$id` later.
    var idKeyword: String { self == .draft4 ? "id" : "$id" }

    /// Drafts 4–7 ignore every keyword beside `$ref` (and `$ref` hides a sibling `$id`).
    var refOverridesSiblings: Bool { self <= .draft7 }
}

/// The keyword groups of 2019-09 / 2020-12 that a metaschema's `$vocabulary` can turn off.
struct Vocabularies: Sendable, Equatable {
    var validation = true
    var applicator = true
    var unevaluated = true
    var formatAssertion = false
    var content = true

    static let all = Vocabularies()

    /// Reads `$vocabulary` of a metaschema; unknown vocabularies are ignored.
    init(metaschemaVocabulary vocabulary: JSONObject) {
        validation = false
        applicator = false
        unevaluated = false
        content = false
        for m in vocabulary.members {
            let name = m.key
            if name.hasSuffix("/vocab/validation") { validation = true }
            if name.hasSuffix("/vocab/applicator") { applicator = true; if name.contains("2019-09") { unevaluated = true } }
            if name.hasSuffix("/vocab/unevaluated") { unevaluated = true }
            if name.hasSuffix("/vocab/format-assertion") { formatAssertion = true }
            if name.hasSuffix("/vocab/content") { content = true }
        }
    }

    init() {}
}
