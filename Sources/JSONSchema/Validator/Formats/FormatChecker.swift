/// The `format` values this validator can assert, each checked against its defining RFC.
///
/// By default `format` is an annotation (2019-09 / 2020-12 say so, and the official suite's required
/// tests expect it for every draft); `ValidatorOptions.assertFormats` turns the checks on. Unknown
/// formats are always annotations. Non-strings always pass.
///
/// ```swift
/// FormatChecker.check("date", "2024-02-30")   // false
/// FormatChecker.check("color", "red")         // nil: not a format we know
/// ```
public enum FormatChecker {
    typealias Check = @Sendable (String) -> Bool

    static let checks: [String: Check] = [
        "date": DateTimeFormats.isDate,
        "time": DateTimeFormats.isTime,
        "date-time": DateTimeFormats.isDateTime,
        "duration": DateTimeFormats.isDuration,
        "email": NetworkFormats.isEmail,
        "hostname": NetworkFormats.isHostname,
        "idn-hostname": IDNA.isIDNHostname,
        "idn-email": NetworkFormats.isIDNEmail,
        "ipv4": NetworkFormats.isIPv4,
        "ipv6": NetworkFormats.isIPv6,
        "uuid": MiscFormats.isUUID,
        "uri": { URIFormats.isURI($0, requireScheme: true, allowUnicode: false) },
        "uri-reference": { URIFormats.isURI($0, requireScheme: false, allowUnicode: false) },
        "iri": { URIFormats.isURI($0, requireScheme: true, allowUnicode: true) },
        "iri-reference": { URIFormats.isURI($0, requireScheme: false, allowUnicode: true) },
        "uri-template": URIFormats.isURITemplate,
        "json-pointer": MiscFormats.isJSONPointer,
        "relative-json-pointer": MiscFormats.isRelativeJSONPointer,
        "regex": MiscFormats.isRegex,
    ]

    /// The format names with a check, sorted.
    public static var supportedFormats: [String] { checks.keys.sorted() }

    /// Whether `value` is a valid `format`; nil when the format is unknown.
    public static func check(_ format: String, _ value: String) -> Bool? {
        checks[format].map { $0(value) }
    }
}
