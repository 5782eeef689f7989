import ChartCore
import Testing
@testable import WidgetSpec

@Suite("Top-level fields (§2)")
struct TopLevelFieldTests {
    @Test func minimalWidgetGetsEveryDefault() throws {
        let w = try parseOK(#"{"metrics":[["Shop/Checkout","OrdersPlaced"]]}"#)
        #expect(w.view == .timeSeries)
        #expect(w.stacked == false)
        #expect(w.title == nil)
        #expect(w.width == 600)
        #expect(w.height == 400)
        #expect(w.start == .relative(RelativeDuration(hours: -3)))
        #expect(w.end == .relative(RelativeDuration()))
        #expect(w.period == 300)
        #expect(w.stat == .average)
        #expect(w.region == nil)
        #expect(w.accountId == nil)
        #expect(w.timezone == .utc)
        #expect(w.theme == .light)
        #expect(w.legend == .bottom)
        #expect(w.liveData == false)
        #expect(w.setPeriodToTimeRange == false)
        #expect(w.sparkline == false)
        #expect(w.trend == false)
        #expect(w.singleValueFullPrecision == false)
        #expect(w.labelsVisible == false)
        #expect(w.table == TableOptions())
        #expect(w.table.layout == .horizontal)
        #expect(w.table.summaryColumns == [.MIN, .MAX, .SUM, .AVG])
        #expect(w.table.showTimeSeriesData == true)
        #expect(w.table.stickySummary == false)
        #expect(w.yAxis == YAxes())
        #expect(w.annotations == Annotations())

        #expect(w.rows.count == 1)
        let m = try #require(w.metricRows.first)
        #expect(m.rowIndex == 0)
        #expect(m.id == "m1")
        #expect(m.idIsImplicit)
        #expect(m.metric == MetricIdentity(namespace: "Shop/Checkout", name: "OrdersPlaced"))
        #expect(m.dimensionsInRowOrder.isEmpty)
        #expect(m.label == nil)
        #expect(m.color == nil)
        #expect(m.visible)
        #expect(m.yAxis == .left)
        #expect(m.stat == .average)
        #expect(m.period == 300)
        #expect(m.region == nil)
        #expect(m.accountId == nil)
    }

    @Test func everyFieldSet() throws {
        let w = try parseOK(widget(#"""
            "view": "bar", "stacked": true, "title": "Orders", "width": 800, "height": 300.0,
            "period": 60, "stat": "p99", "region": "eu-west-1", "accountId": "123456789012",
            "timezone": "-0330", "theme": "dark", "legend": {"position": "hidden"}, "liveData": true,
            "setPeriodToTimeRange": true, "sparkline": true, "trend": true, "singleValueFullPrecision": true,
            "labels": {"visible": true}, "start": "-P1D", "end": "-PT1H"
            """#))
        #expect(w.view == .bar)
        #expect(w.stacked)
        #expect(w.title == "Orders")
        #expect(w.width == 800)
        #expect(w.height == 300)
        #expect(w.period == 60)
        #expect(w.stat == .percentile(99))
        #expect(w.region == "eu-west-1")
        #expect(w.accountId == "123456789012")
        #expect(w.timezone == DisplayTimeZone(offset: UTCOffset(minutes: -210)))
        #expect(w.theme == .dark)
        #expect(w.legend == .hidden)
        #expect(w.liveData)
        #expect(w.setPeriodToTimeRange)
        #expect(w.sparkline)
        #expect(w.trend)
        #expect(w.singleValueFullPrecision)
        #expect(w.labelsVisible)
        #expect(w.start == .relative(RelativeDuration(days: -1)))
        #expect(w.end == .relative(RelativeDuration(hours: -1)))
        // Widget stat and period flow into rows without their own.
        #expect(w.metricRows[0].stat == .percentile(99))
        #expect(w.metricRows[0].period == 60)
    }

    @Test func nullIsTreatedAsAbsent() throws {
        let w = try parseOK(widget(#"""
            "view": null, "stacked": null, "title": null, "width": null, "height": null, "period": null,
            "stat": null, "region": null, "accountId": null, "timezone": null, "theme": null, "legend": null,
            "liveData": null, "setPeriodToTimeRange": null, "sparkline": null, "trend": null,
            "singleValueFullPrecision": null, "labels": null, "table": null, "yAxis": null,
            "annotations": null, "start": null, "end": null
            """#))
        let defaults = try parseOK(#"{"metrics":[["Shop/Checkout","OrdersPlaced"]]}"#)
        #expect(w == defaults)
        let nested = try parseOK(widget(#"""
            "legend": {"position": null}, "labels": {"visible": null},
            "table": {"layout": null, "summaryColumns": null}, "yAxis": {"left": null, "right": {"min": null}},
            "annotations": {"horizontal": null, "vertical": null, "alarms": null}
            """#))
        #expect(nested == defaults)
        let rows = try metricRows(#"[["A","B",{"id":null,"label":null,"stat":null,"period":null,"yAxis":null,"visible":null,"color":null}]]"#)
        #expect(rows[0].id == "m1" && rows[0].label == nil && rows[0].stat == .average && rows[0].period == 300)
    }

    @Test func unknownKeysAreIgnoredEverywhere() throws {
        let w = try parseOK(#"""
            {"copilot": true, "Metrics": 5, "VIEW": "nonsense", "dimensions": {"a": 1},
             "metrics": [["A", "B", {"dimensions": {"x": "y"}, "whatever": [1, 2], "Stat": "bogus"}],
                         [{"expression": "m1 * 2", "extra": null, "stat": "not a stat"}]],
             "legend": {"position": "right", "size": 3}, "yAxis": {"left": {"min": 1, "unit": "ms"}, "middle": {}},
             "table": {"colour": "red"}, "annotations": {"horizontal": [{"value": 1, "shape": "x"}], "other": 1},
             "labels": {"visible": true, "fontSize": 9}}
            """#)
        #expect(w.view == .timeSeries)
        #expect(w.legend == .right)
        #expect(w.yAxis.left.min == 1)
        #expect(w.metricRows[0].stat == .average)
        #expect(w.rows.count == 2)
    }

    @Test func keyNamesAreCaseSensitive() throws {
        let w = try parseOK(widget(#""yaxis": {"left": {"min": 5}}, "Width": 10, "Title": "x""#))
        #expect(w.yAxis.left.min == nil)
        #expect(w.width == 600)
        #expect(w.title == nil)
        expectError(#"{"Metrics":[["A","B"]]}"#, .missingField, at: "metrics")
    }

    @Test func emptyTitleIsNil() throws {
        #expect(try parseOK(widget(#""title": """#)).title == nil)
        #expect(try parseOK(widget(#""title": " ""#)).title == " ")
        expectError(widget(#""title": 5"#), .wrongType, at: "title")
    }

    @Test(arguments: WidgetView.allCases)
    func everyView(view: WidgetView) throws {
        let extra = view == .gauge ? #", "yAxis": {"left": {"min": 0, "max": 1}}"# : ""
        #expect(try parseOK(widget(#""view": "\#(view.rawValue)"\#(extra)"#)).view == view)
    }

    @Test func invalidView() {
        expectError(widget(#""view": "line""#), .invalidValue, at: "view", message: "\"line\" is not a valid view")
        expectError(widget(#""view": "TimeSeries""#), .invalidValue, at: "view")
        expectError(widget(#""view": 1"#), .wrongType, at: "view")
    }

    @Test func themeAndLegend() throws {
        #expect(try parseOK(widget(#""theme": "light""#)).theme == .light)
        expectError(widget(#""theme": "solarized""#), .invalidValue, at: "theme")
        expectError(widget(#""theme": true"#), .wrongType, at: "theme")
        for p in LegendPosition.allCases {
            #expect(try parseOK(widget(#""legend": {"position": "\#(p.rawValue)"}"#)).legend == p)
        }
        #expect(try parseOK(widget(#""legend": {}"#)).legend == .bottom)
        expectError(widget(#""legend": {"position": "left"}"#), .invalidValue, at: "legend.position",
                    message: "use bottom, right or hidden")
        expectError(widget(#""legend": "right""#), .wrongType, at: "legend")
        expectError(widget(#""legend": {"position": 2}"#), .wrongType, at: "legend.position")
    }

    @Test func timezone() throws {
        #expect(try parseOK(widget(#""timezone": "+0530""#)).timezone == DisplayTimeZone(offset: UTCOffset(minutes: 330)))
        #expect(try parseOK(widget(#""timezone": "+1400""#)).timezone == DisplayTimeZone(offset: UTCOffset(minutes: 840)))
        #expect(try parseOK(widget(#""timezone": "-0000""#)).timezone == .utc)
        for bad in ["+1500", "0530", "+05:30", "+0560", "utc", "", "+530", "GMT+5", "EST5EDT", "Local", "Europe//Paris", "/etc/passwd"] {
            expectError(widget(#""timezone": "\#(bad)""#), .invalidValue, at: "timezone")
        }
        #expect(try parseOK(widget(#""timezone": "UTC""#)).timezone.identifier == "UTC")
        #expect(try parseOK(widget(#""timezone": "Europe/Paris""#)).timezone.identifier == "Europe/Paris")
        #expect(try parseOK(widget(#""timezone": "America/New_York""#)).timezone.isFixed == false)
        for unknown in ["Europe/Pariss", "Mars/Olympus_Mons", "europe/paris", "../../etc/passwd"] {
            expectError(widget(#""timezone": "\#(unknown)""#), unknown.hasPrefix("..") ? .invalidValue : .unknownTimeZone, at: "timezone")
        }
        expectError(widget(#""timezone": 530"#), .wrongType, at: "timezone")
    }

    @Test(arguments: [1, 5, 10, 20, 30, 60, 120, 300, 3600, 86400])
    func validPeriods(period: Int) throws {
        #expect(try parseOK(widget(#""period": \#(period)"#)).period == period)
    }

    @Test(arguments: [0, -60, 2, 15, 45, 90, 301, 59])
    func invalidPeriods(period: Int) {
        expectError(widget(#""period": \#(period)"#), .invalidValue, at: "period",
                    message: "is not a valid period (use 1, 5, 10, 20, 30, 60 or a multiple of 60)")
    }

    @Test func periodTypesAndFloats() throws {
        #expect(try parseOK(widget(#""period": 300.0"#)).period == 300)
        #expect(try parseOK(widget(#""period": 3e2"#)).period == 300)
        expectError(widget(#""period": "300""#), .wrongType, at: "period", message: "found the string \"300\"")
        expectError(widget(#""period": 60.5"#), .invalidValue, at: "period")
        expectError(widget(#""period": 1e300"#), .invalidValue, at: "period")
        expectError(widget(#""period": true"#), .wrongType, at: "period")
        #expect(parseError(widget(#""period": 45"#))?.description
                == "period: 45 is not a valid period (use 1, 5, 10, 20, 30, 60 or a multiple of 60)")
    }

    @Test func statistics() throws {
        #expect(try parseOK(widget(#""stat": "Sum""#)).stat == .sum)
        #expect(try parseOK(widget(#""stat": "TM(10%:90%)""#)).stat
                == .trimmedMean(StatisticBounds(lower: 10, upper: 90, isPercent: true)))
        #expect(try parseOK(widget(#""stat": "IQM""#)).stat == .interquartileMean)
        #expect(try parseOK(widget(#""stat": "PR(:500)""#)).stat
                == .percentileRank(StatisticBounds(lower: nil, upper: 500, isPercent: false)))
        expectError(widget(#""stat": "Median""#), .invalidValue, at: "stat", message: "Median")
        expectError(widget(#""stat": "p101""#), .invalidValue, at: "stat")
        expectError(widget(#""stat": "PR(10%:90%)""#), .invalidValue, at: "stat")
        expectError(widget(#""stat": """#), .invalidValue, at: "stat")
        expectError(widget(#""stat": 99"#), .wrongType, at: "stat")
        for bad in ["TM(", "TM()", "TM(:)", "TM(%:%)", "PR(", "PR(1%:2%)", "p", "tm", "TM(1:2", "TM)", "TM(90%:10%)", "p-1", "p1.12345678901"] {
            expectError(widget(#""stat": "\#(bad)""#), .invalidValue, at: "stat")
        }
    }

    @Test func imageSize() throws {
        let w = try parseOK(widget(#""width": 1, "height": 2000"#))
        #expect(w.width == 1 && w.height == 2000)
        #expect(try parseOK(widget(#""width": 2000.0"#)).width == 2000)
        expectError(widget(#""width": 0"#), .imageSizeOutOfRange, at: "width")
        expectError(widget(#""width": 2001"#), .imageSizeOutOfRange, at: "width", message: "1 to 2000")
        expectError(widget(#""height": 0"#), .imageSizeOutOfRange, at: "height")
        expectError(widget(#""height": 2001"#), .imageSizeOutOfRange, at: "height")
        expectError(widget(#""height": -5"#), .imageSizeOutOfRange, at: "height")
        expectError(widget(#""width": 1e300"#), .imageSizeOutOfRange, at: "width")
        expectError(widget(#""width": 600.5"#), .invalidValue, at: "width")
        expectError(widget(#""width": "600""#), .wrongType, at: "width")
        expectError(widget(#""height": [400]"#), .wrongType, at: "height")
    }

    @Test(arguments: ["stacked", "liveData", "setPeriodToTimeRange", "sparkline", "trend", "singleValueFullPrecision"])
    func booleanFields(key: String) throws {
        _ = try parseOK(widget(#""\#(key)": true"#))
        _ = try parseOK(widget(#""\#(key)": false"#))
        expectError(widget(#""\#(key)": 1"#), .wrongType, at: key, message: "expected true or false")
        expectError(widget(#""\#(key)": "true""#), .wrongType, at: key)
    }

    @Test func labels() throws {
        #expect(try parseOK(widget(#""labels": {"visible": true}"#)).labelsVisible)
        #expect(try parseOK(widget(#""labels": {}"#)).labelsVisible == false)
        expectError(widget(#""labels": {"visible": "yes"}"#), .wrongType, at: "labels.visible")
        expectError(widget(#""labels": true"#), .wrongType, at: "labels")
    }

    @Test func regionAndAccount() throws {
        let w = try parseOK(widget(#""region": "ap-south-2", "accountId": "000000000000""#))
        #expect(w.region == "ap-south-2" && w.accountId == "000000000000")
        let empty = try parseOK(widget(#""region": "", "accountId": """#))
        #expect(empty.region == nil && empty.accountId == nil)
        expectError(widget(#""region": 1"#), .wrongType, at: "region")
        expectError(widget(#""accountId": 123456789012"#), .wrongType, at: "accountId")
    }

    @Test func table() throws {
        let w = try parseOK(widget(#"""
            "table": {"layout": "vertical", "stickySummary": true, "showTimeSeriesData": false,
                      "summaryColumns": ["AVG", "MIN", "AVG"]}
            """#))
        #expect(w.table.layout == .vertical)
        #expect(w.table.stickySummary)
        #expect(w.table.showTimeSeriesData == false)
        #expect(w.table.summaryColumns == [.AVG, .MIN])
        #expect(try parseOK(widget(#""table": {"summaryColumns": []}"#)).table.summaryColumns == [])
        #expect(try parseOK(widget(#""table": {}"#)).table == TableOptions())
        expectError(widget(#""table": {"summaryColumns": ["MIN", "MEDIAN"]}"#), .invalidValue, at: "table.summaryColumns[1]")
        expectError(widget(#""table": {"summaryColumns": ["min"]}"#), .invalidValue, at: "table.summaryColumns[0]")
        expectError(widget(#""table": {"summaryColumns": [1]}"#), .wrongType, at: "table.summaryColumns[0]")
        expectError(widget(#""table": {"summaryColumns": "MIN"}"#), .wrongType, at: "table.summaryColumns")
        expectError(widget(#""table": {"layout": "diagonal"}"#), .invalidValue, at: "table.layout")
        expectError(widget(#""table": {"stickySummary": 0}"#), .wrongType, at: "table.stickySummary")
        expectError(widget(#""table": {"showTimeSeriesData": "no"}"#), .wrongType, at: "table.showTimeSeriesData")
        expectError(widget(#""table": []"#), .wrongType, at: "table")
    }

    @Test func yAxis() throws {
        let w = try parseOK(widget(#"""
            "yAxis": {"left": {"min": 0, "max": 100.5, "label": "Percent", "showUnits": false},
                      "right": {"min": -5, "label": ""}}
            """#))
        #expect(w.yAxis.left == YAxisOptions(min: 0, max: 100.5, label: "Percent", showUnits: false))
        #expect(w.yAxis.right == YAxisOptions(min: -5))
        #expect(w.yAxis[.right].min == -5)
        #expect(try parseOK(widget(#""yAxis": {"left": {"min": 3, "max": 3}}"#)).yAxis.left.max == 3)
        expectError(widget(#""yAxis": {"left": {"min": 10, "max": 5}}"#), .invalidValue, at: "yAxis.left.min",
                    message: "min (10) is greater than max (5)")
        expectError(widget(#""yAxis": {"right": {"min": 1, "max": 0.5}}"#), .invalidValue, at: "yAxis.right.min")
        expectError(widget(#""yAxis": {"left": {"min": "0"}}"#), .wrongType, at: "yAxis.left.min")
        expectError(widget(#""yAxis": {"left": {"max": false}}"#), .wrongType, at: "yAxis.left.max")
        expectError(widget(#""yAxis": {"left": {"label": 7}}"#), .wrongType, at: "yAxis.left.label")
        expectError(widget(#""yAxis": {"right": {"showUnits": "true"}}"#), .wrongType, at: "yAxis.right.showUnits")
        expectError(widget(#""yAxis": {"left": 0}"#), .wrongType, at: "yAxis.left")
        expectError(widget(#""yAxis": "left""#), .wrongType, at: "yAxis")
    }

    @Test func gaugeNeedsLeftMinAndMax() throws {
        let w = try parseOK(widget(#""view": "gauge", "yAxis": {"left": {"min": 0, "max": 100}}"#))
        #expect(w.view == .gauge)
        expectError(widget(#""view": "gauge""#), .missingField, at: "yAxis.left.min", message: #"required for view "gauge""#)
        expectError(widget(#""view": "gauge", "yAxis": {"left": {"min": 0}}"#), .missingField, at: "yAxis.left.max",
                    message: #"required for view "gauge""#)
        expectError(widget(#""view": "gauge", "yAxis": {"left": {"max": 0}}"#), .missingField, at: "yAxis.left.min")
        expectError(widget(#""view": "gauge", "yAxis": {"right": {"min": 0, "max": 1}}"#), .missingField, at: "yAxis.left.min")
        expectError(widget(#""view": "gauge", "yAxis": {"left": {"min": 5, "max": 5}}"#), .invalidValue, at: "yAxis.left.max",
                    message: #"must be greater than min (5) for view "gauge""#)
        // Other views do not need them.
        _ = try parseOK(widget(#""view": "singleValue""#))
    }

    @Test func dashboardWidgetObjectIsExplained() {
        let dashboardWidget = #"""
            {"type": "metric", "x": 0, "y": 0, "width": 12, "height": 6,
             "properties": {"metrics": [["A", "B"]], "region": "us-east-1"}}
            """#
        expectError(dashboardWidget, .invalidValue, at: "properties", message: "dashboard widget")
    }

    @Test func metricsMissingEmptyOrWrong() {
        expectError(#"{}"#, .missingField, at: "metrics")
        expectError(#"{"metrics": null}"#, .missingField, at: "metrics")
        expectError(#"{"metrics": []}"#, .metricCountOutOfRange, at: "metrics")
        expectError(#"{"metrics": {"a": 1}}"#, .wrongType, at: "metrics")
        expectError(#"{"metrics": "A,B"}"#, .wrongType, at: "metrics")
    }
}
