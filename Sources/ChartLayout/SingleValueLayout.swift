import ChartCore
import ChartScales
import ChartScene
import WidgetSpec

/// The number view (`singleValue`, visual spec §7): one tile per visible series with its
/// label, its latest value (or whole-range aggregate) in big bold digits with the unit, an
/// optional trend arrow and an optional sparkline. No legend: the labels are in the tiles.
///
/// Decisions where the spec is silent:
/// - The trend arrow follows the unit (`42.7 % ▲`), so number and unit stay together.
/// - The value is centred in the part of the upper 60 % below the label row, and its size is
///   also capped so it fits that height (small tiles in a dense grid).
/// - All tiles use one value size: the largest that fits every tile, so they read alike.
/// - With `singleValueFullPrecision`, a value that does not fit the tile even at the smallest
///   size falls back to exponent form with 10 significant digits.
/// - The sparkline spans the widget's time range (not only the buckets with data), so tiles
///   of sparse series line up in time.
struct SingleValueLayout {
    let context: ViewContext

    static let labelRow = 18.0
    static let maxValueFont = 48.0
    static let minValueFont = 8.0
    static let unitFont = FontSpec(size: 14)
    static let labelFont = FontSpec(size: 12)
    static let sparklineShare = 0.35
    static let sparklineFillOpacity = 0.20
    static let trendShare = 0.6

    func run() -> LayoutResult {
        let c = context
        var items: [SceneItem] = []
        var warnings: [RenderWarning] = []
        let top = c.title(into: &items, warnings: &warnings)
        let content = c.contentArea(top: top)
        let tiles = TileGrid.tiles(count: c.visible.count, in: content)
        if let w = TileGrid.warning(tiles) { warnings.append(w) }
        // One value size for every tile — the largest that fits them all — so tiles read alike.
        let text = ValueText(context: c)
        let size = zip(tiles, c.visible).map { tile, entry in
            text.size(value: SeriesValue.latest(entry.series)?.value, unit: entry.series.unit, trend: trend(entry.series),
                      region: valueRegion(tile), maxFont: min(Self.maxValueFont, 0.45 * tile.height))
        }.min() ?? Self.maxValueFont
        for (tile, entry) in zip(tiles, c.visible) {
            items.append(.group(role: "tile", clip: tile, items: tileItems(
                entry.series, color: entry.color, tile: tile, valueSize: size, warnings: &warnings)))
        }
        if c.visible.isEmpty { items.append(c.noDataMessage(in: content)) }
        if c.hasPartialData { items.append(c.warningIcon(in: content)) }
        return LayoutResult(scene: c.scene(items), warnings: warnings, plot: content)
    }

    /// Where the value is centred: the upper 60 % of the tile, below the label row.
    func valueRegion(_ tile: Rect) -> Rect {
        let top = tile.minY + (context.tiny ? 0 : Self.labelRow)
        let bottom = max(top + 1, tile.minY + 0.6 * tile.height)
        return Rect(x: tile.minX, y: top, width: tile.width, height: bottom - top)
    }

    /// `▲` when the latest value is above the data point before it, `▼` when below (with `trend`).
    func trend(_ series: ChartSeries) -> String? {
        guard context.widget.trend, let latest = SeriesValue.latest(series), let previous = latest.previous,
              latest.value != previous else { return nil }
        return latest.value > previous ? "▲" : "▼"
    }

    /// A label, value (+ unit + trend) and sparkline inside one tile.
    func tileItems(_ series: ChartSeries, color: RGBA, tile: Rect, valueSize: Double, warnings: inout [RenderWarning]) -> [SceneItem] {
        let c = context
        var items: [SceneItem] = []
        if !c.tiny {
            let label = c.measurer.truncate(series.label, font: Self.labelFont, maxWidth: tile.width)
            if label != series.label {
                warnings.append(RenderWarning(code: "labelTruncated", message: "label \"\(series.label)\" shortened to fit its tile", id: series.id))
            }
            if !label.isEmpty {
                items.append(.text(TextRun(
                    text: label, anchor: Point(x: tile.minX, y: tile.minY), font: Self.labelFont,
                    color: c.colors.secondaryText, align: .start, baseline: .top)))
            }
        }
        items += ValueText(context: c).items(
            value: SeriesValue.latest(series)?.value, unit: series.unit, trend: trend(series), color: c.valueColor(series),
            region: valueRegion(tile), maxFont: valueSize)

        if c.widget.sparkline && !c.widget.setPeriodToTimeRange && series.hasData {
            let h = tile.height * Self.sparklineShare
            let box = Rect(x: tile.minX, y: tile.maxY - h, width: tile.width, height: h)
            items += sparkline(series, color: color, box: box)
        }
        return items
    }

    /// A mini area chart of every bucket: no axes, y from the series' min to max.
    func sparkline(_ series: ChartSeries, color: RGBA, box: Rect) -> [SceneItem] {
        let present = series.values.filter { !$0.isNaN && $0.isFinite }
        guard let lo = present.min(), let hi = present.max() else { return [] }
        // Keep the stroke inside the box; a flat series sits in the middle.
        let inner = Rect(x: box.minX, y: box.minY + 2, width: box.width, height: max(1, box.height - 3))
        let (lower, upper) = lo == hi ? (lo - 1, hi + 1) : (lo, hi)
        let mapping = PlotMapping(plot: inner, start: context.input.start, end: context.input.end, lower: lower, upper: upper)
        let path = SeriesPathBuilder.build(timestamps: series.timestamps, values: series.values, mapping: mapping)
        var items: [SceneItem] = []
        let fill = color.withOpacity(Self.sparklineFillOpacity)
        // One filled area per unbroken run of the line, down to the bottom of the box.
        var run: [Point] = []
        func flush() {
            if run.count > 1 {
                items.append(.area(top: run, base: run.map { Point(x: $0.x, y: box.maxY) }, fill: fill))
            }
            run = []
        }
        for p in path.points {
            if let p { run.append(p) } else { flush() }
        }
        flush()
        if !path.points.isEmpty {
            items.append(.polyline(points: path.points, stroke: Stroke(color: color, width: Metrics.lineWidth)))
        }
        if !path.dots.isEmpty {
            items.append(.dots(centers: path.dots, radius: Metrics.dotRadius, fill: color))
        }
        return [.group(role: "sparkline", clip: box, items: items)]
    }
}

/// A big value with its unit suffix and optional trend arrow, centred in a region
/// (the number and gauge views).
///
/// The unit is 14 px (visual spec §7) while the value is at least 24 px; below that it
/// shrinks with the value (0.6 × its size), so a long unit such as `Milliseconds` does not
/// squeeze the number in narrow tiles.
struct ValueText {
    let context: ViewContext

    static let gap = 8.0
    static let unitRatio = 0.6

    /// The font size `value` gets in `region`: at most `maxFont` and what the region's height
    /// holds, and small enough for number, unit and arrow to fit its width.
    func size(value: Double?, unit: String?, trend: String?, region: Rect, maxFont: Double) -> Double {
        plan(value: value, unit: unit, trend: trend, region: region, maxFont: maxFont).size
    }

    /// The text and font size of `value`; full precision falls back to exponent form when it
    /// does not fit even at the smallest size.
    func plan(value: Double?, unit: String?, trend: String?, region: Rect, maxFont: Double) -> (text: String, size: Double) {
        let c = context
        let m = c.measurer
        var text = c.format(value)
        let suffix = value == nil ? nil : ValueFormat.unitSuffix(unit)
        // Widths at 1 px: every part scales linearly with its font size.
        func perPixel(_ t: String, bold: Bool) -> Double { m.measure(t, font: FontSpec(size: 100, bold: bold)).width / 100 }
        let unitPerPixel = suffix.map { perPixel($0, bold: false) } ?? 0
        let trendPerPixel = trend.map { perPixel($0, bold: false) * SingleValueLayout.trendShare } ?? 0
        let gaps = Self.gap * Double((suffix == nil ? 0 : 1) + (trend == nil ? 0 : 1))
        let room = region.width - 8 - gaps
        let unitSize = SingleValueLayout.unitFont.size
        func fittingSize(_ t: String) -> Double {
            let number = perPixel(t, bold: true) + trendPerPixel
            guard number > 0 else { return maxFont }
            let withFixedUnit = (room - unitSize * unitPerPixel) / number
            if withFixedUnit >= unitSize / Self.unitRatio { return withFixedUnit }
            return room / (number + Self.unitRatio * unitPerPixel)
        }
        // The height available holds ascent + descent ≈ 1.2 em.
        let cap = min(maxFont, region.height / 1.2)
        var size = min(cap, fittingSize(text))
        if size < SingleValueLayout.minValueFont, c.widget.singleValueFullPrecision, let value, !value.isNaN {
            text = ValueFormat.exponent(value, digits: 10)
            size = min(cap, fittingSize(text))
        }
        return (text, max(SingleValueLayout.minValueFont, size.rounded(.down)))
    }

    /// The value, unit and arrow centred in `region`, at most `maxFont` px.
    func items(value: Double?, unit: String?, trend: String?, color: RGBA, region: Rect, maxFont: Double) -> [SceneItem] {
        let c = context
        let m = c.measurer
        let (text, size) = plan(value: value, unit: unit, trend: trend, region: region, maxFont: maxFont)
        let suffix = value == nil ? nil : ValueFormat.unitSuffix(unit)
        let unitSize = SingleValueLayout.unitFont.size
        let valueFont = FontSpec(size: size, bold: true)
        let valueBox = m.measure(text, font: valueFont)
        let unitFont = FontSpec(size: min(unitSize, (size * Self.unitRatio).rounded()))
        let unitWidth = suffix.map { m.measure($0, font: unitFont).width + Self.gap } ?? 0
        let trendFont = FontSpec(size: (size * SingleValueLayout.trendShare).rounded())
        let trendWidth = trend.map { m.measure($0, font: trendFont).width + Self.gap } ?? 0
        let total = valueBox.width + unitWidth + trendWidth
        var x = region.midX - total / 2
        // Baseline such that the number's ascent + descent is centred on the region's middle.
        let baseline = region.midY + (valueBox.ascent - valueBox.descent) / 2
        var items: [SceneItem] = [.text(TextRun(
            text: text, anchor: Point(x: x, y: baseline), font: valueFont, color: color, align: .start, baseline: .alphabetic))]
        x += valueBox.width
        if let suffix {
            items.append(.text(TextRun(
                text: suffix, anchor: Point(x: x + Self.gap, y: baseline), font: unitFont,
                color: c.colors.secondaryText, align: .start, baseline: .alphabetic)))
            x += unitWidth
        }
        if let trend {
            items.append(.text(TextRun(
                text: trend, anchor: Point(x: x + Self.gap, y: baseline), font: trendFont,
                color: c.colors.secondaryText, align: .start, baseline: .alphabetic)))
        }
        return items
    }
}
