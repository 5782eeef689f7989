import ChartCore
import ChartScales
import ChartScene
import WidgetSpec

/// What a chart drew, as data: the plot rectangle, axes with their ticks, every series with
/// its resolved colour and values, legend entry boxes and annotations. It is what the
/// sidecar JSON (`graphshot render --sidecar`) is made of, so callers can add hover, write
/// alt text or assert on a graph without looking at pixels.
///
/// All coordinates are scene pixels (before any `scale`), origin top-left, y down. Field
/// names are stable; new fields may be added, existing ones are not renamed or removed
/// without changing `RenderSidecar.formatVersion`.
public struct ChartDescription: Codable, Sendable, Equatable {
    /// The rectangle data is drawn in; nil for views without one.
    public var plot: Rect?
    /// The time axis first (when drawn), then the left and right value axes.
    public var axes: [AxisDescription]
    /// Every series of the widget in row order, hidden ones included (`visible: false`).
    public var series: [SeriesDescription]
    /// Legend entries as placed, in order (a last `more` entry stands for what did not fit).
    public var legend: [LegendEntryDescription]
    /// Horizontal then vertical annotations, in list order, hidden ones included.
    public var annotations: [AnnotationDescription]

    public init(plot: Rect?, axes: [AxisDescription], series: [SeriesDescription],
                legend: [LegendEntryDescription], annotations: [AnnotationDescription]) {
        self.plot = plot; self.axes = axes; self.series = series; self.legend = legend; self.annotations = annotations
    }
}

/// One axis.
public struct AxisDescription: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case time, left, right }
    public var kind: Kind
    /// The axis range: epoch seconds for `time` (`[start, end)`), values otherwise.
    public var min: Double
    public var max: Double
    /// True when `min`/`max` came from the widget's `yAxis` instead of the data.
    public var fixedMin: Bool
    public var fixedMax: Bool
    /// The axis title (unit or `label`) when one was drawn.
    public var title: String?
    public var ticks: [TickDescription]
}

/// One tick of an axis.
public struct TickDescription: Codable, Sendable, Equatable {
    /// Epoch seconds (time axis) or the value.
    public var value: Double
    /// The label text as formatted (time axis: in the widget's time zone).
    public var label: String
    /// Pixel position along the axis: x for the time axis, y for value axes.
    public var position: Double
    /// False when the label was left out (overlap, no room, tiny canvas).
    public var labelShown: Bool
}

/// One series.
public struct SeriesDescription: Codable, Sendable, Equatable {
    public var id: String
    public var rowIndex: Int
    /// The legend label.
    public var label: String
    /// `#rrggbb` (or `#rrggbbaa` when not opaque).
    public var color: String
    public var axis: AxisSide
    public var visible: Bool
    /// `Complete`, `PartialData`, `Forbidden` or `InternalError`.
    public var status: DataStatus
    public var statusMessage: String?
    public var unit: String?
    /// Seconds per bucket.
    public var period: Int
    /// Bucket start times, epoch seconds.
    public var timestamps: [EpochSeconds]
    /// One value per timestamp; null where the bucket has no data.
    public var values: [Double?]
    /// The cumulative values drawn when the widget is stacked; absent otherwise.
    public var stackedValues: [Double?]?
}

/// One legend entry as placed.
public struct LegendEntryDescription: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case series, annotation, band, more }
    public var kind: Kind
    /// The full label (before any shortening).
    public var label: String
    /// The text drawn, when shortened with "…".
    public var shownLabel: String?
    /// The series id (`series` entries) or annotation reference (`horizontal[2]`).
    public var ref: String?
    public var color: String?
    /// The entry's box: swatch and label, one legend row high.
    public var box: Rect
}

/// One annotation.
public struct AnnotationDescription: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case horizontal, vertical }
    public var kind: Kind
    /// `horizontal[0]`, `vertical[1]`: where it is in the widget's `annotations`.
    public var ref: String
    /// One value (a line) or two (a band): y values, or epoch seconds for vertical ones.
    public var values: [Double]
    /// The label of each value (nil when none).
    public var labels: [String?]
    public var color: String
    public var axis: AxisSide?
    /// `above`, `below`, `before`, `after`, `none`; `between` for bands.
    public var fill: String
    public var visible: Bool
    /// Whether any line of it is inside the drawn range.
    public var drawn: Bool
}

extension RGBA {
    /// `#rrggbb`, or `#rrggbbaa` when not opaque.
    var sidecarHex: String {
        func two(_ v: UInt8) -> String { let s = String(v, radix: 16); return s.count == 1 ? "0" + s : s }
        return "#" + two(r) + two(g) + two(b) + (a == 255 ? "" : two(a))
    }
}

extension ChartDescription {
    /// The series and annotations of `input` with their colours, for views that have no
    /// axes or plot to describe (and for `basic` fallbacks).
    public static func basic(_ input: LayoutInput) -> ChartDescription {
        let series = input.series.map { s in
            SeriesDescription.of(s, color: s.explicitColor ?? Palette.color(slot: s.paletteSlot), stacked: nil)
        }
        return ChartDescription(plot: nil, axes: [], series: series, legend: [], annotations: [])
    }
}

extension SeriesDescription {
    static func of(_ s: ChartSeries, color: RGBA, stacked: [Double?]?) -> SeriesDescription {
        SeriesDescription(
            id: s.id, rowIndex: s.rowIndex, label: s.label, color: color.sidecarHex, axis: s.axis, visible: s.visible,
            status: s.status, statusMessage: s.statusMessage, unit: s.unit, period: s.period,
            timestamps: s.timestamps, values: s.values.map { $0.isFinite ? $0 : nil }, stackedValues: stacked)
    }
}

// MARK: - Time series

extension TimeSeriesLayout {
    /// Describes what `attempt` drew: called with the same plot, axes and legend.
    func describe(plot: Rect, axes: [AxisModel], legend: LegendLayout, chrome: Chrome, scene items: [SceneItem]) -> ChartDescription {
        // Time axis: the ticks the layout chose; a label counts as shown when the time-axis
        // group holds it at that position.
        var shownTimeLabels = Set<String>()
        for item in items {
            guard case .group("axis.time", _, let children) = item else { continue }
            for case .text(let run) in children { shownTimeLabels.insert("\(run.text)@\(run.anchor.x)") }
        }
        let timeMapping = PlotMapping(plot: plot, start: input.start, end: input.end, lower: 0, upper: 1)
        let timeTicks = TimeTicks.ticks(start: input.start, end: input.end, plotWidth: plot.width, zone: widget.timezone).map { tick in
            let x = timeMapping.x(tick.time)
            return TickDescription(value: Double(tick.time), label: tick.label, position: x,
                                   labelShown: chrome.tickLabels && shownTimeLabels.contains("\(tick.label)@\(x)"))
        }
        var axisDescriptions = [AxisDescription(
            kind: .time, min: Double(input.start), max: Double(input.end), fixedMin: true, fixedMax: true, title: nil, ticks: timeTicks)]
        for axis in axes {
            let options = widget.yAxis[axis.side]
            let mapping = PlotMapping(plot: plot, start: input.start, end: input.end, lower: axis.ticks.lower, upper: axis.ticks.upper)
            let ticks = zip(axis.ticks.ticks, axis.labels).map { value, label in
                TickDescription(value: value, label: label, position: mapping.y(value), labelShown: chrome.tickLabels)
            }
            axisDescriptions.append(AxisDescription(
                kind: axis.side == .left ? .left : .right, min: axis.ticks.lower, max: axis.ticks.upper,
                fixedMin: options.min != nil, fixedMax: options.max != nil,
                title: chrome.axisTitles ? axis.title : nil, ticks: ticks))
        }

        // Series: colours as drawn; stacked totals for stacked widgets.
        var stackedByIndex: [Int: StackedSeries] = [:]
        for side in [AxisSide.left, .right] { for s in stacks[side] ?? [] { stackedByIndex[s.index] = s } }
        var visibleIndex = 0
        let series = input.series.map { s -> SeriesDescription in
            let color = s.explicitColor ?? Palette.color(slot: s.paletteSlot)
            var stacked: [Double?]?
            if s.visible {
                if let st = stackedByIndex[visibleIndex] {
                    // Stacks run on the union of timestamps; report them on this series' grid.
                    var byTime: [EpochSeconds: Double] = [:]
                    for (t, v) in zip(st.timestamps, st.top) { byTime[t] = v }
                    stacked = s.timestamps.map { byTime[$0] }
                }
                visibleIndex += 1
            }
            return SeriesDescription.of(s, color: color, stacked: stacked)
        }

        // Legend: placed boxes correspond, in order, to a prefix of `legendEntries()`, with a
        // final "+N more" entry when some did not fit.
        let entries = legendEntries()
        let refs = legendReferences()
        var legendDescriptions: [LegendEntryDescription] = []
        for (k, placed) in legend.boxes.enumerated() {
            if placed.isMore || k >= entries.count {
                legendDescriptions.append(LegendEntryDescription(
                    kind: .more, label: placed.label, shownLabel: nil, ref: nil, color: nil, box: placed.rect))
                continue
            }
            let entry = entries[k]
            let kind: LegendEntryDescription.Kind
            let color: RGBA?
            switch entry.swatch {
            case .square(let c): kind = .series; color = c
            case .line(let c): kind = .annotation; color = c
            case .band(let c): kind = .band; color = c
            case .none: kind = .more; color = nil
            }
            legendDescriptions.append(LegendEntryDescription(
                kind: kind, label: entry.label, shownLabel: placed.label == entry.label ? nil : placed.label,
                ref: k < refs.count ? refs[k] : nil, color: color?.sidecarHex, box: placed.rect))
        }

        return ChartDescription(
            plot: plot, axes: axisDescriptions, series: series, legend: legendDescriptions,
            annotations: annotationDescriptions(axes: axes))
    }

    /// The reference of each legend entry, parallel to `legendEntries()`.
    private func legendReferences() -> [String] {
        var refs = visible.map(\.series.id)
        var index = 0
        for a in widget.annotations.horizontal {
            defer { index += 1 }
            guard a.visible else { continue }
            switch a.shape {
            case .line(_, let label, _): if let label, !label.isEmpty { refs.append("horizontal[\(index)]") }
            case .band(_, let label, _, _): if let label, !label.isEmpty { refs.append("horizontal[\(index)]") }
            }
        }
        return refs
    }

    private func annotationDescriptions(axes: [AxisModel]) -> [AnnotationDescription] {
        // Colours as assigned in `init`: explicit, else the palette counter after the series.
        var slot = max(input.widget.rows.count, input.series.map(\.paletteSlot).max() ?? 0)
        func color(_ explicit: RGBA?) -> RGBA {
            if let explicit { return explicit }
            slot += 1
            return Palette.color(slot: slot)
        }
        var result: [AnnotationDescription] = []
        for (k, a) in widget.annotations.horizontal.enumerated() {
            let c = color(a.color)
            let axis = axes.first { $0.side == a.yAxis }
            func inRange(_ v: Double) -> Bool { axis.map { v >= $0.ticks.lower && v <= $0.ticks.upper } ?? false }
            switch a.shape {
            case .line(let v, let label, let fill):
                result.append(AnnotationDescription(
                    kind: .horizontal, ref: "horizontal[\(k)]", values: [v], labels: [label], color: c.sidecarHex,
                    axis: a.yAxis, fill: fill.rawValue, visible: a.visible, drawn: a.visible && inRange(v)))
            case .band(let v1, let l1, let v2, let l2):
                result.append(AnnotationDescription(
                    kind: .horizontal, ref: "horizontal[\(k)]", values: [v1, v2], labels: [l1, l2], color: c.sidecarHex,
                    axis: a.yAxis, fill: "between", visible: a.visible, drawn: a.visible && (inRange(v1) || inRange(v2))))
            }
        }
        for (k, a) in widget.annotations.vertical.enumerated() {
            let c = color(a.color)
            func inRange(_ t: EpochSeconds) -> Bool { t >= input.start && t < input.end }
            switch a.shape {
            case .line(let t, let label, let fill):
                result.append(AnnotationDescription(
                    kind: .vertical, ref: "vertical[\(k)]", values: [Double(t)], labels: [label], color: c.sidecarHex,
                    axis: nil, fill: fill.rawValue, visible: a.visible, drawn: a.visible && inRange(t)))
            case .band(let t1, let l1, let t2, let l2):
                result.append(AnnotationDescription(
                    kind: .vertical, ref: "vertical[\(k)]", values: [Double(t1), Double(t2)], labels: [l1, l2], color: c.sidecarHex,
                    axis: nil, fill: "between", visible: a.visible, drawn: a.visible && (inRange(t1) || inRange(t2))))
            }
        }
        return result
    }

    /// Warnings about labels the drawing had to cut, found by comparing what was meant with
    /// what the scene holds: shortened or dropped axis titles and annotation labels
    /// (`labelTruncated`). Series beyond a fixed y-range are reported by `seriesWarnings`.
    func drawingWarnings(axes: [AxisModel], chrome: Chrome, plot: Rect, scene items: [SceneItem]) -> [RenderWarning] {
        var warnings: [RenderWarning] = []
        // Texts in the scene, to see which labels made it and how.
        var texts: [String] = []
        func collect(_ list: [SceneItem]) {
            for item in list {
                switch item {
                case .group(_, _, let children): collect(children)
                case .text(let run): texts.append(run.text)
                default: break
                }
            }
        }
        collect(items)
        func check(_ label: String, what: String) {
            guard !label.isEmpty, !texts.contains(label) else { return }
            let shortened = texts.first { $0.hasSuffix("…") && $0.count > 1 && label.hasPrefix(String($0.dropLast())) }
            warnings.append(RenderWarning(
                code: "labelTruncated",
                message: shortened.map { "\(what) \"\(label)\" shortened to \"\($0)\" to fit" } ?? "\(what) \"\(label)\" left out: no room for it"))
        }
        if chrome.axisTitles {
            for axis in axes { if let title = axis.title { check(title, what: "\(axis.side.rawValue) axis title") } }
        }
        for (a, _) in horizontal {
            let axis = axes.first { $0.side == a.yAxis }
            func inRange(_ v: Double) -> Bool { axis.map { v >= $0.ticks.lower && v <= $0.ticks.upper } ?? false }
            switch a.shape {
            case .line(let v, let label, _):
                if let label, inRange(v) { check(label, what: "annotation label") }
            case .band(let v1, let l1, let v2, let l2):
                if let l1, inRange(v1) { check(l1, what: "annotation label") }
                if let l2, inRange(v2) { check(l2, what: "annotation label") }
            }
        }
        for (a, _) in vertical {
            let edges: [(EpochSeconds, String?)]
            switch a.shape {
            case .line(let t, let label, _): edges = [(t, label)]
            case .band(let t1, let l1, let t2, let l2): edges = [(t1, l1), (t2, l2)]
            }
            for (t, label) in edges where t >= input.start && t < input.end {
                let text = label.flatMap { $0.isEmpty ? nil : $0 } ?? TimeTicks.dateTimeLabel(t, zone: widget.timezone)
                check(text, what: "annotation label")
            }
        }
        return warnings
    }
}

/// Where one legend entry was placed.
struct LegendBox {
    /// Swatch and label, one legend row high.
    var rect: Rect
    /// The label as drawn.
    var label: String
    /// The final "+N more" entry.
    var isMore: Bool
}
