import ChartCore

/// One metric found by a SEARCH, with the series label it gets.
public struct SearchResult: Sendable, Equatable {
    public var metric: MetricIdentity
    /// The series label (metric-widget.md §3.7); the caller prefixes the expression label.
    public var label: String

    public init(metric: MetricIdentity, label: String) { self.metric = metric; self.label = label }
}

/// The outcome of running a SEARCH over a catalogue.
public struct SearchResults: Sendable, Equatable {
    /// Matches ordered by label (code point), at most the requested limit.
    public var results: [SearchResult]
    /// How many distinct catalogue metrics matched before the cap.
    public var matchedCount: Int
    /// The cap that was applied.
    public var limit: Int

    public init(results: [SearchResult], matchedCount: Int, limit: Int) {
        self.results = results; self.matchedCount = matchedCount; self.limit = limit
    }

    /// True when matches were dropped to respect the series cap; the caller marks the row
    /// `PartialData` and says so in its message.
    public var isTruncated: Bool { matchedCount > results.count }
}

extension SearchQuery {
    /// Filters `catalogue` with `matches(_:)`, labels each match, orders the matches by label
    /// (ascending by Unicode code point; equal labels by namespace, metric name, dimensions) and
    /// keeps the first `limit` (at most `SearchQuery.maxResults`, 500).
    ///
    /// Duplicate catalogue entries count once. Labels (metric-widget.md §3.7, our decisions
    /// where it is silent):
    /// - with a schema: the metric's values of the schema dimensions, in schema order, joined by
    ///   single spaces;
    /// - without a schema: the metric's dimension values ordered by dimension name (code point),
    ///   joined by single spaces (there is no schema order to follow);
    /// - when the matches span more than one metric name, ` <MetricName>` is appended;
    /// - a metric with no dimension values (e.g. a schema of only a namespace) is labelled with
    ///   its metric name alone.
    ///
    /// The 14-day "recently active" rule is the caller's: pass a catalogue already limited to
    /// metrics with data in the last 14 days.
    public func results(from catalogue: [MetricIdentity], limit: Int = SearchQuery.maxResults) -> SearchResults {
        let cap = max(0, min(limit, SearchQuery.maxResults))
        var cache = SearchTokenCache()
        var seen = Set<MetricIdentity>()
        var matched: [MetricIdentity] = []
        for metric in catalogue where matches(metric, cache: &cache) {
            if seen.insert(metric).inserted { matched.append(metric) }
        }
        let several = Set(matched.map(\.name)).count > 1
        var labelled = matched.map { SearchResult(metric: $0, label: label(for: $0, includeMetricName: several)) }
        labelled.sort { a, b in
            if a.label != b.label { return a.label.unicodeScalars.lexicographicallyPrecedes(b.label.unicodeScalars) }
            return SearchQuery.identityPrecedes(a.metric, b.metric)
        }
        return SearchResults(results: Array(labelled.prefix(cap)), matchedCount: matched.count, limit: cap)
    }

    /// The label `results(from:)` gives `metric` (see there); `includeMetricName` is true when
    /// the result set spans several metric names.
    public func label(for metric: MetricIdentity, includeMetricName: Bool) -> String {
        let values: [String]
        if let schema {
            values = schema.dimensionNames.compactMap { metric.dimensionValue($0) }
        } else {
            values = metric.dimensions
                .sorted { $0.name.unicodeScalars.lexicographicallyPrecedes($1.name.unicodeScalars) }
                .map(\.value)
        }
        if values.isEmpty { return metric.name }
        let joined = values.joined(separator: " ")
        return includeMetricName ? joined + " " + metric.name : joined
    }

    /// Namespace, then name, then dimensions (name, value), by code point: the catalogue order.
    static func identityPrecedes(_ a: MetricIdentity, _ b: MetricIdentity) -> Bool {
        func less(_ x: String, _ y: String) -> Bool { x.unicodeScalars.lexicographicallyPrecedes(y.unicodeScalars) }
        if a.namespace != b.namespace { return less(a.namespace, b.namespace) }
        if a.name != b.name { return less(a.name, b.name) }
        let ka = a.dimensions.flatMap { [$0.name, $0.value] }, kb = b.dimensions.flatMap { [$0.name, $0.value] }
        return ka.lexicographicallyPrecedes(kb, by: less)
    }
}
