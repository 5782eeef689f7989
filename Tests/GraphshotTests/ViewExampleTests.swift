import ChartTestSupport
import Foundation
import Graphshot
import Testing

/// The view examples in `examples/` (shown in the README gallery) keep rendering, and the
/// gauge's required options fail with an error naming the missing field.
@Suite struct ViewExampleTests {
    static let examples: [(file: String, view: WidgetView)] = [
        ("orders-number", .singleValue), ("latency-gauge", .gauge), ("latency-gauge-dark", .gauge),
        ("requests-bar", .bar), ("requests-pie", .pie), ("queue-table", .table),
    ]

    @Test func examplesRenderWithoutWarnings() throws {
        let root = repositoryRoot()
        let data = try MetricDataFiles.load(paths: [root + "/examples/data/shop-metrics.json"])
        let now = try #require(ISO8601.parse("2024-03-01T12:00:00Z"))
        for (file, view) in Self.examples {
            let json = try String(contentsOfFile: root + "/examples/\(file).json", encoding: .utf8)
            #expect(try MetricWidget.parse(json: json).view == view, "\(file)")
            let result = try GoldenRenderTests.renderer.render(widgetJSON: json, data: data, options: RenderOptions(now: now))
            #expect(result.warnings.isEmpty, "\(file): \(result.warnings)")
            #expect(Array(result.png.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
        }
    }

    @Test func gaugeWithoutMinOrMaxNamesTheField() {
        let json = #"{"view": "gauge", "metrics": [["Host/Cpu", "Utilization"]], "yAxis": {"left": {"min": 0}}}"#
        #expect {
            _ = try GoldenRenderTests.renderer.render(widgetJSON: json, data: TestData.store, options: RenderOptions(now: TestData.now))
        } throws: { error in
            guard case GraphshotError.invalidWidget(let e) = error else { return false }
            return e.path == "yAxis.left.max" && e.description == #"yAxis.left.max: required for view "gauge": the dial is drawn between yAxis.left.min and yAxis.left.max"#
        }
    }
}
