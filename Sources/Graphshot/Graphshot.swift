@_exported import ChartCore
@_exported import ChartScene
@_exported import MetricQuery
@_exported import WidgetSpec
import ChartLayout
import ChartRaster

/// Options of one render.
public struct RenderOptions: Sendable {
    /// "Now", for relative time ranges (`-PT3H`) and for dropping unfinished buckets.
    /// Always injected: Graphshot never reads the clock on its own, so the same input gives
    /// the same image. Also the creation date written into PDF output.
    public var now: EpochSeconds
    /// PNG (default), SVG or PDF, all drawn from the same scene.
    public var format: OutputFormat
    /// Device pixels per layout pixel: 2 renders the same layout at twice the resolution
    /// (hi-DPI). 0.25…4. SVG and PDF pages grow by the same factor.
    public var scale: Double
    /// A byte budget for PNG output: stronger compression first, then fewer colours (an
    /// indexed-colour PNG); a `byteBudgetExceeded` warning when it still cannot be met. For
    /// SVG and PDF only the warning applies.
    public var maxBytes: Int?

    public init(now: EpochSeconds, format: OutputFormat = .png, scale: Double = 1, maxBytes: Int? = nil) {
        self.now = now; self.format = format; self.scale = scale; self.maxBytes = maxBytes
    }
}

/// The outcome of a render.
public struct RenderResult: Sendable {
    /// The encoded image in `format`.
    public var image: [UInt8]
    /// The format of `image`.
    public var format: OutputFormat
    /// Everything the render noticed but did not fail on: partial data (and which series),
    /// rows with no data or unknown metrics, expressions not drawn yet, series beyond a fixed
    /// axis range, shortened labels, legend overflow, a missed byte budget.
    public var warnings: [RenderWarning]
    /// The scene that was rasterized (useful for tests and `--dump-scene`).
    public var scene: Scene
    /// What was drawn, as data (`graphshot render --sidecar`).
    public var sidecar: RenderSidecar

    /// The image bytes: PNG unless `RenderOptions.format` asked for SVG or PDF (same as `image`).
    public var png: [UInt8] { image }
}

/// A laid-out widget before rasterization.
public struct SceneResult: Sendable {
    public var scene: Scene
    public var warnings: [RenderWarning]
    /// What the layout drew, as data.
    public var chart: ChartDescription
    /// The widget that was laid out and its resolved time range `[start, end)`.
    public var widget: MetricWidget
    public var start: EpochSeconds
    public var end: EpochSeconds
}

/// Why a render failed.
public enum GraphshotError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The MetricWidget JSON is invalid; the error names the JSON path.
    case invalidWidget(WidgetError)
    /// The data source could not answer at all.
    case dataSource(String)
    /// The bundled fonts could not be found or loaded.
    case fonts(String)
    /// Cairo or libpng failed.
    case raster(String)

    public var description: String {
        switch self {
        case .invalidWidget(let e): return e.description
        case .dataSource(let m): return "data source: \(m)"
        case .fonts(let m): return "fonts: \(m)"
        case .raster(let m): return "rendering: \(m)"
        }
    }
}

/// Renders MetricWidget JSON to PNG: parse → fetch → layout → rasterize.
///
/// A `Renderer` loads the bundled fonts once and can be shared across threads; each
/// `render` call is independent and synchronous.
public struct Renderer: Sendable {
    let fonts: FontLibrary
    let measurer: FontMeasurer

    /// A renderer using the fonts bundled with Graphshot (no configuration needed).
    public init() throws(GraphshotError) {
        do { fonts = try FontLibrary.bundled() } catch { throw .fonts(error.description) }
        measurer = FontMeasurer(fonts: fonts)
    }

    /// A renderer using DejaVuSans.ttf and DejaVuSans-Bold.ttf from `fontsDirectory`.
    public init(fontsDirectory: String) throws(GraphshotError) {
        do { fonts = try FontLibrary(directory: fontsDirectory) } catch { throw .fonts(error.description) }
        measurer = FontMeasurer(fonts: fonts)
    }

    /// Parses, fetches and lays out a widget without drawing it.
    public func scene(widgetJSON: String, data: some MetricDataSource, options: RenderOptions) throws(GraphshotError) -> SceneResult {
        let widget: MetricWidget
        do { widget = try MetricWidget.parse(json: widgetJSON) } catch { throw .invalidWidget(error) }
        return try scene(widget: widget, data: data, options: options)
    }

    /// Fetches and lays out an already parsed widget.
    public func scene(widget: MetricWidget, data: some MetricDataSource, options: RenderOptions) throws(GraphshotError) -> SceneResult {
        let fetched: WidgetData
        do {
            fetched = try queryWidget(widget, source: data, now: options.now)
        } catch {
            switch error {
            case .widget(let e): throw .invalidWidget(e)
            case .dataSource(let message): throw .dataSource(message)
            }
        }
        let input = LayoutInput(widget: widget, series: fetched.series, start: fetched.start, end: fetched.end)
        let layout = ChartLayout.layout(input, measurer: measurer)
        let warnings = MetricDiagnostics.refiningNoData(fetched.warnings, widget: widget, source: data) + layout.warnings
        return SceneResult(
            scene: layout.scene, warnings: warnings, chart: layout.chart ?? .basic(input),
            widget: widget, start: fetched.start, end: fetched.end)
    }

    /// Renders MetricWidget JSON to an image (PNG unless `options.format` says otherwise).
    public func render(widgetJSON: String, data: some MetricDataSource, options: RenderOptions) throws(GraphshotError) -> RenderResult {
        let laidOut = try scene(widgetJSON: widgetJSON, data: data, options: options)
        return try output(laidOut, options: options)
    }

    /// Renders an already parsed widget to an image.
    public func render(widget: MetricWidget, data: some MetricDataSource, options: RenderOptions) throws(GraphshotError) -> RenderResult {
        try output(try scene(widget: widget, data: data, options: options), options: options)
    }

    /// Draws a scene and encodes it as PNG.
    public func png(_ scene: Scene) throws(GraphshotError) -> [UInt8] {
        do { return try Rasterizer.renderPNG(scene, fonts: fonts) } catch { throw .raster(error.description) }
    }

}

/// Renders MetricWidget JSON to PNG with the bundled fonts.
///
/// ```swift
/// import Graphshot
/// let store = try MetricDataFiles.load(paths: ["metrics.json"])
/// let result = try render(widgetJSON: json, data: store, options: RenderOptions(now: 1_709_290_800))
/// try Data(result.png).write(to: URL(fileURLWithPath: "graph.png"))
/// ```
public func render(widgetJSON: String, data: some MetricDataSource, options: RenderOptions) throws(GraphshotError) -> RenderResult {
    try SharedRenderer.get().render(widgetJSON: widgetJSON, data: data, options: options)
}

/// The process-wide renderer behind the free `render` function: fonts load once.
enum SharedRenderer {
    private static let result: Result<Renderer, GraphshotError> = {
        Result { () throws(GraphshotError) -> Renderer in try Renderer() }
    }()

    static func get() throws(GraphshotError) -> Renderer { try result.get() }
}
