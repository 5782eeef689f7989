import ChartCore
import MetricQuery

/// The parameters of `GET /api/v1/graph/snapshot` (api.md §9).
public struct DatadogSnapshotRequest: Sendable, Equatable {
    public var metricQuery: String?
    public var graphDef: String?
    public var start: EpochSeconds
    public var end: EpochSeconds
    public var eventQuery: String?
    public var title: String?
    public var width: Int
    public var height: Int

    /// The longest range a snapshot may cover (CloudWatch keeps 455 days of hourly data).
    public static let maxRange: EpochSeconds = 455 * 86_400

    public init(query: String) throws(DatadogError) {
        guard let params = FormEncoding.decode(Substring(query)) else { throw DatadogError("The query string has a malformed percent escape") }
        func param(_ n: String) -> String? { params.last { $0.name == n }?.value }
        func int(_ n: String) throws(DatadogError) -> Int64? {
            guard let s = param(n) else { return nil }
            guard let v = Int64(s) else { throw DatadogError("Invalid \(n): \(s) is not an integer") }
            return v
        }
        metricQuery = param("metric_query").flatMap { $0.isEmpty ? nil : $0 }
        graphDef = param("graph_def").flatMap { $0.isEmpty ? nil : $0 }
        guard metricQuery != nil || graphDef != nil else { throw DatadogError("Either metric_query or graph_def is required") }
        guard let s = try int("start") else { throw DatadogError("Missing required parameter start") }
        guard let e = try int("end") else { throw DatadogError("Missing required parameter end") }
        guard s < e else { throw DatadogError("start must be before end") }
        guard e - s <= Self.maxRange else { throw DatadogError("The range from start to end is longer than 455 days") }
        start = s; end = e
        eventQuery = param("event_query").flatMap { $0.isEmpty ? nil : $0 }
        title = param("title").flatMap { $0.isEmpty ? nil : $0 }
        let w = try int("width") ?? 600, h = try int("height") ?? 400
        guard (1...2000).contains(w), (1...2000).contains(h) else { throw DatadogError("width and height must be 1 to 2000 pixels") }
        width = Int(w); height = Int(h)
    }

    /// The graph to draw.
    public func graph() throws(DatadogError) -> DatadogGraph {
        if let graphDef { return try DatadogGraph(graphDef: graphDef, eventQuery: eventQuery) }
        return DatadogGraph(metricQuery: metricQuery ?? "", eventQuery: eventQuery)
    }

    /// Computes the series and builds the MetricWidget that draws them: the widget's rows
    /// replay the computed series (ids `m1`, `m2`, …) from the returned source.
    public func widget(source: any MetricDataSource, now: EpochSeconds) throws(DatadogError) -> (json: String, data: RecordedMetricDataSource) {
        let graph = try graph()
        let period = AutoPeriod.forRange(end - start)
        let evaluator = DatadogEvaluator(source: source, start: start, end: end, period: period, now: now)
        var recorded: [RecordedMetricDataSource.Series] = []
        var rows: [WireValue] = []
        for request in graph.requests {
            let formulas = try DatadogQueryParser.parse(request.q)
            let texts = request.q.splitTopLevelCommas()
            for (k, formula) in formulas.enumerated() {
                for s in try evaluator.evaluate(formula, text: k < texts.count ? texts[k] : request.q) {
                    let id = "m\(recorded.count + 1)"
                    recorded.append(.init(id: id, label: s.label, timestamps: s.timestamps, values: s.values))
                    rows.append(.list([
                        .string("Graphshot/Datadog"), .string("series"), .string("id"), .string(id),
                        .object([("id", .string(id)), ("label", .string(s.label))]),
                    ]))
                }
            }
        }
        guard rows.count <= 100 else { throw DatadogError("The graph has \(rows.count) series; at most 100 can be drawn") }
        if rows.isEmpty {
            // Nothing matched: draw an empty graph with the query as its only (empty) row.
            recorded.append(.init(id: "m1", label: graph.requests[0].q, timestamps: [], values: []))
            rows.append(.list([
                .string("Graphshot/Datadog"), .string("series"), .string("id"), .string("m1"),
                .object([("id", .string("m1")), ("label", .string(graph.requests[0].q))]),
            ]))
        }
        var vertical: [WireValue] = []
        for q in graph.events {
            for e in try DatadogEventQuery(q).events(source: source, start: start, end: end, now: now) {
                vertical.append(.object([("value", .string(ISO8601.format(e.time))), ("label", .string(e.title))]))
            }
        }
        let horizontal: [WireValue] = graph.markers.map { m in
            .object([("value", .double(m.value)), ("label", m.label.map { .string($0) })])
        }
        var left: [(String, WireValue?)] = []
        if let v = graph.yMin { left.append(("min", .double(v))) }
        if let v = graph.yMax { left.append(("max", .double(v))) }
        let stacked = graph.requests.allSatisfy { $0.type == .area }
        let widget = WireValue.object([
            ("metrics", .list(rows)),
            ("title", title.map { .string($0) }),
            ("width", .integer(Int64(width))), ("height", .integer(Int64(height))),
            ("start", .string(ISO8601.format(start))), ("end", .string(ISO8601.format(end))),
            ("period", .integer(Int64(period))), ("stat", .string("Average")),
            ("view", .string("timeSeries")), ("stacked", .bool(stacked)),
            ("yAxis", left.isEmpty ? nil : .object([("left", .object(left))])),
            ("annotations", vertical.isEmpty && horizontal.isEmpty ? nil : .object([
                ("vertical", vertical.isEmpty ? nil : .list(vertical)),
                ("horizontal", horizontal.isEmpty ? nil : .list(horizontal)),
            ])),
        ])
        return (String(decoding: WireJSON.encode(widget), as: UTF8.self), RecordedMetricDataSource(recorded))
    }

    /// The `GraphSnapshot` answer.
    public func response(snapshotURL: String) -> [UInt8] {
        WireJSON.encode(.object([
            ("graph_def", graphDef.map { .string($0) }), ("metric_query", metricQuery.map { .string($0) }),
            ("snapshot_url", .string(snapshotURL)),
        ]))
    }
}

extension String {
    /// Splits at commas outside braces and parentheses (one formula each).
    func splitTopLevelCommas() -> [String] {
        var out: [String] = [], current = "", depth = 0
        for c in self {
            switch c {
            case "{", "(": depth += 1
            case "}", ")": depth -= 1
            case "," where depth == 0:
                out.append(current.trimmingSpaces); current = ""
                continue
            default: break
            }
            current.append(c)
        }
        out.append(current.trimmingSpaces)
        return out
    }
}
