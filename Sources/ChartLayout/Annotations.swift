import ChartCore
import ChartScales
import ChartScene
import WidgetSpec

/// Horizontal and vertical annotations (visual spec §8).
///
/// Fills and bands are painted under the grid and the data; lines and labels on top.
/// A line outside the axis range is not drawn; fills are clipped to the plot. Vertical
/// annotations outside `[start, end)` are not drawn and never widen the time range
/// (metric-widget spec §8.5).
extension TimeSeriesLayout {
    func horizontalAnnotationFills(_ mappings: [AxisSide: PlotMapping]) -> [SceneItem] {
        var items: [SceneItem] = []
        for (a, color) in horizontal {
            guard let m = mappings[a.yAxis] else { continue }
            let fill = color.withOpacity(Metrics.annotationOpacity)
            switch a.shape {
            case .line(let v, _, let kind):
                let y = m.y(v)
                switch kind {
                case .above: items.append(.rect(rect: rectBetween(m.plot.minY, y, m.plot), fill: fill, stroke: nil))
                case .below: items.append(.rect(rect: rectBetween(y, m.plot.maxY, m.plot), fill: fill, stroke: nil))
                case .none: break
                }
            case .band(let v1, _, let v2, _):
                items.append(.rect(rect: rectBetween(m.y(v1), m.y(v2), m.plot), fill: fill, stroke: nil))
            }
        }
        return items
    }

    func horizontalAnnotationLines(_ mappings: [AxisSide: PlotMapping]) -> [SceneItem] {
        var items: [SceneItem] = []
        for (a, color) in horizontal {
            guard let m = mappings[a.yAxis] else { continue }
            let edges: [(value: Double, label: String?, above: Bool)]
            switch a.shape {
            case .line(let v, let label, _):
                edges = [(v, label, true)]
            case .band(let v1, let l1, let v2, let l2):
                // The higher edge's label sits above it, the lower edge's below it.
                edges = v1 >= v2 ? [(v1, l1, true), (v2, l2, false)] : [(v1, l1, false), (v2, l2, true)]
            }
            for edge in edges {
                guard edge.value >= m.lower, edge.value <= m.upper else { continue }
                let y = crisp(m.y(edge.value))
                items.append(.rule(from: Point(x: m.plot.minX, y: y), to: Point(x: m.plot.maxX, y: y),
                                   stroke: Stroke(color: color, width: 1)))
                guard let label = edge.label, !label.isEmpty else { continue }
                // The label goes on its side of the line; when that would leave the plot (an
                // annotation at the edge of the range) it flips to the other side rather than vanish.
                let box = measurer.measure(label, font: Metrics.annotationFont)
                let fitsAbove = y - 3 - box.height >= m.plot.minY, fitsBelow = y + 3 + box.height <= m.plot.maxY
                guard fitsAbove || fitsBelow else { continue }
                let above = edge.above ? fitsAbove : !fitsBelow
                let text = measurer.truncate(label, font: Metrics.annotationFont, maxWidth: m.plot.width - 6)
                items.append(.text(TextRun(
                    text: text, anchor: Point(x: m.plot.maxX - 3, y: above ? y - 3 : y + 3),
                    font: Metrics.annotationFont, color: color, align: .end, baseline: above ? .bottom : .top)))
            }
        }
        return items
    }

    func verticalAnnotationFills(_ plot: Rect) -> [SceneItem] {
        let m = PlotMapping(plot: plot, start: input.start, end: input.end, lower: 0, upper: 1)
        var items: [SceneItem] = []
        for (a, color) in vertical {
            let fill = color.withOpacity(Metrics.annotationOpacity)
            switch a.shape {
            case .line(let t, _, let kind):
                guard inRange(t) else { continue }
                let x = m.x(t)
                switch kind {
                case .before: items.append(.rect(rect: Rect(x: plot.minX, y: plot.minY, width: x - plot.minX, height: plot.height), fill: fill, stroke: nil))
                case .after: items.append(.rect(rect: Rect(x: x, y: plot.minY, width: plot.maxX - x, height: plot.height), fill: fill, stroke: nil))
                case .none: break
                }
            case .band(let t1, _, let t2, _):
                let lo = max(min(t1, t2), input.start), hi = min(max(t1, t2), input.end)
                guard lo < hi else { continue }
                let x1 = m.x(lo), x2 = m.x(hi)
                items.append(.rect(rect: Rect(x: x1, y: plot.minY, width: x2 - x1, height: plot.height), fill: fill, stroke: nil))
            }
        }
        return items
    }

    func verticalAnnotationLines(_ plot: Rect) -> [SceneItem] {
        let m = PlotMapping(plot: plot, start: input.start, end: input.end, lower: 0, upper: 1)
        var lines: [SceneItem] = []
        var labels: [SceneItem] = []
        for (a, color) in vertical {
            let edges: [(EpochSeconds, String?)]
            switch a.shape {
            case .line(let t, let label, _): edges = [(t, label)]
            case .band(let t1, let l1, let t2, let l2): edges = [(t1, l1), (t2, l2)]
            }
            for (t, label) in edges where inRange(t) {
                let x = crisp(m.x(t))
                lines.append(.rule(from: Point(x: x, y: plot.minY), to: Point(x: x, y: plot.maxY),
                                   stroke: Stroke(color: color, width: 1)))
                // An empty label shows the date and time (CloudWatch user guide).
                let text = label.flatMap { $0.isEmpty ? nil : $0 } ?? TimeTicks.dateTimeLabel(t, offset: widget.timezone)
                let shown = measurer.truncate(text, font: Metrics.annotationFont, maxWidth: max(0, plot.maxX - x - 4))
                guard !shown.isEmpty else { continue }
                labels.append(.text(TextRun(
                    text: shown, anchor: Point(x: x + 3, y: plot.minY + 2), font: Metrics.annotationFont,
                    color: color, align: .start, baseline: .top)))
            }
        }
        return lines + labels
    }

    private func inRange(_ t: EpochSeconds) -> Bool { t >= input.start && t < input.end }

    /// The part of the plot between two pixel rows, in either order, clamped to the plot.
    private func rectBetween(_ y1: Double, _ y2: Double, _ plot: Rect) -> Rect {
        let top = max(plot.minY, min(y1, y2)), bottom = min(plot.maxY, max(y1, y2))
        return Rect(x: plot.minX, y: top, width: plot.width, height: max(0, bottom - top))
    }
}
