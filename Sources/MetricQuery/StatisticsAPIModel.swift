import ChartCore

// Wire-independent shapes of GetMetricStatistics and ListMetrics (in the style of
// APIModel.swift). The server decodes requests into the inputs; the store answers them.

/// A GetMetricStatistics request, as sent (not yet validated).
///
/// CloudWatch's rules [DOC: GetMetricStatistics]: exactly one of `statistics` (up to 5 of
/// `SampleCount`, `Average`, `Sum`, `Minimum`, `Maximum`) and `extendedStatistics` (up to 10
/// percentile-family statistics such as `p99`, `TM(10%:90%)`, `IQM`); a period of 1, 5, 10,
/// 30 or a multiple of 60; at most 1,440 datapoints per call; `StartTime < EndTime`.
public struct GetMetricStatisticsInput: Sendable, Equatable {
    public var namespace: String?
    public var metricName: String?
    public var dimensions: [Dimension]
    public var startTime: EpochSeconds?
    public var endTime: EpochSeconds?
    public var period: Int?
    /// Simple statistic names as sent (`Average`).
    public var statistics: [String]
    /// Percentile-family statistics as sent (`p99`, `TM(10%:90%)`).
    public var extendedStatistics: [String]
    /// Only data published with this unit, when set.
    public var unit: String?

    public init(
        namespace: String?, metricName: String?, dimensions: [Dimension] = [], startTime: EpochSeconds?,
        endTime: EpochSeconds?, period: Int?, statistics: [String] = [], extendedStatistics: [String] = [],
        unit: String? = nil
    ) {
        self.namespace = namespace; self.metricName = metricName; self.dimensions = dimensions
        self.startTime = startTime; self.endTime = endTime; self.period = period
        self.statistics = statistics; self.extendedStatistics = extendedStatistics; self.unit = unit
    }
}

/// A validated GetMetricStatistics request.
public struct MetricStatisticsRequest: Sendable, Equatable {
    public var metric: MetricIdentity
    public var start: EpochSeconds
    public var end: EpochSeconds
    public var period: Int
    /// The simple statistics asked for, in request order.
    public var statistics: [Statistic]
    /// The extended statistics asked for: the text as sent (the key of the answer) and its parse.
    public var extendedStatistics: [(text: String, stat: Statistic)]
    public var unit: String?

    public init(
        metric: MetricIdentity, start: EpochSeconds, end: EpochSeconds, period: Int, statistics: [Statistic],
        extendedStatistics: [(text: String, stat: Statistic)], unit: String?
    ) {
        self.metric = metric; self.start = start; self.end = end; self.period = period
        self.statistics = statistics; self.extendedStatistics = extendedStatistics; self.unit = unit
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.metric == b.metric && a.start == b.start && a.end == b.end && a.period == b.period
            && a.statistics == b.statistics && a.unit == b.unit
            && a.extendedStatistics.map(\.text) == b.extendedStatistics.map(\.text)
            && a.extendedStatistics.map(\.stat) == b.extendedStatistics.map(\.stat)
    }

    /// Every statistic asked for (simple first).
    public var allStatistics: [Statistic] { statistics + extendedStatistics.map(\.stat) }
}

/// One `Datapoint` of a GetMetricStatistics answer: the bucket start and each statistic
/// asked for (nil when not asked for, or not computable for this bucket).
public struct StatisticsDatapoint: Sendable, Equatable {
    public var timestamp: EpochSeconds
    public var sampleCount: Double?
    public var average: Double?
    public var sum: Double?
    public var minimum: Double?
    public var maximum: Double?
    /// Extended statistic text as sent → value. A statistic missing here could not be
    /// computed for the bucket (statistic sets, negative values).
    public var extendedStatistics: [String: Double]
    /// The unit of the bucket's data (`None` when mixed or absent).
    public var unit: String

    public init(
        timestamp: EpochSeconds, sampleCount: Double? = nil, average: Double? = nil, sum: Double? = nil,
        minimum: Double? = nil, maximum: Double? = nil, extendedStatistics: [String: Double] = [:], unit: String = "None"
    ) {
        self.timestamp = timestamp; self.sampleCount = sampleCount; self.average = average; self.sum = sum
        self.minimum = minimum; self.maximum = maximum; self.extendedStatistics = extendedStatistics; self.unit = unit
    }
}

/// A GetMetricStatistics answer: the metric name as label and the buckets with data, oldest first.
public struct GetMetricStatisticsOutput: Sendable, Equatable {
    public var label: String
    public var datapoints: [StatisticsDatapoint]

    public init(label: String, datapoints: [StatisticsDatapoint]) { self.label = label; self.datapoints = datapoints }
}

/// GetMetricStatistics' limits [DOC].
public enum GetMetricStatisticsRules {
    public static let maxDatapoints = 1440
    public static let maxStatistics = 5
    public static let maxExtendedStatistics = 10
    public static let maxDimensions = 30

    /// 1, 5, 10, 30 or a positive multiple of 60 [DOC: GetMetricStatistics names no 20 s period].
    public static func isValidPeriod(_ p: Int) -> Bool { [1, 5, 10, 30].contains(p) || (p > 0 && p % 60 == 0) }
}

extension GetMetricStatisticsInput {
    /// The request checked as CloudWatch checks it. `now` places the range for the bucket
    /// alignment and the datapoint count. Errors name the parameter:
    /// `MissingParameter` for a required member that is absent; `InvalidParameterCombination`
    /// for both or neither of `Statistics`/`ExtendedStatistics` and for more than 1,440
    /// datapoints; `InvalidParameterValue` for the rest.
    public func validated(now: EpochSeconds) throws(CloudWatchAPIError) -> MetricStatisticsRequest {
        func missing(_ name: String) -> CloudWatchAPIError { CloudWatchAPIError(.missingParameter, "\(name): the parameter is required") }
        func invalid(_ name: String, _ why: String) -> CloudWatchAPIError { CloudWatchAPIError(.invalidParameterValue, "\(name): \(why)") }
        guard let namespace else { throw missing("Namespace") }
        guard let metricName else { throw missing("MetricName") }
        guard let startTime else { throw missing("StartTime") }
        guard let endTime else { throw missing("EndTime") }
        guard let period else { throw missing("Period") }
        try PutMetricDataValidator.checkName(namespace, path: "Namespace", max: 255, forbidColonPrefix: true)
        try PutMetricDataValidator.checkName(metricName, path: "MetricName", max: 255, forbidColonPrefix: false)
        guard dimensions.count <= GetMetricStatisticsRules.maxDimensions else {
            throw invalid("Dimensions", "\(dimensions.count) dimensions exceeds the limit of \(GetMetricStatisticsRules.maxDimensions)")
        }
        for (j, d) in dimensions.enumerated() {
            let p = "Dimensions.member.\(j + 1)"
            try PutMetricDataValidator.checkName(d.name, path: p + ".Name", max: 255, forbidColonPrefix: true)
            try PutMetricDataValidator.checkName(d.value, path: p + ".Value", max: 1024, forbidColonPrefix: false)
            if dimensions[..<j].contains(where: { $0.name == d.name }) { throw invalid(p + ".Name", "dimension \"\(d.name)\" is given twice") }
        }
        guard GetMetricStatisticsRules.isValidPeriod(period) else {
            throw invalid("Period", "\(period) is not a valid period (use 1, 5, 10, 30 or a multiple of 60)")
        }
        guard startTime < endTime else {
            throw invalid("StartTime", "\(ISO8601.format(startTime)) must be before EndTime \(ISO8601.format(endTime))")
        }
        if let unit, !MetricDataFiles.standardUnits.contains(unit) {
            throw invalid("Unit", "\"\(unit)\" is not a CloudWatch StandardUnit")
        }
        switch (statistics.isEmpty, extendedStatistics.isEmpty) {
        case (true, true):
            throw CloudWatchAPIError(.invalidParameterCombination, "Statistics, ExtendedStatistics: one of them must be given")
        case (false, false):
            throw CloudWatchAPIError(.invalidParameterCombination, "Statistics, ExtendedStatistics: give one of them, not both")
        default: break
        }
        guard statistics.count <= GetMetricStatisticsRules.maxStatistics else {
            throw invalid("Statistics", "\(statistics.count) statistics exceeds the limit of \(GetMetricStatisticsRules.maxStatistics)")
        }
        guard extendedStatistics.count <= GetMetricStatisticsRules.maxExtendedStatistics else {
            throw invalid("ExtendedStatistics",
                          "\(extendedStatistics.count) statistics exceeds the limit of \(GetMetricStatisticsRules.maxExtendedStatistics)")
        }
        var simple: [Statistic] = []
        for (i, s) in statistics.enumerated() {
            // The API is case-sensitive here: Statistics is an enum of five names.
            let stat: Statistic
            switch s {
            case "SampleCount": stat = .sampleCount
            case "Average": stat = .average
            case "Sum": stat = .sum
            case "Minimum": stat = .minimum
            case "Maximum": stat = .maximum
            default:
                throw invalid("Statistics.member.\(i + 1)", "\"\(s)\" is not one of SampleCount, Average, Sum, Minimum, Maximum")
            }
            if !simple.contains(stat) { simple.append(stat) }
        }
        var extended: [(text: String, stat: Statistic)] = []
        for (i, s) in extendedStatistics.enumerated() {
            let stat: Statistic
            do { stat = try Statistic(parsing: s) } catch {
                throw invalid("ExtendedStatistics.member.\(i + 1)", error.description)
            }
            guard stat.needsRawValues else {
                throw invalid("ExtendedStatistics.member.\(i + 1)", "\"\(s)\" is a simple statistic; ask for it in Statistics")
            }
            if !extended.contains(where: { $0.text == s }) { extended.append((s, stat)) }
        }
        let grid = BucketAlignment.grid(start: startTime, end: endTime, period: period, now: now)
        guard grid.count <= GetMetricStatisticsRules.maxDatapoints else {
            throw CloudWatchAPIError(
                .invalidParameterCombination,
                "Period: the range asks for \(grid.count) datapoints, which exceeds the limit of \(GetMetricStatisticsRules.maxDatapoints); "
                    + "increase the Period or shorten the range")
        }
        return MetricStatisticsRequest(
            metric: MetricIdentity(namespace: namespace, name: metricName, dimensions: dimensions),
            start: startTime, end: endTime, period: period, statistics: simple, extendedStatistics: extended, unit: unit)
    }
}

/// A ListMetrics request (api.md §7.4), as sent.
public struct ListMetricsInput: Sendable, Equatable {
    public var namespace: String?
    public var metricName: String?
    public var dimensions: [DimensionFilter]
    public var nextToken: String?
    /// `PT3H` (the only accepted value) or nil.
    public var recentlyActive: String?

    public init(
        namespace: String? = nil, metricName: String? = nil, dimensions: [DimensionFilter] = [], nextToken: String? = nil,
        recentlyActive: String? = nil
    ) {
        self.namespace = namespace; self.metricName = metricName; self.dimensions = dimensions
        self.nextToken = nextToken; self.recentlyActive = recentlyActive
    }
}

/// One page of a ListMetrics answer.
public struct ListMetricsOutput: Sendable, Equatable {
    /// At most 500 metrics, in `MetricIdentity.catalogueOrder`.
    public var metrics: [MetricIdentity]
    /// Pass back as `NextToken` for the next page; nil on the last page.
    public var nextToken: String?

    public init(metrics: [MetricIdentity], nextToken: String?) { self.metrics = metrics; self.nextToken = nextToken }
}

/// ListMetrics' limits.
public enum ListMetricsRules {
    /// Metrics per page [DOC].
    public static let pageSize = 500
    /// Most dimension filters [DOC: service model].
    public static let maxDimensionFilters = 10
    /// Metrics with no datapoint in this long are not listed [DOC: two weeks].
    public static let listedActivity: Int64 = 14 * 86_400
    /// `RecentlyActive=PT3H`.
    public static let recentActivity: Int64 = 3 * 3600

    /// The filters of `input` checked (api.md §7.4), as a catalogue query evaluated at `now`:
    /// metrics active in the last two weeks, or three hours with `RecentlyActive=PT3H`.
    public static func query(for input: ListMetricsInput, now: EpochSeconds) throws(CloudWatchAPIError) -> MetricListQuery {
        if let ns = input.namespace {
            try PutMetricDataValidator.checkName(ns, path: "Namespace", max: 255, forbidColonPrefix: true)
        }
        if let n = input.metricName {
            try PutMetricDataValidator.checkName(n, path: "MetricName", max: 255, forbidColonPrefix: false)
        }
        guard input.dimensions.count <= maxDimensionFilters else {
            throw CloudWatchAPIError(.invalidParameterValue, "Dimensions: \(input.dimensions.count) filters exceeds the limit of \(maxDimensionFilters)")
        }
        for (j, f) in input.dimensions.enumerated() {
            let p = "Dimensions.member.\(j + 1)"
            try PutMetricDataValidator.checkName(f.name, path: p + ".Name", max: 255, forbidColonPrefix: true)
            if let v = f.value { try PutMetricDataValidator.checkName(v, path: p + ".Value", max: 1024, forbidColonPrefix: false) }
        }
        var window = listedActivity
        if let r = input.recentlyActive {
            guard r == "PT3H" else {
                throw CloudWatchAPIError(.invalidParameterValue, "RecentlyActive: \"\(r)\" is invalid; the only accepted value is PT3H")
            }
            window = recentActivity
        }
        return MetricListQuery(
            namespace: input.namespace, metricName: input.metricName, dimensions: input.dimensions, activeSince: now - window)
    }
}
