import ChartCore

/// One step of the time-axis ladder.
public enum TimeStep: Sendable, Equatable, Hashable {
    /// A fixed number of seconds (seconds, minutes, hours, days, weeks).
    case seconds(Int64)
    /// A number of calendar months (1, 3, 6, 12).
    case months(Int)

    /// Approximate length in seconds, for choosing a step.
    public var approximateSeconds: Double {
        switch self {
        case .seconds(let s): return Double(s)
        case .months(let m): return Double(m) * 30.44 * 86_400
        }
    }
}

/// A tick on the time axis with its label.
public struct TimeTick: Sendable, Equatable {
    public var time: EpochSeconds
    public var label: String
}

/// Chooses time-axis ticks and labels (visual spec §5.4).
///
/// The ladder is the spec's {1, 2, 5, 10, 15, 30 min; 1, 2, 3, 6, 12 h; 1, 2 d; 1, 2 weeks;
/// 1 month}, extended below with 1, 5, 10, 15, 30 s (one-second periods exist) and above
/// with 3 and 6 months and 1 year (CloudWatch keeps 455 days), so no range ever gets more
/// ticks than fit. Ticks align in the display zone: minutes and hours to multiples of
/// the step, days to local midnight, weeks to Monday, months to the 1st.
public enum TimeTicks {
    public static let ladder: [TimeStep] = [
        .seconds(1), .seconds(5), .seconds(10), .seconds(15), .seconds(30),
        .seconds(60), .seconds(120), .seconds(300), .seconds(600), .seconds(900), .seconds(1800),
        .seconds(3600), .seconds(7200), .seconds(10_800), .seconds(21_600), .seconds(43_200),
        .seconds(86_400), .seconds(172_800), .seconds(604_800), .seconds(1_209_600),
        .months(1), .months(3), .months(6), .months(12),
    ]

    /// Most ticks that fit a plot this wide: `max(1, floor(width / 90))`.
    public static func maxTickCount(plotWidth: Double) -> Int {
        guard plotWidth.isFinite else { return 1 }
        return max(1, Int(min(1000, max(0, plotWidth / 90)).rounded(.down)))
    }

    /// The smallest ladder step whose ticks in `start..<end` number at most `maxCount`.
    public static func step(start: EpochSeconds, end: EpochSeconds, maxCount: Int, zone: DisplayTimeZone) -> TimeStep {
        for step in ladder where ticks(start: start, end: end, step: step, zone: zone, limit: maxCount + 1).count <= maxCount {
            return step
        }
        return .months(12)
    }

    /// Ticks for the range `start..<end` with labels, using the chosen step.
    public static func ticks(start: EpochSeconds, end: EpochSeconds, plotWidth: Double, zone: DisplayTimeZone) -> [TimeTick] {
        let chosen = step(start: start, end: end, maxCount: maxTickCount(plotWidth: plotWidth), zone: zone)
        return ticks(start: start, end: end, step: chosen, zone: zone, limit: 1000).map {
            TimeTick(time: $0, label: label($0, step: chosen, zone: zone))
        }
    }

    /// Tick instants of `step` inside `start..<end`, at most `limit` of them.
    ///
    /// Placement follows the wall clock of `zone`, across daylight-saving changes too:
    /// - steps below a day: within each stretch of constant offset, the instants whose local
    ///   time is a multiple of the step (6-hour ticks stay at local 00/06/12/18 on a 23- or
    ///   25-hour day; hourly ticks keep one hour apart in real time, so the repeated hour
    ///   when clocks go back gets two ticks);
    /// - days, weeks (Mondays) and months (the 1st): the first instant of the local day, so
    ///   ticks stay on local midnights whatever the length of the days between them.
    public static func ticks(start: EpochSeconds, end: EpochSeconds, step: TimeStep, zone: DisplayTimeZone, limit: Int) -> [EpochSeconds] {
        guard end > start, limit > 0 else { return [] }
        switch step {
        case .seconds(let s) where s < 86_400:
            return subDayTicks(start: start, end: end, step: s, zone: zone, limit: limit)
        case .seconds(let s):
            return dayTicks(start: start, end: end, days: Int64(s / 86_400), zone: zone, limit: limit)
        case .months(let m):
            return monthTicks(start: start, end: end, months: m, zone: zone, limit: limit)
        }
    }

    /// Sub-day steps: aligned in local time within each constant-offset stretch.
    private static func subDayTicks(start: EpochSeconds, end: EpochSeconds, step s: Int64, zone: DisplayTimeZone, limit: Int) -> [EpochSeconds] {
        var result: [EpochSeconds] = []
        var bounds: [(from: EpochSeconds, offset: Int64)] = [(start, zone.offsetSeconds(at: start))]
        bounds += zone.offsetChanges(from: start + 1, to: end).map { ($0.at, $0.offset) }
        for (k, stretch) in bounds.enumerated() {
            let stretchEnd = k + 1 < bounds.count ? bounds[k + 1].from : end
            let local = stretch.from + stretch.offset
            var t = floorDiv(local, s) * s - stretch.offset
            if t < stretch.from { t += s }
            while t < stretchEnd && result.count < limit {
                result.append(t)
                t += s
            }
            if result.count >= limit { break }
        }
        return result
    }

    /// Day and week steps: local midnights of days numbered (since 1970-01-01) a multiple of
    /// `days`; weeks count from Monday 1970-01-05.
    private static func dayTicks(start: EpochSeconds, end: EpochSeconds, days: Int64, zone: DisplayTimeZone, limit: Int) -> [EpochSeconds] {
        let first = zone.civil(start)
        var day = CivilTime.daysFromCivil(year: first.year, month: first.month, day: first.day)
        let anchor: Int64 = days % 7 == 0 ? 4 : 0
        day = floorDiv(day - anchor, days) * days + anchor
        var result: [EpochSeconds] = []
        // Each iteration moves at least a day forward; the span bounds the loop.
        while result.count < limit {
            let (y, m, d) = CivilTime.civilFromDays(day)
            let t = zone.startOfDay(year: y, month: m, day: d)
            if t >= end { break }
            if t >= start { result.append(t) }
            day += days
        }
        return result
    }

    /// Month steps: the 1st of every `months`-th month at local midnight.
    private static func monthTicks(start: EpochSeconds, end: EpochSeconds, months m: Int, zone: DisplayTimeZone, limit: Int) -> [EpochSeconds] {
        let civil = zone.civil(start)
        var monthIndex = civil.year * 12 + (civil.month - 1)
        monthIndex = Int(floorDiv(Int64(monthIndex), Int64(m))) * m
        var result: [EpochSeconds] = []
        while result.count < limit {
            let year = Int(floorDiv(Int64(monthIndex), 12)), month = monthIndex - year * 12 + 1
            let t = zone.startOfDay(year: year, month: month, day: 1)
            if t >= end { break }
            if t >= start { result.append(t) }
            monthIndex += m
            if year > 1_000_000 { break }
        }
        return result
    }

    /// The label of a tick: `HH:mm` (or `HH:mm:ss` for second steps) below a day, `MM/dd` on
    /// local midnight and for day-or-longer steps, `yyyy` for yearly steps. A tick at the
    /// start of a local day whose midnight was skipped (clocks went forward at 00:00) still
    /// shows the date.
    public static func label(_ t: EpochSeconds, step: TimeStep, zone: DisplayTimeZone) -> String {
        let c = zone.civil(t)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        switch step {
        case .months(12):
            return String(c.year)
        case .months:
            return "\(two(c.month))/\(two(c.day))"
        case .seconds(let s):
            let startsDay = (c.hour == 0 && c.minute == 0 && c.second == 0)
                || (!zone.isFixed && zone.startOfDay(year: c.year, month: c.month, day: c.day) == t)
            if s >= 86_400 || startsDay { return "\(two(c.month))/\(two(c.day))" }
            if s < 60 { return "\(two(c.hour)):\(two(c.minute)):\(two(c.second))" }
            return "\(two(c.hour)):\(two(c.minute))"
        }
    }

    /// `yyyy-MM-dd HH:mm` in the display zone (vertical-annotation default labels).
    public static func dateTimeLabel(_ t: EpochSeconds, zone: DisplayTimeZone) -> String {
        let c = zone.civil(t)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(c.year)-\(two(c.month))-\(two(c.day)) \(two(c.hour)):\(two(c.minute))"
    }

    // MARK: - Spelled with `offset:`

    // The same functions under the parameter name used when the widget `timezone` was a fixed
    // offset, so callers written as `offset: widget.timezone` keep working.

    public static func ticks(start: EpochSeconds, end: EpochSeconds, plotWidth: Double, offset zone: DisplayTimeZone) -> [TimeTick] {
        ticks(start: start, end: end, plotWidth: plotWidth, zone: zone)
    }

    public static func label(_ t: EpochSeconds, step: TimeStep, offset zone: DisplayTimeZone) -> String {
        label(t, step: step, zone: zone)
    }

    public static func dateTimeLabel(_ t: EpochSeconds, offset zone: DisplayTimeZone) -> String {
        dateTimeLabel(t, zone: zone)
    }
}
