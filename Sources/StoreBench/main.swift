// graphshot-store-bench: release-mode figures for the embedded metric store.
//
//   swift build -c release --product graphshot-store-bench
//   .build/release/graphshot-store-bench [--metrics 10000] [--minutes 1440] [--dir /tmp]
//
// 1. Ingestion: `--metrics` metrics × `--minutes` one-minute points (10,000 × 1,440 = 14.4 M;
//    the first 10 M points are timed as "ingest"), written the way a live system writes:
//    time-major (each minute, every metric), in importer-sized batches of 50,000 datums, each
//    validated (PutMetricData content rules) and committed in one durable transaction (the
//    folds of the recent table into blocks that writes trigger included). Reports points/s
//    and, once everything is folded, bytes on disk per point. Also: PutMetricData calls of 1,000 datums,
//    one durable transaction (and fsync) each.
// 2. Reading: one metric's 1,440 one-minute Averages out of that store (GetMetricData path),
//    while the last writes still wait in the recent table and once they are folded.
// 3. Percentiles: p99 per bucket over buckets of 1,000 raw values, through the store and
//    through `BucketAccumulator` alone.
import ChartCore
import Foundation
import MetricQuery
import MetricStore
#if canImport(Glibc)
import Glibc
#endif

func argument(_ name: String, default value: Int) -> Int {
    let args = CommandLine.arguments
    if let i = args.firstIndex(of: name), i + 1 < args.count, let v = Int(args[i + 1]) { return v }
    return value
}
func argument(_ name: String, default value: String) -> String {
    let args = CommandLine.arguments
    if let i = args.firstIndex(of: name), i + 1 < args.count { return args[i + 1] }
    return value
}

func runBenchmarks() throws {
    let metricCount = argument("--metrics", default: 10_000)
    let minutes = argument("--minutes", default: 1440)
    let timedPoints = argument("--timed-points", default: 10_000_000)
    let baseDir = argument("--dir", default: NSTemporaryDirectory())
    let day0: EpochSeconds = 1_709_251_200  // 2024-03-01T00:00:00Z
    let now = day0 + EpochSeconds(minutes) * 60 + 3600

    /// CPU seconds this process has used (all threads): unlike wall time, it does not grow when
/// other work shares the machine, nor while waiting for fsync.
func cpuSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
    func fmt(_ x: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", x) }

    struct SplitMix { var s: UInt64; mutating func next() -> UInt64 { s &+= 0x9E37_79B9_7F4A_7C15; var z = s; z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9; z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB; return z ^ (z >> 31) } }
    var mix = SplitMix(s: 42)

    let dir = baseDir + "/graphshot-store-bench-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }

    let clock = ContinuousClock()
    let dimensionSets: [[ChartCore.Dimension]] = (0..<metricCount).map { i in
        [ChartCore.Dimension(name: "Host", value: "host-\(i)"), ChartCore.Dimension(name: "Service", value: "svc-\(i % 50)")]
    }

    // MARK: 1. Ingestion
    print("== ingestion: \(metricCount) metrics × \(minutes) minutes, time-major, \(argument("--batch", default: 50_000))-datum batches")
    let store = try SQLiteMetricStore(path: dir + "/bench.sqlite")
    let batchSize = argument("--batch", default: 50_000)
    var pending: [MetricDatumInput] = []
    pending.reserveCapacity(batchSize)
    var written = 0
    var timedWritten = 0
    var timed = Duration.zero
    var validation = Duration.zero
    var cpu = 0.0
    func commit() throws {
        let input = PutMetricDataInput(namespace: "Bench", metricData: pending)
        let t0 = clock.now
        let c0 = cpuSeconds()
        let datums = try input.validated(now: now, limits: .fileImport)
        let t1 = clock.now
        try store.write(datums)
        let dt = clock.now - t0
        if written < timedPoints {
            timed += dt
            validation += t1 - t0
            cpu += cpuSeconds() - c0
            timedWritten += pending.count
        }
        written += pending.count
        pending.removeAll(keepingCapacity: true)
    }
    for minute in 0..<minutes {
        let t = day0 + EpochSeconds(minute) * 60
        for m in 0..<metricCount {
            let v = Double(mix.next() % 100_000) / 100
            pending.append(MetricDatumInput(metricName: "Latency", dimensions: dimensionSets[m], timestamp: t, value: v, unit: "Milliseconds"))
            if pending.count == batchSize { try commit() }
        }
    }
    if !pending.isEmpty { try commit() }
    print("ingested \(timedWritten) points in \(fmt(seconds(timed), 2)) s: \(Int(Double(timedWritten) / seconds(timed))) points/s (validation + durable commits, folds included; validation alone \(fmt(seconds(validation), 2)) s); CPU \(fmt(cpu, 2)) s: \(Int(Double(timedWritten) / cpu)) points per CPU-second")
    let waiting = try store.stats().recentPoints

    // PutMetricData-sized calls: 1,000 datums, one transaction and fsync each.
    do {
        let api = try SQLiteMetricStore(path: dir + "/api.sqlite")
        let calls = 200
        var total = Duration.zero
        for c in 0..<calls {
            let t = now - 3600 + EpochSeconds(c / 10) * 60
            let data = (0..<1000).map { i in
                MetricDatumInput(metricName: "Latency", dimensions: dimensionSets[(c * 1000 + i) % metricCount], timestamp: t,
                                 value: Double(mix.next() % 100_000) / 100, unit: "Milliseconds")
            }
            let t0 = clock.now
            try api.putMetricData(PutMetricDataInput(namespace: "Bench", metricData: data), now: now)
            total += clock.now - t0
        }
        print("putMetricData: \(calls) calls of 1,000 datums: \(fmt(seconds(total) / Double(calls) * 1000, 2)) ms per call, \(Int(Double(calls * 1000) / seconds(total))) points/s")
    }

    // MARK: 2. Reading one metric's day
    func readDay(_ what: String) throws {
        var readTimes: [Double] = []
        for i in 0..<1000 {
            let m = Int(mix.next() % UInt64(metricCount))
            let q = MetricStatQuery(id: "m1", metric: MetricIdentity(namespace: "Bench", name: "Latency", dimensions: dimensionSets[m]),
                                    stat: .average, period: 60)
            let request = MetricDataRequest(queries: [q], start: day0, end: day0 + EpochSeconds(minutes) * 60, now: now)
            let t0 = clock.now
            let r = try store.getMetricData(request)
            let dt = seconds(clock.now - t0)
            precondition(r[0].values.count == minutes, "expected \(minutes) values, got \(r[0].values.count)")
            if i >= 20 { readTimes.append(dt) }
        }
        readTimes.sort()
        print("read \(minutes) points (\(what)): median \(fmt(readTimes[readTimes.count / 2] * 1000, 3)) ms, p90 \(fmt(readTimes[readTimes.count * 9 / 10] * 1000, 3)) ms, mean \(fmt(readTimes.reduce(0, +) / Double(readTimes.count) * 1000, 3)) ms")
    }
    print("== read: one metric's \(minutes) one-minute Averages")
    try readDay("\(waiting) points still in the recent table")
    let f0 = clock.now
    let folded = try store.foldRecent()
    print("fold of the last \(folded) points: \(fmt(seconds(clock.now - f0) * 1000, 1)) ms")
    try readDay("all folded")
    try store.checkpoint()
    let stats = try store.stats()
    print("store: \(stats.points) points, \(stats.metrics) metrics, \(stats.bytesOnDisk) bytes on disk: \(fmt(Double(stats.bytesOnDisk) / Double(stats.points), 2)) bytes per point")

    // MARK: 3. p99 over buckets of 1,000 raw values
    print("== p99 over buckets of 1,000 raw values")
    do {
        let buckets = 1440
        let pstore = try SQLiteMetricStore(path: dir + "/p99.sqlite")
        let metric = MetricIdentity(namespace: "Bench", name: "Latency", dimensions: [ChartCore.Dimension(name: "Host", value: "raw")])
        var data: [MetricDatum] = []
        for b in 0..<buckets {
            let t = day0 + EpochSeconds(b) * 60
            var left = 1000
            while left > 0 {
                let n = min(150, left)
                left -= n
                let values = (0..<n).map { _ in Double(mix.next() % 1_000_000) / 1000 }
                data.append(MetricDatum(metric: metric, timestamp: t, payload: .values(values, counts: [Double](repeating: 1, count: n))))
            }
        }
        try pstore.write(data)
        let q = MetricStatQuery(id: "p", metric: metric, stat: .percentile(99), period: 60)
        let request = MetricDataRequest(queries: [q], start: day0, end: day0 + EpochSeconds(buckets) * 60, now: day0 + EpochSeconds(buckets) * 60 + 3600)
        var best = Double.infinity
        for _ in 0..<10 {
            let t0 = clock.now
            let r = try pstore.getMetricData(request)
            best = min(best, seconds(clock.now - t0))
            precondition(r[0].values.count == buckets)
        }
        print("store: \(buckets) buckets × 1,000 raw values, p99: \(fmt(best * 1000, 2)) ms (\(fmt(best / Double(buckets) * 1e6, 2)) µs per bucket)")

        // The selection alone.
        let samples = (0..<buckets).map { _ in (0..<1000).map { _ in Double(mix.next() % 1_000_000) / 1000 } }
        var acc = BucketAccumulator(for: .percentile(99))
        var sink = 0.0
        var bestSel = Double.infinity
        for _ in 0..<10 {
            let t0 = clock.now
            for s in samples {
                acc.reset()
                for v in s { acc.add(value: v) }
                sink += acc.value(of: .percentile(99)) ?? 0
            }
            bestSel = min(bestSel, seconds(clock.now - t0))
        }
        print("BucketAccumulator: p99 of 1,000 values: \(fmt(bestSel / Double(buckets) * 1e6, 2)) µs per bucket (checksum \(Int(sink) % 1000))")
    }

}

try runBenchmarks()
