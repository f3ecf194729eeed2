/// Why a grammar could not be read or compiled, and where.
///
/// ```swift
/// do { _ = try GBNF.parse("root ::= foo") }
/// catch let e as GrammarError { print(e) }   // "1:10: undefined rule 'foo'"
/// ```
public struct GrammarError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where in the source, when the error has a place.
    public var location: SourceLocation?
    public var message: String

    public init(_ message: String, at location: SourceLocation? = nil) {
        self.message = message
        self.location = location
    }

    public var description: String {
        if let location { return "\(location): \(message)" }
        return message
    }
}
