import CloudWatchWire
import Graphshot

/// The places where pieces landing in parallel plug in. Each function here is a stand-in
/// with the final signature; replace its body (or its call) when the real piece is merged:
///
/// - `validatePutMetricData` → `PutMetricDataInput.validated(now:)` (MetricQuery).
/// - `getMetricData` → the metric-math GetMetricData entry point (MetricQuery), which also
///   evaluates `Expression` queries.
/// - `getMetricStatistics` → the SQLite store's `getMetricStatistics`, if it answers it natively.
/// - `renderImage` → the façade's SVG and PDF output.
/// - `Features` reports which of these are real, on `/health` (the client tests read it).
public enum Seams {
    /// Which seams are filled in this build (shown on `/health`).
    public struct Features: Sendable {
        public var metricMath = false
        public var svg = false
        public var pdf = false
        public var persistentStore = false

        public var wireValue: WireValue {
            .object([
                ("metricMath", .bool(metricMath)), ("svg", .bool(svg)), ("pdf", .bool(pdf)),
                ("persistentStore", .bool(persistentStore)),
            ])
        }
    }

    public static let features = Features()

    // MARK: PutMetricData validation

    /// CloudWatch's `StandardUnit` values.
    public static let standardUnits: Set<String> = [
        "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes", "Bits",
        "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second", "Kilobytes/Second",
        "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second", "Kilobits/Second", "Megabits/Second",
        "Gigabits/Second", "Terabits/Second", "Count/Second", "None",
    ]

    /// SEAM (store/validation): a minimal PutMetricData validation (api.md §7.1) until
    /// `PutMetricDataInput.validated(now:)` is merged into MetricQuery; then call that instead.
    public static func validatePutMetricData(_ input: PutMetricDataInput, now: EpochSeconds) throws(CloudWatchAPIError) -> [MetricDatum] {
        guard let namespace = input.namespace else { throw CloudWatchAPIError(.missingParameter, "The parameter Namespace is required.") }
        guard (1...255).contains(namespace.utf8.count), !namespace.hasPrefix(":"),
              namespace.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 && $0.value != 0x7f })
        else {
            throw CloudWatchAPIError(.invalidParameterValue, "The value for parameter Namespace is invalid: 1 to 255 printable ASCII characters, not starting with ':'.")
        }
        guard !input.metricData.isEmpty else {
            throw CloudWatchAPIError(.missingParameter, "At least one MetricDatum object must be present in the request.")
        }
        guard input.metricData.count <= 1000 else {
            throw CloudWatchAPIError(.invalidParameterValue, "The collection MetricData must not have a size greater than 1000.")
        }
        var out: [MetricDatum] = []
        out.reserveCapacity(input.metricData.count)
        for (k, d) in input.metricData.enumerated() {
            let p = "MetricData.member.\(k + 1)"
            guard let name = d.metricName else { throw CloudWatchAPIError(.missingParameter, "The parameter \(p).MetricName is required.") }
            guard (1...255).contains(name.utf8.count) else {
                throw CloudWatchAPIError(.invalidParameterValue, "The parameter \(p).MetricName must be 1 to 255 characters.")
            }
            guard d.dimensions.count <= 30 else {
                throw CloudWatchAPIError(.invalidParameterValue, "The collection \(p).Dimensions must not have a size greater than 30.")
            }
            var seen: Set<String> = []
            for (j, dim) in d.dimensions.enumerated() {
                let dp = "\(p).Dimensions.member.\(j + 1)"
                guard (1...255).contains(dim.name.utf8.count), !dim.name.hasPrefix(":"), dim.name.contains(where: { $0 != " " }) else {
                    throw CloudWatchAPIError(.invalidParameterValue, "The value for parameter \(dp).Name is invalid.")
                }
                guard (1...1024).contains(dim.value.utf8.count), dim.value.contains(where: { $0 != " " }) else {
                    throw CloudWatchAPIError(.invalidParameterValue, "The value for parameter \(dp).Value is invalid.")
                }
                guard seen.insert(dim.name).inserted else {
                    throw CloudWatchAPIError(.invalidParameterValue, "The dimension \(dim.name) appears more than once in \(p).Dimensions.")
                }
            }
            let timestamp = d.timestamp ?? now
            guard timestamp >= now - 14 * 86_400, timestamp <= now + 2 * 3600 else {
                throw CloudWatchAPIError(
                    .invalidParameterValue,
                    "The parameter \(p).Timestamp must specify a time no more than two weeks in the past or two hours in the future.")
            }
            func check(_ v: Double, _ param: String) throws(CloudWatchAPIError) {
                guard v.isFinite, abs(v) <= 0x1p360 else {
                    throw CloudWatchAPIError(.invalidParameterValue, "The value \(v.isNaN ? "NaN" : "\(v)") for parameter \(param) is invalid.")
                }
            }
            let payload: MetricDatum.Payload
            if let s = d.statisticValues {
                guard d.value == nil, d.values == nil else {
                    throw CloudWatchAPIError(
                        .invalidParameterCombination, "The parameters \(p).StatisticValues and \(p).Value or \(p).Values are mutually exclusive.")
                }
                for (v, n) in [(s.sampleCount, "SampleCount"), (s.sum, "Sum"), (s.minimum, "Minimum"), (s.maximum, "Maximum")] {
                    try check(v, "\(p).StatisticValues.\(n)")
                }
                guard s.sampleCount > 0, s.minimum <= s.maximum else {
                    throw CloudWatchAPIError(.invalidParameterValue, "The parameter \(p).StatisticValues needs SampleCount > 0 and Minimum ≤ Maximum.")
                }
                payload = .statisticValues(StatisticValues(sampleCount: s.sampleCount, sum: s.sum, minimum: s.minimum, maximum: s.maximum))
            } else if let values = d.values {
                guard d.value == nil else {
                    throw CloudWatchAPIError(.invalidParameterCombination, "The parameters \(p).Value and \(p).Values are mutually exclusive.")
                }
                guard values.count <= 150 else {
                    throw CloudWatchAPIError(.invalidParameterValue, "The collection \(p).Values must not have a size greater than 150.")
                }
                for (j, v) in values.enumerated() { try check(v, "\(p).Values.member.\(j + 1)") }
                let counts = d.counts ?? Array(repeating: 1, count: values.count)
                guard counts.count == values.count else {
                    throw CloudWatchAPIError(.invalidParameterValue, "The parameters \(p).Values and \(p).Counts must have the same number of members.")
                }
                for (j, c) in counts.enumerated() {
                    try check(c, "\(p).Counts.member.\(j + 1)")
                    guard c >= 0 else { throw CloudWatchAPIError(.invalidParameterValue, "The value \(c) for parameter \(p).Counts.member.\(j + 1) is invalid.") }
                }
                payload = .values(values, counts: counts)
            } else if let v = d.value {
                try check(v, "\(p).Value")
                payload = .value(v)
            } else {
                throw CloudWatchAPIError(.missingParameter, "The parameter \(p).Value, \(p).Values or \(p).StatisticValues is required.")
            }
            let unit = d.unit ?? "None"
            guard standardUnits.contains(unit) else {
                throw CloudWatchAPIError(.invalidParameterValue, "The value \(unit) for parameter \(p).Unit is not a valid StandardUnit.")
            }
            let resolution = d.storageResolution ?? 60
            guard resolution == 1 || resolution == 60 else {
                throw CloudWatchAPIError(.invalidParameterValue, "The value \(resolution) for parameter \(p).StorageResolution is invalid: use 1 or 60.")
            }
            out.append(MetricDatum(
                metric: MetricIdentity(namespace: namespace, name: name, dimensions: d.dimensions), timestamp: timestamp,
                payload: payload, unit: unit, storageResolution: resolution))
        }
        return out
    }

    // MARK: GetMetricData

    /// SEAM (math): GetMetricData for `MetricStat` queries only, straight through
    /// `MetricDataSource.getMetricData`. The metric-math entry point (taking
    /// `GetMetricDataInput` and a `MetricDataSource`) replaces this function whole; until then
    /// a query with an `Expression` is answered with a clear `InvalidParameterValue`.
    public static func getMetricData(
        _ request: GetMetricDataRequest, source: any MetricDataSource, now: EpochSeconds
    ) throws(CloudWatchAPIError) -> GetMetricDataOutput {
        let input = request.input
        guard request.nextToken == nil else {
            throw CloudWatchAPIError(.invalidNextToken, "The service cannot process the NextToken; this server never returns one for GetMetricData.")
        }
        guard (1...500).contains(input.queries.count) else {
            throw CloudWatchAPIError(.invalidParameterValue, "The collection MetricDataQueries must have 1 to 500 members.")
        }
        guard input.startTime < input.endTime else {
            throw CloudWatchAPIError(.invalidParameterValue, "The parameter StartTime must be earlier than EndTime.")
        }
        if let m = input.maxDatapoints, m < 1 {
            throw CloudWatchAPIError(.invalidParameterValue, "The value \(m) for parameter MaxDatapoints is invalid: it must be at least 1.")
        }
        var seen: Set<String> = []
        var queries: [MetricStatQuery] = []
        for (k, q) in input.queries.enumerated() {
            let p = "MetricDataQueries.member.\(k + 1)"
            guard isValidId(q.id) else {
                throw CloudWatchAPIError(.invalidParameterValue, "The value \(q.id) for parameter \(p).Id is invalid: it must start with a lower-case letter and contain only letters, digits and _.")
            }
            guard seen.insert(q.id).inserted else {
                throw CloudWatchAPIError(.invalidParameterValue, "The value \(q.id) for parameter \(p).Id is used more than once.")
            }
            switch (q.metricStat, q.expression) {
            case (nil, nil), (.some, .some):
                throw CloudWatchAPIError(.invalidParameterCombination, "Exactly one of \(p).MetricStat and \(p).Expression must be given.")
            case (nil, .some):
                throw CloudWatchAPIError(
                    .invalidParameterValue,
                    "\(p).Expression: metric math in GetMetricData is not available in this Graphshot build yet (query \(q.id)).")
            case (let stat?, nil):
                guard stat.period >= 1, [1, 5, 10, 20, 30].contains(stat.period) || stat.period % 60 == 0 else {
                    throw CloudWatchAPIError(.invalidParameterValue, "The value \(stat.period) for parameter \(p).MetricStat.Period is invalid: use 1, 5, 10, 20, 30 or a multiple of 60.")
                }
                let statistic: Statistic
                do { statistic = try Statistic(parsing: stat.stat) } catch {
                    throw CloudWatchAPIError(.invalidParameterValue, "The value \(stat.stat) for parameter \(p).MetricStat.Stat is invalid: \(error.reason).")
                }
                queries.append(MetricStatQuery(id: q.id, metric: stat.metric, stat: statistic, period: stat.period, unit: stat.unit))
            }
        }
        let results: [MetricDataResult]
        do {
            results = try source.getMetricData(MetricDataRequest(
                queries: queries, start: input.startTime, end: input.endTime, now: now, maxDatapoints: input.maxDatapoints ?? 100_800))
        } catch {
            throw CloudWatchAPIError(.internalServiceError, "The metric store could not answer: \(error)")
        }
        let byId = Dictionary(results.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var out: [MetricDataResultOutput] = []
        for q in input.queries where q.returnData {
            guard let stat = q.metricStat else { continue }
            let r = byId[q.id] ?? MetricDataResult(id: q.id)
            let descending = input.scanBy == .timestampDescending
            out.append(MetricDataResultOutput(
                id: q.id, label: q.label ?? r.label ?? stat.metric.name,
                timestamps: descending ? r.timestamps.reversed() : r.timestamps,
                values: descending ? r.values.reversed() : r.values, statusCode: r.status,
                messages: r.messages.map { APIMessage(code: r.status == .complete ? "Info" : r.status.rawValue, value: $0) }))
        }
        return GetMetricDataOutput(results: out)
    }

    /// `^[a-z][A-Za-z0-9_]*$`, at most 255 characters.
    static func isValidId(_ id: String) -> Bool {
        guard let first = id.utf8.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first), id.utf8.count <= 255 else { return false }
        return id.utf8.allSatisfy {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "_")
        }
    }

    // MARK: GetMetricStatistics

    /// SEAM (store): GetMetricStatistics over `MetricDataSource.getMetricData`, one query per
    /// statistic, merged by timestamp (oldest first). The SQLite store's own
    /// `getMetricStatistics` may replace this.
    public static func getMetricStatistics(
        _ input: GetMetricStatisticsInput, source: any MetricDataSource, now: EpochSeconds
    ) throws(CloudWatchAPIError) -> (label: String, datapoints: [StatisticsDatapoint]) {
        let buckets = (input.endTime - input.startTime + EpochSeconds(input.period) - 1) / EpochSeconds(input.period)
        guard buckets <= 1440 else {
            throw CloudWatchAPIError(
                .invalidParameterCombination, "You have requested up to \(buckets) datapoints, which exceeds the limit of 1440. You may reduce the datapoints requested by increasing Period, or decreasing the time range.")
        }
        let names = input.statistics + input.extendedStatistics
        var queries: [MetricStatQuery] = []
        for (k, name) in names.enumerated() {
            let stat: Statistic
            do { stat = try Statistic(parsing: name) } catch {
                throw CloudWatchAPIError(.invalidParameterValue, "The value \(name) for parameter ExtendedStatistics is invalid: \(error.reason).")
            }
            queries.append(MetricStatQuery(id: "s\(k)", metric: input.metric, stat: stat, period: input.period, unit: input.unit))
        }
        let results: [MetricDataResult]
        do {
            results = try source.getMetricData(MetricDataRequest(queries: queries, start: input.startTime, end: input.endTime, now: now))
        } catch {
            throw CloudWatchAPIError(.internalServiceError, "The metric store could not answer: \(error)")
        }
        var rows: [EpochSeconds: StatisticsDatapoint] = [:]
        let plain = input.statistics.count
        for r in results {
            guard let k = Int(r.id.dropFirst()), k < names.count else { continue }
            for (t, v) in zip(r.timestamps, r.values) {
                var row = rows[t] ?? StatisticsDatapoint(timestamp: t, values: [], extended: [], unit: r.unit ?? input.unit ?? "None")
                if k < plain { row.values.append((names[k], v)) } else { row.extended.append((names[k], v)) }
                rows[t] = row
            }
        }
        return (input.metric.name, rows.keys.sorted().compactMap { rows[$0] })
    }

    // MARK: Images

    /// SEAM (outputs): renders a widget in the requested format. PNG goes through the
    /// façade today; SVG and PDF answer a clear error until the façade's vector outputs land.
    public static func renderImage(
        renderer: Renderer, widgetJSON: String, data: any MetricDataSource, now: EpochSeconds, kind: ImageOutputFormat.Kind
    ) throws(WireError) -> [UInt8] {
        guard kind == .png else {
            throw WireError(CloudWatchAPIError(
                .invalidParameterValue, "OutputFormat \(kind.rawValue) is not available in this Graphshot build yet; use png."))
        }
        do {
            return try renderer.render(widgetJSON: widgetJSON, data: data, options: RenderOptions(now: now)).png
        } catch {
            throw wireError(error)
        }
    }

    /// How a render failure is reported to CloudWatch clients.
    public static func wireError(_ e: GraphshotError) -> WireError {
        switch e {
        case .invalidWidget(let w):
            WireError(CloudWatchAPIError(.invalidParameterValue, "The parameter MetricWidget is invalid: \(w.description)"))
        case .dataSource(let m): WireError(CloudWatchAPIError(.internalServiceError, "The metric store could not answer: \(m)"))
        case .fonts, .raster: .internalFailure("Rendering failed: \(e.description)")
        }
    }
}
