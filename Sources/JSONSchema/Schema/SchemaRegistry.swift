import Foundation

/// Documents that `$ref` may reach by absolute URI, without network access.
///
/// The validator never fetches: a remote reference resolves only to a document added here (the
/// official suite's `remotes/` folder is served as `http://localhost:1234/…` this way). The
/// metaschemas of drafts 4 to 2020-12 are always present (see `Metaschemas`).
///
/// ```swift
/// var registry = SchemaRegistry()
/// try registry.addDirectory(atPath: "remotes", baseURI: "http://localhost:1234/")
/// let schema = try CompiledSchema(schema, registry: registry)
/// ```
public struct SchemaRegistry: Sendable {
    /// Documents by absolute URI without fragment.
    public private(set) var documents: [String: JSONValue] = [:]

    public init() {}

    /// Makes `document` reachable as `uri` (any fragment is dropped).
    public mutating func add(_ document: JSONValue, uri: String) {
        documents[URIReference(uri).withoutFragment.description] = document
    }

    /// Adds every `.json` file below `path` as `baseURI` + its relative path.
    public mutating func addDirectory(atPath path: String, baseURI: String) throws {
        let root = URL(fileURLWithPath: path)
        guard let walker = FileManager.default.enumerator(atPath: path) else {
            throw SchemaError(message: "cannot read directory \(path)", location: "")
        }
        for case let relative as String in walker where relative.hasSuffix(".json") {
            let data = try Data(contentsOf: root.appendingPathComponent(relative))
            do {
                add(try JSONParser.parse(data), uri: baseURI + relative)
            } catch {
                throw SchemaError(message: "\(path)/\(relative): \(error)", location: baseURI + relative)
            }
        }
    }

    /// The document for `uri`: an added one, else a built-in metaschema.
    func document(for uri: String) -> JSONValue? {
        documents[uri] ?? Metaschemas.document(for: uri)
    }
}

/// Why a schema cannot be loaded: the message and the absolute location (`uri#/json/pointer`).
public struct SchemaError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public let location: String
    public init(message: String, location: String) {
        self.message = message
        self.location = location
    }
    public var description: String { location.isEmpty ? message : "\(location): \(message)" }
}
