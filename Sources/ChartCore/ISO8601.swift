/// Locale-free ISO 8601 timestamps: parsing and printing in UTC epoch seconds.
public enum ISO8601 {
    /// Parses `YYYY-MM-DDTHH:MM[:SS[.fraction]][Z|±HH:MM|±HHMM]` (a space may replace `T`).
    ///
    /// A date and a time are both required (metric-widget spec §6.1). A timestamp with no
    /// zone designator is read as UTC, as CloudWatch does. Fractions of a second are
    /// truncated: Graphshot's smallest period is one second. Returns nil when malformed.
    public static func parse(_ text: String) -> EpochSeconds? {
        var text = text
        return text.withUTF8 { parse(utf8: $0) }  // no copy for native strings
    }

    /// `parse(_:)` on the UTF-8 bytes of the text.
    private static func parse(utf8 c: UnsafeBufferPointer<UInt8>) -> EpochSeconds? {
        var i = 0
        func digits(_ n: Int) -> Int? {
            guard i + n <= c.count else { return nil }
            var v = 0
            for k in 0..<n {
                let d = c[i + k]
                guard d >= 48, d <= 57 else { return nil }
                v = v * 10 + Int(d - 48)
            }
            i += n
            return v
        }
        func expect(_ ch: Unicode.Scalar) -> Bool {
            guard i < c.count, c[i] == UInt8(ascii: ch) else { return false }
            i += 1
            return true
        }
        guard let year = digits(4), expect("-"), let month = digits(2), expect("-"), let day = digits(2) else { return nil }
        guard i < c.count, c[i] == UInt8(ascii: "T") || c[i] == UInt8(ascii: "t") || c[i] == UInt8(ascii: " ") else { return nil }
        i += 1
        guard let hour = digits(2), expect(":"), let minute = digits(2) else { return nil }
        var second = 0
        if i < c.count, c[i] == UInt8(ascii: ":") {
            i += 1
            guard let s = digits(2) else { return nil }
            second = s
            if i < c.count, c[i] == UInt8(ascii: ".") || c[i] == UInt8(ascii: ",") {
                i += 1
                let start = i
                while i < c.count, c[i] >= 48, c[i] <= 57 { i += 1 }
                guard i > start else { return nil }
            }
        }
        var offsetMinutes = 0
        if i < c.count {
            if c[i] == UInt8(ascii: "Z") || c[i] == UInt8(ascii: "z") {
                i += 1
            } else if c[i] == UInt8(ascii: "+") || c[i] == UInt8(ascii: "-") {
                let negative = c[i] == UInt8(ascii: "-")
                i += 1
                guard let oh = digits(2) else { return nil }
                _ = expect(":")
                guard let om = digits(2), oh <= 23, om <= 59 else { return nil }
                offsetMinutes = (negative ? -1 : 1) * (oh * 60 + om)
            } else {
                return nil
            }
        }
        guard i == c.count else { return nil }
        guard (1...12).contains(month), day >= 1, day <= CivilTime.daysInMonth(year: year, month: month),
              hour <= 24, minute <= 59, second <= 60 else { return nil }
        if hour == 24 && (minute != 0 || second != 0) { return nil }
        let civil = CivilTime(year: year, month: month, day: day, hour: 0, minute: minute, second: min(second, 59))
        return civil.epoch(offset: UTCOffset(minutes: offsetMinutes)) + Int64(hour) * 3600
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` in UTC, or with the given offset as `±HH:MM`.
    public static func format(_ epoch: EpochSeconds, offset: UTCOffset = .utc) -> String {
        let t = CivilTime(epoch: epoch, offset: offset)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        func four(_ v: Int) -> String {
            let s = String(abs(v))
            return (v < 0 ? "-" : "") + String(repeating: "0", count: max(0, 4 - s.count)) + s
        }
        let zone: String
        if offset.minutes == 0 {
            zone = "Z"
        } else {
            let m = abs(offset.minutes)
            zone = (offset.minutes < 0 ? "-" : "+") + two(m / 60) + ":" + two(m % 60)
        }
        return "\(four(t.year))-\(two(t.month))-\(two(t.day))T\(two(t.hour)):\(two(t.minute)):\(two(t.second))" + zone
    }
}
