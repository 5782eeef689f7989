import ChartLayout
import ChartRaster
import MetricQuery

/// Options for rendering a dashboard body.
public struct DashboardRenderOptions: Sendable {
    /// "Now" (injected), output format, scale and PNG byte budget, as for one widget.
    public var output: RenderOptions
    /// Pixel size of each metric widget rendered on its own (api.md §8.4: 800 × 600).
    public var widgetWidth: Int
    public var widgetHeight: Int
    /// Width of a composed dashboard in pixels (the 24 grid columns share it).
    public var composeWidth: Double
    /// Values chosen for the dashboard's variables, by variable id (what a viewer picks in
    /// the dashboard); variables not named here use their `defaultValue`.
    public var variableValues: [String: String]

    /// Default and largest `composeWidth`.
    public static let defaultComposeWidth = DashboardLayout.defaultWidth
    public static let maxComposeWidth = Double(Rasterizer.maxComposedDimension)

    public init(output: RenderOptions, widgetWidth: Int = 800, widgetHeight: Int = 600,
                composeWidth: Double = DashboardLayout.defaultWidth, variableValues: [String: String] = [:]) {
        self.output = output; self.widgetWidth = widgetWidth; self.widgetHeight = widgetHeight; self.composeWidth = composeWidth
        self.variableValues = variableValues
    }
}

/// A warning from one widget of a dashboard (`widget` is nil for the dashboard itself).
public struct DashboardWarning: Codable, Sendable, Equatable {
    /// `widgets[3]`.
    public var widget: String?
    public var warning: RenderWarning

    public init(widget: String?, warning: RenderWarning) { self.widget = widget; self.warning = warning }
}

/// One metric widget rendered on its own.
public struct DashboardWidgetImage: Sendable {
    public var widget: DashboardWidget
    public var result: RenderResult
}

/// A whole dashboard drawn as one image.
public struct DashboardComposition: Sendable {
    public var image: [UInt8]
    public var format: OutputFormat
    public var scene: Scene
    public var warnings: [DashboardWarning]
}

extension Renderer {
    /// Renders metric widget `index` of a dashboard on its own (api.md §8.4).
    public func renderDashboardWidget(
        _ body: DashboardBody, index: Int, data: some MetricDataSource, options: DashboardRenderOptions
    ) throws(GraphshotError) -> RenderResult {
        let variables = try resolveVariables(body, data: data, options: options)
        var result = try renderDashboardWidget(body, index: index, data: data, options: options, variableValues: variables.values)
        result.warnings = variables.warnings.map(\.warning) + result.warnings
        return result
    }

    private func renderDashboardWidget(
        _ body: DashboardBody, index: Int, data: some MetricDataSource, options: DashboardRenderOptions,
        variableValues: [String: String]
    ) throws(GraphshotError) -> RenderResult {
        guard body.widgets.indices.contains(index) else {
            throw .invalidWidget(WidgetError(.invalidValue, path: "widgets", "there is no widget \(index) (the dashboard has \(body.widgets.count))"))
        }
        let widget: MetricWidget
        do {
            widget = try body.widgets[index].metricWidget(
                in: body, width: options.widgetWidth, height: options.widgetHeight, now: options.output.now,
                variableValues: variableValues)
        } catch { throw .invalidWidget(error) }
        return try render(widget: widget, data: data, options: options.output)
    }

    /// Renders every metric widget of a dashboard on its own. Other widgets are skipped, each
    /// with a `widgetNotRendered` warning.
    public func renderDashboardWidgets(
        _ body: DashboardBody, data: some MetricDataSource, options: DashboardRenderOptions
    ) throws(GraphshotError) -> (images: [DashboardWidgetImage], warnings: [DashboardWarning]) {
        var images: [DashboardWidgetImage] = []
        let variables = try resolveVariables(body, data: data, options: options)
        var warnings = variables.warnings
        for widget in body.widgets {
            guard widget.type == .metric else {
                warnings.append(DashboardWarning(widget: widget.path, warning: notRendered(widget, alone: true)))
                continue
            }
            let result = try renderDashboardWidget(
                body, index: widget.index, data: data, options: options, variableValues: variables.values)
            images.append(DashboardWidgetImage(widget: widget, result: result))
            warnings += result.warnings.map { DashboardWarning(widget: widget.path, warning: $0) }
        }
        return (images, warnings)
    }

    /// Draws the whole dashboard as one image on its 24-column grid (`DashboardLayout`):
    /// metric widgets as graphs at their cell size, text widgets as plain text, other widget
    /// types as labelled placeholders (with a `widgetNotRendered` warning).
    public func composeDashboard(
        _ body: DashboardBody, data: some MetricDataSource, options: DashboardRenderOptions
    ) throws(GraphshotError) -> DashboardComposition {
        let variables = try resolveVariables(body, data: data, options: options)
        var warnings = variables.warnings
        var tiles: [DashboardTile] = []
        for widget in body.widgets {
            switch widget.type {
            case .metric:
                let rect = DashboardLayout.tileRect(widget.grid, width: options.composeWidth)
                let limits = WidgetLimits.imageSize
                let width = min(limits.upperBound, max(limits.lowerBound, Int(rect.width)))
                let height = min(limits.upperBound, max(limits.lowerBound, Int(rect.height)))
                let metric: MetricWidget
                do {
                    metric = try widget.metricWidget(
                        in: body, width: width, height: height, now: options.output.now, variableValues: variables.values)
                } catch { throw .invalidWidget(error) }
                let laidOut = try scene(widget: metric, data: data, options: options.output)
                tiles.append(DashboardTile(grid: widget.grid, content: .chart(laidOut.scene), path: widget.path))
                warnings += laidOut.warnings.map { DashboardWarning(widget: widget.path, warning: $0) }
            case .text:
                tiles.append(DashboardTile(
                    grid: widget.grid, content: .text(markdown: widget.markdown ?? "", transparent: widget.transparentBackground),
                    path: widget.path))
            default:
                tiles.append(DashboardTile(
                    grid: widget.grid,
                    content: .placeholder(title: widget.title, message: "\(widget.type) widget: not drawn by Graphshot"),
                    path: widget.path))
                warnings.append(DashboardWarning(widget: widget.path, warning: notRendered(widget, alone: false)))
            }
        }
        let composed = DashboardLayout.compose(tiles, width: options.composeWidth, measurer: measurer)
        warnings += composed.warnings.map { DashboardWarning(widget: $0.path, warning: $0.warning) }
        var encodeWarnings: [RenderWarning] = []
        let encoded = try encode(
            composed.scene, options: options.output, title: nil, warnings: &encodeWarnings,
            maxSceneSide: Rasterizer.maxComposedDimension)
        warnings += encodeWarnings.map { DashboardWarning(widget: nil, warning: $0) }
        return DashboardComposition(image: encoded.bytes, format: options.output.format, scene: composed.scene, warnings: warnings)
    }

    private func notRendered(_ widget: DashboardWidget, alone: Bool) -> RenderWarning {
        RenderWarning(
            code: "widgetNotRendered",
            message: "\(widget.path) (type \(widget.type)) "
                + (alone ? "is skipped: only metric widgets are rendered on their own" : "is drawn as a placeholder"))
    }

    /// The value of every variable that is chosen in `options` or defaults to `__FIRST`
    /// (run through the catalogue, `VariableSearch`); a `__FIRST` search with no result gets
    /// the warning `variableUnresolved` and leaves the widgets as written (api.md §8.4).
    /// Choosing a variable the dashboard does not have is an error.
    private func resolveVariables(
        _ body: DashboardBody, data: some MetricDataSource, options: DashboardRenderOptions
    ) throws(GraphshotError) -> (values: [String: String], warnings: [DashboardWarning]) {
        let ids = body.variables.map(\.id)
        if let unknown = options.variableValues.keys.sorted().first(where: { !ids.contains($0) }) {
            let known = ids.isEmpty ? "it has none" : "its variables are " + ids.joined(separator: ", ")
            throw .invalidWidget(WidgetError(.invalidValue, path: "variables", "the dashboard has no variable \(JSONWriter.quoted(unknown)) (\(known))"))
        }
        let resolved: (values: [String: String], unresolved: [DashboardVariable])
        do {
            resolved = try VariableSearch.resolveFirstValues(
                body.variables, chosen: options.variableValues, source: data, now: options.output.now)
        } catch {
            switch error {
            case .invalidExpression(let path, let message): throw .invalidWidget(WidgetError(.invalidValue, path: path, message))
            case .dataSource(let message): throw .dataSource(message)
            }
        }
        let warnings = resolved.unresolved.map { variable in
            DashboardWarning(widget: nil, warning: RenderWarning(
                code: "variableUnresolved",
                message: "\(variable.path) (\(variable.id)): its search finds no \(variable.populateFrom ?? "") value, so __FIRST is not applied"))
        }
        return (resolved.values, warnings)
    }
}
