import ChartCore
import MetricMath
import WidgetSpec

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

    /// The `__FIRST` value of every variable that defaults to it and is not in `chosen`
    /// (api.md §8.4 step 2), added to `chosen`. Variables whose search finds nothing are
    /// returned in `unresolved` (the widgets keep what they have written). A search that does
    /// not parse throws `.invalidExpression` with the variable's path (`variables[0].search`)
    /// as its row id.
    public static func resolveFirstValues(
        _ variables: [DashboardVariable], chosen: [String: String], source: some MetricDataSource, now: EpochSeconds
    ) throws(MathQueryError) -> (values: [String: String], unresolved: [DashboardVariable]) {
        var values = chosen
        var unresolved: [DashboardVariable] = []
        for variable in variables where values[variable.id] == nil && variable.defaultsToFirstSearchResult {
            guard let search = variable.search, let dimension = variable.populateFrom else { continue }
            let found: [String]
            do {
                found = try Self.values(search: search, populateFrom: dimension, source: source, now: now)
            } catch {
                if case .invalidExpression(_, let message) = error {
                    throw .invalidExpression(rowId: variable.path + ".search", message: message)
                }
                throw error
            }
            if let first = found.first { values[variable.id] = first } else { unresolved.append(variable) }
        }
        return (values, unresolved)
    }
}
