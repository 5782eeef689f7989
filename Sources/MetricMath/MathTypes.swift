/// The static type of an expression node (metric-math.md §1).
enum MathType: Sendable, Equatable {
    /// S: a number (possibly *missing* at run time, e.g. `AVG` of an empty series).
    case scalar
    /// TS: one time series.
    case series
    /// TS[]: an array; `count` when known before data arrives (METRICS, literals, SLICE of a
    /// known array…), nil when only the data tells (SEARCH, REMOVE_EMPTY, Insights).
    case array(count: Int?)
    case string
    /// `['a', 'b']`: only for DB_PERF_INSIGHTS.
    case stringArray(count: Int)
    /// A bare upper-case word argument.
    case keyword(String)

    var isArray: Bool { if case .array = self { return true } else { return false } }
    var arrayCount: Int?? { if case .array(let c) = self { return .some(c) } else { return .none } }

    /// Usable where one TS is required: a TS, or a TS[] that may have exactly one member
    /// (§1 [REC]); a TS[] known to have 0 or ≥2 members is not.
    var isSeriesLike: Bool {
        switch self {
        case .series: return true
        case .array(let c): return c == nil || c == 1
        default: return false
        }
    }

    /// S, TS or TS[]: a value operators accept.
    var isValue: Bool {
        switch self {
        case .scalar, .series, .array: return true
        default: return false
        }
    }
}

/// A scalar known before evaluation (number literals, PERIOD, arithmetic on those).
enum MathConstant: Sendable, Equatable {
    case unknown
    case value(Double)
    /// Known to be *missing* (e.g. `1/0`).
    case missing
}

/// Every function of the catalogue (metric-math.md §6). Names are upper case only.
enum MathFunction: String, Sendable, CaseIterable {
    case abs = "ABS", anomalyDetectionBand = "ANOMALY_DETECTION_BAND", avg = "AVG", ceil = "CEIL"
    case datapointCount = "DATAPOINT_COUNT", dbPerfInsights = "DB_PERF_INSIGHTS", diff = "DIFF", diffTime = "DIFF_TIME"
    case fill = "FILL", first = "FIRST", last = "LAST", floor = "FLOOR", `if` = "IF"
    case insightRuleMetric = "INSIGHT_RULE_METRIC", lambda = "LAMBDA", log = "LOG", log10 = "LOG10", max = "MAX"
    case metricCount = "METRIC_COUNT", metrics = "METRICS", min = "MIN"
    case minute = "MINUTE", hour = "HOUR", day = "DAY", date = "DATE", month = "MONTH", year = "YEAR", epoch = "EPOCH"
    case period = "PERIOD", rate = "RATE", removeEmpty = "REMOVE_EMPTY", runningSum = "RUNNING_SUM", search = "SEARCH"
    case serviceQuota = "SERVICE_QUOTA", slice = "SLICE", sort = "SORT", stddev = "STDDEV", sum = "SUM"
    case timeSeries = "TIME_SERIES"

    /// Functions that create points on the evaluation grid (§4), so the union grid must
    /// contain every bucket of the periods involved.
    var usesGrid: Bool {
        switch self {
        case .fill, .timeSeries, .minute, .hour, .day, .date, .month, .year, .epoch, .anomalyDetectionBand, .if: return true
        default: return false
        }
    }
}

/// The valid `metricName` arguments of INSIGHT_RULE_METRIC (§6).
let insightRuleMetricNames: Set<String> = [
    "UniqueContributors", "MaxContributorValue", "SampleCount", "Sum", "Minimum", "Maximum", "Average",
]
