/// A cursor over a grammar's source text in Unicode scalars that knows its line and column.
///
/// Shared by the GBNF and Lark readers, which both report errors as line:column.
struct SourceScanner {
    let scalars: [Unicode.Scalar]
    private(set) var position = 0
    private(set) var line = 1
    private(set) var column = 1

    init(_ text: String) { scalars = Array(text.unicodeScalars) }

    var isAtEnd: Bool { position >= scalars.count }
    var location: SourceLocation { SourceLocation(line: line, column: column) }

    /// The scalar `offset` ahead of the cursor, or nil past the end.
    func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        let i = position + offset
        return i < scalars.count ? scalars[i] : nil
    }

    /// True if the text at the cursor starts with `s`.
    func starts(with s: String) -> Bool {
        var i = position
        for u in s.unicodeScalars {
            guard i < scalars.count, scalars[i] == u else { return false }
            i += 1
        }
        return true
    }

    @discardableResult
    mutating func advance() -> Unicode.Scalar? {
        guard position < scalars.count else { return nil }
        let u = scalars[position]
        position += 1
        if u == "\n" { line += 1; column = 1 } else { column += 1 }
        return u
    }

    mutating func advance(by n: Int) { for _ in 0..<n { advance() } }

    /// Consumes `s` if the text at the cursor starts with it.
    mutating func consume(_ s: String) -> Bool {
        guard starts(with: s) else { return false }
        advance(by: s.unicodeScalars.count)
        return true
    }

    func error(_ message: String) -> GrammarError { GrammarError(message, at: location) }

    /// Reads `count` hex digits after the escape `\\escape` (already consumed) as one scalar value;
    /// errors are reported at `at`, the escape's place.
    mutating func hexScalar(digits count: Int, escape: Unicode.Scalar, at: SourceLocation) throws(GrammarError) -> Unicode.Scalar {
        var v: UInt32 = 0
        for _ in 0..<count {
            guard let h = peek(), h.isASCII, let d = UInt32(String(h), radix: 16) else {
                throw GrammarError("expected \(count) hex digits after '\\\(escape)'", at: at)
            }
            v = v * 16 + d
            advance()
        }
        guard let u = Unicode.Scalar(v) else {
            throw GrammarError("\\\(escape) escape U+\(String(v, radix: 16, uppercase: true)) is not a Unicode scalar value", at: at)
        }
        return u
    }
}
