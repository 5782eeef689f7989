import ChartCore

// Executing a Metrics Insights query over data the caller fetched: matching the catalogue, then
// aggregating per-bucket raw aggregates into the output series (metric-math.md §11).

/// The metrics a query aggregates.
public struct InsightsMatch: Sendable, Equatable {
    /// Matching metrics in catalogue order, at most `InsightsQuery.maxMetricsScanned`.
    public var metrics: [MetricIdentity]
    /// How many distinct catalogue metrics matched before the cap.
    public var matchedCount: Int

    public init(metrics: [MetricIdentity], matchedCount: Int) { self.metrics = metrics; self.matchedCount = matchedCount }

    /// True when more than 10 000 metrics matched and only the first 10 000 (catalogue order) are
    /// aggregated; the caller marks the row `PartialData`.
    public var isCapped: Bool { matchedCount > metrics.count }
}

/// What a query pins, for narrowing the catalogue look-up (map onto `MetricListQuery`).
public struct InsightsPrefilter: Sendable, Equatable {
    public var namespace: String
    public var metricName: String
    /// SCHEMA dimensions (any value) and WHERE `=` conditions (with their value).
    public var dimensions: [SearchDimensionFilter]

    public init(namespace: String, metricName: String, dimensions: [SearchDimensionFilter]) {
        self.namespace = namespace; self.metricName = metricName; self.dimensions = dimensions
    }
}

/// Per-bucket raw aggregates of one matched metric on the shared bucket grid.
///
/// Column `i` belongs to the grid's `timestamps[i]`. A bucket without samples has
/// `sampleCount[i] == 0` (or NaN); its other columns are then ignored. A bucket whose
/// columns are missing (shorter arrays) or not finite counts as having no samples.
public struct InsightsMetricBuckets: Sendable, Equatable {
    public var metric: MetricIdentity
    public var sum: [Double]
    public var sampleCount: [Double]
    public var minimum: [Double]
    public var maximum: [Double]

    public init(metric: MetricIdentity, sum: [Double], sampleCount: [Double], minimum: [Double], maximum: [Double]) {
        self.metric = metric; self.sum = sum; self.sampleCount = sampleCount
        self.minimum = minimum; self.maximum = maximum
    }
}

/// One output series of a query.
public struct InsightsSeries: Sendable, Equatable {
    /// The GROUP BY values in GROUP BY order (`Other` for a metric without that dimension);
    /// empty for an ungrouped query.
    public var groupValues: [String]
    /// The group values joined by single spaces; empty for an ungrouped query, whose label
    /// is the caller's (the row label, else the query text).
    public var label: String
    /// One value per grid bucket; `Double.nan` = no data.
    public var values: [Double]

    public init(groupValues: [String], label: String, values: [Double]) {
        self.groupValues = groupValues; self.label = label; self.values = values
    }
}

/// The output of `InsightsQuery.aggregate`.
public struct InsightsResult: Sendable, Equatable {
    /// The shared bucket grid (as passed in).
    public var timestamps: [EpochSeconds]
    /// One series when ungrouped; otherwise one per group, ordered and limited.
    public var series: [InsightsSeries]
    /// How many groups existed before LIMIT and the 500-series cap.
    public var groupCount: Int
    /// True when the query had no LIMIT and more than 500 groups, so some were dropped.
    public var isTruncated: Bool

    public init(timestamps: [EpochSeconds], series: [InsightsSeries], groupCount: Int, isTruncated: Bool) {
        self.timestamps = timestamps; self.series = series; self.groupCount = groupCount; self.isTruncated = isTruncated
    }
}

extension InsightsQuery {
    /// What the query pins (namespace, metric name, SCHEMA dimensions, WHERE equalities).
    public var prefilter: InsightsPrefilter {
        var dims: [SearchDimensionFilter] = []
        if case .schema(_, let names) = source { dims = names.map { SearchDimensionFilter(name: $0) } }
        for c in conditions where c.op == .equal {
            dims.append(SearchDimensionFilter(name: c.dimension, value: c.value))
        }
        return InsightsPrefilter(namespace: namespace, metricName: metricName, dimensions: dims)
    }

    /// Whether `metric` is one the query aggregates: same namespace and metric name, the exact
    /// dimension set for SCHEMA, and every WHERE condition. `dim != 'v'` holds for a metric
    /// that lacks `dim` (its value is not `v`) — our reading; AWS does not say.
    public func matches(_ metric: MetricIdentity) -> Bool {
        guard metric.namespace == namespace, metric.name == metricName else { return false }
        if case .schema(_, let names) = source {
            guard metric.dimensions.count == names.count,
                  names.allSatisfy({ n in metric.dimensions.contains { $0.name == n } }) else { return false }
        }
        for c in conditions {
            let v = metric.dimensionValue(c.dimension)
            switch c.op {
            case .equal: if v != c.value { return false }
            case .notEqual: if v == c.value { return false }
            }
        }
        return true
    }

    /// The catalogue metrics the query aggregates, in catalogue order, duplicates once, at most
    /// `maxMetricsScanned` (see `InsightsMatch.isCapped`). The 3-hour "recently active" rule is
    /// the caller's: pass a catalogue already limited to metrics with data in the last 3 hours.
    public func matchingMetrics(in catalogue: [MetricIdentity]) -> InsightsMatch {
        var seen = Set<MetricIdentity>()
        var kept: [MetricIdentity] = []
        var count = 0
        for m in catalogue where matches(m) && seen.insert(m).inserted {
            count += 1
            if kept.count < InsightsQuery.maxMetricsScanned { kept.append(m) }
        }
        return InsightsMatch(metrics: kept, matchedCount: count)
    }

    /// Aggregates the matched metrics' buckets into the query's output.
    ///
    /// Per bucket and group, over every metric of the group that has samples there:
    /// SUM = Σ sum, COUNT = Σ sample count, AVG = Σ sum / Σ sample count (the mean of all raw
    /// observations, not a mean of means), MIN = min of minimums, MAX = max of maximums.
    /// A bucket with no samples has no value. Buckets starting before `now − 3 h` have no value
    /// (the lookback limit; this does not make the series partial).
    ///
    /// Grouping: one series per distinct combination of GROUP BY values (`Other` where a metric
    /// lacks the dimension), labelled with the values joined by single spaces. Order: by group
    /// values (code point, value by value) unless ORDER BY is given; ORDER BY FUNC() ranks each
    /// output series by FUNC over its own data points in the whole range (AVG = mean of the
    /// points, COUNT = number of points, SUM, MIN, MAX), ASC by default, equal keys by group
    /// values; series without points come last either way. Then LIMIT, and never more than 500.
    /// An ungrouped query always yields exactly one series, possibly without any value.
    public func aggregate(timestamps: [EpochSeconds], metrics: [InsightsMetricBuckets], now: EpochSeconds) -> InsightsResult {
        let n = timestamps.count
        let oldest = now - InsightsQuery.lookbackSeconds
        let live = timestamps.map { $0 >= oldest }

        var groupIndex: [[String]: Int] = [:]
        var keys: [[String]] = []
        var accumulators: [InsightsAccumulator] = []
        if groupBy.isEmpty {
            groupIndex[[]] = 0
            keys.append([])
            accumulators.append(InsightsAccumulator(count: n))
        }
        for m in metrics {
            let key = groupBy.map { m.metric.dimensionValue($0) ?? "Other" }
            let g: Int
            if let existing = groupIndex[key] {
                g = existing
            } else {
                g = keys.count
                groupIndex[key] = g
                keys.append(key)
                accumulators.append(InsightsAccumulator(count: n))
            }
            accumulators[g].add(m, live: live)
        }

        var series = zip(keys, accumulators).map { key, acc in
            InsightsSeries(groupValues: key, label: key.joined(separator: " "), values: acc.values(function))
        }
        let groupCount = series.count
        if let orderBy {
            let ranked = series.map { (series: $0, key: InsightsQuery.rank($0.values, by: orderBy.function)) }
            series = ranked.sorted { a, b in
                switch (a.key, b.key) {
                case let (x?, y?) where x != y: return orderBy.descending ? x > y : x < y
                case (nil, _?): return false
                case (_?, nil): return true
                default: return InsightsQuery.groupPrecedes(a.series.groupValues, b.series.groupValues)
                }
            }.map(\.series)
        } else {
            series.sort { InsightsQuery.groupPrecedes($0.groupValues, $1.groupValues) }
        }
        let cap = min(limit ?? InsightsQuery.maxSeries, InsightsQuery.maxSeries)
        let truncated = limit == nil && groupCount > InsightsQuery.maxSeries
        return InsightsResult(timestamps: timestamps, series: Array(series.prefix(cap)), groupCount: groupCount, isTruncated: truncated)
    }

    /// FUNC over a series' data points (nil when there are none, except COUNT = 0).
    static func rank(_ values: [Double], by function: Function) -> Double? {
        var count = 0.0, sum = 0.0, lo = Double.infinity, hi = -Double.infinity
        for v in values where !v.isNaN {
            count += 1; sum += v; lo = Swift.min(lo, v); hi = Swift.max(hi, v)
        }
        if function == .count { return count }
        guard count > 0 else { return nil }
        switch function {
        case .avg: return sum / count
        case .sum: return sum
        case .min: return lo
        case .max: return hi
        case .count: return count
        }
    }

    static func groupPrecedes(_ a: [String], _ b: [String]) -> Bool {
        a.lexicographicallyPrecedes(b) { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
    }
}

/// Running per-bucket totals of one group.
struct InsightsAccumulator {
    var sum: [Double]
    var count: [Double]
    var minimum: [Double]
    var maximum: [Double]

    init(count n: Int) {
        sum = Array(repeating: 0, count: n)
        count = Array(repeating: 0, count: n)
        minimum = Array(repeating: .infinity, count: n)
        maximum = Array(repeating: -.infinity, count: n)
    }

    mutating func add(_ m: InsightsMetricBuckets, live: [Bool]) {
        let n = Swift.min(sum.count, m.sum.count, m.sampleCount.count, m.minimum.count, m.maximum.count)
        for i in 0..<n where live[i] {
            let c = m.sampleCount[i], s = m.sum[i], lo = m.minimum[i], hi = m.maximum[i]
            guard c > 0, c.isFinite, s.isFinite, lo.isFinite, hi.isFinite else { continue }
            sum[i] += s
            count[i] += c
            if lo < minimum[i] { minimum[i] = lo }
            if hi > maximum[i] { maximum[i] = hi }
        }
    }

    func values(_ f: InsightsQuery.Function) -> [Double] {
        (0..<sum.count).map { i in
            guard count[i] > 0 else { return .nan }
            let v: Double
            switch f {
            case .sum: v = sum[i]
            case .count: v = count[i]
            case .avg: v = sum[i] / count[i]
            case .min: v = minimum[i]
            case .max: v = maximum[i]
            }
            return v.isFinite ? v : .nan  // an overflowing total is dropped, never drawn as infinity
        }
    }
}
