import ChartCore

// Wire-independent shapes of the CloudWatch operations Graphshot serves (api.md §7).
// The server decodes awsJson1_0, awsQuery and CBOR requests into these; the store and the
// GetMetricData entry point take and return them. Field names follow the API members.

/// A CloudWatch error code, as the API reports it (api.md §6).
public enum CloudWatchErrorCode: String, Sendable, Equatable, Codable {
    case invalidParameterValue = "InvalidParameterValue"
    case missingParameter = "MissingParameter"
    case invalidParameterCombination = "InvalidParameterCombination"
    case validationError = "ValidationError"
    case resourceNotFound = "ResourceNotFound"
    case invalidNextToken = "InvalidNextToken"
    case limitExceeded = "LimitExceeded"
    case internalServiceError = "InternalServiceError"
    case throttling = "Throttling"
    case dashboardInvalidInput = "InvalidParameterInput"

    /// The HTTP status CloudWatch answers with for this code.
    public var httpStatus: Int {
        switch self {
        case .resourceNotFound: 404
        case .internalServiceError: 500
        default: 400
        }
    }
}

/// A CloudWatch API error: a code and a message naming what is wrong and where
/// (`MetricData.member.3.Values: 151 values exceeds the limit of 150`).
public struct CloudWatchAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: CloudWatchErrorCode
    public var message: String

    public init(_ code: CloudWatchErrorCode, _ message: String) { self.code = code; self.message = message }

    public var description: String { "\(code.rawValue): \(message)" }
}

/// `StatisticValues` of a MetricDatum: a pre-aggregated statistic set.
public struct StatisticSetInput: Sendable, Equatable {
    public var sampleCount: Double
    public var sum: Double
    public var minimum: Double
    public var maximum: Double

    public init(sampleCount: Double, sum: Double, minimum: Double, maximum: Double) {
        self.sampleCount = sampleCount; self.sum = sum; self.minimum = minimum; self.maximum = maximum
    }
}

/// One `MetricDatum` of a PutMetricData request, as sent (not yet validated).
public struct MetricDatumInput: Sendable, Equatable {
    public var metricName: String?
    /// In the order sent (validation checks names and duplicates).
    public var dimensions: [Dimension]
    /// Seconds since the epoch; nil means "when received".
    public var timestamp: EpochSeconds?
    public var value: Double?
    public var values: [Double]?
    public var counts: [Double]?
    public var statisticValues: StatisticSetInput?
    public var unit: String?
    public var storageResolution: Int?

    public init(
        metricName: String?, dimensions: [Dimension] = [], timestamp: EpochSeconds? = nil, value: Double? = nil,
        values: [Double]? = nil, counts: [Double]? = nil, statisticValues: StatisticSetInput? = nil,
        unit: String? = nil, storageResolution: Int? = nil
    ) {
        self.metricName = metricName; self.dimensions = dimensions; self.timestamp = timestamp; self.value = value
        self.values = values; self.counts = counts; self.statisticValues = statisticValues
        self.unit = unit; self.storageResolution = storageResolution
    }
}

/// A PutMetricData request, as sent (api.md §7.1).
public struct PutMetricDataInput: Sendable, Equatable {
    public var namespace: String?
    public var metricData: [MetricDatumInput]

    public init(namespace: String?, metricData: [MetricDatumInput]) {
        self.namespace = namespace; self.metricData = metricData
    }
}

/// `MetricStat` of a GetMetricData query.
public struct MetricStatInput: Sendable, Equatable {
    public var metric: MetricIdentity
    public var period: Int
    /// The statistic as written (`Average`, `p99`, `TM(10%:90%)`); parsed when the call runs.
    public var stat: String
    public var unit: String?

    public init(metric: MetricIdentity, period: Int, stat: String, unit: String? = nil) {
        self.metric = metric; self.period = period; self.stat = stat; self.unit = unit
    }
}

/// One `MetricDataQuery` of GetMetricData: exactly one of `metricStat` and `expression`.
public struct MetricDataQueryInput: Sendable, Equatable {
    public var id: String
    public var metricStat: MetricStatInput?
    public var expression: String?
    public var label: String?
    /// false: computed (other queries may use it) but not returned.
    public var returnData: Bool
    /// The period of an expression (used for its grid when it depends on no metric).
    public var period: Int?

    public init(
        id: String, metricStat: MetricStatInput? = nil, expression: String? = nil, label: String? = nil,
        returnData: Bool = true, period: Int? = nil
    ) {
        self.id = id; self.metricStat = metricStat; self.expression = expression; self.label = label
        self.returnData = returnData; self.period = period
    }
}

/// `ScanBy`: the order of points in each result.
public enum ScanOrder: String, Sendable, Equatable {
    case timestampDescending = "TimestampDescending"
    case timestampAscending = "TimestampAscending"
}

/// A GetMetricData request (api.md §7.2).
public struct GetMetricDataInput: Sendable, Equatable {
    public var queries: [MetricDataQueryInput]
    public var startTime: EpochSeconds
    public var endTime: EpochSeconds
    public var scanBy: ScanOrder
    public var maxDatapoints: Int?
    /// `LabelOptions.Timezone` (`+HHMM`), for time tokens in dynamic labels.
    public var labelTimezone: String?

    public init(
        queries: [MetricDataQueryInput], startTime: EpochSeconds, endTime: EpochSeconds,
        scanBy: ScanOrder = .timestampDescending, maxDatapoints: Int? = nil, labelTimezone: String? = nil
    ) {
        self.queries = queries; self.startTime = startTime; self.endTime = endTime
        self.scanBy = scanBy; self.maxDatapoints = maxDatapoints; self.labelTimezone = labelTimezone
    }
}

/// A `MessageData` entry: `{Code, Value}`.
public struct APIMessage: Sendable, Equatable {
    public var code: String
    public var value: String

    public init(code: String, value: String) { self.code = code; self.value = value }
}

/// One `MetricDataResult` of GetMetricData, points in the request's `ScanBy` order.
public struct MetricDataResultOutput: Sendable, Equatable {
    public var id: String
    public var label: String
    public var timestamps: [EpochSeconds]
    public var values: [Double]
    public var statusCode: DataStatus
    public var messages: [APIMessage]

    public init(
        id: String, label: String, timestamps: [EpochSeconds], values: [Double], statusCode: DataStatus,
        messages: [APIMessage] = []
    ) {
        self.id = id; self.label = label; self.timestamps = timestamps; self.values = values
        self.statusCode = statusCode; self.messages = messages
    }
}

/// A GetMetricData answer.
public struct GetMetricDataOutput: Sendable, Equatable {
    public var results: [MetricDataResultOutput]
    public var messages: [APIMessage]

    public init(results: [MetricDataResultOutput], messages: [APIMessage] = []) {
        self.results = results; self.messages = messages
    }
}
