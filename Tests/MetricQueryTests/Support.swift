import ChartCore
import MetricQuery
import WidgetSpec

/// Epoch seconds of an ISO 8601 literal (test inputs are known good).
func at(_ iso: String) -> EpochSeconds {
    guard let t = ISO8601.parse(iso) else { preconditionFailure("bad test timestamp \(iso)") }
    return t
}

/// A statistic from its text form (test inputs are known good).
func stat(_ text: String) -> Statistic {
    do { return try Statistic(parsing: text) } catch { preconditionFailure("bad test statistic \(text)") }
}

/// The statistic `text` over `values` (weighted by `counts` when given).
func compute(_ text: String, _ values: [Double], counts: [Double]? = nil) -> Double? {
    var acc = BucketAccumulator()
    for (i, v) in values.enumerated() { acc.add(value: v, count: counts?[i] ?? 1) }
    return acc.value(of: stat(text))
}

/// Equal within 1e-9 (relative), or both nil.
func close(_ a: Double?, _ b: Double?) -> Bool {
    switch (a, b) {
    case (nil, nil): return true
    case let (x?, y?): return (x - y).magnitude <= 1e-9 * max(1, x.magnitude, y.magnitude)
    default: return false
    }
}


let latency = MetricIdentity(namespace: "Shop/Api", name: "Latency", dimensions: [
    Dimension(name: "Route", value: "/pay"), Dimension(name: "Stage", value: "prod"),
])

/// A metric row with the usual defaults.
func metricRow(
    _ index: Int, id: String? = nil, namespace: String = "Shop/Api", name: String = "Latency",
    dims: [(String, String)] = [("Route", "/pay"), ("Stage", "prod")], label: String? = nil,
    visible: Bool = true, stat statText: String = "Average", period: Int = 300, color: RGBA? = nil
) -> WidgetRow {
    let dimensions = dims.map { Dimension(name: $0.0, value: $0.1) }
    return .metric(MetricRowSpec(
        rowIndex: index, id: id ?? "m\(index + 1)", idIsImplicit: id == nil,
        metric: MetricIdentity(namespace: namespace, name: name, dimensions: dimensions),
        dimensionsInRowOrder: dimensions, label: label, color: color, visible: visible,
        stat: stat(statText), period: period
    ))
}

/// An expression row.
func expressionRow(_ index: Int, id: String, _ expression: String = "m1 * 2") -> WidgetRow {
    .expression(ExpressionRowSpec(rowIndex: index, id: id, idIsImplicit: false, expression: expression))
}
