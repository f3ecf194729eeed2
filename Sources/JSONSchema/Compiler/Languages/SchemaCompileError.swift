/// Why a schema (or one of its keywords) could not be compiled to an exact language.
///
/// `pointer` is the JSON pointer of the offending keyword inside the schema.
///
/// ```swift
/// do { _ = try JSONValueLanguage.language(for: ["format": "email"], in: &ir) }
/// catch { print(error) }   // "/format: cannot enforce exactly: ..."
/// ```
public struct SchemaCompileError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// The constraint is valid but its language is not (yet) expressed exactly; never approximated.
        case cannotEnforceExactly = "cannot enforce exactly"
        /// The keyword's value is malformed (wrong JSON type, bad regex, negative length...).
        case invalidSchema = "invalid schema"
        /// A size budget (expressions, automaton states, digits) was exceeded.
        case budget = "over budget"
        /// The schema constrains non-scalar values, so it is not a leaf.
        case notALeaf = "not a leaf"
    }
    public let kind: Kind
    /// JSON pointer of the keyword, relative to the schema given to the compiler.
    public let pointer: String
    public let reason: String

    public init(_ kind: Kind, at pointer: String, _ reason: String) {
        self.kind = kind
        self.pointer = pointer
        self.reason = reason
    }

    public var description: String { "\(pointer.isEmpty ? "/" : pointer): \(kind.rawValue): \(reason)" }
}
