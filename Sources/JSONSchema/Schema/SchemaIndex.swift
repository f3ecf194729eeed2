/// Where schema resources and anchors live in the loaded documents (JSON Schema Core 2020-12 §8.2,
/// §9.1): found by walking each document through the keywords that hold subschemas in its draft,
/// so an `$id` inside `enum`, `const` or an unknown keyword is not an identifier.
struct SchemaIndex {
    /// A place in a document: document number and escaped JSON pointer.
    struct Location: Hashable {
        var document: Int
        var pointer: String
    }

    struct Resource {
        var baseURI: String
        var draft: Draft
        var vocabularies: Vocabularies
        var root: Location
        var dynamicAnchors: [String: Location] = [:]
        var recursiveAnchor = false
    }

    var documents: [JSONValue] = []
    var resources: [Resource] = []
    /// Resource URIs (no fragment) and `uri#anchor` → location.
    var uris: [String: Location] = [:]
    /// Every schema location reached by the walk → its resource.
    var resourceAt: [Location: Int] = [:]
    let registry: SchemaRegistry
    let defaultDraft: Draft

    init(registry: SchemaRegistry, defaultDraft: Draft) {
        self.registry = registry
        self.defaultDraft = defaultDraft
    }

    /// The dialect and vocabularies a `$schema` value selects; unknown URIs fall back to `fallback`.
    func dialect(of schemaURI: String, fallback: Draft) -> (Draft, Vocabularies) {
        if let d = Draft(schemaURI: schemaURI) { return (d, .all) }
        let uri = URIReference(schemaURI).withoutFragment.description
        if let meta = registry.document(for: uri), case .object(let o) = meta {
            let metaDraft = o["$schema"]?.stringValue.flatMap { Draft(schemaURI: $0) } ?? fallback
            if metaDraft >= .draft2019_09, let vocabulary = o["$vocabulary"]?.objectValue {
                return (metaDraft, Vocabularies(metaschemaVocabulary: vocabulary))
            }
            return (metaDraft, .all)
        }
        return (fallback, .all)
    }

    /// Adds a document retrieved from `uri` and indexes it; returns its number.
    mutating func addDocument(_ value: JSONValue, uri: String, draft: Draft) -> Int {
        let number = documents.count
        documents.append(value)
        var (d, v) = (draft, Vocabularies.all)
        if let s = value["$schema"]?.stringValue { (d, v) = dialect(of: s, fallback: draft) }
        let location = Location(document: number, pointer: "")
        let resource = newResource(uri, draft: d, vocabularies: v, root: location)
        walk(value, location, base: uri, draft: d, vocabularies: v, resource: resource)
        return number
    }

    private mutating func newResource(_ uri: String, draft: Draft, vocabularies: Vocabularies, root: Location) -> Int {
        resources.append(Resource(baseURI: uri, draft: draft, vocabularies: vocabularies, root: root))
        if uris[uri] == nil { uris[uri] = root }
        return resources.count - 1
    }

    private mutating func walk(_ value: JSONValue, _ here: Location, base: String, draft: Draft, vocabularies: Vocabularies, resource: Int) {
        guard case .object(let o) = value else {
            resourceAt[here] = resource
            return
        }
        var draft = draft, vocabularies = vocabularies, base = base, resource = resource
        let hidesID = draft.refOverridesSiblings && o["$ref"] != nil
        if let id = o[draft.idKeyword]?.stringValue, !hidesID {
            if draft <= .draft7, id.hasPrefix("#") {
                // Drafts 4–7: "$id": "#name" is a plain-name anchor.
                if id.count > 1 { uris[base + id] = here }
            } else {
                let resolved = URIReference(id).resolved(against: URIReference(base))
                let newBase = resolved.withoutFragment.description
                if here.pointer != "", let s = o["$schema"]?.stringValue { (draft, vocabularies) = dialect(of: s, fallback: draft) }
                if newBase != base || here.pointer != "" {
                    resource = newResource(newBase, draft: draft, vocabularies: vocabularies, root: here)
                    uris[newBase] = here
                }
                base = newBase
                if draft <= .draft7, let fragment = resolved.fragment, !fragment.isEmpty { uris[base + "#" + fragment] = here }
            }
        }
        if draft >= .draft2019_09 {
            if let anchor = o["$anchor"]?.stringValue { uris[base + "#" + anchor] = here }
            if draft >= .draft2020_12, let anchor = o["$dynamicAnchor"]?.stringValue {
                if uris[base + "#" + anchor] == nil { uris[base + "#" + anchor] = here }
                resources[resource].dynamicAnchors[anchor] = here
            }
            if draft == .draft2019_09, o["$recursiveAnchor"]?.boolValue == true, resources[resource].root == here {
                resources[resource].recursiveAnchor = true
            }
        }
        resourceAt[here] = resource
        for member in o.members {
            let child = { (token: String) in Location(document: here.document, pointer: here.pointer + "/" + JSONPointer.escape(token)) }
            switch SchemaIndex.subschemaShape(member.key, draft: draft) {
            case .none: break
            case .single:
                walk(member.value, child(member.key), base: base, draft: draft, vocabularies: vocabularies, resource: resource)
            case .array:
                if case .array(let items) = member.value {
                    let at = child(member.key)
                    for (k, item) in items.enumerated() {
                        walk(item, Location(document: here.document, pointer: at.pointer + "/\(k)"), base: base, draft: draft,
                             vocabularies: vocabularies, resource: resource)
                    }
                } else {
                    walk(member.value, child(member.key), base: base, draft: draft, vocabularies: vocabularies, resource: resource)
                }
            case .map:
                if case .object(let map) = member.value {
                    let at = child(member.key)
                    for m in map.members {
                        if member.key == "dependencies", case .array = m.value { continue }
                        walk(m.value, Location(document: here.document, pointer: at.pointer + "/" + JSONPointer.escape(m.key)),
                             base: base, draft: draft, vocabularies: vocabularies, resource: resource)
                    }
                }
            }
        }
    }

    enum Shape { case none, single, array, map }

    /// How keyword `name` holds subschemas in `draft`.
    static func subschemaShape(_ name: String, draft: Draft) -> Shape {
        switch name {
        case "additionalProperties", "not", "additionalItems": return .single
        case "items": return draft >= .draft2020_12 ? .single : .array  // .array also walks the single-schema form
        case "contains", "propertyNames": return draft >= .draft6 ? .single : .none
        case "if", "then", "else": return draft >= .draft7 ? .single : .none
        case "unevaluatedProperties", "unevaluatedItems", "contentSchema": return draft >= .draft2019_09 ? .single : .none
        case "allOf", "anyOf", "oneOf": return .array
        case "prefixItems": return draft >= .draft2020_12 ? .array : .none
        case "properties", "patternProperties", "definitions": return .map
        case "$defs", "dependentSchemas": return draft >= .draft2019_09 ? .map : .none
        case "dependencies": return draft <= .draft7 ? .map : .none
        default: return .none
        }
    }

    /// The resource in effect at `location`: the walk's answer, else that of the nearest walked
    /// ancestor (for pointers into places the walk did not visit).
    func resource(at location: Location) -> Int? {
        if let r = resourceAt[location] { return r }
        var pointer = location.pointer
        while let slash = pointer.lastIndex(of: "/") {
            pointer = String(pointer[..<slash])
            if let r = resourceAt[Location(document: location.document, pointer: pointer)] { return r }
        }
        return nil
    }
}
