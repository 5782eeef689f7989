import ChartCore
import MetricQuery
import Testing

@Suite("Bucket alignment (spec §5.1)")
struct BucketAlignmentTests {
    static let now = at("2024-03-15T12:34:56Z")

    struct Case: Sendable, CustomStringConvertible {
        var start: String
        var period: Int
        var expected: String
        var why: String
        var description: String { "\(why): \(start) P=\(period)" }
    }

    static let cases: [Case] = [
        // Recent (< 15 days): to the minute, then to a multiple of P when P divides 3600/86400.
        Case(start: "2024-03-15T11:34:56Z", period: 60, expected: "2024-03-15T11:34:00Z", why: "minute"),
        Case(start: "2024-03-15T11:34:56Z", period: 300, expected: "2024-03-15T11:30:00Z", why: "5-min epoch alignment"),
        Case(start: "2024-03-15T11:35:56Z", period: 120, expected: "2024-03-15T11:34:00Z", why: "2-min epoch alignment"),
        Case(start: "2024-03-15T11:35:56Z", period: 420, expected: "2024-03-15T11:35:00Z", why: "7 min divides neither"),
        Case(start: "2024-03-15T11:34:56Z", period: 3600, expected: "2024-03-15T11:00:00Z", why: "hour"),
        Case(start: "2024-03-15T11:34:56Z", period: 7200, expected: "2024-03-15T10:00:00Z", why: "2 h divides a day"),
        Case(start: "2024-03-15T11:34:56Z", period: 86400, expected: "2024-03-15T00:00:00Z", why: "day"),
        Case(start: "2024-03-15T11:34:56Z", period: 172_800, expected: "2024-03-15T11:34:00Z", why: "2 days divides neither"),
        // Sub-minute periods.
        Case(start: "2024-03-15T12:04:58Z", period: 1, expected: "2024-03-15T12:04:58Z", why: "1 s"),
        Case(start: "2024-03-15T12:04:58Z", period: 5, expected: "2024-03-15T12:04:55Z", why: "5 s"),
        Case(start: "2024-03-15T12:04:58Z", period: 10, expected: "2024-03-15T12:04:50Z", why: "10 s"),
        Case(start: "2024-03-15T12:04:58Z", period: 20, expected: "2024-03-15T12:04:40Z", why: "20 s"),
        Case(start: "2024-03-15T12:04:58Z", period: 30, expected: "2024-03-15T12:04:30Z", why: "30 s"),
        // 15–63 days old: to 5 minutes.
        Case(start: "2024-02-24T12:43:56Z", period: 60, expected: "2024-02-24T12:40:00Z", why: "20 days: 5 min"),
        Case(start: "2024-02-24T12:43:56Z", period: 420, expected: "2024-02-24T12:40:00Z", why: "20 days, 7 min"),
        Case(start: "2024-02-29T12:34:56Z", period: 60, expected: "2024-02-29T12:30:00Z", why: "exactly 15 days: 5 min"),
        Case(start: "2024-02-29T12:34:57Z", period: 60, expected: "2024-02-29T12:34:00Z", why: "15 days − 1 s: minute"),
        Case(start: "2024-01-12T12:34:56Z", period: 60, expected: "2024-01-12T12:30:00Z", why: "exactly 63 days: 5 min"),
        // Older than 63 days: to the hour.
        Case(start: "2024-01-12T12:34:55Z", period: 60, expected: "2024-01-12T12:00:00Z", why: "63 days + 1 s: hour"),
        Case(start: "2023-12-01T07:59:59Z", period: 300, expected: "2023-12-01T07:00:00Z", why: "old, 5 min"),
        // Epoch alignment after age rounding.
        Case(start: "2023-12-01T07:59:59Z", period: 86400, expected: "2023-12-01T00:00:00Z", why: "old, day"),
        Case(start: "2024-02-24T12:43:56Z", period: 900, expected: "2024-02-24T12:30:00Z", why: "20 days, 15 min"),
    ]

    @Test(arguments: cases) func alignedStart(_ c: Case) {
        #expect(BucketAlignment.alignedStart(start: at(c.start), period: c.period, now: Self.now) == at(c.expected))
    }

    @Test func gridEndIsExclusive() {
        let s = at("2024-03-15T11:00:00Z")
        let g = BucketAlignment.grid(start: s, end: at("2024-03-15T12:00:00Z"), period: 300, now: Self.now)
        #expect(g == BucketGrid(start: s, period: 300, count: 12))
        #expect(g.timestamps.last == at("2024-03-15T11:55:00Z"))
        #expect(g.end == at("2024-03-15T12:00:00Z"))
        // One second more opens a 13th bucket.
        let g2 = BucketAlignment.grid(start: s, end: at("2024-03-15T12:00:01Z"), period: 300, now: Self.now)
        #expect(g2.count == 13)
        // The aligned start moves before `start`, adding a bucket at the front.
        let g3 = BucketAlignment.grid(start: at("2024-03-15T11:02:00Z"), end: at("2024-03-15T11:10:00Z"), period: 300, now: Self.now)
        #expect(g3 == BucketGrid(start: s, period: 300, count: 2))
    }

    @Test func emptyAndInvalidGrids() {
        let s = at("2024-03-15T11:00:00Z")
        #expect(BucketAlignment.grid(start: s, end: s, period: 60, now: Self.now).count == 0)
        #expect(BucketAlignment.grid(start: s, end: s - 60, period: 60, now: Self.now).count == 0)
        #expect(BucketAlignment.grid(start: s, end: s + 60, period: 0, now: Self.now).count == 0)
        #expect(BucketAlignment.grid(start: s, end: s + 60, period: -5, now: Self.now).count == 0)
        #expect(BucketAlignment.alignedStart(start: s + 7, period: 0, now: Self.now) == s + 7)
        // Extreme inputs must not trap.
        _ = BucketAlignment.grid(start: .min, end: .max, period: 60, now: .max)
        _ = BucketAlignment.alignedStart(start: .min + 10, period: 60, now: .max)
    }

    @Test func wholeRangeBucketIsTheRangeItself() {
        let start = at("2024-03-15T09:34:56Z"), end = at("2024-03-15T12:34:56Z")
        let g = BucketAlignment.grid(start: start, end: end, period: 10_800, now: Self.now)
        #expect(g == BucketGrid(start: start, period: 10_800, count: 1))
        #expect(BucketAlignment.isWholeRange(start: start, end: end, period: 10_800))
        #expect(!BucketAlignment.isWholeRange(start: start, end: end, period: 3600))
    }

    @Test func gridIndexing() {
        let g = BucketGrid(start: 1000, period: 60, count: 3)
        #expect(g.index(of: 999) == nil)
        #expect(g.index(of: 1000) == 0)
        #expect(g.index(of: 1059) == 0)
        #expect(g.index(of: 1060) == 1)
        #expect(g.index(of: 1179) == 2)
        #expect(g.index(of: 1180) == nil)
        #expect(g.timestamps == [1000, 1060, 1120])
    }

    @Test func keepingNewestBuckets() {
        let g = BucketGrid(start: 0, period: 10, count: 10)
        #expect(g.keepingNewest(3) == BucketGrid(start: 70, period: 10, count: 3))
        #expect(g.keepingNewest(10) == g)
        #expect(g.keepingNewest(100) == g)
    }

    @Test func liveDataOffDropsUnfinishedBuckets() {
        // A 5-minute bucket starting 12:35 appears from 12:41 (spec §6.4).
        let g = BucketGrid(start: at("2024-03-15T12:00:00Z"), period: 300, count: 8)  // 12:00 … 12:35
        #expect(g.droppingUnfinished(now: at("2024-03-15T12:41:00Z")).count == 8)
        #expect(g.droppingUnfinished(now: at("2024-03-15T12:40:59Z")).count == 7)
        #expect(g.droppingUnfinished(now: at("2024-03-15T12:36:00Z")).count == 7)
        #expect(g.droppingUnfinished(now: at("2024-03-15T12:35:59Z")).count == 6)
        #expect(g.droppingUnfinished(now: at("2024-03-15T12:05:59Z")).count == 0)
        #expect(g.droppingUnfinished(now: at("2024-03-15T13:00:00Z")).count == 8)
    }
}

@Suite("Bucket grids never trap")
struct BucketGridExtremes {
    @Test func extremeInputs() {
        let values: [Int64] = [.min, .min + 1, -1, 0, 1, at("2024-03-15T12:00:00Z"), .max - 1, .max]
        for a in values {
            for b in values {
                for p in [1, 5, 60, 300, 7, 86_400, BucketAlignment.maxPeriod, .max] {
                    _ = BucketAlignment.alignedStart(start: a, period: p, now: b)
                    let g = BucketAlignment.grid(start: a, end: b, period: p, now: b)
                    _ = g.index(of: a)
                    _ = g.droppingUnfinished(now: b)
                    _ = BucketGrid(start: a, period: p, count: 3).droppingUnfinished(now: b)
                    _ = BucketGrid(start: a, period: p, count: 3).index(of: b)
                }
            }
        }
    }
}
