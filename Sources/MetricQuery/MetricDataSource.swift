import ChartCore

/// One metric to fetch: the MetricStat of a GetMetricData query.
public struct MetricStatQuery: Sendable, Equatable {
    /// The widget row id (`m1`, or the row's explicit id). Sources that replay recorded
    /// GetMetricData output match on it.
    public var id: String
    public var metric: MetricIdentity
    public var stat: Statistic
    /// Bucket length in seconds.
    public var period: Int
    /// Only data published with this unit, when set (no conversion).
    public var unit: String?

    public init(id: String, metric: MetricIdentity, stat: Statistic, period: Int, unit: String? = nil) {
        self.id = id; self.metric = metric; self.stat = stat; self.period = period; self.unit = unit
    }
}

/// All the metrics one render needs, fetched in one batch like GetMetricData.
public struct MetricDataRequest: Sendable, Equatable {
    public var queries: [MetricStatQuery]
    /// Inclusive start of the requested range, as resolved from the widget (not yet aligned).
    /// Each query's buckets are `BucketAlignment.grid(start:end:period:now:)`: they start at
    /// `alignedStart(start:period:now:)` and step by the period while `< end` (spec §5.1),
    /// except that a period equal to `end − start` (`setPeriodToTimeRange`) is the single,
    /// unaligned bucket `[start, end)`.
    public var start: EpochSeconds
    /// Exclusive end.
    public var end: EpochSeconds
    /// The instant the request is made ("now", injected; never read from the clock here).
    public var now: EpochSeconds
    /// The most buckets any one query may return (GetMetricData's 100,800 budget); more
    /// means the newest `maxDatapoints` are returned with status `PartialData`.
    public var maxDatapoints: Int

    public init(
        queries: [MetricStatQuery], start: EpochSeconds, end: EpochSeconds, now: EpochSeconds, maxDatapoints: Int = 100_800
    ) {
        self.queries = queries; self.start = start; self.end = end; self.now = now; self.maxDatapoints = maxDatapoints
    }
}

/// The answer for one query: the buckets that have data, oldest first.
public struct MetricDataResult: Sendable, Equatable {
    public var id: String
    /// A label the source knows for the series (recorded output carries one), else nil.
    public var label: String?
    /// Bucket start times, ascending, only buckets with data.
    public var timestamps: [EpochSeconds]
    /// One value per timestamp.
    public var values: [Double]
    public var status: DataStatus
    /// Why the status is not `Complete` (or other notes), human-readable.
    public var messages: [String]
    /// The unit the data was published with, when every datapoint agrees; else nil.
    public var unit: String?

    public init(
        id: String, label: String? = nil, timestamps: [EpochSeconds] = [], values: [Double] = [],
        status: DataStatus = .complete, messages: [String] = [], unit: String? = nil
    ) {
        self.id = id; self.label = label; self.timestamps = timestamps; self.values = values
        self.status = status; self.messages = messages; self.unit = unit
    }
}

/// Where metric data comes from. Graphshot calls `getMetricData` once per render with
/// every metric the widget needs (a batched fetch, like GetMetricData).
///
/// A source must return one result per query, in any order, matched by `id`. It reports
/// trouble per query through `status` (`Forbidden`, `InternalError`, `PartialData`) and
/// throws only when it cannot answer at all.
///
/// A source also exposes its metric catalogue (`listMetrics`), which SEARCH, Metrics
/// Insights and `ListMetrics` query. Sources that only replay recorded results, without
/// metric identities, keep the default: an empty catalogue.
public protocol MetricDataSource: Sendable {
    func getMetricData(_ request: MetricDataRequest) throws -> [MetricDataResult]

    /// The metrics matching `query`, in `MetricIdentity.catalogueOrder`.
    func listMetrics(_ query: MetricListQuery) throws -> [MetricIdentity]
}

extension MetricDataSource {
    /// No catalogue: a source that cannot name its metrics finds nothing.
    public func listMetrics(_ query: MetricListQuery) throws -> [MetricIdentity] { [] }
}

extension MetricDataRequest {
    /// Where every store starts answering `query`: the query's bucket grid (the newest
    /// `maxDatapoints` buckets) and an empty result, already `PartialData` with the reason when
    /// the grid was cut. A non-positive period has no grid; its result is an `InternalError`.
    public func begin(_ query: MetricStatQuery) -> (grid: BucketGrid?, result: MetricDataResult) {
        guard query.period > 0 else {
            return (nil, MetricDataResult(id: query.id, status: .internalError, messages: ["invalid period \(query.period)"]))
        }
        let full = BucketAlignment.grid(start: start, end: end, period: query.period, now: now)
        let grid = full.keepingNewest(maxDatapoints)
        var result = MetricDataResult(id: query.id)
        if grid.count < full.count {
            result.status = .partialData
            result.messages = [InMemoryMetricStore.truncationMessage(total: full.count, kept: grid.count)]
        }
        return (grid, result)
    }
}
