/// Turns schema documents into `SchemaNode`s: each schema location reached from the root (through
/// keywords and `$ref`) is compiled once, so reference cycles become back edges between nodes.
struct SchemaCompiler {
    typealias Location = SchemaIndex.Location

    var index: SchemaIndex
    let options: ValidatorOptions
    var nodes: [SchemaNode] = []
    var nodeAt: [Location: Int] = [:]
    /// Nodes whose keywords are still to be built (a worklist, so deep or cyclic schemas never
    /// recurse in the compiler).
    var pending: [(Int, Location, JSONValue?)] = []
    /// In-place edges (applicators on the same instance) for the cycle check.
    var inPlaceEdges: [Int: [Int]] = [:]
    var resourceNodes: [Int: CompiledResource] = [:]

    init(registry: SchemaRegistry, options: ValidatorOptions) {
        index = SchemaIndex(registry: registry, defaultDraft: options.defaultDraft)
        self.options = options
    }

    /// The absolute location: base URI of the enclosing resource + "#" + pointer inside it.
    func describe(_ location: Location) -> String {
        if let r = index.resource(at: location) {
            let resource = index.resources[r]
            if resource.root.document == location.document, location.pointer.hasPrefix(resource.root.pointer) {
                return resource.baseURI + "#" + location.pointer.dropFirst(resource.root.pointer.count)
            }
        }
        let base = index.resources.first { $0.root.document == location.document && $0.root.pointer == "" }?.baseURI ?? ""
        return base + "#" + location.pointer
    }

    func error(_ message: String, at location: Location) -> SchemaError {
        SchemaError(message: message, location: describe(location))
    }

    /// Compiles `root` (retrieved from `uri`) and everything it reaches.
    mutating func compileRoot(_ root: JSONValue, uri: String) throws(SchemaError) -> (nodes: [SchemaNode], root: Int, resources: [CompiledResource]) {
        let document = index.addDocument(root, uri: uri, draft: options.defaultDraft)
        let rootNode = try node(at: Location(document: document, pointer: ""))
        try drain()
        // The dynamic scope may reach any dynamic anchor (or recursive root) of a resource in use.
        var done = 0
        while true {
            let used = Set(nodes.map(\.resource)).sorted()
            if used.count == done { break }
            done = used.count
            for r in used {
                let info = index.resources[r]
                for (name, location) in info.dynamicAnchors {
                    resourceNodes[r, default: CompiledResource(baseURI: info.baseURI)].dynamicAnchors[name] = try node(at: location)
                }
                if info.recursiveAnchor {
                    resourceNodes[r, default: CompiledResource(baseURI: info.baseURI)].recursiveAnchor = true
                    resourceNodes[r, default: CompiledResource(baseURI: info.baseURI)].rootNode = try node(at: info.root)
                }
            }
            try drain()
        }
        try checkInPlaceCycles()
        let maxResource = index.resources.count
        var resources = (0..<maxResource).map { CompiledResource(baseURI: index.resources[$0].baseURI) }
        for (r, info) in resourceNodes { resources[r] = info }
        return (nodes, rootNode, resources)
    }

    private mutating func drain() throws(SchemaError) {
        while let (n, location, value) = pending.popLast() {
            nodes[n] = try build(n, at: location, value: value)
        }
    }

    /// The node for `location` (whose JSON value the caller may already hold), allocated now and
    /// built later by `drain`.
    mutating func node(at location: Location, value: JSONValue? = nil) throws(SchemaError) -> Int {
        if let n = nodeAt[location] { return n }
        guard nodes.count < options.maxSchemaNodes else {
            throw error("schema has more than \(options.maxSchemaNodes) subschemas (ValidatorOptions.maxSchemaNodes)", at: location)
        }
        guard let resource = index.resource(at: location) else { throw error("no schema resource here", at: location) }
        let n = nodes.count
        nodes.append(SchemaNode(location: describe(location), resource: resource, keywords: []))
        nodeAt[location] = n
        pending.append((n, location, value))
        return n
    }

    private func value(at location: Location) -> JSONValue? {
        guard let pointer = try? JSONPointer(parsing: location.pointer) else { return nil }
        return pointer.resolve(in: index.documents[location.document])
    }

    /// Resolves a `$ref`-like URI reference against `base`.
    mutating func resolve(_ reference: String, base: String, draft: Draft, from: Location) throws(SchemaError) -> Location {
        let target = URIReference(reference).resolved(against: URIReference(base))
        let documentURI = target.withoutFragment.description
        if index.uris[documentURI] == nil {
            guard let document = index.registry.document(for: documentURI) else {
                throw error("cannot resolve reference '\(reference)': no schema at \(documentURI)", at: from)
            }
            _ = index.addDocument(document, uri: documentURI, draft: draft)
        }
        guard let root = index.uris[documentURI] else { throw error("cannot resolve reference '\(reference)'", at: from) }
        let fragment = target.fragment ?? ""
        if fragment.isEmpty { return root }
        if fragment.hasPrefix("/") {
            guard let pointer = try? JSONPointer(fragment: fragment) else {
                throw error("invalid JSON pointer in reference '\(reference)'", at: from)
            }
            let location = Location(document: root.document, pointer: root.pointer + pointer.description)
            guard value(at: location) != nil else {
                throw error("cannot resolve reference '\(reference)': nothing at \(documentURI)#\(fragment)", at: from)
            }
            return location
        }
        let anchor = URIReference.percentDecode(fragment) ?? fragment
        guard let location = index.uris[documentURI + "#" + anchor] else {
            throw error("cannot resolve reference '\(reference)': no anchor '\(anchor)' in \(documentURI)", at: from)
        }
        return location
    }

    // MARK: Keywords

    private mutating func build(_ n: Int, at location: Location, value known: JSONValue?) throws(SchemaError) -> SchemaNode {
        var result = nodes[n]
        guard let schema = known ?? value(at: location) else { throw error("no schema here", at: location) }
        switch schema {
        case .bool(let b):
            result.alwaysFails = !b
            return result
        case .object(let o):
            let resource = index.resources[result.resource]
            let context = KeywordContext(node: n, location: location, draft: resource.draft,
                                         vocabularies: resource.vocabularies, base: resource.baseURI)
            result.keywords = try buildKeywords(o, context)
            result.raw = o
            result.draft = resource.draft
            result.hasUnevaluated = result.keywords.contains { $0.name.hasPrefix("unevaluated") }
            return result
        default:
            throw error("a schema must be an object or a boolean, not \(schema.typeName)", at: location)
        }
    }

    /// A cycle of in-place applicators (`$ref`, `allOf`, … on the same instance) never makes
    /// progress: validation would recurse forever, so the schema is refused.
    private func checkInPlaceCycles() throws(SchemaError) {
        var state = [UInt8](repeating: 0, count: nodes.count)  // 0 new, 1 on stack, 2 done
        for start in 0..<nodes.count where state[start] == 0 {
            var stack: [(Int, Int)] = [(start, 0)]
            state[start] = 1
            while let (n, edge) = stack.last {
                let edges = inPlaceEdges[n] ?? []
                if edge < edges.count {
                    stack[stack.count - 1].1 += 1
                    let next = edges[edge]
                    if state[next] == 1 {
                        throw SchemaError(message: "reference cycle without progress: this schema applies itself to the same instance again (via \(nodes[n].location))",
                                          location: nodes[next].location)
                    }
                    if state[next] == 0 {
                        state[next] = 1
                        stack.append((next, 0))
                    }
                } else {
                    state[n] = 2
                    stack.removeLast()
                }
            }
        }
    }
}
