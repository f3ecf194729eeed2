/// An RFC 6901 JSON Pointer: a path of reference tokens into a JSON value.
///
/// Tokens are stored unescaped; `description` escapes `~` as `~0` and `/` as `~1`. URI fragments
/// (`#/a%20b/c~1d`) are percent-decoded first (RFC 6901 §6).
///
/// ```swift
/// let p = try JSONPointer(parsing: "/definitions/a~1b/0")
/// p.tokens                    // ["definitions", "a/b", "0"]
/// p.resolve(in: document)     // the value there, or nil
/// ```
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible {
    public var tokens: [String]

    public init(tokens: [String] = []) { self.tokens = tokens }

    /// Why a pointer string is malformed.
    public struct SyntaxError: Error, CustomStringConvertible, Sendable {
        public let pointer: String
        public let reason: String
        public var description: String { "invalid JSON pointer '\(pointer)': \(reason)" }
    }

    /// Parses the string form: empty, or `/`-separated tokens with `~0` and `~1` escapes.
    public init(parsing text: String) throws(SyntaxError) {
        if text.isEmpty { tokens = []; return }
        // Code points, not Characters: a combining mark after '/' or '~' must not merge with it
        // (RFC 6901 is defined over code points).
        let scalars = text.unicodeScalars
        guard scalars.first == "/" else { throw SyntaxError(pointer: text, reason: "must be empty or start with '/'") }
        var out: [String] = []
        for raw in scalars.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            var token = String.UnicodeScalarView()
            var it = raw.makeIterator()
            while let c = it.next() {
                if c == "~" {
                    switch it.next() {
                    case "0": token.append("~")
                    case "1": token.append("/")
                    default: throw SyntaxError(pointer: text, reason: "'~' must be followed by '0' or '1'")
                    }
                } else {
                    token.append(c)
                }
            }
            out.append(String(token))
        }
        tokens = out
    }

    /// Parses a URI fragment (without `#`): percent-decodes, then parses.
    public init(fragment: String) throws(SyntaxError) {
        guard let decoded = URIReference.percentDecode(fragment) else {
            throw SyntaxError(pointer: fragment, reason: "bad percent-encoding")
        }
        try self.init(parsing: decoded)
    }

    public var description: String {
        tokens.map { "/" + JSONPointer.escape($0) }.joined()
    }

    /// `~` → `~0`, `/` → `~1`.
    public static func escape(_ token: String) -> String {
        guard token.contains(where: { $0 == "~" || $0 == "/" }) else { return token }
        return token.replacingAll("~", with: "~0").replacingAll("/", with: "~1")
    }

    public func appending(_ token: String) -> JSONPointer { JSONPointer(tokens: tokens + [token]) }

    public var isEmpty: Bool { tokens.isEmpty }

    /// The value this pointer designates in `root`, or nil. Array indices are decimal without
    /// leading zeros (RFC 6901 §4).
    public func resolve(in root: JSONValue) -> JSONValue? {
        var current = root
        for token in tokens {
            switch current {
            case .object(let object):
                guard let next = object[token] else { return nil }
                current = next
            case .array(let elements):
                guard let index = JSONPointer.arrayIndex(token), index < elements.count else { return nil }
                current = elements[index]
            default:
                return nil
            }
        }
        return current
    }

    /// `token` as an array index: digits, no leading zero unless it is "0".
    static func arrayIndex(_ token: String) -> Int? {
        let u = Array(token.utf8)
        guard !u.isEmpty, u.count <= 18, u.allSatisfy({ $0 >= 48 && $0 <= 57 }), u.count == 1 || u[0] != 48 else { return nil }
        return Int(token)
    }
}

extension String {
    /// Every occurrence of `target` replaced (no Foundation).
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = Substring(self)
        while let r = rest.range(of: target) {
            out += rest[..<r.lowerBound]
            out += replacement
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}

extension Substring {
    fileprivate func range(of target: String) -> Range<Substring.Index>? {
        let t = Array(target)
        var i = startIndex
        while i < endIndex {
            var j = i, k = 0
            while k < t.count, j < endIndex, self[j] == t[k] { j = index(after: j); k += 1 }
            if k == t.count { return i..<j }
            i = index(after: i)
        }
        return nil
    }
}
