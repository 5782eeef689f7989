import ChartCore

// MARK: - Overview
//
// SEARCH query strings (metric-math.md §10): the first argument of
// `SEARCH('{Namespace, Dim1, "Dim 2"} term …', 'Stat', period)`.
//
// The metric-math parser extracts that argument and hands its text to `SearchQuery.parse`:
// outer single quotes removed and `\'` resolved to `'`, but every other backslash sequence
// left as written — `\"`, `\\`, `\(` and `\)` are SEARCH's own escapes inside double-quoted
// exact terms (`"Europe\\France Traffic\(Network\)"` finds `Europe\France Traffic(Network)`),
// so resolving them earlier would change what the user searched for. The result can:
//
// - test one metric: `query.matches(metric)`;
// - tell the caller what to ask the catalogue for: `query.prefilter` (namespace, metric name
//   and dimension names the query pins — map it onto `MetricListQuery`, adding the 14-day
//   `activeSince` window, which only the caller knows);
// - turn a catalogue into labelled, ordered, capped results: `query.results(from:limit:)` →
//   `SearchResults` (`isTruncated` tells the caller to mark the row `PartialData`).
//
// The module is pure: nothing here fetches data or reads the clock.
//
// Query grammar (our own EBNF; AWS publishes none):
//
//     query      := ws schema? ws ","? ws expr? ws           (schema or expr required)
//     schema     := "{" name ("," name)* "}"
//     name       := quoted | bare                           (bare: no space , { } ")
//     expr       := and ("OR" and)*
//     and        := unary (("AND")? unary)*                 (adjacent terms are ANDed)
//     unary      := "NOT" unary | primary
//     primary    := "(" expr ")" | designator | term
//     designator := (word | quoted) "=" (word | quoted)     (MetricName=, Namespace=, Dim=,
//                                                            :aws.AccountId=)
//     term       := word | quoted                           (word: partial; quoted: exact)
//
// Positions in errors are 0-based offsets in Unicode scalars of the query text (equal to
// character offsets for ASCII text).

/// A parsed SEARCH query string: an optional schema and an optional boolean search term.
///
/// Build one with `SearchQuery.parse(_:)`; then use `matches(_:)`, `prefilter` and
/// `results(from:limit:)`.
public struct SearchQuery: Sendable, Equatable {
    /// The query text as given to `parse`.
    public let text: String
    /// `{Namespace, Dim…}`, when present: restricts results to metrics of that namespace whose
    /// dimension-name set is exactly the listed set.
    public let schema: SearchSchema?
    /// The boolean search term after the schema, when present.
    public let term: SearchTerm?

    /// Longest accepted query, in Unicode scalars (metric-math.md §14).
    public static let maxLength = 1024
    /// Deepest accepted nesting of parentheses and `NOT`s (our own limit; AWS documents none).
    public static let maxNestingDepth = 32
    /// Most series one SEARCH may return (metric-math.md §10).
    public static let maxResults = 500

    public init(text: String, schema: SearchSchema?, term: SearchTerm?) {
        self.text = text; self.schema = schema; self.term = term
    }

    /// Parses a SEARCH query string (the text between the quotes of SEARCH's first argument).
    public static func parse(_ text: String) throws(SearchQueryError) -> SearchQuery {
        try SearchQueryParser.parse(text)
    }
}

/// The `{Namespace, DimName, …}` part of a SEARCH query.
public struct SearchSchema: Sendable, Equatable {
    public var namespace: String
    /// Dimension names in the order written (this order drives result labels).
    public var dimensionNames: [String]

    public init(namespace: String, dimensionNames: [String]) {
        self.namespace = namespace; self.dimensionNames = dimensionNames
    }

    /// Whether `metric` is in the namespace and has exactly the listed dimension names.
    public func admits(_ metric: MetricIdentity) -> Bool {
        guard metric.namespace == namespace, metric.dimensions.count == dimensionNames.count else { return false }
        // Dimension names of a metric are unique and the schema rejects duplicates, so equal
        // counts plus "every schema name present" means equal sets.
        return dimensionNames.allSatisfy { name in metric.dimensions.contains { $0.name == name } }
    }
}

/// The boolean search term of a SEARCH query.
public indirect enum SearchTerm: Sendable, Equatable, CustomStringConvertible {
    /// One partial or exact match, optionally restricted to a property.
    case match(SearchMatch)
    /// `:aws.AccountId = '…'`. Graphshot serves one account, so every account filter
    /// (`LOCAL` or any id) matches every metric.
    case accountFilter(String)
    case not(SearchTerm)
    /// Two or more terms that must all match (explicit `AND` or adjacency).
    case and([SearchTerm])
    /// Two or more terms of which one must match.
    case or([SearchTerm])

    /// A compact prefix form for tests and debugging, e.g. `(and (any ~cpu) (not (MetricName ="X")))`.
    public var description: String {
        switch self {
        case .match(let m): return m.description
        case .accountFilter(let id): return "(account \(id))"
        case .not(let t): return "(not \(t))"
        case .and(let ts): return "(and " + ts.map(\.description).joined(separator: " ") + ")"
        case .or(let ts): return "(or " + ts.map(\.description).joined(separator: " ") + ")"
        }
    }
}

/// One search term: partial (`cpu`, `network-errors`) or exact (`"CPUUtilization"`), against
/// any property or a designated one (`MetricName=…`, `Namespace=…`, `<DimensionName>=…`).
public struct SearchMatch: Sendable, Equatable, CustomStringConvertible {
    /// Which strings of a metric the term is compared with.
    public enum Property: Sendable, Equatable, Hashable {
        /// Metric name, namespace, every dimension name and every dimension value.
        case any
        case metricName
        case namespace
        /// The value of this dimension (case-sensitive name); a metric without it never matches.
        case dimension(String)
    }

    public let property: Property
    /// The term as written (escapes resolved, quotes removed).
    public let text: String
    /// True for a double-quoted term: equality with a whole string, case-sensitive.
    public let isExact: Bool
    /// The compiled partial pattern (nil for exact terms).
    let pattern: SearchPartialPattern?

    /// Creates a term; a partial term must contain at least one letter or digit
    /// (`SearchQuery.parse` reports that as an error; this initializer returns nil).
    public init?(property: Property, text: String, isExact: Bool) {
        self.property = property; self.text = text; self.isExact = isExact
        if isExact {
            pattern = nil
        } else {
            guard let p = SearchPartialPattern(text) else { return nil }
            pattern = p
        }
    }

    /// Whether the term matches one indexed string.
    public func matches(string: String) -> Bool {
        if let pattern { return pattern.matches(SearchTokenization(string)) }
        return string == text
    }

    func matches(string: String, cache: inout SearchTokenCache) -> Bool {
        if let pattern { return pattern.matches(cache.tokenization(of: string)) }
        return string == text
    }

    /// Whether the term matches `metric` (on the designated property, or on any).
    func matches(_ metric: MetricIdentity, cache: inout SearchTokenCache) -> Bool {
        switch property {
        case .metricName: return matches(string: metric.name, cache: &cache)
        case .namespace: return matches(string: metric.namespace, cache: &cache)
        case .dimension(let name):
            guard let value = metric.dimensionValue(name) else { return false }
            return matches(string: value, cache: &cache)
        case .any:
            if matches(string: metric.name, cache: &cache) || matches(string: metric.namespace, cache: &cache) { return true }
            return metric.dimensions.contains {
                matches(string: $0.name, cache: &cache) || matches(string: $0.value, cache: &cache)
            }
        }
    }

    public var description: String {
        let prop: String
        switch property {
        case .any: prop = "any"
        case .metricName: prop = "MetricName"
        case .namespace: prop = "Namespace"
        case .dimension(let n): prop = "Dim:" + n
        }
        return "(\(prop) \(isExact ? "=" : "~")\(text))"
    }
}

/// What a SEARCH query pins, so the caller can narrow its catalogue look-up before
/// `results(from:)` (map onto `MetricListQuery`; every field is optional).
///
/// The prefilter is always a superset condition: every metric the query matches passes it.
public struct SearchPrefilter: Sendable, Equatable {
    /// The schema's namespace, or an exact `Namespace="…"` that the whole term requires.
    public var namespace: String?
    /// An exact `MetricName="…"` that the whole term requires.
    public var metricName: String?
    /// Dimensions every result has: the schema's names (any value), plus designated
    /// dimensions the whole term requires (`value` set only for exact matches).
    public var dimensions: [SearchDimensionFilter]

    public init(namespace: String? = nil, metricName: String? = nil, dimensions: [SearchDimensionFilter] = []) {
        self.namespace = namespace; self.metricName = metricName; self.dimensions = dimensions
    }
}

/// A dimension the metric must have, with exactly `value` when it is set.
public struct SearchDimensionFilter: Sendable, Equatable, Hashable {
    public var name: String
    public var value: String?
    public init(name: String, value: String? = nil) { self.name = name; self.value = value }
}

/// Why a SEARCH query string was rejected, and where.
public struct SearchQueryError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        case tooLong, empty, unterminatedString, unterminatedSchema, emptySchema, invalidSchema
        case duplicateSchemaDimension, misplacedSchema, unbalancedParenthesis, emptyGroup
        case missingOperand, missingValue, missingPropertyName, emptyTerm, unsupportedProperty
        case nestingTooDeep, unexpectedToken
    }

    public var code: Code
    /// 0-based offset in Unicode scalars of the query text.
    public var position: Int
    /// A sentence naming the problem.
    public var message: String

    public init(_ code: Code, at position: Int, _ message: String) {
        self.code = code; self.position = position; self.message = message
    }

    public var description: String { "Invalid SEARCH query at position \(position): \(message)" }
}

extension SearchQuery {
    /// Whether `metric` satisfies the schema (exact dimension-name set in the namespace) and
    /// the search term.
    public func matches(_ metric: MetricIdentity) -> Bool {
        var cache = SearchTokenCache()
        return matches(metric, cache: &cache)
    }

    func matches(_ metric: MetricIdentity, cache: inout SearchTokenCache) -> Bool {
        if let schema, !schema.admits(metric) { return false }
        guard let term else { return true }
        return SearchQuery.evaluate(term, metric, &cache)
    }

    private static func evaluate(_ term: SearchTerm, _ metric: MetricIdentity, _ cache: inout SearchTokenCache) -> Bool {
        switch term {
        case .match(let m): return m.matches(metric, cache: &cache)
        case .accountFilter: return true
        case .not(let t): return !evaluate(t, metric, &cache)
        case .and(let ts):
            for t in ts where !evaluate(t, metric, &cache) { return false }
            return true
        case .or(let ts):
            for t in ts where evaluate(t, metric, &cache) { return true }
            return false
        }
    }

    /// What the query pins (see `SearchPrefilter`).
    public var prefilter: SearchPrefilter {
        var result = SearchPrefilter()
        var seen = Set<SearchDimensionFilter>()
        func addDimension(_ f: SearchDimensionFilter) {
            if seen.insert(f).inserted { result.dimensions.append(f) }
        }
        if let schema {
            result.namespace = schema.namespace
            schema.dimensionNames.forEach { addDimension(SearchDimensionFilter(name: $0)) }
        }
        // Only conjuncts at the top level are required of every result.
        var conjuncts: [SearchTerm] = []
        switch term {
        case .and(let ts)?: conjuncts = ts
        case let t?: conjuncts = [t]
        case nil: break
        }
        for case .match(let m) in conjuncts {
            switch m.property {
            case .namespace where m.isExact && result.namespace == nil: result.namespace = m.text
            case .metricName where m.isExact && result.metricName == nil: result.metricName = m.text
            case .dimension(let name): addDimension(SearchDimensionFilter(name: name, value: m.isExact ? m.text : nil))
            default: break
            }
        }
        return result
    }
}
