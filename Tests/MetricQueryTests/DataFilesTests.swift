import ChartCore
import Foundation
import MetricQuery
import Testing

/// A put-metric-data --cli-input-json file with every kind of datum.
let ordersJSON = """
{
  "Namespace": "Shop/Api",
  "MetricData": [
    { "MetricName": "Latency", "Dimensions": [{"Name": "Stage", "Value": "prod"}, {"Name": "Route", "Value": "/pay"}],
      "Timestamp": "2024-03-15T12:00:10Z", "Value": 120, "Unit": "Milliseconds" },
    { "MetricName": "Latency", "Dimensions": [{"Name": "Route", "Value": "/pay"}, {"Name": "Stage", "Value": "prod"}],
      "Timestamp": 1710504070, "Values": [100, 300], "Counts": [3, 1], "Unit": "Milliseconds" },
    { "MetricName": "Latency", "Dimensions": [{"Name": "Route", "Value": "/pay"}, {"Name": "Stage", "Value": "prod"}],
      "Timestamp": "2024-03-15T13:05:00.000+01:00",
      "StatisticValues": {"SampleCount": 2, "Sum": 500, "Minimum": 200, "Maximum": 300}, "Unit": "Milliseconds" },
    { "MetricName": "Orders", "Timestamp": "2024-03-15T12:00:00Z", "Value": 3, "StorageResolution": 1 },
    { "MetricName": "Orders", "Timestamp": "2024-03-15T12:00:20Z", "Values": [1, 2] }
  ]
}
"""

/// `aws cloudwatch get-metric-data` output: newest first, with a status and messages.
let recordedJSON = """
{
    "MetricDataResults": [
        {
            "Id": "m1",
            "Label": "CPUUtilization",
            "Timestamps": ["2024-03-15T12:10:00+00:00", "2024-03-15T12:05:00+00:00", "2024-03-15T12:00:00+00:00", "2024-03-15T11:00:00+00:00"],
            "Values": [3.5, 2.25, 1.0, 9.0],
            "StatusCode": "Complete"
        },
        {
            "Id": "m2",
            "Timestamps": [],
            "Values": [],
            "StatusCode": "Forbidden",
            "Messages": [{"Code": "Forbidden", "Value": "not authorized for account 123456789012"}]
        }
    ],
    "Messages": [{"Code": "MaxMetricsExceeded", "Value": "Maximum number of allowed metrics exceeded"}]
}
"""

@Suite("Metric data files")
struct DataFilesTests {
    static let now = at("2024-03-15T13:00:00Z")
    let orders = MetricIdentity(namespace: "Shop/Api", name: "Orders")

    func query(_ source: some MetricDataSource, _ q: MetricStatQuery, from: String, to: String) throws -> MetricDataResult {
        let r = try source.getMetricData(MetricDataRequest(queries: [q], start: at(from), end: at(to), now: Self.now))
        try #require(r.count == 1)
        return r[0]
    }

    @Test func putMetricDataDatums() throws {
        let datums = try MetricDataFiles.parsePutMetricData(ordersJSON, name: "orders.json")
        #expect(datums.count == 5)
        #expect(datums[0] == MetricDatum(metric: latency, timestamp: at("2024-03-15T12:00:10Z"), payload: .value(120), unit: "Milliseconds"))
        #expect(datums[1].timestamp == 1_710_504_070)
        #expect(datums[1].payload == .values([100, 300], counts: [3, 1]))
        #expect(datums[2].timestamp == at("2024-03-15T12:05:00Z"))
        #expect(datums[2].payload == .statisticValues(StatisticValues(sampleCount: 2, sum: 500, minimum: 200, maximum: 300)))
        #expect(datums[3] == MetricDatum(metric: orders, timestamp: at("2024-03-15T12:00:00Z"), payload: .value(3), unit: "None", storageResolution: 1))
        #expect(datums[4].payload == .values([1, 2], counts: [1, 1]))
    }

    @Test func loadedPutMetricDataAnswersQueries() throws {
        let source = try MetricDataFiles.load(contents: ordersJSON, name: "orders.json")
        let sum = try query(source, MetricStatQuery(id: "m1", metric: latency, stat: .sum, period: 300),
                            from: "2024-03-15T12:00:00Z", to: "2024-03-15T12:10:00Z")
        #expect(sum.timestamps == [at("2024-03-15T12:00:00Z"), at("2024-03-15T12:05:00Z")])
        #expect(sum.values == [120 + 600, 500])
        #expect(sum.unit == "Milliseconds")
        let n = try query(source, MetricStatQuery(id: "m1", metric: latency, stat: .sampleCount, period: 300),
                          from: "2024-03-15T12:00:00Z", to: "2024-03-15T12:10:00Z")
        #expect(n.values == [5, 2])
        let p50 = try query(source, MetricStatQuery(id: "m1", metric: latency, stat: .percentile(50), period: 300),
                            from: "2024-03-15T12:00:00Z", to: "2024-03-15T12:10:00Z")
        #expect(p50.values == [100])  // 100 ×3, 120, 300: rank 3 of 5
        let ordersSum = try query(source, MetricStatQuery(id: "m2", metric: orders, stat: .sum, period: 60),
                                  from: "2024-03-15T12:00:00Z", to: "2024-03-15T12:10:00Z")
        #expect(ordersSum.values == [6])
        #expect(ordersSum.unit == "None")
        // Only the StorageResolution 1 datum is visible at a 10-second period.
        let fine = try query(source, MetricStatQuery(id: "m2", metric: orders, stat: .sum, period: 10),
                             from: "2024-03-15T12:00:00Z", to: "2024-03-15T12:01:00Z")
        #expect(fine.values == [3])
    }

    @Test func arrayOfRequestsAndEntityMetricData() throws {
        let text = """
        [
          {"Namespace": "A", "MetricData": [{"MetricName": "x", "Timestamp": "2024-03-15T12:00:00Z", "Value": 1}]},
          {"Namespace": "B", "EntityMetricData": [{"Entity": {"KeyAttributes": {"Type": "Service"}},
             "MetricData": [{"MetricName": "y", "Timestamp": "2024-03-15T12:00:00Z", "Value": 2}]}],
           "StrictEntityValidation": false}
        ]
        """
        let datums = try MetricDataFiles.parsePutMetricData(text, name: "bundle.json")
        #expect(datums.map(\.metric) == [MetricIdentity(namespace: "A", name: "x"), MetricIdentity(namespace: "B", name: "y")])
        #expect(datums.map(\.payload) == [.value(1), .value(2)])
    }

    struct Invalid: Sendable, CustomStringConvertible {
        var json: String
        var error: String
        var description: String { error }
    }

    /// One datum inside a valid request, so each case shows the path of the bad field.
    static func datum(_ fields: String) -> String {
        """
        {"Namespace": "Shop", "MetricData": [
          {"MetricName": "ok", "Timestamp": "2024-03-15T12:00:00Z", "Value": 1},
          {"MetricName": "ok", "Timestamp": "2024-03-15T12:00:00Z", "Value": 1},
          {"MetricName": "ok", "Timestamp": "2024-03-15T12:00:00Z", "Value": 1},
          {\(fields)}
        ]}
        """
    }

    static let invalidPutMetricData: [Invalid] = [
        Invalid(json: datum(#""MetricName": "m", "Timestamp": "2024-03-15T12:00:00Z", "Value": "12""#),
                error: "orders.json: MetricData[3].Value: expected a number, found a string"),
        Invalid(json: datum(#""MetricName": "m", "Value": 1"#),
                error: "orders.json: MetricData[3].Timestamp: missing; a data file has no receive time to default to, so every datum needs a Timestamp"),
        Invalid(json: datum(#""MetricName": "m", "Timestamp": "2024-03-15", "Value": 1"#),
                error: "orders.json: MetricData[3].Timestamp: \"2024-03-15\" is not an ISO 8601 date-time such as 2024-03-01T12:00:00Z"),
        Invalid(json: datum(#""MetricName": "m", "Timestamp": true, "Value": 1"#),
                error: "orders.json: MetricData[3].Timestamp: expected an ISO 8601 string or epoch seconds, found a boolean"),
        Invalid(json: datum(#""MetricName": "m", "Timestamp": 1e300, "Value": 1"#),
                error: "orders.json: MetricData[3].Timestamp: epoch seconds 1e+300 are out of range"),
        Invalid(json: datum(#""Timestamp": "2024-03-15T12:00:00Z", "Value": 1"#),
                error: "orders.json: MetricData[3].MetricName: missing"),
        Invalid(json: datum(#""MetricName": "", "Timestamp": "2024-03-15T12:00:00Z", "Value": 1"#),
                error: "orders.json: MetricData[3].MetricName: must not be empty"),
        Invalid(json: datum(#""MetricName": "m", "Timestamp": "2024-03-15T12:00:00Z", "Value": 1, "StatisticValues": {"SampleCount": 1, "Sum": 1, "Minimum": 1, "Maximum": 1}"#),
                error: "orders.json: MetricData[3].StatisticValues: cannot be combined with Value or Values"),
        Invalid(json: datum(#""MetricName": "m", "Timestamp": "2024-03-15T12:00:00Z", "Value": 1, "Values": [1]"#),
                error: "orders.json: MetricData[3].Values: cannot be combined with Value"),
        Invalid(json: datum(#""MetricName": "m", "Timestamp": "2024-03-15T12:00:00Z", "Values": [1, 2, 3], "Counts": [1, 2]"#),
                error: "orders.json: MetricData[3].Counts: has 2 entries but Values has 3; they must be the same length"),
        Invalid(json: datum(#""MetricName": "m", "Timestamp": "2024-03-15T12:00:00Z", "Value": 1, "Counts": [1]"#),
                error: "orders.json: MetricData[3].Counts: given without Values"),
        Invalid(json: datum(#""MetricName": "m", "Timestamp": "2024-03-15T12:00:00Z", "Values": [1, 2], "Counts": [1, -2]"#),
                error: "orders.json: MetricData[3].Counts[1]: a count must not be negative"),
        Invalid(json: datum(#""MetricName": "m", "Timestamp": "2024-03-15T12:00:00Z", "Values": []"#),
                error: "orders.json: MetricData[3].Values: must hold at least one value"),
        Invalid(json: datum(#""MetricName": "m", "Timestamp": "2024-03-15T12:00:00Z", "Values": [1, null]"#),
                error: "orders.json: MetricData[3].Values[1]: expected a number, found null"),
        Invalid(json: datum(#""MetricName": "m", "Timestamp": "2024-03-15T12:00:00Z""#),
                error: "orders.json: MetricData[3]: one of Value, Values or StatisticValues is required"),
        Invalid(json: datum(#""MetricName": "m", "Timestamp": "2024-03-15T12:00:00Z", "StatisticValues": {"SampleCount": 1, "Minimum": 1, "Maximum": 1}"#),
                error: "orders.json: MetricData[3].StatisticValues.Sum: missing"),
        Invalid(json: datum(#""MetricName": "m", "Timestamp": "2024-03-15T12:00:00Z", "StatisticValues": {"SampleCount": 0, "Sum": 0, "Minimum": 1, "Maximum": 1}"#),
                error: "orders.json: MetricData[3].StatisticValues.SampleCount: must be greater than 0"),
        Invalid(json: datum(#""MetricName": "m", "Timestamp": "2024-03-15T12:00:00Z", "StatisticValues": {"SampleCount": 2, "Sum": 3, "Minimum": 2, "Maximum": 1}"#),
                error: "orders.json: MetricData[3].StatisticValues.Minimum: is greater than Maximum"),
        Invalid(json: datum(#""MetricName": "m", "Timestamp": "2024-03-15T12:00:00Z", "Value": 1, "Unit": "Millis""#),
                error: "orders.json: MetricData[3].Unit: \"Millis\" is not a CloudWatch StandardUnit"),
        Invalid(json: datum(#""MetricName": "m", "Timestamp": "2024-03-15T12:00:00Z", "Value": 1, "StorageResolution": 5"#),
                error: "orders.json: MetricData[3].StorageResolution: must be 1 (high resolution) or 60"),
        Invalid(json: datum(#""MetricName": "m", "Timestamp": "2024-03-15T12:00:00Z", "Value": 1e300"#),
                error: "orders.json: MetricData[3].Value: 1e+300 is outside −2^360…2^360"),
        Invalid(json: datum(#""MetricName": "m", "Timestamp": "2024-03-15T12:00:00Z", "Value": 1, "Dimensions": [{"Name": "A"}]"#),
                error: "orders.json: MetricData[3].Dimensions[0].Value: missing"),
        Invalid(json: datum(#""MetricName": "m", "Timestamp": "2024-03-15T12:00:00Z", "Value": 1, "Dimensions": [{"Name": ":A", "Value": "1"}]"#),
                error: "orders.json: MetricData[3].Dimensions[0].Name: must not start with ':'"),
        Invalid(json: datum(#""MetricName": "m", "Timestamp": "2024-03-15T12:00:00Z", "Value": 1, "Dimensions": [{"Name": "A", "Value": "1"}, {"Name": "A", "Value": "2"}]"#),
                error: "orders.json: MetricData[3].Dimensions[1].Name: dimension \"A\" is given twice"),
        Invalid(json: datum(#""MetricName": "m", "Timestamp": "2024-03-15T12:00:00Z", "Value": 1, "Dimensions": {"Name": "A"}"#),
                error: "orders.json: MetricData[3].Dimensions: expected an array, found an object"),
        Invalid(json: datum(#""MetricName": "m", "Timestamp": "2024-03-15T12:00:00Z", "Value": 1, "Dimensions": [\#((0...30).map { "{\"Name\": \"d\($0)\", \"Value\": \"v\"}" }.joined(separator: ","))]"#),
                error: "orders.json: MetricData[3].Dimensions: 31 dimensions; at most 30 are allowed"),
        Invalid(json: #"{"MetricData": [{"MetricName": "m", "Timestamp": "2024-03-15T12:00:00Z", "Value": 1}]}"#,
                error: "orders.json: Namespace: missing"),
        Invalid(json: #"{"Namespace": ":x", "MetricData": [{"MetricName": "m", "Timestamp": "2024-03-15T12:00:00Z", "Value": 1}]}"#,
                error: "orders.json: Namespace: must not start with ':'"),
        Invalid(json: #"{"Namespace": "\#(String(repeating: "n", count: 256))", "MetricData": []}"#,
                error: "orders.json: Namespace: longer than 255 characters"),
        Invalid(json: #"{"Namespace": "x", "MetricData": []}"#,
                error: "orders.json: MetricData: at least one datum is required"),
        Invalid(json: #"{"Namespace": "x", "MetricData": {}}"#,
                error: "orders.json: MetricData: expected an array, found an object"),
        Invalid(json: #"[{"Namespace": "x", "MetricData": [{"MetricName": "m", "Timestamp": "2024-03-15T12:00:00Z", "Value": 1}]}, {"MetricData": []}]"#,
                error: "orders.json: [1].Namespace: missing"),
        Invalid(json: #"[{"Namespace": "x", "MetricData": [{"MetricName": "m", "Timestamp": "2024-03-15T12:00:00Z", "Value": 1}]}, 7]"#,
                error: "orders.json: [1]: expected an object, found a number"),
        Invalid(json: "[]", error: "orders.json: the array holds no PutMetricData requests"),
        Invalid(json: #"{"Namespace": "x", "MetricData": [}"#,
                error: "orders.json: invalid JSON at line 1, column 35: unexpected character '}'"),
        Invalid(json: "{\n  \"Namespace\": \"x\",\n  \"MetricData\": [1 2]\n}",
                error: "orders.json: invalid JSON at line 3, column 20: expected ',' or ']' in an array"),
        Invalid(json: "", error: "orders.json: invalid JSON at line 1, column 1: unexpected end of input"),
        Invalid(json: #"{"Namespace": "x"} trailing"#,
                error: "orders.json: invalid JSON at line 1, column 20: unexpected text after the JSON value"),
        Invalid(json: #"{"foo": 1}"#,
                error: #"orders.json: not a metric data file: expected get-metric-data output (an object with "MetricDataResults") or put-metric-data input (an object with "Namespace" and "MetricData", or an array of them)"#),
        Invalid(json: "42",
                error: #"orders.json: not a metric data file: expected get-metric-data output (an object with "MetricDataResults") or put-metric-data input (an object with "Namespace" and "MetricData", or an array of them)"#),
    ]

    @Test(arguments: invalidPutMetricData) func invalidPutMetricDataFiles(_ c: Invalid) {
        do {
            _ = try MetricDataFiles.load(contents: c.json, name: "orders.json")
            Issue.record("expected an error: \(c.error)")
        } catch {
            #expect(error.description == c.error)
        }
    }

    @Test func recordedOutputIsStoredAscending() throws {
        let (series, messages) = try MetricDataFiles.parseGetMetricDataOutput(recordedJSON, name: "cpu.json")
        #expect(series.count == 2)
        #expect(series[0].id == "m1")
        #expect(series[0].label == "CPUUtilization")
        #expect(series[0].timestamps == [at("2024-03-15T11:00:00Z"), at("2024-03-15T12:00:00Z"), at("2024-03-15T12:05:00Z"), at("2024-03-15T12:10:00Z")])
        #expect(series[0].values == [9, 1, 2.25, 3.5])
        #expect(series[0].status == .complete)
        #expect(series[1].label == nil)
        #expect(series[1].status == .forbidden)
        #expect(series[1].messages == ["Forbidden: not authorized for account 123456789012"])
        #expect(messages == ["MaxMetricsExceeded: Maximum number of allowed metrics exceeded"])
    }

    @Test func recordedSourceMatchesIdsAndFiltersTime() throws {
        let source = try MetricDataFiles.load(contents: recordedJSON, name: "cpu.json")
        let other = MetricIdentity(namespace: "AWS/EC2", name: "CPUUtilization")
        // Start 12:02 aligns to 12:00 for a 300 s period; end 12:10 is exclusive.
        let r = try query(source, MetricStatQuery(id: "m1", metric: other, stat: .average, period: 300),
                          from: "2024-03-15T12:02:00Z", to: "2024-03-15T12:10:00Z")
        #expect(r.label == "CPUUtilization")
        #expect(r.timestamps == [at("2024-03-15T12:00:00Z"), at("2024-03-15T12:05:00Z")])
        #expect(r.values == [1, 2.25])
        #expect(r.status == .complete)
        #expect(r.unit == nil)
        let forbidden = try query(source, MetricStatQuery(id: "m2", metric: other, stat: .average, period: 300),
                                  from: "2024-03-15T12:00:00Z", to: "2024-03-15T12:10:00Z")
        #expect(forbidden.status == .forbidden)
        #expect(forbidden.messages == ["Forbidden: not authorized for account 123456789012"])
        #expect(source.recorded.messages == ["MaxMetricsExceeded: Maximum number of allowed metrics exceeded"])
        // An unknown id falls through to the (empty) store.
        let unknown = try query(source, MetricStatQuery(id: "m3", metric: other, stat: .average, period: 300),
                                from: "2024-03-15T12:00:00Z", to: "2024-03-15T12:10:00Z")
        #expect(unknown.values.isEmpty)
        #expect(unknown.status == .complete)
    }

    @Test func recordedSourceAloneReportsMissingIds() throws {
        let recorded = RecordedMetricDataSource([RecordedMetricDataSource.Series(id: "m1", timestamps: [10, 0], values: [2, 1])])
        #expect(recorded.series["m1"]?.timestamps == [0, 10])
        let r = try recorded.getMetricData(MetricDataRequest(queries: [
            MetricStatQuery(id: "zz", metric: latency, stat: .sum, period: 60),
        ], start: 0, end: 600, now: 600))
        #expect(r == [MetricDataResult(id: "zz", messages: ["no recorded result with Id \"zz\""])])
    }

    @Test func recordedSourceTruncatesToTheBudget() throws {
        let recorded = RecordedMetricDataSource([RecordedMetricDataSource.Series(
            id: "m1", timestamps: (0..<10).map { Int64($0) * 60 }, values: (0..<10).map(Double.init)
        )])
        let r = try recorded.getMetricData(MetricDataRequest(queries: [
            MetricStatQuery(id: "m1", metric: latency, stat: .sum, period: 60),
        ], start: 0, end: 600, now: 600, maxDatapoints: 4))
        #expect(r[0].timestamps == [360, 420, 480, 540])
        #expect(r[0].status == .partialData)
        #expect(r[0].messages == ["the range holds 10 buckets, more than the 4 allowed; only the newest 4 are returned"])
    }

    @Test func recordingsAndStoreCombine() throws {
        let source = try MetricDataFiles.load(files: [
            ("orders.json", Array(ordersJSON.utf8)), ("cpu.json", Array(recordedJSON.utf8)),
        ])
        let results = try source.getMetricData(MetricDataRequest(queries: [
            MetricStatQuery(id: "m1", metric: latency, stat: .sum, period: 300),   // recorded
            MetricStatQuery(id: "m7", metric: latency, stat: .sum, period: 300),   // from the store
        ], start: at("2024-03-15T12:00:00Z"), end: at("2024-03-15T12:10:00Z"), now: Self.now))
        #expect(results.map(\.id) == ["m1", "m7"])
        #expect(results[0].values == [1, 2.25])
        #expect(results[1].values == [720, 500])
    }

    static let invalidRecorded: [Invalid] = [
        Invalid(json: #"{"MetricDataResults": [{"Id": "m1", "Timestamps": ["2024-03-15T12:00:00+00:00"], "Values": []}]}"#,
                error: "cpu.json: MetricDataResults[0].Values: has 0 entries but Timestamps has 1; they must pair up"),
        Invalid(json: #"{"MetricDataResults": [{"Id": "m1", "Timestamps": ["yesterday"], "Values": [1]}]}"#,
                error: "cpu.json: MetricDataResults[0].Timestamps[0]: \"yesterday\" is not an ISO 8601 date-time such as 2024-03-01T12:00:00Z"),
        Invalid(json: #"{"MetricDataResults": [{"Id": "m1", "Timestamps": [], "Values": [], "StatusCode": "Done"}]}"#,
                error: "cpu.json: MetricDataResults[0].StatusCode: \"Done\" is not one of Complete, PartialData, InternalError, Forbidden"),
        Invalid(json: #"{"MetricDataResults": [{"Id": "m1", "Values": []}]}"#,
                error: "cpu.json: MetricDataResults[0].Timestamps: missing"),
        Invalid(json: #"{"MetricDataResults": [{"Timestamps": [], "Values": []}]}"#,
                error: "cpu.json: MetricDataResults[0].Id: missing"),
        Invalid(json: #"{"MetricDataResults": [{"Id": "m1", "Timestamps": [], "Values": []}, {"Id": "m1", "Timestamps": [], "Values": []}]}"#,
                error: "cpu.json: MetricDataResults[1].Id: Id \"m1\" appears twice (also MetricDataResults[0])"),
        Invalid(json: #"{"MetricDataResults": [{"Id": "m1", "Timestamps": ["2024-03-15T12:00:00Z"], "Values": ["1"]}]}"#,
                error: "cpu.json: MetricDataResults[0].Values[0]: expected a number, found a string"),
        Invalid(json: #"{"MetricDataResults": [{"Id": "m1", "Label": 3, "Timestamps": [], "Values": []}]}"#,
                error: "cpu.json: MetricDataResults[0].Label: expected a string, found a number"),
        Invalid(json: #"{"MetricDataResults": [{"Id": "m1", "Timestamps": [], "Values": [], "Messages": [{"Code": 1}]}]}"#,
                error: "cpu.json: MetricDataResults[0].Messages[0].Code: expected a string, found a number"),
        Invalid(json: #"{"MetricDataResults": {}}"#,
                error: "cpu.json: MetricDataResults: expected an array, found an object"),
    ]

    @Test(arguments: invalidRecorded) func invalidRecordedFiles(_ c: Invalid) {
        do {
            _ = try MetricDataFiles.load(contents: c.json, name: "cpu.json")
            Issue.record("expected an error: \(c.error)")
        } catch {
            #expect(error.description == c.error)
        }
    }

    @Test func anIdMayBeRecordedInOneFileOnly() {
        do {
            _ = try MetricDataFiles.load(files: [("a.json", Array(recordedJSON.utf8)), ("b.json", Array(recordedJSON.utf8))])
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "b.json: MetricDataResults[0].Id: Id \"m1\" was already loaded from a.json")
        }
    }

    @Test func loadsFilesFromDisk() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("graphshot-data-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("orders.json").path, b = dir.appendingPathComponent("cpu.json").path
        try Data(ordersJSON.utf8).write(to: URL(fileURLWithPath: a))
        try Data(recordedJSON.utf8).write(to: URL(fileURLWithPath: b))
        let source = try MetricDataFiles.load(paths: [a, b])
        #expect(source.recorded.contains(id: "m1"))
        #expect(source.store.datapointCount(of: latency) == 3)
        let missing = dir.appendingPathComponent("nope.json").path
        #expect(throws: MetricDataFileError(file: missing, path: "", message: "cannot read the file")) {
            try MetricDataFiles.load(paths: [a, missing])
        }
    }

    @Test func awkwardButValidJSON() throws {
        // BOM, escapes, surrogate pairs, exponent numbers, duplicate keys (the last wins), unknown keys ignored.
        let text = "\u{FEFF}" + #"""
        {"Namespace": "Caf\u00e9 \ud83d\ude00", "Unknown": [null, true, {"x": -0.5e-3}],
         "MetricData": [{"MetricName": "a\"b\\c\/d\n", "Timestamp": 1.71e9, "Value": 1, "Value": 2.5E1}]}
        """#
        let datums = try MetricDataFiles.parsePutMetricData(text, name: "odd.json")
        #expect(datums.count == 1)
        #expect(datums[0].metric.namespace == "Café 😀")
        #expect(datums[0].metric.name == "a\"b\\c/d\n")
        #expect(datums[0].timestamp == 1_710_000_000)
        #expect(datums[0].payload == .value(25))
    }

    static let badJSON: [String] = [
        "[1,]", "{\"a\" 1}", "{\"a\": 01}", "[-]", "[1.]", "[1e]", "\"\\x\"", "\"\\ud800\"", "\"abc", "[tru]",
        "\"\u{01}\"", String(repeating: "[", count: 600) + String(repeating: "]", count: 600), "[1e999]", "{,}",
    ]

    @Test(arguments: badJSON) func malformedJSONIsAnErrorNotACrash(_ text: String) {
        #expect(throws: MetricDataFileError.self) { try MetricDataFiles.load(contents: text, name: "bad.json") }
    }

    @Test func loneSurrogatesAreAnError() {
        let text = #"{"Namespace": "x\ud800", "MetricData": [{"MetricName": "m", "Timestamp": 1.71e9, "Value": 1}]}"#
        do {
            _ = try MetricDataFiles.load(contents: text, name: "s.json")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == #"s.json: invalid JSON at line 1, column 17: unpaired UTF-16 surrogate in a \u escape"#)
        }
    }

    @Test func invalidUTF8IsAnError() {
        let bytes: [UInt8] = Array(#"{"Namespace": ""#.utf8) + [0xFF, 0xFE] + Array(#"", "MetricData": []}"#.utf8)
        #expect(throws: MetricDataFileError.self) { try MetricDataFiles.load(files: [("bin.json", bytes)]) }
    }
}
