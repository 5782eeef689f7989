import ChartLayout
import ChartRaster
import ChartTestSupport
import Foundation
import Graphshot
import Testing

/// Metric data around the 2024 daylight-saving changes of Paris (03-31, 10-27) and New York
/// (03-10, 11-03): every 15 minutes, a daily wave.
enum DaylightSavingData {
    /// "Now" for these widgets: after all of their data.
    static let now = ISO8601.parse("2024-12-01T00:00:00Z")!
    static let store: InMemoryMetricStore = {
        var data: [MetricDatum] = []
        let metric = MetricIdentity(namespace: "Shop/Orders", name: "Count", dimensions: [])
        for first in ["2024-03-08T00:00:00Z", "2024-03-29T00:00:00Z", "2024-10-25T00:00:00Z", "2024-11-01T00:00:00Z"] {
            let start = ISO8601.parse(first)!
            for i in 0..<(4 * 24 * 5) {
                let t = start + EpochSeconds(i * 900)
                let hour = Double(i % 96) / 4
                data.append(MetricDatum(metric: metric, timestamp: t,
                                        value: 100 + 60 * sin((hour - 6) / 24 * 2 * .pi) + Double((i * 7919) % 11), unit: "Count"))
            }
        }
        return InMemoryMetricStore(data)
    }()
}

/// Goldens of widgets whose time range crosses a daylight-saving change in a named zone.
let daylightSavingGoldens: [GoldenCase] = [
    GoldenCase(name: "timezone-paris-spring-forward", widget: #"""
        {"title": "Europe/Paris, 2024-03-31 has 23 hours", "timezone": "Europe/Paris", "period": 900, "stat": "Sum",
         "start": "2024-03-29T23:00:00Z", "end": "2024-04-01T22:00:00Z",
         "metrics": [["Shop/Orders", "Count", {"label": "orders"}]],
         "annotations": {"vertical": [{"value": "2024-03-31T01:30:00Z"}]}}
        """#, source: { DaylightSavingData.store }),
    GoldenCase(name: "timezone-new-york-fall-back", widget: #"""
        {"title": "America/New_York, 01:00 happens twice on 2024-11-03", "timezone": "America/New_York", "period": 900,
         "start": "2024-11-03T03:00:00Z", "end": "2024-11-03T10:00:00Z", "width": 800, "height": 300,
         "metrics": [["Shop/Orders", "Count", {"label": "orders"}]],
         "annotations": {"vertical": [{"value": "2024-11-03T05:30:00Z", "label": "01:30 EDT"}, {"value": "2024-11-03T06:30:00Z"}]}}
        """#, source: { DaylightSavingData.store }),
]

@Suite struct DaylightSavingGoldenTests {
    @Test(arguments: daylightSavingGoldens)
    func pngGolden(_ golden: GoldenCase) throws {
        let result = try GoldenRenderTests.renderer.render(
            widgetJSON: golden.widget, data: golden.source(), options: RenderOptions(now: DaylightSavingData.now))
        #expect(Set(result.warnings.map(\.code)) == golden.warnings, "\(result.warnings)")
        GoldenImage.assertMatches(png: result.image, named: golden.name, directory: goldenImagesDirectory)
    }

    @Test func parisTicksStayOnLocalMidnightsAndSixHours() throws {
        let result = try GoldenRenderTests.renderer.render(
            widgetJSON: daylightSavingGoldens[0].widget, data: DaylightSavingData.store, options: RenderOptions(now: DaylightSavingData.now))
        let time = try #require(result.sidecar.axes.first { $0.kind == .time })
        let paris = DisplayTimeZone(parsing: "Europe/Paris")!
        for tick in time.ticks {
            let c = paris.civil(EpochSeconds(tick.value))
            #expect(c.minute == 0 && c.hour % 6 == 0, "\(tick)")
        }
        #expect(time.ticks.map(\.label).contains("03/31"))
        #expect(time.ticks.map(\.label).contains("04/01"))
        // The unlabelled vertical annotation shows local time after the jump (03:30 CEST).
        #expect(result.scene.texts.contains("2024-03-31 03:30"))
        #expect(result.sidecar.timezone == "Europe/Paris")
    }

    @Test func newYorkRepeatsOneOClock() throws {
        let result = try GoldenRenderTests.renderer.render(
            widgetJSON: daylightSavingGoldens[1].widget, data: DaylightSavingData.store, options: RenderOptions(now: DaylightSavingData.now))
        let time = try #require(result.sidecar.axes.first { $0.kind == .time })
        #expect(time.ticks.filter { $0.label == "01:00" }.count == 2, "\(time.ticks.map(\.label))")
        #expect(result.scene.texts.contains("2024-11-03 01:30"), "the second 01:30 (EST) is labelled in local time")
    }
}

@Suite struct OutputFormatTests {
    static let widget = #"""
        {"title": "Latency and errors", "start": "2024-03-01T06:00:00Z", "end": "2024-03-01T09:00:00Z", "period": 300,
         "metrics": [["Shop/Api", "Latency", "Route", "/pay", {"stat": "p90", "label": "p90 latency"}],
                     [".", "Errors", ".", ".", {"stat": "Sum", "yAxis": "right", "label": "errors"}]],
         "annotations": {"horizontal": [{"value": 300, "label": "SLO", "fill": "above"}],
                         "vertical": [{"value": "2024-03-01T07:30:00Z", "label": "deploy"}]},
         "yAxis": {"right": {"min": 0}}}
        """#

    func render(_ json: String = widget, format: OutputFormat = .png, scale: Double = 1, maxBytes: Int? = nil) throws -> RenderResult {
        try GoldenRenderTests.renderer.render(
            widgetJSON: json, data: TestData.store,
            options: RenderOptions(now: TestData.now, format: format, scale: scale, maxBytes: maxBytes))
    }

    @Test(arguments: [OutputFormat.svg, .pdf])
    func vectorOutputMatchesThePNG(_ format: OutputFormat) throws {
        let png = try RasterImage.decodePNG(render().image)
        let vector = try render(format: format)
        #expect(vector.format == format)
        let pixels = format == .svg ? try VectorRoundTrip.pixels(svg: vector.image) : try VectorRoundTrip.pixels(pdf: vector.image)
        let diff = try #require(VectorRoundTrip.compare(png, pixels, channelTolerance: 48), "\(pixels.width)×\(pixels.height)")
        #expect(diff.fraction < 0.02 && diff.meanDelta < 3, "\(diff)")
        // Same bytes every time.
        let again = try render(format: format)
        #expect(again.image.count == vector.image.count && again.image.elementsEqual(vector.image))
    }

    @Test func scaleTwoIsTheSameLayoutAtTwiceThePixels() throws {
        let one = try render()
        let two = try render(scale: 2)
        #expect(pngSize(two.image)! == (1200, 800))
        #expect(two.scene == one.scene, "the layout does not change")
        #expect(two.sidecar.pixelWidth == 1200 && two.sidecar.width == 600 && two.sidecar.scale == 2)
        let svg = String(decoding: try render(format: .svg, scale: 2).image, as: UTF8.self)
        #expect(svg.contains(#"width="1200px""#))
    }

    @Test func scaleTwoGolden() throws {
        let small = #"""
            {"title": "2× for hi-DPI", "width": 320, "height": 200, "start": "2024-03-01T06:00:00Z", "end": "2024-03-01T09:00:00Z",
             "metrics": [["Shop/Api", "Latency", "Route", "/cart"], ["...", "/pay"]],
             "annotations": {"horizontal": [{"value": 250, "label": "SLO"}]}}
            """#
        let result = try render(small, scale: 2)
        #expect(pngSize(result.image)! == (640, 400))
        GoldenImage.assertMatches(png: result.image, named: "scale-2x", directory: goldenImagesDirectory)
    }

    @Test func sidecarDescribesTheGraph() throws {
        let result = try render()
        let s = result.sidecar
        #expect(s.formatVersion == 1 && s.format == .png && s.view == "timeSeries" && s.title == "Latency and errors")
        #expect((s.width, s.height, s.pixelWidth, s.pixelHeight) == (600, 400, 600, 400))
        #expect(s.bytes == result.image.count)
        #expect(s.startTime == "2024-03-01T06:00:00Z" && s.endTime == "2024-03-01T09:00:00Z")
        let plot = try #require(s.plot)
        #expect(plot.x > 10 && plot.maxX < 600 && plot.y > 10 && plot.maxY < 400)
        #expect(s.axes.map(\.kind) == [.time, .left, .right])
        let time = s.axes[0]
        #expect(time.min == Double(ISO8601.parse("2024-03-01T06:00:00Z")!))
        #expect(time.ticks.first?.label == "06:00")
        #expect(time.ticks.allSatisfy { $0.position >= plot.minX && $0.position <= plot.maxX })
        let right = s.axes[2]
        #expect(right.min == 0 && right.fixedMin && !right.fixedMax)
        #expect(right.ticks.allSatisfy { $0.position >= plot.minY - 0.5 && $0.position <= plot.maxY + 0.5 })
        // Ticks increase upwards: larger values sit higher (smaller y).
        let left = s.axes[1]
        #expect(zip(left.ticks, left.ticks.dropFirst()).allSatisfy { $0.value < $1.value && $0.position > $1.position })
        #expect(s.series.map(\.label) == ["p90 latency", "errors"])
        #expect(s.series.map(\.color) == ["#1f77b4", "#ff7f0e"])
        #expect(s.series.map(\.axis) == [.left, .right])
        #expect(s.series[0].timestamps.count == 36 && s.series[0].values.count == 36)
        #expect(s.series[0].values.allSatisfy { $0 != nil })
        #expect(s.series[0].timestamps.first == ISO8601.parse("2024-03-01T06:00:00Z")!)
        #expect(s.legend.map(\.kind) == [.series, .series, .annotation])
        #expect(s.legend.map(\.ref) == ["m1", "m2", "horizontal[0]"])
        #expect(s.legend.allSatisfy { $0.box.maxX <= 600 && $0.box.maxY <= 400 && $0.box.minY > plot.maxY })
        #expect(s.annotations.map(\.ref) == ["horizontal[0]", "vertical[0]"])
        #expect(s.annotations[0].color == "#2ca02c", "annotations take palette slots after the two rows")
        #expect(s.annotations.allSatisfy { $0.drawn })
        #expect(s.warnings.isEmpty)
    }

    @Test func sidecarJSONHasTheDocumentedFields() throws {
        let bytes = try render().sidecar.jsonBytes()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(Set(object.keys) == [
            "formatVersion", "format", "width", "height", "scale", "pixelWidth", "pixelHeight", "bytes", "view", "title",
            "timezone", "start", "end", "startTime", "endTime", "plot", "axes", "series", "legend", "annotations", "warnings",
        ])
        let series = try #require((object["series"] as? [[String: Any]])?.first)
        #expect(Set(series.keys).isSuperset(of: ["id", "rowIndex", "label", "color", "axis", "visible", "status", "period", "timestamps", "values"]))
        let tick = try #require(((object["axes"] as? [[String: Any]])?.first?["ticks"] as? [[String: Any]])?.first)
        #expect(Set(tick.keys) == ["value", "label", "position", "labelShown"])
        // Missing buckets are null, never NaN.
        let gaps = try render(#"{"start": "2024-03-01T04:30:00Z", "end": "2024-03-01T06:30:00Z", "period": 60, "metrics": [["Shop/Queue", "Depth", "Queue", "sms"]]}"#)
        let text = String(decoding: gaps.sidecar.jsonBytes(), as: UTF8.self)
        #expect(text.contains("null") && !text.contains("NaN"))
        #expect(gaps.sidecar.series[0].values.contains(nil))
    }

    @Test func stackedSeriesReportTheirCumulativeValues() throws {
        let result = try render(#"{"stacked": true, "start": "2024-03-01T06:00:00Z", "end": "2024-03-01T07:00:00Z", "metrics": [["Shop/Queue", "Depth", "Queue", "email"], ["...", "push"]]}"#)
        let a = result.sidecar.series[0], b = result.sidecar.series[1]
        let first = try #require(a.values[0]), second = try #require(b.values[0])
        #expect(b.stackedValues?[0] == first + second)
        #expect(a.stackedValues?[0] == first)
    }

    @Test func pngByteBudget() throws {
        let full = try render()
        let tight = try render(maxBytes: full.image.count / 2)
        #expect(tight.image.count <= full.image.count / 2)
        #expect(tight.warnings.isEmpty)
        #expect(tight.sidecar.paletteColors != nil)
        let diff = try #require(PixelDiff.compare(try RasterImage.decodePNG(tight.image), try RasterImage.decodePNG(full.image), channelTolerance: 48))
        #expect(diff.differingFraction < 0.02, "\(diff)")
        let impossible = try render(maxBytes: 300)
        #expect(impossible.warnings.map(\.code) == ["byteBudgetExceeded"])
        #expect(impossible.sidecar.warnings.map(\.code) == ["byteBudgetExceeded"])
        let pdf = try render(format: .pdf, maxBytes: 100)
        #expect(pdf.warnings.map(\.code) == ["byteBudgetExceeded"])
    }
}

@Suite struct WarningTests {
    func warnings(_ json: String) throws -> [RenderWarning] {
        try GoldenRenderTests.renderer.render(widgetJSON: json, data: TestData.store, options: RenderOptions(now: TestData.now)).warnings
    }

    let range = #""start": "2024-03-01T06:00:00Z", "end": "2024-03-01T09:00:00Z""#

    @Test func unknownMetricVersusNoData() throws {
        let unknown = try warnings(#"{\#(range), "metrics": [["Shop/Api", "Latency", "Route", "/checkout"]]}"#)
        #expect(unknown.map(\.code) == ["unknownMetric"])
        #expect(unknown[0].message.contains("Shop/Api Latency {Route=/checkout}"))
        // The metric exists but has no data in this range.
        let quiet = try warnings(#"{"start": "2024-02-01T06:00:00Z", "end": "2024-02-01T09:00:00Z", "metrics": [["Shop/Api", "Latency", "Route", "/cart"]]}"#)
        #expect(quiet.map(\.code) == ["noData"])
        // A source without a catalogue cannot tell: noData.
        struct NoCatalogue: MetricDataSource {
            func getMetricData(_ request: MetricDataRequest) throws -> [MetricDataResult] { request.queries.map { MetricDataResult(id: $0.id) } }
        }
        let result = try GoldenRenderTests.renderer.render(
            widgetJSON: #"{\#(range), "metrics": [["A", "B"]]}"#, data: NoCatalogue(), options: RenderOptions(now: TestData.now))
        #expect(result.warnings.map(\.code) == ["noData"])
    }

    @Test func seriesOffAFixedRange() throws {
        let some = try warnings(#"{\#(range), "period": 60, "metrics": [["Shop/Api", "Latency", "Route", "/pay", {"stat": "Maximum"}]], "yAxis": {"left": {"min": 100, "max": 250}}}"#)
        #expect(some.map(\.code) == ["seriesClipped"])
        #expect(some[0].id == "m1")
        let inside = try warnings(#"{\#(range), "metrics": [["Host/Cpu", "Utilization"]], "yAxis": {"left": {"min": 0, "max": 100}}}"#)
        #expect(inside.isEmpty)
    }

    @Test func truncatedAndDroppedLabels() throws {
        let axis = try warnings(#"{\#(range), "width": 300, "height": 120, "metrics": [["Host/Cpu", "Utilization"]], "yAxis": {"left": {"label": "a very long axis title that cannot fit"}}}"#)
        #expect(axis.contains { $0.code == "labelTruncated" && $0.message.contains("left axis title") }, "\(axis)")
        let annotation = try warnings(#"""
            {\#(range), "width": 300, "height": 200, "metrics": [["Host/Cpu", "Utilization"]],
             "annotations": {"vertical": [{"value": "2024-03-01T08:50:00Z", "label": "a long deploy label near the right edge"}]}}
            """#)
        #expect(annotation.contains { $0.code == "labelTruncated" && $0.message.contains("annotation label") }, "\(annotation)")
    }

    @Test func warningsHaveTheDocumentedLineForm() {
        #expect(RenderWarning(code: "noData", message: "m1: no data", id: "m1").line == "warning: noData [m1]: m1: no data")
        #expect(RenderWarning(code: "byteBudgetExceeded", message: "too big").line == "warning: byteBudgetExceeded: too big")
    }
}
