import ChartCore
import ChartScene
import Testing
import WidgetSpec
@testable import ChartLayout

@Suite struct DashboardLayoutTests {
    @Test func markdownBecomesPlainText() {
        let lines = MarkdownText.lines("""

            # Shop *overview*
            Latency of the **checkout** path, see [the runbook](https://x.example/r) and `kubectl`.
            * first item
            - second_item with snake_case
            > quoted
            ```
            code line
            ```
            | Name | Value |
            |------|------:|
            | a    | 1     |
            ![logo](https://x.example/logo.png) <br/> escaped \\*star\\*
            ---

            """)
        #expect(lines.map(\.text) == [
            "Shop overview",
            "Latency of the checkout path, see the runbook and kubectl.",
            "• first item",
            "• second_item with snake_case",
            "quoted",
            "code line",
            "Name  Value",
            "a  1",
            "logo  escaped *star*",
        ])
        #expect(lines.map(\.style) == [.heading] + Array(repeating: .body, count: 8))
    }

    @Test func tileRectsFollowTheGrid() {
        // 1200 px: 50 px per unit, 8 px gaps.
        #expect(DashboardLayout.tileRect(GridRect(x: 0, y: 0, width: 12, height: 6)) == Rect(x: 4, y: 4, width: 592, height: 292))
        #expect(DashboardLayout.tileRect(GridRect(x: 12, y: 6, width: 12, height: 6)) == Rect(x: 604, y: 304, width: 592, height: 292))
        #expect(DashboardLayout.tileRect(GridRect(x: 0, y: 0, width: 24, height: 1), width: 2400).width == 2392)
    }

    @Test func composeTranslatesChartsAndDrawsTextAndPlaceholders() {
        let chart = Scene(size: Size(width: 592, height: 292), background: .white, items: [
            .text(TextRun(text: "chart title", anchor: Point(x: 10, y: 10), font: FontSpec(size: 14), color: .black)),
        ])
        let tiles = [
            DashboardTile(grid: GridRect(x: 0, y: 0, width: 12, height: 6), content: .chart(chart), path: "widgets[0]"),
            DashboardTile(grid: GridRect(x: 12, y: 0, width: 12, height: 6), content: .text(markdown: "# Hello\nworld", transparent: false), path: "widgets[1]"),
            DashboardTile(grid: GridRect(x: 0, y: 6, width: 24, height: 2), content: .placeholder(title: "Alarms", message: "alarm widget"), path: "widgets[2]"),
        ]
        let (scene, warnings) = DashboardLayout.compose(tiles, measurer: EstimatingMeasurer())
        #expect(scene.size == Size(width: 1200, height: 400))
        #expect(warnings.isEmpty)
        #expect(scene.group("widgets[0]") != nil && scene.group("widgets[1]") != nil && scene.group("widgets[2]") != nil)
        let moved = scene.flattenedItems.compactMap { item -> TextRun? in
            if case .text(let run) = item, run.text == "chart title" { return run } else { return nil }
        }
        #expect(moved.first?.anchor == Point(x: 14, y: 14))
        #expect(scene.texts.contains("Hello") && scene.texts.contains("world"))
        #expect(scene.texts.contains("Alarms") && scene.texts.contains("alarm widget"))
    }

    @Test func longTextIsCutWithAWarning() {
        let markdown = Array(repeating: "A line of text that is rather long and wraps.", count: 40).joined(separator: "\n")
        let tiles = [DashboardTile(grid: GridRect(x: 0, y: 0, width: 6, height: 3), content: .text(markdown: markdown, transparent: true), path: "widgets[0]")]
        let (scene, warnings) = DashboardLayout.compose(tiles, measurer: EstimatingMeasurer())
        #expect(warnings.map(\.warning.code) == ["labelTruncated"])
        #expect(warnings.first?.path == "widgets[0]")
        #expect(scene.texts.last?.hasSuffix("…") == true)
        // Every line stays inside the tile.
        let rect = DashboardLayout.tileRect(GridRect(x: 0, y: 0, width: 6, height: 3))
        for case .text(let run) in scene.flattenedItems { #expect(run.anchor.y + 17 <= rect.maxY) }
    }

    @Test func widgetsBelowTheLimitAreLeftOut() {
        let tiles = [
            DashboardTile(grid: GridRect(x: 0, y: 0, width: 6, height: 6), content: .placeholder(title: nil, message: "a"), path: "widgets[0]"),
            DashboardTile(grid: GridRect(x: 0, y: 400, width: 6, height: 6), content: .placeholder(title: nil, message: "b"), path: "widgets[1]"),
        ]
        let (scene, warnings) = DashboardLayout.compose(tiles, measurer: EstimatingMeasurer())
        #expect(scene.size.height == DashboardLayout.maxHeight)
        #expect(warnings.map(\.path) == ["widgets[1]"] && warnings.map(\.warning.code) == ["widgetNotRendered"])
    }
}
