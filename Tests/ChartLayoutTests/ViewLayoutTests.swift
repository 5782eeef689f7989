import ChartCore
import ChartScene
import Foundation
import Testing
import WidgetSpec
@testable import ChartLayout

// Scene-level tests of the number, gauge, bar, pie and table views (visual spec §7, §10).

extension Scene {
    /// Text runs (not just strings) anywhere in the scene.
    var runs: [TextRun] {
        flattenedItems.compactMap { if case .text(let r) = $0 { return r } else { return nil } }
    }

    func run(_ text: String) -> TextRun? { runs.first { $0.text == text } }

    /// Children of every group with this role, in order.
    func groups(_ role: String) -> [(clip: Rect?, items: [SceneItem])] {
        flattenedItems.compactMap { if case .group(let r, let c, let items) = $0, r == role { return (c, items) } else { return nil } }
    }
}

extension Array where Element == SceneItem {
    var areas: [(top: [Point], base: [Point], fill: RGBA)] {
        compactMap { if case .area(let t, let b, let f) = $0 { return (t, b, f) } else { return nil } }
    }

    var rects: [(rect: Rect, fill: RGBA?)] {
        compactMap { if case .rect(let r, let f, _) = $0 { return (r, f) } else { return nil } }
    }

    var texts: [String] {
        compactMap { if case .text(let r) = $0 { return r.text } else { return nil } }
    }

    /// Texts in reading order: by row (anchor y), then left to right.
    var textsByRow: [String] {
        compactMap { if case .text(let r) = $0 { return r } else { return nil } }
            .sorted { ($0.anchor.y, $0.anchor.x) < ($1.anchor.y, $1.anchor.x) }
            .map(\.text)
    }
}

/// A series whose last values are given (oldest first), on the 5-minute grid ending at t0 + 3 h.
func valued(_ index: Int, _ values: [Double], configure: (inout ChartSeries) -> Void = { _ in }) -> ChartSeries {
    makeSeries(index, count: values.count) { s in
        s.values = values
        configure(&s)
    }
}

@Suite struct SingleValueLayoutTests {
    func widget(_ n: Int, _ configure: (inout MetricWidget) -> Void = { _ in }) -> MetricWidget {
        makeWidget(rows: n) { $0.view = .singleValue; configure(&$0) }
    }

    @Test func oneTilePerVisibleSeriesInAGrid() {
        let series = (0..<5).map { i in makeSeries(i) { if i == 4 { $0.visible = false } } } + [makeSeries(5)]
        let result = layout(widget(6), series)
        let tiles = result.scene.groups("tile").compactMap(\.clip)
        // 580 px of content → 3 columns of ⌊580 / 160⌋; 5 visible tiles → 2 rows; 8 px gutters.
        #expect(tiles.count == 5)
        #expect(Set(tiles.map(\.width)).count == 1)
        #expect(abs(tiles[0].width - (580 - 16) / 3) < 1e-9)
        #expect(tiles[3].minX == tiles[0].minX && tiles[3].minY == tiles[0].maxY + 8)
        #expect(abs(tiles[2].maxX - 590) < 1e-9)
        #expect(result.scene.group("legend") == nil)
        #expect(result.scene.texts.contains("Metric6") && !result.scene.texts.contains("Metric5"))
    }

    @Test func latestValueAbbreviatedWithItsUnit() throws {
        let series = valued(0, [10, 20, 12_345, .nan]) { $0.unit = "Count" }
        let result = layout(widget(1), [series])
        let value = try #require(result.scene.run("12.3k"))
        #expect(value.font.bold)
        #expect(value.font.size == 48)
        #expect(value.color == ThemeColors.light.primaryText)
        let unit = try #require(result.scene.run("Count"))
        #expect(unit.font.size == 14 && unit.anchor.y == value.anchor.y && unit.anchor.x > value.anchor.x)
        #expect(layout(widget(1), [valued(0, [42.66]) { $0.unit = "Percent" }]).scene.texts.contains("%"))
        #expect(layout(widget(1), [valued(0, [0.009])]).scene.texts.contains("9E-3"))
    }

    @Test func fullPrecisionAndNoData() {
        let full = layout(widget(2) { $0.singleValueFullPrecision = true }, [valued(0, [12_345.678]), valued(1, [.nan, .nan])])
        #expect(full.scene.texts.contains("12345.678"))
        #expect(full.scene.texts.contains("--"))
    }

    @Test func explicitColourColoursTheValue() throws {
        let result = layout(widget(1), [valued(0, [5]) { $0.explicitColor = RGBA(hex: "#d62728") }])
        #expect(try #require(result.scene.run("5")).color.hexString == "#d62728")
    }

    @Test func trendArrowComparesWithThePreviousPoint() {
        func arrow(_ values: [Double]) -> String? {
            layout(widget(1) { $0.trend = true }, [valued(0, values)]).scene.texts.first { $0 == "▲" || $0 == "▼" }
        }
        #expect(arrow([1, 2]) == "▲")
        #expect(arrow([3, .nan, 2, .nan]) == "▼")
        #expect(arrow([2, 2]) == nil)
        #expect(arrow([2]) == nil)
        #expect(layout(widget(1), [valued(0, [1, 2])]).scene.texts.allSatisfy { $0 != "▲" })
    }

    @Test func sparklineUnlessWholeRange() throws {
        let on = layout(widget(1) { $0.sparkline = true }, [makeSeries(0)])
        let spark = try #require(on.scene.groups("sparkline").first)
        let tile = try #require(on.scene.groups("tile").first?.clip)
        let box = try #require(spark.clip)
        #expect(abs(box.height - tile.height * 0.35) < 1e-9 && box.maxY == tile.maxY)
        #expect(spark.items.areas.count == 1 && spark.items.areas[0].fill.a == 51)  // 20 %
        let points: [Point?] = spark.items.compactMap { item -> [Point?]? in if case .polyline(let p, _) = item { return p } else { return nil } }.first ?? []
        let ys = points.compactMap { $0?.y }
        #expect(ys.min()! >= box.minY && ys.max()! <= box.maxY)
        #expect(layout(widget(1), [makeSeries(0)]).scene.groups("sparkline").isEmpty)
        #expect(layout(widget(1) { $0.sparkline = true; $0.setPeriodToTimeRange = true }, [makeSeries(0)]).scene.groups("sparkline").isEmpty)
    }

    @Test func partialDataSignInTheCornerAndDarkTheme() throws {
        let result = layout(widget(1) { $0.theme = .dark }, [makeSeries(0) { $0.status = .partialData }])
        let icon = try #require(result.scene.icons.first)
        #expect(icon.1.x < 40 && icon.1.y > 360)
        #expect(result.scene.background.hexString == "#15191e")
        #expect(result.scene.run("Metric1")?.color.hexString == "#a9b2bc")
    }

    @Test func tinyImagesShowOnlyTheValue() {
        let result = layout(widget(1) { $0.title = "Orders"; $0.width = 100; $0.height = 60 }, [valued(0, [7])])
        #expect(result.scene.texts == ["7"])
    }

    @Test func noVisibleSeriesSaysSo() {
        #expect(layout(widget(1), [makeSeries(0) { $0.visible = false }]).scene.texts.contains("No data available."))
    }
}

@Suite struct GaugeLayoutTests {
    func widget(_ n: Int, min: Double = 0, max: Double = 100, _ configure: (inout MetricWidget) -> Void = { _ in }) -> MetricWidget {
        makeWidget(rows: n) { $0.view = .gauge; $0.yAxis.left = YAxisOptions(min: min, max: max); configure(&$0) }
    }

    @Test func trackValueArcAndLabels() throws {
        let result = layout(widget(1), [valued(0, [10, 25]) { $0.unit = "Percent" }])
        let dial = try #require(result.scene.groups("gauge").first?.items)
        let areas = dial.areas
        #expect(areas.count == 2)
        #expect(areas[0].fill == ThemeColors.light.grid)
        #expect(areas[1].fill.hexString == "#1f77b4")
        // The value arc covers a quarter of the 240° track: both sampled every ≤ 1.5°.
        #expect(areas[0].top.count - 1 == 160)
        #expect(areas[1].top.count - 1 == 40)
        #expect(dial.texts.contains("25") && dial.texts.contains("%") && dial.texts.contains("Metric1"))
        #expect(dial.texts.contains("0") && dial.texts.contains("100"))
        // The value arc starts at the lower left (210°) and the track ends at the lower right (−30°).
        let start = areas[1].top[0], end = areas[0].top.last!
        #expect(abs(start.y - end.y) < 1e-9 && start.x < end.x)
    }

    @Test func valuesBeyondTheRangeAreClampedButPrinted() throws {
        let result = layout(widget(2), [valued(0, [250]), valued(1, [-5])])
        let dials = result.scene.groups("gauge")
        #expect(dials[0].items.areas.count == 2 && dials[0].items.areas[1].top.count == dials[0].items.areas[0].top.count)
        #expect(dials[1].items.areas.count == 1)
        #expect(dials[0].items.texts.contains("250") && dials[1].items.texts.contains("-5"))
    }

    @Test func thresholdRingsFromHorizontalAnnotations() throws {
        let red = RGBA(hex: "#d62728")!, orange = RGBA(hex: "#ff7f0e")!
        let w = widget(1) {
            $0.annotations.horizontal = [
                HorizontalAnnotation(shape: .line(value: 80, label: "warn", fill: .above), color: orange),
                HorizontalAnnotation(shape: .line(value: 20, label: nil, fill: .below)),
                HorizontalAnnotation(shape: .band(first: 60, firstLabel: nil, second: 40, secondLabel: nil), color: red),
                HorizontalAnnotation(shape: .line(value: 50, label: nil, fill: .none), color: red),
                HorizontalAnnotation(shape: .line(value: 150, label: nil, fill: .above), color: red),
                HorizontalAnnotation(shape: .line(value: 90, label: nil, fill: .above), color: red, visible: false),
            ]
        }
        let dial = try #require(layout(w, [valued(0, [30])]).scene.groups("gauge").first?.items)
        let rings = Array(dial.areas.dropFirst(2))
        #expect(rings.map(\.fill) == [orange, Palette.color(slot: 2), red])
        // 80…100 is 20 % of the dial, 0…20 also, 40…60 also: 48° each.
        #expect(rings.map { $0.top.count - 1 } == [32, 32, 32])
        let ticks = dial.compactMap { if case .rule(_, _, let s) = $0 { return s } else { return nil } }
        #expect(ticks == [Stroke(color: red, width: 2)])
    }

    @Test func noDataShowsDashesAndNoValueArc() throws {
        let dial = try #require(layout(widget(1), [valued(0, [.nan])]).scene.groups("gauge").first?.items)
        #expect(dial.areas.count == 1)
        #expect(dial.texts.contains("--"))
    }

    @Test func darkThemeTrack() throws {
        let dial = try #require(layout(widget(1) { $0.theme = .dark }, [valued(0, [50])]).scene.groups("gauge").first?.items)
        #expect(dial.areas[0].fill.hexString == "#2a3038")
    }
}

@Suite struct BarLayoutTests {
    func widget(_ n: Int, _ configure: (inout MetricWidget) -> Void = { _ in }) -> MetricWidget {
        makeWidget(rows: n) { $0.view = .bar; configure(&$0) }
    }

    func bars(_ result: LayoutResult) -> [(rect: Rect, fill: RGBA?)] { (result.scene.group("plot") ?? []).rects }

    @Test func oneBarPerSeriesFromZero() throws {
        let result = layout(widget(3), [valued(0, [50, 60]), valued(1, [.nan]), valued(2, [30, 20])])
        let b = bars(result)
        #expect(b.count == 2)
        #expect(b.map { $0.fill?.hexString } == ["#1f77b4", "#2ca02c"])
        #expect(result.warnings.map(\.code) == ["barOmitted"])
        #expect(result.warnings.first?.id == "m2")
        // Both grow from the axis bottom (0), the first twice... three times as tall as the second.
        #expect(abs(b[0].rect.maxY - result.plot.maxY) < 1e-9 && abs(b[1].rect.maxY - result.plot.maxY) < 1e-9)
        #expect(abs(b[0].rect.height / b[1].rect.height - 3) < 1e-9)
        // Bar width is 60 % of its slot.
        #expect(abs(b[0].rect.width - result.plot.width / 2 * 0.6) < 1e-9)
        let axis = Scene(size: .init(width: 1, height: 1), background: .white, items: result.scene.group("axis.left") ?? []).texts
        #expect(axis.first == "0")
        #expect(result.scene.group("values")?.texts == ["60", "20"])
        #expect(result.scene.group("axis.categories")?.texts == ["Metric1", "Metric3"])
        #expect(result.scene.group("legend")?.texts == ["Metric1", "Metric3"])
    }

    @Test func negativeBarsHangBelowZero() throws {
        let result = layout(widget(2), [valued(0, [40]), valued(1, [-20])])
        let b = bars(result)
        #expect(b[0].rect.maxY == b[1].rect.minY)
        let axis = Scene(size: .init(width: 1, height: 1), background: .white, items: result.scene.group("axis.left") ?? []).texts
        #expect(axis.contains("0") && axis.first!.hasPrefix("-"))
        let labels = (result.scene.group("values") ?? []).compactMap { if case .text(let r) = $0 { return r } else { return nil } }
        #expect(labels[0].baseline == .bottom && labels[1].baseline == .top)
        #expect(labels[1].text == "-20" && labels[1].anchor.y > b[1].rect.maxY)
    }

    @Test func longCategoryLabelsAreRotated() throws {
        let long = (0..<6).map { i in valued(i, [Double(i + 1)]) { $0.label = "a rather long category label #\(i)" } }
        let rotated = layout(widget(6), long).scene.group("axis.categories") ?? []
        let runs = rotated.compactMap { if case .text(let r) = $0 { return r } else { return nil } }
        #expect(runs.count == 6 && runs.allSatisfy { $0.rotation == -45 && $0.align == .end })
        let short = layout(widget(2), [valued(0, [1]), valued(1, [2])]).scene.group("axis.categories") ?? []
        #expect(short.compactMap { if case .text(let r) = $0 { return r.rotation } else { return nil } } == [0, 0])
    }

    @Test func fixedRangeClipsWithAWarning() {
        let result = layout(widget(1) { $0.yAxis.left = YAxisOptions(min: 0, max: 50) }, [valued(0, [80])])
        #expect(result.warnings.map(\.code) == ["seriesClipped"])
        #expect(bars(result)[0].rect.minY < result.plot.minY)  // clipped by the plot group
    }

    @Test func noDataSaysSo() {
        let result = layout(widget(1), [valued(0, [.nan])])
        #expect(bars(result).isEmpty)
        #expect(result.scene.texts.contains("No data available."))
    }
}

@Suite struct PieLayoutTests {
    func widget(_ n: Int, _ configure: (inout MetricWidget) -> Void = { _ in }) -> MetricWidget {
        makeWidget(rows: n) { $0.view = .pie; configure(&$0) }
    }

    @Test func slicesBySharePositiveOnly() throws {
        let series = [valued(0, [30]), valued(1, [-4]), valued(2, [.nan]), valued(3, [10]), valued(4, [0])]
        let result = layout(widget(5), series)
        let slices = (result.scene.group("plot") ?? []).areas
        #expect(slices.map(\.fill.hexString) == ["#1f77b4", "#d62728"])
        // 75 % and 25 %: 270° and 90° of arc, sampled every 1.5°.
        #expect(slices.map { $0.top.count - 1 } == [180, 60])
        // The first slice starts at 12 o'clock, straight above the centre, and runs clockwise.
        let center = slices[0].base[0]
        #expect(abs(slices[0].top[0].x - center.x) < 1e-9 && slices[0].top[0].y < center.y)
        #expect(slices[0].top[1].x > center.x)
        #expect(result.warnings.filter { $0.code == "sliceOmitted" }.compactMap(\.id) == ["m2", "m3", "m5"])
        #expect(result.scene.group("legend")?.texts == ["Metric1", "Metric4"])
        // Separators in the background colour.
        let separators = (result.scene.group("plot") ?? []).compactMap { if case .rule(_, _, let s) = $0 { return s.color } else { return nil } }
        #expect(separators == [.white, .white])
    }

    @Test func labelsWithPercentagesExceptTinySlices() {
        let series = [valued(0, [60]), valued(1, [39]), valued(2, [1])]
        let result = layout(widget(3) { $0.labelsVisible = true }, series)
        #expect(result.scene.group("labels")?.texts == ["Metric1 (60.0%)", "Metric2 (39.0%)"])
        #expect(layout(widget(3), series).scene.group("labels") == nil)
    }

    @Test func oneSliceIsAFullCircle() throws {
        let result = layout(widget(1), [valued(0, [5])])
        let items = result.scene.group("plot") ?? []
        guard case .dots(let centers, let radius, _) = items.first else { Issue.record("expected a disc"); return }
        #expect(centers.count == 1)
        #expect(abs(radius - 0.42 * min(result.plot.width, result.plot.height)) < 1e-9)
    }

    @Test func nothingDrawableSaysSo() {
        let result = layout(widget(1), [valued(0, [-1])])
        #expect(result.scene.texts.contains("No data available."))
    }
}

@Suite struct TableLayoutTests {
    func widget(_ n: Int, _ configure: (inout MetricWidget) -> Void = { _ in }) -> MetricWidget {
        makeWidget(rows: n) { $0.view = .table; configure(&$0) }
    }

    /// Four hourly buckets from t0 (09:00).
    func hourly(_ index: Int, _ values: [Double], configure: (inout ChartSeries) -> Void = { _ in }) -> ChartSeries {
        makeSeries(index, count: values.count, period: 3600) { $0.values = values; configure(&$0) }
    }

    var table: (MetricWidget, [ChartSeries]) -> [SceneItem] { { layout($0, $1, end: t0 + 4 * 3600).scene.group("table") ?? [] } }

    @Test func horizontalRowsAreSeries() {
        let texts = table(widget(2), [hourly(0, [1, 2, 3, 4]), hourly(1, [10, .nan, 30, 40])]).textsByRow
        #expect(Array(texts.prefix(8)) == ["09:00", "10:00", "11:00", "12:00", "MIN", "MAX", "SUM", "AVG"])
        #expect(Array(texts.dropFirst(17)) == ["Metric2", "10", "--", "30", "40", "10", "40", "80", "26.7"])
        #expect(texts.contains("Metric1") && texts.contains("Metric2"))
        // MIN MAX SUM AVG of row 2 over its three points.
        for cell in ["10", "40", "80", "26.7", "--"] { #expect(texts.contains(cell), "\(cell)") }
    }

    @Test func summaryColumnsInTheirOrderAndWithoutTimeSeriesData() {
        let w = widget(1) { $0.table.summaryColumns = [.AVG, .MAX]; $0.table.showTimeSeriesData = false }
        let texts = table(w, [hourly(0, [1, 2, 3, 4])]).textsByRow
        #expect(texts == ["AVG", "MAX", "Metric1", "2.5", "4"])
        let none = widget(1) { $0.table.summaryColumns = [] }
        #expect(table(none, [hourly(0, [1, 2])]).textsByRow == ["09:00", "10:00", "Metric1", "1", "2"])
    }

    @Test func verticalRowsAreBuckets() {
        let w = widget(2) { $0.table.layout = .vertical; $0.table.summaryColumns = [.SUM] }
        let texts = table(w, [hourly(0, [1, 2]), hourly(1, [5, 6])]).textsByRow
        #expect(texts == ["Metric1", "Metric2", "09:00", "1", "5", "10:00", "2", "6", "SUM", "3", "11"])
    }

    @Test func thresholdsColourMatchingCells() {
        let red = RGBA(hex: "#d62728")!
        let w = widget(1) {
            $0.table.summaryColumns = [.MAX, .SUM]
            $0.annotations.horizontal = [HorizontalAnnotation(shape: .line(value: 3, label: nil, fill: .above), color: red)]
        }
        let fills = table(w, [hourly(0, [1, 2, 3, 4])]).rects.compactMap(\.fill).filter { $0.a != 255 }
        // 3, 4 and MAX (4); SUM is on another scale and is not coloured.
        #expect(fills == Array(repeating: red.withOpacity(0.3), count: 3))
        let band = widget(1) {
            $0.table.summaryColumns = []
            $0.annotations.horizontal = [HorizontalAnnotation(shape: .band(first: 3, firstLabel: nil, second: 2, secondLabel: nil), color: red)]
        }
        #expect(table(band, [hourly(0, [1, 2, 3, 4])]).rects.compactMap(\.fill).filter { $0.a != 255 }.count == 2)
    }

    @Test func oldestColumnsAreDroppedWhenTooNarrow() {
        let values = (0..<24).map { Double($0) }
        let result = layout(widget(1) { $0.width = 400 }, [makeSeries(0, count: 24, period: 3600) { $0.values = values }], end: t0 + 24 * 3600)
        let texts = result.scene.group("table")?.texts ?? []
        #expect(!texts.contains("09:00"))
        #expect(texts.contains("08:00"))  // the newest bucket (next day, 08:00) stays
        #expect(texts.contains("MIN") && texts.contains("AVG"))
        #expect(result.warnings.contains { $0.code == "tableColumnsDropped" })
    }

    @Test func unitInTheLabelOnlyWhenAskedFor() {
        let s = [hourly(0, [1]) { $0.unit = "Count" }]
        #expect(table(widget(1), s).texts.contains("Metric1"))
        #expect(table(widget(1) { $0.yAxis.left.showUnits = true }, s).texts.contains("Metric1 (Count)"))
    }

    @Test func fullPrecisionCells() {
        let texts = table(widget(1) { $0.singleValueFullPrecision = true; $0.table.summaryColumns = [] }, [hourly(0, [1234.5678])]).texts
        #expect(texts.contains("1234.5678"))
        #expect(table(widget(1) { $0.table.summaryColumns = [] }, [hourly(0, [1234.5678])]).texts.contains("1.23k"))
    }
}

@Suite struct AnomalyBandLayoutTests {
    /// m1 (a wave around 50) and the band row e1 (m1 ± 8, with m1 leaving it at buckets 10–12).
    func banded(_ configure: (inout MetricWidget) -> Void = { _ in }) -> LayoutResult {
        let metric = makeSeries(0) { s in for i in 10...12 { s.values[i] += 30 } }
        let base = makeSeries(0)
        let upper = makeSeries(1) { $0.id = "e1"; $0.label = "expected"; $0.values = base.values.map { $0 + 8 }; $0.band = .upper(of: "m1") }
        let lower = makeSeries(1) { $0.id = "e1"; $0.label = "expected"; $0.values = base.values.map { $0 - 8 }; $0.band = .lower(of: "m1") }
        return layout(makeWidget(rows: 2, configure: configure), [metric, upper, lower])
    }

    @Test func bandIsAGreyAreaAndOutOfBandPartsAreRed() throws {
        let result = banded()
        let plot = result.scene.group("plot") ?? []
        let areas = plot.areas
        #expect(areas.count == 1)
        #expect(areas[0].fill == RGBA(hex: "#7f7f7f")!.withOpacity(0.25))
        #expect(areas[0].top.count == 36 && areas[0].top.allSatisfy { p in areas[0].base.contains { $0.x == p.x && $0.y > p.y } })
        // The metric's line and, over it, the red out-of-band run; the band edges are not lines.
        #expect(result.scene.lineColors.map(\.hexString) == ["#1f77b4", "#d62728"])
        let red = result.scene.polylines[1]
        // Buckets 10–12 are outside: the red run starts between buckets 9 and 10 and ends between 12 and 13.
        let mapping = PlotMapping(plot: result.plot, start: t0, end: t0 + 3 * 3600, lower: 0, upper: 1)
        let xs = red.compactMap { $0?.x }
        #expect(xs.min()! > mapping.x(t0 + 9 * 300) && xs.min()! < mapping.x(t0 + 10 * 300))
        #expect(xs.max()! > mapping.x(t0 + 12 * 300) && xs.max()! < mapping.x(t0 + 13 * 300))
        #expect(!red.contains { $0 == nil })
        // One legend entry for the band, after the metric.
        #expect(result.scene.group("legend")?.texts == ["Metric1", "expected"])
        // Z-order: the band is under the series line.
        let areaIndex = plot.firstIndex { if case .area = $0 { return true } else { return false } }!
        let lineIndex = plot.firstIndex { if case .polyline = $0 { return true } else { return false } }!
        #expect(areaIndex < lineIndex)
        #expect(result.warnings.isEmpty)
    }

    @Test func darkBandColour() {
        let areas = (banded { $0.theme = .dark }.scene.group("plot") ?? []).areas
        #expect(areas.first?.fill == RGBA(hex: "#A0A0A0")!.withOpacity(0.25))
    }

    @Test func aBandWithOneEdgeIsReported() {
        let upper = makeSeries(1) { $0.id = "e1"; $0.band = .upper(of: "m1") }
        let result = layout(makeWidget(rows: 2), [makeSeries(0), upper])
        #expect(result.warnings.map(\.code) == ["anomalyBandIncomplete"])
        #expect((result.scene.group("plot") ?? []).areas.isEmpty)
        #expect(result.scene.lineColors.count == 1)
    }

    @Test func bandsAreNotStacked() {
        let result = banded { $0.stacked = true }
        let areas = (result.scene.group("plot") ?? []).areas
        #expect(areas.count == 2)  // the band and one stacked area
        #expect(areas[0].fill == RGBA(hex: "#7f7f7f")!.withOpacity(0.25))
    }
}

@Suite struct ClippingTests {
    @Test func seriesBeyondAFixedRangeAreClippedAndReported() throws {
        let series = [makeSeries(0), makeSeries(1) { $0.values = $0.values.map { $0 * 0 + 10 } }]
        let result = layout(makeWidget(rows: 2) { $0.yAxis.left = YAxisOptions(min: 40, max: 60) }, series)
        #expect(result.warnings.map(\.code) == ["seriesClipped", "seriesClipped"])
        #expect(result.warnings.map(\.id) == ["m1", "m2"])
        let plotClip = result.scene.items.compactMap { if case .group("plot", let clip, _) = $0 { return clip } else { return nil } }.first
        #expect(plotClip == result.plot)
        #expect(layout(makeWidget(rows: 1), [makeSeries(0)]).warnings.isEmpty)
        #expect(layout(makeWidget(rows: 1) { $0.yAxis.left = YAxisOptions(min: 0) }, [makeSeries(0)]).warnings.isEmpty)
    }

    @Test func isolatedPointsOutsideTheRangeStayDotsClippedByThePlot() throws {
        let series = makeSeries(0) { s in
            s.values = s.values.indices.map { $0 == 5 ? 500 : ($0 == 20 ? 55 : .nan) }
        }
        let result = layout(makeWidget(rows: 1) { $0.yAxis.left = YAxisOptions(min: 0, max: 100) }, [series])
        let dots: [Point] = (result.scene.group("plot") ?? []).compactMap { item -> [Point]? in if case .dots(let c, _, _) = item { return c } else { return nil } }.first ?? []
        #expect(dots.count == 2)
        #expect(dots.filter { result.plot.contains($0) }.count == 1)
        #expect(result.warnings.map(\.code) == ["seriesClipped"])
    }
}

@Suite struct ViewRobustnessTests {
    /// Every view, at extreme sizes and with extreme or missing data, lays out without
    /// non-finite coordinates.
    @Test(arguments: WidgetView.allCases)
    func extremesStayFinite(_ view: WidgetView) {
        let datasets: [[ChartSeries]] = [
            (0..<100).map { makeSeries($0) },
            [valued(0, [1e308, -1e308]), valued(1, [.infinity]), valued(2, [-.infinity, 5])],
            [valued(0, [.nan])],
            [],
        ]
        for (w, h) in [(1, 1), (119, 79), (2000, 2000), (600, 400)] {
            for series in datasets {
                let widget = makeWidget(rows: max(1, series.count)) {
                    $0.view = view; $0.width = w; $0.height = h; $0.title = "t"
                    $0.yAxis.left = YAxisOptions(min: 0, max: 100); $0.labelsVisible = true; $0.sparkline = true; $0.trend = true
                }
                let result = layout(widget, series)
                #expect(result.scene.size == Size(width: Double(w), height: Double(h)))
                #expect(result.scene.allCoordinatesFinite, "\(view) \(w)×\(h) \(series.count) series")
            }
        }
    }

    @Test func manyTilesAreReported() {
        let result = layout(makeWidget(rows: 100) { $0.view = .singleValue }, (0..<100).map { makeSeries($0) })
        #expect(result.warnings.contains { $0.code == "tilesTooSmall" })
        #expect(!layout(makeWidget(rows: 3) { $0.view = .singleValue }, (0..<3).map { makeSeries($0) }).warnings.contains { $0.code == "tilesTooSmall" })
    }
}

extension Scene {
    var allCoordinatesFinite: Bool {
        func ok(_ p: Point) -> Bool { p.x.isFinite && p.y.isFinite }
        func ok(_ r: Rect) -> Bool { r.x.isFinite && r.y.isFinite && r.width.isFinite && r.height.isFinite }
        return flattenedItems.allSatisfy { item in
            switch item {
            case .group(_, let clip, _): return clip.map(ok) ?? true
            case .rule(let a, let b, let s): return ok(a) && ok(b) && s.width.isFinite
            case .polyline(let points, _): return points.allSatisfy { $0.map(ok) ?? true }
            case .area(let top, let base, _): return top.allSatisfy(ok) && base.allSatisfy(ok)
            case .rect(let r, _, _): return ok(r)
            case .dots(let centers, let radius, _): return centers.allSatisfy(ok) && radius.isFinite
            case .text(let run): return ok(run.anchor) && run.font.size.isFinite
            case .icon(_, let center, let size): return ok(center) && size.isFinite
            }
        }
    }
}
