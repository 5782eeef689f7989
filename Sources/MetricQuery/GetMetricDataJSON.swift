import ChartCore

// The JSON forms of GetMetricData that the aws CLI reads and prints: the
// `--metric-data-queries` list (API member names: `Id`, `MetricStat`, `Expression`, …) and
// the command's output (`MetricDataResults`, ISO 8601 timestamps, `Messages`).

extension MetricDataQueryInput {
    /// Parses a `--metric-data-queries` document: a JSON array of MetricDataQuery objects, as
    /// `aws cloudwatch get-metric-data --metric-data-queries file://q.json` reads it. Errors
    /// name the JSON path (`[2].MetricStat.Period: expected a number`). Unknown members are
    /// ignored, as the API ignores them.
    public static func parseList(json text: String) throws(CloudWatchAPIError) -> [MetricDataQueryInput] {
        let value: JSONValue
        do {
            value = try JSONParser.parse(text)
        } catch {
            throw CloudWatchAPIError(.invalidParameterValue, "MetricDataQueries: \(error)")
        }
        guard case .array(let items) = value else {
            throw CloudWatchAPIError(.invalidParameterValue, "MetricDataQueries: expected a JSON array of queries, found \(value.typeName)")
        }
        var queries: [MetricDataQueryInput] = []
        for (i, item) in items.enumerated() {
            queries.append(try query(item, path: "[\(i)]"))
        }
        return queries
    }

    private static func fail(_ path: String, _ message: String) -> CloudWatchAPIError {
        CloudWatchAPIError(.invalidParameterValue, "MetricDataQueries\(path): \(message)")
    }

    private static func object(_ v: JSONValue, _ path: String) throws(CloudWatchAPIError) -> JSONObject {
        guard case .object(let o) = v else { throw fail(path, "expected an object, found \(v.typeName)") }
        return o
    }

    private static func string(_ o: JSONObject, _ key: String, _ path: String) throws(CloudWatchAPIError) -> String? {
        guard let v = o[key] else { return nil }
        guard case .string(let s) = v else { throw fail("\(path).\(key)", "expected a string, found \(v.typeName)") }
        return s
    }

    private static func integer(_ o: JSONObject, _ key: String, _ path: String) throws(CloudWatchAPIError) -> Int? {
        guard let v = o[key] else { return nil }
        guard case .number(let n) = v, n.isFinite, n == n.rounded(), abs(n) <= 9_007_199_254_740_992 else {
            throw fail("\(path).\(key)", "expected a whole number, found \(v.typeName)")
        }
        return Int(n)
    }

    private static func query(_ v: JSONValue, path: String) throws(CloudWatchAPIError) -> MetricDataQueryInput {
        let o = try object(v, path)
        guard let id = try string(o, "Id", path) else { throw fail("\(path).Id", "missing") }
        var query = MetricDataQueryInput(id: id)
        query.expression = try string(o, "Expression", path)
        query.label = try string(o, "Label", path)
        query.period = try integer(o, "Period", path)
        if let r = o["ReturnData"] {
            guard case .bool(let b) = r else { throw fail("\(path).ReturnData", "expected true or false, found \(r.typeName)") }
            query.returnData = b
        }
        if let ms = o["MetricStat"] {
            let statPath = "\(path).MetricStat"
            let stat = try object(ms, statPath)
            guard let metricValue = stat["Metric"] else { throw fail("\(statPath).Metric", "missing") }
            let metricPath = "\(statPath).Metric"
            let metric = try object(metricValue, metricPath)
            guard let namespace = try string(metric, "Namespace", metricPath) else { throw fail("\(metricPath).Namespace", "missing") }
            guard let name = try string(metric, "MetricName", metricPath) else { throw fail("\(metricPath).MetricName", "missing") }
            var dimensions: [Dimension] = []
            if let d = metric["Dimensions"] {
                guard case .array(let list) = d else { throw fail("\(metricPath).Dimensions", "expected an array, found \(d.typeName)") }
                for (j, item) in list.enumerated() {
                    let dp = "\(metricPath).Dimensions[\(j)]"
                    let dim = try object(item, dp)
                    guard let n = try string(dim, "Name", dp) else { throw fail("\(dp).Name", "missing") }
                    guard let value = try string(dim, "Value", dp) else { throw fail("\(dp).Value", "missing") }
                    dimensions.append(Dimension(name: n, value: value))
                }
            }
            guard let period = try integer(stat, "Period", statPath) else { throw fail("\(statPath).Period", "missing") }
            guard let s = try string(stat, "Stat", statPath) else { throw fail("\(statPath).Stat", "missing") }
            query.metricStat = MetricStatInput(
                metric: MetricIdentity(namespace: namespace, name: name, dimensions: dimensions),
                period: period, stat: s, unit: try string(stat, "Unit", statPath))
        }
        return query
    }
}

extension GetMetricDataOutput {
    /// The output as `aws cloudwatch get-metric-data` prints it: `MetricDataResults` (each with
    /// `Id`, `Label`, `Timestamps` as ISO 8601 with `+00:00`, `Values`, `StatusCode`, and
    /// `Messages` when there are any) and the top-level `Messages`.
    public var awsCLIJSON: JSONValue {
        let results: [JSONValue] = results.map { r in
            var o: JSONObject = [
                "Id": .string(r.id),
                "Label": .string(r.label),
                "Timestamps": .array(r.timestamps.map { .string(Self.cliTimestamp($0)) }),
                "Values": .array(r.values.map { .number($0) }),
                "StatusCode": .string(r.statusCode.rawValue),
            ]
            if !r.messages.isEmpty { o.members.append(("Messages", Self.messagesJSON(r.messages))) }
            return .object(o)
        }
        return .object(["MetricDataResults": .array(results), "Messages": Self.messagesJSON(messages)])
    }

    static func messagesJSON(_ messages: [APIMessage]) -> JSONValue {
        .array(messages.map { .object(["Code": .string($0.code), "Value": .string($0.value)]) })
    }

    /// `2024-03-01T11:55:00+00:00`, the aws CLI's ISO 8601 form.
    static func cliTimestamp(_ t: EpochSeconds) -> String {
        var s = ISO8601.format(t)
        if s.hasSuffix("Z") { s.removeLast(); s += "+00:00" }
        return s
    }
}
