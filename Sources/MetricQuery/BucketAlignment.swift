import ChartCore
import WidgetSpec

/// A regular grid of period buckets: bucket `k` covers `[start + k·period, start + (k+1)·period)`
/// for `k` in `0..<count`.
public struct BucketGrid: Sendable, Equatable {
    /// Start of the first bucket.
    public var start: EpochSeconds
    /// Bucket length in seconds (> 0).
    public var period: Int
    /// Number of buckets.
    public var count: Int

    public init(start: EpochSeconds, period: Int, count: Int) {
        self.start = start; self.period = period; self.count = count
    }

    /// Start of bucket `k`.
    @inlinable public func bucketStart(_ k: Int) -> EpochSeconds { start + Int64(k) * Int64(period) }

    /// Exclusive end of the last bucket.
    public var end: EpochSeconds { bucketStart(count) }

    /// Every bucket start, ascending.
    public var timestamps: [EpochSeconds] {
        let p = Int64(period), s = start
        return (0..<count).map { s + Int64($0) * p }
    }

    /// The index of the bucket containing `t`, or nil when `t` is outside the grid.
    @inlinable public func index(of t: EpochSeconds) -> Int? {
        guard t >= start, period > 0 else { return nil }
        let offset = t.subtractingReportingOverflow(start)
        guard !offset.overflow else { return nil }
        let k = offset.partialValue / Int64(period)
        return k < Int64(count) ? Int(k) : nil
    }

    /// The newest `maxCount` buckets of this grid (itself when it is small enough).
    public func keepingNewest(_ maxCount: Int) -> BucketGrid {
        guard count > maxCount else { return self }
        let kept = max(0, maxCount)
        return BucketGrid(start: bucketStart(count - kept), period: period, count: kept)
    }

    /// The grid without its trailing buckets that are still filling when live data is off
    /// (spec §6.4 [REC]): a bucket is kept only when `bucketStart + period + 60 ≤ now`.
    public func droppingUnfinished(now: EpochSeconds) -> BucketGrid {
        // Largest k with start + k·P + P + 60 ≤ now  ⇔  k ≤ (now − 60 − P − start) / P.
        let wait = Int64(period).addingReportingOverflow(60)
        let a = now.subtractingReportingOverflow(wait.partialValue)
        let b = a.partialValue.subtractingReportingOverflow(start)
        guard !wait.overflow, !a.overflow, !b.overflow, period > 0 else {
            // Only reachable with instants near the ends of Int64: keep all when now is far ahead.
            return now > start ? self : BucketGrid(start: start, period: period, count: 0)
        }
        let limit = b.partialValue
        guard limit >= 0 else { return BucketGrid(start: start, period: period, count: 0) }
        let last = limit / Int64(period)
        return BucketGrid(start: start, period: period, count: Int(min(Int64(count), last + 1)))
    }
}

/// Where period buckets start (metric-widget spec §5.1).
public enum BucketAlignment {
    /// The first bucket's start for a range starting at `start`, queried at `now`:
    ///
    /// 1. Periods of 5, 10, 20 or 30 s: `start` rounded down to a multiple of the period;
    ///    period 1 s: `start` itself (whole seconds) [REC].
    /// 2. Otherwise by the age of `start` (`now − start`): rounded down to the minute when
    ///    less than 15 days; to 5 minutes from 15 days up to and including 63 days; to the
    ///    hour when older. [REC: the spec's "15–63 days" is read as inclusive of 63 days.]
    /// 3. [REC] Then, when the period divides 3600 or 86400, rounded down to a multiple of the
    ///    period since the epoch, so relative ranges give stable timestamps (12:00, 12:05 …).
    ///
    /// Non-positive periods leave `start` unchanged (callers reject them earlier).
    public static func alignedStart(start: EpochSeconds, period: Int, now: EpochSeconds) -> EpochSeconds {
        guard period > 0 else { return start }
        var s: EpochSeconds
        switch period {
        case 1:
            s = start
        case 5, 10, 20, 30:
            s = floorToMultiple(start, Int64(period))
        default:
            let age = now.subtractingReportingOverflow(start)
            let ageSeconds = age.overflow ? (now > start ? Int64.max : Int64.min) : age.partialValue
            let unit: Int64 = ageSeconds < 15 * 86_400 ? 60 : ageSeconds <= 63 * 86_400 ? 300 : 3600
            s = floorToMultiple(start, unit)
        }
        if 3600 % period == 0 || 86_400 % period == 0 {
            s = floorToMultiple(s, Int64(period))
        }
        return s
    }

    /// `x` rounded down to a multiple of `m` (> 0); `x` itself when that is not representable.
    static func floorToMultiple(_ x: EpochSeconds, _ m: Int64) -> EpochSeconds {
        var r = x % m
        if r < 0 { r += m }
        let d = x.subtractingReportingOverflow(r)
        return d.overflow ? x : d.partialValue
    }

    /// The longest period a grid accepts (about 35,000 years); longer gives an empty grid,
    /// which keeps every bucket computation far from `Int64` overflow.
    public static let maxPeriod = 1 << 40

    /// The buckets of one query over `[start, end)`: from `alignedStart(start:period:now:)`
    /// while the bucket start is `< end`.
    ///
    /// Whole-range bucket [REC]: when `period == end − start` (how `setPeriodToTimeRange` asks
    /// for one value over the displayed range, spec §5) the grid is the single bucket
    /// `[start, end)`, unaligned; aligning it would shift it off the range it must cover.
    ///
    /// A period outside `1...maxPeriod`, `end ≤` the aligned start, or a start or end outside
    /// `TimeLimits.representable` (years 0001–9999) gives an empty grid.
    public static func grid(start: EpochSeconds, end: EpochSeconds, period: Int, now: EpochSeconds) -> BucketGrid {
        guard period > 0, period <= maxPeriod,
              TimeLimits.representable.contains(start), TimeLimits.representable.contains(end) else {
            return BucketGrid(start: start, period: min(max(period, 1), maxPeriod), count: 0)
        }
        if isWholeRange(start: start, end: end, period: period) {
            return BucketGrid(start: start, period: period, count: 1)
        }
        let s = alignedStart(start: start, period: period, now: now)
        let span = end.subtractingReportingOverflow(s)
        guard !span.overflow, span.partialValue > 0 else { return BucketGrid(start: s, period: period, count: 0) }
        let p = Int64(period)
        let count = span.partialValue / p + (span.partialValue % p == 0 ? 0 : 1)
        return BucketGrid(start: s, period: period, count: Int(count))
    }

    /// True when `period` is exactly the length of `[start, end)` (a whole-range bucket).
    public static func isWholeRange(start: EpochSeconds, end: EpochSeconds, period: Int) -> Bool {
        let span = end.subtractingReportingOverflow(start)
        return !span.overflow && span.partialValue > 0 && span.partialValue == Int64(period)
    }
}
