import ChartCore
import GRDB
import MetricQuery

/// One stored point placed in a bucket of a query's grid.
struct GatheredPoint {
    var bucket: Int
    var unit: Int
    var payload: PointPayload
}

extension SQLiteMetricStore {
    /// GetMetricData for every query of `request`, from one consistent snapshot of the file.
    ///
    /// Per query, as `InMemoryMetricStore` answers (spec §5, §5.1): buckets from
    /// `BucketAlignment.grid`, only the newest `maxDatapoints` of them (`PartialData` with a
    /// message beyond), one value per bucket with data, the statistic from
    /// `BucketAccumulator`, the unit when every point used agrees, the query's unit as a
    /// filter. In addition the retention tiers apply (`RetentionPolicy`): a point counts
    /// at its effective tier for its age and is used only by periods that are a multiple of
    /// that tier (sub-minute periods therefore see only high-resolution data under 3 hours
    /// old), and expired points are never used.
    public func getMetricData(_ request: MetricDataRequest) throws -> [MetricDataResult] {
        try storeErrors("cannot read \(path)") {
            try pool.read { db in
                try request.queries.map { q in try self.answer(q, request, db) }
            }
        }
    }

    func answer(_ query: MetricStatQuery, _ request: MetricDataRequest, _ db: Database) throws -> MetricDataResult {
        let begun = request.begin(query)
        var result = begun.result
        guard let grid = begun.grid, grid.count > 0, let id = try existingMetricID(query.metric, db) else { return result }
        var unitFilter: Int? = nil
        if let u = query.unit {
            guard let code = UnitCode.code(u) else { return result }
            unitFilter = code
        }
        let wholeRange = BucketAlignment.isWholeRange(start: request.start, end: request.end, period: query.period)
        var points = try gather(
            metric: id, grid: grid, end: request.end, now: request.now, wholeRange: wholeRange, unit: unitFilter, db)
        guard !points.isEmpty else { return result }
        sortByBucket(&points)

        var acc = BucketAccumulator(for: query.stat)
        result.timestamps.reserveCapacity(min(grid.count, points.count))
        result.values.reserveCapacity(min(grid.count, points.count))
        var unit = points[0].unit, mixed = false
        var i = 0
        while i < points.count {
            let k = points[i].bucket
            acc.reset()
            while i < points.count && points[i].bucket == k {
                points[i].payload.add(to: &acc)
                if points[i].unit != unit { mixed = true }
                i += 1
            }
            if let v = acc.value(of: query.stat) {
                result.timestamps.append(grid.bucketStart(k))
                result.values.append(v)
            }
        }
        if !mixed { unit = points[0].unit; result.unit = UnitCode.name(unit) }
        return result
    }

    /// The stored points of metric `id` that fall in `grid`, each with its bucket index,
    /// blocks in tier order, each block followed by the recent entries of the same block (in
    /// write order: the order a fold gives them). See `RetentionPolicy` for which points a
    /// bucket may use.
    func gather(
        metric id: Int64, grid: BucketGrid, end: EpochSeconds, now: EpochSeconds, wholeRange: Bool, unit: Int?, _ db: Database
    ) throws -> [GatheredPoint] {
        var out: [GatheredPoint] = []
        let period = grid.period
        let sql = unit == nil
            ? "SELECT start, unit, data FROM point_block WHERE metric = ?1 AND tier = ?2 AND start > ?3 AND start < ?4 ORDER BY start, unit"
            : "SELECT start, unit, data FROM point_block WHERE metric = ?1 AND tier = ?2 AND start > ?3 AND start < ?4 AND unit = ?5 ORDER BY start, unit"
        let select = try RawStatement(db, sql)
        defer { select.reset() }
        let policy = retention
        let recent = try RecentLog.segments(of: id, db)
        func visit(tier: Int, start: Int64, unit unitCode: Int, _ bytes: UnsafeRawBufferPointer) throws {
            try BlockCodec.forEachPoint(bytes) { slot, payload in
                let t = start + Int64(slot) * Int64(tier)
                guard t >= grid.start, let eff = policy.effectiveTier(stored: tier, time: t, now: now) else { return }
                if !wholeRange && period % eff != 0 { return }
                let f = eff == 1 ? t : floorTo(t, Int64(eff))
                guard f < end, let k = grid.index(of: f) else { return }
                out.append(GatheredPoint(bucket: k, unit: unitCode, payload: payload))
            }
        }
        for tier in Tier.all {
            let span = Tier.blockSpan(tier)
            // A point at or after grid.start lies in a block starting after grid.start − span; a
            // point whose effective interval starts before `end` lies before end + 1 hour.
            let low = grid.start &- span, high = end &+ 3600
            var waiting = recent.filter { s in
                s.tier == tier && s.start > low && s.start < high && (unit == nil || s.unit == unit)
            }
            // Stable: segments of one block stay in write order.
            if waiting.count > 1 {
                waiting = waiting.enumerated().sorted { a, b in
                    (a.element.start, a.element.unit, a.offset) < (b.element.start, b.element.unit, b.offset)
                }.map(\.element)
            }
            var r = 0
            func visitWaiting(before start: Int64, _ unitCode: Int, including: Bool) throws {
                while r < waiting.count {
                    let s = waiting[r]
                    let earlier = s.start < start || (s.start == start && s.unit < unitCode)
                    let same = s.start == start && s.unit == unitCode
                    guard earlier || (including && same) else { return }
                    try s.entries.withUnsafeBytes { try visit(tier: tier, start: s.start, unit: s.unit, $0) }
                    r += 1
                }
            }
            select.bind(1, id); select.bind(2, tier)
            select.bind(3, low); select.bind(4, high)
            if let unit { select.bind(5, unit) }
            while try select.step() {
                let start = select.int64(0)
                let unitCode = select.int(1)
                try visitWaiting(before: start, unitCode, including: false)
                try visit(tier: tier, start: start, unit: unitCode, select.blob(2))
                try visitWaiting(before: start, unitCode, including: true)
            }
            select.reset()
            try visitWaiting(before: .max, .max, including: true)
        }
        return out
    }

    /// Stable sort by bucket, skipped when already in order (one tier and unit: the usual case).
    func sortByBucket(_ points: inout [GatheredPoint]) {
        var ordered = true
        for i in points.indices.dropFirst() where points[i].bucket < points[i - 1].bucket {
            ordered = false
            break
        }
        if !ordered {
            points = points.enumerated().sorted { ($0.element.bucket, $0.offset) < ($1.element.bucket, $1.offset) }.map(\.element)
        }
    }

    // MARK: - GetMetricStatistics

    /// GetMetricStatistics: validates `input` (`GetMetricStatisticsInput.validated(now:)`) and
    /// answers every statistic asked for per bucket, oldest first; buckets without data are
    /// left out, as are extended statistics a bucket cannot compute (statistic sets,
    /// negative values). Buckets and retention as in `getMetricData`; no 100,800 budget
    /// (GetMetricStatistics allows 1,440 buckets).
    public func getMetricStatistics(_ input: GetMetricStatisticsInput, now: EpochSeconds) throws(CloudWatchAPIError) -> GetMetricStatisticsOutput {
        let request = try input.validated(now: now)
        do { return try getMetricStatistics(request, now: now) } catch {
            throw CloudWatchAPIError(.internalServiceError, "the metric store could not be read: \(error.message)")
        }
    }

    /// GetMetricStatistics for an already validated request.
    public func getMetricStatistics(_ request: MetricStatisticsRequest, now: EpochSeconds) throws(MetricStoreError) -> GetMetricStatisticsOutput {
        try storeErrors("cannot read \(path)") {
            try pool.read { db in try self.statistics(request, now: now, db) }
        }
    }

    private func statistics(_ request: MetricStatisticsRequest, now: EpochSeconds, _ db: Database) throws -> GetMetricStatisticsOutput {
        var output = GetMetricStatisticsOutput(label: request.metric.name, datapoints: [])
        let grid = BucketAlignment.grid(start: request.start, end: request.end, period: request.period, now: now)
        guard grid.count > 0, let id = try existingMetricID(request.metric, db) else { return output }
        var unitFilter: Int? = nil
        if let u = request.unit {
            guard let code = UnitCode.code(u) else { return output }
            unitFilter = code
        }
        let wholeRange = BucketAlignment.isWholeRange(start: request.start, end: request.end, period: request.period)
        var points = try gather(metric: id, grid: grid, end: request.end, now: now, wholeRange: wholeRange, unit: unitFilter, db)
        sortByBucket(&points)
        var acc = BucketAccumulator(collectsRawSamples: !request.extendedStatistics.isEmpty)
        var i = 0
        while i < points.count {
            let k = points[i].bucket
            acc.reset()
            let unit = points[i].unit
            var mixed = false
            while i < points.count && points[i].bucket == k {
                points[i].payload.add(to: &acc)
                if points[i].unit != unit { mixed = true }
                i += 1
            }
            guard !acc.isEmpty else { continue }
            var d = StatisticsDatapoint(timestamp: grid.bucketStart(k), unit: mixed ? "None" : UnitCode.name(unit))
            for s in request.statistics {
                let v = acc.value(of: s)
                switch s {
                case .sampleCount: d.sampleCount = v
                case .average: d.average = v
                case .sum: d.sum = v
                case .minimum: d.minimum = v
                case .maximum: d.maximum = v
                default: break
                }
            }
            for (text, stat) in request.extendedStatistics {
                if let v = acc.value(of: stat) { d.extendedStatistics[text] = v }
            }
            output.datapoints.append(d)
        }
        return output
    }
}
