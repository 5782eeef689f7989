import ChartCore
import CloudWatchWire
import Foundation
import Graphshot
import GraphshotServer
import Testing

/// 2024-03-01T00:00:00Z.
let t0: EpochSeconds = 1_709_251_200

func makeContext(limiter: RateLimiter? = nil, verifier: SigV4Verifier? = nil, pool: RenderPool = RenderPool(threads: 2, queueDepth: 2)) throws -> ServiceContext {
    ServiceContext(
        store: InMemoryServerStore(), renderer: try Renderer(), pool: pool, limiter: limiter, verifier: verifier,
        clock: { Double(t0 + 3600) })
}

func json(_ op: String, _ body: String) -> WireHTTPRequest {
    WireHTTPRequest(
        method: "POST", path: "/",
        headers: [("Content-Type", "application/x-amz-json-1.0"), ("X-Amz-Target", "GraniteServiceVersion20100801.\(op)")],
        body: Array(body.utf8))
}

func text(_ r: WireHTTPResponse) -> String { String(decoding: r.body, as: UTF8.self) }

@Suite("CloudWatch service over the in-memory store")
struct ServiceTests {
    @Test("put → image → GetMetricData → ListMetrics → dashboards round trip")
    func roundTrip() async throws {
        let service = CloudWatchService(try makeContext())
        var data: [String] = []
        for i in 0..<30 { data.append(#"{"MetricName": "Lat", "Value": \#(i % 5), "Timestamp": \#(t0 + EpochSeconds(i * 60)), "Dimensions": [{"Name": "Host", "Value": "a"}]}"#) }
        let put = await service.handle(json("PutMetricData", #"{"Namespace": "App", "MetricData": [\#(data.joined(separator: ","))]}"#), rawBody: [])
        #expect(put.status == 200, "\(text(put))")

        let widget = #"{\"metrics\": [[\"App\", \"Lat\", \"Host\", \"a\"]], \"period\": 60, \"start\": \"2024-03-01T00:00:00Z\", \"end\": \"2024-03-01T00:30:00Z\", \"width\": 320, \"height\": 200}"#
        let image = await service.handle(json("GetMetricWidgetImage", #"{"MetricWidget": "\#(widget)"}"#), rawBody: [])
        #expect(image.status == 200)
        let value = WireValue(json: try JSONParser.parse(image.body))
        guard case .string(let b64)? = value["MetricWidgetImage"], let png = [UInt8](base64: b64) else {
            Issue.record("no image: \(text(image))"); return
        }
        #expect(png.starts(with: [0x89, 0x50, 0x4e, 0x47]))
        #expect(png[16..<24] == [0, 0, 1, 64, 0, 0, 0, 200])  // IHDR 320 × 200

        let raw = await service.handle(json("GetMetricWidgetImage", #"{"MetricWidget": "\#(widget)", "OutputFormat": "image/png"}"#), rawBody: [])
        #expect(raw.header("Content-Type") == "image/png")
        #expect(raw.body.starts(with: [0x89, 0x50, 0x4e, 0x47]))

        let gmd = await service.handle(json("GetMetricData", #"{"MetricDataQueries": [{"Id": "m1", "MetricStat": {"Metric": {"Namespace": "App", "MetricName": "Lat", "Dimensions": [{"Name": "Host", "Value": "a"}]}, "Period": 300, "Stat": "Sum"}}], "StartTime": \#(t0), "EndTime": \#(t0 + 1800), "ScanBy": "TimestampAscending"}"#), rawBody: [])
        #expect(text(gmd) == #"{"MetricDataResults":[{"Id":"m1","Label":"Lat","Timestamps":[1709251200,1709251500,1709251800,1709252100,1709252400,1709252700],"Values":[10.0,10.0,10.0,10.0,10.0,10.0],"StatusCode":"Complete","Messages":[]}],"Messages":[]}"#)

        let stats = await service.handle(json("GetMetricStatistics", #"{"Namespace": "App", "MetricName": "Lat", "Dimensions": [{"Name": "Host", "Value": "a"}], "StartTime": \#(t0), "EndTime": \#(t0 + 600), "Period": 300, "Statistics": ["Maximum", "SampleCount"]}"#), rawBody: [])
        #expect(text(stats).hasPrefix(#"{"Label":"Lat","Datapoints":[{"Timestamp":1709251200,"SampleCount":5.0,"Maximum":4.0,"Unit":"None"}"#), "\(text(stats))")
        let p50 = await service.handle(json("GetMetricStatistics", #"{"Namespace": "App", "MetricName": "Lat", "Dimensions": [{"Name": "Host", "Value": "a"}], "StartTime": \#(t0), "EndTime": \#(t0 + 600), "Period": 300, "ExtendedStatistics": ["p50"]}"#), rawBody: [])
        #expect(text(p50).hasPrefix(#"{"Label":"Lat","Datapoints":[{"Timestamp":1709251200,"Unit":"None","ExtendedStatistics":{"p50":2.0}}"#), "\(text(p50))")

        let list = await service.handle(json("ListMetrics", #"{"Dimensions": [{"Name": "Host"}]}"#), rawBody: [])
        #expect(text(list) == #"{"Metrics":[{"Namespace":"App","MetricName":"Lat","Dimensions":[{"Name":"Host","Value":"a"}]}]}"#)

        let body = #"{\"widgets\": [{\"type\": \"metric\", \"properties\": {\"region\": \"us-east-1\", \"metrics\": [[\"App\", \"Lat\", \"Host\", \"a\"]]}}]}"#
        #expect(await service.handle(json("PutDashboard", #"{"DashboardName": "ops", "DashboardBody": "\#(body)"}"#), rawBody: []).status == 200)
        let got = await service.handle(json("GetDashboard", #"{"DashboardName": "ops"}"#), rawBody: [])
        #expect(text(got).contains(#""DashboardArn":"arn:aws:cloudwatch::000000000000:dashboard/ops""#))
        let listed = await service.handle(json("ListDashboards", #"{"DashboardNamePrefix": "o"}"#), rawBody: [])
        #expect(text(listed).contains(#""DashboardName":"ops""#))
        let deleted = await service.handle(json("DeleteDashboards", #"{"DashboardNames": ["ops", "nope"]}"#), rawBody: [])
        #expect(deleted.status == 404)
        #expect(deleted.header("x-amzn-query-error") == "ResourceNotFound;Sender")
        #expect(await service.handle(json("GetDashboard", #"{"DashboardName": "ops"}"#), rawBody: []).status == 404)
    }

    @Test("validation errors carry CloudWatch's codes")
    func errors() async throws {
        let service = CloudWatchService(try makeContext())
        func code(_ op: String, _ body: String) async -> String? {
            await service.handle(json(op, body), rawBody: []).header("x-amzn-query-error")
        }
        #expect(await code("GetMetricWidgetImage", "{}") == "MissingParameter;Sender")
        #expect(await code("GetMetricWidgetImage", #"{"MetricWidget": "{\"metrics\": [], \"width\": 3000}"}"#) == "InvalidParameterValue;Sender")
        #expect(await code("GetMetricWidgetImage", #"{"MetricWidget": "{\"metrics\": [[\"A\", \"B\"]]}", "OutputFormat": "gif"}"#) == "InvalidParameterValue;Sender")
        #expect(await code("PutMetricData", #"{"Namespace": "A", "MetricData": []}"#) == "MissingParameter;Sender")
        #expect(await code("PutMetricData", #"{"Namespace": "A", "MetricData": [{"MetricName": "x", "Value": 1, "StatisticValues": {"SampleCount": 1, "Sum": 1, "Minimum": 1, "Maximum": 1}}]}"#) == "InvalidParameterCombination;Sender")
        #expect(await code("PutMetricData", #"{"Namespace": "A", "MetricData": [{"MetricName": "x", "Value": 1, "Timestamp": 1}]}"#) == "InvalidParameterValue;Sender")
        let many = Array(repeating: #"{"MetricName": "x", "Value": 1}"#, count: 1001).joined(separator: ",")
        #expect(await code("PutMetricData", #"{"Namespace": "A", "MetricData": [\#(many)]}"#) == "InvalidParameterValue;Sender")
        #expect(await code("GetMetricData", #"{"MetricDataQueries": [{"Id": "e1", "Expression": "m1 * 2"}], "StartTime": 0, "EndTime": 60}"#) == "InvalidParameterValue;Sender")
        #expect(await code("GetMetricData", #"{"MetricDataQueries": [{"Id": "M1", "MetricStat": {"Metric": {"Namespace": "A", "MetricName": "x"}, "Period": 60, "Stat": "Average"}}], "StartTime": 0, "EndTime": 60}"#) == "InvalidParameterValue;Sender")
        #expect(await code("PutDashboard", #"{"DashboardName": "bad name", "DashboardBody": "{}"}"#) == "InvalidParameterValue;Sender")
        let invalid = await service.handle(json("PutDashboard", #"{"DashboardName": "d", "DashboardBody": "{\"widgets\": 3}"}"#), rawBody: [])
        #expect(invalid.header("x-amzn-query-error") == "InvalidParameterInput;Sender")
        #expect(text(invalid).contains(#""dashboardValidationMessages":[{"DataPath":"/widgets""#))
        #expect(await code("ListMetrics", #"{"NextToken": "forged"}"#) == "InvalidParameterValue;Sender")
    }

    @Test("the rate limit and a full render pool answer Throttling at once")
    func throttling() async throws {
        let limited = CloudWatchService(try makeContext(limiter: RateLimiter(perSecond: 2)))
        let widget = #"{"MetricWidget": "{\"metrics\": [[\"A\", \"B\"]], \"width\": 50, \"height\": 50}"}"#
        var codes: [String?] = []
        for _ in 0..<3 { codes.append(await limited.handle(json("GetMetricWidgetImage", widget), rawBody: []).header("x-amzn-query-error")) }
        #expect(codes == [nil, nil, "Throttling;Sender"])

        let bucket = RateLimiter(perSecond: 20)
        #expect((0..<25).filter { _ in bucket.allow(now: 100) }.count == 20)
        #expect(!bucket.allow(now: 100.01))
        #expect(bucket.allow(now: 100.1))

        let pool = RenderPool(threads: 1, queueDepth: 0)
        let gate = DispatchSemaphore(value: 0)
        let blocker = Task { try await pool.run { gate.wait(); return 1 } }
        while pool.load == 0 { try await Task.sleep(for: .milliseconds(1)) }
        await #expect(throws: RenderPool.Full.self) { try await pool.run { 2 } }
        gate.signal()
        #expect(try await blocker.value == 1)
        #expect(try await pool.run { 3 } == 3)
    }

    @Test("identical image requests share a render until the data or the second changes")
    func renderCache() async throws {
        let context = try makeContext()
        let service = CloudWatchService(context)
        let widget = #"{"MetricWidget": "{\"metrics\": [[\"A\", \"B\"]], \"width\": 50, \"height\": 50}"}"#
        let first = await service.handle(json("GetMetricWidgetImage", widget), rawBody: [])
        let second = await service.handle(json("GetMetricWidgetImage", widget), rawBody: [])
        #expect(first.body == second.body)
        #expect(context.renders.hits == 1)
        _ = await service.handle(json("PutMetricData", #"{"Namespace": "A", "MetricData": [{"MetricName": "B", "Value": 1, "Timestamp": \#(t0 + 2400)}, {"MetricName": "B", "Value": 3, "Timestamp": \#(t0 + 2700)}, {"MetricName": "B", "Value": 2, "Timestamp": \#(t0 + 3000)}]}"#), rawBody: [])
        let third = await service.handle(json("GetMetricWidgetImage", widget), rawBody: [])
        #expect(context.renders.hits == 1)
        #expect(third.body != first.body)
        async let a = service.handle(json("GetMetricWidgetImage", widget.replacingOccurrences(of: "50", with: "60")), rawBody: [])
        async let b = service.handle(json("GetMetricWidgetImage", widget.replacingOccurrences(of: "50", with: "60")), rawBody: [])
        let (x, y) = await (a, b)
        #expect(x.body == y.body)
        #expect(context.renders.hits == 2)
        let off = CloudWatchService(ServiceContext(store: InMemoryServerStore(), renderer: try Renderer(), pool: RenderPool(threads: 1), renders: RenderCache(maxBytes: 0)))
        _ = await off.handle(json("GetMetricWidgetImage", widget), rawBody: [])
        _ = await off.handle(json("GetMetricWidgetImage", widget), rawBody: [])
        #expect(off.context.renders.hits == 0)
    }

    @Test("credentials files: lines or JSON")
    func credentials() throws {
        #expect(try GraphshotServer.parseCredentials("# keys\nAKID1 secret1\nAKID2=secret2\n", source: "f") == ["AKID1": "secret1", "AKID2": "secret2"])
        #expect(try GraphshotServer.parseCredentials(#"{"AKID": "s"}"#, source: "f") == ["AKID": "s"])
        #expect(throws: ServerStartError.self) { try GraphshotServer.parseCredentials("just-one-word\n", source: "f") }
        #expect(throws: ServerStartError.self) { try GraphshotServer.parseCredentials("", source: "f") }
    }

    @Test("snapshot cache: content-addressed, expiring, bounded")
    func snapshots() {
        let cache = SnapshotCache(ttl: 10, maxBytes: 10)
        let a = cache.store([1, 2, 3, 4, 5, 6], now: 0)
        #expect(a.count == 64)
        #expect(cache.get(a, now: 5) == [1, 2, 3, 4, 5, 6])
        #expect(cache.get(a, now: 11) == nil)
        let b = cache.store([1, 2, 3, 4, 5, 6], now: 20)
        #expect(a == b)
        let c = cache.store([9, 9, 9, 9, 9, 9], now: 21)
        #expect(cache.get(b, now: 22) == nil)  // evicted: 12 bytes > 10
        #expect(cache.get(c, now: 22) != nil)
    }
}

@Suite("SigV4 verification with swift-crypto")
struct SigV4Tests {
    static let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

    /// AWS's documented IAM example, signed at 2015-08-30T12:36:00Z.
    static let request = WireHTTPRequest(
        method: "GET", path: "/", query: "Action=ListUsers&Version=2010-05-08",
        headers: [
            ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"), ("Host", "iam.amazonaws.com"),
            ("X-Amz-Date", "20150830T123600Z"),
            ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"),
        ])

    static let signedAt = Double(ISO8601.parse("2015-08-30T12:36:00Z")!)

    @Test("AWS's example signature verifies; tampering, wrong keys and old dates do not")
    func verify() throws {
        let v = SigV4Verifier(credentials: ["AKIDEXAMPLE": Self.secret], hashing: CryptoHashing(), service: "iam")
        #expect(try v.verify(Self.request, rawBody: [], now: Self.signedAt + 60) == "AKIDEXAMPLE")
        func code(_ r: WireHTTPRequest, _ verifier: SigV4Verifier = v, now: Double = SigV4Tests.signedAt) -> String? {
            do { _ = try verifier.verify(r, rawBody: [], now: now); return nil } catch { return error.code }
        }
        var tampered = Self.request
        tampered.query = "Action=ListUsers&Version=2010-05-09"
        #expect(code(tampered) == "SignatureDoesNotMatch")
        #expect(code(Self.request, SigV4Verifier(credentials: ["AKIDEXAMPLE": "other"], hashing: CryptoHashing(), service: "iam")) == "SignatureDoesNotMatch")
        #expect(code(Self.request, SigV4Verifier(credentials: ["OTHER": Self.secret], hashing: CryptoHashing(), service: "iam")) == "InvalidClientTokenId")
        #expect(code(Self.request, now: Self.signedAt + 16 * 60) == "RequestExpired")
        #expect(code(Self.request, SigV4Verifier(credentials: ["AKIDEXAMPLE": Self.secret], hashing: CryptoHashing())) == "IncompleteSignature")
    }

    @Test("HMAC and SHA-256 match RFC 4231 and FIPS test vectors")
    func hashing() {
        let h = CryptoHashing()
        #expect(hex(h.sha256(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(hex(h.hmacSHA256(key: Array(repeating: 0x0b, count: 20), data: Array("Hi There".utf8)))
            == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
    }
}

@Suite("Scheduled store upkeep")
struct StoreUpkeepTests {
    @Test("maintain() compacts the SQLite store and invalidates renders only when points changed")
    func sqliteStoreCompacts() throws {
        let path = NSTemporaryDirectory() + "graphshot-upkeep-\(UUID().uuidString).sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let store = try SQLiteServerStore(path: path)
        let now = t0 + 3600
        // High-resolution points an hour old: kept at one-second resolution for three hours.
        let data = (0..<120).map { k in
            MetricDatumInput(metricName: "Latency", timestamp: now - 3600 + EpochSeconds(k), value: Double(k), storageResolution: 1)
        }
        try store.putMetricData(PutMetricDataInput(namespace: "Upkeep", metricData: data), now: now)
        let before = store.generation

        let first = try #require(try store.maintain(now: now))
        #expect(first.contains("120 points folded") && first.contains("0 blocks aggregated"), "\(first)")
        #expect(store.generation == before, "folding changes no answer, so cached renders stay valid")

        // Four hours later the one-second points are past their tier and become one-minute points.
        let later = try #require(try store.maintain(now: now + 4 * 3600))
        #expect(!later.contains(" 0 blocks aggregated"), "\(later)")
        #expect(store.generation != before, "aggregated points may draw differently")
        #expect(try InMemoryServerStore().maintain(now: now) == nil)
    }
}
