import ChartCore
import WidgetSpec

/// Everything a widget needs drawn, fetched and laid on period grids.
public struct WidgetData: Sendable, Equatable {
    /// The resolved range `[start, end)` (not bucket-aligned).
    public var start: EpochSeconds
    public var end: EpochSeconds
    /// One series per metric row, in row order (hidden rows included, `visible == false`).
    public var series: [ChartSeries]
    /// What the render should mention but not fail on, in row order.
    public var warnings: [RenderWarning]

    public init(start: EpochSeconds, end: EpochSeconds, series: [ChartSeries], warnings: [RenderWarning]) {
        self.start = start; self.end = end; self.series = series; self.warnings = warnings
    }
}

/// Why a widget's data could not be produced at all.
public enum WidgetQueryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The widget itself is unusable (a bad time range, a non-positive period).
    case widget(WidgetError)
    /// The data source threw instead of answering; its error, described.
    case dataSource(String)

    public var description: String {
        switch self {
        case .widget(let e): return e.description
        case .dataSource(let why): return "the metric data source failed: \(why)"
        }
    }
}

/// The planning rules that turn a widget into one batched request and per-row bucket grids.
public enum WidgetQuery {
    /// GetMetricData's per-query datapoint budget (spec §5): more buckets than this and
    /// only the newest are kept, marked `PartialData`.
    public static let maxDatapoints = 100_800

    /// True when every row is reduced to one whole-range bucket: `setPeriodToTimeRange` on
    /// any view but `timeSeries` (spec §5).
    public static func usesWholeRangePeriod(_ widget: MetricWidget) -> Bool {
        widget.setPeriodToTimeRange && widget.view != .timeSeries
    }

    /// The period a row is fetched with: its own, or `end − start` for a whole-range bucket.
    public static func period(of row: MetricRowSpec, in widget: MetricWidget, start: EpochSeconds, end: EpochSeconds) -> Int {
        usesWholeRangePeriod(widget) ? Int(end - start) : row.period
    }

    /// The one request a render makes: every metric row (hidden ones too; math will need
    /// them), over `[start, end)`, with the 100,800-bucket budget.
    public static func request(
        for widget: MetricWidget, start: EpochSeconds, end: EpochSeconds, now: EpochSeconds
    ) -> MetricDataRequest {
        let queries = widget.metricRows.map { row in
            MetricStatQuery(
                id: row.id, metric: row.metric, stat: row.stat, period: period(of: row, in: widget, start: start, end: end)
            )
        }
        return MetricDataRequest(queries: queries, start: start, end: end, now: now, maxDatapoints: maxDatapoints)
    }

    /// The buckets a row is drawn on: the query's grid (newest `maxDatapoints` buckets), minus
    /// the still-filling trailing buckets when `liveData` is off (spec §6.4). A whole-range
    /// bucket is never dropped for liveData [REC]: it would always be "unfinished" when the
    /// range ends now, and the aggregate of what exists is what the view asks for.
    public static func grid(
        period: Int, widget: MetricWidget, start: EpochSeconds, end: EpochSeconds, now: EpochSeconds
    ) -> BucketGrid {
        var g = BucketAlignment.grid(start: start, end: end, period: period, now: now).keepingNewest(maxDatapoints)
        if !widget.liveData && !usesWholeRangePeriod(widget) {
            g = g.droppingUnfinished(now: now)
        }
        return g
    }
}

/// Fetches and shapes a widget's data: resolves the time range, makes one `getMetricData`
/// call with every metric row, and returns one `ChartSeries` per metric row.
///
/// - Each series lies on its row's full bucket grid (`WidgetQuery.grid`): `timestamps` has
///   every bucket, `values` is NaN where the bucket has no data. Returned points are snapped
///   to the bucket containing them; when several land in one bucket the latest wins; points
///   outside the grid are ignored.
/// - Labels (spec §3.7): an explicit `label` as given (dynamic `${…}` tokens are left
///   verbatim here); else the label a recording carries; else the metric name, and when
///   several visible series share such a default label, the dimension values that differ
///   among them are appended in parentheses (row order), then the statistic if still equal
///   and the statistics differ (`Latency (/pay, prod)`, `Latency (p90)`).
/// - `paletteSlot`: rows in order, one slot per metric row (hidden too) and per expression row.
/// - Expression rows are not evaluated yet: no series, an `expressionNotSupported` warning.
/// - A status other than `Complete` gives a `partialData` warning; a visible row with no
///   value on its grid gives a `noData` warning.
///
/// `now` is injected, never read from a clock, so the result is deterministic.
public func queryWidget(
    _ widget: MetricWidget, source: some MetricDataSource, now: EpochSeconds
) throws(WidgetQueryError) -> WidgetData {
    let range: (start: EpochSeconds, end: EpochSeconds)
    do { range = try widget.timeRange(now: now) } catch { throw .widget(error) }
    let (start, end) = range

    for row in widget.metricRows where row.period <= 0 {
        throw .widget(WidgetError(.invalidValue, path: "metrics[\(row.rowIndex)]", "period must be positive, not \(row.period)"))
    }

    let request = WidgetQuery.request(for: widget, start: start, end: end, now: now)
    var results: [String: MetricDataResult] = [:]
    if !request.queries.isEmpty {
        let answers: [MetricDataResult]
        do { answers = try source.getMetricData(request) } catch { throw .dataSource(String(describing: error)) }
        for a in answers where results[a.id] == nil { results[a.id] = a }
    }

    var series: [ChartSeries] = []
    var usesDefaultLabel: [Bool] = []
    var rowsOfSeries: [MetricRowSpec] = []
    var warnings: [RenderWarning] = []
    var slot = 0

    for row in widget.rows {
        slot += 1
        switch row {
        case .expression(let e):
            warnings.append(RenderWarning(
                code: "expressionNotSupported",
                message: "\(e.id): metric math expressions are not supported yet; the row is not drawn", id: e.id
            ))
        case .metric(let m):
            let period = WidgetQuery.period(of: m, in: widget, start: start, end: end)
            let grid = WidgetQuery.grid(period: period, widget: widget, start: start, end: end, now: now)
            let result = results[m.id] ?? MetricDataResult(
                id: m.id, status: .internalError, messages: ["the data source returned no result for this query"]
            )
            var values = [Double](repeating: .nan, count: grid.count)
            for (t, v) in zip(result.timestamps, result.values) {
                if let k = grid.index(of: t) { values[k] = v }
            }
            let label: String
            if let explicit = m.label {
                label = explicit
            } else if let recorded = result.label {
                label = recorded
            } else {
                label = m.metric.name
            }
            let message = result.messages.isEmpty ? nil : result.messages.joined(separator: "; ")
            let s = ChartSeries(
                rowIndex: m.rowIndex, id: m.id, label: label, explicitColor: m.color, paletteSlot: slot,
                axis: m.yAxis, visible: m.visible, period: period, timestamps: grid.timestamps, values: values,
                unit: result.unit, status: result.status, statusMessage: message
            )
            if result.status != .complete {
                let why = message.map { ": \($0)" } ?? ""
                warnings.append(RenderWarning(
                    code: "partialData", message: "\(m.id): data is incomplete (\(result.status.rawValue))\(why)", id: m.id
                ))
            }
            if m.visible && !s.hasData {
                warnings.append(RenderWarning(
                    code: "noData", message: "\(m.id): no data for \(describe(m)) (\(m.stat.name), \(period) s)", id: m.id
                ))
            }
            series.append(s)
            usesDefaultLabel.append(m.label == nil && result.label == nil)
            rowsOfSeries.append(m)
        }
    }

    dedupeDefaultLabels(&series, usesDefaultLabel: usesDefaultLabel, rows: rowsOfSeries)
    return WidgetData(start: start, end: end, series: series, warnings: warnings)
}

/// `Shop/Api Latency {Route=/pay, Stage=prod}`: namespace, name and dimensions in row order.
private func describe(_ row: MetricRowSpec) -> String {
    let base = "\(row.metric.namespace) \(row.metric.name)"
    guard !row.dimensionsInRowOrder.isEmpty else { return base }
    return base + " {" + row.dimensionsInRowOrder.map { "\($0.name)=\($0.value)" }.joined(separator: ", ") + "}"
}

/// Spec §3.7 [REC]: visible series whose default labels collide get the differing dimension
/// values appended (in each row's dimension order), then the statistic while still equal.
/// A dimension "differs" when its value (or its absence) is not the same on every series of
/// the colliding group. The statistic is only appended when it differs within the clash;
/// series identical in metric and statistic (e.g. differing only in period) keep equal labels.
private func dedupeDefaultLabels(_ series: inout [ChartSeries], usesDefaultLabel: [Bool], rows: [MetricRowSpec]) {
    let candidates = series.indices.filter { series[$0].visible && usesDefaultLabel[$0] }
    var groups: [String: [Int]] = [:]
    var order: [String] = []
    for i in candidates {
        if groups[series[i].label] == nil { order.append(series[i].label) }
        groups[series[i].label, default: []].append(i)
    }
    for label in order {
        guard let group = groups[label], group.count > 1 else { continue }
        // Dimension names whose value (or absence) is not the same across the group.
        var names: [String] = []
        for i in group { for d in rows[i].dimensionsInRowOrder where !names.contains(d.name) { names.append(d.name) } }
        let differing = Set(names.filter { n in
            let first = rows[group[0]].metric.dimensionValue(n)
            return group.contains { rows[$0].metric.dimensionValue(n) != first }
        })
        var parts: [Int: [String]] = [:]
        for i in group {
            parts[i] = rows[i].dimensionsInRowOrder.filter { differing.contains($0.name) }.map(\.value)
        }
        func text(_ i: Int) -> String {
            let p = parts[i] ?? []
            return p.isEmpty ? label : label + " (" + p.joined(separator: ", ") + ")"
        }
        // Still equal: append the statistic, when it tells them apart at all.
        var clashes: [String: [Int]] = [:]
        for i in group { clashes[text(i), default: []].append(i) }
        for members in clashes.values where members.count > 1 {
            guard Set(members.map { rows[$0].stat }).count > 1 else { continue }
            for i in members { parts[i, default: []].append(rows[i].stat.name) }
        }
        for i in group { series[i].label = text(i) }
    }
}
