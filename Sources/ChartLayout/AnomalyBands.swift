import ChartCore
import ChartScales
import ChartScene
import WidgetSpec

/// Anomaly detection bands and fixed-range clipping in the time series view (visual spec §6).
///
/// A band is the pair of series an `ANOMALY_DETECTION_BAND` row yields (`ChartSeries.band`,
/// paired by row). Its edges are not drawn as lines: the area between them is filled grey
/// (`#7f7f7f` at 25 %, `#A0A0A0` at 25 % in the dark theme) above the grid and below the
/// series, and the parts of the described series (`band.describedId`) that lie outside the
/// band are stroked red `#d62728` (2 px, covering the 1.5 px line) over the series line — crossings are interpolated, so a
/// segment turns red exactly where it leaves the band. The legend shows one grey square per
/// band, labelled with the band row's label, where the band row sits in row order.
///
/// Decisions where the spec is silent:
/// - A band is drawn where both edges have a value at the same bucket; a missing bucket breaks it.
/// - A band row with only one edge is not drawn; an `anomalyBandIncomplete` warning says so.
/// - Red out-of-band segments are computed on the described series' own axis and only where
///   both band edges exist at both ends of a segment; out-of-band isolated points are red dots.
extension TimeSeriesLayout {
    /// One band: its two edges.
    struct BandPair {
        var upper: ChartSeries
        var lower: ChartSeries
    }

    static let outOfBandColor = RGBA(r: 0xd6, g: 0x27, b: 0x28)
    /// Half a pixel wider than the series line it covers, so no series colour fringes it.
    static let outOfBandWidth = Metrics.lineWidth + 0.5

    var bandFill: RGBA {
        (widget.theme == .dark ? RGBA(r: 0xA0, g: 0xA0, b: 0xA0) : RGBA(r: 0x7f, g: 0x7f, b: 0x7f)).withOpacity(0.25)
    }

    /// Complete bands among the visible series, in row order.
    var bandPairs: [BandPair] {
        var rows: [Int] = []
        var upper: [Int: ChartSeries] = [:], lower: [Int: ChartSeries] = [:]
        for (s, _) in visible {
            guard let role = s.band else { continue }
            if !rows.contains(s.rowIndex) { rows.append(s.rowIndex) }
            switch role.edge {
            case .upper: if upper[s.rowIndex] == nil { upper[s.rowIndex] = s }
            case .lower: if lower[s.rowIndex] == nil { lower[s.rowIndex] = s }
            }
        }
        return rows.compactMap { r in
            guard let u = upper[r], let l = lower[r] else { return nil }
            return BandPair(upper: u, lower: l)
        }
    }

    /// Legend entries of the visible series: a coloured square per series, one grey square per band.
    func seriesLegendEntries() -> [LegendEntry] {
        var entries: [LegendEntry] = []
        var bandRows = Set<Int>()
        for (s, color) in visible {
            if s.band == nil {
                entries.append(LegendEntry(swatch: .square(color), label: s.label))
            } else if bandRows.insert(s.rowIndex).inserted {
                entries.append(LegendEntry(swatch: .band(bandFill.withOpacity(1)), label: s.label))
            }
        }
        return entries
    }

    /// The grey areas between the band edges.
    func anomalyBandItems(_ mappings: [AxisSide: PlotMapping]) -> [SceneItem] {
        var items: [SceneItem] = []
        for pair in bandPairs {
            guard let m = mappings[pair.upper.axis] else { continue }
            let lower = Self.valuesByTime(pair.lower)
            var top: [Point] = [], base: [Point] = []
            func flush() {
                if top.count > 1 {
                    items.append(.area(top: top, base: base, fill: bandFill))
                } else if let t = top.first, let b = base.first {
                    items.append(.rule(from: t, to: b, stroke: Stroke(color: bandFill, width: Metrics.lineWidth)))
                }
                top = []; base = []
            }
            for (t, u) in zip(pair.upper.timestamps, pair.upper.values) {
                guard u.isFinite, let l = lower[t] else { flush(); continue }
                let x = m.x(t)
                top.append(Point(x: x, y: m.y(u)))
                base.append(Point(x: x, y: m.y(l)))
            }
            flush()
        }
        return items
    }

    /// Red strokes over the parts of each described series outside its band.
    func outOfBandItems(_ mappings: [AxisSide: PlotMapping]) -> [SceneItem] {
        var items: [SceneItem] = []
        for pair in bandPairs {
            guard let metric = visible.first(where: { $0.series.id == pair.upper.band?.describedId && $0.series.band == nil })?.series,
                  let m = mappings[metric.axis] else { continue }
            let upper = Self.valuesByTime(pair.upper), lower = Self.valuesByTime(pair.lower)
            let ts = metric.timestamps, vs = metric.values
            let n = min(ts.count, vs.count)
            var points: [Point?] = []
            var dots: [Point] = []
            func point(_ i: Int) -> Point { Point(x: m.x(ts[i]), y: m.y(vs[i])) }
            func add(_ a: Point, _ b: Point) {
                if let last = points.last, let last, last == a {
                    points.append(b)
                } else {
                    if !points.isEmpty { points.append(nil) }
                    points.append(a); points.append(b)
                }
            }
            for i in 0..<n where vs[i].isFinite {
                let hasPrevious = i > 0 && vs[i - 1].isFinite
                let hasNext = i + 1 < n && vs[i + 1].isFinite
                if !hasPrevious && !hasNext, let u = upper[ts[i]], let l = lower[ts[i]], vs[i] > u || vs[i] < l {
                    dots.append(point(i))
                }
                guard hasNext, let u0 = upper[ts[i]], let l0 = lower[ts[i]], let u1 = upper[ts[i + 1]], let l1 = lower[ts[i + 1]]
                else { continue }
                let p0 = point(i), p1 = point(i + 1)
                func at(_ s: Double) -> Point { Point(x: p0.x + (p1.x - p0.x) * s, y: p0.y + (p1.y - p0.y) * s) }
                // Above the upper edge, then below the lower edge: each a sub-interval of [0, 1].
                for (d0, d1) in [(vs[i] - u0, vs[i + 1] - u1), (l0 - vs[i], l1 - vs[i + 1])] {
                    guard let (s0, s1) = Self.positivePart(d0, d1) else { continue }
                    add(at(s0), at(s1))
                }
            }
            if !points.isEmpty {
                items.append(.polyline(points: points, stroke: Stroke(color: Self.outOfBandColor, width: Self.outOfBandWidth)))
            }
            if !dots.isEmpty { items.append(.dots(centers: dots, radius: Metrics.dotRadius, fill: Self.outOfBandColor)) }
        }
        return items
    }

    /// Where the linear function from `d0` (at 0) to `d1` (at 1) is positive, or nil.
    static func positivePart(_ d0: Double, _ d1: Double) -> (Double, Double)? {
        switch (d0 > 0, d1 > 0) {
        case (true, true): return (0, 1)
        case (true, false): return (0, d0 / (d0 - d1))
        case (false, true): return (d0 / (d0 - d1), 1)
        case (false, false): return nil
        }
    }

    static func valuesByTime(_ s: ChartSeries) -> [EpochSeconds: Double] {
        var byTime: [EpochSeconds: Double] = [:]
        for (t, v) in zip(s.timestamps, s.values) where v.isFinite { byTime[t] = v }
        return byTime
    }

    /// Warnings about what the plot cannot show in full: series beyond a fixed y-axis range
    /// (clipped at the plot edge, visual spec §6) and band rows with a single edge.
    func seriesWarnings(_ axes: [AxisModel]) -> [RenderWarning] {
        var warnings: [RenderWarning] = []
        for axis in axes {
            let options = widget.yAxis[axis.side]
            guard options.min != nil || options.max != nil else { continue }
            let lower = axis.ticks.lower, upper = axis.ticks.upper
            func outside(_ v: Double) -> Bool {
                v.isFinite && ((options.min != nil && v < lower) || (options.max != nil && v > upper))
            }
            var seen = Set<String>()
            var clipped: [ChartSeries] = []
            if widget.stacked {
                for s in stacks[axis.side] ?? [] where s.top.contains(where: outside) { clipped.append(visible[s.index].series) }
            }
            for (s, _) in visible where s.axis == axis.side && (!widget.stacked || s.band != nil) && s.values.contains(where: outside) {
                clipped.append(s)
            }
            for s in clipped where seen.insert(s.id + "#\(s.rowIndex)#\(s.band?.edge.rawValue ?? "")").inserted {
                warnings.append(RenderWarning(
                    code: "seriesClipped",
                    message: "\(s.id): values outside the fixed \(axis.side.rawValue) y-axis range "
                        + "\(NumberFormat.shortest(lower)) to \(NumberFormat.shortest(upper)) are clipped at the plot edge",
                    id: s.id))
            }
        }
        var rows: [Int: Set<AnomalyBandRole.Edge>] = [:]
        var order: [(Int, String)] = []
        for (s, _) in visible {
            guard let role = s.band else { continue }
            if rows[s.rowIndex] == nil { order.append((s.rowIndex, s.id)) }
            rows[s.rowIndex, default: []].insert(role.edge)
        }
        for (row, id) in order where rows[row]?.count != 2 {
            warnings.append(RenderWarning(
                code: "anomalyBandIncomplete", message: "\(id): the anomaly band has only one edge and is not drawn", id: id))
        }
        return warnings
    }
}
