/// A JSON value that keeps what was written: member order, duplicate keys, and numbers as text.
///
/// Equality is JSON Schema's (`const`, `enum`, `uniqueItems`): numbers compare by mathematical value
/// (`1.0 == 1`), objects compare as sets of members regardless of order, arrays element by element.
///
/// ```swift
/// let v: JSONValue = .object(JSONObject([("a", .number(JSONNumber(1))), ("b", .string("x"))]))
/// v["a"] == .number(JSONNumber("1.0")!)   // true
/// ```
public enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The member named `key` when this is an object (the last one when keys repeat), else `nil`.
    public subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    /// The element at `index` when this is an array and the index is in range, else `nil`.
    public subscript(index: Int) -> JSONValue? {
        if case .array(let elements) = self, elements.indices.contains(index) { return elements[index] }
        return nil
    }

    /// The JSON Schema type name of this value: "null", "boolean", "number", "string", "array", "object".
    /// Integers are "number" here; see `JSONNumber.isInteger`.
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    public var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    public var numberValue: JSONNumber? { if case .number(let n) = self { return n }; return nil }
    public var boolValue: Bool? { if case .bool(let b) = self { return b }; return nil }
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
    public var objectValue: JSONObject? { if case .object(let o) = self { return o }; return nil }
    public var isNull: Bool { if case .null = self { return true }; return false }
}

extension JSONValue: Equatable {
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.string(let a), .string(let b)): return a.unicodeScalars.elementsEqual(b.unicodeScalars)
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)): return a == b
        default: return false
        }
    }
}

extension JSONValue: Hashable {
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let b): hasher.combine(1); hasher.combine(b)
        case .number(let n): hasher.combine(2); hasher.combine(n)
        case .string(let s): hasher.combine(3); for u in s.unicodeScalars { hasher.combine(u.value) }
        case .array(let a): hasher.combine(4); hasher.combine(a)
        case .object(let o): hasher.combine(5); hasher.combine(o)
        }
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByStringLiteral,
    ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(JSONNumber(value)) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(JSONObject(elements)) }
}

/// One `"key": value` member of an object, in source order.
public struct JSONMember: Sendable {
    public var key: String
    public var value: JSONValue
    public init(key: String, value: JSONValue) {
        self.key = key
        self.value = value
    }
}

/// A JSON object that keeps its members in source order, duplicate keys included.
///
/// Lookup by key returns the last member with that key, as most JSON readers (and JSON Schema
/// validators) do; `duplicateKeys` reports the keys that occur more than once.
public struct JSONObject: Sendable {
    /// The members in source order, duplicates included.
    public private(set) var members: [JSONMember]
    /// Key → index of its last member; only built for larger objects, where a linear scan would cost.
    private var index: [ExactKey: Int]?

    private static let indexThreshold = 12

    /// True when some key occurs more than once (kept up to date, so equality and `uniqueMembers`
    /// need no set building in the common case).
    public private(set) var hasDuplicateKeys = false

    public init() { members = [] }

    public init(_ pairs: [(String, JSONValue)]) {
        members = pairs.map { JSONMember(key: $0.0, value: $0.1) }
        rebuildIndex()
    }

    public init(members: [JSONMember]) {
        self.members = members
        rebuildIndex()
    }

    private mutating func rebuildIndex() {
        guard members.count > Self.indexThreshold else {
            index = nil
            hasDuplicateKeys = false
            for i in members.indices where !hasDuplicateKeys {
                for j in 0..<i where members[j].key.exactlyEquals(members[i].key) {
                    hasDuplicateKeys = true
                    break
                }
            }
            return
        }
        var map = [ExactKey: Int](minimumCapacity: members.count)
        for (i, m) in members.enumerated() { map[ExactKey(m.key)] = i }
        index = map
        hasDuplicateKeys = map.count != members.count
    }

    /// Appends a member (keeping any earlier member with the same key).
    public mutating func append(key: String, value: JSONValue) {
        if !hasDuplicateKeys, self[key] != nil { hasDuplicateKeys = true }
        members.append(JSONMember(key: key, value: value))
        if index != nil {
            index![ExactKey(key)] = members.count - 1
        } else if members.count > Self.indexThreshold {
            rebuildIndex()
        }
    }

    /// The value of the last member named `key`.
    public subscript(key: String) -> JSONValue? {
        if let index { return index[ExactKey(key)].map { members[$0].value } }
        for m in members.reversed() where m.key.exactlyEquals(key) { return m.value }
        return nil
    }

    /// Number of members, duplicates included.
    public var count: Int { members.count }
    public var isEmpty: Bool { members.isEmpty }

    /// Distinct keys in order of first occurrence.
    public var keys: [String] {
        var seen = Set<ExactKey>()
        return members.compactMap { seen.insert(ExactKey($0.key)).inserted ? $0.key : nil }
    }

    /// Keys that occur more than once, in order of their second occurrence.
    public var duplicateKeys: [String] {
        guard hasDuplicateKeys else { return [] }
        var seen = Set<ExactKey>(), reported = Set<ExactKey>(), out: [String] = []
        for m in members where !seen.insert(ExactKey(m.key)).inserted {
            if reported.insert(ExactKey(m.key)).inserted { out.append(m.key) }
        }
        return out
    }

    /// Distinct keys with their effective (last) values, in order of first occurrence.
    public var uniqueMembers: [JSONMember] {
        if !hasDuplicateKeys { return members }
        return keys.map { JSONMember(key: $0, value: self[$0]!) }
    }
}

extension JSONObject: Equatable, Hashable {
    /// Order-free equality over effective members (the last value of each key).
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        if !lhs.hasDuplicateKeys && !rhs.hasDuplicateKeys {
            guard lhs.members.count == rhs.members.count else { return false }
            for m in lhs.members {
                guard let other = rhs[m.key], other == m.value else { return false }
            }
            return true
        }
        let l = lhs.uniqueMembers, r = rhs.uniqueMembers
        guard l.count == r.count else { return false }
        for m in l {
            guard let other = rhs[m.key], other == m.value else { return false }
        }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        // Order-free: combine per-member hashes commutatively.
        var acc = 0
        for m in uniqueMembers {
            var h = Hasher()
            h.combine(m.key)
            h.combine(m.value)
            acc = acc &+ h.finalize()
        }
        hasher.combine(acc)
    }
}
