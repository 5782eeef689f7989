import ChartCore

/// A dimension condition of a `ListMetrics` call: the metric must have a dimension `name`,
/// and, when `value` is set, with exactly that value.
public struct DimensionFilter: Sendable, Equatable, Hashable {
    public var name: String
    /// nil matches any value of the dimension.
    public var value: String?

    public init(name: String, value: String? = nil) { self.name = name; self.value = value }
}

/// What to list from a source's metric catalogue: CloudWatch's `ListMetrics` filters.
///
/// Every set field must match (AND). SEARCH (recently active: 14 days) and Metrics Insights
/// (3 hours) use `activeSince`; `ListMetrics` with `RecentlyActive=PT3H` does too.
public struct MetricListQuery: Sendable, Equatable {
    /// Exact namespace, when set.
    public var namespace: String?
    /// Exact metric name, when set.
    public var metricName: String?
    /// Dimensions the metric must have (it may have more).
    public var dimensions: [DimensionFilter]
    /// Only metrics with at least one datapoint whose timestamp is at or after this instant.
    public var activeSince: EpochSeconds?

    public init(
        namespace: String? = nil, metricName: String? = nil, dimensions: [DimensionFilter] = [],
        activeSince: EpochSeconds? = nil
    ) {
        self.namespace = namespace; self.metricName = metricName
        self.dimensions = dimensions; self.activeSince = activeSince
    }

    /// Whether `metric` passes the namespace, name and dimension filters (not `activeSince`,
    /// which needs the data).
    public func matchesIdentity(_ metric: MetricIdentity) -> Bool {
        if let ns = namespace, metric.namespace != ns { return false }
        if let n = metricName, metric.name != n { return false }
        for f in dimensions {
            guard let v = metric.dimensionValue(f.name) else { return false }
            if let want = f.value, want != v { return false }
        }
        return true
    }
}

extension MetricIdentity {
    /// The catalogue order: namespace, then name, then the sorted dimension list, by code point.
    /// Sources return `listMetrics` results in this order so every consumer is deterministic.
    public static func catalogueOrder(_ a: MetricIdentity, _ b: MetricIdentity) -> Bool {
        if a.namespace != b.namespace { return a.namespace.unicodeScalars.lexicographicallyPrecedes(b.namespace.unicodeScalars) }
        if a.name != b.name { return a.name.unicodeScalars.lexicographicallyPrecedes(b.name.unicodeScalars) }
        let ka = a.dimensions.map { [$0.name, $0.value] }.joined(), kb = b.dimensions.map { [$0.name, $0.value] }.joined()
        return ka.lexicographicallyPrecedes(kb) { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
    }
}
