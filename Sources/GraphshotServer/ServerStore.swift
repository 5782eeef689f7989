import CloudWatchWire
import Graphshot
import Synchronization

/// What `graphshot serve` needs from storage: metrics (write, read, list) and dashboards.
///
/// SEAM (store): `InMemoryServerStore` implements this until the SQLite store (`MetricStore`
/// target) is merged; an adapter over it replaces `InMemoryServerStore` in
/// `GraphshotServer.makeStore(path:)`. Errors are CloudWatch errors, written as each
/// protocol expects.
public protocol ServerStore: Sendable {
    /// Validates and stores a PutMetricData request (received at `now`).
    func putMetricData(_ input: PutMetricDataInput, now: EpochSeconds) throws(CloudWatchAPIError)

    /// A consistent read view for one request: renders, GetMetricData, GetMetricStatistics
    /// and ListMetrics read from it (its `listMetrics` is the whole catalogue, unpaged).
    func reader() -> any MetricDataSource

    /// A number that changes whenever the stored metrics change (the render cache's key).
    var generation: UInt64 { get }

    /// Creates or replaces a dashboard (the body already validated).
    func putDashboard(name: String, body: String, now: EpochSeconds) throws(CloudWatchAPIError)

    /// The dashboard called `name`, or nil.
    func getDashboard(name: String) throws(CloudWatchAPIError) -> DashboardRecord?

    /// Dashboards whose names start with `prefix` (all when nil), sorted by name.
    func listDashboards(prefix: String?) throws(CloudWatchAPIError) -> [DashboardRecord]

    /// Deletes the dashboards that exist; returns the names that did not.
    func deleteDashboards(names: [String]) throws(CloudWatchAPIError) -> [String]
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

    public func putMetricData(_ input: PutMetricDataInput, now: EpochSeconds) throws(CloudWatchAPIError) {
        let data = try Seams.validatePutMetricData(input, now: now)
        state.withLock { s in
            s.metrics.add(contentsOf: data)
            s.generation &+= 1
        }
    }

    public var generation: UInt64 { state.withLock { $0.generation } }

    public func reader() -> any MetricDataSource { state.withLock { $0.metrics } }

    public func putDashboard(name: String, body: String, now: EpochSeconds) throws(CloudWatchAPIError) {
        state.withLock { $0.dashboards[name] = DashboardRecord(name: name, body: body, lastModified: now) }
    }

    public func getDashboard(name: String) throws(CloudWatchAPIError) -> DashboardRecord? {
        state.withLock { $0.dashboards[name] }
    }

    public func listDashboards(prefix: String?) throws(CloudWatchAPIError) -> [DashboardRecord] {
        state.withLock { s in
            s.dashboards.values.filter { d in prefix.map { d.name.hasPrefix($0) } ?? true }
                .sorted { $0.name.unicodeScalars.lexicographicallyPrecedes($1.name.unicodeScalars) }
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
