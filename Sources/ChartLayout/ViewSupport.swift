import ChartCore
import ChartScales
import ChartScene
import WidgetSpec

/// Colours of the widget's annotations: an explicit `color`, else the palette slot after every
/// series slot, horizontal annotations first, in list order, counting invisible ones too (like
/// hidden rows; visual spec §3, §8). Only visible annotations are returned.
enum AnnotationColors {
    static func resolve(_ widget: MetricWidget, series: [ChartSeries])
        -> (horizontal: [(annotation: HorizontalAnnotation, color: RGBA)], vertical: [(annotation: VerticalAnnotation, color: RGBA)])
    {
        var slot = max(widget.rows.count, series.map(\.paletteSlot).max() ?? 0)
        var horizontal: [(HorizontalAnnotation, RGBA)] = []
        for a in widget.annotations.horizontal {
            let color: RGBA
            if let c = a.color { color = c } else { slot += 1; color = Palette.color(slot: slot) }
            if a.visible { horizontal.append((a, color)) }
        }
        var vertical: [(VerticalAnnotation, RGBA)] = []
        for a in widget.annotations.vertical {
            let color: RGBA
            if let c = a.color { color = c } else { slot += 1; color = Palette.color(slot: slot) }
            if a.visible { vertical.append((a, color)) }
        }
        return (horizontal, vertical)
    }
}

/// What every non-timeSeries view shares: the theme, the visible series with their colours,
/// the annotations, the title row, the partial-data sign and the empty-state message.
struct ViewContext {
    let input: LayoutInput
    let measurer: any TextMeasurer
    let widget: MetricWidget
    let colors: ThemeColors
    let width: Double
    let height: Double
    /// Visible series in row order with their colours (explicit colour, else palette slot).
    /// Anomaly band edges are not values of their own and are left out.
    let visible: [(series: ChartSeries, color: RGBA)]
    let hasPartialData: Bool
    let horizontal: [(annotation: HorizontalAnnotation, color: RGBA)]
    /// Below 120 × 80 px only the data is drawn: no title, labels or legend (visual spec §1).
    let tiny: Bool

    init(input: LayoutInput, measurer: any TextMeasurer) {
        self.input = input
        self.measurer = measurer
        self.widget = input.widget
        self.colors = ThemeColors.of(input.widget.theme)
        self.width = Double(input.widget.width)
        self.height = Double(input.widget.height)
        self.visible = input.series.filter { $0.visible && $0.band == nil }
            .map { ($0, $0.explicitColor ?? Palette.color(slot: $0.paletteSlot)) }
        self.hasPartialData = input.series.contains { $0.status != .complete }
        self.horizontal = AnnotationColors.resolve(input.widget, series: input.series).horizontal
        self.tiny = width < Metrics.tinyWidth || height < Metrics.tinyHeight
    }

    /// Draws the title (unless tiny or absent) and returns the y where the content starts.
    func title(into items: inout [SceneItem], warnings: inout [RenderWarning]) -> Double {
        let pad = Metrics.padding
        guard !tiny, let title = widget.title, !title.isEmpty else { return pad }
        let text = measurer.truncate(title, font: Metrics.titleFont, maxWidth: width - 2 * pad)
        if text != title {
            warnings.append(RenderWarning(code: "labelTruncated", message: "title shortened to fit the image width"))
        }
        items.append(.text(TextRun(
            text: text, anchor: Point(x: pad, y: pad), font: Metrics.titleFont, color: colors.primaryText,
            align: .start, baseline: .top)))
        return pad + Metrics.titleRow
    }

    /// The content area below the title, inside the padding (tiny images use it all).
    func contentArea(top: Double) -> Rect {
        let pad = tiny ? 0 : Metrics.padding
        let y = tiny ? 0 : top
        return Rect(x: pad, y: y, width: max(1, width - 2 * pad), height: max(1, height - pad - y))
    }

    /// The partial-data sign at the bottom-left corner of `area`, 4 px inset (visual spec §9).
    func warningIcon(in area: Rect) -> SceneItem {
        let s = Metrics.warningSize
        return .icon(icon: .warningTriangle, center: Point(x: area.minX + 4 + s / 2, y: area.maxY - 4 - s * 0.433), size: s)
    }

    /// `No data available.` centred in `area` (visual spec §11).
    func noDataMessage(in area: Rect) -> SceneItem {
        .text(TextRun(
            text: "No data available.", anchor: Point(x: area.midX, y: area.midY), font: Metrics.messageFont,
            color: colors.secondaryText, align: .middle, baseline: .middle))
    }

    /// A finished scene of this canvas.
    func scene(_ items: [SceneItem]) -> Scene {
        Scene(size: Size(width: width, height: height), background: colors.background, items: items)
    }

    /// The colour of a value's text: the series colour when the row set one, else primary text
    /// (visual spec §7).
    func valueColor(_ series: ChartSeries) -> RGBA { series.explicitColor ?? colors.primaryText }

    /// Formats a single value: `--` for no data, abbreviated or full precision (visual spec §7).
    func format(_ value: Double?) -> String {
        guard let value, !value.isNaN else { return "--" }
        return widget.singleValueFullPrecision ? ValueFormat.fullPrecision(value) : ValueFormat.abbreviated(value)
    }
}

/// The single value a series shows in the number, gauge, bar and pie views.
enum SeriesValue {
    /// The newest bucket with data, and the data point before it (for the trend arrow).
    /// With `setPeriodToTimeRange` the series has one whole-range bucket, so this is the
    /// aggregate over the whole range (metric-widget spec §10).
    static func latest(_ s: ChartSeries) -> (value: Double, previous: Double?)? {
        var i = min(s.values.count, s.timestamps.count) - 1
        while i >= 0 && s.values[i].isNaN { i -= 1 }
        guard i >= 0 else { return nil }
        var j = i - 1
        while j >= 0 && s.values[j].isNaN { j -= 1 }
        return (s.values[i], j >= 0 ? s.values[j] : nil)
    }
}

/// Splits an area into equal tiles (visual spec §7): columns = min(n, max(1, ⌊width / 160⌋)),
/// rows = ⌈n / columns⌉, 8 px gutters, filled row by row.
enum TileGrid {
    static let minTileWidth = 160.0
    static let gutter = 8.0

    /// Below this a tile cannot show a readable value.
    static let minReadable = Size(width: 40, height: 30)

    /// A `tilesTooSmall` warning when the tiles are too small to read (many series on a small image).
    static func warning(_ tiles: [Rect]) -> RenderWarning? {
        guard let t = tiles.first, t.width < minReadable.width || t.height < minReadable.height else { return nil }
        return RenderWarning(
            code: "tilesTooSmall",
            message: "\(tiles.count) tiles share the image, each only \(Int(t.width))×\(Int(t.height)) px: too small to read; "
                + "use a larger image or fewer series")
    }

    static func tiles(count n: Int, in area: Rect) -> [Rect] {
        guard n > 0 else { return [] }
        let columns = min(n, max(1, Int((area.width / minTileWidth).rounded(.down))))
        let rows = (n + columns - 1) / columns
        let w = max(1, (area.width - gutter * Double(columns - 1)) / Double(columns))
        let h = max(1, (area.height - gutter * Double(rows - 1)) / Double(rows))
        return (0..<n).map { k in
            let c = Double(k % columns), r = Double(k / columns)
            return Rect(x: area.minX + c * (w + gutter), y: area.minY + r * (h + gutter), width: w, height: h)
        }
    }
}

/// Chrome shared by the views with an optional legend (bar, pie): lays the legend out at the
/// bottom or right of the content (visual spec §4) and reports what it had to shorten.
struct LegendBlock {
    var items: [SceneItem] = []
    /// What remains for the plot and its axes.
    var remaining: Rect

    init(context c: ViewContext, entries: [LegendEntry], area: Rect, warnings: inout [RenderWarning]) {
        remaining = area
        let iconInLegend = c.hasPartialData && c.widget.legend != .hidden && !c.tiny
        guard !c.tiny, c.widget.legend != .hidden, !entries.isEmpty || iconInLegend else { return }
        let placer = LegendPlacer(measurer: c.measurer, colors: c.colors)
        let iconLead = Metrics.warningSize + 6
        var legend = LegendLayout()
        switch c.widget.legend {
        case .bottom:
            let rowLimit = max(1, Int((c.height * Metrics.legendMaxShare / Metrics.legendRow).rounded(.down)))
            legend = placer.bottom(entries, origin: Point(x: area.minX, y: 0), width: area.width,
                                   rowLimit: rowLimit, leading: iconInLegend ? iconLead : 0)
            let top = area.maxY - legend.extent
            legend.items = legend.items.map { $0.translated(dx: 0, dy: top) }
            if iconInLegend { items.append(LegendBlock.icon(rowStart: Point(x: area.minX, y: top))) }
            remaining = Rect(x: area.minX, y: area.minY, width: area.width, height: max(1, top - 4 - area.minY))
        case .right:
            let columnWidth = min(c.width * Metrics.legendMaxShare, Metrics.rightLegendMaxWidth)
            let left = area.maxX - columnWidth
            let rowLimit = max(1, Int((area.height / Metrics.legendRow).rounded(.down)))
            legend = placer.right(entries, origin: Point(x: left, y: area.minY), width: columnWidth,
                                  rowLimit: rowLimit, leadingRow: iconInLegend)
            if iconInLegend { items.append(LegendBlock.icon(rowStart: Point(x: left, y: area.minY))) }
            remaining = Rect(x: area.minX, y: area.minY, width: max(1, left - 8 - area.minX), height: area.height)
        case .hidden:
            break
        }
        items += legend.items
        for label in legend.truncated {
            warnings.append(RenderWarning(code: "labelTruncated", message: "legend label \"\(label)\" shortened to fit"))
        }
        if legend.hiddenCount > 0 {
            warnings.append(RenderWarning(
                code: "legendOverflow",
                message: "\(legend.hiddenCount) legend entries did not fit and are summarised as \"+\(legend.hiddenCount) more\""))
        }
    }

    /// True when the partial-data sign is part of the legend (so it is not drawn in a corner).
    static func holdsIcon(_ c: ViewContext) -> Bool { c.hasPartialData && c.widget.legend != .hidden && !c.tiny }

    static func icon(rowStart p: Point) -> SceneItem {
        .icon(icon: .warningTriangle,
              center: Point(x: p.x + Metrics.warningSize / 2, y: p.y + Metrics.legendRow / 2), size: Metrics.warningSize)
    }
}
