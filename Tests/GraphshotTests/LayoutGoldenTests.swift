import ChartLayout
import ChartTestSupport
import Foundation
import Testing
@testable import Graphshot

/// Goldens drawn from hand-made series, for what the data path cannot produce yet (anomaly
/// band series come from metric math) or produces only awkwardly (negative values):
/// series → layout (bundled fonts) → PNG and scene JSON (estimating measurer).
struct LayoutGoldenCase: Sendable, CustomTestStringConvertible {
    var name: String
    var widget: String
    var series: @Sendable () -> [ChartSeries]
    var warnings: Set<String> = []

    var testDescription: String { name }
}

/// 2024-03-01T06:00:00Z, the start of every hand-made range (three hours of 5-minute buckets).
private let start: EpochSeconds = 1_709_272_800

private func series(
    _ row: Int, id: String? = nil, label: String, slot: Int? = nil, values: [Double],
    band: AnomalyBandRole? = nil, color: RGBA? = nil
) -> ChartSeries {
    ChartSeries(
        rowIndex: row, id: id ?? "m\(row + 1)", label: label, explicitColor: color, paletteSlot: slot ?? row + 1,
        period: 300, timestamps: values.indices.map { start + EpochSeconds($0 * 300) }, values: values, band: band)
}

/// Request rate with a daily-looking wave, an incident at buckets 14–17 and a dip at 27–28,
/// plus its anomaly band (expected value ± a margin that widens with the level).
private func anomalySeries() -> [ChartSeries] {
    let expected = (0..<36).map { 400 + 120 * sin(Double($0) / 6) }
    var actual = expected.enumerated().map { $0.element + 18 * sin(Double($0.offset) * 1.7) }
    for i in 14...17 { actual[i] += [90, 160, 140, 70][i - 14] }
    actual[27] -= 110
    actual[28] -= 80
    let margin = expected.map { 40 + $0 * 0.05 }
    return [
        series(0, id: "m1", label: "Requests", values: actual),
        series(1, id: "ad1", label: "Expected range", values: zip(expected, margin).map { $0 + $1 }, band: .upper(of: "m1")),
        series(1, id: "ad1", label: "Expected range", values: zip(expected, margin).map { $0 - $1 }, band: .lower(of: "m1")),
    ]
}

private let handRange = #""start": "2024-03-01T06:00:00Z", "end": "2024-03-01T09:00:00Z""#

let layoutGoldenCases: [LayoutGoldenCase] = [
    LayoutGoldenCase(name: "anomaly-band", widget: #"""
        {"title": "Requests with their expected range", \#(handRange),
         "metrics": [["Shop/Api", "Requests", {"id": "m1"}], [{"expression": "ANOMALY_DETECTION_BAND(m1, 2)", "id": "ad1", "label": "Expected range"}]]}
        """#, series: anomalySeries),
    LayoutGoldenCase(name: "anomaly-band-dark", widget: #"""
        {"title": "Requests with their expected range", "theme": "dark", \#(handRange),
         "metrics": [["Shop/Api", "Requests", {"id": "m1"}], [{"expression": "ANOMALY_DETECTION_BAND(m1, 2)", "id": "ad1", "label": "Expected range"}]]}
        """#, series: anomalySeries),
    LayoutGoldenCase(name: "view-bar-negative", widget: #"""
        {"title": "Balance change by account", "view": "bar", "width": 500, "height": 300, \#(handRange),
         "metrics": [["Bank", "Delta", "Account", "savings"], ["...", "checking"], ["...", "credit card"], ["...", "brokerage"]]}
        """#, series: {
            [series(0, label: "savings", values: [120, 180]), series(1, label: "checking", values: [-40, -75.5]),
             series(2, label: "credit card", values: [-210]), series(3, label: "brokerage", values: [12, 64.25])]
        }),
    LayoutGoldenCase(name: "view-pie-omitted-slices", widget: #"""
        {"title": "Share with left-out slices", "view": "pie", "labels": {"visible": true}, "width": 500, "height": 300, \#(handRange),
         "metrics": [["Shop", "Units", "Kind", "a"], ["...", "b"], ["...", "c"], ["...", "d"], ["...", "e"], ["...", "f"]]}
        """#, series: {
            [series(0, label: "books", values: [50]), series(1, label: "games", values: [30]), series(2, label: "tiny", values: [1]),
             series(3, label: "returns", values: [-12]), series(4, label: "nothing", values: [.nan]), series(5, label: "music", values: [19])]
        }, warnings: ["sliceOmitted"]),
]

@Suite struct LayoutGoldenTests {
    @Test(arguments: layoutGoldenCases)
    func pngGolden(_ golden: LayoutGoldenCase) throws {
        let renderer = GoldenRenderTests.renderer
        let widget = try MetricWidget.parse(json: golden.widget)
        let (from, to) = try widget.timeRange(now: TestData.now)
        let layout = ChartLayout.layout(LayoutInput(widget: widget, series: golden.series(), start: from, end: to), measurer: renderer.measurer)
        #expect(Set(layout.warnings.map(\.code)) == golden.warnings, "\(layout.warnings)")
        GoldenImage.assertMatches(png: try renderer.png(layout.scene), named: golden.name, directory: goldenImagesDirectory)
    }

    @Test(arguments: layoutGoldenCases)
    func sceneGolden(_ golden: LayoutGoldenCase) throws {
        let widget = try MetricWidget.parse(json: golden.widget)
        let (from, to) = try widget.timeRange(now: TestData.now)
        let layout = ChartLayout.layout(LayoutInput(widget: widget, series: golden.series(), start: from, end: to), measurer: EstimatingMeasurer())
        GoldenJSON.assertMatches(layout.scene, named: golden.name, directory: goldenDirectory())
    }
}
