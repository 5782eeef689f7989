import ChartCore
import MetricQuery
import Testing

@Suite("In-memory metric store")
struct InMemoryMetricStoreTests {
    static let now = at("2024-03-15T12:34:56Z")

    func request(_ q: MetricStatQuery, _ start: String, _ end: String, max: Int = 100_800) -> MetricDataRequest {
        MetricDataRequest(queries: [q], start: at(start), end: at(end), now: Self.now, maxDatapoints: max)
    }

    func answer(_ store: InMemoryMetricStore, _ q: MetricStatQuery, _ start: String, _ end: String, max: Int = 100_800) throws -> MetricDataResult {
        let results = try store.getMetricData(request(q, start, end, max: max))
        try #require(results.count == 1)
        return results[0]
    }

    func datum(_ iso: String, _ v: Double, metric: MetricIdentity = latency, unit: String = "Milliseconds", resolution: Int = 60) -> MetricDatum {
        MetricDatum(metric: metric, timestamp: at(iso), value: v, unit: unit, storageResolution: resolution)
    }

    @Test func bucketsWithDataOnlyAscending() throws {
        let store = InMemoryMetricStore([
            datum("2024-03-15T12:07:00Z", 8),   // out of order on purpose
            datum("2024-03-15T12:00:00Z", 1),
            datum("2024-03-15T12:04:59Z", 3),
            datum("2024-03-15T12:16:00Z", 5),
            datum("2024-03-15T12:05:00Z", 4),
        ])
        let r = try answer(store, MetricStatQuery(id: "m1", metric: latency, stat: .average, period: 300),
                           "2024-03-15T12:00:00Z", "2024-03-15T12:30:00Z")
        #expect(r.id == "m1")
        #expect(r.timestamps == [at("2024-03-15T12:00:00Z"), at("2024-03-15T12:05:00Z"), at("2024-03-15T12:15:00Z")])
        #expect(r.values == [2, 6, 5])
        #expect(r.status == .complete)
        #expect(r.messages.isEmpty)
        #expect(r.unit == "Milliseconds")
        #expect(r.label == nil)
    }

    @Test func everyStatisticThroughTheStore() throws {
        var store = InMemoryMetricStore()
        for (i, v) in oneToTen.enumerated() { store.add(datum("2024-03-15T12:00:\(10 + i)Z", v)) }
        for (text, expected) in [("Sum", 55.0), ("SampleCount", 10), ("p90", 9), ("TM(10%:90%)", 5.5), ("PR(:5)", 50), ("IQM", 5.5)] {
            let r = try answer(store, MetricStatQuery(id: "m1", metric: latency, stat: stat(text), period: 60),
                               "2024-03-15T12:00:00Z", "2024-03-15T12:01:00Z")
            #expect(r.values == [expected], "\(text)")
        }
    }

    @Test func exactDimensionSetMatch() throws {
        let store = InMemoryMetricStore([datum("2024-03-15T12:00:00Z", 1)])
        let fewer = MetricIdentity(namespace: "Shop/Api", name: "Latency", dimensions: [Dimension(name: "Route", value: "/pay")])
        let reordered = MetricIdentity(namespace: "Shop/Api", name: "Latency", dimensions: [
            Dimension(name: "Stage", value: "prod"), Dimension(name: "Route", value: "/pay"),
        ])
        let none = try answer(store, MetricStatQuery(id: "a", metric: fewer, stat: .sum, period: 60), "2024-03-15T12:00:00Z", "2024-03-15T13:00:00Z")
        #expect(none.values.isEmpty)
        #expect(none.status == .complete)
        #expect(none.unit == nil)
        let some = try answer(store, MetricStatQuery(id: "b", metric: reordered, stat: .sum, period: 60), "2024-03-15T12:00:00Z", "2024-03-15T13:00:00Z")
        #expect(some.values == [1])
    }

    @Test func rangeIsStartInclusiveEndExclusive() throws {
        let store = InMemoryMetricStore([
            datum("2024-03-15T11:59:59Z", 100),  // before the aligned start
            datum("2024-03-15T12:00:00Z", 1),    // at the aligned start
            datum("2024-03-15T12:59:59Z", 2),
            datum("2024-03-15T13:00:00Z", 100),  // at end: excluded
        ])
        // Start 12:02:30 aligns down to 12:00 (minute, then 5-minute epoch alignment).
        let r = try answer(store, MetricStatQuery(id: "m1", metric: latency, stat: .sum, period: 300),
                           "2024-03-15T12:02:30Z", "2024-03-15T13:00:00Z")
        #expect(r.timestamps == [at("2024-03-15T12:00:00Z"), at("2024-03-15T12:55:00Z")])
        #expect(r.values == [1, 2])
        // The last bucket may stick out past `end`, but data at or after `end` stays out.
        let r2 = try answer(store, MetricStatQuery(id: "m1", metric: latency, stat: .sum, period: 3600),
                            "2024-03-15T12:00:00Z", "2024-03-15T12:30:00Z")
        #expect(r2.values == [1])
    }

    @Test func unitsAgreeFilterAndMix() throws {
        let store = InMemoryMetricStore([
            datum("2024-03-15T12:00:00Z", 1, unit: "Count"),
            datum("2024-03-15T12:01:00Z", 2, unit: "Count"),
            datum("2024-03-15T12:02:00Z", 50, unit: "Percent"),
        ])
        let q = MetricStatQuery(id: "m1", metric: latency, stat: .sum, period: 60)
        let mixed = try answer(store, q, "2024-03-15T12:00:00Z", "2024-03-15T12:05:00Z")
        #expect(mixed.values == [1, 2, 50])
        #expect(mixed.unit == nil)
        let counts = try answer(store, MetricStatQuery(id: "m1", metric: latency, stat: .sum, period: 60, unit: "Count"),
                                "2024-03-15T12:00:00Z", "2024-03-15T12:05:00Z")
        #expect(counts.values == [1, 2])
        #expect(counts.unit == "Count")
        let bytes = try answer(store, MetricStatQuery(id: "m1", metric: latency, stat: .sum, period: 60, unit: "Bytes"),
                               "2024-03-15T12:00:00Z", "2024-03-15T12:05:00Z")
        #expect(bytes.values.isEmpty)
        let onlyFirst = try answer(store, q, "2024-03-15T12:00:00Z", "2024-03-15T12:02:00Z")
        #expect(onlyFirst.unit == "Count")
    }

    @Test func absentUnitIsStoredAsNone() throws {
        let store = InMemoryMetricStore([MetricDatum(metric: latency, timestamp: at("2024-03-15T12:00:00Z"), value: 1)])
        let r = try answer(store, MetricStatQuery(id: "m1", metric: latency, stat: .sum, period: 60, unit: "None"),
                           "2024-03-15T12:00:00Z", "2024-03-15T12:05:00Z")
        #expect(r.values == [1])
        #expect(r.unit == "None")
    }

    @Test func subMinutePeriodsUseHighResolutionDataOnly() throws {
        let store = InMemoryMetricStore([
            datum("2024-03-15T12:00:01Z", 1, resolution: 1),
            datum("2024-03-15T12:00:12Z", 2, resolution: 1),
            datum("2024-03-15T12:00:15Z", 100, resolution: 60),
        ])
        let fine = try answer(store, MetricStatQuery(id: "m1", metric: latency, stat: .sum, period: 10),
                              "2024-03-15T12:00:00Z", "2024-03-15T12:01:00Z")
        #expect(fine.timestamps == [at("2024-03-15T12:00:00Z"), at("2024-03-15T12:00:10Z")])
        #expect(fine.values == [1, 2])
        let minute = try answer(store, MetricStatQuery(id: "m1", metric: latency, stat: .sum, period: 60),
                                "2024-03-15T12:00:00Z", "2024-03-15T12:01:00Z")
        #expect(minute.values == [103])
    }

    @Test func tooManyBucketsKeepsTheNewestAsPartialData() throws {
        var store = InMemoryMetricStore()
        for m in 0..<10 { store.add(datum("2024-03-15T12:0\(m):00Z", Double(m))) }
        let r = try answer(store, MetricStatQuery(id: "m1", metric: latency, stat: .sum, period: 60),
                           "2024-03-15T12:00:00Z", "2024-03-15T12:10:00Z", max: 3)
        #expect(r.timestamps == [at("2024-03-15T12:07:00Z"), at("2024-03-15T12:08:00Z"), at("2024-03-15T12:09:00Z")])
        #expect(r.values == [7, 8, 9])
        #expect(r.status == .partialData)
        #expect(r.messages == ["the range holds 10 buckets, more than the 3 allowed; only the newest 3 are returned"])
        // Exactly at the budget: complete.
        let full = try answer(store, MetricStatQuery(id: "m1", metric: latency, stat: .sum, period: 60),
                              "2024-03-15T12:00:00Z", "2024-03-15T12:10:00Z", max: 10)
        #expect(full.status == .complete)
        #expect(full.values.count == 10)
    }

    @Test func distributionsAndStatisticSets() throws {
        let t = at("2024-03-15T12:00:00Z")
        let store = InMemoryMetricStore([
            MetricDatum(metric: latency, timestamp: t, payload: .values([1, 2, 3], counts: [1, 1, 8])),
            MetricDatum(metric: latency, timestamp: t + 60, payload: .statisticValues(
                StatisticValues(sampleCount: 4, sum: 10, minimum: 1, maximum: 4))),
            MetricDatum(metric: latency, timestamp: t + 65, value: 5),
            MetricDatum(metric: latency, timestamp: t + 120, payload: .values([7], counts: [0])),
        ])
        func q(_ s: String) throws -> MetricDataResult {
            try answer(store, MetricStatQuery(id: "m1", metric: latency, stat: stat(s), period: 60),
                       "2024-03-15T12:00:00Z", "2024-03-15T12:05:00Z")
        }
        #expect(try q("SampleCount").values == [10, 5])  // the zero-count datum adds nothing
        #expect(try q("Sum").values == [27, 15])
        #expect(try q("Maximum").values == [3, 5])
        // p50 exists for the distribution bucket; the statistic-set bucket has none.
        let p50 = try q("p50")
        #expect(p50.timestamps == [t])
        #expect(p50.values == [3])
    }

    @Test func negativeValuesHaveNoPercentiles() throws {
        let store = InMemoryMetricStore([datum("2024-03-15T12:00:00Z", -1), datum("2024-03-15T12:00:30Z", 5),
                                         datum("2024-03-15T12:01:00Z", 4)])
        let r = try answer(store, MetricStatQuery(id: "m1", metric: latency, stat: .percentile(50), period: 60),
                           "2024-03-15T12:00:00Z", "2024-03-15T12:05:00Z")
        #expect(r.timestamps == [at("2024-03-15T12:01:00Z")])
        #expect(r.values == [4])
    }

    @Test func oneDayOfMinutesForTenMetrics() throws {
        let start = at("2024-03-14T12:00:00Z")
        var data: [MetricDatum] = []
        var metrics: [MetricIdentity] = []
        for s in 0..<10 {
            let m = MetricIdentity(namespace: "Load", name: "Requests", dimensions: [Dimension(name: "Host", value: "h\(s)")])
            metrics.append(m)
            for k in (0..<1440).reversed() {  // newest first, like recorded output
                data.append(MetricDatum(metric: m, timestamp: start + Int64(k) * 60 + 7, value: Double(k + s)))
            }
        }
        let store = InMemoryMetricStore(data)
        #expect(store.datapointCount(of: metrics[3]) == 1440)
        let request = MetricDataRequest(
            queries: metrics.enumerated().map { MetricStatQuery(id: "m\($0.offset)", metric: $0.element, stat: .maximum, period: 60) },
            start: start, end: start + 86_400, now: start + 86_400 + 120
        )
        let results = try store.getMetricData(request)
        #expect(results.count == 10)
        for (s, r) in results.enumerated() {
            #expect(r.values.count == 1440)
            #expect(r.timestamps.first == start)
            #expect(r.values.first == Double(s))
            #expect(r.values.last == Double(1439 + s))
        }
    }

    @Test func invalidPeriodIsAnInternalError() throws {
        let store = InMemoryMetricStore([datum("2024-03-15T12:00:00Z", 1)])
        let r = try answer(store, MetricStatQuery(id: "m1", metric: latency, stat: .sum, period: 0),
                           "2024-03-15T12:00:00Z", "2024-03-15T12:05:00Z")
        #expect(r.status == .internalError)
        #expect(r.values.isEmpty)
    }

    @Test func copiesAreIndependent() throws {
        var a = InMemoryMetricStore([datum("2024-03-15T12:00:00Z", 1)])
        let b = a
        a.add(datum("2024-03-15T12:00:10Z", 2))
        let q = MetricStatQuery(id: "m1", metric: latency, stat: .sum, period: 60)
        #expect(try answer(a, q, "2024-03-15T12:00:00Z", "2024-03-15T12:05:00Z").values == [3])
        #expect(try answer(b, q, "2024-03-15T12:00:00Z", "2024-03-15T12:05:00Z").values == [1])
    }
}
