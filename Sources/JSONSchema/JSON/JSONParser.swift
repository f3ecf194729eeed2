/// Limits that keep hostile JSON from costing unbounded time, memory or stack.
public struct JSONParseOptions: Sendable {
    /// Most containers open at once (`[[1]]` has depth 2). Deeper input is an error, never a stack
    /// overflow: the parser itself is iterative, and this bound keeps the recursive `==`, `hash` and
    /// deinit of `JSONValue` safe on what it returns.
    public var maxDepth: Int
    /// Largest input accepted, in bytes.
    public var maxInputBytes: Int

    public init(maxDepth: Int = 512, maxInputBytes: Int = 1 << 30) {
        self.maxDepth = maxDepth
        self.maxInputBytes = maxInputBytes
    }
}

/// Parses RFC 8259 JSON from UTF-8 bytes into an order-preserving `JSONValue`.
///
/// Strict: no comments, trailing commas, `NaN`, byte-order mark or lone surrogates; invalid UTF-8 is
/// an error. Numbers keep their text (`JSONNumber`), objects keep member order and duplicate keys.
/// The scanner walks an unsafe buffer a byte at a time with an explicit container stack, so there is
/// no allocation per byte and no recursion.
///
/// ```swift
/// let v = try JSONParser.parse(#"{"a": [1, 2.50], "a": null}"#)
/// v.objectValue?.duplicateKeys   // ["a"]
/// v["a"]                         // .null (the last member wins on lookup)
/// ```
public enum JSONParser {
    /// Parses a whole JSON text given as raw UTF-8 bytes.
    public static func parse(
        _ bytes: UnsafeBufferPointer<UInt8>, options: JSONParseOptions = JSONParseOptions()
    ) throws(JSONParseError) -> JSONValue {
        guard bytes.count <= options.maxInputBytes else {
            throw JSONParseError.at(
                options.maxInputBytes, in: bytes,
                "input is \(bytes.count) bytes, more than the limit of \(options.maxInputBytes)")
        }
        var scanner = JSONScanner(bytes, options: options)
        return try scanner.parseDocument()
    }

    /// Parses a JSON text given as a byte array.
    public static func parse(
        _ bytes: [UInt8], options: JSONParseOptions = JSONParseOptions()
    ) throws(JSONParseError) -> JSONValue {
        let result: Result<JSONValue, JSONParseError> = bytes.withUnsafeBufferPointer { buffer in
            do throws(JSONParseError) { return .success(try parse(buffer, options: options)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Parses a JSON text given as a string (its UTF-8 form).
    public static func parse(
        _ text: String, options: JSONParseOptions = JSONParseOptions()
    ) throws(JSONParseError) -> JSONValue {
        var text = text
        let result: Result<JSONValue, JSONParseError> = text.withUTF8 { buffer in
            do throws(JSONParseError) { return .success(try parse(buffer, options: options)) } catch { return .failure(error) }
        }
        return try result.get()
    }
}

extension JSONValue {
    /// Parses `text` as JSON; see `JSONParser`.
    ///
    /// ```swift
    /// let v = try JSONValue(parsing: "[1, 2]")
    /// ```
    public init(parsing text: String, options: JSONParseOptions = JSONParseOptions()) throws(JSONParseError) {
        self = try JSONParser.parse(text, options: options)
    }

    /// Parses UTF-8 `bytes` as JSON; see `JSONParser`.
    public init(parsing bytes: [UInt8], options: JSONParseOptions = JSONParseOptions()) throws(JSONParseError) {
        self = try JSONParser.parse(bytes, options: options)
    }
}

/// The byte scanner behind `JSONParser`: one pass, explicit stacks for open containers.
struct JSONScanner {
    private let bytes: UnsafeBufferPointer<UInt8>
    private let p: UnsafePointer<UInt8>
    private let end: Int
    private var i = 0
    private let maxDepth: Int
    /// Reused for strings with escapes, so decoding them allocates only the final `String`.
    private var scratch: [UInt8] = []

    init(_ bytes: UnsafeBufferPointer<UInt8>, options: JSONParseOptions) {
        self.bytes = bytes
        // A valid pointer even for empty input; `end` == 0 keeps it from being read.
        self.p = bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!
        self.end = bytes.count
        self.maxDepth = options.maxDepth
    }

    private func fail(_ offset: Int, _ reason: String) -> JSONParseError {
        JSONParseError.at(offset, in: bytes, reason)
    }

    /// The byte at `offset` described for an error message.
    private func describeByte(_ offset: Int) -> String {
        guard offset < end else { return "end of input" }
        let b = p[offset]
        if b >= 0x20 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
        return "byte 0x" + hex2(b)
    }

    @inline(__always)
    private mutating func skipWhitespace() {
        while i < end {
            let b = p[i]
            // RFC 8259 §2: space, tab, line feed, carriage return.
            guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return }
            i += 1
        }
    }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        let value = try parseValue()
        skipWhitespace()
        if i < end { throw fail(i, "unexpected \(describeByte(i)) after the JSON value") }
        return value
    }

    private mutating func expectDepth(_ depth: Int, at offset: Int) throws(JSONParseError) {
        if depth > maxDepth { throw fail(offset, "nesting deeper than the limit of \(maxDepth)") }
    }

    /// Parses `"key"` then `:`, leaving `i` at the value.
    private mutating func parseKeyAndColon() throws(JSONParseError) -> String {
        skipWhitespace()
        guard i < end, p[i] == UInt8(ascii: "\"") else {
            throw fail(i, "expected a string key, found \(describeByte(i))")
        }
        let key = try parseString()
        skipWhitespace()
        guard i < end, p[i] == UInt8(ascii: ":") else {
            throw fail(i, "expected ':' after an object key, found \(describeByte(i))")
        }
        i += 1
        return key
    }

    /// One value, containers included, without recursion: open containers live on `kinds`
    /// (0 array, 1 object) with their elements in `arrays` / `objects` and pending keys in `keys`.
    private mutating func parseValue() throws(JSONParseError) -> JSONValue {
        var kinds: [UInt8] = []
        var arrays: [[JSONValue]] = []
        var objects: [[JSONMember]] = []
        var keys: [String] = []
        var value: JSONValue
        nextValue: while true {
            skipWhitespace()
            guard i < end else { throw fail(i, "unexpected end of input, expected a value") }
            switch p[i] {
            case UInt8(ascii: "{"):
                try expectDepth(kinds.count + 1, at: i)
                i += 1
                skipWhitespace()
                if i < end, p[i] == UInt8(ascii: "}") {
                    i += 1
                    value = .object(JSONObject())
                } else {
                    keys.append(try parseKeyAndColon())
                    kinds.append(1)
                    objects.append([])
                    continue nextValue
                }
            case UInt8(ascii: "["):
                try expectDepth(kinds.count + 1, at: i)
                i += 1
                skipWhitespace()
                if i < end, p[i] == UInt8(ascii: "]") {
                    i += 1
                    value = .array([])
                } else {
                    kinds.append(0)
                    arrays.append([])
                    continue nextValue
                }
            case UInt8(ascii: "\""):
                value = .string(try parseString())
            case UInt8(ascii: "t"):
                try expectLiteral("true")
                value = .bool(true)
            case UInt8(ascii: "f"):
                try expectLiteral("false")
                value = .bool(false)
            case UInt8(ascii: "n"):
                try expectLiteral("null")
                value = .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                value = .number(try parseNumber())
            default:
                throw fail(i, "expected a value, found \(describeByte(i))")
            }
            // A value is complete: hand it to the open containers, closing those that end here.
            while let kind = kinds.last {
                skipWhitespace()
                if kind == 0 {
                    arrays[arrays.count - 1].append(value)
                    if i < end, p[i] == UInt8(ascii: ",") {
                        i += 1
                        continue nextValue
                    }
                    guard i < end, p[i] == UInt8(ascii: "]") else {
                        throw fail(i, "expected ',' or ']' in an array, found \(describeByte(i))")
                    }
                    i += 1
                    kinds.removeLast()
                    value = .array(arrays.removeLast())
                } else {
                    objects[objects.count - 1].append(JSONMember(key: keys.removeLast(), value: value))
                    if i < end, p[i] == UInt8(ascii: ",") {
                        i += 1
                        keys.append(try parseKeyAndColon())
                        continue nextValue
                    }
                    guard i < end, p[i] == UInt8(ascii: "}") else {
                        throw fail(i, "expected ',' or '}' in an object, found \(describeByte(i))")
                    }
                    i += 1
                    kinds.removeLast()
                    value = .object(JSONObject(members: objects.removeLast()))
                }
            }
            return value
        }
    }

    private mutating func expectLiteral(_ word: StaticString) throws(JSONParseError) {
        let n = word.utf8CodeUnitCount
        let w = word.utf8Start
        for k in 0..<n {
            guard i + k < end, p[i + k] == w[k] else {
                throw fail(i + k, "invalid literal, expected '\(word)'")
            }
        }
        i += n
    }

    // MARK: Numbers

    /// RFC 8259 §6 `number`, normalized on the fly into `JSONNumber`'s digits and exponent.
    private mutating func parseNumber() throws(JSONParseError) -> JSONNumber {
        let start = i
        var negative = false
        if p[i] == UInt8(ascii: "-") {
            negative = true
            i += 1
        }
        let intStart = i
        guard i < end else { throw fail(i, "expected a digit after '-', found end of input") }
        if p[i] == UInt8(ascii: "0") {
            i += 1
            if i < end, p[i] >= 0x30, p[i] <= 0x39 { throw fail(i, "leading zeros are not allowed in a number") }
        } else if p[i] >= 0x31 && p[i] <= 0x39 {
            while i < end, p[i] >= 0x30, p[i] <= 0x39 { i += 1 }
        } else {
            throw fail(i, "expected a digit, found \(describeByte(i))")
        }
        let intEnd = i
        var fracStart = i, fracEnd = i
        if i < end, p[i] == UInt8(ascii: ".") {
            i += 1
            fracStart = i
            while i < end, p[i] >= 0x30, p[i] <= 0x39 { i += 1 }
            fracEnd = i
            if fracEnd == fracStart { throw fail(i, "expected a digit after '.', found \(describeByte(i))") }
        }
        var exp = 0
        if i < end, p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E") {
            i += 1
            var expNegative = false
            if i < end, p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") {
                expNegative = p[i] == UInt8(ascii: "-")
                i += 1
            }
            let expStart = i
            while i < end, p[i] >= 0x30, p[i] <= 0x39 {
                // Saturate like JSONNumber.parse: beyond ±10^15 only the order of magnitude matters.
                if exp < 1_000_000_000_000_000 { exp = exp * 10 + Int(p[i] - 0x30) }
                i += 1
            }
            if i == expStart { throw fail(i, "expected a digit in the exponent, found \(describeByte(i))") }
            if expNegative { exp = -exp }
        }
        let text = String(decoding: UnsafeBufferPointer(start: p + start, count: i - start), as: UTF8.self)
        // Significant digits of intPart ++ fracPart without leading and trailing zeros.
        let intCount = intEnd - intStart, fracCount = fracEnd - fracStart, total = intCount + fracCount
        let p = self.p
        @inline(__always) func digit(_ k: Int) -> UInt8 { k < intCount ? p[intStart + k] : p[fracStart + k - intCount] }
        var lead = 0
        while lead < total, digit(lead) == 0x30 { lead += 1 }
        if lead == total { return JSONNumber(validatedText: text, isNegative: false, digits: [], exponent: 0) }
        var trail = total
        while digit(trail - 1) == 0x30 { trail -= 1 }
        let digits = [UInt8](unsafeUninitializedCapacity: trail - lead) { buffer, count in
            for k in lead..<trail { buffer[k - lead] = digit(k) }
            count = trail - lead
        }
        return JSONNumber(validatedText: text, isNegative: negative, digits: digits, exponent: exp - fracCount + (total - trail))
    }

    // MARK: Strings

    /// A string starting at the opening quote; decodes escapes, checks UTF-8 (RFC 3629 table).
    private mutating func parseString() throws(JSONParseError) -> String {
        let open = i
        i += 1
        let start = i
        // Fast path: no escapes, the string is the bytes between the quotes. Eight bytes at a time
        // while none is a quote, backslash, control character or non-ASCII (SWAR byte tests).
        while true {
            while i &+ 8 <= end {
                let w = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
                let ones: UInt64 = 0x0101_0101_0101_0101
                let quote = w ^ (ones &* 0x22), backslash = w ^ (ones &* 0x5C)
                let special = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((w &- ones &* 0x20) & ~w) | w
                if special & 0x8080_8080_8080_8080 != 0 { break }
                i &+= 8
            }
            guard i < end else { break }
            let b = p[i]
            if b == UInt8(ascii: "\"") {
                let s = String(decoding: UnsafeBufferPointer(start: p + start, count: i - start), as: UTF8.self)
                i += 1
                return s
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw controlCharacterError(i) }
            if b < 0x80 { i += 1 } else { try skipUTF8Scalar() }
        }
        guard i < end else { throw fail(open, "unterminated string") }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(start: p + start, count: i - start))
        while i < end {
            let b = p[i]
            if b == UInt8(ascii: "\"") {
                i += 1
                return String(decoding: scratch, as: UTF8.self)
            } else if b == UInt8(ascii: "\\") {
                try parseEscape()
            } else if b < 0x20 {
                throw controlCharacterError(i)
            } else if b < 0x80 {
                scratch.append(b)
                i += 1
            } else {
                let s = i
                try skipUTF8Scalar()
                scratch.append(contentsOf: UnsafeBufferPointer(start: p + s, count: i - s))
            }
        }
        throw fail(open, "unterminated string")
    }

    private func controlCharacterError(_ offset: Int) -> JSONParseError {
        fail(offset, "control character U+00\(hex2(p[offset]).uppercased()) must be escaped in a string")
    }

    /// Validates one multi-byte UTF-8 scalar at `i` (RFC 3629 §4) and moves past it.
    @inline(__always)
    private mutating func skipUTF8Scalar() throws(JSONParseError) {
        let b0 = p[i]
        var length = 0
        var lo: UInt8 = 0x80, hi: UInt8 = 0xBF  // range of the second byte
        switch b0 {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; lo = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; hi = 0x9F  // no UTF-16 surrogates
        case 0xF0: length = 4; lo = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; hi = 0x8F  // nothing above U+10FFFF
        default: throw fail(i, "invalid UTF-8: byte 0x\(hex2(b0)) cannot start a character")
        }
        guard i + 1 < end, p[i + 1] >= lo, p[i + 1] <= hi else {
            throw fail(i + 1, "invalid UTF-8: bad continuation \(describeByte(i + 1)) after lead byte 0x\(hex2(b0))")
        }
        var k = 2
        while k < length {
            guard i + k < end, p[i + k] & 0xC0 == 0x80 else {
                throw fail(i + k, "invalid UTF-8: bad continuation \(describeByte(i + k)) after lead byte 0x\(hex2(b0))")
            }
            k += 1
        }
        i += length
    }

    /// One escape sequence at `i` (the backslash), appended to `scratch` as UTF-8.
    private mutating func parseEscape() throws(JSONParseError) {
        let at = i
        guard i + 1 < end else { throw fail(i, "unterminated escape sequence") }
        let c = p[i + 1]
        i += 2
        switch c {
        case UInt8(ascii: "\""): scratch.append(0x22)
        case UInt8(ascii: "\\"): scratch.append(0x5C)
        case UInt8(ascii: "/"): scratch.append(0x2F)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hex4(at)
            if scalar >= 0xD800 && scalar <= 0xDBFF {
                // RFC 8259 §7: a code point above U+FFFF is a surrogate pair of two escapes.
                guard i + 1 < end, p[i] == UInt8(ascii: "\\"), p[i + 1] == UInt8(ascii: "u") else {
                    throw fail(at, "lone surrogate \\u\(hex4String(scalar)): a high surrogate must be followed by a \\u low surrogate")
                }
                let lowAt = i
                i += 2
                let low = try hex4(lowAt)
                guard low >= 0xDC00 && low <= 0xDFFF else {
                    throw fail(lowAt, "lone surrogate \\u\(hex4String(scalar)): followed by \\u\(hex4String(low)), not a low surrogate")
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if scalar >= 0xDC00 && scalar <= 0xDFFF {
                throw fail(at, "lone surrogate \\u\(hex4String(scalar)): a low surrogate without a high surrogate before it")
            }
            appendUTF8(scalar)
        default:
            throw fail(at, "invalid escape sequence '\\\(describeByte(at + 1).trimmingQuotes)'")
        }
    }

    /// Four hex digits at `i`, for the `\u` escape that began at `escapeStart`.
    private mutating func hex4(_ escapeStart: Int) throws(JSONParseError) -> UInt32 {
        var v: UInt32 = 0
        for k in 0..<4 {
            guard i + k < end else { throw fail(i + k, "unterminated \\u escape") }
            let b = p[i + k]
            let d: UInt8
            switch b {
            case 0x30...0x39: d = b - 0x30
            case 0x41...0x46: d = b - 0x41 + 10
            case 0x61...0x66: d = b - 0x61 + 10
            default: throw fail(i + k, "expected 4 hex digits after \\u, found \(describeByte(i + k))")
            }
            v = v << 4 | UInt32(d)
        }
        i += 4
        return v
    }

    private mutating func appendUTF8(_ v: UInt32) {
        switch v {
        case 0..<0x80:
            scratch.append(UInt8(v))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | v >> 6))
            scratch.append(UInt8(0x80 | v & 0x3F))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | v >> 12))
            scratch.append(UInt8(0x80 | (v >> 6) & 0x3F))
            scratch.append(UInt8(0x80 | v & 0x3F))
        default:
            scratch.append(UInt8(0xF0 | v >> 18))
            scratch.append(UInt8(0x80 | (v >> 12) & 0x3F))
            scratch.append(UInt8(0x80 | (v >> 6) & 0x3F))
            scratch.append(UInt8(0x80 | v & 0x3F))
        }
    }
}

private let hexDigits: [Character] = Array("0123456789abcdef")

func hex2(_ b: UInt8) -> String { String([hexDigits[Int(b >> 4)], hexDigits[Int(b & 15)]]) }

private func hex4String(_ v: UInt32) -> String {
    String([hexDigits[Int(v >> 12 & 15)], hexDigits[Int(v >> 8 & 15)], hexDigits[Int(v >> 4 & 15)], hexDigits[Int(v & 15)]])
        .uppercased()
}

extension String {
    fileprivate var trimmingQuotes: String {
        if count >= 2, first == "'", last == "'" { return String(dropFirst().dropLast()) }
        return self
    }
}
