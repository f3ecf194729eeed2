#!/usr/bin/env python3
"""Generates Sources/Grammar/Regex/UnicodeTables.swift from the Unicode Character Database.

The tables back `\\p{...}` / `\\P{...}` and `\\s` in the regex engine: General_Category values,
Script, Script_Extensions and the binary properties ECMA-262 lists (table-binary-unicode-properties)
that the UCD files below define. Ranges are written as comma-separated hex `lo-hi` / `cp` strings,
decoded once at first use.

Usage: scripts/generate-unicode-tables.py [UCD_DIR]   (default /usr/share/unicode, from Debian's
`unicode-data` package: `apt-get install -y unicode-data`).
"""
import os
import re
import sys

UCD = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/unicode"
OUT = os.path.join(os.path.dirname(__file__), "..", "Sources", "Grammar", "Regex", "UnicodeTables.swift")

# ECMA-262 (2024) table 67, binary Unicode property aliases usable in \p{...}.
ECMA_BINARY = """ASCII ASCII_Hex_Digit Alphabetic Any Assigned Bidi_Control Bidi_Mirrored Case_Ignorable Cased
Changes_When_Casefolded Changes_When_Casemapped Changes_When_Lowercased Changes_When_NFKC_Casefolded
Changes_When_Titlecased Changes_When_Uppercased Dash Default_Ignorable_Code_Point Deprecated Diacritic
Emoji Emoji_Component Emoji_Modifier Emoji_Modifier_Base Emoji_Presentation Extended_Pictographic
Extender Grapheme_Base Grapheme_Extend Hex_Digit IDS_Binary_Operator IDS_Trinary_Operator ID_Continue
ID_Start Ideographic Join_Control Logical_Order_Exception Lowercase Math Noncharacter_Code_Point
Pattern_Syntax Pattern_White_Space Quotation_Mark Radical Regional_Indicator Sentence_Terminal
Soft_Dotted Terminal_Punctuation Unified_Ideograph Uppercase Variation_Selector White_Space
XID_Continue XID_Start""".split()


def data_lines(path):
    with open(os.path.join(UCD, path), encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                yield [field.strip() for field in line.split(";")]


def parse_range(text):
    if ".." in text:
        lo, hi = text.split("..")
        return int(lo, 16), int(hi, 16)
    return int(text, 16), int(text, 16)


def merge(ranges):
    out = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], hi)
        else:
            out.append([lo, hi])
    return out


def encode(ranges):
    return ",".join(("%x" % lo) if lo == hi else ("%x-%x" % (lo, hi)) for lo, hi in merge(ranges))


def version():
    with open(os.path.join(UCD, "Scripts.txt"), encoding="utf-8") as f:
        m = re.search(r"Scripts-(\d+\.\d+\.\d+)\.txt", f.readline())
    return m.group(1)


def main():
    # General_Category, with unassigned code points (Cn) listed explicitly.
    gc = {}
    for fields in data_lines("extracted/DerivedGeneralCategory.txt"):
        gc.setdefault(fields[1], []).append(parse_range(fields[0]))

    gc_aliases = {}  # alias -> list of two-letter values
    groups = {"C": ["Cc", "Cf", "Cn", "Co", "Cs"], "L": ["Ll", "Lm", "Lo", "Lt", "Lu"], "LC": ["Ll", "Lt", "Lu"],
              "M": ["Mc", "Me", "Mn"], "N": ["Nd", "Nl", "No"], "P": ["Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps"],
              "S": ["Sc", "Sk", "Sm", "So"], "Z": ["Zl", "Zp", "Zs"]}
    sc_aliases = {}
    for fields in data_lines("PropertyValueAliases.txt"):
        if fields[0] == "gc":
            short = fields[1]
            values = groups.get(short, [short])
            for alias in fields[1:]:
                gc_aliases[alias] = values
        elif fields[0] == "sc":
            for alias in fields[1:]:
                sc_aliases[alias] = fields[1]

    scripts = {}
    long_to_short = {}
    for fields in data_lines("PropertyValueAliases.txt"):
        if fields[0] == "sc":
            long_to_short[fields[2]] = fields[1]
    sc_of = {}
    for fields in data_lines("Scripts.txt"):
        short = long_to_short[fields[1]]
        r = parse_range(fields[0])
        scripts.setdefault(short, []).append(r)
        for cp in range(r[0], r[1] + 1):
            sc_of[cp] = short

    # Script_Extensions: listed code points take their listed set; all others their Script.
    listed = {}
    for fields in data_lines("ScriptExtensions.txt"):
        lo, hi = parse_range(fields[0])
        for cp in range(lo, hi + 1):
            listed[cp] = fields[1].split()
    scx = {short: [] for short in set(long_to_short.values())}
    for short, ranges in scripts.items():
        for lo, hi in ranges:
            run = None
            for cp in range(lo, hi + 1):
                if cp in listed:
                    if run:
                        scx[short].append(tuple(run)); run = None
                elif run and run[1] == cp - 1:
                    run[1] = cp
                else:
                    if run:
                        scx[short].append(tuple(run))
                    run = [cp, cp]
            if run:
                scx[short].append(tuple(run))
    for cp, values in listed.items():
        for v in values:
            scx[v].append((cp, cp))
    # Unknown (Zzzz) covers everything without a script.
    assigned_sc = merge([r for rs in scripts.values() for r in rs])
    unknown, nxt = [], 0
    for lo, hi in assigned_sc:
        if lo > nxt:
            unknown.append((nxt, lo - 1))
        nxt = hi + 1
    if nxt <= 0x10FFFF:
        unknown.append((nxt, 0x10FFFF))
    scripts["Zzzz"] = unknown
    scx["Zzzz"] = list(unknown)

    # Binary properties.
    binary = {}
    for path in ["PropList.txt", "DerivedCoreProperties.txt", "emoji/emoji-data.txt",
                 "extracted/DerivedBinaryProperties.txt", "DerivedNormalizationProps.txt"]:
        for fields in data_lines(path):
            if len(fields) == 2 and fields[1] in ECMA_BINARY:
                binary.setdefault(fields[1], []).append(parse_range(fields[0]))
    binary["Any"] = [(0, 0x10FFFF)]
    binary["ASCII"] = [(0, 0x7F)]
    cn = merge(gc["Cn"])
    assigned, nxt = [], 0
    for lo, hi in cn:
        if lo > nxt:
            assigned.append((nxt, lo - 1))
        nxt = hi + 1
    if nxt <= 0x10FFFF:
        assigned.append((nxt, 0x10FFFF))
    binary["Assigned"] = assigned
    missing = [p for p in ECMA_BINARY if p not in binary]
    if missing:
        sys.exit("missing binary properties: %s" % missing)
    bin_aliases = {name: name for name in binary}
    for fields in data_lines("PropertyAliases.txt"):
        if fields[1] in binary:
            for alias in fields:
                bin_aliases[alias] = fields[1]

    def dict_literal(name, doc, mapping, value=lambda v: '"%s"' % v, typ="[String: String]"):
        lines = ["    /// %s" % doc, "    static let %s: %s = [" % (name, typ)]
        for k in sorted(mapping):
            lines.append('        "%s": %s,' % (k, value(mapping[k])))
        lines.append("    ]")
        return "\n".join(lines)

    ver = version()
    parts = [
        "// GENERATED by scripts/generate-unicode-tables.py from the Unicode Character Database %s" % ver,
        "// (Debian package unicode-data). Do not edit; re-run the script instead.",
        "",
        "/// Code-point ranges of Unicode properties, as comma-separated hex `lo-hi` or `cp` items.",
        "enum UnicodeTables {",
        "    /// The Unicode version the tables come from.",
        '    static let unicodeVersion = "%s"' % ver,
        "",
        dict_literal("generalCategory", "General_Category two-letter value -> ranges.",
                     {k: encode(v) for k, v in gc.items()}),
        "",
        dict_literal("generalCategoryAliases", "Every General_Category value alias -> its two-letter values.",
                     gc_aliases, value=lambda v: "[%s]" % ", ".join('"%s"' % x for x in v), typ="[String: [String]]"),
        "",
        dict_literal("script", "Script short name -> ranges.", {k: encode(v) for k, v in scripts.items()}),
        "",
        dict_literal("scriptExtensions", "Script_Extensions short name -> ranges.",
                     {k: encode(v) for k, v in scx.items() if v}),
        "",
        dict_literal("scriptAliases", "Every Script value alias -> its short name.", sc_aliases),
        "",
        dict_literal("binary", "Binary property long name -> ranges.", {k: encode(v) for k, v in binary.items()}),
        "",
        dict_literal("binaryAliases", "Every binary property alias -> its long name.", bin_aliases),
        "}",
        "",
    ]
    with open(OUT, "w", encoding="utf-8") as f:
        f.write("\n".join(parts))
    print("wrote %s (Unicode %s)" % (OUT, ver))


if __name__ == "__main__":
    main()
