import ChartCore
import MetricMath

/// One row of a request that may hold metric math: a MetricStat or an expression.
///
/// Both the widget path (`queryWidget`) and GetMetricData describe their rows this way and
/// run them through `MathQuery.run`, so both answer the same expressions the same way.
public struct QueryRow: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        case metric(MetricStatQuery)
        /// Math, SEARCH or a Metrics Insights `SELECT`; `period` is the row's own period option.
        case expression(String, period: Int?)
    }

    public var id: String
    public var source: Source

    public init(id: String, source: Source) { self.id = id; self.source = source }
}

/// One series an expression row produced.
public struct EvaluatedSeries: Sendable, Equatable {
    /// Present points only, ascending.
    public var timestamps: [EpochSeconds]
    public var values: [Double]
    public var period: Int
    /// The label of the series this one passes through (a metric row's label, a SEARCH or
    /// Insights result label, `"<label> (upper)"` for a band edge); nil for computed series.
    public var memberLabel: String?
    /// The metric behind the series when it passes one metric through unchanged in identity
    /// (a metric row, a SEARCH result), for `${PROP(…)}` labels.
    public var metric: MetricIdentity?
    /// The statistic of that metric, as CloudWatch spells it.
    public var stat: String?
    /// The metric row the series passes through (`METRICS()`, `FILL(m1, 0)`, …), whose final
    /// label is the member label callers should show.
    public var sourceRowId: String?
    /// Set for the two edges of ANOMALY_DETECTION_BAND: which edge, and the id of the metric
    /// row the band describes (nil when the band is around a computed series).
    public var bandEdge: AnomalyBandRole.Edge?
    public var bandDescribes: String?
}

/// The outcome of one expression row.
public struct EvaluatedRow: Sendable, Equatable {
    public var id: String
    public var status: DataStatus
    public var messages: [String]
    public var series: [EvaluatedSeries]
    /// True when the row's value is an array of series (SEARCH, METRICS(), SELECT … GROUP BY,
    /// …), whose members are labelled `"<row label> <member label>"` (metric-widget.md §3.7).
    public var isArray: Bool
}

/// Everything `MathQuery.run` fetched and computed.
public struct MathQueryResult: Sendable {
    /// The data source's answer for each metric row, by row id.
    public var metrics: [String: MetricDataResult]
    /// Each expression row's outcome, by row id.
    public var expressions: [String: EvaluatedRow]
}

/// Why a request with expressions could not be answered at all.
public enum MathQueryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A syntax, type, reference or SEARCH/SELECT query error, before any data was fetched
    /// (`Error in expression e1: Syntax error at position 4`).
    case invalidExpression(rowId: String, message: String)
    /// The data source threw.
    case dataSource(String)

    public var description: String {
        switch self {
        case .invalidExpression(let id, let message): return "Error in expression \(id): \(message)"
        case .dataSource(let why): return "the metric data source failed: \(why)"
        }
    }
}

/// Runs the rows of one request: checks every expression before fetching anything, resolves
/// SEARCH and Metrics Insights against the source's catalogue, fetches every metric in one
/// `getMetricData` call (plus one more for ANOMALY_DETECTION_BAND history), and evaluates.
///
/// Choices (metric-math.md leaves them open):
/// - SEARCH looks at metrics with data in the 14 days before the end of the range (or `now`,
///   when earlier) [REC: for a range ending now this is CloudWatch's rule; for a range in the
///   past it finds the metrics that were active then, which is what replaying recorded data
///   needs]. Metrics Insights looks at the 3 hours before `now` (§11), as CloudWatch does.
/// - A SEARCH without a period argument uses its row's `period`, else `defaultPeriod`.
/// - The 500-series cap is shared by every SEARCH of the request, in call order; a cut call
///   marks its row `PartialData`.
/// - A Metrics Insights query fetches Sum, SampleCount, Minimum and Maximum of each matched
///   metric on the row's period (else `defaultPeriod`) and aggregates raw observations.
/// - ANOMALY_DETECTION_BAND history is the 14 days before the displayed range, on the
///   metric's own period, fetched in a second call.
public enum MathQuery {
    /// SEARCH looks back this far for active metrics (metric-math.md §10).
    public static let searchLookback: EpochSeconds = 14 * 86_400
    /// Most SEARCH series per request.
    public static let maxSearchSeries = 500

    /// Runs `rows`. `grid(period)` is the bucket grid a period is evaluated on (alignment,
    /// budget and liveData trimming applied by the caller); `defaultPeriod` is the period of
    /// expressions that depend on no metric row and have none of their own.
    public static func run(
        rows: [QueryRow], start: EpochSeconds, end: EpochSeconds, now: EpochSeconds,
        source: some MetricDataSource, maxDatapoints: Int, defaultPeriod: Int,
        grid: @escaping @Sendable (Int) -> BucketGrid
    ) throws(MathQueryError) -> MathQueryResult {
        let metricRows = rows.compactMap { row -> MetricStatQuery? in
            if case .metric(let q) = row.source { return q } else { return nil }
        }
        let hasExpressions = rows.contains { if case .expression = $0.source { return true } else { return false } }

        // 1. Check every expression before any data is fetched.
        var program: MathProgram?
        if hasExpressions {
            let mathRows = rows.map { row -> MathRow in
                switch row.source {
                case .metric(let q): return .metric(row.id, period: q.period)
                case .expression(let text, let period): return .expression(row.id, text, period: period)
                }
            }
            do {
                program = try MathProgram.compile(rows: mathRows)
            } catch {
                throw .invalidExpression(rowId: error.rowId, message: error.message)
            }
        }
        let rowPeriods = Dictionary(rows.compactMap { row -> (String, Int)? in
            if case .expression(_, let p?) = row.source { return (row.id, p) } else { return nil }
        }, uniquingKeysWith: { a, _ in a })

        // 2. Resolve SEARCH and SELECT against the catalogue; plan every fetch.
        var queries = metricRows
        var searches: [Int: [SearchPlan]] = [:]
        var searchPartial: Set<String> = []
        var insights: [InsightsPlan] = []
        if let program {
            var budget = maxSearchSeries
            for call in program.searchCalls {
                let parsed: SearchQuery
                do { parsed = try SearchQuery.parse(call.query) } catch {
                    throw .invalidExpression(
                        rowId: call.rowId,
                        message: "Invalid SEARCH query at position \(call.position + error.position): \(error.message)")
                }
                let statistic: Statistic
                do { statistic = try Statistic(parsing: call.statistic) } catch {
                    throw .invalidExpression(rowId: call.rowId, message: "Invalid SEARCH statistic: \(error.description)")
                }
                let period = call.period ?? rowPeriods[call.rowId] ?? defaultPeriod
                let hint = parsed.prefilter
                let catalogue = try list(source, MetricListQuery(
                    namespace: hint.namespace, metricName: hint.metricName,
                    dimensions: hint.dimensions.map { DimensionFilter(name: $0.name, value: $0.value) },
                    activeSince: min(now, end) - searchLookback))
                let found = parsed.results(from: catalogue, limit: budget)
                budget -= found.results.count
                if found.isTruncated { searchPartial.insert(call.rowId) }
                var plans: [SearchPlan] = []
                for (i, result) in found.results.enumerated() {
                    let id = "search\(call.index)_\(i)"
                    queries.append(MetricStatQuery(id: id, metric: result.metric, stat: statistic, period: period))
                    plans.append(SearchPlan(queryId: id, result: result, stat: statistic.name, period: period))
                }
                searches[call.index] = plans
            }
            for q in program.insightsQueries {
                let parsed: InsightsQuery
                do { parsed = try InsightsQuery.parse(q.query) } catch {
                    throw .invalidExpression(
                        rowId: q.rowId, message: "Invalid Metrics Insights query at position \(error.position): \(error.message)")
                }
                let hint = parsed.prefilter
                let catalogue = try list(source, MetricListQuery(
                    namespace: hint.namespace, metricName: hint.metricName,
                    dimensions: hint.dimensions.map { DimensionFilter(name: $0.name, value: $0.value) },
                    activeSince: now - InsightsQuery.lookbackSeconds))
                let match = parsed.matchingMetrics(in: catalogue)
                let period = q.period ?? defaultPeriod
                let plan = InsightsPlan(rowId: q.rowId, query: parsed, period: period, metrics: match.metrics, capped: match.isCapped)
                for (i, metric) in match.metrics.enumerated() {
                    for stat in [Statistic.sum, .sampleCount, .minimum, .maximum] {
                        let id = "insights_\(i)_\(stat.name)"
                        queries.append(MetricStatQuery(id: id, metric: metric, stat: stat, period: period))
                    }
                }
                insights.append(plan)
            }
        }

        // 3. One batched fetch.
        var answers: [String: MetricDataResult] = [:]
        if !queries.isEmpty {
            let request = MetricDataRequest(queries: queries, start: start, end: end, now: now, maxDatapoints: maxDatapoints)
            let results: [MetricDataResult]
            do { results = try source.getMetricData(request) } catch { throw .dataSource(String(describing: error)) }
            for r in results where answers[r.id] == nil { answers[r.id] = r }
        }
        var metricAnswers: [String: MetricDataResult] = [:]
        for q in metricRows {
            metricAnswers[q.id] = answers[q.id] ?? MetricDataResult(
                id: q.id, status: .internalError, messages: ["the data source returned no result for this query"])
        }
        guard let program else { return MathQueryResult(metrics: metricAnswers, expressions: [:]) }

        // 4. Inputs.
        var inputs = MathInputs()
        var metricOfRow: [String: MetricStatQuery] = [:]
        for q in metricRows {
            metricOfRow[q.id] = q
            let a = metricAnswers[q.id] ?? MetricDataResult(id: q.id)
            inputs.metrics[q.id] = MathSeriesInput(period: q.period, timestamps: a.timestamps, values: a.values, label: q.metric.name)
        }
        var searchStatus: [String: [String]] = [:]
        for (index, plans) in searches {
            inputs.searchResults[index] = plans.map { plan in
                let a = answers[plan.queryId] ?? MetricDataResult(id: plan.queryId)
                if a.status != .complete, let call = program.searchCalls.first(where: { $0.index == index }) {
                    searchStatus[call.rowId, default: []].append(contentsOf: a.messages)
                }
                return MathSeriesInput(period: plan.period, timestamps: a.timestamps, values: a.values, label: plan.result.label)
            }
        }
        var insightsLabels: [String: [String]] = [:]
        for plan in insights {
            let g = grid(plan.period)
            let timestamps = g.timestamps
            var buckets: [InsightsMetricBuckets] = []
            for (i, metric) in plan.metrics.enumerated() {
                func column(_ stat: Statistic) -> [Double] {
                    var values = [Double](repeating: .nan, count: g.count)
                    if let a = answers["insights_\(i)_\(stat.name)"] {
                        for (t, v) in zip(a.timestamps, a.values) { if let k = g.index(of: t) { values[k] = v } }
                    }
                    return values
                }
                buckets.append(InsightsMetricBuckets(
                    metric: metric, sum: column(.sum), sampleCount: column(.sampleCount),
                    minimum: column(.minimum), maximum: column(.maximum)))
            }
            let result = plan.query.aggregate(timestamps: timestamps, metrics: buckets, now: now)
            if result.isTruncated || plan.capped { searchPartial.insert(plan.rowId) }
            inputs.insightsResults[plan.rowId] = result.series.map {
                MathSeriesInput(period: plan.period, gridStart: g.start, values: $0.values, label: $0.label)
            }
            insightsLabels[plan.rowId] = result.series.map(\.label)
        }
        if !program.anomalyHistoryRows.isEmpty {
            let history = program.anomalyHistoryRows.compactMap { metricOfRow[$0] }
            let request = MetricDataRequest(
                queries: history, start: start - searchLookback, end: start, now: now, maxDatapoints: maxDatapoints)
            if let results = try? source.getMetricData(request) {
                for r in results {
                    guard let q = metricOfRow[r.id] else { continue }
                    inputs.history[r.id] = MathSeriesInput(period: q.period, timestamps: r.timestamps, values: r.values)
                }
            }
        }

        // 5. Evaluate.
        let context = MathContext(defaultPeriod: defaultPeriod) { period in
            let g = grid(period)
            return MathGrid(start: g.start, period: g.period, count: g.count)
        }
        let evaluated = program.evaluate(inputs: inputs, context: context)

        // 6. Shape the results.
        var expressions: [String: EvaluatedRow] = [:]
        for r in evaluated.rows {
            var messages = r.message.map { [$0] } ?? []
            var status = r.status
            if searchPartial.contains(r.id), status == .complete {
                status = .partialData
                messages.append("more than \(maxSearchSeries) series matched; only the first were kept")
            }
            // A row computed from incomplete inputs is incomplete too.
            let incomplete = program.metricDependencies(ofRow: r.id).filter { metricAnswers[$0].map { $0.status != .complete } ?? false }
            if !incomplete.isEmpty, status == .complete {
                status = .partialData
                messages.append("uses \(incomplete.joined(separator: ", ")), whose data is incomplete")
            }
            if let extra = searchStatus[r.id], !extra.isEmpty, status == .complete {
                status = .partialData
                messages.append(contentsOf: extra)
            }
            var out: [EvaluatedSeries] = []
            var isArray = false
            if let value = r.value {
                if case .array = value { isArray = true }
                for s in value.allSeries {
                    let (ts, vs) = s.points()
                    var e = EvaluatedSeries(timestamps: ts, values: vs, period: s.period, memberLabel: s.label)
                    describe(origin: s.origin, into: &e, metricOfRow: metricOfRow, searches: searches, insightsLabels: insightsLabels)
                    out.append(e)
                }
            }
            expressions[r.id] = EvaluatedRow(id: r.id, status: status, messages: messages, series: out, isArray: isArray)
        }
        return MathQueryResult(metrics: metricAnswers, expressions: expressions)
    }

    struct SearchPlan: Sendable {
        var queryId: String
        var result: SearchResult
        var stat: String
        var period: Int
    }

    struct InsightsPlan: Sendable {
        var rowId: String
        var query: InsightsQuery
        var period: Int
        var metrics: [MetricIdentity]
        var capped: Bool
    }

    static func list(_ source: some MetricDataSource, _ query: MetricListQuery) throws(MathQueryError) -> [MetricIdentity] {
        do { return try source.listMetrics(query) } catch { throw .dataSource(String(describing: error)) }
    }

    /// Fills in what the origin of a result series tells: its metric, statistic, member label
    /// and band edge.
    static func describe(
        origin: MathSeriesOrigin, into e: inout EvaluatedSeries, metricOfRow: [String: MetricStatQuery],
        searches: [Int: [SearchPlan]], insightsLabels: [String: [String]]
    ) {
        switch origin {
        case .metric(_, let id):
            if let q = metricOfRow[id] {
                e.metric = q.metric; e.stat = q.stat.name; e.sourceRowId = id
                e.memberLabel = e.memberLabel ?? q.metric.name
            }
        case .search(let call, let result):
            if let plan = searches[call]?[safe: result] {
                e.metric = plan.result.metric; e.stat = plan.stat
                e.memberLabel = plan.result.label
            }
        case .insights(let row, let result):
            e.memberLabel = insightsLabels[row]?[safe: result] ?? e.memberLabel
        case .anomalyBand(let source, let upper):
            var inner = EvaluatedSeries(timestamps: [], values: [], period: e.period)
            describe(origin: source, into: &inner, metricOfRow: metricOfRow, searches: searches, insightsLabels: insightsLabels)
            e.bandEdge = upper ? .upper : .lower
            if case .metric(_, let id) = source { e.bandDescribes = id }
            let base = inner.memberLabel ?? ""
            e.memberLabel = base.isEmpty ? (upper ? "upper" : "lower") : base + (upper ? " (upper)" : " (lower)")
        case .computed:
            break
        }
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
