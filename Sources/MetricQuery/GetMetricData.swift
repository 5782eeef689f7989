import ChartCore

/// GetMetricData in Swift: the same queries, validation and answers as CloudWatch's API
/// (api.md §7.2), over any `MetricDataSource`.
///
/// ```swift
/// let output = try GetMetricData.run(input, source: store, now: now)
/// ```
///
/// - Call-level problems (bad ids, periods, statistics, time range, too many queries) throw a
///   `CloudWatchAPIError` whose message names the query as the wire does
///   (`MetricDataQueries.member.2.MetricStat.Period: …`, members counted from 1).
/// - Each returned result carries its status (`Complete`, `PartialData`, …) and messages;
///   points are in the request's `ScanBy` order; queries with `ReturnData: false` are
///   computed but left out.
/// - `MaxDatapoints` bounds each query's buckets (newest kept, `PartialData`); there is no
///   pagination, so `NextToken` is never returned.
/// - A MetricStat result without a `Label` is labelled with the metric name.
public enum GetMetricData {
    /// Most queries in one call (metrics and expressions together).
    public static let maxQueries = 500
    /// Longest expression, in characters.
    public static let maxExpressionLength = 2048
    /// Default and largest `MaxDatapoints`.
    public static let defaultMaxDatapoints = 100_800

    /// Answers `input` from `source`. `now` is the instant of the call (injected).
    public static func run(
        _ input: GetMetricDataInput, source: some MetricDataSource, now: EpochSeconds
    ) throws(CloudWatchAPIError) -> GetMetricDataOutput {
        let plan = try validate(input)
        let request = MetricDataRequest(
            queries: plan.metricQueries, start: input.startTime, end: input.endTime, now: now,
            maxDatapoints: plan.maxDatapoints)
        let answers: [MetricDataResult]
        do {
            answers = try source.getMetricData(request)
        } catch {
            throw CloudWatchAPIError(.internalServiceError, "the metric data source failed: \(error)")
        }
        let byId = Dictionary(answers.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var results: [MetricDataResultOutput] = []
        for query in input.queries where query.returnData {
            guard let stat = query.metricStat else { continue }
            let answer = byId[query.id] ?? MetricDataResult(
                id: query.id, status: .internalError, messages: ["the data source returned no result for \(query.id)"])
            results.append(output(answer, label: query.label ?? stat.metric.name, scanBy: input.scanBy))
        }
        return GetMetricDataOutput(results: results)
    }

    /// What a validated request asks the data source for.
    struct Plan {
        var metricQueries: [MetricStatQuery]
        var maxDatapoints: Int
    }

    static func validate(_ input: GetMetricDataInput) throws(CloudWatchAPIError) -> Plan {
        guard !input.queries.isEmpty else {
            throw CloudWatchAPIError(.missingParameter, "MetricDataQueries: at least one query is required")
        }
        guard input.queries.count <= maxQueries else {
            throw CloudWatchAPIError(
                .invalidParameterValue,
                "MetricDataQueries: \(input.queries.count) queries exceeds the limit of \(maxQueries)")
        }
        guard input.startTime < input.endTime else {
            throw CloudWatchAPIError(
                .invalidParameterValue, "The parameter StartTime must be less than the parameter EndTime.")
        }
        let maxDatapoints = input.maxDatapoints ?? defaultMaxDatapoints
        guard maxDatapoints > 0 else {
            throw CloudWatchAPIError(.invalidParameterValue, "MaxDatapoints: must be at least 1")
        }
        var seen: [String: Int] = [:]
        var metricQueries: [MetricStatQuery] = []
        for (index, query) in input.queries.enumerated() {
            let member = "MetricDataQueries.member.\(index + 1)"
            guard CloudWatchRules.isValidId(query.id) else {
                throw CloudWatchAPIError(
                    .invalidParameterValue,
                    "\(member).Id: \"\(query.id)\" must start with a lower-case letter and contain only letters, "
                        + "digits and \"_\" (at most \(CloudWatchRules.maxIdLength) characters)")
            }
            if let first = seen[query.id] {
                throw CloudWatchAPIError(
                    .invalidParameterValue,
                    "\(member).Id: the id \"\(query.id)\" is also used by MetricDataQueries.member.\(first + 1)")
            }
            seen[query.id] = index
            switch (query.metricStat, query.expression) {
            case (nil, nil):
                throw CloudWatchAPIError(
                    .missingParameter, "\(member): exactly one of MetricStat and Expression is required")
            case (.some, .some):
                throw CloudWatchAPIError(
                    .invalidParameterCombination, "\(member): MetricStat and Expression cannot both be set")
            case (.some(let stat), nil):
                metricQueries.append(try metricQuery(query.id, stat, member: member))
            case (nil, .some(let expression)):
                let length = expression.unicodeScalars.count
                guard length >= 1, length <= maxExpressionLength else {
                    throw CloudWatchAPIError(
                        .validationError,
                        "\(member).Expression: must be 1 to \(maxExpressionLength) characters (found \(length))")
                }
                throw CloudWatchAPIError(
                    .invalidParameterValue, "\(member).Expression: metric math is not available in this build")
            }
            if let period = query.period, !CloudWatchRules.isValidPeriod(period) {
                throw CloudWatchAPIError(.invalidParameterValue, "\(member).Period: " + periodMessage(period))
            }
        }
        return Plan(metricQueries: metricQueries, maxDatapoints: maxDatapoints)
    }

    static func metricQuery(_ id: String, _ stat: MetricStatInput, member: String) throws(CloudWatchAPIError) -> MetricStatQuery {
        guard CloudWatchRules.isValidPeriod(stat.period) else {
            throw CloudWatchAPIError(.invalidParameterValue, "\(member).MetricStat.Period: " + periodMessage(stat.period))
        }
        let statistic: Statistic
        do {
            statistic = try Statistic(parsing: stat.stat)
        } catch {
            throw CloudWatchAPIError(.invalidParameterValue, "\(member).MetricStat.Stat: \(error.description)")
        }
        if stat.metric.namespace.isEmpty || stat.metric.name.isEmpty {
            throw CloudWatchAPIError(
                .missingParameter, "\(member).MetricStat.Metric: Namespace and MetricName are required")
        }
        if stat.metric.dimensions.count > 30 {
            throw CloudWatchAPIError(
                .invalidParameterValue,
                "\(member).MetricStat.Metric.Dimensions: \(stat.metric.dimensions.count) dimensions exceeds the limit of 30")
        }
        return MetricStatQuery(id: id, metric: stat.metric, stat: statistic, period: stat.period, unit: stat.unit)
    }

    static func periodMessage(_ period: Int) -> String {
        "\(period) is not a valid period (use 1, 5, 10, 20, 30, 60 or a multiple of 60)"
    }

    /// One result in wire form: points in `scanBy` order, messages as `{Code, Value}`.
    static func output(_ r: MetricDataResult, label: String, scanBy: ScanOrder) -> MetricDataResultOutput {
        var timestamps = r.timestamps, values = r.values
        if scanBy == .timestampDescending { timestamps.reverse(); values.reverse() }
        let messages = r.messages.map { APIMessage(code: r.status == .complete ? "Info" : r.status.rawValue, value: $0) }
        return MetricDataResultOutput(
            id: r.id, label: label, timestamps: timestamps, values: values, statusCode: r.status, messages: messages)
    }
}
