import ChartCore

/// The instants Graphshot can represent: 0001-01-01T00:00:00Z … 9999-12-31T23:59:59Z
/// (the years a four-digit ISO 8601 timestamp can name). Anything outside is rejected
/// rather than risking overflow further down the pipeline.
public enum TimeLimits {
    /// 0001-01-01T00:00:00Z.
    public static let earliest: EpochSeconds = -62_135_596_800
    /// 9999-12-31T23:59:59Z.
    public static let latest: EpochSeconds = 253_402_300_799
    /// `earliest ... latest`.
    public static let representable: ClosedRange<EpochSeconds> = earliest...latest
}

extension TimeBound {
    /// The instant this bound denotes when "now" is `now` (metric-widget spec §6.1).
    ///
    /// - Absolute bounds are returned as they are.
    /// - Relative bounds add their (signed, normally negative) fields to `now`:
    ///   1. Years and months are combined into `years × 12 + months` calendar months and
    ///      applied with calendar arithmetic in UTC, keeping the time of day and clamping the
    ///      day to the end of the target month (2024-03-31 minus one month is 2024-02-29).
    ///   2. A fractional month count is interpolated linearly between the two whole-month
    ///      results around it: `-P1.5M` lies halfway between one and two calendar months
    ///      back; `-P0.5Y` is exactly six calendar months back. [REC; the spec only says
    ///      fractions are accepted.]
    ///   3. Weeks (7 days), days (86,400 s; UTC has no DST), hours, minutes and seconds are
    ///      added as a fixed number of seconds, rounded to the nearest whole second.
    ///
    /// `now` and the result must lie within `TimeLimits.representable`; durations beyond
    /// 10,000 years, non-finite fields and anything that would overflow throw
    /// `.invalidValue` (with an empty path: the caller knows which field it resolved).
    public func resolve(now: EpochSeconds) throws(WidgetError) -> EpochSeconds {
        guard TimeLimits.representable.contains(now) else {
            throw WidgetError(.invalidValue, path: "", "the current time \(now) is outside the representable range")
        }
        switch self {
        case .absolute(let t):
            guard TimeLimits.representable.contains(t) else {
                throw WidgetError(.invalidValue, path: "", "time \(t) is outside years 0001–9999")
            }
            return t
        case .relative(let d):
            return try d.applied(to: now)
        }
    }
}

extension RelativeDuration {
    /// The largest magnitude accepted for the month part (10,000 years).
    static let maxMonths: Double = 120_000
    /// The largest magnitude accepted for the fixed-length part (10,000 years of 366 days).
    static let maxSeconds: Double = 10_000 * 366 * 86_400

    /// `now` moved by this duration; see `TimeBound.resolve(now:)` for the rules.
    func applied(to now: EpochSeconds) throws(WidgetError) -> EpochSeconds {
        func invalid(_ why: String) -> WidgetError { WidgetError(.invalidValue, path: "", why) }
        let fields = [years, months, weeks, days, hours, minutes, seconds]
        guard fields.allSatisfy(\.isFinite) else { throw invalid("relative duration has a non-finite field") }

        let totalMonths = years * 12 + months
        guard totalMonths.isFinite, totalMonths.magnitude <= RelativeDuration.maxMonths else {
            throw invalid("relative duration is too long (more than 10,000 years)")
        }
        let fixed = weeks * 604_800 + days * 86_400 + hours * 3600 + minutes * 60 + seconds
        guard fixed.isFinite, fixed.magnitude <= RelativeDuration.maxSeconds else {
            throw invalid("relative duration is too long (more than 10,000 years)")
        }

        var t = now
        if totalMonths != 0 {
            let whole = totalMonths.rounded(.towardZero)
            let fraction = totalMonths - whole
            let n = Int(whole)  // |whole| ≤ 120,000: cannot trap
            let base = try RelativeDuration.addingMonths(n, to: now)
            t = base
            if fraction != 0 {
                let next = try RelativeDuration.addingMonths(n + (fraction < 0 ? -1 : 1), to: now)
                let span = Double(next - base)  // at most 31 days: exact in Double
                t = base + Int64((fraction.magnitude * span).rounded(.toNearestOrAwayFromZero))
            }
        }
        let shift = Int64(fixed.rounded(.toNearestOrAwayFromZero))  // |fixed| ≤ 3.2e11: cannot trap
        let (result, overflow) = t.addingReportingOverflow(shift)
        guard !overflow, TimeLimits.representable.contains(result) else {
            throw invalid("relative duration reaches outside years 0001–9999")
        }
        return result
    }

    /// `epoch` moved by `n` calendar months in UTC, day clamped to the target month's end.
    static func addingMonths(_ n: Int, to epoch: EpochSeconds) throws(WidgetError) -> EpochSeconds {
        let c = CivilTime(epoch: epoch)
        let index = c.year * 12 + (c.month - 1) + n  // years ≤ 9999, |n| ≤ 120,001: no overflow
        let year = Int(floorDiv(Int64(index), 12))
        let month = index - year * 12 + 1
        guard (1...9999).contains(year) else {
            throw WidgetError(.invalidValue, path: "", "relative duration reaches outside years 0001–9999")
        }
        let day = min(c.day, CivilTime.daysInMonth(year: year, month: month))
        return CivilTime(year: year, month: month, day: day, hour: c.hour, minute: c.minute, second: c.second).epoch()
    }
}

extension MetricWidget {
    /// The widget's time range resolved against one captured "now" (spec §6.2): both
    /// relative bounds are measured from the same instant.
    ///
    /// Errors from a bound carry the path `start` or `end`; `start ≥ end` throws
    /// `.invalidTimeRange` with path `start`.
    public func timeRange(now: EpochSeconds) throws(WidgetError) -> (start: EpochSeconds, end: EpochSeconds) {
        let s: EpochSeconds, e: EpochSeconds
        do { s = try start.resolve(now: now) } catch { throw WidgetError(error.kind, path: "start", error.message) }
        do { e = try end.resolve(now: now) } catch { throw WidgetError(error.kind, path: "end", error.message) }
        guard s < e else {
            throw WidgetError(
                .invalidTimeRange, path: "start",
                "start (\(ISO8601.format(s))) must be before end (\(ISO8601.format(e)))"
            )
        }
        return (s, e)
    }
}
