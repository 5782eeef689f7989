import ChartCore
import WidgetSpec

/// Second looks at what `queryWidget` reported, using the source's metric catalogue.
public enum MetricDiagnostics {
    /// Replaces the `noData` warning of a metric row whose metric the source's catalogue does
    /// not list at all by an `unknownMetric` warning, so a typo in a namespace, name or
    /// dimension reads differently from a quiet metric.
    ///
    /// Sources without a catalogue (recorded GetMetricData output answers `listMetrics` with
    /// nothing) cannot tell the two apart; their `noData` warnings stay as they are. The
    /// catalogue is only consulted for rows that already have a `noData` warning.
    public static func refiningNoData(
        _ warnings: [RenderWarning], widget: MetricWidget, source: some MetricDataSource
    ) -> [RenderWarning] {
        guard warnings.contains(where: { $0.code == "noData" }) else { return warnings }
        var catalogueIsEmpty: Bool?
        func sourceHasCatalogue() -> Bool {
            if let empty = catalogueIsEmpty { return !empty }
            let any = (try? source.listMetrics(MetricListQuery())) ?? []
            catalogueIsEmpty = any.isEmpty
            return !any.isEmpty
        }
        let rows = Dictionary(widget.metricRows.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return warnings.map { warning in
            guard warning.code == "noData", let id = warning.id, let row = rows[id] else { return warning }
            let metric = row.metric
            let query = MetricListQuery(
                namespace: metric.namespace, metricName: metric.name,
                dimensions: metric.dimensions.map { DimensionFilter(name: $0.name, value: $0.value) })
            guard let matches = try? source.listMetrics(query) else { return warning }
            if matches.contains(metric) || !sourceHasCatalogue() { return warning }
            return RenderWarning(
                code: "unknownMetric",
                message: "\(id): the data source has no metric \(describeMetric(row)); check the namespace, name and dimensions",
                id: id)
        }
    }

    /// `Shop/Api Latency {Route=/pay, Stage=prod}`.
    static func describeMetric(_ row: MetricRowSpec) -> String {
        let base = "\(row.metric.namespace) \(row.metric.name)"
        guard !row.dimensionsInRowOrder.isEmpty else { return base }
        return base + " {" + row.dimensionsInRowOrder.map { "\($0.name)=\($0.value)" }.joined(separator: ", ") + "}"
    }
}
