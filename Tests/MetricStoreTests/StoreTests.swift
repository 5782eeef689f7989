import ChartCore
import ChartTestSupport
import Foundation
import MetricQuery
import MetricStore
import Testing

func at(_ iso: String) -> EpochSeconds {
    guard let t = ISO8601.parse(iso) else { preconditionFailure("bad test timestamp \(iso)") }
    return t
}

func stat(_ text: String) -> Statistic {
    do { return try Statistic(parsing: text) } catch { preconditionFailure("bad test statistic \(text)") }
}

func close(_ a: Double?, _ b: Double?) -> Bool {
    switch (a, b) {
    case (nil, nil): return true
    case let (x?, y?): return (x - y).magnitude <= 1e-9 * max(1, x.magnitude, y.magnitude)
    default: return false
    }
}

let t0 = at("2024-03-01T12:00:00Z")
let latency = MetricIdentity(namespace: "Shop", name: "Latency", dimensions: [Dimension(name: "Host", value: "a")])

/// One query of `metric` over `[start, end)`.
func query(
    _ store: SQLiteMetricStore, _ statistic: String, period: Int,
    start: EpochSeconds, end: EpochSeconds, now: EpochSeconds, unit: String? = nil, maxDatapoints: Int = 100_800
) throws -> MetricDataResult {
    try query(store, latency, statistic, period: period, start: start, end: end, now: now, unit: unit, maxDatapoints: maxDatapoints)
}

func query(
    _ store: SQLiteMetricStore, _ metric: MetricIdentity, _ statistic: String, period: Int,
    start: EpochSeconds, end: EpochSeconds, now: EpochSeconds, unit: String? = nil, maxDatapoints: Int = 100_800
) throws -> MetricDataResult {
    let q = MetricStatQuery(id: "q", metric: metric, stat: stat(statistic), period: period, unit: unit)
    return try store.getMetricData(MetricDataRequest(queries: [q], start: start, end: end, now: now, maxDatapoints: maxDatapoints))[0]
}

@Suite("SQLite metric store: reading and writing")
struct StoreTests {
    /// Hand-computed statistics of one bucket, stored as `Values`/`Counts` and as single values.
    static let vectors: [(String, [Double], [Double]?, Double?)] = [
        ("SampleCount", [7, 3, 10, 1, 9, 2, 8, 4, 6, 5], nil, 10), ("Sum", [7, 3, 10, 1, 9, 2, 8, 4, 6, 5], nil, 55),
        ("Average", [1, 2, 3], [1, 1, 8], 2.7), ("Minimum", [1, 50], [0, 2], 50), ("Maximum", [-5, -2], nil, -2),
        ("p50", [7, 3, 10, 1, 9, 2, 8, 4, 6, 5], nil, 5), ("p90", [7, 3, 10, 1, 9, 2, 8, 4, 6, 5], nil, 9),
        ("p95", [7, 3, 10, 1, 9, 2, 8, 4, 6, 5], nil, 10), ("p0", [4, 1, 3], nil, 1), ("p100", [4, 1, 3], nil, 4),
        ("p11", [7, 3, 10, 1, 9, 2, 8, 4, 6, 5], nil, 2), ("p99.9", (1...1000).map(Double.init), nil, 999),
        ("p7", (1...100).map(Double.init), nil, 7), ("p21", [1, 2, 3], [1, 1, 8], 3),
        ("TM(10%:90%)", [7, 3, 10, 1, 9, 2, 8, 4, 6, 5], nil, 5.5), ("tm90", [7, 3, 10, 1, 9, 2, 8, 4, 6, 5], nil, 5),
        ("TC(10%:90%)", [7, 3, 10, 1, 9, 2, 8, 4, 6, 5], nil, 8), ("ts90", [7, 3, 10, 1, 9, 2, 8, 4, 6, 5], nil, 45),
        ("wm90", [1000, 2, 3, 4, 5, 6, 7, 8, 9, 1], nil, 5.4), ("WM(10%:90%)", [1000, 2, 3, 4, 5, 6, 7, 8, 9, 1], nil, 5.5),
        ("IQM", [8, 1, 7, 2, 6, 3, 5, 4], nil, 4.5), ("TM(20%:90%)", [1, 5, 100], [3, 6, 1], 31.0 / 7),
        ("TM(150:1000)", [1500, 100, 1000, 150, 200], nil, 600), ("TC(150:1000)", [1500, 100, 1000, 150, 200], nil, 2),
        ("TS(150:1000)", [1500, 100, 1000, 150, 200], nil, 1200), ("WM(150:1000)", [1500, 100, 1000, 150, 200], nil, 500),
        ("PR(:300)", [1500, 100, 1000, 150, 200], nil, 60), ("PR(150:200)", [1500, 100, 1000, 150, 200], nil, 20),
        ("PR(:2)", [1, 2, 3], [1, 1, 8], 20), ("TM(2000:)", [1500, 100, 1000, 150, 200], nil, nil),
        ("p50", [-1, 2, 3], nil, nil), ("PR(:5)", [-1, 2, 3], nil, nil),
    ]

    @Test(arguments: 0..<vectors.count) func statisticsThroughTheStore(_ i: Int) throws {
        let (text, values, counts, expected) = Self.vectors[i]
        let now = t0 + 3600
        // As Values/Counts datums (150 values each at most) …
        let a = try SQLiteMetricStore.temporary()
        try a.putMetricData(PutMetricDataInput(namespace: "Shop", metricData: stride(from: 0, to: values.count, by: 150).map { k in
            let r = k..<min(k + 150, values.count)
            return MetricDatumInput(metricName: "Latency", dimensions: latency.dimensions, timestamp: t0 + 10,
                                    values: Array(values[r]), counts: counts.map { Array($0[r]) })
        }), now: now)
        // … and as single values spread over the minute, in several calls.
        let b = try SQLiteMetricStore.temporary()
        for (k, v) in values.enumerated() where (counts?[k] ?? 1) > 0 {
            let c = counts?[k] ?? 1
            let d = c == 1
                ? MetricDatumInput(metricName: "Latency", dimensions: latency.dimensions, timestamp: t0 + EpochSeconds(k % 60), value: v)
                : MetricDatumInput(metricName: "Latency", dimensions: latency.dimensions, timestamp: t0 + EpochSeconds(k % 60),
                                   statisticValues: StatisticSetInput(sampleCount: c, sum: v * c, minimum: v, maximum: v))
            try b.putMetricData(PutMetricDataInput(namespace: "Shop", metricData: [d]), now: now)
        }
        for store in [a, b] {
            let r = try query(store, text, period: 60, start: t0, end: t0 + 60, now: now)
            #expect(close(r.values.first, expected), "\(text) of \(values): \(r.values)")
            #expect(r.timestamps == (expected == nil ? [] : [t0]))
        }
    }

    @Test func statisticSetsGiveSimpleStatisticsOnly() throws {
        let store = try SQLiteMetricStore.temporary()
        let now = t0 + 3600
        try store.putMetricData(PutMetricDataInput(namespace: "Shop", metricData: [
            MetricDatumInput(metricName: "Latency", dimensions: latency.dimensions, timestamp: t0,
                             statisticValues: StatisticSetInput(sampleCount: 4, sum: 10, minimum: 1, maximum: 4)),
            MetricDatumInput(metricName: "Latency", dimensions: latency.dimensions, timestamp: t0 + 5, values: [2, 8]),
        ]), now: now)
        #expect(try query(store, "SampleCount", period: 60, start: t0, end: t0 + 60, now: now).values == [6])
        #expect(try query(store, "Sum", period: 60, start: t0, end: t0 + 60, now: now).values == [20])
        #expect(try query(store, "Maximum", period: 60, start: t0, end: t0 + 60, now: now).values == [8])
        #expect(try query(store, "p50", period: 60, start: t0, end: t0 + 60, now: now).values == [])
        #expect(try query(store, "TC(:5)", period: 60, start: t0, end: t0 + 60, now: now).values == [])
    }

    /// The store answers like `InMemoryMetricStore` for data inside every retention tier's
    /// reach (random data, every kind of statistic, several periods and ranges).
    @Test(arguments: [1, 2, 3] as [UInt64]) func agreesWithTheInMemoryStore(_ seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let now = t0 + 2 * 3600
        var datums: [MetricDatumInput] = []
        for _ in 0..<400 {
            let t = t0 - 3500 + EpochSeconds(rng.next() % 10_000)
            let hi = rng.next() % 3 == 0
            switch rng.next() % 4 {
            case 0:
                datums.append(MetricDatumInput(metricName: "Latency", dimensions: latency.dimensions, timestamp: t,
                                               value: Double(rng.next() % 1000) / 10, unit: "Milliseconds", storageResolution: hi ? 1 : 60))
            case 1:
                let n = Int(rng.next() % 5) + 1
                datums.append(MetricDatumInput(metricName: "Latency", dimensions: latency.dimensions, timestamp: t,
                                               values: (0..<n).map { _ in Double(rng.next() % 50) }, counts: (0..<n).map { _ in Double(rng.next() % 3) },
                                               unit: "Milliseconds", storageResolution: hi ? 1 : 60))
            case 2:
                let v = Double(rng.next() % 100)
                datums.append(MetricDatumInput(metricName: "Latency", dimensions: latency.dimensions, timestamp: t,
                                               statisticValues: StatisticSetInput(sampleCount: 3, sum: 3 * v, minimum: v, maximum: v),
                                               unit: "Milliseconds", storageResolution: hi ? 1 : 60))
            default:
                datums.append(MetricDatumInput(metricName: "Latency", dimensions: latency.dimensions, timestamp: t,
                                               value: Double(rng.next() % 100), unit: "Milliseconds", storageResolution: hi ? 1 : 60))
            }
        }
        let store = try SQLiteMetricStore.temporary()
        var validated: [MetricDatum] = []
        for chunk in stride(from: 0, to: datums.count, by: 100) {
            let input = PutMetricDataInput(namespace: "Shop", metricData: Array(datums[chunk..<min(chunk + 100, datums.count)]))
            try store.putMetricData(input, now: now)
            validated += try input.validated(now: now)
        }
        // The in-memory store keeps exact timestamps; the SQLite store keeps standard
        // resolution data per minute, as CloudWatch does. Floor them for the comparison.
        let memory = InMemoryMetricStore(validated.map { d in
            var d = d
            if d.storageResolution != 1 { d.timestamp -= ((d.timestamp % 60) + 60) % 60 }
            return d
        })
        for text in ["SampleCount", "Sum", "Average", "Minimum", "Maximum", "p50", "p99", "TM(10%:90%)", "WM(20%:80%)", "TC(:30)", "TS(10:40)", "PR(:25)", "IQM", "tm75"] {
            for period in [1, 10, 60, 300, 3600] {
                let start = t0 - 3000 + EpochSeconds(rng.next() % 600)
                let end = start + EpochSeconds(period * 5 + Int(rng.next() % 5000))
                let request = MetricDataRequest(queries: [MetricStatQuery(id: "q", metric: latency, stat: stat(text), period: period)],
                                                start: start, end: end, now: now)
                // All the data is under 3 hours old, so the retention tiers change nothing here.
                let expected = try memory.getMetricData(request)[0]
                let got = try store.getMetricData(request)[0]
                #expect(got.timestamps == expected.timestamps, "\(text) period \(period)")
                #expect(zip(got.values, expected.values).allSatisfy { close($0, $1) } && got.values.count == expected.values.count,
                        "\(text) period \(period): \(got.values) vs \(expected.values)")
                #expect(got.unit == expected.unit)
            }
        }
    }

    @Test func dimensionOrderDoesNotMatterAndUnitsFilter() throws {
        let store = try SQLiteMetricStore.temporary()
        let now = t0 + 3600
        let dims = [Dimension(name: "B", value: "2"), Dimension(name: "A", value: "1")]
        try store.putMetricData(PutMetricDataInput(namespace: "Shop", metricData: [
            MetricDatumInput(metricName: "Bytes", dimensions: dims, timestamp: t0, value: 5, unit: "Bytes"),
            MetricDatumInput(metricName: "Bytes", dimensions: dims.reversed(), timestamp: t0 + 1, value: 7, unit: "Kilobytes"),
        ]), now: now)
        let metric = MetricIdentity(namespace: "Shop", name: "Bytes", dimensions: dims.reversed())
        let all = try query(store, metric, "Sum", period: 60, start: t0, end: t0 + 60, now: now)
        #expect(all.values == [12] && all.unit == nil)
        let bytes = try query(store, metric, "Sum", period: 60, start: t0, end: t0 + 60, now: now, unit: "Bytes")
        #expect(bytes.values == [5] && bytes.unit == "Bytes")
        #expect(try query(store, metric, "Sum", period: 60, start: t0, end: t0 + 60, now: now, unit: "Percent").values == [])
        #expect(try store.listMetrics(MetricListQuery()).count == 1)
    }

    @Test func subMinutePeriodsNeedHighResolutionData() throws {
        let store = try SQLiteMetricStore.temporary()
        let now = t0 + 600
        try store.putMetricData(PutMetricDataInput(namespace: "Shop", metricData: [
            MetricDatumInput(metricName: "Latency", dimensions: latency.dimensions, timestamp: t0 + 3, value: 1, storageResolution: 1),
            MetricDatumInput(metricName: "Latency", dimensions: latency.dimensions, timestamp: t0 + 14, value: 2, storageResolution: 1),
            MetricDatumInput(metricName: "Latency", dimensions: latency.dimensions, timestamp: t0 + 14, value: 100),
        ]), now: now)
        let r10 = try query(store, "Sum", period: 10, start: t0, end: t0 + 60, now: now)
        #expect(r10.timestamps == [t0, t0 + 10] && r10.values == [1, 2])
        #expect(try query(store, "Sum", period: 60, start: t0, end: t0 + 60, now: now).values == [103])
        // Three hours later the second-level data only exists per minute.
        #expect(try query(store, "Sum", period: 10, start: t0, end: t0 + 60, now: t0 + 3 * 3600 + 60).values == [])
        #expect(try query(store, "Sum", period: 60, start: t0, end: t0 + 60, now: t0 + 3 * 3600 + 60).values == [103])
    }

    @Test func theDatapointBudgetMarksPartialData() throws {
        let store = try SQLiteMetricStore.temporary()
        let now = t0
        try store.putMetricData(PutMetricDataInput(namespace: "Shop", metricData: [
            MetricDatumInput(metricName: "Latency", dimensions: latency.dimensions, timestamp: t0 - 30, value: 1, storageResolution: 1),
            MetricDatumInput(metricName: "Latency", dimensions: latency.dimensions, timestamp: t0 - 7000, value: 2, storageResolution: 1),
        ]), now: now)
        let r = try query(store, "Sum", period: 1, start: t0 - 7200, end: t0, now: now, maxDatapoints: 1000)
        #expect(r.status == .partialData && !r.messages.isEmpty)
        #expect(r.values == [1])  // only the newest 1,000 buckets
        let full = try query(store, "Sum", period: 1, start: t0 - 7200, end: t0, now: now)
        #expect(full.status == .complete && full.values == [2, 1])
    }

    @Test func retentionCoarseningAndCompactionAgree() throws {
        let store = try SQLiteMetricStore.temporary()
        // A day of one-minute data (value = minute index), 20 days before "now".
        let dayStart = at("2024-02-10T00:00:00Z")
        var data: [MetricDatum] = []
        for m in 0..<1440 {
            data.append(MetricDatum(metric: latency, timestamp: dayStart + EpochSeconds(m * 60), payload: .values([Double(m), Double(m) + 0.5], counts: [1, 1])))
        }
        try store.write(data)
        let now = dayStart + 20 * 86_400
        func answers() throws -> [[Double]] {
            let asks: [(String, Int)] = [("Sum", 60), ("Sum", 300), ("Average", 3600), ("p50", 300), ("SampleCount", 86_400)]
            var out: [[Double]] = []
            for (s, p) in asks {
                out.append(try query(store, s, period: p, start: dayStart, end: dayStart + 86_400, now: now).values)
            }
            return out
        }
        let before = try answers()
        #expect(before[0].isEmpty, "1-minute periods get no data older than 15 days")
        #expect(before[1].count == 288 && before[1][0] == (0 + 0.5) + (1 + 1.5) + (2 + 2.5) + (3 + 3.5) + (4 + 4.5))
        #expect(before[3][0] == 2, "p50 of 0, 0.5, …, 4.5 (nearest rank 5 of 10)")
        #expect(before[4] == [2880])
        let report = try store.compact(now: now)
        #expect(report.blocksAggregated == 24 && report.pointsExpired == 0)
        #expect(try store.stats().pointsByTier[300] == 288)
        #expect(try answers() == before)
        // Past 63 days only hours remain; past 455 days nothing.
        let later = dayStart + 70 * 86_400
        let hourly = try query(store, "Average", period: 3600, start: dayStart, end: dayStart + 86_400, now: later).values
        #expect(hourly == before[2])
        #expect(try query(store, "Sum", period: 300, start: dayStart, end: dayStart + 86_400, now: later).values.isEmpty)
        try store.compact(now: later)
        #expect(try store.stats().pointsByTier[3600] == 24)
        #expect(try query(store, "Average", period: 3600, start: dayStart, end: dayStart + 86_400, now: later).values == hourly)
        try store.compact(now: dayStart + 460 * 86_400)
        #expect(try store.stats().points == 0)
    }

    @Test func getMetricStatisticsAnswersEveryStatistic() throws {
        let store = try SQLiteMetricStore.temporary()
        let now = t0 + 3600
        try store.putMetricData(PutMetricDataInput(namespace: "Shop", metricData: [
            MetricDatumInput(metricName: "Latency", dimensions: latency.dimensions, timestamp: t0, values: [1, 2, 3, 4], unit: "Seconds"),
            MetricDatumInput(metricName: "Latency", dimensions: latency.dimensions, timestamp: t0 + 60, value: 10, unit: "Seconds"),
        ]), now: now)
        let simple = try store.getMetricStatistics(GetMetricStatisticsInput(
            namespace: "Shop", metricName: "Latency", dimensions: latency.dimensions, startTime: t0, endTime: t0 + 300, period: 60,
            statistics: ["Average", "SampleCount", "Maximum"]), now: now)
        #expect(simple.label == "Latency" && simple.datapoints.count == 2)
        #expect(simple.datapoints[0] == StatisticsDatapoint(timestamp: t0, sampleCount: 4, average: 2.5, maximum: 4, unit: "Seconds"))
        let extended = try store.getMetricStatistics(GetMetricStatisticsInput(
            namespace: "Shop", metricName: "Latency", dimensions: latency.dimensions, startTime: t0, endTime: t0 + 300, period: 300,
            extendedStatistics: ["p50", "TM(:4)", "PR(2:10)"]), now: now)
        #expect(extended.datapoints.count == 1)
        #expect(extended.datapoints[0].extendedStatistics == ["p50": 3, "TM(:4)": 2.5, "PR(2:10)": 60])
        #expect(throws: CloudWatchAPIError.self) {
            try store.getMetricStatistics(GetMetricStatisticsInput(
                namespace: "Shop", metricName: "Latency", startTime: t0, endTime: t0 + 300, period: 60), now: now)
        }
    }

    @Test func readsProceedWhileWriting() async throws {
        let store = try SQLiteMetricStore.temporary()
        let now = t0 + 86_400
        try store.write([MetricDatum(metric: latency, timestamp: t0, value: 1)])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for k in 1..<200 {
                    try store.write((0..<50).map { j in MetricDatum(metric: latency, timestamp: t0 + EpochSeconds(k * 60), value: Double(j)) })
                }
            }
            group.addTask {
                for _ in 0..<200 {
                    let r = try query(store, "SampleCount", period: 60, start: t0, end: t0 + 86_400, now: now)
                    // Each write is atomic: every bucket seen is complete.
                    #expect(r.values.first == 1 && r.values.dropFirst().allSatisfy { $0 == 50 })
                }
            }
            try await group.waitForAll()
        }
        #expect(try query(store, "SampleCount", period: 3600, start: t0, end: t0 + 86_400, now: now).values.reduce(0, +) == 1 + 199 * 50)
    }

    @Test func reopeningKeepsEverything() throws {
        let dir = NSTemporaryDirectory() + "graphshot-reopen-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            let store = try SQLiteMetricStore(path: dir + "/m.db")
            try store.write([MetricDatum(metric: latency, timestamp: t0, value: 4)])
            try store.putDashboard(name: "ops", body: "{\"widgets\":[]}", now: t0)
        }
        let again = try SQLiteMetricStore(path: dir + "/m.db", create: false)
        #expect(try query(again, "Sum", period: 60, start: t0, end: t0 + 60, now: t0 + 60).values == [4])
        #expect(try again.getDashboard(name: "ops")?.body == "{\"widgets\":[]}")
        #expect(throws: MetricStoreError.self) { try SQLiteMetricStore(path: dir + "/missing.db", create: false) }
    }
}
