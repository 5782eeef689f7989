import ChartCore
import CloudWatchWire
import MetricQuery
import Testing
import WidgetSpec

@Suite("SigV4 canonicalization")
struct SigV4CanonicalTests {
    /// AWS's documented example request (IAM ListUsers).
    static let request = WireHTTPRequest(
        method: "GET", path: "/", query: "Action=ListUsers&Version=2010-05-08",
        headers: [
            ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"), ("Host", "iam.amazonaws.com"),
            ("X-Amz-Date", "20150830T123600Z"),
            ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"),
        ])

    @Test("the Authorization header is parsed")
    func parse() throws {
        let sig = try SigV4Verifier.parse(Self.request)
        #expect(sig.accessKeyId == "AKIDEXAMPLE")
        #expect(sig.scope == "20150830/us-east-1/iam/aws4_request")
        #expect(sig.signedHeaders == ["content-type", "host", "x-amz-date"])
        #expect(sig.amzDate == "20150830T123600Z")
        #expect(!sig.presigned)
    }

    @Test("canonical request of AWS's example")
    func canonical() throws {
        let sig = try SigV4Verifier.parse(Self.request)
        let text = try SigV4Verifier.canonicalRequest(
            Self.request, signature: sig, payloadHash: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(text == """
            GET
            /
            Action=ListUsers&Version=2010-05-08
            content-type:application/x-www-form-urlencoded; charset=utf-8
            host:iam.amazonaws.com
            x-amz-date:20150830T123600Z

            content-type;host;x-amz-date
            e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
            """)
    }

    @Test("query canonicalization sorts, re-encodes and drops X-Amz-Signature; paths are encoded once more")
    func queryAndPath() {
        #expect(SigV4Verifier.canonicalQuery("b=2&a=%7Ex+y&X-Amz-Signature=abc&a=1") == "a=1&a=~x%2By&b=2")
        #expect(SigV4Verifier.canonicalURI("/a b/%41") == "/a%20b/%2541")
        #expect(SigV4Verifier.parseAmzDate("20150830T123600Z") == ISO8601.parse("2015-08-30T12:36:00Z"))
        #expect(SigV4Verifier.formatAmzDate(Double(ISO8601.parse("2015-08-30T12:36:00Z")!)) == "20150830T123600Z")
    }

    @Test("missing and malformed signatures get AWS's codes")
    func failures() {
        func code(_ headers: [(name: String, value: String)], query: String = "") -> String? {
            do { _ = try SigV4Verifier.parse(WireHTTPRequest(method: "POST", path: "/", query: query, headers: headers)); return nil } catch { return error.code }
        }
        #expect(code([]) == "MissingAuthenticationToken")
        #expect(code([("Authorization", "AWS4-HMAC-SHA256 Credential=A/20150830/us-east-1/monitoring/aws4_request")]) == "IncompleteSignature")
        #expect(code([("Authorization", "Basic abc")]) == "IncompleteSignature")
        #expect(code([("Authorization", "AWS4-HMAC-SHA256 Credential=A/2015/us-east-1/monitoring/aws4_request, SignedHeaders=host, Signature=ab"), ("X-Amz-Date", "20150830T123600Z")]) == "IncompleteSignature")
        #expect(code([], query: "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=A%2F20150830%2Fus-east-1%2Fmonitoring%2Faws4_request") == "IncompleteSignature")
    }
}

@Suite("Datadog query translation")
struct DatadogTests {
    @Test("metric_query grammar")
    func parse() throws {
        let q = try DatadogQueryParser.parse("sum:system.cpu.user{env:prod,!host:b} by {host}")
        #expect(q == [.query(DatadogMetricQuery(
            aggregator: .sum, metric: "system.cpu.user",
            filters: [DatadogTagFilter(key: "env", value: "prod"), DatadogTagFilter(key: "host", value: "b", negated: true)],
            groupBy: ["host"]))])
        let f = try DatadogQueryParser.parse("avg:a{*} / (max:b{*} - 2) * 100, min:c{x}")
        #expect(f.count == 2)
        #expect(f[0] == .binary("*", .binary("/", .query(DatadogMetricQuery(aggregator: .avg, metric: "a")),
                                              .binary("-", .query(DatadogMetricQuery(aggregator: .max, metric: "b")), .number(2))),
                                  .number(100)))
        #expect(f[1] == .query(DatadogMetricQuery(aggregator: .min, metric: "c", filters: [DatadogTagFilter(key: "x")])))
        #expect(throws: DatadogError.self) { try DatadogQueryParser.parse(String(repeating: "(", count: 100_000) + "1") }
        #expect(throws: DatadogError.self) { try DatadogQueryParser.parse(String(repeating: "-", count: 100_000) + "1") }
        #expect(try DatadogQueryParser.parse(String(repeating: "(", count: 30) + "1" + String(repeating: ")", count: 30)) == [.number(1)])
        for bad in ["avg:", "median:a{*}", "avg:a", "avg:a{*", "avg:a{*} by host", "avg:a{*}.rollup(sum)", "avg:a{*} +", "(avg:a{*}"] {
            #expect(throws: DatadogError.self, "\(bad)") { try DatadogQueryParser.parse(bad) }
        }
    }

    static let start: EpochSeconds = 1_709_251_200

    static func store() -> InMemoryMetricStore {
        var data: [MetricDatum] = []
        for (host, base) in [("a", 10.0), ("b", 20.0), ("c", 30.0)] {
            let m = MetricIdentity(namespace: "System", name: "system.load.1", dimensions: [Dimension(name: "host", value: host), Dimension(name: "env", value: host == "c" ? "dev" : "prod")])
            for i in 0..<10 { data.append(MetricDatum(metric: m, timestamp: start + EpochSeconds(i * 60), value: base + Double(i))) }
        }
        let deploy = MetricIdentity(namespace: "Events", name: "deploy web", dimensions: [Dimension(name: "service", value: "web")])
        data.append(MetricDatum(metric: deploy, timestamp: start + 300, value: 1))
        return InMemoryMetricStore(data)
    }

    func evaluate(_ q: String) throws -> [DatadogSeries] {
        let e = DatadogEvaluator(source: Self.store(), start: Self.start, end: Self.start + 600, period: 60, now: Self.start + 7200)
        return try e.evaluate(try DatadogQueryParser.parse(q)[0], text: q)
    }

    @Test("space aggregation, grouping, filters and arithmetic")
    func evaluation() throws {
        let all = try evaluate("avg:system.load.1{*}")
        #expect(all.count == 1)
        #expect(all[0].label == "avg:system.load.1{*}")
        #expect(all[0].values.first == 20)
        #expect(all[0].timestamps.count == 10)
        #expect(try evaluate("sum:system.load.1{env:prod}")[0].values.first == 30)
        #expect(try evaluate("max:system.load.1{!host:c}")[0].values.last == 29)
        let grouped = try evaluate("avg:system.load.1{*} by {host}")
        #expect(grouped.map(\.label) == ["host:a", "host:b", "host:c"])
        let ratio = try evaluate("avg:system.load.1{*} by {host} / avg:system.load.1{*} * 100")
        #expect(ratio.map(\.label) == ["host:a", "host:b", "host:c"])
        #expect(ratio[0].values.first == 50)
        #expect(try evaluate("avg:nothing{*}").isEmpty)
    }

    @Test("snapshot request → widget with replayed series and event annotations")
    func snapshot() throws {
        let r = try DatadogSnapshotRequest(query: "metric_query=avg%3Asystem.load.1%7B*%7D+by+%7Bhost%7D&start=\(Self.start)&end=\(Self.start + 600)&title=Load&event_query=tags%3Aservice%3Aweb&width=300&height=200")
        let (json, data) = try r.widget(source: Self.store(), now: Self.start + 7200)
        #expect(json.contains(#""title":"Load""#))
        #expect(json.contains(#""width":300"#))
        #expect(json.contains(#""vertical":[{"value":"2024-03-01T00:05:00Z","label":"deploy web"}]"#))
        #expect(data.contains(id: "m3"))
        #expect(!data.contains(id: "m4"))
        #expect(String(decoding: r.response(snapshotURL: "http://x/s.png"), as: UTF8.self)
            == #"{"metric_query":"avg:system.load.1{*} by {host}","snapshot_url":"http://x/s.png"}"#)
        #expect(throws: DatadogError.self) { try DatadogSnapshotRequest(query: "start=1&end=2") }
        #expect(throws: DatadogError.self) { try DatadogSnapshotRequest(query: "metric_query=a&start=5&end=2") }
        #expect(throws: DatadogError.self) { try DatadogGraph(graphDef: #"{"viz": "toplist", "requests": [{"q": "a{*}"}]}"#, eventQuery: nil) }
        let g = try DatadogGraph(graphDef: #"{"viz": "timeseries", "requests": [{"q": "avg:a{*}", "type": "area"}], "events": [{"q": "tags:deploy"}], "yaxis": {"min": "0"}, "markers": [{"value": "y = 90", "label": "high"}]}"#, eventQuery: nil)
        #expect(g.requests == [DatadogGraph.Request(q: "avg:a{*}", type: .area)])
        #expect(g.events == ["tags:deploy"])
        #expect(g.yMin == 0)
        #expect(g.markers.first?.value == 90)
    }

    @Test("auto periods")
    func periods() {
        #expect(AutoPeriod.forRange(3600) == 60)
        #expect(AutoPeriod.forRange(86_400) == 60)
        #expect(AutoPeriod.forRange(86_401) == 300)
        #expect(AutoPeriod.forRange(30 * 86_400) == 3600)
        #expect(AutoPeriod.finer(than: 300) == 60)
        #expect(AutoPeriod.finer(than: 3600) == 900)
        #expect(AutoPeriod.finer(than: 60) == 60)
    }
}

@Suite("Dashboard widgets (NAVER endpoint) and dashboard validation")
struct DashboardWidgetTests {
    static let body = """
        { "start": "-PT6H", "periodOverride": "inherit",
          "variables": [{"type": "property", "property": "Country", "inputType": "input", "id": "c", "defaultValue": "IT"}],
          "widgets": [
            { "type": "metric", "x": 0, "y": 0, "width": 12, "height": 6,
              "properties": { "region": "eu-west-1", "title": "Orders", "stat": "Sum", "period": 300,
                              "metrics": [ [ "Shop/Orders", "Count", "Country", "DE" ], [ "...", "FR", {"period": 60} ] ] } },
            { "type": "text", "x": 12, "y": 0, "width": 12, "height": 6, "properties": { "markdown": "# Notes" } } ] }
        """

    @Test("request parameters: milliseconds, mode, size, errors")
    func request() throws {
        let r = try DashboardWidgetRequest(dashboardId: "shop", widgetId: "0", query: "startTime=1733097600000&endTime=1733148000000&widgetResolutionMode=HIGH")
        #expect(r.start == 1_733_097_600)
        #expect(r.end == 1_733_148_000)
        #expect(r.mode == .high)
        #expect(r.width == 800 && r.height == 600)
        func status(_ widget: String, _ query: String) -> Int? {
            do { _ = try DashboardWidgetRequest(dashboardId: "d", widgetId: widget, query: query); return nil } catch { return error.status }
        }
        #expect(status("0", "endTime=1") == 400)
        #expect(status("0", "startTime=2&endTime=1") == 400)
        #expect(status("0", "startTime=1&endTime=2&widgetResolutionMode=LOW") == 400)
        #expect(status("bucket_size__1", "startTime=1&endTime=2") == 404)
    }

    @Test("widget JSON: variables, inherit periods, HIGH one step finer, size and range")
    func widgetJSON() throws {
        let json = try DashboardWidgetJSON.metricWidgetJSON(dashboardBody: Self.body, index: 0, start: 1_733_097_600, end: 1_733_148_000, mode: .auto, width: 800, height: 600)
        #expect(json.contains(#"["Shop/Orders","Count","Country","IT"]"#))
        #expect(json.contains(#""period":300"#))
        #expect(json.contains(#""width":800,"height":600,"start":"2024-12-02T00:00:00Z","end":"2024-12-02T14:00:00Z""#))
        _ = try MetricWidget.parse(json: json)
        let high = try DashboardWidgetJSON.metricWidgetJSON(dashboardBody: Self.body, index: 0, start: 1_733_097_600, end: 1_733_148_000, mode: .high, width: 800, height: 600)
        #expect(high.contains(#""period":60"#) && !high.contains(#""period":300"#))
        let auto = Self.body.replacingOccurrences(of: #""periodOverride": "inherit","#, with: "")
        let a = try DashboardWidgetJSON.metricWidgetJSON(dashboardBody: auto, index: 0, start: 0, end: 7 * 86_400, mode: .auto, width: 800, height: 600)
        #expect(a.contains(#"{"period":900}"#) && a.contains(#""period":900"#))
        #expect(throws: DashboardWidgetError(400, #"Widget 1 is of type "text"; only metric widgets can be drawn as images"#)) {
            try DashboardWidgetJSON.metricWidgetJSON(dashboardBody: Self.body, index: 1, start: 0, end: 60, mode: .auto, width: 800, height: 600)
        }
        #expect(throws: DashboardWidgetError.self) {
            try DashboardWidgetJSON.metricWidgetJSON(dashboardBody: Self.body, index: 2, start: 0, end: 60, mode: .auto, width: 800, height: 600)
        }
    }

    @Test("PutDashboard body validation")
    func validation() {
        #expect(DashboardBodyValidator.validate(Self.body).isEmpty)
        #expect(DashboardBodyValidator.validate("[]").map(\.dataPath) == [""])
        #expect(DashboardBodyValidator.validate("{}").map(\.dataPath) == ["/widgets"])
        let badVariable = Self.body.replacingOccurrences(of: #""id": "c""#, with: #""id": "c c""#)
        #expect(DashboardBodyValidator.validate(badVariable).map(\.dataPath) == ["/variables/0/id"])
        let redos = Self.body.replacingOccurrences(of: #""type": "property", "property": "Country""#, with: #""type": "pattern", "pattern": "(a+)+""#)
        #expect(DashboardBodyValidator.validate(redos).map(\.dataPath) == ["/variables/0/pattern"])
        #expect(DashboardBodyValidator.validate(#"{"widgets": [{"type": "chart", "properties": {}}]}"#).map(\.dataPath) == ["/widgets/0/type"])
        #expect(DashboardBodyValidator.validate(#"{"widgets": [{"type": "metric", "width": 30, "properties": {"metrics": [["A", "B"]]}}]}"#).map(\.dataPath) == ["/widgets/0/width"])
        let bad = DashboardBodyValidator.validate(#"{"widgets": [{"type": "metric", "properties": {"metrics": [["A", "B"], ["C"]]}}]}"#)
        #expect(bad.count == 1)
        #expect(bad.first?.dataPath.hasPrefix("/widgets/0/properties/metrics") == true)
        #expect(DashboardBodyValidator.pointer("metrics[2][1]") == "/metrics/2/1")
        #expect(DashboardBodyValidator.pointer("yAxis.left.min") == "/yAxis/left/min")
    }
}
