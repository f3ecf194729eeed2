import CPCRE2

/// A pattern compiled by PCRE2, the reference engine our own regex engine is judged against.
///
/// UTF mode with UTF checks; `$` matches only at the very end (ECMA semantics, not Perl's
/// "before a final newline"). Search semantics by default, as JSON Schema `pattern` uses.
///
/// ```swift
/// let r = try PCRE2Regex("^[a-z]+$")
/// r.search("abc")   // true
/// ```
public final class PCRE2Regex: @unchecked Sendable {
    // @unchecked: the compiled code is immutable after init; match data is made per call.
    private let code: OpaquePointer
    /// True when PCRE2's JIT compiled the pattern; matches then run the machine code.
    public let isJITCompiled: Bool

    /// Why PCRE2 refused a pattern, with the byte offset it reports.
    public struct CompileError: Error, CustomStringConvertible {
        public let message: String
        public let offset: Int
        public var description: String { "PCRE2: \(message) at offset \(offset)" }
    }

    /// Compiles `pattern` (UTF-8) with `extraOptions` added to UTF | DOLLAR_ENDONLY; with `jit`, also
    /// to machine code (PCRE2 JIT), which then serves every match (match-time ANCHORED/ENDANCHORED
    /// make PCRE2 fall back to its interpreter: pass them in `extraOptions` instead for JIT speed).
    public init(_ pattern: String, extraOptions: UInt32 = 0, jit: Bool = false) throws {
        var errorCode: Int32 = 0
        var errorOffset: Int = 0
        let options = UInt32(PCRE2_UTF) | UInt32(PCRE2_DOLLAR_ENDONLY) | extraOptions
        let bytes = Array(pattern.utf8)
        let compiled = bytes.withUnsafeBufferPointer { buf in
            pcre2_compile_8(buf.baseAddress, buf.count, options, &errorCode, &errorOffset, nil)
        }
        guard let compiled else {
            var message = [UInt8](repeating: 0, count: 256)
            let n = pcre2_get_error_message_8(errorCode, &message, message.count)
            throw CompileError(message: String(decoding: message.prefix(max(0, Int(n))), as: UTF8.self), offset: errorOffset)
        }
        code = compiled
        isJITCompiled = jit && pcre2_jit_compile_8(compiled, UInt32(PCRE2_JIT_COMPLETE)) == 0
    }

    deinit { pcre2_code_free_8(code) }

    /// True if the pattern matches somewhere in `text` (unanchored search).
    public func search(_ text: String) -> Bool { match(Array(text.utf8), anchoredBothEnds: false) }

    /// True if the pattern matches the whole of `text`.
    public func fullMatch(_ text: String) -> Bool { match(Array(text.utf8), anchoredBothEnds: true) }

    /// Matches raw UTF-8 bytes; invalid UTF-8 never matches. A match PCRE2 could not finish (a
    /// resource limit) is `false` here: judges that must tell the two apart use `outcome`.
    public func match(_ bytes: [UInt8], anchoredBothEnds: Bool) -> Bool {
        outcome(bytes, anchoredBothEnds: anchoredBothEnds) == .match
    }

    /// What one match attempt gave: a match, no match, or an error PCRE2 reports instead of an
    /// answer (match, depth or heap limit, JIT stack limit), which a differential test must not
    /// read as "no match".
    public enum Outcome: Equatable, Sendable, CustomStringConvertible {
        case match, noMatch
        /// PCRE2's error code (negative) and message.
        case failed(code: Int32, message: String)

        public var description: String {
            switch self {
            case .match: "match"
            case .noMatch: "no match"
            case .failed(let code, let message): "PCRE2 error \(code): \(message)"
            }
        }
    }

    /// Matches raw UTF-8 bytes and says whether PCRE2 reached an answer.
    public func outcome(_ bytes: [UInt8], anchoredBothEnds: Bool) -> Outcome {
        guard let data = pcre2_match_data_create_from_pattern_8(code, nil) else {
            return .failed(code: Int32(PCRE2_ERROR_NOMEMORY), message: "no memory for match data")
        }
        defer { pcre2_match_data_free_8(data) }
        let options: UInt32 = anchoredBothEnds ? (UInt32(PCRE2_ANCHORED) | UInt32(PCRE2_ENDANCHORED)) : 0
        let rc = bytes.withUnsafeBufferPointer { buf in
            // A non-null pointer even for empty input.
            pcre2_match_8(code, buf.baseAddress ?? UnsafePointer(bitPattern: 1), buf.count, 0, options, data, nil)
        }
        if rc >= 0 { return .match }
        // Invalid UTF-8 in the subject is a "no match" by this type's contract, not a failure.
        if rc == PCRE2_ERROR_NOMATCH || (rc <= PCRE2_ERROR_UTF8_ERR1 && rc >= PCRE2_ERROR_UTF8_ERR21) {
            return .noMatch
        }
        var message = [UInt8](repeating: 0, count: 256)
        let n = pcre2_get_error_message_8(rc, &message, message.count)
        return .failed(code: rc, message: String(decoding: message.prefix(max(0, Int(n))), as: UTF8.self))
    }
}
