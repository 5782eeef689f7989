import ChartCore
import Foundation
import MetricQuery
import Testing
import WidgetSpec

/// Answers with fixed results and remembers every request.
final class ScriptedSource: MetricDataSource, @unchecked Sendable {
    private let lock = NSLock()
    private var _requests: [MetricDataRequest] = []
    let results: [MetricDataResult]
    init(_ results: [MetricDataResult]) { self.results = results }
    var requests: [MetricDataRequest] { lock.withLock { _requests } }
    func getMetricData(_ request: MetricDataRequest) throws -> [MetricDataResult] {
        lock.withLock { _requests.append(request) }
        return results
    }
}

struct BrokenSource: MetricDataSource {
    struct Failure: Error, CustomStringConvertible { var description: String { "connection refused" } }
    func getMetricData(_ request: MetricDataRequest) throws -> [MetricDataResult] { throw Failure() }
}

/// NaN-aware view of a series' values.
func present(_ values: [Double]) -> [Double?] { values.map { $0.isNaN ? nil : $0 } }

extension ChartSeries {
    /// The index of the bucket holding `t`.
    func index(of t: EpochSeconds) -> Int? {
        guard let first = timestamps.first, t >= first else { return nil }
        let k = Int((t - first) / Int64(period))
        return k < timestamps.count ? k : nil
    }
}

@Suite("Widget query planner")
struct WidgetQueryTests {
    /// Range -PT1H → [12:00:30, 13:00:30); 5-minute buckets start at 12:00.
    static let now = at("2024-03-15T13:00:30Z")

    static func point(_ iso: String, _ v: Double, _ metric: MetricIdentity = latency) -> MetricDatum {
        MetricDatum(metric: metric, timestamp: at(iso), value: v, unit: "Milliseconds")
    }

    static let store = InMemoryMetricStore([
        point("2024-03-15T12:01:00Z", 10), point("2024-03-15T12:03:00Z", 20),
        point("2024-03-15T12:11:00Z", 20), point("2024-03-15T12:51:00Z", 30), point("2024-03-15T12:56:00Z", 40),
    ])

    func widget(_ rows: [WidgetRow]) -> MetricWidget {
        var w = MetricWidget(rows: rows)
        w.start = .relative(RelativeDuration(hours: -1))
        return w
    }

    @Test func seriesLieOnTheFullGridWithNaNGaps() throws {
        let data = try queryWidget(widget([metricRow(0)]), source: Self.store, now: Self.now)
        #expect(data.start == at("2024-03-15T12:00:30Z"))
        #expect(data.end == Self.now)
        try #require(data.series.count == 1)
        let s = data.series[0]
        // liveData off: the 12:55 bucket is unfinished until 13:01, 13:00 until 13:06.
        #expect(s.timestamps == (0..<11).map { at("2024-03-15T12:00:00Z") + Int64($0) * 300 })
        #expect(present(s.values) == [15, nil, 20, nil, nil, nil, nil, nil, nil, nil, 30])
        #expect(s.period == 300)
        #expect(s.unit == "Milliseconds")
        #expect(s.status == .complete)
        #expect(s.statusMessage == nil)
        #expect(s.rowIndex == 0)
        #expect(s.id == "m1")
        #expect(s.label == "Latency")
        #expect(s.paletteSlot == 1)
        #expect(data.warnings.isEmpty)
    }

    @Test func liveDataKeepsTheFillingBuckets() throws {
        var w = widget([metricRow(0)])
        w.liveData = true
        let s = try queryWidget(w, source: Self.store, now: Self.now).series[0]
        #expect(s.timestamps.count == 13)  // 12:00 … 13:00
        #expect(present(s.values).suffix(3) == [30, 40, nil])
    }

    @Test func oneBatchedRequestWithEveryMetricRow() throws {
        let source = ScriptedSource([])
        let w = widget([
            metricRow(0), metricRow(1, visible: false, stat: "p90", period: 60), expressionRow(2, id: "e1"),
            metricRow(3, id: "errors", name: "Errors", stat: "Sum"),
        ])
        _ = try queryWidget(w, source: source, now: Self.now)
        try #require(source.requests.count == 1)
        let r = source.requests[0]
        #expect(r.queries.map(\.id) == ["m1", "m2", "errors"])
        #expect(r.queries.map(\.period) == [300, 60, 300])
        #expect(r.queries[1].stat == .percentile(90))
        #expect(r.start == at("2024-03-15T12:00:30Z"))
        #expect(r.end == Self.now)
        #expect(r.now == Self.now)
        #expect(r.maxDatapoints == 100_800)
    }

    @Test func noMetricRowsMeansNoFetch() throws {
        let source = ScriptedSource([])
        let data = try queryWidget(widget([expressionRow(0, id: "e1", "TIME_SERIES(1)")]), source: source, now: Self.now)
        #expect(source.requests.isEmpty)
        #expect(data.series.map(\.label) == ["e1"])
        #expect(data.series[0].values.allSatisfy { $0 == 1 })
        #expect(data.warnings.isEmpty)
    }

    @Test func labelsExplicitDefaultAndDeduplicated() throws {
        let w = widget([
            metricRow(0),                                                       // Latency /pay prod Average
            metricRow(1, dims: [("Route", "/cart"), ("Stage", "prod")]),        // Latency /cart prod Average
            metricRow(2, stat: "p90"),                                          // Latency /pay prod p90
            metricRow(3, name: "Errors", label: "Errors ${SUM}"),               // explicit; no data, so ${SUM} is empty
            metricRow(4, dims: [("Route", "/pay"), ("Stage", "beta")], visible: false),  // hidden: not deduped
            expressionRow(5, id: "e1"),
            metricRow(6, name: "Errors", dims: [], label: ""),                  // empty label stays empty
            metricRow(7, namespace: "Other", name: "Count", dims: []),          // unique default label
        ])
        let data = try queryWidget(w, source: Self.store, now: Self.now)
        #expect(data.series.map(\.label) == [
            "Latency (/pay, Average)", "Latency (/cart)", "Latency (/pay, p90)", "Errors ", "Latency", "e1", "", "Count",
        ])
    }

    @Test func dedupeAppendsDifferingDimensionsInRowOrder() throws {
        let w = widget([
            metricRow(0, dims: [("Stage", "prod"), ("Route", "/pay")]),
            metricRow(1, dims: [("Route", "/cart"), ("Stage", "beta")]),
            metricRow(2, dims: [("Route", "/cart")]),
        ])
        let data = try queryWidget(w, source: Self.store, now: Self.now)
        #expect(data.series.map(\.label) == ["Latency (prod, /pay)", "Latency (/cart, beta)", "Latency (/cart)"])
    }

    @Test func dedupeFallsBackToTheStatistic() throws {
        let w = widget([metricRow(0, stat: "p90"), metricRow(1, stat: "Average"), metricRow(2, name: "Errors")])
        let data = try queryWidget(w, source: Self.store, now: Self.now)
        #expect(data.series.map(\.label) == ["Latency (p90)", "Latency (Average)", "Errors"])
    }

    @Test func recordedLabelsAreUsedUnlessALabelIsGiven() throws {
        let recorded = RecordedMetricDataSource([
            RecordedMetricDataSource.Series(id: "m1", label: "CPU of i-1", timestamps: [], values: []),
            RecordedMetricDataSource.Series(id: "m2", label: "CPU of i-2", timestamps: [], values: []),
        ])
        let w = widget([metricRow(0), metricRow(1, label: "mine"), metricRow(2), metricRow(3)])
        let data = try queryWidget(w, source: recorded, now: Self.now)
        // m3 and m4 have no recording and are the same metric and statistic: nothing tells them apart.
        #expect(data.series.map(\.label) == ["CPU of i-1", "mine", "Latency", "Latency"])
    }

    @Test func paletteSlotsCountHiddenAndExpressionRows() throws {
        let w = widget([
            expressionRow(0, id: "e1", "m2 * 2"), metricRow(1, visible: false),
            metricRow(2, stat: "Sum", color: RGBA(r: 1, g: 2, b: 3)),
            expressionRow(3, id: "e2", "METRICS()"), metricRow(4, stat: "Maximum"),
            expressionRow(5, id: "e3", "METRICS('nomatch')"), metricRow(6),
        ])
        let data = try queryWidget(w, source: Self.store, now: Self.now)
        // One slot per metric row, one per series of an expression, at least one per expression.
        // METRICS() is every metric row of the widget, hidden and later ones included.
        #expect(data.series.map(\.id) == ["e1", "m2", "m3", "e2", "e2", "e2", "e2", "m5", "m7"])
        #expect(data.series.map(\.paletteSlot) == [1, 2, 3, 4, 5, 6, 7, 8, 10])
        #expect(data.series.map(\.rowIndex) == [0, 1, 2, 3, 3, 3, 3, 4, 6])
        #expect(data.series.map(\.visible) == [true, false, true, true, true, true, true, true, true])
        #expect(data.series[2].explicitColor == RGBA(r: 1, g: 2, b: 3))
        #expect(data.series[1].explicitColor == nil)
        // Members are told apart among every metric row, hidden ones included.
        #expect(data.series[3...6].map(\.label) == [
            "e2 Latency (Average)", "e2 Latency (Sum)", "e2 Latency (Maximum)", "e2 Latency (Average)",
        ])
    }

    @Test func axisAndValuesFollowTheRow() throws {
        var row = MetricRowSpec(
            rowIndex: 0, id: "m1", idIsImplicit: true, metric: latency, dimensionsInRowOrder: latency.dimensions,
            stat: .sum, period: 600
        )
        row.yAxis = .right
        let data = try queryWidget(widget([.metric(row)]), source: Self.store, now: Self.now)
        let s = data.series[0]
        #expect(s.axis == .right)
        #expect(s.period == 600)
        #expect(s.timestamps.first == at("2024-03-15T12:00:00Z"))
        #expect(present(s.values) == [30, 20, nil, nil, nil])  // 12:00 … 12:40 (12:50 is unfinished until 13:01)
    }

    @Test func expressionRowsAreEvaluatedOnTheirGrid() throws {
        let data = try queryWidget(widget([metricRow(0), expressionRow(1, id: "e1", "m1 * 100 / SUM(METRICS())")]),
                                   source: Self.store, now: Self.now)
        #expect(data.series.map(\.id) == ["m1", "e1"])
        #expect(data.series[1].timestamps == data.series[0].timestamps)
        for (m, e) in zip(data.series[0].values, data.series[1].values) {
            #expect(m.isNaN ? e.isNaN : e == 100)
        }
        #expect(data.warnings.isEmpty)
    }

    @Test func expressionsOfIncompleteInputsAreIncomplete() throws {
        let source = ScriptedSource([MetricDataResult(id: "m1", status: .partialData, messages: ["too many datapoints"])])
        let data = try queryWidget(widget([metricRow(0), expressionRow(1, id: "e1", "FILL(m1, 1)")]), source: source, now: Self.now)
        #expect(data.series.map(\.status) == [.partialData, .partialData])
        #expect(data.warnings.filter { $0.code == "partialData" }.compactMap(\.id) == ["m1", "e1"])
        #expect(data.series[1].statusMessage == "uses m1, whose data is incomplete")
    }

    @Test func badExpressionsFailTheWidgetWithTheRowPath() {
        #expect(throws: WidgetQueryError.widget(WidgetError(
            .invalidExpression, path: "metrics[1]", "Error in expression e1: Unrecognized identifier m9"))) {
            try queryWidget(widget([metricRow(0), expressionRow(1, id: "e1", "m9 * 2")]), source: Self.store, now: Self.now)
        }
    }

    @Test func dynamicLabelsRenderOverTheDisplayedRange() throws {
        let data = try queryWidget(widget([metricRow(0, label: "${LABEL} max ${MAX} n=${DATAPOINT_COUNT}")]),
                                   source: Self.store, now: Self.now)
        let values = data.series[0].values.filter { !$0.isNaN }
        #expect(data.series[0].label == "Latency max \(Int(values.max() ?? 0)) n=\(values.count)")
    }

    @Test func noDataWarningsForVisibleRowsOnly() throws {
        let w = widget([
            metricRow(0), metricRow(1, label: "pay p90", stat: "p90"),
            metricRow(2, dims: [("Route", "/cart"), ("Stage", "prod")]),
            metricRow(3, dims: [("Route", "/cart"), ("Stage", "prod")], visible: false),
            metricRow(4, namespace: "AWS/EC2", name: "CPUUtilization", dims: [], stat: "Maximum", period: 60),
        ])
        let data = try queryWidget(w, source: Self.store, now: Self.now)
        #expect(data.warnings == [
            RenderWarning(code: "noData", message: "m3: no data for Shop/Api Latency {Route=/cart, Stage=prod} (Average, 300 s)", id: "m3"),
            RenderWarning(code: "noData", message: "m5: no data for AWS/EC2 CPUUtilization (Maximum, 60 s)", id: "m5"),
        ])
        // Row 2 has p90 data: 12:01 and 12:03 give p90 = 20.
        #expect(present(data.series[1].values).first == 20)
    }

    @Test func noDataMessageNamesTheMetricAndStat() throws {
        let empty = InMemoryMetricStore()
        let data = try queryWidget(widget([metricRow(0, name: "Errors", stat: "Sum"), metricRow(1, stat: "p90")]),
                                   source: empty, now: Self.now)
        #expect(data.warnings.last == RenderWarning(
            code: "noData", message: "m2: no data for Shop/Api Latency {Route=/pay, Stage=prod} (p90, 300 s)", id: "m2"
        ))
        #expect(data.series.allSatisfy { !$0.hasData && $0.timestamps.count == 11 })
    }

    @Test func incompleteStatusWarns() throws {
        let source = ScriptedSource([
            MetricDataResult(id: "m1", status: .forbidden, messages: ["not authorized", "account 123"]),
            MetricDataResult(id: "m2", timestamps: [at("2024-03-15T12:00:00Z")], values: [1], status: .partialData),
        ])
        let w = widget([metricRow(0), metricRow(1, visible: false), metricRow(2, id: "gone")])
        let data = try queryWidget(w, source: source, now: Self.now)
        #expect(data.series[0].status == .forbidden)
        #expect(data.series[0].statusMessage == "not authorized; account 123")
        #expect(data.series[1].status == .partialData)
        #expect(data.series[2].status == .internalError)
        #expect(data.warnings == [
            RenderWarning(code: "partialData", message: "m1: data is incomplete (Forbidden): not authorized; account 123", id: "m1"),
            RenderWarning(code: "noData", message: "m1: no data for Shop/Api Latency {Route=/pay, Stage=prod} (Average, 300 s)", id: "m1"),
            RenderWarning(code: "partialData", message: "m2: data is incomplete (PartialData)", id: "m2"),
            RenderWarning(code: "partialData", message: "gone: data is incomplete (InternalError): the data source returned no result for this query", id: "gone"),
            RenderWarning(code: "noData", message: "gone: no data for Shop/Api Latency {Route=/pay, Stage=prod} (Average, 300 s)", id: "gone"),
        ])
    }

    @Test func recordedPointsSnapToTheirBuckets() throws {
        let recorded = RecordedMetricDataSource([RecordedMetricDataSource.Series(
            id: "m1", label: "rec",
            timestamps: [at("2024-03-15T12:02:30Z"), at("2024-03-15T12:07:30Z"), at("2024-03-15T12:08:00Z"), at("2024-03-15T11:59:00Z")],
            values: [1, 2, 3, 99]
        )])
        let s = try queryWidget(widget([metricRow(0)]), source: recorded, now: Self.now).series[0]
        // 12:07:30 and 12:08 share the 12:05 bucket: the later point wins. 11:59 is before the grid.
        #expect(present(s.values).prefix(3) == [1, 3, nil])
        #expect(s.timestamps.count == 11)
    }

    @Test func setPeriodToTimeRangeUsesOneWholeRangeBucket() throws {
        var w = widget([metricRow(0, stat: "Sum"), metricRow(1, stat: "SampleCount")])
        w.view = .bar
        w.setPeriodToTimeRange = true
        let data = try queryWidget(w, source: Self.store, now: Self.now)
        for s in data.series {
            #expect(s.period == 3600)
            #expect(s.timestamps == [at("2024-03-15T12:00:30Z")])
        }
        // 12:01 is before 12:00:30 + … no: [12:00:30, 13:00:30) holds 12:01, 12:03, 12:11, 12:51, 12:56.
        #expect(data.series[0].values == [120])
        #expect(data.series[1].values == [5])
        // The timeSeries view ignores the flag.
        w.view = .timeSeries
        #expect(try queryWidget(w, source: Self.store, now: Self.now).series[0].period == 300)
    }

    @Test func bucketBudgetTruncatesToTheNewestAndWarns() throws {
        var w = MetricWidget(rows: [metricRow(0, stat: "Sum", period: 1)])
        w.start = .relative(RelativeDuration(days: -2))
        // A 1-second period only sees high-resolution data.
        let store = InMemoryMetricStore([
            MetricDatum(metric: latency, timestamp: at("2024-03-15T12:51:00Z"), value: 7, storageResolution: 1),
        ])
        let data = try queryWidget(w, source: store, now: Self.now)
        let s = data.series[0]
        let count = s.timestamps.count, last = s.timestamps.last, status = s.status, hasData = s.hasData
        // The newest 100,800 one-second buckets end at now − 1; the last 60 are unfinished.
        #expect(count == 100_800 - 60)
        #expect(last == Self.now - 61)
        #expect(status == .partialData)
        #expect(hasData)
        let point = s.index(of: at("2024-03-15T12:51:00Z"))
        #expect(point.map { s.values[$0] } == 7)
        #expect(data.warnings.map(\.code) == ["partialData"])
        #expect(data.warnings[0].message.hasPrefix("m1: data is incomplete (PartialData): the range holds 172800 buckets"))
    }

    @Test func errorsAreTyped() {
        var w = widget([metricRow(0)])
        w.end = .relative(RelativeDuration(hours: -2))
        do { _ = try queryWidget(w, source: Self.store, now: Self.now); Issue.record("expected an error") } catch {
            guard case .widget(let e) = error else { Issue.record("wrong error \(error)"); return }
            #expect(e.kind == .invalidTimeRange)
        }
        do { _ = try queryWidget(widget([metricRow(0)]), source: BrokenSource(), now: Self.now); Issue.record("expected an error") } catch {
            #expect(error == .dataSource("connection refused"))
            #expect(error.description == "the metric data source failed: connection refused")
        }
        do { _ = try queryWidget(widget([metricRow(0, period: 0)]), source: Self.store, now: Self.now); Issue.record("expected an error") } catch {
            guard case .widget(let e) = error else { Issue.record("wrong error \(error)"); return }
            #expect(e.kind == .invalidValue)
            #expect(e.path == "metrics[0]")
        }
    }

    @Test func filesEndToEnd() throws {
        let source = try MetricDataFiles.load(files: [
            ("orders.json", Array(ordersJSON.utf8)), ("cpu.json", Array(recordedJSON.utf8)),
        ])
        var w = MetricWidget(rows: [metricRow(0, id: "m1", namespace: "AWS/EC2", name: "CPUUtilization", dims: []),
                                    metricRow(1, id: "pay", stat: "Sum")])
        w.start = .absolute(at("2024-03-15T12:00:00Z"))
        w.end = .absolute(at("2024-03-15T12:15:00Z"))
        let data = try queryWidget(w, source: source, now: at("2024-03-15T14:00:00Z"))
        #expect(data.series.map(\.label) == ["CPUUtilization", "Latency"])
        #expect(present(data.series[0].values) == [1, 2.25, 3.5])
        #expect(present(data.series[1].values) == [720, 500, nil])
        #expect(data.series[1].unit == "Milliseconds")
        #expect(data.warnings.isEmpty)
    }

    @Test func deterministic() throws {
        let w = widget([metricRow(0), metricRow(1, stat: "p90"), expressionRow(2, id: "e1")])
        let a = try queryWidget(w, source: Self.store, now: Self.now)
        let b = try queryWidget(w, source: Self.store, now: Self.now)
        #expect(a.series.map(\.label) == b.series.map(\.label))
        #expect(a.warnings == b.warnings)
        #expect(a.series.map { present($0.values) } == b.series.map { present($0.values) })
    }
}
