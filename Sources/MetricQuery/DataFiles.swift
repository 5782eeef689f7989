#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import ChartCore
import WidgetSpec

/// Why a metric data file could not be loaded: the file, the JSON path inside it and what
/// is wrong, e.g. `orders.json: MetricData[3].Value: expected a number, found a string`.
public struct MetricDataFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file's name as given to the loader.
    public var file: String
    /// A JSON path such as `MetricData[3].Value` or `[1].Namespace`; empty for the whole file.
    public var path: String
    public var message: String

    public init(file: String, path: String, message: String) {
        self.file = file; self.path = path; self.message = message
    }

    public var description: String { path.isEmpty ? "\(file): \(message)" : "\(file): \(path): \(message)" }
}

/// The kinds of metric data file Graphshot reads.
public enum MetricDataFileFormat: String, Sendable, Equatable {
    /// The request JSON of `aws cloudwatch put-metric-data --cli-input-json` (or an array of them).
    case putMetricData
    /// The output of `aws cloudwatch get-metric-data`.
    case getMetricDataOutput
}

/// The data of one or more files: raw datapoints (from PutMetricData files) in a store, and
/// recorded results (from get-metric-data output files).
///
/// A query is answered from the recording when one has its `Id`, else from the store.
public struct MetricDataFileSource: MetricDataSource, Sendable {
    public var store: InMemoryMetricStore
    public var recorded: RecordedMetricDataSource

    public init(store: InMemoryMetricStore = InMemoryMetricStore(), recorded: RecordedMetricDataSource = RecordedMetricDataSource()) {
        self.store = store; self.recorded = recorded
    }

    public func getMetricData(_ request: MetricDataRequest) throws -> [MetricDataResult] {
        request.queries.map { q in
            recorded.contains(id: q.id) ? recorded.answer(q, request) : store.answer(q, request)
        }
    }

    /// The store's catalogue (recordings carry no metric identities).
    public func listMetrics(_ query: MetricListQuery) throws -> [MetricIdentity] {
        try store.listMetrics(query)
    }
}

/// Loads metric data files, detecting each file's format from its content:
/// - an object with `MetricDataResults` → get-metric-data output;
/// - an object with `Namespace`, `MetricData` or `EntityMetricData`, or a JSON array of such
///   objects → PutMetricData request(s);
/// - anything else → an error.
public enum MetricDataFiles {
    /// The `StandardUnit` values PutMetricData accepts (api.md §7.1).
    public static let standardUnits: Set<String> = [
        "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes",
        "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second",
        "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second",
        "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second", "None",
    ]

    /// Reads and loads the files at `paths` (errors name each file by its path as given).
    public static func load(paths: [String]) throws(MetricDataFileError) -> MetricDataFileSource {
        var files: [(name: String, contents: [UInt8])] = []
        for path in paths {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw MetricDataFileError(file: path, path: "", message: "cannot read the file")
            }
            files.append((path, [UInt8](data)))
        }
        return try load(files: files)
    }

    /// Loads one file's text; `name` is used in error messages.
    public static func load(contents: String, name: String) throws(MetricDataFileError) -> MetricDataFileSource {
        try load(files: [(name, Array(contents.utf8))])
    }

    /// Loads several files given as bytes. A recorded `Id` may appear in only one file.
    public static func load(files: [(name: String, contents: [UInt8])]) throws(MetricDataFileError) -> MetricDataFileSource {
        var source = MetricDataFileSource()
        var datums: [MetricDatum] = []
        var recordedIn: [String: String] = [:]
        for (name, bytes) in files {
            let json = try parseJSON(bytes, name: name)
            switch try format(of: json, name: name) {
            case .putMetricData:
                datums.append(contentsOf: try putMetricData(json, name: name))
            case .getMetricDataOutput:
                let (series, messages) = try getMetricDataOutput(json, name: name)
                for (index, s) in series.enumerated() {
                    if let other = recordedIn[s.id] {
                        throw MetricDataFileError(
                            file: name, path: "MetricDataResults[\(index)].Id",
                            message: "Id \"\(s.id)\" was already loaded from \(other)"
                        )
                    }
                    recordedIn[s.id] = name
                    source.recorded.add(s)
                }
                source.recorded.messages.append(contentsOf: messages)
            }
        }
        source.store.add(contentsOf: datums)
        return source
    }

    /// Which format a parsed file is in.
    static func format(of json: JSONValue, name: String) throws(MetricDataFileError) -> MetricDataFileFormat {
        switch json {
        case .object(let o) where o["MetricDataResults"] != nil:
            return .getMetricDataOutput
        case .object(let o) where o["Namespace"] != nil || o["MetricData"] != nil || o["EntityMetricData"] != nil:
            return .putMetricData
        case .array:
            return .putMetricData
        default:
            throw MetricDataFileError(
                file: name, path: "",
                message: "not a metric data file: expected get-metric-data output (an object with \"MetricDataResults\") "
                    + "or put-metric-data input (an object with \"Namespace\" and \"MetricData\", or an array of them)"
            )
        }
    }

    static func parseJSON(_ bytes: [UInt8], name: String) throws(MetricDataFileError) -> JSONValue {
        do { return try JSONParser.parse(bytes) } catch {
            throw MetricDataFileError(
                file: name, path: "", message: "invalid JSON at line \(error.line), column \(error.column): \(error.message)")
        }
    }

    // MARK: - PutMetricData

    /// The datums of a PutMetricData request file (one request object or an array of them).
    public static func parsePutMetricData(_ contents: String, name: String) throws(MetricDataFileError) -> [MetricDatum] {
        try putMetricData(try parseJSON(Array(contents.utf8), name: name), name: name)
    }

    static func putMetricData(_ json: JSONValue, name: String) throws(MetricDataFileError) -> [MetricDatum] {
        let r = FieldReader(file: name)
        var out: [MetricDatum] = []
        if case .array(let requests) = json {
            guard !requests.isEmpty else { throw r.fail("", "the array holds no PutMetricData requests") }
            for (i, request) in requests.enumerated() {
                try r.request(request, path: "[\(i)]", into: &out)
            }
        } else {
            try r.request(json, path: "", into: &out)
        }
        return out
    }

    // MARK: - get-metric-data output

    /// The results of a get-metric-data output file, and its top-level messages.
    public static func parseGetMetricDataOutput(
        _ contents: String, name: String
    ) throws(MetricDataFileError) -> (series: [RecordedMetricDataSource.Series], messages: [String]) {
        try getMetricDataOutput(try parseJSON(Array(contents.utf8), name: name), name: name)
    }

    static func getMetricDataOutput(
        _ json: JSONValue, name: String
    ) throws(MetricDataFileError) -> (series: [RecordedMetricDataSource.Series], messages: [String]) {
        let r = FieldReader(file: name)
        let top = try r.object(json, "")
        let results = try r.array(try r.required(top, "MetricDataResults", ""), "MetricDataResults")
        var series: [RecordedMetricDataSource.Series] = []
        var seen: [String: Int] = [:]
        for (i, item) in results.enumerated() {
            let path = "MetricDataResults[\(i)]"
            let s = try r.recordedSeries(item, path: path)
            if let first = seen[s.id] {
                throw r.fail(path + ".Id", "Id \"\(s.id)\" appears twice (also MetricDataResults[\(first)])")
            }
            seen[s.id] = i
            series.append(s)
        }
        let messages = try top["Messages"].map { m throws(MetricDataFileError) in try r.messages(m, "Messages") } ?? []
        return (series, messages)
    }
}

/// Reads typed fields out of parsed JSON, producing errors that name the file and path.
struct FieldReader {
    let file: String

    func fail(_ path: String, _ message: String) -> MetricDataFileError {
        MetricDataFileError(file: file, path: path, message: message)
    }

    func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : path + "." + key }

    // The readers below take their JSON path as an autoclosure: building a path string for
    // every element of a large array would cost more than reading the element.

    func object(_ v: JSONValue, _ path: @autoclosure () -> String) throws(MetricDataFileError) -> JSONObject {
        guard case .object(let o) = v else { throw fail(path(), "expected an object, found \(v.typeName)") }
        return o
    }

    func array(_ v: JSONValue, _ path: @autoclosure () -> String) throws(MetricDataFileError) -> [JSONValue] {
        guard case .array(let a) = v else { throw fail(path(), "expected an array, found \(v.typeName)") }
        return a
    }

    func string(_ v: JSONValue, _ path: @autoclosure () -> String) throws(MetricDataFileError) -> String {
        guard case .string(let s) = v else { throw fail(path(), "expected a string, found \(v.typeName)") }
        return s
    }

    func number(_ v: JSONValue, _ path: @autoclosure () -> String) throws(MetricDataFileError) -> Double {
        guard case .number(let n) = v else { throw fail(path(), "expected a number, found \(v.typeName)") }
        return n
    }

    func required(_ o: JSONObject, _ key: String, _ path: @autoclosure () -> String) throws(MetricDataFileError) -> JSONValue {
        guard let v = o[key] else { throw fail(join(path(), key), "missing") }
        return v
    }

    /// A string of `1…max` characters (Unicode scalars, as AWS counts them).
    func boundedString(_ v: JSONValue, _ path: @autoclosure () -> String, max: Int) throws(MetricDataFileError) -> String {
        let s = try string(v, path())
        guard !s.isEmpty else { throw fail(path(), "must not be empty") }
        guard s.unicodeScalars.count <= max else { throw fail(path(), "longer than \(max) characters") }
        return s
    }

    /// An ISO 8601 date-time string or a number of epoch seconds (fractions dropped).
    func timestamp(_ v: JSONValue, _ path: @autoclosure () -> String) throws(MetricDataFileError) -> EpochSeconds {
        let t: EpochSeconds
        switch v {
        case .string(let s):
            guard let parsed = ISO8601.parse(s) else {
                throw fail(path(), "\"\(s)\" is not an ISO 8601 date-time such as 2024-03-01T12:00:00Z")
            }
            t = parsed
        case .number(let n):
            guard n.isFinite, n >= Double(TimeLimits.earliest), n <= Double(TimeLimits.latest) else {
                throw fail(path(), "epoch seconds \(n) are out of range")
            }
            t = EpochSeconds(n.rounded(.down))
        default:
            throw fail(path(), "expected an ISO 8601 string or epoch seconds, found \(v.typeName)")
        }
        guard TimeLimits.representable.contains(t) else { throw fail(path(), "time is outside years 0001–9999") }
        return t
    }

    // MARK: PutMetricData

    /// PutMetricData accepts values between −2^360 and 2^360.
    static let valueLimit: Double = 0x1p360

    func metricValue(_ v: JSONValue, _ path: @autoclosure () -> String) throws(MetricDataFileError) -> Double {
        let x = try number(v, path())
        guard x.magnitude <= FieldReader.valueLimit else { throw fail(path(), "\(x) is outside −2^360…2^360") }
        return x
    }

    func request(_ v: JSONValue, path: String, into out: inout [MetricDatum]) throws(MetricDataFileError) {
        let o = try object(v, path)
        let nsPath = join(path, "Namespace")
        let namespace = try boundedString(try required(o, "Namespace", path), nsPath, max: 255)
        guard !namespace.hasPrefix(":") else { throw fail(nsPath, "must not start with ':'") }
        var count = 0
        if let data = o["MetricData"] {
            let dataPath = join(path, "MetricData")
            for (i, d) in try array(data, dataPath).enumerated() {
                out.append(try datum(d, path: "\(dataPath)[\(i)]", namespace: namespace))
                count += 1
            }
        }
        if let entities = o["EntityMetricData"] {
            let entPath = join(path, "EntityMetricData")
            for (e, entity) in try array(entities, entPath).enumerated() {
                let ePath = "\(entPath)[\(e)]"
                let eo = try object(entity, ePath)
                guard let data = eo["MetricData"] else { continue }
                let dataPath = join(ePath, "MetricData")
                for (i, d) in try array(data, dataPath).enumerated() {
                    out.append(try datum(d, path: "\(dataPath)[\(i)]", namespace: namespace))
                    count += 1
                }
            }
        }
        guard count > 0 else { throw fail(join(path, "MetricData"), "at least one datum is required") }
    }

    func datum(_ v: JSONValue, path: String, namespace: String) throws(MetricDataFileError) -> MetricDatum {
        let o = try object(v, path)
        let name = try boundedString(try required(o, "MetricName", path), join(path, "MetricName"), max: 255)

        var dimensions: [Dimension] = []
        if let dims = o["Dimensions"] {
            let dPath = join(path, "Dimensions")
            let list = try array(dims, dPath)
            guard list.count <= WidgetLimits.maxDimensions else {
                throw fail(dPath, "\(list.count) dimensions; at most \(WidgetLimits.maxDimensions) are allowed")
            }
            for (i, d) in list.enumerated() {
                let p = "\(dPath)[\(i)]"
                let dobj = try object(d, p)
                let dn = try boundedString(try required(dobj, "Name", p), join(p, "Name"), max: 255)
                guard !dn.hasPrefix(":") else { throw fail(join(p, "Name"), "must not start with ':'") }
                let dv = try boundedString(try required(dobj, "Value", p), join(p, "Value"), max: 1024)
                guard !dimensions.contains(where: { $0.name == dn }) else {
                    throw fail(join(p, "Name"), "dimension \"\(dn)\" is given twice")
                }
                dimensions.append(Dimension(name: dn, value: dv))
            }
        }

        guard let ts = o["Timestamp"] else {
            throw fail(join(path, "Timestamp"), "missing; a data file has no receive time to default to, so every datum needs a Timestamp")
        }
        let timestamp = try timestamp(ts, join(path, "Timestamp"))

        let payload = try payload(o, path)

        var unit = "None"
        if let u = o["Unit"] {
            let uPath = join(path, "Unit")
            unit = try string(u, uPath)
            guard MetricDataFiles.standardUnits.contains(unit) else {
                throw fail(uPath, "\"\(unit)\" is not a CloudWatch StandardUnit")
            }
        }

        var resolution = 60
        if let r = o["StorageResolution"] {
            let rPath = join(path, "StorageResolution")
            let x = try number(r, rPath)
            guard x == 1 || x == 60 else { throw fail(rPath, "must be 1 (high resolution) or 60") }
            resolution = Int(x)
        }

        return MetricDatum(
            metric: MetricIdentity(namespace: namespace, name: name, dimensions: dimensions),
            timestamp: timestamp, payload: payload, unit: unit, storageResolution: resolution
        )
    }

    func payload(_ o: JSONObject, _ path: String) throws(MetricDataFileError) -> MetricDatum.Payload {
        let value = o["Value"], values = o["Values"], counts = o["Counts"], stats = o["StatisticValues"]
        if stats != nil && (value != nil || values != nil) {
            throw fail(join(path, "StatisticValues"), "cannot be combined with Value or Values")
        }
        if value != nil && values != nil {
            throw fail(join(path, "Values"), "cannot be combined with Value")
        }
        if counts != nil && values == nil {
            throw fail(join(path, "Counts"), "given without Values")
        }
        if let value {
            return .value(try metricValue(value, join(path, "Value")))
        }
        if let values {
            let vPath = join(path, "Values")
            let list = try array(values, vPath)
            guard !list.isEmpty else { throw fail(vPath, "must hold at least one value") }
            var vs: [Double] = []
            vs.reserveCapacity(list.count)
            for (i, x) in list.enumerated() { vs.append(try metricValue(x, "\(vPath)[\(i)]")) }
            var cs = [Double](repeating: 1, count: vs.count)
            if let counts {
                let cPath = join(path, "Counts")
                let clist = try array(counts, cPath)
                guard clist.count == vs.count else {
                    throw fail(cPath, "has \(clist.count) entries but Values has \(vs.count); they must be the same length")
                }
                for (i, x) in clist.enumerated() {
                    let c = try number(x, "\(cPath)[\(i)]")
                    guard c >= 0 else { throw fail("\(cPath)[\(i)]", "a count must not be negative") }
                    cs[i] = c
                }
            }
            return .values(vs, counts: cs)
        }
        if let stats {
            let sPath = join(path, "StatisticValues")
            let so = try object(stats, sPath)
            func field(_ key: String) throws(MetricDataFileError) -> Double {
                try metricValue(try required(so, key, sPath), join(sPath, key))
            }
            let set = StatisticValues(
                sampleCount: try field("SampleCount"), sum: try field("Sum"),
                minimum: try field("Minimum"), maximum: try field("Maximum")
            )
            guard set.sampleCount > 0 else { throw fail(join(sPath, "SampleCount"), "must be greater than 0") }
            guard set.minimum <= set.maximum else { throw fail(join(sPath, "Minimum"), "is greater than Maximum") }
            return .statisticValues(set)
        }
        throw fail(path, "one of Value, Values or StatisticValues is required")
    }

    // MARK: get-metric-data output

    func recordedSeries(_ v: JSONValue, path: String) throws(MetricDataFileError) -> RecordedMetricDataSource.Series {
        let o = try object(v, path)
        let id = try boundedString(try required(o, "Id", path), join(path, "Id"), max: 255)
        let label = try o["Label"].map { l throws(MetricDataFileError) in try string(l, join(path, "Label")) }
        let tPath = join(path, "Timestamps"), vPath = join(path, "Values")
        let times = try array(try required(o, "Timestamps", path), tPath)
        let vals = try array(try required(o, "Values", path), vPath)
        guard times.count == vals.count else {
            throw fail(vPath, "has \(vals.count) entries but Timestamps has \(times.count); they must pair up")
        }
        var timestamps: [EpochSeconds] = [], values: [Double] = []
        timestamps.reserveCapacity(times.count); values.reserveCapacity(vals.count)
        for (i, t) in times.enumerated() { timestamps.append(try timestamp(t, "\(tPath)[\(i)]")) }
        for (i, x) in vals.enumerated() { values.append(try number(x, "\(vPath)[\(i)]")) }
        var status = DataStatus.complete
        if let s = o["StatusCode"] {
            let sPath = join(path, "StatusCode")
            let text = try string(s, sPath)
            guard let parsed = DataStatus(rawValue: text) else {
                throw fail(sPath, "\"\(text)\" is not one of Complete, PartialData, InternalError, Forbidden")
            }
            status = parsed
        }
        let messages = try o["Messages"].map { m throws(MetricDataFileError) in try self.messages(m, join(path, "Messages")) } ?? []
        return RecordedMetricDataSource.Series(
            id: id, label: label, timestamps: timestamps, values: values, status: status, messages: messages
        )
    }

    /// `[{"Code": …, "Value": …}]` → `"Code: Value"` strings.
    func messages(_ v: JSONValue, _ path: String) throws(MetricDataFileError) -> [String] {
        var out: [String] = []
        for (i, m) in try array(v, path).enumerated() {
            let p = "\(path)[\(i)]"
            let o = try object(m, p)
            let code = try o["Code"].map { c throws(MetricDataFileError) in try string(c, join(p, "Code")) }
            let value = try o["Value"].map { c throws(MetricDataFileError) in try string(c, join(p, "Value")) }
            switch (code, value) {
            case let (c?, v?): out.append("\(c): \(v)")
            case let (c?, nil): out.append(c)
            case let (nil, v?): out.append(v)
            case (nil, nil): break
            }
        }
        return out
    }
}
