import ChartCore
import ChartScene

/// One legend entry before placement.
struct LegendEntry {
    enum Swatch { case square(RGBA), line(RGBA), band(RGBA), none }
    var swatch: Swatch
    var label: String
}

/// A legend laid out in a box: its scene items and how much room it takes.
struct LegendLayout {
    var items: [SceneItem] = []
    /// Height used (bottom legend) or width used (right legend).
    var extent: Double = 0
    /// Labels that had to be shortened.
    var truncated: [String] = []
    /// Entries folded into "+N more".
    var hiddenCount = 0
    /// Where each placed entry went, in order (for the chart description).
    var boxes: [LegendBox] = []

    /// Moves the legend (items and boxes) down by `dy` pixels.
    mutating func translate(dy: Double) {
        items = items.map { $0.translated(dx: 0, dy: dy) }
        boxes = boxes.map { LegendBox(rect: Rect(x: $0.rect.x, y: $0.rect.y + dy, width: $0.rect.width, height: $0.rect.height), label: $0.label, isMore: $0.isMore) }
    }
}

/// Places legend entries (visual spec §4): bottom legends flow left to right and wrap,
/// using at most 35 % of the canvas height; right legends are one entry per row. What does
/// not fit is never dropped silently: the last entry becomes "+N more", long labels end in
/// "…", and both are reported as warnings.
struct LegendPlacer {
    var measurer: any TextMeasurer
    var colors: ThemeColors

    private var font: FontSpec { Metrics.legendFont }

    /// Width an entry needs with this label.
    private func entryWidth(_ entry: LegendEntry, label: String) -> Double {
        let text = measurer.measure(label, font: font).width
        if case .none = entry.swatch { return text }
        return Metrics.swatch + Metrics.swatchGap + text
    }

    /// Bottom legend: rows of entries across `width`, starting at `origin` (top-left).
    /// `rowLimit` rows at most. `leading` is room reserved at the start of the first row (warning icon).
    func bottom(_ entries: [LegendEntry], origin: Point, width: Double, rowLimit: Int, leading: Double) -> LegendLayout {
        var result = LegendLayout()
        guard !entries.isEmpty || leading > 0, rowLimit > 0 else { return result }
        // Shorten labels that cannot fit a row on their own.
        let prepared: [(LegendEntry, String)] = entries.map { entry in
            let maxLabel = width - Metrics.swatch - Metrics.swatchGap - leading
            let label = measurer.truncate(entry.label, font: font, maxWidth: max(0, maxLabel))
            if label != entry.label { result.truncated.append(entry.label) }
            return (entry, label)
        }

        // Flow into rows.
        var rows: [[(LegendEntry, String, Double)]] = [[]]
        var x = leading
        for (entry, label) in prepared {
            let w = entryWidth(entry, label: label)
            if x > 0 && x + w > width && !(rows[rows.count - 1].isEmpty && x == leading) {
                rows.append([])
                x = 0
            }
            rows[rows.count - 1].append((entry, label, w))
            x += w + Metrics.entryGap
        }

        if rows.count > rowLimit {
            // Keep rowLimit rows; end the last kept row with "+N more", removing entries until it fits.
            var kept = Array(rows.prefix(rowLimit))
            var hidden = rows.dropFirst(rowLimit).reduce(0) { $0 + $1.count }
            var last = kept[kept.count - 1]
            let rowStart = kept.count == 1 ? leading : 0
            while true {
                let more = LegendEntry(swatch: .none, label: "+\(hidden) more")
                let used = last.reduce(rowStart) { $0 + $1.2 + Metrics.entryGap }
                if used + entryWidth(more, label: more.label) <= width || last.isEmpty {
                    last.append((more, more.label, entryWidth(more, label: more.label)))
                    break
                }
                last.removeLast()
                hidden += 1
            }
            kept[kept.count - 1] = last
            rows = kept
            result.hiddenCount = hidden
        }

        var y = origin.y
        for (rowIndex, row) in rows.enumerated() {
            var cx = origin.x + (rowIndex == 0 ? leading : 0)
            for (entry, label, w) in row {
                result.items += entryItems(entry, label: label, at: Point(x: cx, y: y))
                result.boxes.append(box(entry, label: label, at: Point(x: cx, y: y), width: w))
                cx += w + Metrics.entryGap
            }
            y += Metrics.legendRow
        }
        result.extent = Double(rows.count) * Metrics.legendRow
        return result
    }

    /// Right legend: one entry per row in a column of `width`, starting at `origin`,
    /// at most `rowLimit` rows (the first row may be taken by the warning icon: `leadingRow`).
    func right(_ entries: [LegendEntry], origin: Point, width: Double, rowLimit: Int, leadingRow: Bool) -> LegendLayout {
        var result = LegendLayout()
        let available = rowLimit - (leadingRow ? 1 : 0)
        guard available > 0 else { result.hiddenCount = entries.count; return result }
        var shown = Array(entries)
        if entries.count > available {
            shown = Array(entries.prefix(available - 1))
            result.hiddenCount = entries.count - shown.count
            shown.append(LegendEntry(swatch: .none, label: "+\(result.hiddenCount) more"))
        }
        var y = origin.y + (leadingRow ? Metrics.legendRow : 0)
        for entry in shown {
            let textRoom: Double
            if case .none = entry.swatch { textRoom = width } else { textRoom = width - Metrics.swatch - Metrics.swatchGap }
            let label = measurer.truncate(entry.label, font: font, maxWidth: max(0, textRoom))
            if label != entry.label { result.truncated.append(entry.label) }
            result.items += entryItems(entry, label: label, at: Point(x: origin.x, y: y))
            result.boxes.append(box(entry, label: label, at: Point(x: origin.x, y: y), width: entryWidth(entry, label: label)))
            y += Metrics.legendRow
        }
        result.extent = width
        return result
    }

    /// The placed box of one entry whose row starts at `at`.
    private func box(_ entry: LegendEntry, label: String, at p: Point, width: Double) -> LegendBox {
        let isMore: Bool
        if case .none = entry.swatch { isMore = true } else { isMore = false }
        return LegendBox(rect: Rect(x: p.x, y: p.y, width: width, height: Metrics.legendRow), label: label, isMore: isMore)
    }

    /// The swatch and label of one entry whose row starts at `at` (top-left of the 18-px row).
    private func entryItems(_ entry: LegendEntry, label: String, at p: Point) -> [SceneItem] {
        let mid = p.y + Metrics.legendRow / 2
        var items: [SceneItem] = []
        var textX = p.x
        let box = Rect(x: p.x, y: (mid - Metrics.swatch / 2).rounded(), width: Metrics.swatch, height: Metrics.swatch)
        switch entry.swatch {
        case .square(let c):
            items.append(.rect(rect: box, fill: c, stroke: nil))
        case .band(let c):
            items.append(.rect(rect: box, fill: c.withOpacity(Metrics.bandSwatchOpacity), stroke: nil))
        case .line(let c):
            items.append(.rect(rect: Rect(x: p.x - 1, y: mid.rounded() - 1, width: 12, height: 2), fill: c, stroke: nil))
        case .none:
            break
        }
        if case .none = entry.swatch {} else { textX += Metrics.swatch + Metrics.swatchGap }
        if !label.isEmpty {
            items.append(.text(TextRun(
                text: label, anchor: Point(x: textX, y: mid), font: font, color: colors.secondaryText,
                align: .start, baseline: .middle)))
        }
        return items
    }
}
