import ChartCore
import ChartScales
import ChartScene
import WidgetSpec

/// Everything layout needs: the validated widget and its series, already fetched and aggregated.
public struct LayoutInput: Sendable {
    public var widget: MetricWidget
    public var series: [ChartSeries]
    /// The resolved time range `[start, end)`.
    public var start: EpochSeconds
    public var end: EpochSeconds

    public init(widget: MetricWidget, series: [ChartSeries], start: EpochSeconds, end: EpochSeconds) {
        self.widget = widget; self.series = series; self.start = start; self.end = end
    }
}

/// A laid-out image plus what layout had to compromise on.
public struct LayoutResult: Sendable {
    public var scene: Scene
    /// Legend overflow, shortened labels, clipped series, values left out of a view.
    public var warnings: [RenderWarning]
    /// The plot rectangle (where data is drawn; the tile area for the number, gauge and table views).
    public var plot: Rect
    /// What was drawn, as data (the render sidecar); nil when a view does not describe itself.
    public var chart: ChartDescription? = nil
}

/// Turns a widget and its series into a `Scene` (visual spec §2–§11).
///
/// Each view has its own layout: `TimeSeriesLayout` (below), `SingleValueLayout`,
/// `GaugeLayout`, `BarLayout`, `PieLayout` and `TableViewLayout`, each in its own file.
///
/// Time series layout runs in passes — chrome (title, legend) → tick count from the plot height →
/// measured tick labels → plot rectangle → mapped data — never in a loop until stable.
/// When the plot would be smaller than 40 × 30 px it drops, in order, the legend, the
/// axis titles and the tick labels.
public enum ChartLayout {
    public static func layout(_ input: LayoutInput, measurer: some TextMeasurer) -> LayoutResult {
        let context = { ViewContext(input: input, measurer: measurer) }
        switch input.widget.view {
        case .timeSeries: return TimeSeriesLayout(input: input, measurer: measurer).run()
        case .singleValue: return SingleValueLayout(context: context()).run()
        case .gauge: return GaugeLayout(context: context()).run()
        case .bar: return BarLayout(context: context()).run()
        case .pie: return PieLayout(context: context()).run()
        case .table: return TableViewLayout(context: context()).run()
        }
    }
}

/// One y-axis: which series and annotations it carries and how it is scaled.
struct AxisModel {
    var side: AxisSide
    var ticks: ValueAxisTicks
    var labels: [String]
    var title: String?
    var labelWidth: Double
}

/// A stacked series: its cumulative top and the previous cumulative line as base.
struct StackedSeries {
    var index: Int
    var timestamps: [EpochSeconds]
    var top: [Double]
    var base: [Double]
}

struct TimeSeriesLayout {
    /// What every view shares: input, theme, canvas size, partial-data state.
    let context: ViewContext
    var input: LayoutInput { context.input }
    var measurer: any TextMeasurer { context.measurer }
    var widget: MetricWidget { context.widget }
    var colors: ThemeColors { context.colors }
    var width: Double { context.width }
    var height: Double { context.height }
    var hasPartialData: Bool { context.hasPartialData }
    var horizontal: [(annotation: HorizontalAnnotation, color: RGBA)] { context.horizontal }
    /// Visible series in row order, with their resolved colours (anomaly band edges included:
    /// a time series draws them as the band).
    let visible: [(series: ChartSeries, color: RGBA)]
    let vertical: [(annotation: VerticalAnnotation, color: RGBA)]
    let stacks: [AxisSide: [StackedSeries]]

    init(input: LayoutInput, measurer: any TextMeasurer) {
        context = ViewContext(input: input, measurer: measurer)
        self.visible = input.series.filter(\.visible).map { ($0, $0.explicitColor ?? Palette.color(slot: $0.paletteSlot)) }
        self.vertical = AnnotationColors.resolve(input.widget, series: input.series).vertical

        var stacks: [AxisSide: [StackedSeries]] = [:]
        if input.widget.stacked {
            for side in [AxisSide.left, .right] {
                stacks[side] = TimeSeriesLayout.stack(visible.enumerated().filter { $0.element.series.axis == side && $0.element.series.band == nil }.map { ($0.offset, $0.element.series) })
            }
        }
        self.stacks = stacks
    }

    /// Stacks series in row order over the union of their timestamps; missing values count as 0
    /// (metric-widget spec §10.1).
    static func stack(_ members: [(Int, ChartSeries)]) -> [StackedSeries] {
        guard !members.isEmpty else { return [] }
        var times = Set<EpochSeconds>()
        for (_, s) in members { times.formUnion(s.timestamps) }
        let grid = times.sorted()
        var position: [EpochSeconds: Int] = [:]
        for (i, t) in grid.enumerated() { position[t] = i }
        var cumulative = [Double](repeating: 0, count: grid.count)
        var result: [StackedSeries] = []
        for (index, s) in members {
            let base = cumulative
            for (t, v) in zip(s.timestamps, s.values) where !v.isNaN && v.isFinite {
                if let i = position[t] { cumulative[i] += v }
            }
            result.append(StackedSeries(index: index, timestamps: grid, top: cumulative, base: base))
        }
        return result
    }

    // MARK: - Axes

    /// The axes to draw: left unless only the right one carries anything.
    func axisSides() -> [AxisSide] {
        func used(_ side: AxisSide) -> Bool {
            visible.contains { $0.series.axis == side }
                || horizontal.contains { $0.annotation.yAxis == side }
                || widget.yAxis[side].min != nil || widget.yAxis[side].max != nil
        }
        let right = used(.right)
        let left = used(.left) || !right
        return (left ? [AxisSide.left] : []) + (right ? [.right] : [])
    }

    /// Data extent on one axis: visible values (stacked totals when stacked) and annotations.
    func domain(_ side: AxisSide) -> (Double, Double)? {
        var lo = Double.infinity, hi = -Double.infinity
        func include(_ v: Double) { if v.isFinite { lo = min(lo, v); hi = max(hi, v) } }
        if widget.stacked {
            for s in stacks[side] ?? [] {
                for v in s.top { include(v) }
                include(0)
            }
            for (s, _) in visible where s.axis == side && s.band != nil {
                for v in s.values { include(v) }
            }
        } else {
            for (s, _) in visible where s.axis == side {
                for v in s.values { include(v) }
            }
        }
        for (a, _) in horizontal where a.yAxis == side {
            switch a.shape {
            case .line(let v, _, _): include(v)
            case .band(let v1, _, let v2, _): include(v1); include(v2)
            }
        }
        return lo <= hi ? (lo, hi) : nil
    }

    /// The axis title: the `label`, else the shared unit of its visible series (visual spec §5.3).
    func axisTitle(_ side: AxisSide) -> String? {
        let options = widget.yAxis[side]
        if let label = options.label, !label.isEmpty { return label }
        guard options.showUnits != false else { return nil }
        let units = Set(visible.filter { $0.series.axis == side }.map { $0.series.unit ?? "None" })
        guard units.count == 1, let unit = units.first, unit != "None" else { return nil }
        return unit
    }

    func axisModel(_ side: AxisSide, plotHeight: Double) -> AxisModel {
        let options = widget.yAxis[side]
        let d = domain(side)
        let ticks = ValueTicks.axis(
            dataMin: d?.0, dataMax: d?.1, fixedMin: options.min, fixedMax: options.max,
            count: ValueTicks.targetCount(plotHeight: plotHeight))
        let labels = NumberFormat.axisLabels(ticks.ticks, step: ticks.step)
        let labelWidth = labels.map { measurer.measure($0, font: Metrics.tickFont).width }.max() ?? 0
        return AxisModel(side: side, ticks: ticks, labels: labels, title: axisTitle(side), labelWidth: labelWidth)
    }

    // MARK: - Legend

    func legendEntries() -> [LegendEntry] {
        var entries = seriesLegendEntries()
        for (a, color) in horizontal {
            switch a.shape {
            case .line(_, let label, _):
                if let label, !label.isEmpty { entries.append(LegendEntry(swatch: .line(color), label: label)) }
            case .band(_, let label, _, _):
                if let label, !label.isEmpty { entries.append(LegendEntry(swatch: .band(color), label: label)) }
            }
        }
        return entries
    }

    // MARK: - Run

    /// Which optional chrome a layout attempt keeps.
    struct Chrome {
        var title: Bool
        var legend: Bool
        var axisTitles: Bool
        var tickLabels: Bool
    }

    func run() -> LayoutResult {
        let tiny = width < Metrics.tinyWidth || height < Metrics.tinyHeight
        let hasTitle = widget.title.map { !$0.isEmpty } ?? false
        var attempts: [Chrome] = tiny
            ? [Chrome(title: false, legend: false, axisTitles: false, tickLabels: false)]
            : [
                Chrome(title: hasTitle, legend: true, axisTitles: true, tickLabels: true),
                Chrome(title: hasTitle, legend: false, axisTitles: true, tickLabels: true),
                Chrome(title: hasTitle, legend: false, axisTitles: false, tickLabels: true),
                Chrome(title: hasTitle, legend: false, axisTitles: false, tickLabels: false),
            ]
        if widget.legend == .hidden { attempts = attempts.map { var c = $0; c.legend = false; return c } }
        var result = attempt(attempts[0])
        for chrome in attempts.dropFirst() where !result.fits {
            result = attempt(chrome)
        }
        return result.layout
    }

    func attempt(_ chrome: Chrome) -> (fits: Bool, layout: LayoutResult) {
        var warnings: [RenderWarning] = []
        let pad = Metrics.padding
        var items: [SceneItem] = []
        var top = pad
        var bottomEdge = height - pad
        var rightEdge = width - pad

        // Title.
        if chrome.title, let title = widget.title {
            let text = measurer.truncate(title, font: Metrics.titleFont, maxWidth: width - 2 * pad)
            if text != title {
                warnings.append(RenderWarning(code: "labelTruncated", message: "title shortened to fit the image width"))
            }
            items.append(.text(TextRun(
                text: text, anchor: Point(x: pad, y: pad), font: Metrics.titleFont, color: colors.primaryText,
                align: .start, baseline: .top)))
            top += Metrics.titleRow
        }

        // Legend (placed now to know its size; items are added after the plot).
        let legendPlacer = LegendPlacer(measurer: measurer, colors: colors)
        let entries = legendEntries()
        let iconInLegend = hasPartialData && chrome.legend
        var legend = LegendLayout()
        var legendItems: [SceneItem] = []
        let iconLead = Metrics.warningSize + 6
        if chrome.legend && (!entries.isEmpty || iconInLegend) {
            switch widget.legend {
            case .bottom:
                // Laid out at y = 0 to learn its height, then moved above the bottom padding.
                let rowLimit = max(1, Int((height * Metrics.legendMaxShare / Metrics.legendRow).rounded(.down)))
                legend = legendPlacer.bottom(entries, origin: .init(x: pad, y: 0), width: width - 2 * pad,
                                             rowLimit: rowLimit, leading: iconInLegend ? iconLead : 0)
                let legendTop = bottomEdge - legend.extent
                legend.translate(dy: legendTop)
                if iconInLegend { legendItems.append(warningIcon(rowStart: Point(x: pad, y: legendTop))) }
                bottomEdge = legendTop - 4
            case .right:
                let columnWidth = min(width * Metrics.legendMaxShare, Metrics.rightLegendMaxWidth)
                let left = width - pad - columnWidth
                let rowLimit = max(1, Int(((height - pad - top) / Metrics.legendRow).rounded(.down)))
                legend = legendPlacer.right(entries, origin: .init(x: left, y: top), width: columnWidth,
                                            rowLimit: rowLimit, leadingRow: iconInLegend)
                if iconInLegend { legendItems.append(warningIcon(rowStart: Point(x: left, y: top))) }
                rightEdge = left - 8
            case .hidden:
                break
            }
            legendItems += legend.items
        }
        for label in legend.truncated {
            warnings.append(RenderWarning(code: "labelTruncated", message: "legend label \"\(label)\" shortened to fit"))
        }
        if legend.hiddenCount > 0 {
            warnings.append(RenderWarning(
                code: "legendOverflow", message: "\(legend.hiddenCount) legend entries did not fit and are summarised as \"+\(legend.hiddenCount) more\""))
        }

        // Vertical extent of the plot, then ticks (their count depends only on the plot height).
        let xAxisRow = chrome.tickLabels ? Metrics.xAxisRow : 0
        let plotTop = (top + (chrome.tickLabels ? 6 : 0)).rounded()
        let plotBottom = (bottomEdge - xAxisRow).rounded()
        let plotHeight = plotBottom - plotTop
        let sides = axisSides()
        let axes = sides.map { axisModel($0, plotHeight: plotHeight) }
        warnings += seriesWarnings(axes)

        func column(_ axis: AxisModel?) -> Double {
            guard let axis else { return 0 }
            var w = chrome.tickLabels ? (axis.labelWidth + Metrics.tickGap).rounded(.up) : 0
            if chrome.axisTitles && axis.title != nil { w += Metrics.axisTitleColumn }
            return w
        }
        let leftAxis = axes.first { $0.side == .left }
        let rightAxis = axes.first { $0.side == .right }
        let plotLeft = pad + column(leftAxis)
        let plotRight = rightEdge - column(rightAxis) - (rightAxis == nil && chrome.tickLabels ? 6 : 0)
        let plot = Rect(x: plotLeft, y: plotTop, width: max(1, plotRight - plotLeft), height: max(1, plotHeight))
        let fits = plotRight - plotLeft >= Metrics.minPlotWidth && plotHeight >= Metrics.minPlotHeight

        // Plot contents.
        let mappings = Dictionary(uniqueKeysWithValues: axes.map {
            ($0.side, PlotMapping(plot: plot, start: input.start, end: input.end, lower: $0.ticks.lower, upper: $0.ticks.upper))
        })
        let gridAxis = leftAxis ?? rightAxis
        var plotItems: [SceneItem] = []
        plotItems += horizontalAnnotationFills(mappings)
        plotItems += verticalAnnotationFills(plot)
        if let gridAxis, let mapping = mappings[gridAxis.side] {
            for tick in gridAxis.ticks.ticks {
                let y = crisp(mapping.y(tick))
                guard y > plot.minY, y < plot.maxY else { continue }
                plotItems.append(.rule(from: Point(x: plot.minX, y: y), to: Point(x: plot.maxX, y: y),
                                       stroke: Stroke(color: colors.grid, width: 1)))
            }
        }
        plotItems += anomalyBandItems(mappings)
        plotItems += seriesItems(mappings)
        plotItems += outOfBandItems(mappings)
        plotItems += horizontalAnnotationLines(mappings)
        plotItems += verticalAnnotationLines(plot)
        items.append(.group(role: "plot", clip: plot, items: plotItems))

        // Baseline and axes.
        let baseY = crisp(plot.maxY)
        items.append(.rule(from: Point(x: plot.minX, y: baseY), to: Point(x: plot.maxX, y: baseY),
                           stroke: Stroke(color: colors.axis, width: 1)))
        for axis in axes {
            guard let mapping = mappings[axis.side] else { continue }
            var axisItems: [SceneItem] = []
            if chrome.tickLabels {
                for (tick, label) in zip(axis.ticks.ticks, axis.labels) {
                    let y = mapping.y(tick)
                    let x = axis.side == .left ? plot.minX - Metrics.tickGap : plot.maxX + Metrics.tickGap
                    axisItems.append(.text(TextRun(
                        text: label, anchor: Point(x: x, y: y), font: Metrics.tickFont, color: colors.secondaryText,
                        align: axis.side == .left ? .end : .start, baseline: .middle)))
                }
            }
            if chrome.axisTitles, let title = axis.title {
                let text = measurer.truncate(title, font: Metrics.axisTitleFont, maxWidth: plot.height)
                let x = axis.side == .left ? pad + Metrics.axisTitleColumn / 2 : rightEdge - Metrics.axisTitleColumn / 2
                axisItems.append(.text(TextRun(
                    text: text, anchor: Point(x: x, y: plot.midY), font: Metrics.axisTitleFont, color: colors.secondaryText,
                    align: .middle, baseline: .middle, rotation: axis.side == .left ? -90 : 90)))
            }
            items.append(.group(role: "axis.\(axis.side.rawValue)", clip: nil, items: axisItems))
        }
        if chrome.tickLabels {
            items.append(.group(role: "axis.time", clip: nil, items: timeAxisItems(plot)))
        }

        // Legend, warning icon without a legend, empty state.
        if !legendItems.isEmpty { items.append(.group(role: "legend", clip: nil, items: legendItems)) }
        if hasPartialData && !iconInLegend {
            let s = Metrics.warningSize
            items.append(.icon(icon: .warningTriangle,
                               center: Point(x: plot.minX + 4 + s / 2, y: plot.maxY - 4 - s * 0.433), size: s))
        }
        if !visible.contains(where: { $0.series.hasData }) {
            items.append(.text(TextRun(
                text: "No data available.", anchor: Point(x: plot.midX, y: plot.midY), font: Metrics.messageFont,
                color: colors.secondaryText, align: .middle, baseline: .middle)))
        }

        warnings += drawingWarnings(axes: axes, chrome: chrome, plot: plot, scene: items)
        let scene = Scene(size: Size(width: width, height: height), background: colors.background, items: items)
        let chart = describe(plot: plot, axes: axes, legend: legend, chrome: chrome, scene: items)
        return (fits, LayoutResult(scene: scene, warnings: warnings, plot: plot, chart: chart))
    }

    /// The partial-data triangle as the first item of a legend row starting at `rowStart`.
    func warningIcon(rowStart p: Point) -> SceneItem {
        .icon(icon: .warningTriangle,
              center: Point(x: p.x + Metrics.warningSize / 2, y: p.y + Metrics.legendRow / 2), size: Metrics.warningSize)
    }

    // MARK: - Series

    func seriesItems(_ mappings: [AxisSide: PlotMapping]) -> [SceneItem] {
        var items: [SceneItem] = []
        if widget.stacked {
            var areas: [SceneItem] = []
            var lines: [SceneItem] = []
            for side in [AxisSide.left, .right] {
                guard let mapping = mappings[side] else { continue }
                for s in stacks[side] ?? [] {
                    let color = visible[s.index].color
                    let top = s.timestamps.indices.map { Point(x: mapping.x(s.timestamps[$0]), y: mapping.y(s.top[$0])) }
                    let base = s.timestamps.indices.map { Point(x: mapping.x(s.timestamps[$0]), y: mapping.y(s.base[$0])) }
                    guard top.count > 1 else {
                        if let p = top.first { lines.append(.dots(centers: [p], radius: Metrics.dotRadius, fill: color)) }
                        continue
                    }
                    areas.append(.area(top: top, base: base, fill: color.withOpacity(Metrics.stackedFillOpacity)))
                    let path = SeriesPathBuilder.build(timestamps: s.timestamps, values: s.top, mapping: mapping)
                    lines.append(.polyline(points: path.points, stroke: Stroke(color: color, width: Metrics.lineWidth)))
                }
            }
            return areas + lines
        }
        for (series, color) in visible where series.band == nil {
            guard let mapping = mappings[series.axis] else { continue }
            let path = SeriesPathBuilder.build(timestamps: series.timestamps, values: series.values, mapping: mapping)
            if !path.points.isEmpty {
                items.append(.polyline(points: path.points, stroke: Stroke(color: color, width: Metrics.lineWidth)))
            }
            if !path.dots.isEmpty {
                items.append(.dots(centers: path.dots, radius: Metrics.dotRadius, fill: color))
            }
        }
        return items
    }

    // MARK: - Time axis

    func timeAxisItems(_ plot: Rect) -> [SceneItem] {
        let mapping = PlotMapping(plot: plot, start: input.start, end: input.end, lower: 0, upper: 1)
        var items: [SceneItem] = []
        var lastRight = -Double.infinity
        for tick in TimeTicks.ticks(start: input.start, end: input.end, plotWidth: plot.width, offset: widget.timezone) {
            let x = mapping.x(tick.time)
            let w = measurer.measure(tick.label, font: Metrics.tickFont).width
            let left = x - w / 2, right = x + w / 2
            // Labels that would overlap the previous one, or leave the canvas, are skipped.
            guard left >= lastRight + 4, left >= 0, right <= width else { continue }
            items.append(.text(TextRun(
                text: tick.label, anchor: Point(x: x, y: plot.maxY + 4), font: Metrics.tickFont,
                color: colors.secondaryText, align: .middle, baseline: .top)))
            lastRight = right
        }
        return items
    }
}
