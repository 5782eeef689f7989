import ChartCore

/// Replays recorded `aws cloudwatch get-metric-data` output: each query is answered by the
/// recorded result with the same `Id`.
///
/// - Only recorded points with `alignedStart ≤ timestamp < end` are returned, where the
///   aligned start is the query's bucket grid start (`BucketAlignment.grid`). Timestamps are
///   returned as recorded (ascending); the planner snaps them to its buckets.
/// - Label, status and messages come from the recording. When the grid has more than
///   `maxDatapoints` buckets, only points in the newest `maxDatapoints` buckets are returned
///   and a `Complete` status becomes `PartialData`.
/// - A query whose id was not recorded gets an empty `Complete` result with a message
///   saying so (`MetricDataFileSource` sends such queries to its store instead).
/// - The recording's statistic, period and unit are not checked against the query: the
///   recording is trusted. `unit` is nil (get-metric-data output does not carry one).
public struct RecordedMetricDataSource: MetricDataSource, Sendable {
    /// One recorded `MetricDataResults` entry.
    public struct Series: Sendable, Equatable {
        public var id: String
        public var label: String?
        /// Ascending (recordings are usually newest first; they are re-ordered on load).
        public var timestamps: [EpochSeconds]
        public var values: [Double]
        public var status: DataStatus
        public var messages: [String]

        /// Sorts the points by timestamp (stable, so equal timestamps keep their order).
        public init(
            id: String, label: String? = nil, timestamps: [EpochSeconds], values: [Double],
            status: DataStatus = .complete, messages: [String] = []
        ) {
            let n = min(timestamps.count, values.count)
            let order = (0..<n).sorted { (timestamps[$0], $0) < (timestamps[$1], $1) }
            self.id = id; self.label = label
            self.timestamps = order.map { timestamps[$0] }
            self.values = order.map { values[$0] }
            self.status = status; self.messages = messages
        }
    }

    /// Recorded results by id.
    public private(set) var series: [String: Series] = [:]
    /// The recording's top-level `Messages` (about the original call as a whole).
    public var messages: [String] = []

    public init(_ series: [Series] = [], messages: [String] = []) {
        for s in series { self.series[s.id] = s }
        self.messages = messages
    }

    /// Adds (or replaces) the recording for `series.id`.
    public mutating func add(_ series: Series) { self.series[series.id] = series }

    /// True when a recording exists for `id`.
    public func contains(id: String) -> Bool { series[id] != nil }

    public func getMetricData(_ request: MetricDataRequest) throws -> [MetricDataResult] {
        request.queries.map { answer($0, request) }
    }

    /// The answer to one query of `request`.
    public func answer(_ query: MetricStatQuery, _ request: MetricDataRequest) -> MetricDataResult {
        guard let rec = series[query.id] else {
            return MetricDataResult(id: query.id, messages: ["no recorded result with Id \"\(query.id)\""])
        }
        var result = MetricDataResult(id: query.id, label: rec.label, status: rec.status, messages: rec.messages)
        guard query.period > 0 else { return result }
        let full = BucketAlignment.grid(start: request.start, end: request.end, period: query.period, now: request.now)
        let grid = full.keepingNewest(request.maxDatapoints)
        if grid.count < full.count {
            if result.status == .complete { result.status = .partialData }
            result.messages.append(InMemoryMetricStore.truncationMessage(total: full.count, kept: grid.count))
        }
        guard grid.count > 0 else { return result }
        let from = grid.start, to = request.end
        // Binary search for the first point ≥ from, then scan while < to.
        var lo = 0, hi = rec.timestamps.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if rec.timestamps[mid] < from { lo = mid + 1 } else { hi = mid }
        }
        var i = lo
        while i < rec.timestamps.count, rec.timestamps[i] < to {
            result.timestamps.append(rec.timestamps[i])
            result.values.append(rec.values[i])
            i += 1
        }
        return result
    }
}
