import ChartCore
import MetricMath

/// The choices a dashboard variable's `search` offers (api.md §8.3): the values of the
/// dimension `populateFrom` among the catalogue's metrics that match the search, sorted
/// alphabetically and without repeats. `__FIRST` is the first of them.
///
/// The catalogue is read the way SEARCH reads it: metrics with data in the two weeks before
/// `now` (`MathQuery.searchLookback`).
public enum VariableSearch {
    /// At most this many values are returned (a variable offers at most 500 choices).
    public static let maxValues = 500

    public static func values(
        search: String, populateFrom dimension: String, source: some MetricDataSource, now: EpochSeconds
    ) throws(MathQueryError) -> [String] {
        let query: SearchQuery
        do { query = try SearchQuery.parse(search) } catch {
            throw .invalidExpression(rowId: "", message: error.description)
        }
        let hint = query.prefilter
        var filters = hint.dimensions.map { DimensionFilter(name: $0.name, value: $0.value) }
        if !filters.contains(where: { $0.name == dimension }) { filters.append(DimensionFilter(name: dimension, value: nil)) }
        let catalogue = try MathQuery.list(source, MetricListQuery(
            namespace: hint.namespace, metricName: hint.metricName, dimensions: filters,
            activeSince: now - MathQuery.searchLookback))
        var values: Set<String> = []
        for metric in catalogue where query.matches(metric) {
            if let value = metric.dimensions.first(where: { $0.name == dimension })?.value { values.insert(value) }
        }
        return Array(values.sorted().prefix(maxValues))
    }
}
