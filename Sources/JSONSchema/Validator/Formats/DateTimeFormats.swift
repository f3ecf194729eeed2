/// RFC 3339 §5.6 `full-date`, `full-time`, `date-time`, and Appendix A `duration`.
enum DateTimeFormats {
    private static func digits(_ u: [UInt8], _ from: Int, _ count: Int) -> Int? {
        guard from + count <= u.count else { return nil }
        var v = 0
        for k in from..<(from + count) {
            guard u[k] >= 48, u[k] <= 57 else { return nil }
            v = v * 10 + Int(u[k] - 48)
        }
        return v
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// `YYYY-MM-DD` with a day that exists.
    static func isDate(_ s: String) -> Bool { parseDate(Array(s.utf8), 0) == 10 && s.utf8.count == 10 }

    /// Parses a full-date at `at`; returns the offset after it.
    private static func parseDate(_ u: [UInt8], _ at: Int) -> Int? {
        guard let y = digits(u, at, 4), at + 10 <= u.count, u[at + 4] == 45, let m = digits(u, at + 5, 2), u[at + 7] == 45,
              let d = digits(u, at + 8, 2), (1...12).contains(m), d >= 1, d <= daysIn(month: m, year: y) else { return nil }
        return at + 10
    }

    /// `HH:MM:SS[.frac](Z|±HH:MM)`; a leap second (60) only where the UTC time is 23:59.
    static func isTime(_ s: String) -> Bool {
        let u = Array(s.utf8)
        return parseTime(u, 0) == u.count
    }

    private static func parseTime(_ u: [UInt8], _ at: Int) -> Int? {
        guard let h = digits(u, at, 2), at + 8 <= u.count, u[at + 2] == 58, let m = digits(u, at + 3, 2), u[at + 5] == 58,
              let sec = digits(u, at + 6, 2), h <= 23, m <= 59, sec <= 60 else { return nil }
        var i = at + 8
        if i < u.count, u[i] == 46 {
            i += 1
            let start = i
            while i < u.count, u[i] >= 48, u[i] <= 57 { i += 1 }
            guard i > start else { return nil }
        }
        guard i < u.count else { return nil }
        var offsetMinutes = 0
        if u[i] == UInt8(ascii: "Z") || u[i] == UInt8(ascii: "z") {
            i += 1
        } else if u[i] == 43 || u[i] == 45 {
            guard let oh = digits(u, i + 1, 2), i + 6 <= u.count, u[i + 3] == 58, let om = digits(u, i + 4, 2), oh <= 23, om <= 59 else { return nil }
            offsetMinutes = (oh * 60 + om) * (u[i] == 43 ? 1 : -1)
            i += 6
        } else {
            return nil
        }
        if sec == 60 {
            // Leap seconds happen at 23:59:60 UTC.
            let utc = ((h * 60 + m - offsetMinutes) % 1440 + 1440) % 1440
            guard utc == 23 * 60 + 59 else { return nil }
        }
        return i
    }

    /// `full-date "T" full-time` (T and Z may be lowercase, RFC 3339 §5.6 note).
    static func isDateTime(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard let afterDate = parseDate(u, 0), afterDate < u.count, u[afterDate] == UInt8(ascii: "T") || u[afterDate] == UInt8(ascii: "t")
        else { return false }
        return parseTime(u, afterDate + 1) == u.count
    }

    /// RFC 3339 Appendix A: `P` then date parts (Y, M, D in order, each optional but contiguous),
    /// an optional `T` with H, M, S, or weeks alone.
    static func isDuration(_ s: String) -> Bool {
        var u = Array(s.utf8)[...]
        guard u.first == UInt8(ascii: "P") else { return false }
        u = u.dropFirst()
        guard !u.isEmpty else { return false }
        // Reads "<digits><unit>" pairs; returns the units in order.
        func units(_ part: ArraySlice<UInt8>) -> [UInt8]? {
            var out: [UInt8] = []
            var i = part.startIndex
            while i < part.endIndex {
                let start = i
                while i < part.endIndex, part[i] >= 48, part[i] <= 57 { i += 1 }
                guard i > start, i < part.endIndex else { return nil }
                out.append(part[i])
                i += 1
            }
            return out
        }
        // Each list of units must be a contiguous run of the allowed order.
        func contiguous(_ got: [UInt8], in order: [UInt8]) -> Bool {
            guard let first = got.first, let start = order.firstIndex(of: first) else { return got.isEmpty }
            return start + got.count <= order.count && Array(order[start..<(start + got.count)]) == got
        }
        let t = u.firstIndex(of: UInt8(ascii: "T"))
        let datePart = t.map { u[u.startIndex..<$0] } ?? u
        guard let dateUnits = units(datePart) else { return false }
        if dateUnits == [UInt8(ascii: "W")] { return t == nil }
        guard contiguous(dateUnits, in: Array("YMD".utf8)) else { return false }
        if let t {
            let timePart = u[(t + 1)...]
            guard let timeUnits = units(timePart), !timeUnits.isEmpty, contiguous(timeUnits, in: Array("HMS".utf8)) else { return false }
        } else if dateUnits.isEmpty {
            return false
        }
        return true
    }
}
