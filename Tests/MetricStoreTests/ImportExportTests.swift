import ChartCore
import ChartTestSupport
import Foundation
import MetricQuery
import MetricStore
import Testing

/// A scratch directory removed at the end of the test.
final class Scratch {
    let path = NSTemporaryDirectory() + "graphshot-store-test-\(UUID().uuidString)"
    init() { try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String, _ text: String) -> String {
        let p = path + "/" + name
        _ = FileManager.default.createFile(atPath: p, contents: Data(text.utf8))
        return p
    }
}

@Suite("Store import and export")
struct ImportExportTests {
    let now = at("2024-03-01T13:00:00Z")

    func sum(_ store: SQLiteMetricStore, _ metric: MetricIdentity, period: Int = 60, start: EpochSeconds = t0, end: EpochSeconds = t0 + 3600) throws -> [Double] {
        try query(store, metric, "Sum", period: period, start: start, end: end, now: now).values
    }

    @Test func csv() throws {
        let scratch = Scratch()
        let path = scratch.file("data.csv", """
            Timestamp,Namespace,Metric,Dimensions,Value,Unit
            2024-03-01T12:00:00Z,Shop,Latency,Host=a,12.5,Milliseconds
            1709294460,Shop,Latency,Host=a,2,Milliseconds

            2024-03-01T12:00:30Z,Shop,"Odd, name","K\\=1=v\\;x;Z=\\\\",3,
            2024-03-01T12:00:00Z,Shop,Latency,Host=b,4
            """)
        let store = try SQLiteMetricStore.temporary()
        var acks: [ImportBatchAck] = []
        let summary = try MetricImporter.importFile(path: path, into: store, options: ImportOptions(batchSize: 2)) { acks.append($0) }
        #expect(summary == ImportSummary(format: .csv, datums: 4, batches: 2))
        #expect(acks.map(\.committed) == [2, 4])
        #expect(try sum(store, latency) == [12.5, 2])
        let odd = MetricIdentity(namespace: "Shop", name: "Odd, name", dimensions: [Dimension(name: "K=1", value: "v;x"), Dimension(name: "Z", value: "\\")])
        #expect(try sum(store, odd) == [3])
        #expect(try query(store, latency, "Sum", period: 60, start: t0, end: t0 + 60, now: now).unit == "Milliseconds")
    }

    @Test(arguments: [
        ("2024-03-01T12:00:00Z,Shop,Latency,Host=a,NaN,", "line 1: metric.Value: the value NaN is invalid"),
        ("2024-03-01T12:00:00Z,Shop,Latency,Host=a,inf,", "line 1: metric.Value: the value Infinity is invalid"),
        ("yesterday,Shop,Latency,,1,", "line 1: timestamp \"yesterday\" is neither ISO 8601 (2024-03-01T12:00:00Z) nor epoch seconds"),
        ("2024-03-01T12:00:00Z,Shop,Latency,Host,1,", "line 1: dimension \"Host\" has no '=' (write Name=Value)"),
        ("2024-03-01T12:00:00Z,AWS/EC2,CPU,,1,", "line 1: namespace: \"AWS/EC2\" is reserved: namespaces starting with AWS/ belong to AWS services"),
        ("2024-03-01T12:00:00Z,Shop,Latency,,1,Furlongs", "line 1: metric.Unit: \"Furlongs\" is not a CloudWatch StandardUnit"),
        ("2024-03-01T12:00:00Z,Shop,Latency,1", "line 1: expected 6 fields (timestamp,namespace,metric,dimensions,value,unit), found 4"),
        ("\"2024-03-01T12:00:00Z,Shop", "line 1: a quoted field is not closed"),
    ])
    func csvErrorsNameTheLine(_ line: String, _ message: String) throws {
        let scratch = Scratch()
        let path = scratch.file("bad.csv", line + "\n")
        let store = try SQLiteMetricStore.temporary()
        do {
            _ = try MetricImporter.importFile(path: path, into: store)
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "\(path): \(message)")
        }
    }

    @Test func putMetricDataJSONInAnyMemberOrder() throws {
        let scratch = Scratch()
        // Namespace after MetricData, an entity, unknown members, and a second request.
        let path = scratch.file("requests.json", """
            [{"MetricData": [
                {"MetricName": "Latency", "Dimensions": [{"Name": "Host", "Value": "a"}], "Timestamp": "2024-03-01T12:00:00Z",
                 "Values": [1, 2, 3], "Counts": [1, 1, 2], "Unit": "Milliseconds"},
                {"MetricName": "Latency", "Dimensions": [{"Name": "Host", "Value": "a"}], "Timestamp": 1709294460,
                 "StatisticValues": {"SampleCount": 2, "Sum": 10, "Minimum": 4, "Maximum": 6}}
              ],
              "StrictEntityValidation": false,
              "EntityMetricData": [{"Entity": {"KeyAttributes": {"Type": "Service"}},
                "MetricData": [{"MetricName": "Latency", "Dimensions": [{"Name": "Host", "Value": "a"}], "Timestamp": "2024-03-01T12:02:00Z", "Value": 7}]}],
              "Namespace": "Shop"},
             {"Namespace": "Shop", "MetricData": [{"MetricName": "Latency", "Dimensions": [{"Name": "Host", "Value": "a"}],
               "Timestamp": "2024-03-01T12:02:30Z", "Value": 1, "StorageResolution": 1}]}]
            """)
        let store = try SQLiteMetricStore.temporary()
        let summary = try MetricImporter.importFile(path: path, into: store)
        #expect(summary == ImportSummary(format: .putMetricData, datums: 4, batches: 1))
        #expect(try sum(store, latency) == [9, 10, 8])
        #expect(try query(store, latency, "p50", period: 60, start: t0, end: t0 + 60, now: now).values == [2])
    }

    @Test(arguments: [
        (#"{"Namespace": "Shop", "MetricData": [{"MetricName": "L", "Timestamp": "2024-03-01T12:00:00Z", "Values": [1], "Value": 2}]}"#,
         "MetricData[0]: Value and Values cannot be given together"),
        (#"{"Namespace": "Shop", "MetricData": [{"MetricName": "L", "Value": 2}]}"#,
         "MetricData[0].Timestamp: missing; a file has no receive time to default to, so every datum needs a Timestamp"),
        (#"{"Namespace": "Shop", "MetricData": [{"MetricName": "L", "Timestamp": "2024-03-01T12:00:00Z", "Value": "2"}]}"#,
         "MetricData[0].Value: expected a number, found a string"),
        (#"[{"Namespace": "Shop", "MetricData": [{"MetricName": "L", "Timestamp": 1, "Value": 1}]}, {"MetricData": []}]"#,
         "[1].Namespace: missing"),
        (#"{"Namespace": "Shop", "MetricData": [{"MetricName": "L", "Timestamp": 1, "Value": 1}"#,
         "byte 84: unexpected end of file inside an array"),
    ])
    func jsonErrorsNameTheDatum(_ text: String, _ message: String) throws {
        let scratch = Scratch()
        let path = scratch.file("bad.json", text)
        let store = try SQLiteMetricStore.temporary()
        do {
            _ = try MetricImporter.importFile(path: path, into: store)
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "\(path): \(message)")
        }
    }

    @Test func getMetricDataOutput() throws {
        let scratch = Scratch()
        let path = scratch.file("gmd.json", """
            {"Messages": [], "MetricDataResults": [
              {"Id": "m1", "Label": "Orders", "Timestamps": ["2024-03-01T12:05:00Z", "2024-03-01T12:00:00Z"], "Values": [5, 3], "StatusCode": "Complete"},
              {"Id": "m2", "Timestamps": ["2024-03-01T12:00:10Z"], "Values": [1.5], "StatusCode": "Complete"}
            ]}
            """)
        let store = try SQLiteMetricStore.temporary()
        let summary = try MetricImporter.importFile(path: path, into: store, options: ImportOptions(namespace: "Recorded"))
        #expect(summary.format == .getMetricDataOutput && summary.datums == 3)
        #expect(try sum(store, MetricIdentity(namespace: "Recorded", name: "Orders"), period: 300) == [3, 5])
        #expect(try query(store, MetricIdentity(namespace: "Recorded", name: "m2"), "Sum", period: 10, start: t0, end: t0 + 60, now: now).values == [1.5])
    }

    @Test func exportRoundTrips() throws {
        let scratch = Scratch()
        let store = try SQLiteMetricStore.temporary()
        let other = MetricIdentity(namespace: "Batch", name: "Jobs", dimensions: [Dimension(name: "Queue", value: "\"q\"")])
        var data: [MetricDatum] = []
        for m in 0..<1500 {
            let t = t0 + EpochSeconds(m % 60) * 60
            data.append(MetricDatum(metric: latency, timestamp: t, payload: .values((0..<200).map { Double($0 + m) }, counts: [Double](repeating: 2, count: 200)), unit: "Milliseconds"))
            data.append(MetricDatum(metric: other, timestamp: t + 5, value: Double(m) * 0.1, storageResolution: 1))
        }
        data.append(MetricDatum(metric: other, timestamp: t0, payload: .statisticValues(StatisticValues(sampleCount: 3, sum: 5, minimum: 1, maximum: 3))))
        try store.write(data)
        let out = scratch.path + "/export.json"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        let handle = try #require(FileHandle(forWritingAtPath: out))
        let summary = try store.exportPutMetricData(to: handle)
        try handle.close()
        #expect(summary.metrics == 2)
        // Each request is valid PutMetricData (content rules) with at most 1,000 datums.
        let json = try JSONParser.parse(try #require(FileManager.default.contents(atPath: out)).map { $0 })
        guard case .array(let requests) = json else { Issue.record("not an array"); return }
        #expect(requests.count == summary.requests)
        let copy = try SQLiteMetricStore.temporary()
        _ = try MetricImporter.importFile(path: out, into: copy)
        for metric in [latency, other] {
            for s in ["SampleCount", "Sum", "Minimum", "Maximum", "p90", "TM(10%:90%)"] {
                for period in [1, 60, 3600] {
                    let a = try query(store, metric, s, period: period, start: t0, end: t0 + 3600, now: now)
                    let b = try query(copy, metric, s, period: period, start: t0, end: t0 + 3600, now: now)
                    #expect(a.timestamps == b.timestamps && zip(a.values, b.values).allSatisfy { close($0, $1) }, "\(metric.name) \(s) \(period)")
                    #expect(a.unit == b.unit)
                }
            }
        }
    }
}
