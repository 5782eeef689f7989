import ChartCore
import ChartScales
import ChartScene
import WidgetSpec

/// The table view (visual spec §10.4): a bold header row and one row per visible series —
/// colour square and label, one column per bucket, then the summary columns (`MIN`, `MAX`,
/// `SUM`, `AVG` in the order `table.summaryColumns` lists them) — or the same transposed
/// with `table.layout: vertical` (one row per bucket, one column per series, the summaries
/// as the last rows). `showTimeSeriesData: false` keeps only labels and summaries.
///
/// Decisions where the spec is silent:
/// - Bucket columns are the union of the visible series' bucket times, oldest first; a
///   missing cell shows `--`.
/// - Summaries are computed over every data point the row fetched, also those in columns
///   dropped for room; `--` when the row has none.
/// - Threshold colours (horizontal annotations): `fill: above` colours cells ≥ the value,
///   `below` cells ≤ it, a band the cells between its edges (inclusive); `fill: none`
///   colours nothing. Later annotations win where they overlap. They apply to data cells
///   and to `MIN`, `MAX` and `AVG` (same scale as the data), not to `SUM`.
/// - Columns share the width left over after their natural widths equally, so the table
///   spans the image. The label column takes at most 40 % of the width (labels shortened
///   with "…").
/// - What does not fit is reported: oldest time columns (horizontal) or rows (vertical)
///   are dropped (`tableColumnsDropped` / `tableRowsDropped`), as are series rows or
///   columns beyond the image and, when even those do not fit, summary columns.
/// - The unit follows the label in parentheses when `yAxis.left.showUnits` is `true`.
struct TableViewLayout {
    let context: ViewContext

    static let rowHeight = 20.0
    static let cellPadding = 6.0
    static let font = FontSpec(size: 12)
    static let headerFont = FontSpec(size: 12, bold: true)
    static let thresholdOpacity = 0.30
    static let maxLabelShare = 0.4

    /// One column of cells, header first.
    struct Column {
        enum Kind: Equatable { case label, time, summary(SummaryColumn), series(Int) }
        var kind: Kind
        var header: String
        var cells: [String]
        /// Threshold colours of the cells (nil: none).
        var fills: [RGBA?]
        /// Natural width including padding.
        var width: Double
    }

    func run() -> LayoutResult {
        let c = context
        var items: [SceneItem] = []
        var warnings: [RenderWarning] = []
        let top = c.title(into: &items, warnings: &warnings)
        let content = c.contentArea(top: top)
        guard !c.visible.isEmpty else {
            items.append(c.noDataMessage(in: content))
            if c.hasPartialData { items.append(c.warningIcon(in: content)) }
            return LayoutResult(scene: c.scene(items), warnings: warnings, plot: content)
        }

        let table = c.widget.table.layout == .vertical
            ? vertical(content: content, warnings: &warnings)
            : horizontal(content: content, warnings: &warnings)
        items.append(.group(role: "table", clip: content, items: table))
        if c.visible.allSatisfy({ !$0.series.hasData }) {
            items.append(c.noDataMessage(in: Rect(x: content.minX, y: content.minY + Self.rowHeight,
                                                  width: content.width, height: max(1, content.height - Self.rowHeight))))
        }
        if c.hasPartialData { items.append(c.warningIcon(in: content)) }
        return LayoutResult(scene: c.scene(items), warnings: warnings, plot: content)
    }

    // MARK: - Data

    /// Bucket times of all visible series, ascending.
    var buckets: [EpochSeconds] {
        var times = Set<EpochSeconds>()
        for (s, _) in context.visible { times.formUnion(s.timestamps.prefix(s.values.count)) }
        return times.sorted()
    }

    /// A series' values by bucket time.
    func values(_ s: ChartSeries) -> [EpochSeconds: Double] {
        var byTime: [EpochSeconds: Double] = [:]
        for (t, v) in zip(s.timestamps, s.values) where !v.isNaN { byTime[t] = v }
        return byTime
    }

    func summary(_ column: SummaryColumn, of s: ChartSeries) -> Double? {
        let present = s.values.filter { !$0.isNaN }
        guard !present.isEmpty else { return nil }
        switch column {
        case .MIN: return present.min()
        case .MAX: return present.max()
        case .SUM: return present.reduce(0, +)
        case .AVG: return present.reduce(0, +) / Double(present.count)
        }
    }

    /// The threshold colour of a cell value, or nil.
    func threshold(_ value: Double?) -> RGBA? {
        guard let value, !value.isNaN else { return nil }
        var color: RGBA?
        for (a, aColor) in context.horizontal {
            let matches: Bool
            switch a.shape {
            case .line(let t, _, .above): matches = value >= t
            case .line(let t, _, .below): matches = value <= t
            case .line(_, _, .none): matches = false
            case .band(let v1, _, let v2, _): matches = value >= min(v1, v2) && value <= max(v1, v2)
            }
            if matches { color = aColor.withOpacity(Self.thresholdOpacity) }
        }
        return color
    }

    func timeLabel(_ t: EpochSeconds) -> String {
        let civil = CivilTime(epoch: t, offset: context.widget.timezone)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let time = "\(two(civil.hour)):\(two(civil.minute))"
        return context.input.end - context.input.start > 86_400 ? "\(two(civil.month))/\(two(civil.day)) \(time)" : time
    }

    func rowLabel(_ s: ChartSeries) -> String {
        guard context.widget.yAxis.left.showUnits == true, let unit = s.unit, unit != "None" else { return s.label }
        return "\(s.label) (\(unit))"
    }

    func textWidth(_ text: String, bold: Bool = false) -> Double {
        context.measurer.measure(text, font: bold ? Self.headerFont : Self.font).width
    }

    func column(_ kind: Column.Kind, header: String, cells: [String], fills: [RGBA?]) -> Column {
        let widest = max(textWidth(header, bold: true), cells.map { textWidth($0) }.max() ?? 0)
        return Column(kind: kind, header: header, cells: cells, fills: fills, width: (widest + 2 * Self.cellPadding).rounded(.up))
    }

    var summaryColumns: [SummaryColumn] { context.widget.table.summaryColumns }

    // MARK: - Horizontal: rows = series

    func horizontal(content: Rect, warnings: inout [RenderWarning]) -> [SceneItem] {
        let c = context
        let rowsFit = max(0, Int(((content.height - Self.rowHeight) / Self.rowHeight).rounded(.down)))
        var series = c.visible
        if series.count > rowsFit {
            warnings.append(RenderWarning(
                code: "tableRowsDropped",
                message: "\(series.count - rowsFit) of \(series.count) series rows did not fit the image height and are not shown"))
            series = Array(series.prefix(rowsFit))
        }
        let maps = series.map { values($0.series) }

        let swatchRoom = Metrics.swatch + Metrics.swatchGap
        let labels = series.map { rowLabel($0.series) }
        var label = column(.label, header: "", cells: labels, fills: labels.map { _ in nil })
        label.width += swatchRoom
        let times = c.widget.table.showTimeSeriesData ? buckets : []
        // Built lazily from the newest back: only the columns that can fit are formatted and measured.
        func timeColumn(_ t: EpochSeconds) -> Column {
            let cellValues = maps.map { $0[t] }
            return column(.time, header: timeLabel(t), cells: cellValues.map { c.format($0) }, fills: cellValues.map(threshold))
        }
        var summaries = summaryColumns.map { kind in
            let v = series.map { summary(kind, of: $0.series) }
            return column(.summary(kind), header: kind.rawValue, cells: v.map { c.format($0) },
                          fills: kind == .SUM ? v.map { _ in nil } : v.map(threshold))
        }

        // Fit: the label column (at most 40 %, at least 60 px), the summaries, then time
        // columns from the newest back.
        let minLabel = min(label.width, 60)
        label.width = min(label.width, max(minLabel, (content.width * Self.maxLabelShare).rounded(.down)))
        var used = label.width + summaries.reduce(0) { $0 + $1.width }
        while used > content.width, let last = summaries.last {
            summaries.removeLast()
            used -= last.width
            warnings.append(RenderWarning(code: "tableColumnsDropped", message: "summary column \(last.header) did not fit the image width"))
        }
        var kept: [Column] = []
        for t in times.reversed() {
            let col = timeColumn(t)
            guard used + col.width <= content.width else { break }
            kept.insert(col, at: 0)
            used += col.width
        }
        if kept.count < times.count {
            warnings.append(RenderWarning(
                code: "tableColumnsDropped",
                message: "the \(times.count - kept.count) oldest of \(times.count) time columns did not fit the image width and are not shown"))
        }
        var columns = [label] + kept + summaries
        stretch(&columns, to: content.width, labelNatural: labelNaturalWidth(labels) + swatchRoom)
        return draw(columns, rows: series.count, content: content,
                    swatches: series.map(\.color),
                    separatorsBefore: [columns.count > 1 ? 1 : nil, kept.isEmpty || summaries.isEmpty ? nil : 1 + kept.count],
                    warnings: &warnings)
    }

    // MARK: - Vertical: rows = buckets

    func vertical(content: Rect, warnings: inout [RenderWarning]) -> [SceneItem] {
        let c = context
        let times = c.widget.table.showTimeSeriesData ? buckets : []
        let summaries = summaryColumns
        let rowsFit = max(0, Int(((content.height - Self.rowHeight) / Self.rowHeight).rounded(.down)))
        let keptSummaries = Array(summaries.prefix(rowsFit))
        if keptSummaries.count < summaries.count {
            warnings.append(RenderWarning(
                code: "tableRowsDropped", message: "\(summaries.count - keptSummaries.count) summary rows did not fit the image height"))
        }
        let timeRows = min(times.count, rowsFit - keptSummaries.count)
        let keptTimes = Array(times.suffix(max(0, timeRows)))
        if keptTimes.count < times.count {
            warnings.append(RenderWarning(
                code: "tableRowsDropped",
                message: "the \(times.count - keptTimes.count) oldest of \(times.count) time rows did not fit the image height and are not shown"))
        }

        let first = column(.time, header: "", cells: keptTimes.map(timeLabel) + keptSummaries.map(\.rawValue),
                           fills: Array(repeating: nil, count: keptTimes.count + keptSummaries.count))
        let swatchRoom = Metrics.swatch + Metrics.swatchGap
        var seriesColumns: [Column] = []
        for (k, entry) in c.visible.enumerated() {
            let map = values(entry.series)
            let cellValues = keptTimes.map { map[$0] }
            let sums = keptSummaries.map { summary($0, of: entry.series) }
            var col = column(.series(k), header: rowLabel(entry.series),
                             cells: (cellValues + sums).map { c.format($0) },
                             fills: cellValues.map(threshold) + zip(keptSummaries, sums).map { $0 == .SUM ? nil : threshold($1) })
            col.width = max(col.width, (textWidth(col.header, bold: true) + swatchRoom + 2 * Self.cellPadding).rounded(.up))
            seriesColumns.append(col)
        }
        // The header carries a colour square and the label; when the columns do not fit, labels
        // are shortened to an equal share of the width (never narrower than the cells).
        if seriesColumns.reduce(first.width, { $0 + $1.width }) > content.width {
            let share = ((content.width - first.width) / Double(max(1, seriesColumns.count))).rounded(.down)
            for i in seriesColumns.indices {
                let cells = ((seriesColumns[i].cells.map { textWidth($0) }.max() ?? 0) + 2 * Self.cellPadding).rounded(.up)
                seriesColumns[i].width = max(cells, min(seriesColumns[i].width, share))
            }
        }
        var used = first.width
        var kept: [Column] = []
        for col in seriesColumns {
            guard used + col.width <= content.width else { break }
            kept.append(col)
            used += col.width
        }
        if kept.count < seriesColumns.count {
            warnings.append(RenderWarning(
                code: "tableColumnsDropped",
                message: "\(seriesColumns.count - kept.count) of \(seriesColumns.count) series columns did not fit the image width and are not shown"))
        }
        var columns = [first] + kept
        stretch(&columns, to: content.width, labelNatural: first.width)
        return draw(columns, rows: keptTimes.count + keptSummaries.count, content: content,
                    swatches: c.visible.map(\.color), separatorsBefore: [1], summaryRowsFrom: keptSummaries.isEmpty ? nil : keptTimes.count,
                    warnings: &warnings)
    }

    // MARK: - Drawing

    func labelNaturalWidth(_ labels: [String]) -> Double {
        (labels.map { textWidth($0) }.max() ?? 0) + 2 * Self.cellPadding
    }

    /// Gives the first column what its labels need (up to 40 %), then spreads what is left
    /// equally over all columns.
    func stretch(_ columns: inout [Column], to width: Double, labelNatural: Double) {
        guard !columns.isEmpty else { return }
        var spare = width - columns.reduce(0) { $0 + $1.width }
        guard spare > 0 else { return }
        let labelTarget = min(labelNatural, (width * Self.maxLabelShare).rounded(.down))
        if columns[0].width < labelTarget {
            let grow = min(spare, labelTarget - columns[0].width)
            columns[0].width += grow
            spare -= grow
        }
        let each = (spare / Double(columns.count)).rounded(.down)
        for i in columns.indices { columns[i].width += each }
    }

    /// Header, cells, threshold fills, separators. `swatches` are the series colours (by row
    /// in horizontal layout, by column in vertical layout); `separatorsBefore` lists column
    /// indices that get a vertical rule on their left; `summaryRowsFrom` is the first summary
    /// row (vertical layout), which gets a rule above it.
    func draw(_ columns: [Column], rows: Int, content: Rect, swatches: [RGBA], separatorsBefore: [Int?],
              summaryRowsFrom: Int? = nil, warnings: inout [RenderWarning]) -> [SceneItem] {
        let c = context
        let horizontalLayout = c.widget.table.layout == .horizontal
        var fills: [SceneItem] = []
        var rules: [SceneItem] = []
        var texts: [SceneItem] = []
        let grid = Stroke(color: c.colors.grid, width: 1)
        let tableBottom = content.minY + Self.rowHeight * Double(rows + 1)
        var truncated: [String] = []

        var x = content.minX
        for (ci, col) in columns.enumerated() {
            let isLabel = col.kind == .label || (ci == 0 && !horizontalLayout)
            let seriesIndex: Int? = { if case .series(let k) = col.kind { return k } else { return nil } }()
            // Header.
            let headerY = content.minY + Self.rowHeight / 2
            if !col.header.isEmpty {
                var room = col.width - 2 * Self.cellPadding
                var textX = isLabel ? x + Self.cellPadding : x + col.width - Self.cellPadding
                if let k = seriesIndex, k < swatches.count {
                    room -= Metrics.swatch + Metrics.swatchGap
                    let sx = x + col.width - Self.cellPadding - min(room, textWidth(col.header, bold: true)) - Metrics.swatch - Metrics.swatchGap
                    fills.append(.rect(rect: Rect(x: sx.rounded(), y: (headerY - Metrics.swatch / 2).rounded(), width: Metrics.swatch, height: Metrics.swatch),
                                       fill: swatches[k], stroke: nil))
                    textX = x + col.width - Self.cellPadding
                }
                let text = c.measurer.truncate(col.header, font: Self.headerFont, maxWidth: max(0, room))
                if text != col.header { truncated.append(col.header) }
                texts.append(.text(TextRun(
                    text: text, anchor: Point(x: textX, y: headerY), font: Self.headerFont, color: c.colors.primaryText,
                    align: isLabel ? .start : .end, baseline: .middle)))
            }
            // Cells.
            for (ri, cell) in col.cells.prefix(rows).enumerated() {
                let y = content.minY + Self.rowHeight * Double(ri + 1)
                let mid = y + Self.rowHeight / 2
                if let fill = col.fills[ri] {
                    fills.append(.rect(rect: Rect(x: x, y: y, width: col.width, height: Self.rowHeight), fill: fill, stroke: nil))
                }
                if col.kind == .label {
                    let swatch = Rect(x: x + Self.cellPadding, y: (mid - Metrics.swatch / 2).rounded(), width: Metrics.swatch, height: Metrics.swatch)
                    if ri < swatches.count { fills.append(.rect(rect: swatch, fill: swatches[ri], stroke: nil)) }
                    let room = col.width - 2 * Self.cellPadding - Metrics.swatch - Metrics.swatchGap
                    let text = c.measurer.truncate(cell, font: Self.font, maxWidth: max(0, room))
                    if text != cell { truncated.append(cell) }
                    texts.append(.text(TextRun(
                        text: text, anchor: Point(x: swatch.maxX + Metrics.swatchGap, y: mid), font: Self.font,
                        color: c.colors.primaryText, align: .start, baseline: .middle)))
                } else {
                    let isName = isLabel
                    texts.append(.text(TextRun(
                        text: cell, anchor: Point(x: isName ? x + Self.cellPadding : x + col.width - Self.cellPadding, y: mid),
                        font: isName && summaryRowsFrom.map({ ri >= $0 }) == true ? Self.headerFont : Self.font,
                        color: c.colors.primaryText, align: isName ? .start : .end, baseline: .middle)))
                }
            }
            if separatorsBefore.contains(ci) {
                let rx = crisp(x)
                rules.append(.rule(from: Point(x: rx, y: content.minY), to: Point(x: rx, y: tableBottom), stroke: grid))
            }
            x += col.width
        }
        // Row separators: under the header and under every row.
        let right = x
        for r in 0...rows {
            let y = crisp(content.minY + Self.rowHeight * Double(r + 1)) - 1
            let isHeader = r == 0 || summaryRowsFrom.map { r == $0 } == true
            rules.append(.rule(from: Point(x: content.minX, y: y), to: Point(x: right, y: y),
                               stroke: Stroke(color: isHeader ? c.colors.axis : c.colors.grid, width: 1)))
        }
        for label in truncated {
            warnings.append(RenderWarning(code: "labelTruncated", message: "table label \"\(label)\" shortened to fit its column"))
        }
        return fills + rules + texts
    }
}
