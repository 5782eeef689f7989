import ChartCore
import MetricMath

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
/// - A MetricStat result without a `Label` is labelled with the metric name; labels with
///   `${…}` tokens are rendered per series (metric-widget.md §3.8) in `LabelOptions.Timezone`.
/// - Expressions (math, SEARCH, Metrics Insights) run through `MathQuery`: syntax, type and
///   reference errors fail the call with `InvalidParameterValue` (`Error in expression e1: …`);
///   run-time problems mark only the affected result (metric-math.md §2).
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
        let timeZone: DisplayTimeZone
        if let tz = input.labelTimezone {
            guard let parsed = DisplayTimeZone(parsing: tz) else {
                throw CloudWatchAPIError(.invalidParameterValue, "LabelOptions.Timezone: \"\(tz)\" is not a time zone (use +HHMM or -HHMM)")
            }
            timeZone = parsed
        } else {
            timeZone = .utc
        }
        let (start, end, budget) = (input.startTime, input.endTime, plan.maxDatapoints)
        let outcome: MathQueryResult
        do {
            outcome = try MathQuery.run(
                rows: plan.rows, start: start, end: end, now: now, source: source, maxDatapoints: budget,
                defaultPeriod: 300,
                grid: { period in BucketAlignment.grid(start: start, end: end, period: period, now: now).keepingNewest(budget) })
        } catch {
            switch error {
            case .invalidExpression: throw CloudWatchAPIError(.invalidParameterValue, error.description)
            case .dataSource: throw CloudWatchAPIError(.internalServiceError, error.description)
            }
        }
        var results: [MetricDataResultOutput] = []
        for query in input.queries where query.returnData {
            if let stat = query.metricStat {
                let answer = outcome.metrics[query.id] ?? MetricDataResult(id: query.id, status: .internalError)
                var label = query.label ?? stat.metric.name
                let template = DynamicLabel.parse(label)
                if template.hasTokens {
                    label = template.render(context: DynamicLabelContext(
                        timestamps: answer.timestamps, values: answer.values, range: start..<end, now: now,
                        timeZone: timeZone, defaultLabel: stat.metric.name, metric: stat.metric, stat: stat.stat,
                        period: stat.period))
                }
                results.append(output(answer, label: label, scanBy: input.scanBy))
            } else if let row = outcome.expressions[query.id] {
                results.append(contentsOf: expressionOutputs(row, query: query, range: start..<end, now: now, timeZone: timeZone, scanBy: input.scanBy))
            }
        }
        return GetMetricDataOutput(results: results)
    }

    /// The results of one expression row: one per series it produced, all with the row's id
    /// (as CloudWatch answers SEARCH). Labels: an expression yielding one series is labelled
    /// with its `Label`, else its id; each member of an array gets `"<Label> <member label>"`,
    /// or just the member label when the query has no `Label` [REC: what GetMetricData users
    /// see for SEARCH]. Dynamic labels are rendered per series. A row that produced no series
    /// still answers one empty result, so every returned id is accounted for.
    static func expressionOutputs(
        _ row: EvaluatedRow, query: MetricDataQueryInput, range: Range<EpochSeconds>, now: EpochSeconds,
        timeZone: DisplayTimeZone, scanBy: ScanOrder
    ) -> [MetricDataResultOutput] {
        let template = query.label.map(DynamicLabel.parse)
        guard !row.series.isEmpty else {
            let answer = MetricDataResult(id: row.id, status: row.status, messages: row.messages)
            return [output(answer, label: query.label ?? row.id, scanBy: scanBy)]
        }
        return row.series.map { s in
            let member = s.memberLabel ?? ""
            let fallback = row.isArray ? (member.isEmpty ? row.id : member) : row.id
            var label: String
            if let template, template.hasTokens {
                label = template.render(context: DynamicLabelContext(
                    timestamps: s.timestamps, values: s.values, range: range, now: now, timeZone: timeZone,
                    defaultLabel: fallback, metric: s.metric, stat: s.stat, period: s.period))
            } else if let given = query.label {
                label = row.isArray ? (given.isEmpty ? member : (member.isEmpty ? given : given + " " + member)) : given
            } else {
                label = fallback
            }
            if label.isEmpty { label = row.id }
            let answer = MetricDataResult(
                id: row.id, timestamps: s.timestamps, values: s.values, status: row.status, messages: row.messages)
            return output(answer, label: label, scanBy: scanBy)
        }
    }

    /// What a validated request asks the data source for.
    struct Plan {
        var rows: [QueryRow]
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
        var rows: [QueryRow] = []
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
                rows.append(QueryRow(id: query.id, source: .metric(try metricQuery(query.id, stat, member: member))))
            case (nil, .some(let expression)):
                let length = expression.unicodeScalars.count
                guard length >= 1, length <= maxExpressionLength else {
                    throw CloudWatchAPIError(
                        .validationError,
                        "\(member).Expression: must be 1 to \(maxExpressionLength) characters (found \(length))")
                }
                if let period = query.period, !CloudWatchRules.isValidPeriod(period) {
                    throw CloudWatchAPIError(.invalidParameterValue, "\(member).Period: " + periodMessage(period))
                }
                rows.append(QueryRow(id: query.id, source: .expression(expression, period: query.period)))
            }
        }
        return Plan(rows: rows, maxDatapoints: maxDatapoints)
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
