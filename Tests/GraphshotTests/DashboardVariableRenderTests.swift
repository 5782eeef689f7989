import ChartTestSupport
import Foundation
import Graphshot
import Testing

/// Dashboard variables through the façade and the CLI: `__FIRST` resolved from the data's
/// catalogue, choices, warnings and errors.
@Suite struct DashboardVariableRenderTests {
    static let data = DashboardRenderTests.data
    static let options = DashboardRenderOptions(output: RenderOptions(now: TestData.now), widgetWidth: 400, widgetHeight: 300)

    /// One queue-depth widget whose Queue dimension is a variable.
    static func body(defaultValue: String, search: String = "{Shop/Queue,Queue} Depth") -> DashboardBody {
        let json = #"""
            {"start": "-PT12H",
             "variables": [{"type": "property", "property": "Queue", "inputType": "select", "id": "queue",
                            "defaultValue": \#(JSONWriter.quoted(defaultValue)), "search": \#(JSONWriter.quoted(search)), "populateFrom": "Queue"}],
             "widgets": [{"type": "metric", "properties": {"region": "eu-west-1", "title": "Depth",
                          "metrics": [["Shop/Queue", "Depth", "Queue", "sms"]]}}]}
            """#
        do { return try DashboardBody.parse(json: json) } catch { fatalError("\(error)") }
    }

    /// The values drawn for the Depth of `queue` (the same widget written without variables).
    func depthValues(_ queue: String) throws -> [Double?] {
        let body = try DashboardBody.parse(json: #"""
            {"start": "-PT12H", "widgets": [{"type": "metric", "properties": {"region": "eu-west-1", "title": "Depth",
              "metrics": [["Shop/Queue", "Depth", "Queue", \#(JSONWriter.quoted(queue))]]}}]}
            """#)
        let result = try GoldenRenderTests.renderer.renderDashboardWidget(body, index: 0, data: Self.data, options: Self.options)
        return result.sidecar.series.first?.values ?? []
    }

    func drawnValues(_ result: RenderResult) -> [Double?] { result.sidecar.series.first?.values ?? [] }

    @Test func firstSearchResultIsTheFirstValueInSortedOrder() throws {
        let result = try GoldenRenderTests.renderer.renderDashboardWidget(Self.body(defaultValue: "__FIRST"), index: 0, data: Self.data, options: Self.options)
        #expect(result.warnings.isEmpty, "\(result.warnings)")
        // Queues are email, push, sms: "email" comes first.
        #expect(drawnValues(result) == (try depthValues("email")))
        #expect(drawnValues(result) != (try depthValues("sms")), "the queues' data differ")
    }

    @Test func aChosenValueReplacesTheDefault() throws {
        var options = Self.options
        options.variableValues = ["queue": "push"]
        let result = try GoldenRenderTests.renderer.renderDashboardWidget(Self.body(defaultValue: "__FIRST"), index: 0, data: Self.data, options: options)
        #expect(drawnValues(result) == (try depthValues("push")))
    }

    @Test func aSearchWithoutResultsWarnsAndLeavesTheWidget() throws {
        let result = try GoldenRenderTests.renderer.renderDashboardWidget(
            Self.body(defaultValue: "__FIRST", search: "{Shop/Queue,Queue} NoSuchMetric"), index: 0, data: Self.data, options: Self.options)
        #expect(result.warnings.map(\.code) == ["variableUnresolved"])
        #expect(drawnValues(result) == (try depthValues("sms")))
    }

    @Test func unknownVariablesAndBadSearchesAreErrors() {
        var options = Self.options
        options.variableValues = ["region": "x"]
        #expect(throws: GraphshotError.self) {
            _ = try GoldenRenderTests.renderer.renderDashboardWidget(Self.body(defaultValue: "sms"), index: 0, data: Self.data, options: options)
        }
        do {
            _ = try GoldenRenderTests.renderer.renderDashboardWidget(
                Self.body(defaultValue: "__FIRST", search: "{Shop/Queue"), index: 0, data: Self.data, options: Self.options)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasPrefix("variables[0].search"), "\(error)")
        }
    }

    @Test func cliChoosesVariables() throws {
        let dir = NSTemporaryDirectory() + "graphshot-variables-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let dashboard = dir + "/dash.json"
        let json = #"""
            {"start": "-PT12H", "variables": [{"type": "property", "property": "Queue", "id": "queue", "defaultValue": "sms"}],
             "widgets": [{"type": "metric", "properties": {"title": "Depth", "metrics": [["Shop/Queue", "Depth", "Queue", "email"]]}}]}
            """#
        try Data(json.utf8).write(to: URL(fileURLWithPath: dashboard))
        let plain = dir + "/plain.json"
        try Data(json.replacingOccurrences(of: #""email""#, with: #""push""#)
            .replacingOccurrences(of: #""defaultValue": "sms""#, with: #""defaultValue": "push""#).utf8).write(to: URL(fileURLWithPath: plain))
        let base = ["--data", "examples/data/shop-metrics.json", "--now", "2024-03-01T12:00:00Z", "--widget", "0", "-o", "-"]
        let byDefault = try CLI.run(["render-dashboard", dashboard] + base)
        #expect(byDefault.status == 0, "\(byDefault.stderr)")
        let chosen = try CLI.run(["render-dashboard", dashboard] + base + ["--variable", "queue=push"])
        #expect(chosen.status == 0, "\(chosen.stderr)")
        let reference = try CLI.run(["render-dashboard", plain] + base)
        #expect(chosen.stdout == reference.stdout, "--variable queue=push draws the push queue")
        #expect(byDefault.stdout != chosen.stdout, "the default (sms) draws another queue")
        let unknown = try CLI.run(["render-dashboard", dashboard] + base + ["--variable", "stage=prod"])
        #expect(unknown.status == 1 && unknown.stderr.contains("no variable \"stage\""), "\(unknown.stderr)")
        #expect(try CLI.run(["render-dashboard", dashboard] + base + ["--variable", "queue"]).status == 64)
    }
}
