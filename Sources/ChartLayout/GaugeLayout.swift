import ChartCore
import ChartScales
import ChartScene
import WidgetSpec

/// The gauge view (visual spec §10.3): one dial per visible series, tiled like the number
/// view. A 240° track opening downwards, the value arc from `yAxis.left.min` to the clamped
/// value in the series colour, threshold rings from the horizontal annotations, the value
/// and label in the centre, `min` and `max` under the arc ends.
///
/// Decisions where the spec is silent:
/// - Every visible horizontal annotation is a threshold, whichever `yAxis` it names (a gauge
///   has one scale).
/// - Thresholds are clamped to `min…max`; one entirely outside the range is not drawn.
/// - The value keeps its unit suffix, as in the number view; values outside the range are
///   printed as they are (only the arc is clamped).
/// - The dial is centred in its tile by the bounding box of ring, track and min/max labels.
struct GaugeLayout {
    let context: ViewContext

    static let startAngle = 210.0
    static let sweep = 240.0
    static let labelFont = FontSpec(size: 12)
    static let endFont = FontSpec(size: 11)

    var lower: Double { context.widget.yAxis.left.min ?? 0 }
    var upper: Double { context.widget.yAxis.left.max ?? 100 }

    /// The angle of `value` on the dial, clamped to the arc.
    func angle(_ value: Double) -> Double {
        let span = upper - lower
        let f = span > 0 && span.isFinite ? min(1, max(0, (value - lower) / span)) : 0
        return Self.startAngle - Self.sweep * (f.isNaN ? 0 : f)
    }

    func run() -> LayoutResult {
        let c = context
        var items: [SceneItem] = []
        var warnings: [RenderWarning] = []
        let top = c.title(into: &items, warnings: &warnings)
        let content = c.contentArea(top: top)
        let tiles = TileGrid.tiles(count: c.visible.count, in: content)
        if let w = TileGrid.warning(tiles) { warnings.append(w) }
        // One value size for every dial, as in the number view.
        let size = zip(tiles, c.visible).map { tile, entry in
            ValueText(context: c).size(value: SeriesValue.latest(entry.series)?.value, unit: entry.series.unit, trend: nil,
                                       region: Dial(tile: tile, tiny: c.tiny).valueRegion,
                                       maxFont: min(SingleValueLayout.maxValueFont, 0.45 * tile.height))
        }.min() ?? SingleValueLayout.maxValueFont
        for (tile, entry) in zip(tiles, c.visible) {
            items.append(.group(role: "gauge", clip: tile, items: dial(
                entry.series, color: entry.color, tile: tile, valueSize: size, warnings: &warnings)))
        }
        if c.visible.isEmpty { items.append(c.noDataMessage(in: content)) }
        if c.hasPartialData { items.append(c.warningIcon(in: content)) }
        return LayoutResult(scene: c.scene(items), warnings: warnings, plot: content)
    }

    /// The geometry of one dial in its tile.
    struct Dial {
        var radius: Double
        var stroke: Double
        var ringInner: Double
        var ringOuter: Double
        var center: Point

        init(tile: Rect, tiny: Bool) {
            radius = 0.4 * min(tile.width, tile.height)
            stroke = 0.18 * radius
            ringInner = radius + stroke / 2 + 2
            ringOuter = ringInner + 0.06 * radius
            // Centre the bounding box (ring top … min/max labels under the arc ends) in the tile.
            let topExtent = ringOuter, bottomExtent = 0.5 * (radius + stroke / 2) + (tiny ? 0 : 16)
            center = Point(x: tile.midX, y: tile.midY + (topExtent - bottomExtent) / 2)
        }

        /// Where the value is centred: inside the arc, above the centre.
        var valueRegion: Rect {
            Rect(x: center.x - 0.72 * radius, y: center.y - 0.62 * radius, width: 1.44 * radius, height: 0.62 * radius)
        }
    }

    func dial(_ series: ChartSeries, color: RGBA, tile: Rect, valueSize: Double, warnings: inout [RenderWarning]) -> [SceneItem] {
        let c = context
        let d = Dial(tile: tile, tiny: c.tiny)
        let r = d.radius, stroke = d.stroke, ringInner = d.ringInner, ringOuter = d.ringOuter, center = d.center
        var items: [SceneItem] = []

        // Track, then the value arc.
        let end = Self.startAngle - Self.sweep
        items.append(ArcGeometry.annulus(center, inner: r - stroke / 2, outer: r + stroke / 2,
                                         from: Self.startAngle, to: end, fill: c.colors.grid))
        let latest = SeriesValue.latest(series)
        if let v = latest?.value, v.isFinite, angle(v) < Self.startAngle {
            items.append(ArcGeometry.annulus(center, inner: r - stroke / 2, outer: r + stroke / 2,
                                             from: Self.startAngle, to: angle(v), fill: color))
        }

        // Threshold rings, in list order (later ones on top).
        for (a, aColor) in c.horizontal {
            switch a.shape {
            case .line(let v, _, let fill):
                switch fill {
                case .above: items += ring(center, ringInner, ringOuter, from: v, to: upper, color: aColor)
                case .below: items += ring(center, ringInner, ringOuter, from: lower, to: v, color: aColor)
                case .none:
                    guard v >= lower, v <= upper else { continue }
                    items.append(.rule(
                        from: ArcGeometry.point(center, radius: r - stroke / 2, degrees: angle(v)),
                        to: ArcGeometry.point(center, radius: ringOuter, degrees: angle(v)),
                        stroke: Stroke(color: aColor, width: 2)))
                }
            case .band(let v1, _, let v2, _):
                items += ring(center, ringInner, ringOuter, from: min(v1, v2), to: max(v1, v2), color: aColor)
            }
        }

        // Value and label in the centre.
        items += ValueText(context: c).items(
            value: latest?.value, unit: series.unit, trend: nil, color: c.valueColor(series),
            region: d.valueRegion, maxFont: valueSize)
        if !c.tiny {
            let label = c.measurer.truncate(series.label, font: Self.labelFont, maxWidth: min(tile.width, 1.7 * r))
            if label != series.label {
                warnings.append(RenderWarning(code: "labelTruncated", message: "label \"\(series.label)\" shortened to fit its dial", id: series.id))
            }
            if !label.isEmpty {
                items.append(.text(TextRun(
                    text: label, anchor: Point(x: center.x, y: center.y + 4), font: Self.labelFont,
                    color: c.colors.secondaryText, align: .middle, baseline: .top)))
            }
            // min and max under the two ends of the arc.
            let y = center.y + 0.5 * (r + stroke / 2) + 3
            for (value, degrees) in [(lower, Self.startAngle), (upper, end)] {
                let x = ArcGeometry.point(center, radius: r, degrees: degrees).x
                items.append(.text(TextRun(
                    text: ValueFormat.abbreviated(value), anchor: Point(x: x, y: y), font: Self.endFont,
                    color: c.colors.secondaryText, align: .middle, baseline: .top)))
            }
        }
        return items
    }

    /// A threshold ring from `from` to `to` (values), clamped to the dial; nothing when empty.
    func ring(_ center: Point, _ inner: Double, _ outer: Double, from: Double, to: Double, color: RGBA) -> [SceneItem] {
        let a = max(lower, min(from, to)), b = min(upper, max(from, to))
        guard a < b else { return [] }
        return [ArcGeometry.annulus(center, inner: inner, outer: outer, from: angle(a), to: angle(b), fill: color)]
    }
}
