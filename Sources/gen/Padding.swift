/// `text` padded with spaces to `width` characters, for the benchmark tables (Foundation's
/// `String(format: "%-17@")` does not pad on Linux).
///
/// ```swift
/// pad("p50", 6, right: true)   // "   p50"
/// ```
func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
    let fill = String(repeating: " ", count: max(0, width - text.count))
    return right ? fill + text : text + fill
}
