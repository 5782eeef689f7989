import Foundation
import ChartCore
import ChartScene
import WidgetSpec
@testable import ChartLayout

/// 2024-03-01T09:00:00Z.
let t0: EpochSeconds = 1_709_283_600

/// A widget with `n` metric rows on a 3-hour range, built without the JSON parser.
func makeWidget(rows n: Int, configure: (inout MetricWidget) -> Void = { _ in }) -> MetricWidget {
    let rows = (0..<n).map { i in
        WidgetRow.metric(MetricRowSpec(
            rowIndex: i, id: "m\(i + 1)", idIsImplicit: true,
            metric: MetricIdentity(namespace: "Test", name: "Metric\(i + 1)"), dimensionsInRowOrder: [],
            stat: .average, period: 300))
    }
    var widget = MetricWidget(rows: rows)
    configure(&widget)
    return widget
}

/// A series on a 5-minute grid over three hours with a gentle wave, offset per row.
func makeSeries(_ index: Int, count: Int = 36, period: Int = 300, configure: (inout ChartSeries) -> Void = { _ in }) -> ChartSeries {
    let timestamps = (0..<count).map { t0 + EpochSeconds($0 * period) }
    let values: [Double] = (0..<count).map { i in 50.0 + 10.0 * Double(index) + 20.0 * sin(Double(i) / 5.0) }
    var series = ChartSeries(
        rowIndex: index, id: "m\(index + 1)", label: "Metric\(index + 1)", paletteSlot: index + 1,
        period: period, timestamps: timestamps, values: values)
    configure(&series)
    return series
}

func layout(_ widget: MetricWidget, _ series: [ChartSeries], end: EpochSeconds = t0 + 3 * 3600) -> LayoutResult {
    ChartLayout.layout(LayoutInput(widget: widget, series: series, start: t0, end: end), measurer: EstimatingMeasurer())
}

extension Scene {
    /// Stroke colours of the polylines in the plot, in paint order.
    var lineColors: [RGBA] {
        (group("plot") ?? []).compactMap { if case .polyline(_, let s) = $0 { return s.color } else { return nil } }
    }

    var polylines: [[Point?]] {
        (group("plot") ?? []).compactMap { if case .polyline(let p, _) = $0 { return p } else { return nil } }
    }

    var icons: [(Icon, Point)] {
        flattenedItems.compactMap { if case .icon(let i, let c, _) = $0 { return (i, c) } else { return nil } }
    }
}
