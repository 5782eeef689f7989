import ChartCore
import MetricMath
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

/// Fetches and shapes a widget's data: resolves the time range, runs every row through
/// `MathQuery` (one `getMetricData` call for every metric row and SEARCH/SELECT result), and
/// returns one `ChartSeries` per metric row and per series of each expression row.
///
/// - Each series lies on its row's full bucket grid (`WidgetQuery.grid`): `timestamps` has
///   every bucket, `values` is NaN where the bucket has no data. Returned points are snapped
///   to the bucket containing them; when several land in one bucket the latest wins; points
///   outside the grid are ignored. An expression series uses the grid of its own period.
/// - Labels (spec §3.7): an explicit `label` as given; else the label a recording carries;
///   else the metric name, and when several visible series share such a default label, the
///   dimension values that differ among them are appended in parentheses (row order), then
///   the statistic if still equal and the statistics differ (`Latency (/pay, prod)`,
///   `Latency (p90)`). Expression rows: `label`, else the id; a row yielding an array labels
///   each member `"<label> <member label>"` (only the member label when `label` is "").
/// - Dynamic labels (§3.8): a label with `${…}` tokens is rendered per series over the
///   displayed range, in the widget's time zone; `${LABEL}` is the label the series would
///   have without the option. For an array member the rendered template is the whole label
///   [REC: that is how SEARCH labels such as `${PROP('Dim.InstanceId')}` are used].
/// - `paletteSlot` (visual.md §3): rows in order, one slot per metric row (hidden too), one
///   per series of an expression row and at least one per expression row. An explicit
///   `color` applies to an expression only when it yields one series.
/// - ANOMALY_DETECTION_BAND edges carry `band` (edge and the described row id) and the band
///   row's `rowIndex`, so layout draws them as one grey band.
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

    let queryRows = widget.rows.map { row -> QueryRow in
        switch row {
        case .metric(let m):
            let period = WidgetQuery.period(of: m, in: widget, start: start, end: end)
            return QueryRow(id: m.id, source: .metric(MetricStatQuery(id: m.id, metric: m.metric, stat: m.stat, period: period)))
        case .expression(let e):
            return QueryRow(id: e.id, source: .expression(e.expression, period: e.period))
        }
    }
    let outcome: MathQueryResult
    do {
        outcome = try MathQuery.run(
            rows: queryRows, start: start, end: end, now: now, source: source,
            maxDatapoints: WidgetQuery.maxDatapoints, defaultPeriod: widget.period,
            grid: { period in WidgetQuery.grid(period: period, widget: widget, start: start, end: end, now: now) })
    } catch {
        switch error {
        case .invalidExpression(let id, _):
            let index = widget.rows.firstIndex { $0.id == id } ?? 0
            throw .widget(WidgetError(.invalidExpression, path: "metrics[\(index)]", error.description))
        case .dataSource(let why):
            throw .dataSource(why)
        }
    }

    var series: [ChartSeries] = []
    var defaultLabels: [String?] = []  // per series: the default label when the row has no label
    var metricRowOfSeries: [MetricRowSpec?] = []
    var templates: [DynamicLabel?] = []
    var warnings: [RenderWarning] = []
    var slot = 0
    // Expression series are labelled last: an array member shows its metric row's final label.
    var pendingExpressionLabels: [(index: Int, row: ExpressionRowSpec, series: EvaluatedSeries, isArray: Bool)] = []

    for row in widget.rows {
        switch row {
        case .expression(let e):
            let evaluated = outcome.expressions[e.id]
                ?? EvaluatedRow(id: e.id, status: .internalError, messages: ["the expression was not evaluated"], series: [], isArray: false)
            let first = slot + 1
            slot += max(1, evaluated.series.count)
            let message = evaluated.messages.isEmpty ? nil : evaluated.messages.joined(separator: "; ")
            for (k, s) in evaluated.series.enumerated() {
                let grid = WidgetQuery.grid(period: s.period, widget: widget, start: start, end: end, now: now)
                var c = ChartSeries(
                    rowIndex: e.rowIndex, id: e.id, label: e.label ?? e.id,
                    explicitColor: evaluated.series.count == 1 ? e.color : nil, paletteSlot: first + k,
                    axis: e.yAxis, visible: e.visible, period: s.period, timestamps: grid.timestamps,
                    values: place(s.timestamps, s.values, on: grid), unit: nil, status: evaluated.status,
                    statusMessage: message)
                if let edge = s.bandEdge { c.band = AnomalyBandRole(edge: edge, describedId: s.bandDescribes ?? "") }
                series.append(c)
                defaultLabels.append(nil)
                metricRowOfSeries.append(nil)
                templates.append(nil)
                pendingExpressionLabels.append((series.count - 1, e, s, evaluated.isArray))
            }
            if evaluated.status != .complete {
                let why = message.map { ": \($0)" } ?? ""
                warnings.append(RenderWarning(
                    code: "partialData", message: "\(e.id): data is incomplete (\(evaluated.status.rawValue))\(why)", id: e.id))
            }
            if e.visible && !evaluated.series.contains(where: { !$0.values.isEmpty }) {
                warnings.append(RenderWarning(code: "noData", message: "\(e.id): the expression produced no data", id: e.id))
            }
        case .metric(let m):
            slot += 1
            let period = WidgetQuery.period(of: m, in: widget, start: start, end: end)
            let grid = WidgetQuery.grid(period: period, widget: widget, start: start, end: end, now: now)
            let result = outcome.metrics[m.id] ?? MetricDataResult(
                id: m.id, status: .internalError, messages: ["the data source returned no result for this query"]
            )
            let defaultLabel = result.label ?? m.metric.name
            let message = result.messages.isEmpty ? nil : result.messages.joined(separator: "; ")
            let s = ChartSeries(
                rowIndex: m.rowIndex, id: m.id, label: m.label ?? defaultLabel, explicitColor: m.color, paletteSlot: slot,
                axis: m.yAxis, visible: m.visible, period: period, timestamps: grid.timestamps,
                values: place(result.timestamps, result.values, on: grid),
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
            defaultLabels.append(m.label == nil && result.label == nil ? defaultLabel : nil)
            metricRowOfSeries.append(m)
            templates.append(m.label.map(DynamicLabel.parse).flatMap { $0.hasTokens ? $0 : nil })
        }
    }

    // Array members name their metric rows, hidden ones included, so those labels are told
    // apart among every metric row (the drawn labels only among visible series).
    var memberLabels = series
    for i in memberLabels.indices { memberLabels[i].visible = true }
    dedupeDefaultLabels(&memberLabels, usesDefaultLabel: defaultLabels.map { $0 != nil }, rows: metricRowOfSeries)
    dedupeDefaultLabels(&series, usesDefaultLabel: defaultLabels.map { $0 != nil }, rows: metricRowOfSeries)
    for (i, template) in templates.enumerated() {
        guard let template, let m = metricRowOfSeries[i], let result = outcome.metrics[m.id] else { continue }
        // Over what is drawn: every bucket of the row's grid (the first may start before
        // `start`), after liveData trimming.
        series[i].label = template.render(context: DynamicLabelContext(
            timestamps: series[i].timestamps, values: series[i].values, range: nil, now: now,
            timeZone: widget.timezone, defaultLabel: result.label ?? m.metric.name, metric: m.metric, stat: m.stat.name,
            period: series[i].period, region: m.region ?? widget.region, accountId: m.accountId))
    }
    let labelOfRow = Dictionary(series.indices.compactMap { i in
        metricRowOfSeries[i].map { ($0.id, templates[i] == nil ? memberLabels[i].label : series[i].label) }
    }, uniquingKeysWith: { a, _ in a })
    for pending in pendingExpressionLabels {
        series[pending.index].label = expressionLabel(
            pending.row, pending.series, isArray: pending.isArray, drawn: series[pending.index], metricLabels: labelOfRow,
            widget: widget, now: now)
    }
    return WidgetData(start: start, end: end, series: series, warnings: warnings)
}

/// The label of one series of an expression row (see `queryWidget`): the row's `label` (else
/// its id); an array member appends its own label (its metric row's final label, a SEARCH or
/// Insights result label), except for anomaly-band edges, which are one legend entry under
/// the row label; a `${…}` template is rendered over the drawn values instead.
private func expressionLabel(
    _ row: ExpressionRowSpec, _ s: EvaluatedSeries, isArray: Bool, drawn: ChartSeries, metricLabels: [String: String],
    widget: MetricWidget, now: EpochSeconds
) -> String {
    let base = row.label ?? row.id
    let member = s.sourceRowId.flatMap { metricLabels[$0] } ?? s.memberLabel ?? ""
    let joined: String
    if isArray && s.bandEdge == nil {
        joined = base.isEmpty ? member : (member.isEmpty ? base : base + " " + member)
    } else {
        joined = base
    }
    guard let text = row.label else { return joined }
    let template = DynamicLabel.parse(text)
    guard template.hasTokens else { return joined }
    let fallback = isArray && s.bandEdge == nil ? (member.isEmpty ? row.id : row.id + " " + member) : row.id
    return template.render(context: DynamicLabelContext(
        timestamps: drawn.timestamps, values: drawn.values, range: nil, now: now, timeZone: widget.timezone,
        defaultLabel: fallback, metric: s.metric, stat: s.stat, period: s.period,
        region: row.region ?? widget.region, accountId: row.accountId))
}

/// `values[i]` at `timestamps[i]` placed on `grid`: NaN where no point lands, the latest
/// point where several share a bucket, points off the grid ignored.
private func place(_ timestamps: [EpochSeconds], _ values: [Double], on grid: BucketGrid) -> [Double] {
    var out = [Double](repeating: .nan, count: grid.count)
    for (t, v) in zip(timestamps, values) {
        if let k = grid.index(of: t) { out[k] = v }
    }
    return out
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
private func dedupeDefaultLabels(_ series: inout [ChartSeries], usesDefaultLabel: [Bool], rows: [MetricRowSpec?]) {
    // Visible metric-row series with a default label: (series index, its row).
    let entries: [(index: Int, row: MetricRowSpec)] = series.indices.compactMap { i in
        guard series[i].visible, usesDefaultLabel[i], let row = rows[i] else { return nil }
        return (i, row)
    }
    var groups: [String: [Int]] = [:]  // label → positions in `entries`
    var order: [String] = []
    for (k, e) in entries.enumerated() {
        let label = series[e.index].label
        if groups[label] == nil { order.append(label) }
        groups[label, default: []].append(k)
    }
    for label in order {
        guard let group = groups[label], group.count > 1 else { continue }
        // Dimension names whose value (or absence) is not the same across the group.
        var names: [String] = []
        for k in group { for d in entries[k].row.dimensionsInRowOrder where !names.contains(d.name) { names.append(d.name) } }
        let differing = Set(names.filter { n in
            let first = entries[group[0]].row.metric.dimensionValue(n)
            return group.contains { entries[$0].row.metric.dimensionValue(n) != first }
        })
        var parts: [Int: [String]] = [:]
        for k in group {
            parts[k] = entries[k].row.dimensionsInRowOrder.filter { differing.contains($0.name) }.map(\.value)
        }
        func text(_ k: Int) -> String {
            let p = parts[k] ?? []
            return p.isEmpty ? label : label + " (" + p.joined(separator: ", ") + ")"
        }
        // Still equal: append the statistic, when it tells them apart at all.
        var clashes: [String: [Int]] = [:]
        for k in group { clashes[text(k), default: []].append(k) }
        for members in clashes.values where members.count > 1 {
            guard Set(members.map { entries[$0].row.stat }).count > 1 else { continue }
            for k in members { parts[k, default: []].append(entries[k].row.stat.name) }
        }
        for k in group { series[entries[k].index].label = text(k) }
    }
}
