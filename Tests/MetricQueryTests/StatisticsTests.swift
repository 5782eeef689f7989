import ChartTestSupport
import ChartCore
import MetricQuery
import Testing

/// One hand-computed expectation: `stat` over `values` (× `counts`) is `expected`.
struct StatVector: Sendable, CustomStringConvertible {
    var stat: String
    var values: [Double]
    var counts: [Double]?
    var expected: Double?
    init(_ stat: String, _ values: [Double], counts: [Double]? = nil, _ expected: Double?) {
        self.stat = stat; self.values = values; self.counts = counts; self.expected = expected
    }
    var description: String { "\(stat) of \(values)\(counts.map { " × \($0)" } ?? "")" }
}

let oneToTen: [Double] = [7, 3, 10, 1, 9, 2, 8, 4, 6, 5]  // 1…10, shuffled
let skewed: [Double] = [1000, 2, 3, 4, 5, 6, 7, 8, 9, 1]   // 1…9 and an outlier
let absolute: [Double] = [1500, 100, 1000, 150, 200]

@Suite("Statistics over one bucket")
struct StatisticsTests {
    static let simple: [StatVector] = [
        .init("SampleCount", oneToTen, 10), .init("Sum", oneToTen, 55), .init("Average", oneToTen, 5.5),
        .init("Minimum", oneToTen, 1), .init("Maximum", oneToTen, 10),
        .init("SampleCount", [1, 2, 3], counts: [1, 1, 8], 10),
        .init("Sum", [1, 2, 3], counts: [1, 1, 8], 27),
        .init("Average", [1, 2, 3], counts: [1, 1, 8], 2.7),
        // Zero counts contribute nothing, not even to Minimum.
        .init("Minimum", [1, 50], counts: [0, 2], 50),
        .init("SampleCount", [1, 50], counts: [0, 2], 2),
        // Negative values are fine for simple statistics.
        .init("Average", [-1, 2, 3], 4.0 / 3), .init("Minimum", [-1, 2, 3], -1),
    ]

    static let percentiles: [StatVector] = [
        .init("p0", oneToTen, 1), .init("p100", oneToTen, 10),
        .init("p50", oneToTen, 5),        // rank ceil(5) = 5
        .init("p90", oneToTen, 9), .init("p95", oneToTen, 10),  // rank ceil(9.5) = 10
        .init("p10", oneToTen, 1), .init("p11", oneToTen, 2),   // rank ceil(1.1) = 2
        .init("p50", [42], 42), .init("p0", [42], 42), .init("p100", [42], 42),
        .init("p50", [3, 1], 1),          // rank ceil(1) = 1
        .init("p51", [3, 1], 3),          // rank ceil(1.02) = 2
        .init("p50", [4, 1, 3, 2], 2), .init("p51", [4, 1, 3, 2], 3), .init("p75", [4, 1, 3, 2], 3),
        .init("p7", (1...100).map(Double.init), 7),  // 7/100 × 100 must not round up to rank 8
        .init("p99.9", (1...1000).map(Double.init), 999),
        .init("p50", [5, 5, 5, 5], 5),
        // Weighted: 1 once, 2 once, 3 eight times (n = 10).
        .init("p10", [1, 2, 3], counts: [1, 1, 8], 1), .init("p20", [1, 2, 3], counts: [1, 1, 8], 2),
        .init("p21", [1, 2, 3], counts: [1, 1, 8], 3), .init("p0", [1, 2, 3], counts: [1, 1, 8], 1),
        .init("p100", [1, 2, 3], counts: [1, 1, 8], 3),
    ]

    static let percentBounds: [StatVector] = [
        // 1…10: TM(10%:90%) drops one sample at each end → 2…9.
        .init("TM(10%:90%)", oneToTen, 5.5), .init("TC(10%:90%)", oneToTen, 8), .init("TS(10%:90%)", oneToTen, 44),
        .init("tm90", oneToTen, 5), .init("tc90", oneToTen, 9), .init("ts90", oneToTen, 45),
        .init("TM(:90%)", oneToTen, 5), .init("TM(20%:)", oneToTen, 6.5),  // 3…10
        .init("TM(0%:100%)", oneToTen, 5.5), .init("TC(0%:100%)", oneToTen, 10),
        // 5 samples: 10 % of 5 is half a sample; nothing is removed.
        .init("TM(10%:90%)", [1, 2, 3, 4, 100], 22), .init("TC(10%:90%)", [1, 2, 3, 4, 100], 5),
        // The outlier is trimmed / winsorized away.
        .init("TM(10%:90%)", skewed, 5.5), .init("Average", skewed, 104.5),
        .init("WM(10%:90%)", skewed, 5.5),   // (2+…+9) + 2 + 9 = 55, / 10
        .init("wm90", skewed, 5.4),          // (1+…+9) + 9 = 54, / 10
        .init("WM(0%:100%)", skewed, 104.5),
        // IQM = TM(25%:75%).
        .init("IQM", [8, 1, 7, 2, 6, 3, 5, 4], 4.5),  // drop 2 at each end → 3…6
        .init("IQM", [4, 1, 3, 2], 2.5), .init("IQM", [3, 1, 2], 2),  // 0.75 of a sample: none removed
        // Weighted: 1×3, 5×6, 100×1 occupy positions [0,3), [3,9), [9,10). TM(20%:90%) keeps [2, 9).
        .init("TM(20%:90%)", [1, 5, 100], counts: [3, 6, 1], 31.0 / 7),
        .init("TC(20%:90%)", [1, 5, 100], counts: [3, 6, 1], 7),
        .init("TS(20%:90%)", [1, 5, 100], counts: [3, 6, 1], 31),
        .init("WM(20%:90%)", [1, 5, 100], counts: [3, 6, 1], 3.8),  // (31 + 2×1 + 1×5) / 10
        // Nothing kept.
        .init("TM(50%:50%)", [1, 2], nil), .init("TC(50%:50%)", [1, 2], 0), .init("TS(50%:50%)", [1, 2], 0),
        .init("WM(50%:50%)", [1, 2], nil),
        // Ties across the cut.
        .init("TM(25%:75%)", [1, 2, 2, 2, 2, 2, 2, 9], 2),
    ]

    static let absoluteBounds: [StatVector] = [
        // Keep a < v ≤ b: 150 is out (lower exclusive), 1000 is in (upper inclusive).
        .init("TM(150:1000)", absolute, 600), .init("TC(150:1000)", absolute, 2), .init("TS(150:1000)", absolute, 1200),
        .init("WM(150:1000)", absolute, 500),  // 150 150 200 1000 1000
        .init("TM(:150)", absolute, 125), .init("TC(:150)", absolute, 2),
        .init("TM(2000:)", absolute, nil), .init("TC(2000:)", absolute, 0), .init("TS(2000:)", absolute, 0),
        .init("PR(:300)", absolute, 60), .init("PR(100:2000)", absolute, 80), .init("PR(1500:)", absolute, 0),
        .init("PR(:1500)", absolute, 100), .init("PR(150:200)", absolute, 20),
        .init("PR(:2)", [1, 2, 3], counts: [1, 1, 8], 20),  // weighted share
    ]

    static let unavailable: [StatVector] = [
        // Any negative sample → no percentile-family data point.
        .init("p50", [-1, 2, 3], nil), .init("TM(10%:90%)", [-1, 2, 3], nil), .init("TC(:5)", [-1, 2, 3], nil),
        .init("PR(:5)", [-1, 2, 3], nil), .init("IQM", [-1, 2, 3], nil), .init("WM(:5)", [-1, 2, 3], nil),
        // Empty bucket → nothing at all.
        .init("SampleCount", [], nil), .init("Average", [], nil), .init("p50", [], nil), .init("TC(:5)", [], nil),
        .init("Sum", [1], counts: [0], nil),
    ]

    @Test(arguments: simple) func simpleStatistics(_ v: StatVector) {
        #expect(close(compute(v.stat, v.values, counts: v.counts), v.expected))
    }

    @Test(arguments: percentiles) func nearestRankPercentiles(_ v: StatVector) {
        #expect(close(compute(v.stat, v.values, counts: v.counts), v.expected))
    }

    @Test(arguments: percentBounds) func percentBoundedStatistics(_ v: StatVector) {
        #expect(close(compute(v.stat, v.values, counts: v.counts), v.expected))
    }

    @Test(arguments: absoluteBounds) func absoluteBoundedStatistics(_ v: StatVector) {
        #expect(close(compute(v.stat, v.values, counts: v.counts), v.expected))
    }

    @Test(arguments: unavailable) func unavailableStatistics(_ v: StatVector) {
        #expect(compute(v.stat, v.values, counts: v.counts) == nil)
    }

    @Test func statisticSetsCombineExactlyWithRawValues() {
        var acc = BucketAccumulator()
        acc.add(StatisticValues(sampleCount: 4, sum: 10, minimum: 1, maximum: 4))
        acc.add(value: 2)
        acc.add(value: 3)
        #expect(acc.value(of: .sampleCount) == 6)
        #expect(acc.value(of: .sum) == 15)
        #expect(acc.value(of: .average) == 2.5)
        #expect(acc.value(of: .minimum) == 1)
        #expect(acc.value(of: .maximum) == 4)
        // A set with Min ≠ Max does not stand for raw samples: no percentiles for the bucket.
        #expect(!acc.hasRawSamples)
        #expect(acc.value(of: .percentile(50)) == nil)
        #expect(acc.value(of: stat("TC(:10)")) == nil)
    }

    @Test func uniformStatisticSetsStandForRawSamples() {
        // SampleCount 1 with Min = Max = Sum.
        var one = BucketAccumulator()
        one.add(StatisticValues(sampleCount: 1, sum: 5, minimum: 5, maximum: 5))
        #expect(one.value(of: .percentile(50)) == 5)
        // Min = Max and Sum = Min × SampleCount: three samples of 2, plus a raw 10.
        var three = BucketAccumulator()
        three.add(StatisticValues(sampleCount: 3, sum: 6, minimum: 2, maximum: 2))
        three.add(value: 10)
        #expect(three.value(of: .percentile(50)) == 2)
        #expect(three.value(of: .percentile(100)) == 10)
        #expect(three.value(of: stat("TC(:5)")) == 3)
        #expect(three.value(of: .average) == 4)
        // The sum is compared with a tolerance: 0.1 × 3 ≠ 0.3 in binary floating point.
        var tenths = BucketAccumulator()
        tenths.add(StatisticValues(sampleCount: 3, sum: 0.3, minimum: 0.1, maximum: 0.1))
        #expect(tenths.value(of: .percentile(50)) == 0.1)
        // Min = Max but the sum disagrees → not raw samples.
        var odd = BucketAccumulator()
        odd.add(StatisticValues(sampleCount: 2, sum: 5, minimum: 2, maximum: 2))
        #expect(odd.value(of: .percentile(50)) == nil)
        #expect(odd.value(of: .sum) == 5)
        // A uniform negative set is still negative.
        var negative = BucketAccumulator()
        negative.add(StatisticValues(sampleCount: 2, sum: -4, minimum: -2, maximum: -2))
        #expect(negative.value(of: .percentile(50)) == nil)
        #expect(negative.value(of: .average) == -2)
    }

    @Test func uniformValueRules() {
        #expect(StatisticValues(sampleCount: 1, sum: 7, minimum: 7, maximum: 7).uniformValue == 7)
        #expect(StatisticValues(sampleCount: 4, sum: 8, minimum: 2, maximum: 2).uniformValue == 2)
        #expect(StatisticValues(sampleCount: 1, sum: 7, minimum: 6, maximum: 7).uniformValue == nil)
        #expect(StatisticValues(sampleCount: 4, sum: 9, minimum: 2, maximum: 2).uniformValue == nil)
    }

    @Test func simpleOnlyAccumulatorSkipsRawSamples() {
        var acc = BucketAccumulator(for: .average)
        #expect(!acc.collectsRawSamples)
        acc.add(value: 1)
        acc.add(value: 3)
        #expect(acc.value(of: .average) == 2)
        #expect(acc.value(of: .percentile(50)) == nil)
    }

    @Test func resetKeepsNothing() {
        var acc = BucketAccumulator()
        acc.add(StatisticValues(sampleCount: 2, sum: 3, minimum: 1, maximum: 2))
        acc.reset()
        #expect(acc.isEmpty)
        #expect(acc.value(of: .sum) == nil)
        acc.add(value: 4)
        #expect(acc.value(of: .percentile(50)) == 4)
        #expect(acc.hasRawSamples)
    }

    @Test func nonFiniteInputIsIgnored() {
        var acc = BucketAccumulator()
        acc.add(value: .nan)
        acc.add(value: .infinity)
        acc.add(value: 1, count: .nan)
        acc.add(value: 1, count: -3)
        acc.add(StatisticValues(sampleCount: 0, sum: 0, minimum: 0, maximum: 0))
        #expect(acc.isEmpty)
    }

    @Test func askingTwiceGivesTheSameAnswer() {
        // Selection reorders the buffer; later statistics must not be affected.
        var acc = BucketAccumulator()
        for v in oneToTen { acc.add(value: v) }
        #expect(acc.value(of: .percentile(90)) == 9)
        #expect(acc.value(of: .percentile(10)) == 1)
        #expect(acc.value(of: stat("TM(10%:90%)")) == 5.5)
        #expect(acc.value(of: .percentile(90)) == 9)
        #expect(acc.value(of: .interquartileMean) == 5.5)
    }

    /// Selection-based percentiles and trims agree with a brute-force sort of the expanded samples.
    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func selectionMatchesBruteForce(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let n = Int.random(in: 1...60, using: &rng)
        let values = (0..<n).map { _ in Double(Int.random(in: 0...20, using: &rng)) }  // many ties
        let counts = (0..<n).map { _ in Double(Int.random(in: 1...4, using: &rng)) }
        var expanded: [Double] = []
        for (v, c) in zip(values, counts) { expanded += Array(repeating: v, count: Int(c)) }
        expanded.sort()
        let total = expanded.count

        for x in [0.0, 1, 10, 25, 33.3, 50, 66.6, 75, 90, 99, 99.9, 100] {
            let rank = min(total, max(1, Int((x * Double(total) / 100).rounded(.up))))
            #expect(compute("p\(x == x.rounded() ? String(Int(x)) : String(x))", values, counts: counts) == expanded[rank - 1],
                    "p\(x) of \(expanded)")
        }
        for (a, b) in [(0, 100), (10, 90), (25, 75), (5, 50), (0, 90), (40, 60), (33, 34)] {
            let low = (Double(a) * Double(total) / 100).rounded(.down)
            let high = Double(total) - (Double(100 - b) * Double(total) / 100).rounded(.down)
            let kept = low < high ? Array(expanded[Int(low)..<Int(high)]) : []
            let tm: Double? = kept.isEmpty ? nil : kept.reduce(0, +) / Double(kept.count)
            #expect(close(compute("TM(\(a)%:\(b)%)", values, counts: counts), tm), "TM(\(a)%:\(b)%) of \(expanded)")
            #expect(close(compute("TC(\(a)%:\(b)%)", values, counts: counts), Double(kept.count)))
            #expect(close(compute("TS(\(a)%:\(b)%)", values, counts: counts), kept.reduce(0, +)))
            if let first = kept.first, let last = kept.last {
                let wm = (kept.reduce(0, +) + low * first + (Double(total) - high) * last) / Double(total)
                #expect(close(compute("WM(\(a)%:\(b)%)", values, counts: counts), wm), "WM(\(a)%:\(b)%) of \(expanded)")
            }
        }
    }
}
