import ChartCore
import Testing
@testable import WidgetSpec

@Suite("Dashboard body (api.md §8)")
struct DashboardBodyTests {
    let now = ISO8601.parse("2024-03-01T12:00:00Z")!

    func parse(_ json: String) throws -> DashboardBody { try DashboardBody.parse(json: json) }

    func expectError(_ json: String, _ kind: WidgetError.Kind, at path: String, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try DashboardBody.parse(json: json)
            Issue.record("expected \(kind) at \(path)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.kind == kind && error.path == path, "\(error)", sourceLocation: sourceLocation)
        }
    }

    static let metric = #"{"metrics": [["Shop/Api", "Latency"]]}"#

    @Test func widgetsAndDefaults() throws {
        let body = try parse(#"""
            {"widgets": [
              {"type": "metric", "x": 0, "y": 0, "width": 12, "height": 6, "properties": \#(Self.metric)},
              {"type": "text", "x": 12, "y": 0, "properties": {"markdown": "# Notes", "background": "transparent"}},
              {"type": "alarm", "properties": {"title": "Alarms", "alarms": []}},
              {"type": "somethingNew", "properties": {}}
            ]}
            """#)
        #expect(body.widgets.count == 4)
        #expect(body.periodOverride == .auto && body.start == nil && body.end == nil)
        #expect(body.widgets.map(\.type) == [.metric, .text, .alarm, .other("somethingNew")])
        #expect(body.widgets[0].grid == GridRect(x: 0, y: 0, width: 12, height: 6))
        #expect(body.widgets[1].grid == GridRect(x: 12, y: 0, width: 6, height: 6), "width and height default to 6")
        #expect(body.widgets[1].markdown == "# Notes" && body.widgets[1].transparentBackground)
        #expect(body.widgets[2].title == "Alarms")
        #expect(body.widgets[2].path == "widgets[2]")
    }

    @Test func widgetsWithoutPositionGoToTheNextFreeSlot() throws {
        let body = try parse(#"""
            {"widgets": [
              {"type": "text", "x": 0, "y": 0, "width": 12, "height": 2, "properties": {"markdown": "a"}},
              {"type": "text", "width": 12, "height": 3, "properties": {"markdown": "b"}},
              {"type": "text", "width": 24, "height": 1, "properties": {"markdown": "c"}},
              {"type": "text", "width": 6, "height": 1, "properties": {"markdown": "d"}},
              {"type": "text", "x": 6, "y": 3, "width": 6, "height": 4, "properties": {"markdown": "e"}}
            ]}
            """#)
        #expect(body.widgets.map(\.grid) == [
            GridRect(x: 0, y: 0, width: 12, height: 2),
            GridRect(x: 12, y: 0, width: 12, height: 3),
            GridRect(x: 0, y: 7, width: 24, height: 1),   // below e (y 3…7)
            GridRect(x: 0, y: 2, width: 6, height: 1),
            GridRect(x: 6, y: 3, width: 6, height: 4),
        ])
    }

    @Test func errorsNameTheirPath() {
        expectError("[]", .invalidJSON, at: "")
        expectError("{}", .missingField, at: "widgets")
        expectError(#"{"widgets": {}}"#, .wrongType, at: "widgets")
        expectError(#"{"widgets": [3]}"#, .wrongType, at: "widgets[0]")
        expectError(#"{"widgets": [{"properties": {}}]}"#, .missingField, at: "widgets[0].type")
        expectError(#"{"widgets": [{"type": "metric"}]}"#, .missingField, at: "widgets[0].properties")
        expectError(#"{"widgets": [{"type": "text", "properties": {}}]}"#, .missingField, at: "widgets[0].properties.markdown")
        expectError(#"{"widgets": [{"type": "text", "properties": {"markdown": "", "background": "pink"}}]}"#, .invalidValue, at: "widgets[0].properties.background")
        expectError(#"{"widgets": [{"type": "metric", "width": 25, "properties": {}}]}"#, .invalidValue, at: "widgets[0].width")
        expectError(#"{"widgets": [{"type": "metric", "height": 0, "properties": {}}]}"#, .invalidValue, at: "widgets[0].height")
        expectError(#"{"widgets": [{"type": "metric", "x": 24, "y": 0, "properties": {}}]}"#, .invalidValue, at: "widgets[0].x")
        expectError(#"{"widgets": [{"type": "metric", "x": 20, "y": 0, "width": 6, "properties": {}}]}"#, .invalidValue, at: "widgets[0].width")
        expectError(#"{"widgets": [{"type": "metric", "x": 2, "properties": {}}]}"#, .missingField, at: "widgets[0].y")
        expectError(#"{"widgets": [{"type": "metric", "x": 1.5, "y": 0, "properties": {}}]}"#, .invalidValue, at: "widgets[0].x")
        expectError(#"{"widgets": [], "periodOverride": "sometimes"}"#, .invalidValue, at: "periodOverride")
        expectError(#"{"widgets": [], "end": "2024-03-01T00:00:00Z"}"#, .invalidValue, at: "end")
        expectError(#"{"widgets": [], "start": "yesterday"}"#, .invalidValue, at: "start")
        let many = "{\"widgets\": [" + Array(repeating: #"{"type": "text", "properties": {"markdown": ""}}"#, count: 501).joined(separator: ",") + "]}"
        expectError(many, .invalidValue, at: "widgets")
    }

    @Test func metricWidgetErrorsPointIntoTheDashboard() throws {
        let body = try parse(#"{"widgets": [{"type": "metric", "properties": {"metrics": [["Shop/Api"]]}}, {"type": "text", "properties": {"markdown": ""}}]}"#)
        do {
            _ = try body.widgets[0].metricWidget(in: body, width: 800, height: 600, now: now)
            Issue.record("expected an error")
        } catch {
            #expect(error.path.hasPrefix("widgets[0].properties.metrics[0]"), "\(error)")
        }
        #expect(throws: WidgetError.self) { try body.widgets[1].metricWidget(in: body, width: 800, height: 600, now: now) }
    }

    @Test func dashboardRangeAppliesToWidgetsWithoutTheirOwn() throws {
        let body = try parse(#"""
            {"start": "-PT6H", "periodOverride": "inherit", "widgets": [
              {"type": "metric", "properties": {"metrics": [["A", "B", {"period": 60}]]}},
              {"type": "metric", "properties": {"start": "-PT1H", "metrics": [["A", "B"]]}}
            ]}
            """#)
        let first = try body.widgets[0].metricWidget(in: body, width: 300, height: 200, now: now)
        #expect(try first.timeRange(now: now) == (now - 6 * 3600, now))
        #expect(first.metricRows[0].period == 60, "inherit keeps the row's period")
        #expect((first.width, first.height) == (300, 200))
        let second = try body.widgets[1].metricWidget(in: body, width: 300, height: 200, now: now)
        #expect(try second.timeRange(now: now) == (now - 3600, now), "the widget's own start wins")
        #expect(second.metricRows[0].period == 300)
    }

    @Test func autoPeriodFollowsTheRange() throws {
        #expect(DashboardBody.autoPeriod(start: 0, end: 3 * 3600) == 60)
        #expect(DashboardBody.autoPeriod(start: 0, end: 1440 * 60) == 60)
        #expect(DashboardBody.autoPeriod(start: 0, end: 1440 * 60 + 1) == 300)
        #expect(DashboardBody.autoPeriod(start: 0, end: 7 * 86_400) == 900)
        #expect(DashboardBody.autoPeriod(start: 0, end: 60 * 86_400) == 3600)
        #expect(DashboardBody.autoPeriod(start: 0, end: 5000 * 86_400) == 86_400)
        let body = try parse(#"{"start": "-P7D", "widgets": [{"type": "metric", "properties": {"period": 60, "metrics": [["A", "B", {"period": 3600}]]}}]}"#)
        let widget = try body.widgets[0].metricWidget(in: body, width: 300, height: 200, now: now)
        #expect(widget.metricRows[0].period == 900 && widget.period == 900)
    }

    @Test func dashboardRowsMayExceedTheImageLimit() throws {
        let rows = (0..<150).map { #"["A", "B", "Id", "\#($0)"]"# }.joined(separator: ",")
        let body = try parse(#"{"widgets": [{"type": "metric", "properties": {"metrics": [\#(rows)]}}]}"#)
        let widget = try body.widgets[0].metricWidget(in: body, width: 300, height: 200, now: now)
        #expect(widget.rows.count == 150)
        #expect(throws: WidgetError.self) { try MetricWidget.parse(json: #"{"metrics": [\#(rows)]}"#) }
    }
}
