/// Why a GGUF file was refused, and at which byte of the file the problem was found.
///
/// Every check of the reader produces one of these instead of trapping, so a truncated or hostile
/// file is reported, e.g. `GGUF error at byte 24: string length 18446744073709551615 exceeds the 80 bytes left`.
public struct GGUFError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Byte offset in the file where the offending field starts.
    public let offset: Int
    /// What is wrong, in words.
    public let message: String

    public init(offset: Int, _ message: String) {
        self.offset = offset
        self.message = message
    }

    public var description: String { "GGUF error at byte \(offset): \(message)" }
}
