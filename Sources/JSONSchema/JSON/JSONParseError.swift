/// Why a JSON text was refused, and where: byte offset, line and column.
///
/// Lines count line feeds (a lone carriage return also ends a line); columns count Unicode scalars
/// from 1, so a column points at the character an editor shows, while `offset` is the exact byte.
///
/// ```swift
/// do { _ = try JSONParser.parse("[1,]") }
/// catch { print(error) }   // line 1, column 4 (byte 3): expected a value, found ']'
/// ```
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, in words.
    public let reason: String
    /// Byte offset (from 0) of the offending byte, or the input length at an unexpected end.
    public let offset: Int
    /// Line number, from 1.
    public let line: Int
    /// Column, from 1, counted in Unicode scalars (invalid bytes count one each).
    public let column: Int

    public init(reason: String, offset: Int, line: Int, column: Int) {
        self.reason = reason
        self.offset = offset
        self.line = line
        self.column = column
    }

    public var description: String { "line \(line), column \(column) (byte \(offset)): \(reason)" }

    /// Builds the error for `offset` in `bytes`, computing line and column (only on the error path:
    /// the scanner never tracks them per byte).
    static func at(_ offset: Int, in bytes: UnsafeBufferPointer<UInt8>, _ reason: String) -> JSONParseError {
        var line = 1, column = 1
        let limit = min(offset, bytes.count)
        var k = 0
        while k < limit {
            let b = bytes[k]
            if b == 0x0A || (b == 0x0D && (k + 1 >= bytes.count || bytes[k + 1] != 0x0A)) {
                line += 1
                column = 1
            } else if b & 0xC0 != 0x80 || !(k > 0 && bytes[k - 1] >= 0x80) {
                // A scalar starts here (continuation bytes after a lead byte do not count).
                column += 1
            }
            k += 1
        }
        return JSONParseError(reason: reason, offset: offset, line: line, column: column)
    }
}
