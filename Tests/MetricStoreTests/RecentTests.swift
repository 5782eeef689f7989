import ChartCore
import Foundation
import GRDB
import MetricQuery
import MetricStore
import Testing

/// The recent table (writes) and its folding into blocks: readers must give the same answers,
/// to the bit, whether points still wait in the recent table, have been folded, or some of each.
@Suite("SQLite metric store: recent table and folding")
struct RecentTests {
    static let web = MetricIdentity(namespace: "Shop", name: "Requests", dimensions: [
        Dimension(name: "Host", value: "b"), Dimension(name: "Az", value: "eu-1"),
    ])
    static let bare = MetricIdentity(namespace: "Batch", name: "Jobs")
    static let metrics = [latency, web, bare]

    /// A deterministic mix of every payload kind, units, both storage resolutions, several
    /// datums in one minute (in one request and across requests), non-integer values, over two
    /// hours and a block boundary, in requests of up to 60 datums.
    static func requests(seed: UInt64) -> [PutMetricDataInput] {
        var s = seed
        func next() -> UInt64 {
            s &+= 0x9E37_79B9_7F4A_7C15
            var z = s
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        var out: [PutMetricDataInput] = []
        for r in 0..<12 {
            var byNamespace: [String: [MetricDatumInput]] = [:]
            for _ in 0..<60 {
                let m = metrics[Int(next() % 3)]
                let t = t0 - 1800 + EpochSeconds(next() % 7200)
                let unit: String? = ["Milliseconds", "Seconds", nil][Int(next() % 3)]
                let resolution: Int? = next() % 4 == 0 ? 1 : nil
                let v = Double(next() % 10_000) / 7
                var d: MetricDatumInput
                switch next() % 5 {
                case 0: d = MetricDatumInput(metricName: m.name, dimensions: m.dimensions, timestamp: t, value: v)
                case 1: d = MetricDatumInput(metricName: m.name, dimensions: m.dimensions, timestamp: t, value: Double(next() % 50))
                case 2:
                    d = MetricDatumInput(metricName: m.name, dimensions: m.dimensions, timestamp: t,
                                         values: [v, v + 1.5, Double(next() % 9)], counts: [1, Double(next() % 3), 2])
                case 3:
                    d = MetricDatumInput(metricName: m.name, dimensions: m.dimensions, timestamp: t,
                                         statisticValues: StatisticSetInput(sampleCount: 4, sum: 4 * v + 3, minimum: v, maximum: v + 3))
                default:
                    d = MetricDatumInput(metricName: m.name, dimensions: m.dimensions, timestamp: t,
                                         statisticValues: StatisticSetInput(sampleCount: 3, sum: 3 * v, minimum: v, maximum: v))
                }
                d.unit = unit
                d.storageResolution = resolution
                byNamespace[m.namespace, default: []].append(d)
                // Now and then a second datum for the same minute in the same request.
                if next() % 6 == 0 {
                    var again = d
                    again.value = d.value.map { $0 + 0.25 }
                    byNamespace[m.namespace, default: []].append(again)
                }
            }
            for ns in byNamespace.keys.sorted() { out.append(PutMetricDataInput(namespace: ns, metricData: byNamespace[ns] ?? [])) }
            _ = r
        }
        return out
    }

    static let now = t0 + 4 * 3600

    /// Everything a reader can see, as text with exact bit patterns.
    static func answers(_ store: SQLiteMetricStore) throws -> [String] {
        func bits(_ values: [Double]) -> String { values.map { String($0.bitPattern, radix: 16) }.joined(separator: ",") }
        var out: [String] = []
        let stats = ["SampleCount", "Sum", "Average", "Minimum", "Maximum", "p50", "p99", "TM(10%:90%)", "IQM"]
        for m in metrics {
            for s in stats {
                for period in [1, 60, 300, 3600] {
                    let r = try query(store, m, s, period: period, start: t0 - 3600, end: t0 + 3 * 3600, now: now)
                    out.append("\(m.name) \(s) \(period): \(r.timestamps) \(bits(r.values)) \(r.unit ?? "-")")
                }
                let seconds = try query(store, m, s, period: 60, start: t0 - 3600, end: t0 + 3 * 3600, now: now, unit: "Seconds")
                out.append("\(m.name) \(s) Seconds: \(seconds.timestamps) \(bits(seconds.values))")
            }
            let statistics = try store.getMetricStatistics(GetMetricStatisticsInput(
                namespace: m.namespace, metricName: m.name, dimensions: m.dimensions, startTime: t0 - 3600, endTime: t0 + 3 * 3600,
                period: 300, statistics: ["SampleCount", "Average", "Sum", "Minimum", "Maximum"]), now: now)
            out.append("\(m.name) statistics: \(statistics.datapoints.map(Self.text))")
            let extended = try store.getMetricStatistics(GetMetricStatisticsInput(
                namespace: m.namespace, metricName: m.name, dimensions: m.dimensions, startTime: t0 - 3600, endTime: t0 + 3 * 3600,
                period: 300, extendedStatistics: ["p90", "TM(:50)"]), now: now)
            out.append("\(m.name) extended: \(extended.datapoints.map(Self.text))")
        }
        out.append("list: \(try store.listMetricsPage(ListMetricsInput(), now: now).metrics)")
        // RecentlyActive: active since t0, t0 + 30 min, … (the data ends near t0 + 90 min).
        for since in stride(from: t0, through: t0 + 5400, by: 900) {
            let page = try store.listMetricsPage(ListMetricsInput(recentlyActive: "PT3H"), now: since + 3 * 3600)
            out.append("active since \(since): \(page.metrics)")
        }
        let exportPath = NSTemporaryDirectory() + "graphshot-recent-export-\(UUID().uuidString).json"
        FileManager.default.createFile(atPath: exportPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: exportPath) }
        let handle = try #require(FileHandle(forWritingAtPath: exportPath))
        let summary = try store.exportPutMetricData(to: handle)
        try handle.close()
        out.append("export \(summary): \(try String(contentsOfFile: exportPath, encoding: .utf8))")
        let st = try store.stats()
        out.append("stats \(st.metrics) \(st.points) \(st.pointsByTier.sorted { $0.key < $1.key }) \(String(describing: st.oldest)) \(String(describing: st.newest))")
        return out
    }

    /// A datapoint as text, its extended statistics in name order.
    static func text(_ d: StatisticsDatapoint) -> String {
        let simple = [d.sampleCount, d.average, d.sum, d.minimum, d.maximum].map { $0.map { String($0.bitPattern, radix: 16) } ?? "-" }
        let extended = d.extendedStatistics.sorted { $0.key < $1.key }.map { "\($0.key)=\(String($0.value.bitPattern, radix: 16))" }
        return "\(d.timestamp) \(simple) \(extended) \(d.unit)"
    }

    /// Never folding until asked (limits beyond the test's size).
    static let never = RecentLimits(points: 1 << 40, rowsPerGroup: 1 << 30)

    @Test(arguments: [1, 2] as [UInt64]) func answersAreTheSameBeforeAndAfterFolding(_ seed: UInt64) throws {
        let store = try SQLiteMetricStore.temporary(recentLimits: Self.never)
        for r in Self.requests(seed: seed) { try store.putMetricData(r, now: Self.now) }
        let pending = try store.stats()
        #expect(pending.recentPoints == pending.points && pending.points > 500 && pending.blocks == 0)
        let before = try Self.answers(store)
        let folded = try store.foldRecent()
        #expect(folded == pending.points)
        let after = try store.stats()
        #expect(after.recentPoints == 0 && after.points == pending.points && after.blocks > 0)
        let answers = try Self.answers(store)
        #expect(answers.count == before.count)
        for (a, b) in zip(before, answers) where a != b { Issue.record("differs after folding:\n\(a)\n\(b)") }
        #expect(try store.foldRecent() == 0)
    }

    /// Writes that fold by themselves, part-way (by points or by rows of one group): the same
    /// answers as never folding, at every stage.
    @Test(arguments: [
        RecentLimits(points: 100, rowsPerGroup: 1 << 30), RecentLimits(points: 1 << 40, rowsPerGroup: 3),
        RecentLimits(points: 1, rowsPerGroup: 1),
    ])
    func automaticFoldsChangeNothing(_ limits: RecentLimits) throws {
        let lazy = try SQLiteMetricStore.temporary(recentLimits: Self.never)
        let eager = try SQLiteMetricStore.temporary(recentLimits: limits)
        var folds = 0
        for (k, r) in Self.requests(seed: 3).enumerated() {
            try lazy.putMetricData(r, now: Self.now)
            let waiting = try eager.stats().recentPoints
            try eager.putMetricData(r, now: Self.now)
            if try eager.stats().recentPoints <= waiting { folds += 1 }
            if k % 4 == 3 { #expect(try Self.answers(lazy) == Self.answers(eager)) }
        }
        #expect(folds > 0, "no write folded")
        #expect(try eager.stats().recentPoints < limits.points)
        #expect(try Self.answers(lazy) == Self.answers(eager))
    }

    @Test func datumsOfOneMinuteCountTogether() throws {
        let store = try SQLiteMetricStore.temporary(recentLimits: Self.never)
        func put(_ values: [Double]) throws {
            try store.putMetricData(PutMetricDataInput(namespace: "Shop", metricData: values.enumerated().map { k, v in
                MetricDatumInput(metricName: "Latency", dimensions: latency.dimensions, timestamp: t0 + EpochSeconds(k * 7), value: v)
            }), now: Self.now)
        }
        try put([1.5, 2.25])
        try put([4])
        func minute(_ s: String) throws -> [Double] { try query(store, s, period: 60, start: t0, end: t0 + 60, now: Self.now).values }
        for pass in 0..<2 {
            #expect(try minute("SampleCount") == [3], "pass \(pass)")
            #expect(try minute("Sum") == [7.75])
            #expect(try minute("Maximum") == [4])
            #expect(try minute("p50") == [2.25])
            #expect(try store.stats().points == 3)
            try store.foldRecent()
        }
        // A later write to the folded minute merges as well.
        try put([8])
        #expect(try minute("SampleCount") == [4] && minute("Sum") == [15.75])
    }

    /// Old data written recently: retention applies to it while it waits, after folding and
    /// after compaction alike.
    @Test func retentionAppliesBeforeAndAfterFolding() throws {
        let store = try SQLiteMetricStore.temporary(recentLimits: Self.never)
        let now = t0 + 20 * 86_400
        var data: [MetricDatum] = []
        for k in 0..<600 {
            data.append(MetricDatum(metric: latency, timestamp: t0 + EpochSeconds(k * 30), value: Double(k % 17) / 4))
        }
        for k in 0..<200 {
            data.append(MetricDatum(metric: latency, timestamp: now - 5 * 3600 + EpochSeconds(k * 31), value: Double(k),
                                    storageResolution: 1))
        }
        data.append(MetricDatum(metric: latency, timestamp: now - 500 * 86_400, value: 99))
        try store.write(data)
        func read() throws -> [String] {
            var out: [String] = []
            let year = now - 501 * 86_400, day = now - 86_400
            for (s, period, start) in [("Sum", 60, day), ("Sum", 300, year), ("SampleCount", 3600, year), ("p90", 300, year), ("Sum", 1, day)] {
                let r = try query(store, s, period: period, start: start, end: now, now: now, maxDatapoints: 200_000)
                out.append("\(s) \(period) \(r.timestamps) \(r.values.map(\.bitPattern))")
            }
            return out
        }
        let waiting = try read()
        #expect(try query(store, "Sum", period: 60, start: t0, end: t0 + 86_400, now: now).values.isEmpty,
                "1-minute periods must not see 20-day-old data")
        #expect(try query(store, "Sum", period: 300, start: t0, end: t0 + 86_400, now: now).values.count == 60)
        try store.foldRecent()
        #expect(try read() == waiting)
        let report = try store.compact(now: now)
        #expect(report.pointsFolded == 0 && report.pointsExpired == 1 && report.blocksAggregated > 0)
        #expect(try read() == waiting)
        // Compaction folds what waits first.
        try store.write([MetricDatum(metric: latency, timestamp: now - 60, value: 5)])
        #expect(try store.compact(now: now).pointsFolded == 1)
        #expect(try query(store, "Sum", period: 60, start: now - 60, end: now, now: now).values == [5])
    }

    @Test func aFailedWriteStoresNothing() throws {
        let store = try SQLiteMetricStore.temporary(recentLimits: RecentLimits(points: 5, rowsPerGroup: 1 << 30))
        try store.write((0..<4).map { MetricDatum(metric: latency, timestamp: t0 + EpochSeconds($0 * 60), value: 1) })
        // The unit is checked while the write is under way: nothing of it stays, and no fold happened.
        #expect(throws: MetricStoreError.self) {
            try store.write((0..<4).map { MetricDatum(metric: latency, timestamp: t0 + EpochSeconds($0 * 60), value: 2) }
                + [MetricDatum(metric: latency, timestamp: t0, value: 3, unit: "Furlongs")])
        }
        #expect(try store.stats().recentPoints == 4)
        #expect(try query(store, "Sum", period: 3600, start: t0, end: t0 + 3600, now: Self.now).values == [4])
    }

    // MARK: - Schema versions

    @Test func aFileOfTheFirstVersionIsUpgraded() throws {
        let scratch = Scratch()
        let path = scratch.path + "/v1.db"
        do {
            let queue = try DatabaseQueue(path: path)
            try queue.write { db in
                try db.execute(sql: """
                    CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
                    INSERT INTO grdb_migrations VALUES ('v1');
                    CREATE TABLE metric (id INTEGER PRIMARY KEY, namespace TEXT NOT NULL, name TEXT NOT NULL, dims BLOB NOT NULL,
                                         last_ts INTEGER NOT NULL);
                    CREATE UNIQUE INDEX metric_identity ON metric(namespace, name, dims);
                    CREATE TABLE block (id INTEGER PRIMARY KEY, metric INTEGER NOT NULL, tier INTEGER NOT NULL, unit INTEGER NOT NULL,
                                        start INTEGER NOT NULL, points INTEGER NOT NULL, data BLOB NOT NULL);
                    CREATE UNIQUE INDEX block_key ON block(metric, tier, start, unit);
                    CREATE INDEX block_age ON block(tier, start);
                    CREATE TABLE dashboard (name TEXT PRIMARY KEY, body TEXT NOT NULL, last_modified INTEGER NOT NULL);
                    """)
                // Latency{Host=a}: 5 at 12:00 (slot 0, an integer entry), last seen then.
                try db.execute(sql: "INSERT INTO metric VALUES (1, 'Shop', 'Latency', ?, ?)",
                               arguments: [Data("Host\0a\0".utf8), t0])
                try db.execute(sql: "INSERT INTO block VALUES (1, 1, 60, 0, ?, 1, ?)", arguments: [t0, Data([0x01, 0x0A])])
            }
        }
        let store = try SQLiteMetricStore(path: path, create: false, recentLimits: Self.never)
        #expect(try query(store, "Sum", period: 60, start: t0, end: t0 + 120, now: Self.now).values == [5])
        try store.write([MetricDatum(metric: latency, timestamp: t0 + 60, value: 2)])
        #expect(try query(store, "Sum", period: 60, start: t0, end: t0 + 120, now: Self.now).values == [5, 2])
        // A build that knows only the first version finds no `block` table: it fails rather
        // than answering without the recent points.
        let queue = try DatabaseQueue(path: path)
        let tables = try queue.read { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'") }
        #expect(!tables.contains("block") && tables.contains("point_block") && tables.contains("recent"))
    }

    @Test func aFileOfANewerVersionIsRefused() throws {
        let scratch = Scratch()
        let path = scratch.path + "/new.db"
        do { _ = try SQLiteMetricStore(path: path) }
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations VALUES ('v9-future')") }
        #expect {
            try SQLiteMetricStore(path: path, create: false)
        } throws: { error in
            (error as? MetricStoreError)?.message.contains("written by a newer Graphshot") == true
        }
    }
}
