import ChartCore
import ChartScales
import ChartScene
import WidgetSpec

/// The pie view (visual spec §10.2): one slice per visible series with a positive value —
/// its latest value, or the whole-range aggregate with `setPeriodToTimeRange` — clockwise
/// from 12 o'clock in row order, sized by share, with 1 px separators in the background
/// colour; `labels.visible` adds `"<label> (<pct>%)"` beside slices of 3 % or more; the
/// legend as configured.
///
/// Decisions where the spec is silent:
/// - Series with no data, zero or a negative value get no slice; each gets a `sliceOmitted`
///   warning saying why, and the legend lists only the slices drawn.
/// - With labels the pie shrinks (to no less than 0.25 × the plot's smaller side) so the widest
///   label fits beside it inside the plot.
/// - A slice label that would overlap the previous label on the same side, or has no room
///   beside the pie, is left out (`labelHidden`); long labels are shortened with "…".
/// - When nothing can be drawn the plot says `No data available.`.
struct PieLayout {
    let context: ViewContext

    struct Slice {
        var series: ChartSeries
        var color: RGBA
        var value: Double
    }

    static let radiusShare = 0.42
    static let labelRadius = 1.12
    static let minLabelledShare = 0.03
    static let labelFont = FontSpec(size: 11)

    func run() -> LayoutResult {
        let c = context
        var items: [SceneItem] = []
        var warnings: [RenderWarning] = []
        let top = c.title(into: &items, warnings: &warnings)

        var slices: [Slice] = []
        for (s, color) in c.visible {
            guard let v = SeriesValue.latest(s)?.value, v.isFinite else {
                warnings.append(RenderWarning(code: "sliceOmitted", message: "\(s.id): no data, so no slice is drawn", id: s.id))
                continue
            }
            guard v > 0 else {
                let why = v == 0 ? "the value is 0" : "the value \(ValueFormat.abbreviated(v)) is negative"
                warnings.append(RenderWarning(code: "sliceOmitted", message: "\(s.id): \(why), so no slice is drawn", id: s.id))
                continue
            }
            slices.append(Slice(series: s, color: color, value: v))
        }

        let content = c.contentArea(top: top)
        let legend = LegendBlock(
            context: c, entries: slices.map { LegendEntry(swatch: .square($0.color), label: $0.series.label) },
            area: content, warnings: &warnings)
        let plot = legend.remaining
        let center = Point(x: plot.midX, y: plot.midY)
        let total = slices.reduce(0) { $0 + $1.value }
        let radius = self.radius(slices, total: total, plot: plot)

        var sliceItems: [SceneItem] = []
        var boundaries: [Double] = []
        var labelItems: [SceneItem] = []
        var placed: (left: [Rect], right: [Rect]) = ([], [])
        var hidden = 0
        var start = 0.0  // degrees clockwise from 12 o'clock
        for slice in slices {
            // Guard against overflow to infinity when values are huge.
            let share = total.isFinite && total > 0 ? slice.value / total : 1 / Double(slices.count)
            let end = start + 360 * share
            if slices.count == 1 {
                sliceItems.append(.dots(centers: [center], radius: radius, fill: slice.color))
            } else {
                sliceItems.append(ArcGeometry.wedge(center, radius: radius, from: 90 - start, to: 90 - end, fill: slice.color))
                boundaries.append(start)
            }
            if c.widget.labelsVisible && !c.tiny && share >= Self.minLabelledShare {
                if let label = sliceLabel(slice, share: share, mid: (start + end) / 2, center: center, radius: radius, plot: plot,
                                          placed: &placed, warnings: &warnings) {
                    labelItems.append(label)
                } else {
                    hidden += 1
                }
            }
            start = end
        }
        for b in boundaries {
            sliceItems.append(.rule(from: center, to: ArcGeometry.point(center, radius: radius + 1, degrees: 90 - b),
                                    stroke: Stroke(color: c.colors.background, width: 1)))
        }
        items.append(.group(role: "plot", clip: nil, items: sliceItems))
        if !labelItems.isEmpty { items.append(.group(role: "labels", clip: nil, items: labelItems)) }
        if hidden > 0 {
            warnings.append(RenderWarning(code: "labelHidden", message: "\(hidden) slice labels had no room and are not shown"))
        }
        if !legend.items.isEmpty { items.append(.group(role: "legend", clip: nil, items: legend.items)) }
        if c.hasPartialData && !LegendBlock.holdsIcon(c) { items.append(c.warningIcon(in: plot)) }
        if slices.isEmpty { items.append(c.noDataMessage(in: plot)) }
        return LayoutResult(scene: c.scene(items), warnings: warnings, plot: plot)
    }

    /// `0.42 × min(plotWidth, plotHeight)`; with slice labels, smaller (down to 0.25 ×) so the
    /// widest label fits beside the pie.
    func radius(_ slices: [Slice], total: Double, plot: Rect) -> Double {
        let base = Self.radiusShare * min(plot.width, plot.height)
        guard context.widget.labelsVisible, !context.tiny else { return base }
        let widest = slices.map { slice -> Double in
            let share = total > 0 && total.isFinite ? slice.value / total : 0
            guard share >= Self.minLabelledShare else { return 0 }
            return context.measurer.measure(slice.series.label + " (100.0%)", font: Self.labelFont).width
        }.max() ?? 0
        let fitting = (plot.width / 2 - widest - 4) / Self.labelRadius
        return max(0.25 * min(plot.width, plot.height), min(base, fitting))
    }

    /// The label of one slice at 1.12 × radius on its mid-angle, left- or right-aligned by side;
    /// nil when it would overlap a label already placed on that side or has no room.
    func sliceLabel(_ slice: Slice, share: Double, mid: Double, center: Point, radius: Double, plot: Rect,
                    placed: inout (left: [Rect], right: [Rect]), warnings: inout [RenderWarning]) -> SceneItem? {
        let c = context
        let anchor = ArcGeometry.point(center, radius: radius * Self.labelRadius, degrees: 90 - mid)
        let rightSide = anchor.x >= center.x
        let pct = NumberFormat.fixed(share * 100, decimals: 1)
        let suffix = " (\(pct.contains(".") ? pct : pct + ".0")%)"
        let room = rightSide ? plot.maxX - anchor.x : anchor.x - plot.minX
        let suffixWidth = c.measurer.measure(suffix, font: Self.labelFont).width
        let name = c.measurer.truncate(slice.series.label, font: Self.labelFont, maxWidth: room - suffixWidth)
        guard !name.isEmpty || slice.series.label.isEmpty else { return nil }
        let text = name + suffix
        let box = c.measurer.measure(text, font: Self.labelFont)
        let rect = Rect(x: rightSide ? anchor.x : anchor.x - box.width, y: anchor.y - box.height / 2, width: box.width, height: box.height)
        let others = rightSide ? placed.right : placed.left
        guard !others.contains(where: { $0.minY < rect.maxY && rect.minY < $0.maxY }),
              rect.minY >= 0, rect.maxY <= c.height else { return nil }
        if rightSide { placed.right.append(rect) } else { placed.left.append(rect) }
        if name != slice.series.label {
            warnings.append(RenderWarning(code: "labelTruncated", message: "slice label \"\(slice.series.label)\" shortened to fit", id: slice.series.id))
        }
        return .text(TextRun(
            text: text, anchor: anchor, font: Self.labelFont, color: c.colors.secondaryText,
            align: rightSide ? .start : .end, baseline: .middle))
    }
}
