import ChartCore
import ChartScene
import Testing
import WidgetSpec
@testable import ChartLayout

// The chart description (render sidecar) of the number, gauge, bar, pie and table views:
// each rectangle and value is checked against the scene the same layout drew.

/// Text runs inside the children of a group.
private func runs(_ items: [SceneItem]) -> [TextRun] {
    items.compactMap { if case .text(let r) = $0 { return r } else { return nil } }
}

private func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool { abs(a - b) <= tolerance }

@Suite struct ViewDescriptionTests {
    @Test func barDescribesAxisBarsAndLegend() throws {
        let series = [
            valued(0, [5, 10]), valued(1, [20]) { $0.unit = "Count" }, valued(2, [30]) { $0.visible = false },
            valued(3, [.nan]),
        ]
        let result = layout(makeWidget(rows: 4) { $0.view = .bar }, series)
        let chart = try #require(result.chart)
        let plot = try #require(chart.plot)
        #expect(plot == result.plot)

        // One left axis from 0, ticks as drawn: increasing values higher up, labels in the scene.
        #expect(chart.axes.count == 1)
        let axis = chart.axes[0]
        #expect(axis.kind == .left && axis.min == 0 && axis.max >= 20 && !axis.fixedMin && !axis.fixedMax)
        #expect(axis.ticks.count >= 2)
        #expect(zip(axis.ticks, axis.ticks.dropFirst()).allSatisfy { $0.value < $1.value && $0.position > $1.position })
        #expect(axis.ticks.first.map { close($0.position, plot.maxY) } == true)
        let axisTexts = runs(result.scene.group("axis.left") ?? [])
        for tick in axis.ticks {
            #expect(axisTexts.contains { $0.text == tick.label && close($0.anchor.y, tick.position) }, "\(tick.label)")
        }

        // Values and bar boxes: the drawn rectangles, standing on 0, heights proportional to the values.
        #expect(chart.series.map(\.shownValue) == [10, 20, nil, nil])
        let drawn = (result.scene.group("plot") ?? []).rects.map(\.rect)
        let b1 = try #require(chart.series[0].box), b2 = try #require(chart.series[1].box)
        #expect(drawn == [b1, b2])
        #expect(close(b1.maxY, plot.maxY) && close(b2.maxY, plot.maxY))
        #expect(close(b2.height, 2 * b1.height))
        #expect(b1.maxX < b2.minX)
        #expect(chart.series[2].box == nil && chart.series[3].box == nil)

        // Legend: the two bars, below the plot, each box holding its label as drawn.
        #expect(chart.legend.map(\.kind) == [.series, .series])
        #expect(chart.legend.map(\.ref) == ["m1", "m2"])
        #expect(chart.legend.map(\.color) == ["#1f77b4", "#ff7f0e"])
        let legendTexts = runs(result.scene.group("legend") ?? [])
        for entry in chart.legend {
            #expect(entry.box.minY > plot.maxY && entry.box.maxY <= 400)
            let run = try #require(legendTexts.first { $0.text == entry.label })
            #expect(entry.box.contains(run.anchor), "\(entry.label)")
        }
    }

    @Test func barAxisReportsAFixedRange() throws {
        let result = layout(makeWidget(rows: 1) { $0.view = .bar; $0.yAxis.left = YAxisOptions(min: 0, max: 50) }, [valued(0, [80])])
        let axis = try #require(result.chart?.axes.first)
        #expect(axis.min == 0 && axis.max == 50 && axis.fixedMin && axis.fixedMax)
        #expect(result.chart?.series[0].shownValue == 80)
    }

    @Test func pieDescribesItsSquareSlicesAndLegend() throws {
        let series = [valued(0, [1]), valued(1, [3]), valued(2, [-2])]
        let result = layout(makeWidget(rows: 3) { $0.view = .pie }, series)
        let chart = try #require(result.chart)
        let square = try #require(chart.plot)
        // The pie's bounding square: 0.42 × the smaller side of the area, centred in it.
        let area = result.plot
        #expect(close(square.width, square.height) && close(square.width, 2 * 0.42 * min(area.width, area.height)))
        #expect(close(square.midX, area.midX) && close(square.midY, area.midY))
        #expect(chart.series.map(\.shownValue) == [1, 3, nil])
        #expect(chart.series.map(\.share) == [0.25, 0.75, nil])
        #expect(chart.axes.isEmpty)
        #expect(chart.legend.map(\.ref) == ["m1", "m2"])
        let legendTexts = runs(result.scene.group("legend") ?? [])
        for entry in chart.legend {
            let run = try #require(legendTexts.first { $0.text == entry.label })
            #expect(entry.box.contains(run.anchor))
            #expect(entry.box.minY > square.maxY)
        }
    }

    @Test func gaugeDescribesOneTilePerDial() throws {
        let series = [valued(0, [10, 42]), valued(1, [7]) { $0.visible = false }, valued(2, [.nan])]
        let result = layout(makeWidget(rows: 3) { $0.view = .gauge; $0.yAxis.left = YAxisOptions(min: 0, max: 100) }, series)
        let chart = try #require(result.chart)
        let tiles = try #require(chart.tiles)
        let dials = result.scene.groups("gauge")
        #expect(tiles.map(\.id) == ["m1", "m3"])
        #expect(tiles.map(\.box) == dials.compactMap(\.clip))
        #expect(tiles.map(\.text) == ["42", "--"])
        #expect(tiles.allSatisfy { $0.unit == nil && $0.trend == nil })
        #expect(runs(dials[0].items).contains { $0.text == "42" && tiles[0].box.contains($0.anchor) })
        #expect(chart.series.map(\.shownValue) == [42, nil, nil])
        #expect(chart.plot == result.plot && chart.legend.isEmpty)
        #expect(chart.table == nil)
    }

    @Test func numberTilesCarryValueUnitAndTrend() throws {
        let series = [valued(0, [10, 20, 12_345]) { $0.unit = "Count" }, valued(1, [3, 2])]
        let result = layout(makeWidget(rows: 2) { $0.view = .singleValue; $0.trend = true }, series)
        let tiles = try #require(result.chart?.tiles)
        #expect(tiles.map(\.box) == result.scene.groups("tile").compactMap(\.clip))
        #expect(tiles.map(\.text) == ["12.3k", "2"])
        #expect(tiles.map(\.unit) == ["Count", nil])
        #expect(tiles.map(\.trend) == ["▲", "▼"])
        for tile in tiles { #expect(result.scene.runs.contains { $0.text == tile.text && tile.box.contains($0.anchor) }) }
        #expect(result.chart?.series.map(\.shownValue) == [12_345, 2])
    }

    @Test func timeSeriesHasNoTilesOrTable() throws {
        let chart = try #require(layout(makeWidget(rows: 1), [makeSeries(0)]).chart)
        #expect(chart.tiles == nil && chart.table == nil && chart.series[0].shownValue == nil)
    }

    // MARK: - Table

    func hourly(_ index: Int, _ values: [Double], configure: (inout ChartSeries) -> Void = { _ in }) -> ChartSeries {
        makeSeries(index, count: values.count, period: 3600) { $0.values = values; configure(&$0) }
    }

    func table(_ configure: (inout MetricWidget) -> Void = { _ in }, series: [ChartSeries]? = nil) -> LayoutResult {
        layout(makeWidget(rows: 2) { $0.view = .table; configure(&$0) },
               series ?? [hourly(0, [1, 2, 3, 4]), hourly(1, [10, .nan, 30, 40])], end: t0 + 4 * 3600)
    }

    @Test func horizontalTableDescribesRowsAndTimeColumns() throws {
        let result = table()
        let chart = try #require(result.chart)
        let shown = try #require(chart.table)
        #expect(shown.layout == "horizontal")
        #expect(shown.timestamps == [t0, t0 + 3600, t0 + 7200, t0 + 10_800])
        #expect(shown.timeLabels == ["09:00", "10:00", "11:00", "12:00"])
        #expect(shown.summaries == ["MIN", "MAX", "SUM", "AVG"])
        #expect(shown.seriesIds == ["m1", "m2"])
        // The table as drawn: header + two rows of 20 px, spanning the content width.
        let box = try #require(chart.plot)
        #expect(box.minX == result.plot.minX && box.minY == result.plot.minY)
        #expect(box.height == 60 && close(box.width, result.plot.width, 8))
        // Row headers: the label cells, one per row under the header row.
        #expect(chart.legend.map(\.ref) == ["m1", "m2"])
        #expect(chart.legend.map(\.box.minY) == [box.minY + 20, box.minY + 40])
        let texts = runs(result.scene.group("table") ?? [])
        for entry in chart.legend {
            let run = try #require(texts.first { $0.text == entry.label })
            #expect(entry.box.contains(run.anchor))
        }
    }

    @Test func narrowTableListsOnlyTheTimeColumnsKept() throws {
        let result = table { $0.width = 260; $0.table.summaryColumns = [] }
        let shown = try #require(result.chart?.table)
        #expect(result.warnings.contains { $0.code == "tableColumnsDropped" })
        #expect(!shown.timestamps.isEmpty && shown.timestamps.count < 4)
        #expect(shown.timestamps.last == t0 + 10_800, "the newest columns are kept")
        let headers = Set(runs(result.scene.group("table") ?? []).map(\.text))
        #expect(shown.timeLabels.allSatisfy(headers.contains))
        #expect(!headers.contains("09:00") && !shown.timeLabels.contains("09:00"))
    }

    @Test func verticalTableHeadersAreTheSeriesColumns() throws {
        let result = table { $0.table.layout = .vertical; $0.table.summaryColumns = [.SUM] }
        let chart = try #require(result.chart)
        let shown = try #require(chart.table)
        #expect(shown.layout == "vertical" && shown.summaries == ["SUM"] && shown.seriesIds == ["m1", "m2"])
        #expect(shown.timestamps.count == 4)
        let box = try #require(chart.plot)
        #expect(box.height == 20 * 6)
        #expect(chart.legend.map(\.ref) == ["m1", "m2"])
        #expect(chart.legend.allSatisfy { $0.box.minY == box.minY && $0.box.height == 20 })
        #expect(chart.legend[0].box.maxX <= chart.legend[1].box.minX)
        #expect(chart.legend.map(\.color) == ["#1f77b4", "#ff7f0e"])
    }
}
