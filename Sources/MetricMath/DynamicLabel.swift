import ChartCore

// MARK: - Overview
//
// Dynamic labels (metric-widget.md §3.8): a series label may contain `${…}` tokens that are
// replaced by statistics of the series' displayed points, by times, or by properties of the
// metric. Parse a label once with `DynamicLabel.parse(label)` (never fails), then render it
// per series with `label.render(context:)`:
//
//     let template = DynamicLabel.parse("[max: ${MAX}] ${LABEL} (${PROP('Dim.FunctionName')})")
//     let text = template.render(context: DynamicLabelContext(
//         timestamps: series.timestamps, values: series.values, range: start..<end, now: now,
//         timeZone: offset, defaultLabel: "Errors", metric: identity, stat: "Sum", period: 300))
//
// For a multi-series expression (SEARCH, METRICS(), a GROUP BY query) render the expression's
// label once per resulting series, with that series' points and default label.
//
// Tokens (exactly the table of §3.8):
//
//     ${AVG} ${SUM} ${MIN} ${MAX} ${FIRST} ${LAST} ${DATAPOINT_COUNT}
//     ${FIRST_LAST_RANGE} (LAST − FIRST)  ${MIN_MAX_RANGE} (MAX − MIN)
//     ${FIRST_TIME} ${LAST_TIME} ${MIN_TIME} ${MAX_TIME}                    yyyy-MM-dd HH:mm:ss
//     ${FIRST_TIME_RELATIVE} ${LAST_TIME_RELATIVE} ${MIN_TIME_RELATIVE} ${MAX_TIME_RELATIVE}
//     ${FIRST_LAST_TIME_RANGE} ${MIN_MAX_TIME_RANGE}                        durations: 1d 2h 3m
//     ${LABEL}
//     ${PROP('AccountId')} ${PROP('AccountLabel')} ${PROP('Dim.<name>')} ${PROP('MetricName')}
//     ${PROP('Namespace')} ${PROP('Period')} ${PROP('Region')} ${PROP('Stat')}
//
// Rules (ours where the spec and AWS are silent):
// - Token names are upper case exactly as listed; PROP names are case-sensitive and may be in
//   single or double quotes. Anything else that starts with `${` — unknown names, a missing
//   `}`, a malformed PROP — stays in the label verbatim; parsing never fails.
// - At most five *value* tokens (every token above except `${LABEL}` and `${PROP(…)}`: AWS
//   limits the "dynamic statistical values" of a label to five) and one `${LABEL}` are
//   substituted; later ones stay verbatim. A label never makes a request fail.
// - Values are computed over the points inside the displayed range (`start ≤ t < end`); NaN
//   and infinite values are missing. A series without such points renders every value token
//   as the empty string (`${DATAPOINT_COUNT}` included, as the spec says for all value tokens).
// - MIN/MAX times are those of the earliest point holding the extreme value. Relative times
//   and time ranges are absolute differences.
// - Numbers: up to 4 significant digits with an SI suffix (k, M, G, T, P), trailing zeros
//   dropped, like the y-axis labels (visual.md §5.2) — pass `formatNumber` to use the axis
//   formatter itself (`NumberFormat.significant` in ChartScales, which this module cannot import).
//   `${DATAPOINT_COUNT}` and `${PROP('Period')}` are plain integers.
// - Times in the widget's time zone (`timeZone`: a fixed offset or an IANA zone).
// - Missing properties (no metric for an expression series, an absent dimension, no region)
//   render as the empty string.

/// A label template with its `${…}` tokens located.
public struct DynamicLabel: Sendable, Equatable {
    /// A metric property of `${PROP('…')}`.
    public enum Property: Sendable, Equatable, Hashable {
        case accountId, accountLabel, metricName, namespace, period, region, stat
        /// `Dim.<name>`: the value of that dimension.
        case dimension(String)
    }

    /// One `${…}` token.
    public enum Token: Sendable, Equatable, Hashable {
        case average, sum, minimum, maximum, first, last, datapointCount
        case firstLastRange, minMaxRange
        case firstTime, lastTime, minTime, maxTime
        case firstTimeRelative, lastTimeRelative, minTimeRelative, maxTimeRelative
        case firstLastTimeRange, minMaxTimeRange
        case label
        case property(Property)

        /// True for tokens computed from the series' points (the ones the five-token limit counts).
        public var isValue: Bool {
            switch self {
            case .label, .property: return false
            default: return true
            }
        }
    }

    /// Literal text or a token, in label order.
    public enum Part: Sendable, Equatable {
        case text(String)
        case token(Token)
    }

    /// Most value tokens substituted in one label.
    public static let maxValueTokens = 5

    /// The label as written.
    public let template: String
    /// The label split into text and tokens (adjacent text merged).
    public let parts: [Part]

    public init(template: String, parts: [Part]) { self.template = template; self.parts = parts }

    /// True when the label has at least one token to substitute.
    public var hasTokens: Bool { parts.contains { if case .token = $0 { return true } else { return false } } }

    /// True when rendering needs the series' points (a value token is present).
    public var usesValues: Bool { parts.contains { if case .token(let t) = $0 { return t.isValue } else { return false } } }

    /// Splits `template` into text and tokens; never fails (see the overview for the rules).
    public static func parse(_ template: String) -> DynamicLabel {
        DynamicLabelParser.parse(template)
    }

    /// The label for one series.
    public func render(context: DynamicLabelContext) -> String {
        guard hasTokens else { return template }
        let summary = usesValues ? DynamicLabelSummary(context) : nil
        var out = ""
        for part in parts {
            switch part {
            case .text(let t): out += t
            case .token(let token): out += DynamicLabel.value(of: token, context, summary)
            }
        }
        return out
    }

    private static func value(of token: Token, _ c: DynamicLabelContext, _ s: DynamicLabelSummary?) -> String {
        switch token {
        case .label: return c.defaultLabel
        case .property(let p): return property(p, c)
        default: break
        }
        guard let s, let first = s.first, let last = s.last, let lo = s.minimum, let hi = s.maximum else { return "" }
        let number = { (v: Double) in c.formatNumber?(v) ?? DynamicLabelFormat.number(v) }
        let time = { (t: EpochSeconds) in DynamicLabelFormat.timestamp(t, offset: c.timeZone) }
        let ago = { (t: EpochSeconds) in DynamicLabelFormat.duration(DynamicLabelFormat.distance(c.now, t)) }
        switch token {
        case .average: return number(s.sum / Double(s.count))
        case .sum: return number(s.sum)
        case .minimum: return number(lo.value)
        case .maximum: return number(hi.value)
        case .first: return number(first.value)
        case .last: return number(last.value)
        case .datapointCount: return String(s.count)
        case .firstLastRange: return number(last.value - first.value)
        case .minMaxRange: return number(hi.value - lo.value)
        case .firstTime: return time(first.time)
        case .lastTime: return time(last.time)
        case .minTime: return time(lo.time)
        case .maxTime: return time(hi.time)
        case .firstTimeRelative: return ago(first.time)
        case .lastTimeRelative: return ago(last.time)
        case .minTimeRelative: return ago(lo.time)
        case .maxTimeRelative: return ago(hi.time)
        case .firstLastTimeRange: return DynamicLabelFormat.duration(DynamicLabelFormat.distance(last.time, first.time))
        case .minMaxTimeRange: return DynamicLabelFormat.duration(DynamicLabelFormat.distance(hi.time, lo.time))
        case .label, .property: return ""
        }
    }

    private static func property(_ p: Property, _ c: DynamicLabelContext) -> String {
        switch p {
        case .accountId: return c.accountId ?? ""
        case .accountLabel: return c.accountLabel ?? ""
        case .metricName: return c.metric?.name ?? ""
        case .namespace: return c.metric?.namespace ?? ""
        case .period: return c.period.map { String($0) } ?? ""
        case .region: return c.region ?? ""
        case .stat: return c.stat ?? ""
        case .dimension(let name): return c.metric?.dimensionValue(name) ?? ""
        }
    }
}

/// Everything a dynamic label can refer to for one series.
public struct DynamicLabelContext: Sendable {
    /// The series' timestamps (any order) and values (`Double.nan` = missing).
    public var timestamps: [EpochSeconds]
    public var values: [Double]
    /// The displayed range `start ..< end`; nil = every point.
    public var range: Range<EpochSeconds>?
    /// The request's "now", for the `…_RELATIVE` tokens.
    public var now: EpochSeconds
    /// The widget's time zone, for the `…_TIME` tokens (a fixed offset or an IANA zone,
    /// daylight saving applied).
    public var timeZone: DisplayTimeZone
    /// What `${LABEL}` stands for: the label the series would have without a label option.
    public var defaultLabel: String
    /// The metric behind the series (nil for an expression result that is not one metric).
    public var metric: MetricIdentity?
    /// The statistic as CloudWatch spells it (`Average`, `p99`).
    public var stat: String?
    /// The period in seconds.
    public var period: Int?
    public var region: String?
    public var accountId: String?
    public var accountLabel: String?
    /// Number formatter for value tokens; nil = `DynamicLabelFormat.number`.
    public var formatNumber: (@Sendable (Double) -> String)?

    public init(
        timestamps: [EpochSeconds] = [], values: [Double] = [], range: Range<EpochSeconds>? = nil, now: EpochSeconds = 0,
        timeZone: DisplayTimeZone = .utc, defaultLabel: String = "", metric: MetricIdentity? = nil, stat: String? = nil,
        period: Int? = nil, region: String? = nil, accountId: String? = nil, accountLabel: String? = nil,
        formatNumber: (@Sendable (Double) -> String)? = nil
    ) {
        self.timestamps = timestamps; self.values = values; self.range = range; self.now = now
        self.timeZone = timeZone; self.defaultLabel = defaultLabel; self.metric = metric; self.stat = stat
        self.period = period; self.region = region; self.accountId = accountId; self.accountLabel = accountLabel
        self.formatNumber = formatNumber
    }
}

/// One pass over the displayed points: count, sum, and the first/last/min/max points.
struct DynamicLabelSummary {
    struct Point { var time: EpochSeconds; var value: Double }
    var count = 0
    var sum = 0.0
    var first: Point?
    var last: Point?
    var minimum: Point?
    var maximum: Point?

    init(_ c: DynamicLabelContext) {
        for (t, v) in zip(c.timestamps, c.values) where v.isFinite {
            if let r = c.range, !r.contains(t) { continue }
            count += 1
            sum += v
            let p = Point(time: t, value: v)
            if first.map({ t < $0.time }) ?? true { first = p }
            if last.map({ t > $0.time }) ?? true { last = p }
            if minimum.map({ v < $0.value || (v == $0.value && t < $0.time) }) ?? true { minimum = p }
            if maximum.map({ v > $0.value || (v == $0.value && t < $0.time) }) ?? true { maximum = p }
        }
    }
}
