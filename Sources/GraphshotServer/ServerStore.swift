import CloudWatchWire
import Graphshot
import MetricStore
import Synchronization

/// What `graphshot serve` needs from storage: metrics (write, read, list, statistics) and
/// dashboards. `SQLiteServerStore` (`--store PATH`) and `InMemoryServerStore` (no path)
/// implement it. Errors are CloudWatch errors, written as each protocol expects.
public protocol ServerStore: Sendable {
    /// Validates (`PutMetricDataInput.validated(now:)`) and stores a PutMetricData request.
    func putMetricData(_ input: PutMetricDataInput, now: EpochSeconds) throws(CloudWatchAPIError)

    /// A number that changes whenever the stored metrics change (the render cache's key).
    var generation: UInt64 { get }

    /// The source renders and GetMetricData read from (its `listMetrics` is the whole
    /// catalogue, for SEARCH and Metrics Insights).
    func reader() -> any MetricDataSource

    /// GetMetricStatistics, validated.
    func getMetricStatistics(_ input: GetMetricStatisticsInput, now: EpochSeconds) throws(CloudWatchAPIError) -> GetMetricStatisticsOutput

    /// One page of ListMetrics, validated.
    func listMetrics(_ input: ListMetricsInput, now: EpochSeconds) throws(CloudWatchAPIError) -> ListMetricsOutput

    /// Creates or replaces a dashboard (the body already validated).
    func putDashboard(name: String, body: String, now: EpochSeconds) throws(CloudWatchAPIError)

    /// The dashboard called `name`, or nil.
    func getDashboard(name: String) throws(CloudWatchAPIError) -> DashboardRecord?

    /// Dashboards whose names start with `prefix` (all when nil), sorted by name.
    func listDashboards(prefix: String?) throws(CloudWatchAPIError) -> [DashboardSummary]

    /// Deletes the dashboards that exist; returns the names that did not.
    func deleteDashboards(names: [String]) throws(CloudWatchAPIError) -> [String]

    /// True when the data outlives the process.
    var isPersistent: Bool { get }

    /// Upkeep the server runs on a schedule (`--compact-every`): for the SQLite store, fold
    /// pending writes and apply the retention tiers (`SQLiteMetricStore.compact`). Returns a
    /// one-line summary, or nil when the store needs no upkeep.
    func maintain(now: EpochSeconds) throws(CloudWatchAPIError) -> String?
}

extension ServerStore {
    public func maintain(now: EpochSeconds) throws(CloudWatchAPIError) -> String? { nil }
}

/// `--store PATH`: the SQLite metric store (MetricStore target), with dashboards in the same file.
public final class SQLiteServerStore: ServerStore {
    public let store: SQLiteMetricStore
    /// Counts this process's writes (the only writer while the server runs).
    private let writes = Atomic<UInt64>(0)

    public init(path: String) throws(MetricStoreError) { store = try SQLiteMetricStore(path: path) }

    public init(store: SQLiteMetricStore) { self.store = store }

    public var isPersistent: Bool { true }

    static func failed(_ e: MetricStoreError) -> CloudWatchAPIError {
        CloudWatchAPIError(.internalServiceError, "the metric store failed: \(e.message)")
    }

    public func putMetricData(_ input: PutMetricDataInput, now: EpochSeconds) throws(CloudWatchAPIError) {
        defer { writes.wrappingAdd(1, ordering: .releasing) }
        try store.putMetricData(input, now: now)
    }

    public var generation: UInt64 { writes.load(ordering: .acquiring) }

    public func reader() -> any MetricDataSource { store }

    /// Compaction: folds pending writes and applies the retention tiers without blocking
    /// readers. Counts as a write when it changed stored points (renders may differ after it).
    public func maintain(now: EpochSeconds) throws(CloudWatchAPIError) -> String? {
        let report: SQLiteMetricStore.CompactionReport
        do { report = try store.compact(now: now) } catch { throw Self.failed(error) }
        if report.blocksAggregated + report.blocksExpired > 0 { writes.wrappingAdd(1, ordering: .releasing) }
        return "compaction: \(report.pointsFolded) points folded, \(report.blocksAggregated) blocks aggregated "
            + "(\(report.pointsIn) → \(report.pointsOut) points), \(report.blocksExpired) blocks expired (\(report.pointsExpired) points)"
    }

    public func getMetricStatistics(_ input: GetMetricStatisticsInput, now: EpochSeconds) throws(CloudWatchAPIError) -> GetMetricStatisticsOutput {
        try store.getMetricStatistics(input, now: now)
    }

    public func listMetrics(_ input: ListMetricsInput, now: EpochSeconds) throws(CloudWatchAPIError) -> ListMetricsOutput {
        try store.listMetricsPage(input, now: now)
    }

    public func putDashboard(name: String, body: String, now: EpochSeconds) throws(CloudWatchAPIError) {
        do { try store.putDashboard(name: name, body: body, now: now) } catch { throw Self.failed(error) }
    }

    public func getDashboard(name: String) throws(CloudWatchAPIError) -> DashboardRecord? {
        do {
            return try store.getDashboard(name: name).map { DashboardRecord(name: $0.name, body: $0.body, lastModified: $0.lastModified) }
        } catch { throw Self.failed(error) }
    }

    public func listDashboards(prefix: String?) throws(CloudWatchAPIError) -> [DashboardSummary] {
        do {
            return try store.listDashboards(prefix: prefix).map { DashboardSummary(name: $0.name, size: $0.size, lastModified: $0.lastModified) }
        } catch { throw Self.failed(error) }
    }

    public func deleteDashboards(names: [String]) throws(CloudWatchAPIError) -> [String] {
        do { return try store.deleteDashboards(names: names) } catch { throw Self.failed(error) }
    }
}

/// Metrics in an `InMemoryMetricStore` behind a lock (readers take a copy-on-write snapshot,
/// so renders never hold the lock), dashboards in a dictionary. Nothing survives a restart.
public final class InMemoryServerStore: ServerStore {
    private struct State {
        var metrics = InMemoryMetricStore()
        var dashboards: [String: DashboardRecord] = [:]
        var generation: UInt64 = 0
    }

    private let state = Mutex(State())

    public init() {}

    public var isPersistent: Bool { false }

    public func putMetricData(_ input: PutMetricDataInput, now: EpochSeconds) throws(CloudWatchAPIError) {
        let data = try input.validated(now: now)
        state.withLock { s in
            s.metrics.add(contentsOf: data)
            s.generation &+= 1
        }
    }

    public var generation: UInt64 { state.withLock { $0.generation } }

    public func reader() -> any MetricDataSource { state.withLock { $0.metrics } }

    /// GetMetricStatistics over the snapshot: one GetMetricData-style query per statistic,
    /// merged by bucket (oldest first).
    public func getMetricStatistics(_ input: GetMetricStatisticsInput, now: EpochSeconds) throws(CloudWatchAPIError) -> GetMetricStatisticsOutput {
        let request = try input.validated(now: now)
        let stats = request.allStatistics
        let queries = stats.enumerated().map { k, stat in
            MetricStatQuery(id: "s\(k)", metric: request.metric, stat: stat, period: request.period, unit: request.unit)
        }
        let results: [MetricDataResult]
        do {
            results = try reader().getMetricData(MetricDataRequest(queries: queries, start: request.start, end: request.end, now: now))
        } catch {
            throw CloudWatchAPIError(.internalServiceError, "the metric store could not answer: \(error)")
        }
        var rows: [EpochSeconds: StatisticsDatapoint] = [:]
        for r in results {
            guard let k = Int(r.id.dropFirst()), k < stats.count else { continue }
            for (t, v) in zip(r.timestamps, r.values) {
                var d = rows[t] ?? StatisticsDatapoint(timestamp: t, unit: r.unit ?? "None")
                if k >= request.statistics.count {
                    d.extendedStatistics[request.extendedStatistics[k - request.statistics.count].text] = v
                } else {
                    switch stats[k] {
                    case .sampleCount: d.sampleCount = v
                    case .average: d.average = v
                    case .sum: d.sum = v
                    case .minimum: d.minimum = v
                    case .maximum: d.maximum = v
                    default: break
                    }
                }
                rows[t] = d
            }
        }
        return GetMetricStatisticsOutput(label: request.metric.name, datapoints: rows.keys.sorted().compactMap { rows[$0] })
    }

    /// ListMetrics over the catalogue, 500 per page (tokens are offsets into it).
    public func listMetrics(_ input: ListMetricsInput, now: EpochSeconds) throws(CloudWatchAPIError) -> ListMetricsOutput {
        let query = try ListMetricsRules.query(for: input, now: now)
        let all: [MetricIdentity]
        do { all = try reader().listMetrics(query) } catch {
            throw CloudWatchAPIError(.internalServiceError, "the metric store could not list metrics: \(error)")
        }
        var start = 0
        if let token = input.nextToken {
            guard let offset = PageToken.offset(token), offset <= all.count else {
                throw CloudWatchAPIError(.invalidParameterValue, "NextToken: the token is invalid")
            }
            start = offset
        }
        let end = min(all.count, start + ListMetricsRules.pageSize)
        return ListMetricsOutput(metrics: Array(all[start..<end]), nextToken: end < all.count ? PageToken.make(offset: end) : nil)
    }

    public func putDashboard(name: String, body: String, now: EpochSeconds) throws(CloudWatchAPIError) {
        state.withLock { $0.dashboards[name] = DashboardRecord(name: name, body: body, lastModified: now) }
    }

    public func getDashboard(name: String) throws(CloudWatchAPIError) -> DashboardRecord? {
        state.withLock { $0.dashboards[name] }
    }

    public func listDashboards(prefix: String?) throws(CloudWatchAPIError) -> [DashboardSummary] {
        state.withLock { s in
            s.dashboards.values.filter { d in prefix.map { d.name.hasPrefix($0) } ?? true }
                .sorted { $0.name.unicodeScalars.lexicographicallyPrecedes($1.name.unicodeScalars) }
                .map { DashboardSummary(name: $0.name, size: $0.body.utf8.count, lastModified: $0.lastModified) }
        }
    }

    public func deleteDashboards(names: [String]) throws(CloudWatchAPIError) -> [String] {
        state.withLock { s in
            var missing: [String] = []
            for n in names where s.dashboards.removeValue(forKey: n) == nil { missing.append(n) }
            return missing
        }
    }
}
