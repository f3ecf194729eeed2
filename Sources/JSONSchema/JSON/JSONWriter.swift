/// How `JSONWriter` lays out and escapes JSON text.
///
/// ```swift
/// JSONWriterOptions.compact       // {"a":1,"b":[true,null]}
/// JSONWriterOptions.pythonDumps   // {"a": 1, "b": [true, null]}: json.dumps(json.loads(t), ensure_ascii=False)
/// JSONWriterOptions(layout: .indented(2), ensureASCII: true)
/// ```
public struct JSONWriterOptions: Sendable {
    public enum Layout: Sendable, Equatable {
        /// No whitespace: `{"a":1}`.
        case compact
        /// Python's default separators `", "` and `": "`, one line: `{"a": 1}`.
        case python
        /// Python's `indent=n`: one member or element per line, `","` and `": "` separators,
        /// empty containers as `[]` and `{}`.
        case indented(Int)
    }

    public enum Numbers: Sendable, Equatable {
        /// Each number exactly as written in the source.
        case asWritten
        /// As Python prints it after `json.loads` (integers exact, the rest as `repr(float)`); see
        /// `PythonNumberFormat`.
        case python
    }

    public var layout: Layout
    /// Escape every non-ASCII character as `\uXXXX` (surrogate pairs above U+FFFF), and DEL too,
    /// as Python's `ensure_ascii=True` does.
    public var ensureASCII: Bool
    public var numbers: Numbers
    /// Write each key once, at its first position with its last value (what a Python `dict` built by
    /// `json.loads` holds). When false, every member is written, duplicates included.
    public var mergeDuplicateKeys: Bool

    public init(layout: Layout = .compact, ensureASCII: Bool = false, numbers: Numbers = .asWritten,
                mergeDuplicateKeys: Bool = false) {
        self.layout = layout
        self.ensureASCII = ensureASCII
        self.numbers = numbers
        self.mergeDuplicateKeys = mergeDuplicateKeys
    }

    /// Compact text, numbers and members as written.
    public static let compact = JSONWriterOptions()

    /// Byte for byte `json.dumps(json.loads(text), ensure_ascii=False)`: the text the MaskBench
    /// protocol feeds to an engine.
    public static let pythonDumps = JSONWriterOptions(layout: .python, numbers: .python, mergeDuplicateKeys: true)
}

/// Serializes `JSONValue`s: compact, Python `json.dumps` style, or indented.
///
/// Strings are escaped exactly as Python's `json` does: `\"` `\\` `\n` `\r` `\t` `\b` `\f`, other
/// control characters as `\u00xx` (lowercase hex); everything else is written as is unless
/// `ensureASCII`. Recursion depth equals the value's nesting, which the parser bounds.
///
/// ```swift
/// let v = try JSONValue(parsing: #"{"a":[1e5,"é"]}"#)
/// JSONWriter.string(v, options: .pythonDumps)   // {"a": [100000.0, "é"]}
/// ```
public enum JSONWriter {
    /// The JSON text of `value`.
    public static func string(_ value: JSONValue, options: JSONWriterOptions = .compact) -> String {
        String(decoding: bytes(value, options: options), as: UTF8.self)
    }

    /// The JSON text of `value` as UTF-8 bytes.
    public static func bytes(_ value: JSONValue, options: JSONWriterOptions = .compact) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(value, options: options, depth: 0, into: &out)
        return out
    }

    private static func newline(_ options: JSONWriterOptions, depth: Int, into out: inout [UInt8]) {
        if case .indented(let n) = options.layout {
            out.append(0x0A)
            out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: n * depth))
        }
    }

    private static func itemSeparator(_ options: JSONWriterOptions, into out: inout [UInt8]) {
        out.append(UInt8(ascii: ","))
        if options.layout == .python { out.append(UInt8(ascii: " ")) }
    }

    private static func keySeparator(_ options: JSONWriterOptions, into out: inout [UInt8]) {
        out.append(UInt8(ascii: ":"))
        if options.layout != .compact { out.append(UInt8(ascii: " ")) }
    }

    private static func write(_ value: JSONValue, options: JSONWriterOptions, depth: Int, into out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let n):
            switch options.numbers {
            case .asWritten: out.append(contentsOf: n.text.utf8)
            case .python: out.append(contentsOf: PythonNumberFormat.format(n).utf8)
            }
        case .string(let s): writeString(s, ensureASCII: options.ensureASCII, into: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            if elements.isEmpty { out.append(UInt8(ascii: "]")); return }
            for (k, element) in elements.enumerated() {
                if k > 0 { itemSeparator(options, into: &out) }
                newline(options, depth: depth + 1, into: &out)
                write(element, options: options, depth: depth + 1, into: &out)
            }
            newline(options, depth: depth, into: &out)
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            let members = options.mergeDuplicateKeys ? object.uniqueMembers : object.members
            if members.isEmpty { out.append(UInt8(ascii: "}")); return }
            for (k, member) in members.enumerated() {
                if k > 0 { itemSeparator(options, into: &out) }
                newline(options, depth: depth + 1, into: &out)
                writeString(member.key, ensureASCII: options.ensureASCII, into: &out)
                keySeparator(options, into: &out)
                write(member.value, options: options, depth: depth + 1, into: &out)
            }
            newline(options, depth: depth, into: &out)
            out.append(UInt8(ascii: "}"))
        }
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    private static func appendUEscape(_ unit: UInt16, into out: inout [UInt8]) {
        out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"),
                                hex[Int(unit >> 12)], hex[Int(unit >> 8 & 15)], hex[Int(unit >> 4 & 15)], hex[Int(unit & 15)]])
    }

    /// A quoted string with Python `json`'s escapes (`ESCAPE` / `ESCAPE_ASCII` in `json/encoder.py`).
    static func writeString(_ s: String, ensureASCII: Bool, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        if ensureASCII {
            for scalar in s.unicodeScalars {
                let v = scalar.value
                if v < 0x80 {
                    appendASCII(UInt8(v), escapeDEL: true, into: &out)
                } else {
                    for unit in UTF16.encode(scalar)! { appendUEscape(unit, into: &out) }
                }
            }
        } else {
            for b in s.utf8 {
                if b < 0x80 { appendASCII(b, escapeDEL: false, into: &out) } else { out.append(b) }
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    @inline(__always)
    private static func appendASCII(_ b: UInt8, escapeDEL: Bool, into out: inout [UInt8]) {
        switch b {
        case 0x22: out.append(0x5C); out.append(0x22)
        case 0x5C: out.append(0x5C); out.append(0x5C)
        case 0x0A: out.append(0x5C); out.append(UInt8(ascii: "n"))
        case 0x0D: out.append(0x5C); out.append(UInt8(ascii: "r"))
        case 0x09: out.append(0x5C); out.append(UInt8(ascii: "t"))
        case 0x08: out.append(0x5C); out.append(UInt8(ascii: "b"))
        case 0x0C: out.append(0x5C); out.append(UInt8(ascii: "f"))
        case 0..<0x20: appendUEscape(UInt16(b), into: &out)
        case 0x7F where escapeDEL: appendUEscape(0x7F, into: &out)
        default: out.append(b)
        }
    }
}

extension JSONValue: CustomStringConvertible {
    /// Compact JSON text, numbers as written.
    public var description: String { JSONWriter.string(self) }
}
