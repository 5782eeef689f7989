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
    public static func step(start: EpochSeconds, end: EpochSeconds, maxCount: Int, offset: UTCOffset) -> TimeStep {
        for step in ladder where ticks(start: start, end: end, step: step, offset: offset, limit: maxCount + 1).count <= maxCount {
            return step
        }
        return .months(12)
    }

    /// Ticks for the range `start..<end` with labels, using the chosen step.
    public static func ticks(start: EpochSeconds, end: EpochSeconds, plotWidth: Double, offset: UTCOffset) -> [TimeTick] {
        let chosen = step(start: start, end: end, maxCount: maxTickCount(plotWidth: plotWidth), offset: offset)
        return ticks(start: start, end: end, step: chosen, offset: offset, limit: 1000).map {
            TimeTick(time: $0, label: label($0, step: chosen, offset: offset))
        }
    }

    /// Tick instants of `step` inside `start..<end`, at most `limit` of them.
    public static func ticks(start: EpochSeconds, end: EpochSeconds, step: TimeStep, offset: UTCOffset, limit: Int) -> [EpochSeconds] {
        guard end > start else { return [] }
        var result: [EpochSeconds] = []
        switch step {
        case .seconds(let s):
            let local = start + offset.seconds
            var first: EpochSeconds
            if s % 604_800 == 0 {
                // Weeks start on Monday; 1970-01-05 was a Monday.
                let monday: EpochSeconds = 4 * 86_400
                first = floorDiv(local - monday, s) * s + monday
            } else {
                first = floorDiv(local, s) * s
            }
            if first < local { first += s }
            var t = first - offset.seconds
            while t < end && result.count < limit {
                result.append(t)
                t += s
            }
        case .months(let m):
            let civil = CivilTime(epoch: start, offset: offset)
            var monthIndex = civil.year * 12 + (civil.month - 1)
            monthIndex = (monthIndex / m) * m
            while result.count < limit {
                let year = monthIndex / 12, month = monthIndex % 12 + 1
                let t = CivilTime(year: year, month: month, day: 1).epoch(offset: offset)
                if t >= end { break }
                if t >= start { result.append(t) }
                monthIndex += m
                if year > 1_000_000 { break }
            }
        }
        return result
    }

    /// The label of a tick: `HH:mm` (or `HH:mm:ss` for second steps) below a day, `MM/dd` on
    /// local midnight and for day-or-longer steps, `yyyy` for yearly steps.
    public static func label(_ t: EpochSeconds, step: TimeStep, offset: UTCOffset) -> String {
        let c = CivilTime(epoch: t, offset: offset)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        switch step {
        case .months(12):
            return String(c.year)
        case .months:
            return "\(two(c.month))/\(two(c.day))"
        case .seconds(let s):
            if s >= 86_400 || (c.hour == 0 && c.minute == 0 && c.second == 0) { return "\(two(c.month))/\(two(c.day))" }
            if s < 60 { return "\(two(c.hour)):\(two(c.minute)):\(two(c.second))" }
            return "\(two(c.hour)):\(two(c.minute))"
        }
    }

    /// `yyyy-MM-dd HH:mm` in the display zone (vertical-annotation default labels).
    public static func dateTimeLabel(_ t: EpochSeconds, offset: UTCOffset) -> String {
        let c = CivilTime(epoch: t, offset: offset)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(c.year)-\(two(c.month))-\(two(c.day)) \(two(c.hour)):\(two(c.minute))"
    }
}
