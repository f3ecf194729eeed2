/// IDNA2008 for `hostname` A-labels (`xn--…`) and `idn-hostname`: Punycode (RFC 3492 §6.2–6.3),
/// the U-label rules of RFC 5891 §5.4 with the code point classes of RFC 5892 and the Bidi rule of
/// RFC 5893, with code point classes and Bidi classes approximated from Unicode general categories
/// and script blocks (no NFKC_Casefold stability check).
enum IDNA {
    // RFC 3492 §5 parameters.
    private static let base = 36, tMin = 1, tMax = 26, skew = 38, damp = 700, initialBias = 72, initialN = 128

    /// The code points of a Punycode string (the part after `xn--`); nil when malformed.
    static func punycodeDecode(_ input: Substring) -> [Unicode.Scalar]? {
        let bytes = Array(input.utf8)
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
        var output: [UInt32] = []
        var rest = bytes[...]
        if let delimiter = bytes.lastIndex(of: UInt8(ascii: "-")) {
            output = bytes[..<delimiter].map { UInt32($0) }
            rest = bytes[(delimiter + 1)...]
        }
        var n = initialN, i = 0, bias = initialBias
        var position = rest.startIndex
        while position < rest.endIndex {
            let oldi = i
            var w = 1, k = base
            while true {
                guard position < rest.endIndex, let digit = digitValue(rest[position]) else { return nil }
                position += 1
                let (product, overflow) = digit.multipliedReportingOverflow(by: w)
                guard !overflow, i <= Int(UInt32.max) - product else { return nil }
                i += product
                let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
                if digit < t { break }
                w *= base - t
                guard w <= Int(UInt32.max) else { return nil }
                k += base
            }
            bias = adapt(i - oldi, output.count + 1, oldi == 0)
            n += i / (output.count + 1)
            i %= output.count + 1
            guard n <= 0x10FFFF, !(0xD800...0xDFFF).contains(n) else { return nil }
            output.insert(UInt32(n), at: i)
            i += 1
        }
        return output.compactMap(Unicode.Scalar.init)
    }

    /// The Punycode form of `scalars` (RFC 3492 §6.3), without the `xn--` prefix.
    static func punycodeEncode(_ scalars: [Unicode.Scalar]) -> String {
        let values = scalars.map { Int($0.value) }
        var output: [UInt8] = values.filter { $0 < 0x80 }.map { UInt8($0) }
        let basicCount = output.count
        var handled = basicCount
        if basicCount > 0 { output.append(UInt8(ascii: "-")) }
        var n = initialN, delta = 0, bias = initialBias
        while handled < values.count {
            let m = values.filter { $0 >= n }.min()!
            delta += (m - n) * (handled + 1)
            n = m
            for c in values {
                if c < n { delta += 1 }
                if c == n {
                    var q = delta, k = base
                    while true {
                        let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
                        if q < t { break }
                        output.append(digitCharacter(t + (q - t) % (base - t)))
                        q = (q - t) / (base - t)
                        k += base
                    }
                    output.append(digitCharacter(q))
                    bias = adapt(delta, handled + 1, handled == basicCount)
                    delta = 0
                    handled += 1
                }
            }
            delta += 1
            n += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func digitCharacter(_ d: Int) -> UInt8 { d < 26 ? UInt8(ascii: "a") + UInt8(d) : UInt8(ascii: "0") + UInt8(d - 26) }

    private static func digitValue(_ b: UInt8) -> Int? {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return Int(b - UInt8(ascii: "a"))
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return Int(b - UInt8(ascii: "A"))
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(b - UInt8(ascii: "0")) + 26
        default: return nil
        }
    }

    private static func adapt(_ delta: Int, _ count: Int, _ first: Bool) -> Int {
        var delta = first ? delta / damp : delta / 2
        delta += delta / count
        var k = 0
        while delta > ((base - tMin) * tMax) / 2 {
            delta /= base - tMin
            k += base
        }
        return k + (base - tMin + 1) * delta / (delta + skew)
    }

    private static let pvalidExceptions: Set<UInt32> = [0x00DF, 0x03C2, 0x06FD, 0x06FE, 0x0F0B, 0x3007]
    private static let disallowedExceptions: Set<UInt32> = [0x0640, 0x07FA, 0x302E, 0x302F, 0x3031, 0x3032, 0x3033, 0x3034, 0x3035, 0x303B]

    /// RFC 5891 §5.4 on a decoded label: hyphen rules, no leading combining mark, every code point
    /// PVALID or its CONTEXTJ / CONTEXTO rule (RFC 5892 Appendix A) satisfied.
    static func isValidULabel(_ label: [Unicode.Scalar]) -> Bool {
        guard !label.isEmpty, label.first != "-", label.last != "-" else { return false }
        if label.count >= 4, label[2] == "-", label[3] == "-" { return false }
        if isMark(label[0]) { return false }
        let v = label.map(\.value)
        let hasArabicIndic = v.contains { (0x0660...0x0669).contains($0) }
        let hasExtendedArabicIndic = v.contains { (0x06F0...0x06F9).contains($0) }
        if hasArabicIndic && hasExtendedArabicIndic { return false }
        for (k, s) in label.enumerated() {
            let c = s.value
            if disallowedExceptions.contains(c) { return false }
            if pvalidExceptions.contains(c) { continue }
            switch c {
            case 0x00B7:  // MIDDLE DOT: between two 'l's
                guard k > 0, k + 1 < label.count, label[k - 1] == "l", label[k + 1] == "l" else { return false }
            case 0x0375:  // GREEK LOWER NUMERAL SIGN: followed by Greek
                guard k + 1 < label.count, isGreek(label[k + 1].value) else { return false }
            case 0x05F3, 0x05F4:  // HEBREW GERESH / GERSHAYIM: preceded by Hebrew
                guard k > 0, (0x0590...0x05FF).contains(label[k - 1].value) else { return false }
            case 0x30FB:  // KATAKANA MIDDLE DOT: some Hiragana, Katakana or Han in the label
                guard v.contains(where: { $0 != 0x30FB && isJapanese($0) }) else { return false }
            case 0x200D:  // ZERO WIDTH JOINER: after a virama
                guard k > 0, label[k - 1].properties.canonicalCombiningClass.rawValue == 9 else { return false }
            case 0x200C:  // ZERO WIDTH NON-JOINER: after a virama, or between joining letters
                if k > 0, label[k - 1].properties.canonicalCombiningClass.rawValue == 9 { continue }
                guard joinsAround(label, k) else { return false }
            case 0x0660...0x0669, 0x06F0...0x06F9, 0x002D:
                continue
            default:
                guard isLetterDigit(s) else { return false }
            }
        }
        return true
    }

    /// RFC 5892 §2.1 LetterDigits without the unstable uppercase letters: Ll, Lo, Lm, Mn, Mc, Nd.
    private static func isLetterDigit(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .lowercaseLetter, .otherLetter, .modifierLetter, .nonspacingMark, .spacingMark, .decimalNumber: return true
        default: return false
        }
    }

    private static func isMark(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    private static func isGreek(_ v: UInt32) -> Bool { (0x0370...0x03FF).contains(v) || (0x1F00...0x1FFF).contains(v) }

    private static func isJapanese(_ v: UInt32) -> Bool {
        (0x3040...0x309F).contains(v) || (0x30A0...0x30FF).contains(v) || (0x3400...0x4DBF).contains(v)
            || (0x4E00...0x9FFF).contains(v) || (0xF900...0xFAFF).contains(v) || (0x20000...0x2FA1F).contains(v)
    }

    /// The ZWNJ regular expression of RFC 5892 A.1, with Arabic-block letters standing for the
    /// dual/left- and right-joining types and nonspacing marks for the transparent ones.
    private static func joinsAround(_ label: [Unicode.Scalar], _ k: Int) -> Bool {
        func joining(_ s: Unicode.Scalar) -> Bool {
            let v = s.value
            return ((0x0620...0x064A).contains(v) || (0x066E...0x06D3).contains(v) || (0x0710...0x074F).contains(v))
                && s.properties.generalCategory == .otherLetter
        }
        var before = k - 1
        while before >= 0, label[before].properties.generalCategory == .nonspacingMark { before -= 1 }
        var after = k + 1
        while after < label.count, label[after].properties.generalCategory == .nonspacingMark { after += 1 }
        return before >= 0 && after < label.count && joining(label[before]) && joining(label[after])
    }

    /// An `xn--` label: canonical Punycode decoding to a non-ASCII, valid U-label.
    static func isValidALabel(_ label: Substring) -> Bool {
        guard let decoded = punycodeDecode(label.dropFirst(4)), decoded.contains(where: { !$0.isASCII }) else { return false }
        // Canonical: encoding the result gives the label back (case aside).
        guard punycodeEncode(decoded) == label.dropFirst(4).lowercased() else { return false }
        return isValidULabel(decoded)
    }

    // MARK: idn-hostname

    /// RFC 5890 internationalized host name: labels separated by `.` or its ideographic and
    /// full-width forms; ASCII labels as in `hostname` (A-labels checked), other labels valid
    /// U-labels whose A-label fits in 63 octets; the whole at most 253 octets in A-label form; and
    /// the Bidi rule (RFC 5893) on every label of a name that has a right-to-left label.
    static func isIDNHostname(_ s: String) -> Bool {
        let separators: Set<Unicode.Scalar> = [".", "\u{3002}", "\u{FF0E}", "\u{FF61}"]
        var labels: [[Unicode.Scalar]] = [[]]
        for c in s.unicodeScalars {
            if separators.contains(c) { labels.append([]) } else { labels[labels.count - 1].append(c) }
        }
        var total = labels.count - 1
        var decodedLabels: [[Unicode.Scalar]] = []
        for label in labels {
            guard !label.isEmpty else { return false }
            if label.allSatisfy(\.isASCII) {
                var text = ""
                text.unicodeScalars.append(contentsOf: label)
                guard NetworkFormats.isHostname(text) else { return false }
                total += label.count
                let lower = text.lowercased()
                decodedLabels.append(lower.hasPrefix("xn--") ? (punycodeDecode(Substring(lower.dropFirst(4))) ?? []) : label)
            } else {
                guard isValidULabel(label) else { return false }
                let aLabelLength = 4 + punycodeEncode(label).utf8.count
                guard aLabelLength <= 63 else { return false }
                total += aLabelLength
                decodedLabels.append(label)
            }
        }
        guard total <= 253 else { return false }
        if decodedLabels.contains(where: { $0.contains { isRightToLeft(bidiClass($0)) } }) {
            return decodedLabels.allSatisfy(satisfiesBidiRule)
        }
        return true
    }

    enum BidiClass { case l, r, al, an, en, es, cs, et, on, bn, nsm }

    private static func isRightToLeft(_ c: BidiClass) -> Bool { c == .r || c == .al || c == .an }

    /// Bidi_Class from script blocks and general categories (enough for host-name characters).
    static func bidiClass(_ s: Unicode.Scalar) -> BidiClass {
        let v = s.value
        let category = s.properties.generalCategory
        if category == .nonspacingMark || category == .enclosingMark { return .nsm }
        switch v {
        case 0x30...0x39, 0x06F0...0x06F9: return .en
        case 0x0660...0x0669, 0x066B, 0x066C: return .an
        case 0x2D, 0x2B: return .es
        case 0x2C, 0x2E, 0x3A, 0x2F, 0xA0: return .cs
        case 0x23, 0x24, 0x25, 0xA2...0xA5, 0xB0, 0xB1: return .et
        case 0x200B...0x200D, 0x00AD: return .bn
        case 0x0590...0x05FF, 0x07C0...0x085F, 0xFB1D...0xFB4F, 0x10800...0x10FFF, 0x1E800...0x1EFFF: return .r
        case 0x0600...0x07BF, 0x0860...0x08FF, 0xFB50...0xFDFF, 0xFE70...0xFEFF: return .al
        default:
            switch category {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .spacingMark,
                 .decimalNumber, .letterNumber, .otherNumber:
                return .l
            default:
                return .on
            }
        }
    }

    /// RFC 5893 §2 rules 1–6 on one label.
    private static func satisfiesBidiRule(_ label: [Unicode.Scalar]) -> Bool {
        let classes = label.map(bidiClass)
        guard let first = classes.first else { return false }
        let lastNonNSM = classes.last { $0 != .nsm }
        if first == .r || first == .al {
            let allowed: Set<BidiClass> = [.r, .al, .an, .en, .es, .cs, .et, .on, .bn, .nsm]
            guard classes.allSatisfy(allowed.contains) else { return false }
            guard let last = lastNonNSM, [.r, .al, .en, .an].contains(last) else { return false }
            return !(classes.contains(.en) && classes.contains(.an))
        }
        guard first == .l else { return false }
        let allowed: Set<BidiClass> = [.l, .en, .es, .cs, .et, .on, .bn, .nsm]
        guard classes.allSatisfy(allowed.contains) else { return false }
        guard let last = lastNonNSM, last == .l || last == .en else { return false }
        return true
    }
}
