/// The terminals of Lark's `common` module, for `%import common.NAME`.
///
/// Written here as regexes with the same languages as Lark's definitions (lark 1.x `common.lark`), so a
/// grammar needs no file from Lark's installation. `ESCAPED_STRING` is Lark's lazy
/// `".*?(?<!\\)(\\\\)*?"`: a quote, then characters other than a newline where a backslash escapes
/// the next one, up to the first unescaped quote: the regular language `"([^"\\\n]|\\[^\n])*"`.
enum LarkCommonTerminals {
    static let regexes: [String: String] = [
        "DIGIT": "[0-9]",
        "HEXDIGIT": "[0-9a-fA-F]",
        "INT": "[0-9]+",
        "SIGNED_INT": "[+-]?[0-9]+",
        "DECIMAL": #"[0-9]+\.[0-9]*|\.[0-9]+"#,
        "_EXP": "[eE][+-]?[0-9]+",
        "FLOAT": #"[0-9]+[eE][+-]?[0-9]+|(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"#,
        "SIGNED_FLOAT": #"[+-]?(?:[0-9]+[eE][+-]?[0-9]+|(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)"#,
        "NUMBER": #"[0-9]+(?:[eE][+-]?[0-9]+)?|(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"#,
        "SIGNED_NUMBER": #"[+-]?(?:[0-9]+(?:[eE][+-]?[0-9]+)?|(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)"#,
        "ESCAPED_STRING": #""(?:[^"\\\n]|\\[^\n])*""#,
        "LCASE_LETTER": "[a-z]",
        "UCASE_LETTER": "[A-Z]",
        "LETTER": "[A-Za-z]",
        "WORD": "[A-Za-z]+",
        "CNAME": "[_A-Za-z][_A-Za-z0-9]*",
        "WS_INLINE": "[ \\t]+",
        "WS": "[ \\t\\f\\r\\n]+",
        "CR": "\\r",
        "LF": "\\n",
        "NEWLINE": "(?:\\r?\\n)+",
        "SH_COMMENT": "#[^\\n]*",
        "CPP_COMMENT": "//[^\\n]*",
        // Lark: "/*" /(.|\n)*?/ "*/" — the lazy body stops at the first "*/".
        "C_COMMENT": #"/\*(?:[^*]|\*+[^*/])*\*+/"#,
        "SQL_COMMENT": "--[^\\n]*",
    ]
}
