import ChartCore
import Testing
@testable import WidgetSpec

/// The worked examples of metric-widget spec §13, verbatim.
enum WorkedExamples {
    static let twoMetricsRightAxis = #"""
        {
          "title": "Checkout health",
          "width": 800, "height": 300,
          "start": "-PT6H",
          "period": 60,
          "metrics": [
            [ "Shop/Checkout", "LatencyMs", "Stage", "prod", { "stat": "p95", "label": "p95 latency" } ],
            [ ".", "Failures", ".", ".", { "stat": "Sum", "yAxis": "right", "color": "#d62728" } ]
          ],
          "yAxis": { "left": { "min": 0, "max": 2000, "label": "ms", "showUnits": false },
                     "right": { "min": 0 } },
          "legend": { "position": "right" }
        }
        """#

    static let mathHidingInputs = #"""
        {
          "metrics": [
            [ "Shop/Api", "Errors",   "Route", "/pay", { "id": "err", "stat": "Sum", "visible": false } ],
            [ ".",        "Requests", ".",     ".",    { "id": "req", "stat": "Sum", "visible": false } ],
            [ { "expression": "100 * err / req", "id": "rate", "label": "Error rate % (max ${MAX})" } ]
          ],
          "yAxis": { "left": { "min": 0 } }
        }
        """#

    static let multiSeriesExpression = #"""
        {
          "metrics": [
            [ { "expression": "SEARCH('{Shop/Api,Route} MetricName=\"Latency\"', 'p90', 300)", "id": "s", "label": "" } ],
            [ { "expression": "MAX(s)", "id": "worst", "label": "worst route", "color": "#000000" } ]
          ]
        }
        """#

    static let annotationsOfEveryKind = #"""
        {
          "metrics": [ [ "Shop/Api", "LatencyMs", { "stat": "p99" } ] ],
          "annotations": {
            "horizontal": [
              { "value": 1500, "label": "SLO", "color": "#d62728", "fill": "above" },
              [ { "value": 300, "label": "normal high", "color": "#2ca02c" }, { "value": 100, "label": "normal low" } ],
              { "value": 50, "label": "hidden", "visible": false }
            ],
            "vertical": [
              { "value": "2024-03-01T10:15:00Z", "label": "deploy v42", "fill": "after", "color": "#1f77b4" },
              [ { "value": "2024-03-01T09:00:00Z", "label": "incident" }, { "value": "2024-03-01T09:40:00Z" } ]
            ]
          },
          "start": "2024-03-01T08:00:00Z", "end": "2024-03-01T12:00:00Z"
        }
        """#

    static let stackedArea = #"""
        { "view": "timeSeries", "stacked": true,
          "metrics": [ [ "Shop/Queue", "Depth", "Queue", "email" ], [ "...", "sms" ], [ "...", "push" ] ],
          "stat": "Maximum" }
        """#

    static let numberWithSparkline = #"""
        { "view": "singleValue", "sparkline": true, "trend": true, "singleValueFullPrecision": false,
          "metrics": [ [ "Shop/Checkout", "OrdersPlaced", { "stat": "Sum", "label": "Orders / 5 min" } ] ] }
        """#

    static let wholeRangeBar = #"""
        { "view": "bar", "setPeriodToTimeRange": true, "stat": "Sum", "start": "-P1D",
          "metrics": [ [ "Shop/Orders", "Count", "Country", "DE" ], [ "...", "FR" ], [ "...", "JP" ] ] }
        """#

    static let wholeRangePie = #"""
        { "view": "pie", "labels": { "visible": true }, "setPeriodToTimeRange": true, "stat": "Sum",
          "metrics": [ [ "Shop/Orders", "Count", "Country", "DE" ], [ "...", "FR" ], [ "...", "JP" ] ] }
        """#

    static let gaugeWithThresholds = #"""
        { "view": "gauge",
          "metrics": [ [ "Host/Disk", "UsedPercent", "Mount", "/data" ] ],
          "yAxis": { "left": { "min": 0, "max": 100 } },
          "annotations": { "horizontal": [
              { "value": 80, "color": "#ff7f0e", "fill": "above", "label": "warn" },
              { "value": 95, "color": "#d62728", "fill": "above", "label": "crit" } ] } }
        """#

    static let table = #"""
        { "view": "table", "period": 3600, "start": "-PT12H",
          "table": { "layout": "vertical", "showTimeSeriesData": false, "summaryColumns": ["MAX", "AVG"] },
          "metrics": [ [ "Shop/Api", "LatencyMs", "Route", "/cart" ], [ "...", "/pay" ] ],
          "annotations": { "horizontal": [ { "value": 1000, "color": "#d62728", "fill": "above" } ] } }
        """#

    static let timezoneDarkLive = #"""
        { "metrics": [ [ "Shop/Api", "Requests", { "stat": "Sum" } ] ],
          "timezone": "+0530", "theme": "dark", "liveData": true, "start": "-PT30M", "period": 60 }
        """#

    static let insightsQuery = #"""
        { "metrics": [ [ { "expression": "SELECT AVG(LatencyMs) FROM SCHEMA(\"Shop/Api\", Route) GROUP BY Route ORDER BY AVG() DESC LIMIT 5",
                           "id": "q1", "label": "", "period": 300 } ] ],
          "start": "-PT3H" }
        """#

    static let all = [
        twoMetricsRightAxis, mathHidingInputs, multiSeriesExpression, annotationsOfEveryKind, stackedArea,
        numberWithSparkline, wholeRangeBar, wholeRangePie, gaugeWithThresholds, table, timezoneDarkLive, insightsQuery,
    ]
}

@Suite("Worked examples (§13)")
struct WorkedExampleTests {
    @Test func example13_1() throws {
        let w = try parseOK(WorkedExamples.twoMetricsRightAxis)
        #expect(w.title == "Checkout health")
        #expect(w.width == 800 && w.height == 300)
        #expect(w.start == .relative(RelativeDuration(hours: -6)))
        #expect(w.period == 60)
        let rows = w.metricRows
        #expect(positional(rows[0]) == ["Shop/Checkout", "LatencyMs", "Stage", "prod"])
        #expect(positional(rows[1]) == ["Shop/Checkout", "Failures", "Stage", "prod"])
        #expect(rows[0].stat == .percentile(95) && rows[0].label == "p95 latency" && rows[0].period == 60)
        #expect(rows[1].stat == .sum && rows[1].yAxis == .right && rows[1].color == RGBA(r: 0xd6, g: 0x27, b: 0x28))
        #expect(w.yAxis.left == YAxisOptions(min: 0, max: 2000, label: "ms", showUnits: false))
        #expect(w.yAxis.right == YAxisOptions(min: 0))
        #expect(w.legend == .right)
    }

    @Test func example13_2() throws {
        let w = try parseOK(WorkedExamples.mathHidingInputs)
        #expect(w.rows.map(\.id) == ["err", "req", "rate"])
        #expect(w.metricRows.allSatisfy { !$0.visible && $0.stat == .sum })
        #expect(positional(w.metricRows[1]) == ["Shop/Api", "Requests", "Route", "/pay"])
        #expect(w.expressionRows[0].expression == "100 * err / req")
        #expect(w.expressionRows[0].label == "Error rate % (max ${MAX})")
        #expect(w.yAxis.left.min == 0)
    }

    @Test func example13_3() throws {
        let w = try parseOK(WorkedExamples.multiSeriesExpression)
        #expect(w.metricRows.isEmpty)
        #expect(w.expressionRows.map(\.id) == ["s", "worst"])
        #expect(w.expressionRows[0].expression == #"SEARCH('{Shop/Api,Route} MetricName="Latency"', 'p90', 300)"#)
        #expect(w.expressionRows[0].label == "")
        #expect(w.expressionRows[1].color == .black)
    }

    @Test func example13_4() throws {
        let w = try parseOK(WorkedExamples.annotationsOfEveryKind)
        #expect(w.start == .absolute(1_709_280_000))
        #expect(w.end == .absolute(1_709_294_400))
        #expect(w.annotations.horizontal.count == 3)
        #expect(w.annotations.horizontal[1].shape == .band(first: 300, firstLabel: "normal high", second: 100, secondLabel: "normal low"))
        #expect(w.annotations.horizontal[1].color == RGBA(r: 0x2c, g: 0xa0, b: 0x2c))
        #expect(w.annotations.horizontal[2].visible == false)
        #expect(w.annotations.vertical[0].shape == .line(time: 1_709_288_100, label: "deploy v42", fill: .after))
        #expect(w.annotations.vertical[1].shape == .band(first: 1_709_283_600, firstLabel: "incident", second: 1_709_286_000, secondLabel: nil))
    }

    @Test func example13_5() throws {
        let w = try parseOK(WorkedExamples.stackedArea)
        #expect(w.stacked)
        #expect(w.metricRows.map { $0.metric.dimensionValue("Queue") } == ["email", "sms", "push"])
        #expect(w.metricRows.allSatisfy { $0.stat == .maximum })
    }

    @Test func example13_6() throws {
        let w = try parseOK(WorkedExamples.numberWithSparkline)
        #expect(w.view == .singleValue && w.sparkline && w.trend && !w.singleValueFullPrecision)
        #expect(w.metricRows[0].label == "Orders / 5 min")
    }

    @Test func example13_7() throws {
        let bar = try parseOK(WorkedExamples.wholeRangeBar)
        #expect(bar.view == .bar && bar.setPeriodToTimeRange && bar.stat == .sum)
        #expect(bar.start == .relative(RelativeDuration(days: -1)))
        #expect(bar.metricRows.map { $0.metric.dimensionValue("Country") } == ["DE", "FR", "JP"])
        let pie = try parseOK(WorkedExamples.wholeRangePie)
        #expect(pie.view == .pie && pie.labelsVisible)
        #expect(pie.metricRows.map(\.metric) == bar.metricRows.map(\.metric))
    }

    @Test func example13_8() throws {
        let w = try parseOK(WorkedExamples.gaugeWithThresholds)
        #expect(w.view == .gauge)
        #expect(w.yAxis.left.min == 0 && w.yAxis.left.max == 100)
        #expect(w.annotations.horizontal.map(\.shape) == [.line(value: 80, label: "warn", fill: .above), .line(value: 95, label: "crit", fill: .above)])
    }

    @Test func example13_9() throws {
        let w = try parseOK(WorkedExamples.table)
        #expect(w.view == .table && w.period == 3600)
        #expect(w.table.layout == .vertical && !w.table.showTimeSeriesData && w.table.summaryColumns == [.MAX, .AVG])
        #expect(w.metricRows.map { $0.metric.dimensionValue("Route") } == ["/cart", "/pay"])
    }

    @Test func example13_10() throws {
        let w = try parseOK(WorkedExamples.timezoneDarkLive)
        #expect(w.timezone == DisplayTimeZone(offset: UTCOffset(minutes: 330)) && w.theme == .dark && w.liveData)
        #expect(w.start == .relative(RelativeDuration(minutes: -30)))
        #expect(w.metricRows[0].period == 60)
    }

    @Test func example13_11() throws {
        let w = try parseOK(WorkedExamples.insightsQuery)
        let q = try #require(w.expressionRows.first)
        #expect(q.id == "q1" && q.label == "" && q.period == 300)
        #expect(q.expression.hasPrefix("SELECT AVG(LatencyMs) FROM SCHEMA(\"Shop/Api\", Route)"))
    }
}
