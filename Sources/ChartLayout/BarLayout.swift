import ChartCore
import ChartScales
import ChartScene
import WidgetSpec

/// The bar view (visual spec §10.1): one vertical bar per visible series with data — its
/// latest value, or the whole-range aggregate with `setPeriodToTimeRange` — in row order,
/// growing from 0 on a left value axis, the value printed above (below for negative bars),
/// the series label under each bar (rotated −45° when the labels would overlap), the legend
/// as configured.
///
/// Decisions where the spec is silent:
/// - Series with no data get no bar (metric-widget spec §10) and a `barOmitted` warning; the
///   legend lists the bars drawn.
/// - Every bar uses the one left axis, whatever `yAxis` the row names; `yAxis.left.min/max`
///   are honoured (bars beyond a fixed range are clipped, with a `seriesClipped` warning).
/// - The automatic range gets room above (below) the tallest bar for its value label.
/// - Value labels are three significant digits with an SI suffix (`12.3k`); a label wider
///   than its slot is left out (`labelHidden`).
/// - Horizontal annotations are ignored (metric-widget spec §8.7).
struct BarLayout {
    let context: ViewContext

    struct Bar {
        var series: ChartSeries
        var color: RGBA
        var value: Double
    }

    static let barShare = 0.6
    static let valueFont = FontSpec(size: 11)
    static let categoryFont = FontSpec(size: 11)
    /// Room for a value label: text height plus a 3 px gap.
    static let valueLabelRoom = 16.0
    static let cos45 = 0.5.squareRoot()

    func run() -> LayoutResult {
        let c = context
        var items: [SceneItem] = []
        var warnings: [RenderWarning] = []
        let top = c.title(into: &items, warnings: &warnings)

        var bars: [Bar] = []
        for (s, color) in c.visible {
            if let v = SeriesValue.latest(s)?.value, v.isFinite {
                bars.append(Bar(series: s, color: color, value: v))
            } else {
                warnings.append(RenderWarning(code: "barOmitted", message: "\(s.id): no data, so no bar is drawn", id: s.id))
            }
        }

        let content = c.contentArea(top: top)
        let legend = LegendBlock(
            context: c, entries: bars.map { LegendEntry(swatch: .square($0.color), label: $0.series.label) },
            area: content, warnings: &warnings)
        let area = legend.remaining
        let showText = !c.tiny
        let axisTitle = showText ? self.axisTitle(bars) : nil
        let titleColumn = axisTitle == nil ? 0 : Metrics.axisTitleColumn

        // Category labels: rotated when any would be wider than its slot. The slot width is
        // estimated with a typical tick-label column; the rotation choice is made once.
        let labelWidths = bars.map { c.measurer.measure($0.series.label, font: Self.categoryFont).width }
        let estimatedSlot = (area.width - titleColumn - 40) / Double(max(1, bars.count))
        let rotate = showText && labelWidths.contains { $0 > estimatedSlot - 4 }
        let rotatedCap = max(30, min(150, 0.35 * area.height / Self.cos45))
        let fontHeight = c.measurer.measure("Ag", font: Self.categoryFont).height
        let labelRow: Double
        if !showText || bars.isEmpty {
            labelRow = showText ? Metrics.xAxisRow : 0
        } else if rotate {
            labelRow = ((min(labelWidths.max() ?? 0, rotatedCap) + fontHeight) * Self.cos45 + 6).rounded(.up)
        } else {
            labelRow = Metrics.xAxisRow
        }

        // Value axis.
        let plotTop = (area.minY + (showText ? 6 : 0)).rounded()
        let plotBottom = (area.maxY - labelRow).rounded()
        let plotHeight = max(1, plotBottom - plotTop)
        let ticks = valueAxis(bars, plotHeight: plotHeight, labels: showText)
        let tickLabels = NumberFormat.axisLabels(ticks.ticks, step: ticks.step)
        let tickWidth = showText ? (tickLabels.map { c.measurer.measure($0, font: Metrics.tickFont).width }.max() ?? 0) : 0
        let plotLeft = area.minX + titleColumn + (showText ? (tickWidth + Metrics.tickGap).rounded(.up) : 0)
        let plotRight = area.maxX - (showText ? 6 : 0)
        let plot = Rect(x: plotLeft, y: plotTop, width: max(1, plotRight - plotLeft), height: plotHeight)
        let mapping = PlotMapping(plot: plot, start: 0, end: 1, lower: ticks.lower, upper: ticks.upper)

        // Grid, bars, zero line.
        var plotItems: [SceneItem] = []
        for tick in ticks.ticks {
            let y = crisp(mapping.y(tick))
            guard y > plot.minY, y < plot.maxY else { continue }
            plotItems.append(.rule(from: Point(x: plot.minX, y: y), to: Point(x: plot.maxX, y: y),
                                   stroke: Stroke(color: c.colors.grid, width: 1)))
        }
        let slot = plot.width / Double(max(1, bars.count))
        let zeroY = min(plot.maxY, max(plot.minY, mapping.y(0)))
        var clipped: [Bar] = []
        for (i, bar) in bars.enumerated() {
            let mid = plot.minX + (Double(i) + 0.5) * slot
            let w = max(1, slot * Self.barShare)
            let y = mapping.y(bar.value)
            let top = min(y, zeroY), bottom = max(y, zeroY)
            plotItems.append(.rect(rect: Rect(x: mid - w / 2, y: top, width: w, height: bottom - top), fill: bar.color, stroke: nil))
            if bar.value > ticks.upper || bar.value < ticks.lower { clipped.append(bar) }
        }
        if ticks.lower < 0 && ticks.upper > 0 {
            let y = crisp(mapping.y(0))
            plotItems.append(.rule(from: Point(x: plot.minX, y: y), to: Point(x: plot.maxX, y: y),
                                   stroke: Stroke(color: c.colors.axis, width: 1)))
        }
        items.append(.group(role: "plot", clip: plot, items: plotItems))
        for bar in clipped {
            warnings.append(RenderWarning(
                code: "seriesClipped",
                message: "\(bar.series.id): the value \(ValueFormat.abbreviated(bar.value)) lies outside the fixed y-axis range and its bar is clipped",
                id: bar.series.id))
        }
        let baseY = crisp(plot.maxY)
        items.append(.rule(from: Point(x: plot.minX, y: baseY), to: Point(x: plot.maxX, y: baseY),
                           stroke: Stroke(color: c.colors.axis, width: 1)))

        if showText {
            items.append(.group(role: "axis.left", clip: nil, items: axisItems(
                ticks: ticks, labels: tickLabels, title: axisTitle, plot: plot, mapping: mapping, left: area.minX)))
            var valueItems: [SceneItem] = []
            var hidden = 0
            for (i, bar) in bars.enumerated() {
                let mid = plot.minX + (Double(i) + 0.5) * slot
                let text = NumberFormat.significant(bar.value, digits: 3)
                guard c.measurer.measure(text, font: Self.valueFont).width <= slot else { hidden += 1; continue }
                let y = mapping.y(bar.value)
                let above = bar.value >= 0
                let anchorY = above ? max(plot.minY + 13, min(y, zeroY) - 3) : min(plot.maxY - 13, max(y, zeroY) + 3)
                valueItems.append(.text(TextRun(
                    text: text, anchor: Point(x: mid, y: anchorY), font: Self.valueFont, color: c.colors.secondaryText,
                    align: .middle, baseline: above ? .bottom : .top)))
            }
            if hidden > 0 {
                warnings.append(RenderWarning(code: "labelHidden", message: "\(hidden) bar value labels are wider than their bars and are not shown"))
            }
            items.append(.group(role: "values", clip: nil, items: valueItems))
            items.append(.group(role: "axis.categories", clip: nil, items: categoryItems(
                bars, plot: plot, slot: slot, rotate: rotate, cap: rotatedCap, warnings: &warnings)))
        }

        if !legend.items.isEmpty { items.append(.group(role: "legend", clip: nil, items: legend.items)) }
        if c.hasPartialData && !LegendBlock.holdsIcon(c) { items.append(c.warningIcon(in: plot)) }
        if bars.isEmpty { items.append(c.noDataMessage(in: plot)) }
        return LayoutResult(scene: c.scene(items), warnings: warnings, plot: plot)
    }

    /// The value axis: the bar values and 0, room for the value labels on free ends, fixed
    /// `yAxis.left` ends as given.
    func valueAxis(_ bars: [Bar], plotHeight: Double, labels: Bool) -> ValueAxisTicks {
        let options = context.widget.yAxis.left
        var lo = min(0, bars.map(\.value).min() ?? 0)
        var hi = max(0, bars.map(\.value).max() ?? 0)
        if bars.isEmpty { hi = 1 }
        if labels && !bars.isEmpty && plotHeight > 2 * Self.valueLabelRoom {
            let perPixel = (hi - lo) / (plotHeight - 2 * Self.valueLabelRoom)
            if hi > 0 { hi += perPixel * Self.valueLabelRoom }
            if lo < 0 { lo -= perPixel * Self.valueLabelRoom }
        }
        return ValueTicks.axis(dataMin: lo, dataMax: hi, fixedMin: options.min, fixedMax: options.max,
                               count: ValueTicks.targetCount(plotHeight: plotHeight))
    }

    /// `yAxis.left.label`, else the unit every bar shares (visual spec §5.3).
    func axisTitle(_ bars: [Bar]) -> String? {
        let options = context.widget.yAxis.left
        if let label = options.label, !label.isEmpty { return label }
        guard options.showUnits != false else { return nil }
        let units = Set(bars.map { $0.series.unit ?? "None" })
        guard units.count == 1, let unit = units.first, unit != "None" else { return nil }
        return unit
    }

    func axisItems(ticks: ValueAxisTicks, labels: [String], title: String?, plot: Rect, mapping: PlotMapping, left: Double) -> [SceneItem] {
        let c = context
        var items: [SceneItem] = []
        for (tick, label) in zip(ticks.ticks, labels) {
            items.append(.text(TextRun(
                text: label, anchor: Point(x: plot.minX - Metrics.tickGap, y: mapping.y(tick)), font: Metrics.tickFont,
                color: c.colors.secondaryText, align: .end, baseline: .middle)))
        }
        if let title {
            let text = c.measurer.truncate(title, font: Metrics.axisTitleFont, maxWidth: plot.height)
            items.append(.text(TextRun(
                text: text, anchor: Point(x: left + Metrics.axisTitleColumn / 2, y: plot.midY), font: Metrics.axisTitleFont,
                color: c.colors.secondaryText, align: .middle, baseline: .middle, rotation: -90)))
        }
        return items
    }

    /// Series labels under the bars: centred, or rotated −45° (ending under the bar) when they
    /// would overlap; shortened with "…" to their room, each shortening reported.
    func categoryItems(_ bars: [Bar], plot: Rect, slot: Double, rotate: Bool, cap: Double, warnings: inout [RenderWarning]) -> [SceneItem] {
        let c = context
        var items: [SceneItem] = []
        for (i, bar) in bars.enumerated() {
            let mid = plot.minX + (Double(i) + 0.5) * slot
            let label = bar.series.label
            let room = rotate ? min(cap, (mid - 2) / Self.cos45) : slot - 4
            let text = c.measurer.truncate(label, font: Self.categoryFont, maxWidth: max(0, room))
            if text != label {
                warnings.append(RenderWarning(code: "labelTruncated", message: "bar label \"\(label)\" shortened to fit", id: bar.series.id))
            }
            guard !text.isEmpty else { continue }
            items.append(.text(rotate
                ? TextRun(text: text, anchor: Point(x: mid, y: plot.maxY + 6), font: Self.categoryFont,
                          color: c.colors.secondaryText, align: .end, baseline: .middle, rotation: -45)
                : TextRun(text: text, anchor: Point(x: mid, y: plot.maxY + 4), font: Self.categoryFont,
                          color: c.colors.secondaryText, align: .middle, baseline: .top)))
        }
        return items
    }
}
