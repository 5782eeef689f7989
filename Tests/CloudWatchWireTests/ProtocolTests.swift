import ChartCore
import CloudWatchWire
import MetricQuery
import Testing

func jsonRequest(_ op: String, _ body: String) -> WireHTTPRequest {
    WireHTTPRequest(
        method: "POST", path: "/",
        headers: [("Content-Type", "application/x-amz-json-1.0"), ("X-Amz-Target", "GraniteServiceVersion20100801.\(op)")],
        body: Array(body.utf8))
}

func queryRequest(_ body: String) -> WireHTTPRequest {
    WireHTTPRequest(
        method: "POST", path: "/", headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
        body: Array(body.utf8))
}

func cborRequest(_ op: String, _ body: [UInt8]) -> WireHTTPRequest {
    WireHTTPRequest(
        method: "POST", path: "/service/GraniteServiceVersion20100801/operation/\(op)",
        headers: [("smithy-protocol", "rpc-v2-cbor"), ("Content-Type", "application/cbor")], body: body)
}

func decoded(_ r: WireHTTPRequest) throws -> CloudWatchRequest {
    let p = try #require(CloudWatchWire.detectProtocol(r))
    return try CloudWatchWire.decode(r, as: p)
}

@Suite("Wire protocols: dispatch and request decoding (api.md §2–§5)")
struct ProtocolTests {
    static let expectedPut = PutMetricDataInput(
        namespace: "App",
        metricData: [MetricDatumInput(metricName: "Lat", dimensions: [Dimension(name: "Host", value: "a")], timestamp: 1_704_164_645, value: 1.5)])

    static let expectedGet = GetMetricDataInput(
        queries: [MetricDataQueryInput(id: "m1", metricStat: MetricStatInput(metric: MetricIdentity(namespace: "App", name: "Lat"), period: 60, stat: "Average"))],
        startTime: 1_704_153_600, endTime: 1_704_157_200)

    @Test("the three protocols are told apart; other requests are not CloudWatch")
    func dispatch() {
        #expect(CloudWatchWire.detectProtocol(jsonRequest("PutMetricData", "{}")) == .awsJson)
        #expect(CloudWatchWire.detectProtocol(queryRequest("Action=ListMetrics")) == .awsQuery)
        #expect(CloudWatchWire.detectProtocol(cborRequest("ListMetrics", [0xa0])) == .rpcv2Cbor)
        #expect(CloudWatchWire.detectProtocol(WireHTTPRequest(method: "GET", path: "/", query: "Action=ListMetrics&Version=2010-08-01")) == .awsQuery)
        #expect(CloudWatchWire.detectProtocol(WireHTTPRequest(method: "GET", path: "/health")) == nil)
        #expect(CloudWatchWire.detectProtocol(WireHTTPRequest(method: "POST", path: "/", headers: [("Content-Type", "text/plain")])) == nil)
    }

    @Test("PutMetricData decodes the same from JSON, query and CBOR")
    func putMetricData() throws {
        let json = try decoded(jsonRequest("PutMetricData", #"{"Namespace": "App", "MetricData": [{"MetricName": "Lat", "Value": 1.5, "Timestamp": 1704164645, "Dimensions": [{"Name": "Host", "Value": "a"}]}]}"#))
        let query = try decoded(queryRequest(
            "Action=PutMetricData&Version=2010-08-01&Namespace=App&MetricData.member.1.MetricName=Lat&MetricData.member.1.Value=1.5"
                + "&MetricData.member.1.Timestamp=2024-01-02T03%3A04%3A05Z"
                + "&MetricData.member.1.Dimensions.member.1.Name=Host&MetricData.member.1.Dimensions.member.1.Value=a"))
        let cbor = try decoded(cborRequest("PutMetricData", bytes("""
            a2 69 4e616d657370616365 63 417070
               6a 4d657472696344617461 81
                  a4 6a 4d65747269634e616d65 63 4c6174
                     65 56616c7565 fb 3ff8000000000000
                     69 54696d657374616d70 c1 1a 65937d25
                     6a 44696d656e73696f6e73 81 a2 64 4e616d65 64 486f7374 65 56616c7565 61 61
            """)))
        for r in [json, query, cbor] {
            #expect(r.operation == .putMetricData)
            #expect(try PutMetricDataInput(r.input) == Self.expectedPut, "\(r.wireProtocol)")
        }
    }

    @Test("GetMetricData decodes the same from JSON, query and CBOR")
    func getMetricData() throws {
        let json = try decoded(jsonRequest("GetMetricData", #"{"MetricDataQueries": [{"Id": "m1", "MetricStat": {"Metric": {"Namespace": "App", "MetricName": "Lat"}, "Period": 60, "Stat": "Average"}}], "StartTime": 1704153600, "EndTime": 1704157200}"#))
        let query = try decoded(queryRequest(
            "Action=GetMetricData&Version=2010-08-01&MetricDataQueries.member.1.Id=m1"
                + "&MetricDataQueries.member.1.MetricStat.Metric.Namespace=App&MetricDataQueries.member.1.MetricStat.Metric.MetricName=Lat"
                + "&MetricDataQueries.member.1.MetricStat.Period=60&MetricDataQueries.member.1.MetricStat.Stat=Average"
                + "&StartTime=2024-01-02T00%3A00%3A00Z&EndTime=2024-01-02T01%3A00%3A00.000000Z"))
        let cbor = try decoded(cborRequest("GetMetricData", bytes("""
            a3 71 4d65747269634461746151756572696573 81
                  a2 62 4964 62 6d31
                     6a 4d657472696353746174 a3 66 4d6574726963 a2 69 4e616d657370616365 63 417070
                                                                    6a 4d65747269634e616d65 63 4c6174
                                                66 506572696f64 18 3c
                                                64 53746174 67 41766572616765
               69 537461727454696d65 c1 1a 65935200
               67 456e6454696d65 c1 1a 65936010
            """)))
        for r in [json, query, cbor] {
            #expect(try GetMetricDataRequest(r.input).input == Self.expectedGet, "\(r.wireProtocol)")
        }
    }

    @Test("query lists: member.N order, empty lists, entry maps, bad indexes")
    func queryShapes() throws {
        let r = try decoded(queryRequest(
            "Action=PutMetricData&Version=2010-08-01&Namespace=A&MetricData.member.2.MetricName=second&MetricData.member.1.MetricName=first"
                + "&MetricData.member.1.Values.member.1=1.0&MetricData.member.1.Values.member.2=2&MetricData.member.1.Counts.member.1=3"
                + "&MetricData.member.1.Counts.member.2=4&MetricData.member.2.Dimensions="
                + "&MetricData.member.2.StatisticValues.SampleCount=2&MetricData.member.2.StatisticValues.Sum=3"
                + "&MetricData.member.2.StatisticValues.Minimum=1&MetricData.member.2.StatisticValues.Maximum=2"))
        let input = try PutMetricDataInput(r.input)
        #expect(input.metricData.map(\.metricName) == ["first", "second"])
        #expect(input.metricData[0].values == [1, 2])
        #expect(input.metricData[0].counts == [3, 4])
        #expect(input.metricData[1].dimensions.isEmpty)
        #expect(input.metricData[1].statisticValues == StatisticSetInput(sampleCount: 2, sum: 3, minimum: 1, maximum: 2))

        let map = try WireValue(queryParameters: [("Tags.entry.1.key", "a"), ("Tags.entry.1.value", "1"), ("Tags.entry.2.key", "b")])
        #expect(map["Tags"] == .map([WireMember("a", .string("1")), WireMember("b", .string(""))]))
        #expect(throws: CloudWatchAPIError.self) { try WireValue(queryParameters: [("MetricData.member.0.MetricName", "x")]) }
        #expect(throws: CloudWatchAPIError.self) { try WireValue(queryParameters: [("MetricData.member.99999999.MetricName", "x")]) }
        let deep = Array(repeating: "a", count: 200_000).joined(separator: ".")
        #expect(throws: CloudWatchAPIError.self) { try WireValue(queryParameters: [(deep, "x")]) }
    }

    @Test("GetMetricWidgetImage output formats")
    func outputFormats() throws {
        let none = try GetMetricWidgetImageInput(WireReader(.structure([WireMember("MetricWidget", .string("{}"))]), fromText: false))
        #expect(none.outputFormat == ImageOutputFormat(kind: .png, raw: false))
        #expect(try ImageOutputFormat(parsing: "image/png") == ImageOutputFormat(kind: .png, raw: true))
        #expect(try ImageOutputFormat(parsing: "svg").contentType == "image/svg+xml")
        #expect(throws: CloudWatchAPIError(.invalidParameterValue, "The value gif for parameter OutputFormat is invalid. Valid values: png, image/png, svg, image/svg+xml, pdf, application/pdf.")) {
            try ImageOutputFormat(parsing: "gif")
        }
        #expect(throws: CloudWatchAPIError(.missingParameter, "The parameter MetricWidget is required.")) {
            try GetMetricWidgetImageInput(WireReader(.structure([]), fromText: false))
        }
    }

    @Test("type errors name the parameter, query style, on every protocol")
    func typeErrors() throws {
        let json = try decoded(jsonRequest("PutMetricData", #"{"Namespace": "A", "MetricData": [{"MetricName": "x", "Value": "high"}]}"#))
        #expect(throws: CloudWatchAPIError(.invalidParameterValue, "The parameter MetricData.member.1.Value must be a number, not a string.")) {
            try PutMetricDataInput(json.input)
        }
        let query = try decoded(queryRequest("Action=PutMetricData&Namespace=A&MetricData.member.1.MetricName=x&MetricData.member.1.Value=high"))
        #expect(throws: CloudWatchAPIError(.invalidParameterValue, "The value high for parameter MetricData.member.1.Value is not a number.")) {
            try PutMetricDataInput(query.input)
        }
    }

    @Test("unknown operations, bad bodies and missing Action")
    func badRequests() {
        func code(_ r: WireHTTPRequest) -> String? {
            do { _ = try decoded(r); return nil } catch let e as WireError { return e.code } catch { return "other" }
        }
        #expect(code(jsonRequest("PutMetricAlarm", "{}")) == "UnknownOperationException")
        #expect(code(cborRequest("Nope", [])) == "UnknownOperationException")
        #expect(code(queryRequest("Action=Nope&Version=2010-08-01")) == "InvalidAction")
        #expect(code(queryRequest("Version=2010-08-01")) == "MissingAction")
        #expect(code(queryRequest("Action=ListMetrics&Version=2010-08-01&Namespace=%zz")) == "MalformedQueryString")
        #expect(code(jsonRequest("ListMetrics", "{not json")) == "SerializationException")
        #expect(code(jsonRequest("ListMetrics", "[1]")) == "SerializationException")
        #expect(code(cborRequest("ListMetrics", [0x82, 0x01])) == "SerializationException")
        #expect(code(jsonRequest("ListMetrics", "")) == nil)
    }
}

@Suite("Wire protocols: responses and errors")
struct ResponseTests {
    @Test("GetMetricWidgetImage success on each protocol")
    func success() throws {
        let png: [UInt8] = [0x89, 0x50, 0x4e, 0x47]
        let out = GetMetricWidgetImageInput.output(image: png)
        let json = CloudWatchWire.success(.awsJson, .getMetricWidgetImage, output: out, requestId: "r1")
        #expect(String(decoding: json.body, as: UTF8.self) == #"{"MetricWidgetImage":"iVBORw=="}"#)
        #expect(json.header("x-amzn-RequestId") == "r1")
        #expect(json.header("Content-Type") == "application/x-amz-json-1.0")

        let xml = CloudWatchWire.success(.awsQuery, .getMetricWidgetImage, output: out, requestId: "r1")
        #expect(String(decoding: xml.body, as: UTF8.self) == """
            <GetMetricWidgetImageResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><GetMetricWidgetImageResult>\
            <MetricWidgetImage>iVBORw==</MetricWidgetImage></GetMetricWidgetImageResult><ResponseMetadata><RequestId>r1</RequestId>\
            </ResponseMetadata></GetMetricWidgetImageResponse>
            """)
        #expect(xml.header("Content-Type") == "text/xml")

        let cbor = CloudWatchWire.success(.rpcv2Cbor, .getMetricWidgetImage, output: out, requestId: "r1")
        #expect(cbor.body == bytes("a1 71 4d6574726963576964676574496d616765 44 89504e47"))
        #expect(cbor.header("smithy-protocol") == "rpc-v2-cbor")

        let put = CloudWatchWire.success(.awsQuery, .putMetricData, output: .structure([]), requestId: "r2")
        #expect(String(decoding: put.body, as: UTF8.self).hasPrefix(#"<PutMetricDataResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><ResponseMetadata>"#))
    }

    @Test("GetMetricData output: timestamps per protocol")
    func getMetricDataOutput() throws {
        let out = GetMetricDataOutput(results: [
            MetricDataResultOutput(id: "m1", label: "Lat", timestamps: [1_704_153_900, 1_704_153_600], values: [2, 1.5], statusCode: .complete),
        ]).wireValue()
        let json = String(decoding: WireJSON.encode(out), as: UTF8.self)
        #expect(json == #"{"MetricDataResults":[{"Id":"m1","Label":"Lat","Timestamps":[1704153900,1704153600],"Values":[2.0,1.5],"StatusCode":"Complete","Messages":[]}],"Messages":[]}"#)
        var xml = XMLWriter()
        xml.value("GetMetricDataResult", out)
        #expect(xml.text.contains("<Timestamps><member>2024-01-02T00:05:00Z</member><member>2024-01-02T00:00:00Z</member></Timestamps>"))
        #expect(xml.text.contains("<Messages/>"))
        let cbor = try CBOR.decode(CBOR.encode(out.cbor))
        guard case .map(let top) = cbor, case .array(let results) = top[0].value, case .map(let r) = results[0],
              case .array(let ts) = r[2].value else { Issue.record("shape"); return }
        #expect(ts[0] == .tagged(1, .unsigned(1_704_153_900)))
    }

    @Test("errors: __type + x-amzn-query-error on JSON/CBOR, ErrorResponse on query")
    func errors() throws {
        let e = WireError(CloudWatchAPIError(.invalidParameterValue, "The parameter MetricWidget is not valid JSON."))
        let json = CloudWatchWire.error(.awsJson, e, requestId: "r")
        #expect(json.status == 400)
        #expect(json.header("x-amzn-query-error") == "InvalidParameterValue;Sender")
        #expect(String(decoding: json.body, as: UTF8.self)
            == #"{"__type":"com.amazonaws.cloudwatch#InvalidParameterValueException","message":"The parameter MetricWidget is not valid JSON."}"#)

        let cbor = CloudWatchWire.error(.rpcv2Cbor, e, requestId: "r")
        let v = try WireValue(cbor: try CBOR.decode(cbor.body))
        #expect(v["__type"] == .string("com.amazonaws.cloudwatch#InvalidParameterValueException"))
        #expect(cbor.header("x-amzn-query-error") == "InvalidParameterValue;Sender")

        let xml = CloudWatchWire.error(.awsQuery, .throttling(), requestId: "r")
        #expect(String(decoding: xml.body, as: UTF8.self) == """
            <ErrorResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><Error><Type>Sender</Type><Code>Throttling</Code>\
            <Message>Rate exceeded</Message></Error><RequestId>r</RequestId></ErrorResponse>
            """)
        let server = CloudWatchWire.error(.awsJson, WireError(CloudWatchAPIError(.internalServiceError, "boom")), requestId: "r")
        #expect(server.status == 500)
        #expect(server.header("x-amzn-query-error") == "InternalServiceError;Receiver")
    }

    @Test("XML escaping and JSON string escaping")
    func escaping() {
        #expect(XMLWriter.escape("a<b & \"c\" 'd'>\u{1}") == "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;")
        #expect(String(decoding: WireJSON.encode(.string("q\"\\\n\u{1}é")), as: UTF8.self) == #""q\"\\\n\u0001é""#)
        #expect(XMLWriter.iso8601(1_704_153_600.25) == "2024-01-02T00:00:00.250Z")
    }

    @Test("page tokens round-trip; foreign tokens are rejected")
    func pageTokens() {
        #expect(PageToken.offset(PageToken.make(offset: 500)) == 500)
        #expect(PageToken.offset("bm9wZQ==") == nil)
        #expect(PageToken.offset("***") == nil)
    }
}
