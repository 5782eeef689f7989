import ChartCore

// MARK: - Overview
//
// Metrics Insights queries (metric-math.md §11): an `expression` whose first word is `SELECT`.
//
//     SELECT AVG|COUNT|MAX|MIN|SUM(metricName)
//     FROM namespace | SCHEMA(namespace [, dimName …])
//     [WHERE dim = 'v' | dim != 'v' [AND …]]
//     [GROUP BY dim [, dim …]]
//     [ORDER BY AVG|COUNT|MAX|MIN|SUM() [ASC | DESC]]
//     [LIMIT n]                                        (1 ≤ n ≤ 500)
//
// Keywords are case-insensitive; names are case-sensitive. Names made of anything but letters,
// digits and `_`, and names equal to a keyword of this grammar, are written in double quotes;
// label values always in single quotes; a backslash escapes the next character inside quotes.
//
// How the integration uses it (everything here is pure):
//
// 1. `InsightsQuery.isQuery(expression)` decides whether a row is a query at all.
// 2. `InsightsQuery.parse(expression)` → the query, or an `InsightsQueryError` with a position.
// 3. `query.prefilter` → what to ask the catalogue for (map onto `MetricListQuery`, with
//    `activeSince = now − 3 h`, which only the caller applies).
// 4. `query.matchingMetrics(in: catalogue)` → the metrics to fetch (≤ 10 000, `isCapped`
//    says when more matched; the caller marks the row `PartialData`).
// 5. The caller fetches, for every matched metric, the raw per-bucket aggregates (sum, sample
//    count, minimum, maximum) on one shared bucket grid of the row's period, and calls
//    `query.aggregate(timestamps:metrics:now:)` → one series, or one per group, labelled,
//    ordered and limited (`InsightsResult`).
//
// Positions in errors are 0-based offsets in Unicode scalars of the query text.

/// A parsed Metrics Insights query.
public struct InsightsQuery: Sendable, Equatable {
    /// The aggregation functions of SELECT and ORDER BY.
    public enum Function: String, Sendable, Equatable, CaseIterable {
        case avg = "AVG", count = "COUNT", max = "MAX", min = "MIN", sum = "SUM"
    }

    /// What FROM names.
    public enum Source: Sendable, Equatable {
        /// `FROM ns`: every metric of that name in the namespace, whatever its dimensions.
        case namespace(String)
        /// `FROM SCHEMA(ns, A, B)`: only metrics whose dimension-name set is exactly {A, B}
        /// (`SCHEMA(ns)`: only dimension-less metrics).
        case schema(namespace: String, dimensionNames: [String])
    }

    /// One WHERE condition.
    public struct Condition: Sendable, Equatable {
        public enum Operator: String, Sendable, Equatable { case equal = "=", notEqual = "!=" }
        public var dimension: String
        public var op: Operator
        public var value: String
        public init(dimension: String, op: Operator, value: String) {
            self.dimension = dimension; self.op = op; self.value = value
        }
    }

    /// ORDER BY FUNC() [ASC|DESC].
    public struct Ordering: Sendable, Equatable {
        public var function: Function
        public var descending: Bool
        public init(function: Function, descending: Bool) { self.function = function; self.descending = descending }
    }

    /// The query text as given to `parse`.
    public let text: String
    public var function: Function
    public var metricName: String
    public var source: Source
    /// WHERE conditions, all of which must hold.
    public var conditions: [Condition]
    /// GROUP BY dimension names in the order written (empty: one ungrouped series).
    public var groupBy: [String]
    public var orderBy: Ordering?
    public var limit: Int?

    /// Longest accepted query: the expression limit (metric-math.md §14).
    public static let maxLength = 2048
    /// Largest LIMIT, and most series returned in any case.
    public static let maxSeries = 500
    /// Most metrics one query aggregates.
    public static let maxMetricsScanned = 10_000
    /// Only buckets starting at or after `now − lookback` have data.
    public static let lookbackSeconds: EpochSeconds = 3 * 3600

    public init(
        text: String, function: Function, metricName: String, source: Source, conditions: [Condition] = [],
        groupBy: [String] = [], orderBy: Ordering? = nil, limit: Int? = nil
    ) {
        self.text = text; self.function = function; self.metricName = metricName; self.source = source
        self.conditions = conditions; self.groupBy = groupBy; self.orderBy = orderBy; self.limit = limit
    }

    /// The namespace of FROM.
    public var namespace: String {
        switch source {
        case .namespace(let ns), .schema(let ns, _): return ns
        }
    }

    /// Parses a Metrics Insights query.
    public static func parse(_ text: String) throws(InsightsQueryError) -> InsightsQuery {
        try InsightsQueryParser.parse(text)
    }

    /// Whether `expression` is a Metrics Insights query: its first word (after whitespace) is
    /// `SELECT` in any letter case (metric-math.md §11). Everything else is math or SEARCH.
    public static func isQuery(_ expression: String) -> Bool {
        var word = String.UnicodeScalarView()
        for c in expression.unicodeScalars {
            if c.properties.isWhitespace {
                if word.isEmpty { continue }
                break
            }
            guard InsightsQueryParser.isNameCharacter(c) else { break }
            word.append(c)
            if word.count > 6 { return false }
        }
        return String(word).uppercased() == "SELECT"
    }
}

/// Why a Metrics Insights query was rejected, and where.
public struct InsightsQueryError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        case tooLong, expectedKeyword, expectedFunction, expectedName, reservedWord, expectedValue
        case expectedSymbol, unterminatedString, unexpectedCharacter, unexpectedToken
        case invalidLimit, duplicateDimension, unsupportedOperator
    }

    public var code: Code
    /// 0-based offset in Unicode scalars of the query text.
    public var position: Int
    public var message: String

    public init(_ code: Code, at position: Int, _ message: String) {
        self.code = code; self.position = position; self.message = message
    }

    public var description: String { "Invalid Metrics Insights query at position \(position): \(message)" }
}
