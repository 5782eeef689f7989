import ChartCore

/// One published datapoint, as one `MetricDatum` of PutMetricData carries it.
public struct MetricDatum: Sendable, Equatable {
    /// What was published: one value, a value distribution, or a statistic set.
    public enum Payload: Sendable, Equatable {
        /// `Value`: one sample.
        case value(Double)
        /// `Values` + `Counts`: `counts[i]` samples of `values[i]` (same lengths).
        case values([Double], counts: [Double])
        /// `StatisticValues`: pre-aggregated samples.
        case statisticValues(StatisticValues)
    }

    public var metric: MetricIdentity
    public var timestamp: EpochSeconds
    public var payload: Payload
    /// The `StandardUnit` it was published with; CloudWatch stores an absent unit as `None`.
    public var unit: String
    /// 1 (high resolution: usable by sub-minute periods) or 60 (the default).
    public var storageResolution: Int

    public init(
        metric: MetricIdentity, timestamp: EpochSeconds, payload: Payload, unit: String = "None",
        storageResolution: Int = 60
    ) {
        self.metric = metric; self.timestamp = timestamp; self.payload = payload
        self.unit = unit; self.storageResolution = storageResolution
    }

    /// A datum holding one value.
    public init(metric: MetricIdentity, timestamp: EpochSeconds, value: Double, unit: String = "None", storageResolution: Int = 60) {
        self.init(metric: metric, timestamp: timestamp, payload: .value(value), unit: unit, storageResolution: storageResolution)
    }
}

/// An in-memory metric database answering GetMetricData-style queries.
///
/// Matching: a query matches the stored metric with exactly its namespace, name and
/// dimension *set* (spec §3.1). Answers follow GetMetricData:
/// - buckets per `BucketAlignment.grid(start:end:period:now:)`; only datapoints with
///   `alignedStart ≤ timestamp < end` are used (end exclusive);
/// - one value per bucket that has data, ascending; the statistic per `BucketAccumulator`;
/// - `unit` is set when every datapoint used agrees on one unit;
/// - a query `unit` keeps only datapoints published with exactly that unit (no conversion);
/// - periods under 60 s only use datapoints stored with `StorageResolution` 1 [DOC: sub-minute
///   periods need high-resolution data]; data stays at full resolution forever (the
///   retention coarsening of GetMetricData is not simulated, so old files stay drawable);
/// - more than `maxDatapoints` buckets in the grid → only the newest `maxDatapoints`
///   buckets, status `PartialData` with a message.
///
/// Storage: per metric, one column of timestamps (sorted, binary-searched for the range)
/// and a parallel column of fixed-size point summaries; value distributions live in two
/// flat columns referenced by offset. A query allocates its result arrays and one reused
/// sample buffer, nothing per point. A value type: copies share storage until mutated.
public struct InMemoryMetricStore: MetricDataSource, Sendable {
    /// A fixed-size summary of one datapoint.
    struct Point: Sendable {
        var count: Double
        var sum: Double
        var minimum: Double
        var maximum: Double
        /// Offset into `rawValues`/`rawCounts`, for a `Values`/`Counts` datum.
        var rawStart: Int
        /// Number of raw entries; 0 means "a statistic set" (`count, sum, minimum, maximum`,
        /// which covers single values too).
        var rawCount: Int32
        /// Index into `units`.
        var unit: UInt16
        var highResolution: Bool
    }

    /// Everything stored for one metric.
    struct Columns: Sendable {
        var timestamps: [EpochSeconds] = []
        var points: [Point] = []
        var rawValues: [Double] = []
        var rawCounts: [Double] = []
        var units: [String] = []
        var sorted = true

        mutating func unitIndex(_ unit: String) -> UInt16 {
            if let i = units.firstIndex(of: unit) { return UInt16(i) }
            // More than 65,535 distinct units cannot come from StandardUnit; fold them into the last slot.
            guard units.count < Int(UInt16.max) else { return UInt16.max - 1 }
            units.append(unit)
            return UInt16(units.count - 1)
        }

        mutating func append(_ d: MetricDatum) {
            var p = Point(
                count: 0, sum: 0, minimum: 0, maximum: 0, rawStart: 0, rawCount: 0,
                unit: unitIndex(d.unit), highResolution: d.storageResolution == 1
            )
            switch d.payload {
            case .value(let v):
                p.count = 1; p.sum = v; p.minimum = v; p.maximum = v
            case .statisticValues(let s):
                p.count = s.sampleCount; p.sum = s.sum; p.minimum = s.minimum; p.maximum = s.maximum
            case .values(let values, let counts):
                p.rawStart = rawValues.count
                var n = 0
                var mn = Double.infinity, mx = -Double.infinity
                for (i, v) in values.enumerated() {
                    let c = i < counts.count ? counts[i] : 1
                    guard c > 0 else { continue }
                    rawValues.append(v); rawCounts.append(c)
                    p.count += c; p.sum += v * c
                    mn = Swift.min(mn, v); mx = Swift.max(mx, v)
                    n += 1
                }
                p.minimum = mn; p.maximum = mx
                p.rawCount = Int32(clamping: n)
                if n == 0 { p.count = 0 }
            }
            if let last = timestamps.last, d.timestamp < last { sorted = false }
            timestamps.append(d.timestamp)
            points.append(p)
        }

        /// Sorts by timestamp (stable), once after a batch of appends.
        mutating func sortIfNeeded() {
            guard !sorted else { return }
            let order = timestamps.indices.sorted { (timestamps[$0], $0) < (timestamps[$1], $1) }
            timestamps = order.map { timestamps[$0] }
            points = order.map { points[$0] }
            sorted = true
        }

        /// First index with `timestamps[i] >= t`.
        func lowerBound(_ t: EpochSeconds) -> Int {
            var lo = 0, hi = timestamps.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if timestamps[mid] < t { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }
    }

    private var metrics: [MetricIdentity: Columns] = [:]

    public init() {}

    /// A store holding `data`.
    public init(_ data: [MetricDatum]) { add(contentsOf: data) }

    /// Stores one datapoint.
    public mutating func add(_ datum: MetricDatum) { add(contentsOf: [datum]) }

    /// Stores datapoints in any order; each touched metric is re-sorted once.
    public mutating func add(contentsOf data: some Sequence<MetricDatum>) {
        var touched: Set<MetricIdentity> = []
        for d in data {
            metrics[d.metric, default: Columns()].append(d)
            touched.insert(d.metric)
        }
        for m in touched { metrics[m]?.sortIfNeeded() }
    }

    /// Every stored metric.
    public var storedMetrics: [MetricIdentity] { Array(metrics.keys) }

    /// The stored metrics matching `query`, in catalogue order. `activeSince` looks at the
    /// newest stored timestamp of each metric.
    public func listMetrics(_ query: MetricListQuery) throws -> [MetricIdentity] {
        metrics.compactMap { metric, columns -> MetricIdentity? in
            guard query.matchesIdentity(metric) else { return nil }
            if let since = query.activeSince {
                guard let newest = columns.timestamps.last, newest >= since else { return nil }
            }
            return metric
        }.sorted(by: MetricIdentity.catalogueOrder)
    }

    /// Number of datapoints stored for `metric`.
    public func datapointCount(of metric: MetricIdentity) -> Int { metrics[metric]?.timestamps.count ?? 0 }

    public func getMetricData(_ request: MetricDataRequest) throws -> [MetricDataResult] {
        request.queries.map { answer($0, request) }
    }

    /// The answer to one query of `request`.
    public func answer(_ query: MetricStatQuery, _ request: MetricDataRequest) -> MetricDataResult {
        let begun = request.begin(query)
        var result = begun.result
        guard let grid = begun.grid, grid.count > 0, let columns = metrics[query.metric] else { return result }

        let subMinute = query.period < 60
        let unitFilter = query.unit
        let wanted: UInt16? = unitFilter.map { u in columns.units.firstIndex(of: u).map { UInt16($0) } ?? UInt16.max }
        let lo = columns.lowerBound(grid.start), hi = columns.lowerBound(request.end)
        result.timestamps.reserveCapacity(min(grid.count, hi - lo))
        result.values.reserveCapacity(min(grid.count, hi - lo))
        if !query.stat.needsRawValues {
            let unitIndex = Self.foldSimple(
                columns, lo..<hi, grid: grid, stat: query.stat, subMinute: subMinute, wanted: wanted, into: &result)
            if let u = unitIndex { result.unit = columns.units[Int(u)] }
            return result
        }
        var acc = BucketAccumulator(for: query.stat)
        var unit: UInt16? = nil, mixedUnits = false
        var bucket = -1

        func flush(_ acc: inout BucketAccumulator) {
            if bucket >= 0, let v = acc.value(of: query.stat) {
                result.timestamps.append(grid.bucketStart(bucket))
                result.values.append(v)
            }
            acc.reset()
        }

        var i = lo
        while i < hi {
            defer { i += 1 }
            let p = columns.points[i]
            if subMinute && !p.highResolution { continue }
            if let w = wanted, p.unit != w { continue }
            guard let k = grid.index(of: columns.timestamps[i]) else { continue }
            if k != bucket {
                flush(&acc)
                bucket = k
            }
            if unit == nil { unit = p.unit } else if unit != p.unit { mixedUnits = true }
            if p.rawCount > 0 {
                for r in p.rawStart..<(p.rawStart + Int(p.rawCount)) {
                    acc.add(value: columns.rawValues[r], count: columns.rawCounts[r])
                }
            } else if p.count > 0 {
                acc.add(StatisticValues(sampleCount: p.count, sum: p.sum, minimum: p.minimum, maximum: p.maximum))
            }
        }
        flush(&acc)
        if let u = unit, !mixedUnits { result.unit = columns.units[Int(u)] }
        return result
    }

    /// The fast path for SampleCount, Sum, Average, Minimum and Maximum: every stored point
    /// already carries its count, sum, minimum and maximum (raw `Values` included), so buckets
    /// fold those in one pass without touching raw samples. Returns the unit index when every
    /// folded point agrees on one.
    static func foldSimple(
        _ columns: Columns, _ range: Range<Int>, grid: BucketGrid, stat: Statistic, subMinute: Bool, wanted: UInt16?,
        into result: inout MetricDataResult
    ) -> UInt16? {
        var count = 0.0, sum = 0.0, minimum = Double.infinity, maximum = -Double.infinity
        var bucket = -1
        var unit: UInt16? = nil, mixedUnits = false
        func emit() {
            guard bucket >= 0, count > 0 else { return }
            let value: Double
            switch stat {
            case .sampleCount: value = count
            case .sum: value = sum
            case .average: value = sum / count
            case .minimum: value = minimum
            default: value = maximum
            }
            result.timestamps.append(grid.bucketStart(bucket))
            result.values.append(value)
        }
        columns.points.withUnsafeBufferPointer { points in
            columns.timestamps.withUnsafeBufferPointer { timestamps in
                for i in range {
                    let p = points[i]
                    if subMinute && !p.highResolution { continue }
                    if let w = wanted, p.unit != w { continue }
                    // Non-finite or empty points add nothing (as in `BucketAccumulator`).
                    guard p.count > 0, p.count.isFinite, p.sum.isFinite, p.minimum.isFinite, p.maximum.isFinite,
                          let k = grid.index(of: timestamps[i]) else { continue }
                    if k != bucket {
                        emit()
                        bucket = k
                        count = 0; sum = 0; minimum = .infinity; maximum = -.infinity
                    }
                    if unit == nil { unit = p.unit } else if unit != p.unit { mixedUnits = true }
                    count += p.count
                    sum += p.sum
                    if p.minimum < minimum { minimum = p.minimum }
                    if p.maximum > maximum { maximum = p.maximum }
                }
            }
        }
        emit()
        return mixedUnits ? nil : unit
    }

    /// The `PartialData` message for a grid cut to its newest buckets.
    public static func truncationMessage(total: Int, kept: Int) -> String {
        "the range holds \(total) buckets, more than the \(kept) allowed; only the newest \(kept) are returned"
    }
}
