import ChartCore
import ChartScene
import Foundation
import Testing
import WidgetSpec
@testable import ChartLayout

@Suite struct TimeSeriesLayoutTests {
    @Test func defaultPaletteInRowOrder() {
        let result = layout(makeWidget(rows: 3), (0..<3).map { makeSeries($0) })
        #expect(result.scene.lineColors.map(\.hexString) == ["#1f77b4", "#ff7f0e", "#2ca02c"])
        #expect(result.scene.size == Size(width: 600, height: 400))
        #expect(result.scene.background.hexString == "#ffffff")
    }

    @Test func hiddenRowKeepsItsPaletteSlotAndLeavesTheLegend() {
        let series = (0..<3).map { i in makeSeries(i) { if i == 1 { $0.visible = false } } }
        let result = layout(makeWidget(rows: 3), series)
        #expect(result.scene.lineColors.map(\.hexString) == ["#1f77b4", "#2ca02c"])
        let legend = result.scene.group("legend").map { Scene(size: .init(width: 1, height: 1), background: .white, items: $0).texts } ?? []
        #expect(legend == ["Metric1", "Metric3"])
    }

    @Test func explicitColourWins() {
        let series = [makeSeries(0) { $0.explicitColor = RGBA(hex: "#123456") }, makeSeries(1)]
        #expect(layout(makeWidget(rows: 2), series).scene.lineColors.map(\.hexString) == ["#123456", "#ff7f0e"])
    }

    @Test func titleIsBoldAtTopLeft() throws {
        let result = layout(makeWidget(rows: 1) { $0.title = "Checkout health" }, [makeSeries(0)])
        let title = try #require(result.scene.items.compactMap { item -> TextRun? in
            if case .text(let run) = item, run.text == "Checkout health" { return run } else { return nil }
        }.first)
        #expect(title.font == FontSpec(size: 14, bold: true))
        #expect(title.anchor == Point(x: 10, y: 10))
        #expect(result.plot.minY >= 32)
    }

    @Test func hiddenLegendGivesTheSpaceToThePlot() {
        let shown = layout(makeWidget(rows: 2), [makeSeries(0), makeSeries(1)])
        let hidden = layout(makeWidget(rows: 2) { $0.legend = .hidden }, [makeSeries(0), makeSeries(1)])
        #expect(hidden.scene.group("legend") == nil)
        #expect(hidden.plot.height > shown.plot.height)
    }

    @Test func rightLegendIsAColumn() {
        let result = layout(makeWidget(rows: 3) { $0.legend = .right }, (0..<3).map { makeSeries($0) })
        #expect(result.plot.maxX < 600 - 120)
        let runs = (result.scene.group("legend") ?? []).compactMap { if case .text(let r) = $0 { return r } else { return nil } }
        #expect(Set(runs.map(\.anchor.x)).count == 1)
        #expect(runs.map(\.anchor.y) == runs.map(\.anchor.y).sorted())
    }

    @Test func rightAxisOnlyWhenUsed() {
        let left = layout(makeWidget(rows: 1), [makeSeries(0)])
        #expect(left.scene.group("axis.right") == nil)
        let both = layout(makeWidget(rows: 2), [makeSeries(0), makeSeries(1) { $0.axis = .right; $0.values = $0.values.map { $0 * 1000 } }])
        let rightLabels = Scene(size: .init(width: 1, height: 1), background: .white, items: both.scene.group("axis.right") ?? []).texts
        #expect(rightLabels.contains { $0.hasSuffix("k") })
        #expect(both.plot.maxX < left.plot.maxX)
    }

    @Test func fixedAxisRangeIsExact() {
        let widget = makeWidget(rows: 1) { $0.yAxis.left = YAxisOptions(min: 0, max: 200, label: "ms") }
        let result = layout(widget, [makeSeries(0)])
        let texts = Scene(size: .init(width: 1, height: 1), background: .white, items: result.scene.group("axis.left") ?? []).texts
        #expect(texts.first == "0")
        #expect(texts.contains("200"))
        #expect(texts.contains("ms"))
    }

    @Test func unitBecomesTheAxisTitleUnlessHidden() {
        let series = [makeSeries(0) { $0.unit = "Percent" }]
        let shown = Scene(size: .init(width: 1, height: 1), background: .white, items: layout(makeWidget(rows: 1), series).scene.group("axis.left") ?? []).texts
        #expect(shown.contains("Percent"))
        let off = makeWidget(rows: 1) { $0.yAxis.left.showUnits = false }
        let hidden = Scene(size: .init(width: 1, height: 1), background: .white, items: layout(off, series).scene.group("axis.left") ?? []).texts
        #expect(!hidden.contains("Percent"))
    }

    @Test func missingBucketsBreakTheLineAndIsolatedPointsAreDots() {
        let series = makeSeries(0) { s in
            for i in 10..<15 { s.values[i] = .nan }
            s.values[17] = .nan
            s.values[19] = .nan  // point 18 is isolated
        }
        let result = layout(makeWidget(rows: 1), [series])
        let line = try! #require(result.scene.polylines.first)
        #expect(line.filter { $0 == nil }.count == 2)
        let dots = (result.scene.group("plot") ?? []).compactMap { if case .dots(let c, let r, _) = $0 { return (c, r) } else { return nil } }
        #expect(dots.count == 1)
        #expect(dots.first?.0.count == 1)
        #expect(dots.first?.1 == 2.5)
    }

    @Test func longSeriesAreDecimatedPerPixelColumn() {
        let n = 100_000
        let series = makeSeries(0, count: n, period: 1) { s in
            s.values = (0..<n).map { sin(Double($0) / 300) * 100 + Double($0 % 7) }
        }
        let result = layout(makeWidget(rows: 1), [series], end: t0 + EpochSeconds(n))
        let points = try! #require(result.scene.polylines.first)
        #expect(points.count <= Int(result.plot.width.rounded(.up) + 1) * 4)
        #expect(points.count > Int(result.plot.width))
        // The extremes survive decimation exactly.
        let mapping = PlotMapping(plot: Rect(x: 0, y: 0, width: 100, height: 100), start: t0, end: t0 + EpochSeconds(n), lower: -200, upper: 200)
        let path = SeriesPathBuilder.build(timestamps: series.timestamps, values: series.values, mapping: mapping)
        let ys = path.points.compactMap { $0?.y }
        #expect(path.points.count <= 404)
        #expect(ys.min() == mapping.y(series.values.max()!))
        #expect(ys.max() == mapping.y(series.values.min()!))
        #expect(path.points.first! == Point(x: mapping.x(t0), y: mapping.y(series.values[0])))
        #expect(path.points.last! == Point(x: mapping.x(series.timestamps[n - 1]), y: mapping.y(series.values[n - 1])))
    }

    @Test func stackedSeriesAreCumulativeAreas() {
        let series = (0..<3).map { i in makeSeries(i) { $0.values = $0.values.map { _ in 10 } } }
        let result = layout(makeWidget(rows: 3) { $0.stacked = true }, series)
        let plot = result.scene.group("plot") ?? []
        let areas = plot.compactMap { if case .area(let top, _, let fill) = $0 { return (top, fill) } else { return nil } }
        #expect(areas.count == 3)
        #expect(areas.allSatisfy { $0.1.a == 89 })  // 35 % opacity
        // Each stacked top line is higher (smaller y) than the previous one.
        let tops = areas.map { $0.0[0].y }
        #expect(tops[0] > tops[1] && tops[1] > tops[2])
        let labels = Scene(size: .init(width: 1, height: 1), background: .white, items: result.scene.group("axis.left") ?? []).texts
        #expect(labels.contains("30"))
    }

    @Test func partialDataShowsTheWarningTriangleAtTheLegendStart() throws {
        let series = [makeSeries(0), makeSeries(1) { $0.status = .partialData }]
        let result = layout(makeWidget(rows: 2), series)
        let (icon, center) = try #require(result.scene.icons.first)
        #expect(icon == .warningTriangle)
        #expect(center.x == 17)
        #expect(center.y > result.plot.maxY)
        // With the legend hidden, the triangle goes to the plot's bottom-left corner.
        let hidden = layout(makeWidget(rows: 2) { $0.legend = .hidden }, series)
        let (_, c2) = try #require(hidden.scene.icons.first)
        #expect(c2.x < hidden.plot.minX + 20 && c2.y < hidden.plot.maxY && c2.y > hidden.plot.maxY - 20)
        #expect(layout(makeWidget(rows: 1), [makeSeries(0)]).scene.icons.isEmpty)
    }

    @Test func noDataSaysSo() {
        let series = [makeSeries(0) { $0.values = $0.values.map { _ in .nan } }]
        let result = layout(makeWidget(rows: 1), series)
        #expect(result.scene.texts.contains("No data available."))
        let axis = Scene(size: .init(width: 1, height: 1), background: .white, items: result.scene.group("axis.left") ?? []).texts
        #expect(axis == ["0", "0.2", "0.4", "0.6", "0.8", "1"])
        #expect(!layout(makeWidget(rows: 1), [makeSeries(0)]).scene.texts.contains("No data available."))
    }

    @Test func longLegendSaysHowManyMoreInsteadOfClipping() {
        let n = 60
        let series = (0..<n).map { i in makeSeries(i) { $0.label = "A rather long legend label number \(i)" } }
        let result = layout(makeWidget(rows: n), series)
        let texts = Scene(size: .init(width: 1, height: 1), background: .white, items: result.scene.group("legend") ?? []).texts
        #expect(texts.last?.hasPrefix("+") == true)
        #expect(texts.last?.hasSuffix(" more") == true)
        #expect(result.warnings.contains { $0.code == "legendOverflow" })
        // The legend stays within 35 % of the height.
        #expect(result.plot.height >= 400 * 0.4)
    }

    @Test func overlongLabelIsEllipsised() {
        let series = [makeSeries(0) { $0.label = String(repeating: "very-long-label-", count: 20) }]
        let result = layout(makeWidget(rows: 1), series)
        let texts = Scene(size: .init(width: 1, height: 1), background: .white, items: result.scene.group("legend") ?? []).texts
        #expect(texts.first?.hasSuffix("…") == true)
        #expect(result.warnings.contains { $0.code == "labelTruncated" })
    }

    @Test func timeAxisLabelsInTheWidgetZone() {
        let utc = Scene(size: .init(width: 1, height: 1), background: .white, items: layout(makeWidget(rows: 1), [makeSeries(0)]).scene.group("axis.time") ?? []).texts
        #expect(utc.first == "09:00")
        let shifted = makeWidget(rows: 1) { $0.timezone = DisplayTimeZone(parsing: "+0200")! }
        let local = Scene(size: .init(width: 1, height: 1), background: .white, items: layout(shifted, [makeSeries(0)]).scene.group("axis.time") ?? []).texts
        #expect(local.first == "11:00")
    }

    @Test func extremeSizesNeverBreakLayout() {
        for (w, h) in [(1, 1), (2000, 2000), (119, 79), (2000, 1), (1, 2000), (130, 90)] {
            let result = layout(makeWidget(rows: 2) { $0.width = w; $0.height = h; $0.title = "T" }, [makeSeries(0), makeSeries(1)])
            #expect(result.scene.size == Size(width: Double(w), height: Double(h)))
            #expect(result.plot.width >= 1 && result.plot.height >= 1)
            for item in result.scene.flattenedItems {
                if case .text(let run) = item { #expect(run.anchor.x.isFinite && run.anchor.y.isFinite) }
            }
        }
        let tiny = layout(makeWidget(rows: 1) { $0.width = 100; $0.height = 60; $0.title = "T" }, [makeSeries(0)])
        #expect(tiny.scene.texts.isEmpty)
    }

    @Test func extremeValuesStayFinite() {
        let series = [makeSeries(0) { $0.values = $0.values.enumerated().map { $0.offset % 2 == 0 ? 1e308 : -1e308 } }]
        let result = layout(makeWidget(rows: 1), series)
        for line in result.scene.polylines { #expect(line.allSatisfy { $0.map { $0.x.isFinite && $0.y.isFinite } ?? true }) }
    }

    @Test func everyViewHasItsOwnLayout() {
        for view in WidgetView.allCases {
            let widget = makeWidget(rows: 1) { $0.view = view; $0.yAxis.left = YAxisOptions(min: 0, max: 100) }
            let result = layout(widget, [makeSeries(0)])
            #expect(!result.warnings.contains { $0.code == "viewNotSupported" })
            // Only the time series view draws the data as a line.
            #expect(result.scene.polylines.isEmpty == (view != .timeSeries), "\(view)")
        }
    }
}

@Suite struct AnnotationLayoutTests {
    @Test func horizontalLineWithFillAbove() throws {
        let widget = makeWidget(rows: 1) {
            $0.annotations.horizontal = [HorizontalAnnotation(shape: .line(value: 60, label: "SLO", fill: .above), color: RGBA(hex: "#d62728"))]
        }
        let result = layout(widget, [makeSeries(0)])
        let plot = result.scene.group("plot") ?? []
        let fill = try #require(plot.compactMap { if case .rect(let r, let f, _) = $0 { return (r, f) } else { return nil } }.first)
        #expect(fill.0.minY == result.plot.minY)
        #expect(fill.1?.a == 38)  // 15 % opacity
        #expect(plot.contains { if case .rule(_, _, let s) = $0 { return s.color.hexString == "#d62728" } else { return false } })
        #expect(result.scene.texts.filter { $0 == "SLO" }.count == 2)  // on the line and in the legend
    }

    @Test func annotationsAreInsideTheAutoRange() {
        let widget = makeWidget(rows: 1) {
            $0.annotations.horizontal = [HorizontalAnnotation(shape: .line(value: 500, label: nil, fill: .none))]
        }
        let texts = Scene(size: .init(width: 1, height: 1), background: .white, items: layout(widget, [makeSeries(0)]).scene.group("axis.left") ?? []).texts
        #expect(texts.contains("500"))
    }

    @Test func horizontalBandInEitherOrder() {
        for (a, b) in [(80.0, 40.0), (40.0, 80.0)] {
            let widget = makeWidget(rows: 1) {
                $0.annotations.horizontal = [HorizontalAnnotation(shape: .band(first: a, firstLabel: "top", second: b, secondLabel: "bottom"))]
            }
            let result = layout(widget, [makeSeries(0)])
            let plot = result.scene.group("plot") ?? []
            let rules = plot.filter { if case .rule(_, _, let s) = $0 { return s.color.hexString == "#ff7f0e" } else { return false } }
            #expect(rules.count == 2)  // the annotation takes palette slot 2
            let labelRuns = plot.compactMap { if case .text(let r) = $0 { return r } else { return nil } }
            let top = try! #require(labelRuns.first { $0.text == "top" })
            let bottom = try! #require(labelRuns.first { $0.text == "bottom" })
            // The higher edge's label is above the lower edge's; the lower one hangs below its line.
            #expect((top.anchor.y < bottom.anchor.y) == (a > b))
            #expect((a > b ? bottom : top).baseline == .top)
        }
    }

    @Test func verticalLineBandAndFills() {
        let widget = makeWidget(rows: 1) {
            $0.annotations.vertical = [
                VerticalAnnotation(shape: .line(time: t0 + 3600, label: "deploy", fill: .after)),
                VerticalAnnotation(shape: .band(first: t0 + 1800, firstLabel: "incident", second: t0 + 2400, secondLabel: nil)),
                VerticalAnnotation(shape: .line(time: t0 - 3600, label: "outside", fill: .none)),
            ]
        }
        let result = layout(widget, [makeSeries(0)])
        let texts = result.scene.texts
        #expect(texts.contains("deploy"))
        #expect(texts.contains("incident"))
        #expect(texts.contains("2024-03-01 09:40"))  // the band's unlabelled edge shows its time
        #expect(!texts.contains("outside"))
        let fills = (result.scene.group("plot") ?? []).compactMap { if case .rect(let r, _, _) = $0 { return r } else { return nil } }
        #expect(fills.count == 2)
        #expect(abs(fills[0].maxX - result.plot.maxX) < 0.001)
    }

    @Test func invisibleAnnotationsAreIgnored() {
        let widget = makeWidget(rows: 1) {
            $0.annotations.horizontal = [HorizontalAnnotation(shape: .line(value: 5000, label: "hidden", fill: .none), visible: false)]
        }
        let result = layout(widget, [makeSeries(0)])
        #expect(!result.scene.texts.contains("hidden"))
        #expect(!result.scene.texts.contains("5k"))
    }

    @Test func darkTheme() {
        let result = layout(makeWidget(rows: 1) { $0.theme = .dark }, [makeSeries(0)])
        #expect(result.scene.background.hexString == "#15191e")
    }
}

@Suite struct SceneTranslationTests {
    @Test func translatedMovesEveryCoordinateAndKeepsTheRest() {
        let stroke = Stroke(color: .black, width: 1)
        let item = SceneItem.group(role: "g", clip: Rect(x: 1, y: 2, width: 3, height: 4), items: [
            .rule(from: Point(x: 0, y: 0), to: Point(x: 1, y: 1), stroke: stroke),
            .polyline(points: [Point(x: 1, y: 1), nil, Point(x: 2, y: 2)], stroke: stroke),
            .text(TextRun(text: "t", anchor: Point(x: 5, y: 5), font: FontSpec(size: 11), color: .black)),
        ])
        let moved = item.translated(dx: 10, dy: -2)
        guard case .group(let role, let clip, let items) = moved else { Issue.record("not a group"); return }
        #expect(role == "g")
        #expect(clip == Rect(x: 11, y: 0, width: 3, height: 4))
        #expect(items[0] == .rule(from: Point(x: 10, y: -2), to: Point(x: 11, y: -1), stroke: stroke))
        #expect(items[1] == .polyline(points: [Point(x: 11, y: -1), nil, Point(x: 12, y: 0)], stroke: stroke))
        if case .text(let run) = items[2] { #expect(run.anchor == Point(x: 15, y: 3) && run.text == "t") }
        #expect(moved.translated(dx: -10, dy: 2) == item)
    }
}
