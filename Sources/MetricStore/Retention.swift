import ChartCore

/// CloudWatch's retention tiers [DOC: PutMetricData, GetMetricData; api.md §7.1, spec §5]:
/// sub-minute data is kept 3 hours, 1-minute data 15 days, 5-minute data 63 days and
/// 1-hour data 455 days.
///
/// The store applies them twice, with the same rule, so answers never depend on whether
/// compaction has run yet:
/// - **reading**: a point stored at time `t` counts at its *effective tier*
///   `max(storedTier, tier(for: now − t))`, as if it had already been aggregated into the
///   interval of that tier containing it; it is used by a bucket only when the period is a
///   multiple of that tier (spec §5: "otherwise those buckets return no data"), or by a
///   whole-range bucket that contains the interval's start;
/// - **compacting**: a block is rewritten at the coarser tier once its youngest possible point
///   has moved on (`compact(now:)`), and points past the last tier are deleted.
///
/// Boundaries [REC, chosen to agree with `BucketAlignment.alignedStart`'s age rule]:
/// an age under 3 h is sub-minute; under 15 days 1-minute; up to and including 63 days
/// 5-minute; under 455 days 1-hour; older is gone. A compacted point's age is that of its
/// interval's start, so within minutes of a tier boundary a compacted point may move to the
/// next tier slightly before the points it was made of would have.
public struct RetentionPolicy: Sendable, Equatable {
    /// The age below which high-resolution (1 s) data stays at 1 s.
    public var subMinute: Int64
    /// The age below which data stays at 1 minute.
    public var oneMinute: Int64
    /// The age up to which (inclusive) data stays at 5 minutes.
    public var fiveMinute: Int64
    /// The age below which data stays at 1 hour; older data is deleted.
    public var oneHour: Int64

    public init(subMinute: Int64, oneMinute: Int64, fiveMinute: Int64, oneHour: Int64) {
        self.subMinute = subMinute; self.oneMinute = oneMinute; self.fiveMinute = fiveMinute; self.oneHour = oneHour
    }

    /// CloudWatch's tiers: 3 hours, 15 days, 63 days, 455 days.
    public static let cloudWatch = RetentionPolicy(
        subMinute: 3 * 3600, oneMinute: 15 * 86_400, fiveMinute: 63 * 86_400, oneHour: 455 * 86_400)

    /// The finest tier (seconds per point) data of this age may have, or nil when it has expired.
    @inline(__always) public func tier(forAge age: Int64) -> Int? {
        if age < subMinute { return 1 }
        if age < oneMinute { return 60 }
        if age <= fiveMinute { return 300 }
        if age < oneHour { return 3600 }
        return nil
    }

    /// The tier a point stored at `tier` with time `t` counts at when read at `now`, or nil
    /// when it has expired.
    @inline(__always) public func effectiveTier(stored tier: Int, time t: EpochSeconds, now: EpochSeconds) -> Int? {
        let age = now &- t
        guard let byAge = self.tier(forAge: age) else { return nil }
        return Swift.max(tier, byAge)
    }
}

/// Storage tiers: seconds per point, and how many seconds one block row spans.
enum Tier {
    static let all = [1, 60, 300, 3600]

    /// One block row: 5 minutes of 1-second points, an hour of minutes, a day of 5-minute
    /// points, a week of hours (each up to 300, 60, 288 and 168 points).
    @inline(__always) static func blockSpan(_ tier: Int) -> Int64 {
        switch tier {
        case 1: return 300
        case 60: return 3600
        case 300: return 86_400
        default: return 604_800
        }
    }
}

@inline(__always) func floorTo(_ x: Int64, _ m: Int64) -> Int64 {
    let r = x % m
    return r < 0 ? x - r - m : x - r
}
