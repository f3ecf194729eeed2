import Foundation

extension JSONParser {
    /// Parses a JSON text held in `Data` (UTF-8); see `parse(_:options:)`.
    ///
    /// ```swift
    /// let v = try JSONParser.parse(Data("[1]".utf8))
    /// ```
    public static func parse(_ data: Data, options: JSONParseOptions = JSONParseOptions()) throws(JSONParseError) -> JSONValue {
        let result: Result<JSONValue, JSONParseError> = data.withUnsafeBytes { raw in
            do throws(JSONParseError) {
                return .success(try parse(raw.bindMemory(to: UInt8.self), options: options))
            } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Reads and parses the JSON file at `path`; a file that cannot be read is reported as a parse
    /// error at offset 0 naming the path.
    public static func parseFile(atPath path: String, options: JSONParseOptions = JSONParseOptions()) throws(JSONParseError) -> JSONValue {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw JSONParseError(reason: "cannot read file \(path)", offset: 0, line: 1, column: 1)
        }
        return try parse(data, options: options)
    }
}

extension JSONValue {
    /// Parses UTF-8 `data` as JSON; see `JSONParser`.
    public init(parsing data: Data, options: JSONParseOptions = JSONParseOptions()) throws(JSONParseError) {
        self = try JSONParser.parse(data, options: options)
    }
}
