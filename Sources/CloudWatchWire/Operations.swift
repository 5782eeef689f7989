import ChartCore
import MetricQuery

// The input and output members of each operation (api.md §1, §7), decoded from and encoded
// to `WireValue`, so one piece of code serves all three protocols.

// MARK: - GetMetricWidgetImage

/// What `OutputFormat` asks for: the image type, and whether the HTTP body is the raw image
/// (`image/png`: for hand-made HTTP requests) rather than an API response carrying it.
public struct ImageOutputFormat: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable { case png, svg, pdf }

    public var kind: Kind
    public var raw: Bool

    public init(kind: Kind, raw: Bool) { self.kind = kind; self.raw = raw }

    /// `png` (CloudWatch's default) or `image/png`; beyond CloudWatch, `svg` / `image/svg+xml`
    /// and `pdf` / `application/pdf`.
    public init(parsing s: String) throws(CloudWatchAPIError) {
        switch s {
        case "png": self.init(kind: .png, raw: false)
        case "image/png": self.init(kind: .png, raw: true)
        case "svg": self.init(kind: .svg, raw: false)
        case "image/svg+xml": self.init(kind: .svg, raw: true)
        case "pdf": self.init(kind: .pdf, raw: false)
        case "application/pdf": self.init(kind: .pdf, raw: true)
        default:
            throw CloudWatchAPIError(
                .invalidParameterValue,
                "The value \(s) for parameter OutputFormat is invalid. Valid values: png, image/png, svg, image/svg+xml, pdf, application/pdf.")
        }
    }

    /// The MIME type of the image.
    public var contentType: String {
        switch kind {
        case .png: "image/png"
        case .svg: "image/svg+xml"
        case .pdf: "application/pdf"
        }
    }
}

/// `GetMetricWidgetImageInput`.
public struct GetMetricWidgetImageInput: Sendable, Equatable {
    public var metricWidget: String
    public var outputFormat: ImageOutputFormat

    public init(metricWidget: String, outputFormat: ImageOutputFormat = ImageOutputFormat(kind: .png, raw: false)) {
        self.metricWidget = metricWidget; self.outputFormat = outputFormat
    }

    public init(_ r: WireReader) throws(CloudWatchAPIError) {
        metricWidget = try r.required("MetricWidget").string()
        outputFormat = try r.optional("OutputFormat").map { r throws(CloudWatchAPIError) in try ImageOutputFormat(parsing: r.string()) }
            ?? ImageOutputFormat(kind: .png, raw: false)
    }

    /// `{MetricWidgetImage: <blob>}`.
    public static func output(image: [UInt8]) -> WireValue { .structure([WireMember("MetricWidgetImage", .blob(image))]) }
}

// MARK: - PutMetricData

extension PutMetricDataInput {
    /// Decodes the request members as sent; validation is separate (`validated(now:)`).
    /// `EntityMetricData[].MetricData` are stored like `MetricData` (the entity association is
    /// not kept); `StrictEntityValidation` is accepted and ignored.
    public init(_ r: WireReader) throws(CloudWatchAPIError) {
        let namespace = try r.optional("Namespace")?.string()
        var data: [MetricDatumInput] = []
        for item in try r.optional("MetricData")?.list() ?? [] { data.append(try MetricDatumInput(item)) }
        for entity in try r.optional("EntityMetricData")?.list() ?? [] {
            for item in try entity.optional("MetricData")?.list() ?? [] { data.append(try MetricDatumInput(item)) }
        }
        self.init(namespace: namespace, metricData: data)
    }
}

extension MetricDatumInput {
    public init(_ r: WireReader) throws(CloudWatchAPIError) {
        var dimensions: [Dimension] = []
        for d in try r.optional("Dimensions")?.list() ?? [] {
            dimensions.append(Dimension(name: try d.required("Name").string(), value: try d.required("Value").string()))
        }
        var values: [Double]?
        if let list = try r.optional("Values")?.list() {
            var out: [Double] = []
            for v in list { out.append(try v.double()) }
            values = out
        }
        var counts: [Double]?
        if let list = try r.optional("Counts")?.list() {
            var out: [Double] = []
            for v in list { out.append(try v.double()) }
            counts = out
        }
        var stats: StatisticSetInput?
        if let s = r.optional("StatisticValues") {
            stats = StatisticSetInput(
                sampleCount: try s.required("SampleCount").double(), sum: try s.required("Sum").double(),
                minimum: try s.required("Minimum").double(), maximum: try s.required("Maximum").double())
        }
        self.init(
            metricName: try r.optional("MetricName")?.string(), dimensions: dimensions,
            timestamp: try r.optional("Timestamp")?.timestamp(), value: try r.optional("Value")?.double(),
            values: values, counts: counts, statisticValues: stats, unit: try r.optional("Unit")?.string(),
            storageResolution: try r.optional("StorageResolution")?.integer())
    }
}

// MARK: - GetMetricData

/// A GetMetricData request with its pagination token.
public struct GetMetricDataRequest: Sendable, Equatable {
    public var input: GetMetricDataInput
    public var nextToken: String?

    public init(input: GetMetricDataInput, nextToken: String? = nil) { self.input = input; self.nextToken = nextToken }

    public init(_ r: WireReader) throws(CloudWatchAPIError) {
        var queries: [MetricDataQueryInput] = []
        for q in try r.required("MetricDataQueries").list() {
            var stat: MetricStatInput?
            if let s = q.optional("MetricStat") {
                stat = MetricStatInput(
                    metric: try MetricIdentity(wire: try s.required("Metric")), period: try s.required("Period").integer(),
                    stat: try s.required("Stat").string(), unit: try s.optional("Unit")?.string())
            }
            queries.append(
                MetricDataQueryInput(
                    id: try q.required("Id").string(), metricStat: stat, expression: try q.optional("Expression")?.string(),
                    label: try q.optional("Label")?.string(), returnData: try q.optional("ReturnData")?.bool() ?? true,
                    period: try q.optional("Period")?.integer()))
        }
        var scan = ScanOrder.timestampDescending
        if let s = try r.optional("ScanBy")?.string() {
            guard let order = ScanOrder(rawValue: s) else {
                throw CloudWatchAPIError(
                    .invalidParameterValue, "The value \(s) for parameter ScanBy is invalid. Valid values: TimestampDescending, TimestampAscending.")
            }
            scan = order
        }
        input = GetMetricDataInput(
            queries: queries, startTime: try r.required("StartTime").timestamp(), endTime: try r.required("EndTime").timestamp(),
            scanBy: scan, maxDatapoints: try r.optional("MaxDatapoints")?.integer(),
            labelTimezone: try r.optional("LabelOptions")?.optional("Timezone")?.string())
        nextToken = try r.optional("NextToken")?.string()
    }
}

extension GetMetricDataOutput {
    /// `{MetricDataResults, Messages, NextToken?}`.
    public func wireValue(nextToken: String? = nil) -> WireValue {
        .object([
            ("MetricDataResults", .list(results.map(\.wireValue))),
            ("Messages", .list(messages.map(\.wireValue))),
            ("NextToken", nextToken.map { .string($0) }),
        ])
    }
}

extension MetricDataResultOutput {
    public var wireValue: WireValue {
        .object([
            ("Id", .string(id)), ("Label", .string(label)),
            ("Timestamps", .list(timestamps.map { .timestamp(Double($0)) })),
            ("Values", .list(values.map { .double($0) })),
            ("StatusCode", .string(statusCode.rawValue)),
            ("Messages", .list(messages.map(\.wireValue))),
        ])
    }
}

extension APIMessage {
    public var wireValue: WireValue { .object([("Code", .string(code)), ("Value", .string(value))]) }
}

extension MetricIdentity {
    /// `{Namespace, MetricName, Dimensions: [{Name, Value}]}`.
    public init(wire r: WireReader) throws(CloudWatchAPIError) {
        var dimensions: [Dimension] = []
        for d in try r.optional("Dimensions")?.list() ?? [] {
            dimensions.append(Dimension(name: try d.required("Name").string(), value: try d.required("Value").string()))
        }
        self.init(namespace: try r.required("Namespace").string(), name: try r.required("MetricName").string(), dimensions: dimensions)
    }

    public var wireValue: WireValue {
        .object([
            ("Namespace", .string(namespace)), ("MetricName", .string(name)),
            ("Dimensions", .list(dimensions.map { .object([("Name", .string($0.name)), ("Value", .string($0.value))]) })),
        ])
    }
}

// MARK: - GetMetricStatistics

extension GetMetricStatisticsInput {
    /// Decodes the request members as sent; validation is `validated(now:)` (MetricQuery).
    public init(_ r: WireReader) throws(CloudWatchAPIError) {
        var dimensions: [Dimension] = []
        for d in try r.optional("Dimensions")?.list() ?? [] {
            dimensions.append(Dimension(name: try d.required("Name").string(), value: try d.required("Value").string()))
        }
        self.init(
            namespace: try r.optional("Namespace")?.string(), metricName: try r.optional("MetricName")?.string(),
            dimensions: dimensions, startTime: try r.optional("StartTime")?.timestamp(),
            endTime: try r.optional("EndTime")?.timestamp(), period: try r.optional("Period")?.integer(),
            statistics: try r.optional("Statistics")?.strings() ?? [],
            extendedStatistics: try r.optional("ExtendedStatistics")?.strings() ?? [], unit: try r.optional("Unit")?.string())
    }
}

extension StatisticsDatapoint {
    /// `{Timestamp, SampleCount?, Average?, Sum?, Minimum?, Maximum?, Unit, ExtendedStatistics?}`
    /// (extended statistics in name order).
    public var wireValue: WireValue {
        .object([
            ("Timestamp", .timestamp(Double(timestamp))),
            ("SampleCount", sampleCount.map { .double($0) }), ("Average", average.map { .double($0) }),
            ("Sum", sum.map { .double($0) }), ("Minimum", minimum.map { .double($0) }), ("Maximum", maximum.map { .double($0) }),
            ("Unit", .string(unit)),
            ("ExtendedStatistics", extendedStatistics.isEmpty ? nil : .map(extendedStatistics.keys.sorted().map {
                WireMember($0, .double(extendedStatistics[$0] ?? .nan))
            })),
        ])
    }
}

extension GetMetricStatisticsOutput {
    /// `{Label, Datapoints}`.
    public var wireValue: WireValue { .object([("Label", .string(label)), ("Datapoints", .list(datapoints.map(\.wireValue)))]) }
}

// MARK: - ListMetrics

extension ListMetricsInput {
    /// Decodes the request members as sent (`ListMetricsRules.query(for:now:)` checks them).
    /// `IncludeLinkedAccounts` / `OwningAccount` are accepted and ignored (one account per store).
    public init(_ r: WireReader) throws(CloudWatchAPIError) {
        var filters: [DimensionFilter] = []
        for d in try r.optional("Dimensions")?.list() ?? [] {
            filters.append(DimensionFilter(name: try d.required("Name").string(), value: try d.optional("Value")?.string()))
        }
        _ = try r.optional("IncludeLinkedAccounts")?.bool()
        self.init(
            namespace: try r.optional("Namespace")?.string(), metricName: try r.optional("MetricName")?.string(),
            dimensions: filters, nextToken: try r.optional("NextToken")?.string(),
            recentlyActive: try r.optional("RecentlyActive")?.string())
    }
}

extension ListMetricsOutput {
    /// `{Metrics, NextToken?}`.
    public var wireValue: WireValue {
        .object([("Metrics", .list(metrics.map(\.wireValue))), ("NextToken", nextToken.map { .string($0) })])
    }
}

// MARK: - Dashboards

/// A stored dashboard, as the dashboard operations report it.
public struct DashboardRecord: Sendable, Equatable {
    public var name: String
    public var body: String
    /// When it was last written, seconds since the epoch.
    public var lastModified: EpochSeconds

    public init(name: String, body: String, lastModified: EpochSeconds) {
        self.name = name; self.body = body; self.lastModified = lastModified
    }
}

/// One ListDashboards entry.
public struct DashboardSummary: Sendable, Equatable {
    public var name: String
    /// `Size`: the body's length in bytes.
    public var size: Int
    public var lastModified: EpochSeconds

    public init(name: String, size: Int, lastModified: EpochSeconds) { self.name = name; self.size = size; self.lastModified = lastModified }
}

/// One `DashboardValidationMessage`: `{DataPath, Message}`.
public struct DashboardValidationMessage: Sendable, Equatable {
    public var dataPath: String
    public var message: String

    public init(dataPath: String, message: String) { self.dataPath = dataPath; self.message = message }

    public var wireValue: WireValue { .object([("DataPath", .string(dataPath)), ("Message", .string(message))]) }
}

public enum DashboardOperations {
    /// `DashboardName`: 1–255 characters of `A-Z a-z 0-9 - _`.
    public static func validateName(_ name: String, parameter: String = "DashboardName") throws(CloudWatchAPIError) {
        guard (1...255).contains(name.utf8.count),
              name.utf8.allSatisfy({ isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") })
        else {
            throw CloudWatchAPIError(
                .invalidParameterValue,
                "The value for parameter \(parameter) is invalid: dashboard names are 1 to 255 characters of A-Z, a-z, 0-9, - and _.")
        }
    }

    static func isAlphanumeric(_ c: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(c) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(c)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c)
    }

    /// The ARN of a dashboard: dashboards belong to the account, not a Region.
    public static func arn(name: String, account: String) -> String { "arn:aws:cloudwatch::\(account):dashboard/\(name)" }

    public static func putDashboardInput(_ r: WireReader) throws(CloudWatchAPIError) -> (name: String, body: String) {
        let name = try r.required("DashboardName").string()
        try validateName(name)
        return (name, try r.required("DashboardBody").string())
    }

    public static func putDashboardOutput(_ messages: [DashboardValidationMessage]) -> WireValue {
        .object([("DashboardValidationMessages", .list(messages.map(\.wireValue)))])
    }

    /// The `DashboardInvalidInputError` for a body that failed validation.
    public static func invalidInput(_ messages: [DashboardValidationMessage]) -> WireError {
        let summary = messages.first.map { "\($0.dataPath): \($0.message)" } ?? "invalid dashboard body"
        return WireError(
            code: "InvalidParameterInput", shape: "DashboardInvalidInputError", status: 400,
            message: "The dashboard body is invalid, there are \(messages.count) validation errors: \(summary)",
            extra: [WireMember("dashboardValidationMessages", .list(messages.map(\.wireValue)))])
    }

    public static func getDashboardInput(_ r: WireReader) throws(CloudWatchAPIError) -> String {
        try r.required("DashboardName").string()
    }

    public static func getDashboardOutput(_ d: DashboardRecord, account: String) -> WireValue {
        .object([
            ("DashboardArn", .string(arn(name: d.name, account: account))), ("DashboardBody", .string(d.body)),
            ("DashboardName", .string(d.name)),
        ])
    }

    public static func listDashboardsInput(_ r: WireReader) throws(CloudWatchAPIError) -> (prefix: String?, nextToken: String?) {
        let prefix = try r.optional("DashboardNamePrefix")?.string()
        if let prefix, !prefix.isEmpty {
            guard prefix.utf8.count <= 255,
                  prefix.utf8.allSatisfy({ isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") })
            else {
                throw CloudWatchAPIError(
                    .invalidParameterValue, "The value for parameter DashboardNamePrefix is invalid: use up to 255 of A-Z, a-z, 0-9, ., - and _.")
            }
        }
        return (prefix, try r.optional("NextToken")?.string())
    }

    public static func listDashboardsOutput(_ entries: [DashboardSummary], account: String, nextToken: String?) -> WireValue {
        .object([
            ("DashboardEntries", .list(entries.map { d in
                .object([
                    ("DashboardName", .string(d.name)), ("DashboardArn", .string(arn(name: d.name, account: account))),
                    ("LastModified", .timestamp(Double(d.lastModified))), ("Size", .integer(Int64(d.size))),
                ])
            })),
            ("NextToken", nextToken.map { .string($0) }),
        ])
    }

    public static func deleteDashboardsInput(_ r: WireReader) throws(CloudWatchAPIError) -> [String] {
        let names = try r.required("DashboardNames").strings()
        guard !names.isEmpty else { throw CloudWatchAPIError(.missingParameter, "The parameter DashboardNames is required.") }
        guard names.count <= 100 else {
            throw CloudWatchAPIError(.invalidParameterValue, "The collection DashboardNames must not have more than 100 members.")
        }
        return names
    }
}

// MARK: - Pagination tokens

/// Opaque `NextToken`s: the offset into a stable, sorted listing, base64-wrapped.
public enum PageToken {
    public static func make(offset: Int) -> String {
        Array("graphshot:\(offset)".utf8).base64String
    }

    /// The offset a token carries; nil when the token is not one of ours.
    public static func offset(_ token: String) -> Int? {
        guard let bytes = [UInt8](base64: token), let text = String(validating: bytes, as: UTF8.self),
              text.hasPrefix("graphshot:"), let n = Int(text.dropFirst("graphshot:".count)), n >= 0
        else { return nil }
        return n
    }
}
