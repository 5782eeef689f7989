import ChartCore
import MetricQuery

// Datadog's graph snapshot API (api.md §9) translated onto Graphshot's own path:
// `metric_query` / `graph_def` → series computed from the store → a MetricWidget whose rows
// replay those series → the same renderer as GetMetricWidgetImage.
//
// Metric mapping (Graphshot's choice; Datadog has no namespaces): a Datadog metric name is a
// CloudWatch `MetricName` in any namespace; a tag `key:value` is a dimension `key=value`
// (the key matched without regard to case); a bare tag `key` needs the dimension to exist.

/// A 400 error of the Datadog API (`{"errors": ["…"]}`).
public struct DatadogError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var status: Int

    public init(_ message: String, status: Int = 400) { self.message = message; self.status = status }

    public var description: String { message }

    /// `{"errors": [message]}`.
    public var body: [UInt8] { WireJSON.encode(.structure([WireMember("errors", .list([.string(message)]))])) }
}

/// How a Datadog query aggregates: over time within a bucket, then across the matched series.
public enum DatadogAggregator: String, Sendable, Equatable, CaseIterable {
    case avg, sum, min, max

    /// The CloudWatch statistic used for the time aggregation.
    public var statistic: String {
        switch self {
        case .avg: "Average"
        case .sum: "Sum"
        case .min: "Minimum"
        case .max: "Maximum"
        }
    }

    func combine(_ values: [Double]) -> Double {
        switch self {
        case .avg: values.reduce(0, +) / Double(values.count)
        case .sum: values.reduce(0, +)
        case .min: values.min() ?? .nan
        case .max: values.max() ?? .nan
        }
    }
}

/// One tag condition of a query scope.
public struct DatadogTagFilter: Sendable, Equatable {
    public var key: String
    /// nil: the tag must exist with any value.
    public var value: String?
    /// `!key:value`: exclude matches.
    public var negated: Bool

    public init(key: String, value: String? = nil, negated: Bool = false) { self.key = key; self.value = value; self.negated = negated }

    func matches(_ m: MetricIdentity) -> Bool {
        let found = m.dimensions.first { $0.name.lowercased() == key.lowercased() }
        let hit = found != nil && (value == nil || found?.value == value)
        return negated ? !hit : hit
    }
}

/// `avg:system.load.1{host:a,env:prod} by {host}`.
public struct DatadogMetricQuery: Sendable, Equatable {
    public var aggregator: DatadogAggregator
    public var metric: String
    /// Empty for `{*}`.
    public var filters: [DatadogTagFilter]
    public var groupBy: [String]

    public init(aggregator: DatadogAggregator, metric: String, filters: [DatadogTagFilter] = [], groupBy: [String] = []) {
        self.aggregator = aggregator; self.metric = metric; self.filters = filters; self.groupBy = groupBy
    }
}

/// A query formula: queries and numbers combined with `+ - * /` and parentheses.
public indirect enum DatadogExpression: Sendable, Equatable {
    case query(DatadogMetricQuery)
    case number(Double)
    case negate(DatadogExpression)
    case binary(Character, DatadogExpression, DatadogExpression)
}

/// Parses Datadog metric queries: the `metric_query` subset
/// `avg|sum|min|max:metric.name{tag:value,…} by {tag,…}`, formulas over them, and several
/// comma-separated formulas (one line per formula).
public struct DatadogQueryParser {
    let chars: [Character]
    var i = 0
    let text: String
    var depth = 0
    /// The deepest nesting of parentheses and unary minus signs accepted.
    public static let maxDepth = 64

    public static func parse(_ text: String) throws(DatadogError) -> [DatadogExpression] {
        var p = DatadogQueryParser(text: text)
        var out = [try p.formula()]
        while p.skipSpaces(), p.peek == "," {
            p.i += 1
            out.append(try p.formula())
        }
        p.skipSpaces()
        guard p.i == p.chars.count else { throw p.error("unexpected \"\(p.chars[p.i])\"") }
        return out
    }

    init(text: String) { self.text = text; chars = Array(text) }

    var peek: Character? { i < chars.count ? chars[i] : nil }

    @discardableResult
    mutating func skipSpaces() -> Bool {
        while let c = peek, c == " " || c == "\t" || c == "\n" { i += 1 }
        return true
    }

    func error(_ what: String) -> DatadogError {
        DatadogError("Error parsing query: \(what) at position \(i + 1) of \"\(text)\"")
    }

    mutating func formula() throws(DatadogError) -> DatadogExpression {
        var lhs = try term()
        while skipSpaces(), let c = peek, c == "+" || c == "-" {
            i += 1
            lhs = .binary(c, lhs, try term())
        }
        return lhs
    }

    mutating func term() throws(DatadogError) -> DatadogExpression {
        var lhs = try factor()
        while skipSpaces(), let c = peek, c == "*" || c == "/" {
            i += 1
            lhs = .binary(c, lhs, try factor())
        }
        return lhs
    }

    mutating func factor() throws(DatadogError) -> DatadogExpression {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { throw error("nested deeper than \(Self.maxDepth) levels") }
        skipSpaces()
        guard let c = peek else { throw error("expected a query or a number") }
        if c == "(" {
            i += 1
            let inner = try formula()
            skipSpaces()
            guard peek == ")" else { throw error("expected \")\"") }
            i += 1
            return inner
        }
        if c == "-" {
            i += 1
            return .negate(try factor())
        }
        if c.isNumber || c == "." {
            let start = i
            while let d = peek, d.isNumber || d == "." || d == "e" || d == "E" { i += 1 }
            guard let v = Double(String(chars[start..<i])), v.isFinite else { throw error("bad number") }
            return .number(v)
        }
        return .query(try query())
    }

    static func isNameChar(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" || c == "." || c == "-" }

    mutating func name() -> String {
        let start = i
        while let c = peek, Self.isNameChar(c) { i += 1 }
        return String(chars[start..<i])
    }

    mutating func query() throws(DatadogError) -> DatadogMetricQuery {
        var aggregator = DatadogAggregator.avg
        var metric = name()
        if peek == ":" {
            guard let a = DatadogAggregator(rawValue: metric) else {
                throw error("unknown aggregator \"\(metric)\" (use avg, sum, min or max)")
            }
            aggregator = a
            i += 1
            metric = name()
        }
        guard !metric.isEmpty else { throw error("expected a metric name") }
        skipSpaces()
        guard peek == "{" else { throw error("expected \"{\" after the metric name \(metric)") }
        i += 1
        var filters: [DatadogTagFilter] = []
        skipSpaces()
        if peek == "*" {
            i += 1
        } else {
            while true {
                skipSpaces()
                var negated = false
                if peek == "!" { negated = true; i += 1 }
                let key = name()
                guard !key.isEmpty else { throw error("expected a tag") }
                var value: String?
                if peek == ":" {
                    i += 1
                    let start = i
                    while let c = peek, c != "," && c != "}" { i += 1 }
                    value = String(chars[start..<i]).trimmingSpaces
                }
                filters.append(DatadogTagFilter(key: key, value: value, negated: negated))
                skipSpaces()
                guard peek == "," else { break }
                i += 1
            }
        }
        skipSpaces()
        guard peek == "}" else { throw error("expected \"}\"") }
        i += 1
        var groupBy: [String] = []
        let save = i
        skipSpaces()
        if chars[i...].starts(with: "by") {
            i += 2
            skipSpaces()
            guard peek == "{" else { throw error("expected \"{\" after by") }
            i += 1
            while true {
                skipSpaces()
                let tag = name()
                guard !tag.isEmpty else { throw error("expected a tag to group by") }
                groupBy.append(tag)
                skipSpaces()
                guard peek == "," else { break }
                i += 1
            }
            guard peek == "}" else { throw error("expected \"}\"") }
            i += 1
        } else {
            i = save
        }
        if peek == "." { throw error("query functions such as .rollup() are not supported") }
        return DatadogMetricQuery(aggregator: aggregator, metric: metric, filters: filters, groupBy: groupBy)
    }
}

/// One computed series: a group of a formula.
public struct DatadogSeries: Sendable, Equatable {
    public var label: String
    /// Ascending bucket starts.
    public var timestamps: [EpochSeconds]
    public var values: [Double]
}

/// Evaluates parsed formulas against a metric source.
public struct DatadogEvaluator {
    public var source: any MetricDataSource
    public var start: EpochSeconds
    public var end: EpochSeconds
    public var period: Int
    public var now: EpochSeconds
    /// The most metrics one snapshot may read (CloudWatch's 100-metric widget limit applies too).
    public static let maxMetrics = 500

    public init(source: any MetricDataSource, start: EpochSeconds, end: EpochSeconds, period: Int, now: EpochSeconds) {
        self.source = source; self.start = start; self.end = end; self.period = period; self.now = now
    }

    /// Series keyed by group (`host:a,env:prod`; empty key = not grouped), values by bucket start.
    typealias Grouped = [(key: String, points: [EpochSeconds: Double])]

    /// The series of one formula, one per group; `text` names them when ungrouped.
    public func evaluate(_ e: DatadogExpression, text: String) throws(DatadogError) -> [DatadogSeries] {
        try value(e).map { g in
            let ts = g.points.keys.sorted()
            return DatadogSeries(label: g.key.isEmpty ? text : g.key, timestamps: ts, values: ts.map { g.points[$0] ?? .nan })
        }
    }

    func value(_ e: DatadogExpression) throws(DatadogError) -> Grouped {
        switch e {
        case .query(let q): return try fetch(q)
        case .number(let v): return [(key: "", points: constant(v))]
        case .negate(let inner): return try value(inner).map { ($0.key, $0.points.mapValues { -$0 }) }
        case .binary(let op, let l, let r):
            let a = try value(l), b = try value(r)
            func apply(_ x: Double, _ y: Double) -> Double {
                switch op {
                case "+": x + y
                case "-": x - y
                case "*": x * y
                default: y == 0 ? .nan : x / y
                }
            }
            func combine(_ p: [EpochSeconds: Double], _ q: [EpochSeconds: Double]) -> [EpochSeconds: Double] {
                var out: [EpochSeconds: Double] = [:]
                for (t, x) in p { if let y = q[t] { let v = apply(x, y); if v.isFinite { out[t] = v } } }
                return out
            }
            if a.count == 1, a[0].key.isEmpty { return b.map { ($0.key, combine(a[0].points, $0.points)) } }
            if b.count == 1, b[0].key.isEmpty { return a.map { ($0.key, combine($0.points, b[0].points)) } }
            let right = Dictionary(b.map { ($0.key, $0.points) }, uniquingKeysWith: { x, _ in x })
            let matched = a.compactMap { g in right[g.key].map { (g.key, combine(g.points, $0)) } }
            guard !matched.isEmpty || a.isEmpty || b.isEmpty else {
                throw DatadogError("Error in query: the two sides of \"\(op)\" are grouped by different tags")
            }
            return matched
        }
    }

    /// A constant on every bucket of the range.
    func constant(_ v: Double) -> [EpochSeconds: Double] {
        let grid = BucketAlignment.grid(start: start, end: end, period: period, now: now)
        var out: [EpochSeconds: Double] = [:]
        for k in 0..<grid.count { out[grid.bucketStart(k)] = v }
        return out
    }

    /// The matched metrics of a query, aggregated over time (the statistic) and then across
    /// the series of each group.
    func fetch(_ q: DatadogMetricQuery) throws(DatadogError) -> Grouped {
        let metrics: [MetricIdentity]
        do {
            metrics = try source.listMetrics(MetricListQuery(metricName: q.metric)).filter { m in q.filters.allSatisfy { $0.matches(m) } }
        } catch {
            throw DatadogError("Error reading the metric store: \(error)", status: 500)
        }
        guard metrics.count <= Self.maxMetrics else {
            throw DatadogError("The query \(q.metric) matches \(metrics.count) series; at most \(Self.maxMetrics) are allowed")
        }
        if metrics.isEmpty { return [] }
        let stat: Statistic
        do { stat = try Statistic(parsing: q.aggregator.statistic) } catch { throw DatadogError("\(error)") }
        let request = MetricDataRequest(
            queries: metrics.enumerated().map { MetricStatQuery(id: "q\($0.offset)", metric: $0.element, stat: stat, period: period) },
            start: start, end: end, now: now)
        let results: [MetricDataResult]
        do { results = try source.getMetricData(request) } catch { throw DatadogError("Error reading the metric store: \(error)", status: 500) }
        let byId = Dictionary(results.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var groups: [String: [EpochSeconds: [Double]]] = [:]
        var order: [String] = []
        for (k, m) in metrics.enumerated() {
            let key = q.groupBy.map { tag in
                "\(tag):" + (m.dimensions.first { $0.name.lowercased() == tag.lowercased() }?.value ?? "N/A")
            }.joined(separator: ",")
            if groups[key] == nil { order.append(key); groups[key] = [:] }
            guard let r = byId["q\(k)"] else { continue }
            for (t, v) in zip(r.timestamps, r.values) where v.isFinite { groups[key]?[t, default: []].append(v) }
        }
        // Groups in key order, so legends are stable.
        return order.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }.map { key in
            (key, (groups[key] ?? [:]).mapValues { q.aggregator.combine($0) })
        }
    }
}

/// A Datadog graph definition: `graph_def` JSON, or a `metric_query` turned into one.
public struct DatadogGraph: Sendable, Equatable {
    public enum LineType: String, Sendable, Equatable { case line, area, bars }

    public struct Request: Sendable, Equatable {
        public var q: String
        public var type: LineType

        public init(q: String, type: LineType) { self.q = q; self.type = type }
    }

    public var requests: [Request]
    /// Event queries drawn as vertical annotations.
    public var events: [String]
    public var yMin: Double?
    public var yMax: Double?
    /// `markers` of the form `y = 90` (also `>`, `<`, `>=`, `<=`): horizontal annotations.
    public var markers: [(value: Double, label: String?)]

    public static func == (a: Self, b: Self) -> Bool {
        a.requests == b.requests && a.events == b.events && a.yMin == b.yMin && a.yMax == b.yMax
            && a.markers.map(\.value) == b.markers.map(\.value) && a.markers.map(\.label) == b.markers.map(\.label)
    }

    public init(metricQuery: String, eventQuery: String?) {
        requests = [Request(q: metricQuery, type: .line)]
        events = eventQuery.map { [$0] } ?? []
        markers = []
    }

    /// Parses `graph_def` (only `viz: timeseries` can be drawn).
    public init(graphDef text: String, eventQuery: String?) throws(DatadogError) {
        let json: JSONValue
        do { json = try JSONParser.parse(text) } catch { throw DatadogError("graph_def is not valid JSON: \(error.description)") }
        guard case .object(let o) = json else { throw DatadogError("graph_def must be a JSON object") }
        if let viz = o["viz"] {
            guard case .string(let v) = viz, v == "timeseries" else {
                throw DatadogError("graph_def viz must be \"timeseries\"; other visualizations are not supported")
            }
        }
        guard case .array(let reqs)? = o["requests"], !reqs.isEmpty else {
            throw DatadogError("graph_def needs a non-empty \"requests\" array")
        }
        requests = []
        for (k, r) in reqs.enumerated() {
            guard case .object(let ro) = r, case .string(let q)? = ro["q"] else {
                throw DatadogError("graph_def requests[\(k)] needs a string \"q\"")
            }
            var type = LineType.line
            if let t = ro["type"] {
                guard case .string(let s) = t, let lt = LineType(rawValue: s) else {
                    throw DatadogError("graph_def requests[\(k)].type must be line, area or bars")
                }
                type = lt
            }
            requests.append(Request(q: q, type: type))
        }
        events = []
        if case .array(let evs)? = o["events"] {
            for (k, e) in evs.enumerated() {
                guard case .object(let eo) = e, case .string(let q)? = eo["q"] else {
                    throw DatadogError("graph_def events[\(k)] needs a string \"q\"")
                }
                events.append(q)
            }
        }
        if let eventQuery { events.append(eventQuery) }
        func bound(_ key: String) -> Double? {
            guard case .object(let y)? = o["yaxis"] else { return nil }
            switch y[key] {
            case .number(let v)?: return v
            case .string(let s)?: return Double(s)
            default: return nil
            }
        }
        yMin = bound("min"); yMax = bound("max")
        markers = []
        if case .array(let ms)? = o["markers"] {
            for m in ms {
                guard case .object(let mo) = m, case .string(let v)? = mo["value"] else { continue }
                let parts = v.split(whereSeparator: { "=<> ".contains($0) })
                guard parts.count == 2, parts[0] == "y", let n = Double(parts[1]) else { continue }
                var label: String?
                if case .string(let l)? = mo["label"] { label = l }
                markers.append((n, label))
            }
        }
    }
}

/// A Datadog event query (`tags:deploy,env:prod` plus free words), answered from the store:
/// events are datapoints published to the namespace `Events`; the metric name is the event's
/// title and its dimensions are its tags. Every bucket with data becomes a vertical annotation.
public struct DatadogEventQuery: Sendable, Equatable {
    public static let namespace = "Events"
    public var tags: [DatadogTagFilter]
    /// Free words: each must appear in the event title (case-insensitive).
    public var words: [String]

    public init(_ text: String) {
        tags = []; words = []
        for token in text.split(separator: " ") {
            if token.hasPrefix("tags:") {
                for t in token.dropFirst(5).split(separator: ",") {
                    let kv = t.split(separator: ":", maxSplits: 1)
                    tags.append(DatadogTagFilter(key: String(kv[0]), value: kv.count > 1 ? String(kv[1]) : nil))
                }
            } else if !token.contains(":") {
                words.append(token.lowercased())
            }
        }
    }

    /// Event times and titles in `[start, end)`, oldest first, at most `limit`.
    public func events(
        source: any MetricDataSource, start: EpochSeconds, end: EpochSeconds, now: EpochSeconds, limit: Int = 50
    ) throws(DatadogError) -> [(time: EpochSeconds, title: String)] {
        let metrics: [MetricIdentity]
        do {
            metrics = try source.listMetrics(MetricListQuery(namespace: Self.namespace)).filter { m in
                tags.allSatisfy { $0.matches(m) } && words.allSatisfy { m.name.lowercased().contains($0) }
            }
        } catch {
            throw DatadogError("Error reading the event store: \(error)", status: 500)
        }
        guard !metrics.isEmpty else { return [] }
        let request = MetricDataRequest(
            queries: metrics.prefix(100).enumerated().map {
                MetricStatQuery(id: "e\($0.offset)", metric: $0.element, stat: .sampleCount, period: 60)
            },
            start: start, end: end, now: now)
        let results: [MetricDataResult]
        do { results = try source.getMetricData(request) } catch { throw DatadogError("Error reading the event store: \(error)", status: 500) }
        var out: [(EpochSeconds, String)] = []
        for r in results {
            guard let k = Int(r.id.dropFirst()), k < metrics.count else { continue }
            for t in r.timestamps { out.append((t, metrics[k].name)) }
        }
        out.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        return Array(out.prefix(limit)).map { (time: $0.0, title: $0.1) }
    }
}

/// The period a snapshot or dashboard-widget image uses for a time range: the smallest of
/// 60 s, 5 min, 15 min, 1 h, 6 h, 1 day that gives at most 1,440 buckets (api.md §8.4).
public enum AutoPeriod {
    public static let ladder = [60, 300, 900, 3600, 21_600, 86_400]

    public static func forRange(_ seconds: EpochSeconds) -> Int {
        let needed = (Double(seconds) / 1440).rounded(.up)
        return ladder.first { Double($0) >= needed } ?? 86_400
    }

    /// One step shorter on the ladder (never below 60 s): NAVER's `HIGH` resolution.
    public static func finer(than period: Int) -> Int {
        ladder.last { $0 < period } ?? 60
    }
}
