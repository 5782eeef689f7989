import ChartLayout
import ChartTestSupport
import Foundation
import Graphshot
import Testing

/// End-to-end goldens: widget JSON + data → scene (compared as JSON, fonts estimated) and
/// → PNG (compared as decoded pixels against `golden-images/`).
@Suite struct GoldenRenderTests {
    static let renderer: Renderer = {
        do { return try Renderer() } catch { fatalError("the bundled fonts must load in tests: \(error)") }
    }()

    @Test(arguments: goldenCases)
    func pngGolden(_ golden: GoldenCase) throws {
        let result = try GoldenRenderTests.renderer.render(
            widgetJSON: golden.widget, data: golden.source(), options: RenderOptions(now: TestData.now))
        #expect(Set(result.warnings.map(\.code)) == golden.warnings, "\(result.warnings)")
        GoldenImage.assertMatches(png: result.png, named: golden.name, directory: goldenImagesDirectory)
    }

    @Test(arguments: goldenCases.filter(\.sceneGolden))
    func sceneGolden(_ golden: GoldenCase) throws {
        let widget = try MetricWidget.parse(json: golden.widget)
        let data = try queryWidget(widget, source: golden.source(), now: TestData.now)
        let layout = ChartLayout.layout(
            LayoutInput(widget: widget, series: data.series, start: data.start, end: data.end), measurer: EstimatingMeasurer())
        GoldenJSON.assertMatches(layout.scene, named: golden.name, directory: goldenDirectory())
    }
}
