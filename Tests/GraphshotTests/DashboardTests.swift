import ChartRaster
import ChartTestSupport
import Foundation
import Graphshot
import Testing

@Suite struct DashboardRenderTests {
    static let body: DashboardBody = {
        let text = (try? String(contentsOfFile: repositoryRoot() + "/examples/shop-dashboard.json", encoding: .utf8)) ?? ""
        do { return try DashboardBody.parse(json: text) } catch { fatalError("examples/shop-dashboard.json: \(error)") }
    }()
    static let data: any MetricDataSource = {
        do { return try MetricDataFiles.load(paths: [repositoryRoot() + "/examples/data/shop-metrics.json"]) } catch { fatalError("\(error)") }
    }()
    static let options = DashboardRenderOptions(output: RenderOptions(now: TestData.now))

    @Test func composedGolden() throws {
        let composed = try GoldenRenderTests.renderer.composeDashboard(Self.body, data: Self.data, options: Self.options)
        #expect(composed.warnings.map(\.widget) == ["widgets[6]"])
        #expect(composed.warnings.map(\.warning.code) == ["widgetNotRendered"])
        #expect(composed.scene.size == Size(width: 1200, height: 800))
        #expect(composed.scene.texts.contains("Shop overview") && composed.scene.texts.contains("Checkout latency"))
        GoldenImage.assertMatches(png: composed.image, named: "dashboard-composed", directory: goldenImagesDirectory)
    }

    @Test func composedAsPDF() throws {
        var options = Self.options
        options.output.format = .pdf
        let composed = try GoldenRenderTests.renderer.composeDashboard(Self.body, data: Self.data, options: options)
        let png = try GoldenRenderTests.renderer.composeDashboard(Self.body, data: Self.data, options: Self.options)
        let pixels = try VectorRoundTrip.pixels(pdf: composed.image)
        let diff = try #require(VectorRoundTrip.compare(try RasterImage.decodePNG(png.image), pixels, channelTolerance: 48))
        #expect(diff.fraction < 0.03, "\(diff)")
    }

    @Test func oneImagePerMetricWidget() throws {
        let rendered = try GoldenRenderTests.renderer.renderDashboardWidgets(Self.body, data: Self.data, options: Self.options)
        #expect(rendered.images.map(\.widget.index) == [1, 2, 3, 4, 5])
        #expect(rendered.images.allSatisfy { pngSize($0.result.image)! == (800, 600) })
        #expect(rendered.warnings.map(\.widget) == ["widgets[0]", "widgets[6]"])
        // The widget keeps its own settings: Paris time on widget 4.
        let paris = try #require(rendered.images.first { $0.widget.index == 4 })
        #expect(paris.result.sidecar.timezone == "Europe/Paris")
        #expect(paris.result.sidecar.startTime == "2024-03-01T04:00:00Z", "the dashboard's range")
    }

    @Test func nonMetricWidgetsCannotBeRenderedAlone() {
        #expect(throws: GraphshotError.self) {
            _ = try GoldenRenderTests.renderer.renderDashboardWidget(Self.body, index: 0, data: Self.data, options: Self.options)
        }
        #expect(throws: GraphshotError.self) {
            _ = try GoldenRenderTests.renderer.renderDashboardWidget(Self.body, index: 99, data: Self.data, options: Self.options)
        }
    }
}

@Suite(.serialized) struct RenderDashboardCLITests {
    let tmp: String = {
        let dir = NSTemporaryDirectory() + "graphshot-dashboard-cli-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }()
    let base = ["render-dashboard", "examples/shop-dashboard.json", "--data", "examples/data/shop-metrics.json", "--now", "2024-03-01T12:00:00Z"]

    @Test func perWidgetDirectory() throws {
        let dir = tmp + "/widgets"
        let result = try CLI.run(base + ["-o", dir])
        #expect(result.status == 0, "\(result.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        #expect(files == ["widget-1.png", "widget-2.png", "widget-3.png", "widget-4.png", "widget-5.png"])
        #expect(result.stderr.contains("graphshot: widgets[6]: warning: widgetNotRendered"), "\(result.stderr)")
        let sized = try CLI.run(base + ["--widget", "2", "-o", "-", "--width", "400", "--height", "250"])
        #expect(sized.status == 0, "\(sized.stderr)")
        #expect(pngSize(sized.stdout)! == (400, 250))
    }

    @Test func composedOutputs() throws {
        let png = try CLI.run(base + ["--compose", "-o", "-", "--width", "960"])
        #expect(png.status == 0)
        #expect(pngSize(png.stdout)?.0 == 960)
        let pdf = tmp + "/dash.pdf"
        let result = try CLI.run(base + ["--compose", "-o", pdf, "-q"])
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
        #expect(String(decoding: try #require(FileManager.default.contents(atPath: pdf)).prefix(5), as: UTF8.self) == "%PDF-")
        let strict = try CLI.run(base + ["--compose", "-o", tmp + "/s.png", "--strict", "--warnings-json"])
        #expect(strict.status == 2)
        let line = try #require(strict.stderr.split(separator: "\n").first)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object["widget"] == "widgets[6]" && object["code"] == "widgetNotRendered")
    }

    @Test func errorsAndUsage() throws {
        let bad = try CLI.run(["render-dashboard", "-", "--compose", "-o", "-"], stdin: Array(#"{"widgets": [{"type": "metric", "width": 30, "properties": {}}]}"#.utf8))
        #expect(bad.status == 1)
        #expect(bad.stderr.hasPrefix("graphshot: error: widgets[0].width"), "\(bad.stderr)")
        let badMetric = try CLI.run(["render-dashboard", "-", "--compose", "-o", "-"], stdin: Array(#"{"widgets": [{"type": "metric", "properties": {"metrics": [["A"]]}}]}"#.utf8))
        #expect(badMetric.status == 1)
        #expect(badMetric.stderr.contains("widgets[0].properties.metrics[0]"), "\(badMetric.stderr)")
        let text = try CLI.run(base + ["--widget", "0", "-o", "-"])
        #expect(text.status == 1 && text.stderr.contains("widgets[0].type"), "\(text.stderr)")
        #expect(try CLI.run(base + ["--compose", "--widget", "1"]).status == 64)
        #expect(try CLI.run(base + ["--compose", "--width", "100"]).status == 64)
        #expect(try CLI.run(base + ["-o", "-"]).status == 1, "a directory is needed without --widget/--compose")
    }
}
