/// A fixed offset from UTC used to display times (the widget's `timezone`, `+HHMM`).
///
/// Only display changes with the offset: data, buckets and time ranges stay in UTC.
public struct UTCOffset: Sendable, Equatable, Hashable, Codable {
    /// Signed minutes east of UTC (`+0530` → 330).
    public var minutes: Int
    public init(minutes: Int) { self.minutes = minutes }
    public static let utc = UTCOffset(minutes: 0)

    /// Parses `+HHMM` / `-HHMM` with hours 00–14 and minutes 00–59; nil otherwise.
    public init?(parsing text: String) {
        let chars = Array(text.utf8)
        guard chars.count == 5, chars[0] == UInt8(ascii: "+") || chars[0] == UInt8(ascii: "-"),
              chars[1...].allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        let d = chars[1...].map { Int($0 - UInt8(ascii: "0")) }
        let hours = d[0] * 10 + d[1], mins = d[2] * 10 + d[3]
        guard hours <= 14, mins <= 59 else { return nil }
        let total = hours * 60 + mins
        self.minutes = chars[0] == UInt8(ascii: "-") ? -total : total
    }

    /// `+HHMM`.
    public var text: String {
        let sign = minutes < 0 ? "-" : "+"
        let m = abs(minutes)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return sign + two(m / 60) + two(m % 60)
    }

    public var seconds: Int64 { Int64(minutes) * 60 }
}

/// Calendar fields of an instant in a fixed-offset zone, computed without Foundation's
/// calendar so nothing depends on the process locale or `TZ`.
public struct CivilTime: Sendable, Equatable {
    public var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int
    /// ISO weekday: Monday = 1 … Sunday = 7.
    public var weekday: Int

    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        self.year = year; self.month = month; self.day = day
        self.hour = hour; self.minute = minute; self.second = second
        let days = CivilTime.daysFromCivil(year: year, month: month, day: day)
        self.weekday = Int(((days % 7) + 7 + 3) % 7) + 1  // 1970-01-01 was a Thursday (4)
    }

    /// The civil time of `epoch` seen at `offset`.
    public init(epoch: EpochSeconds, offset: UTCOffset = .utc) {
        let local = epoch + offset.seconds
        let days = floorDiv(local, 86_400)
        let secs = Int(local - days * 86_400)
        let (y, m, d) = CivilTime.civilFromDays(days)
        self.init(year: y, month: m, day: d, hour: secs / 3600, minute: (secs % 3600) / 60, second: secs % 60)
    }

    /// The instant this civil time denotes at `offset`.
    public func epoch(offset: UTCOffset = .utc) -> EpochSeconds {
        let days = CivilTime.daysFromCivil(year: year, month: month, day: day)
        return days * 86_400 + Int64(hour * 3600 + minute * 60 + second) - offset.seconds
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = floorDiv(y, 400)
        let yoe = y - era * 400
        let mp = Int64((month + 9) % 12)
        let doy = (153 * mp + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The proleptic Gregorian date of a day number since 1970-01-01.
    public static func civilFromDays(_ z0: Int64) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return (Int(y), Int(m), Int(d))
    }

    /// Number of days in a month of a year.
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

/// Floor division (rounds towards negative infinity).
@inlinable public func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}
