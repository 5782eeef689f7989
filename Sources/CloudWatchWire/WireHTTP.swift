import ChartCore
import MetricQuery

/// An HTTP request as the wire layer sees it (the server converts its framework's request
/// into this; tests build them by hand).
public struct WireHTTPRequest: Sendable {
    public var method: String
    /// The path as sent, still percent-encoded, without the query.
    public var path: String
    /// The raw query string (after `?`), or empty.
    public var query: String
    /// Header names as sent; look-ups ignore case.
    public var headers: [(name: String, value: String)]
    /// The body after any `Content-Encoding: gzip` was removed.
    public var body: [UInt8]

    public init(method: String, path: String, query: String = "", headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.method = method; self.path = path; self.query = query; self.headers = headers; self.body = body
    }

    /// The first header called `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name.lowercased() == lower }?.value
    }
}

/// An HTTP response built by the wire layer.
public struct WireHTTPResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status; self.headers = headers; self.body = body
    }

    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name.lowercased() == lower }?.value
    }
}

/// The CloudWatch operations Graphshot serves.
public enum CloudWatchOperation: String, Sendable, Equatable, CaseIterable {
    case getMetricWidgetImage = "GetMetricWidgetImage"
    case putMetricData = "PutMetricData"
    case getMetricData = "GetMetricData"
    case getMetricStatistics = "GetMetricStatistics"
    case listMetrics = "ListMetrics"
    case putDashboard = "PutDashboard"
    case getDashboard = "GetDashboard"
    case listDashboards = "ListDashboards"
    case deleteDashboards = "DeleteDashboards"

    /// Whether the operation has an output shape (query responses then carry an `<Op>Result`
    /// element, even when it is empty as for DeleteDashboards); only PutMetricData has none.
    public var hasOutput: Bool { self != .putMetricData }
}

/// A decoded CloudWatch request: which protocol, which operation, and its input members.
public struct CloudWatchRequest: Sendable {
    public var wireProtocol: WireProtocol
    public var operation: CloudWatchOperation
    /// The input reader (named parameters, query-style paths in errors).
    public var input: WireReader
}

/// CloudWatch's wire conventions: service names, dispatch (api.md §2.1), response and error
/// encoding (§3.2–§5.3).
public enum CloudWatchWire {
    public static let targetPrefix = "GraniteServiceVersion20100801"
    public static let apiVersion = "2010-08-01"
    public static let xmlNamespace = "http://monitoring.amazonaws.com/doc/2010-08-01/"
    public static let cborPathPrefix = "/service/GraniteServiceVersion20100801/operation/"
    /// The `__type` namespace of JSON and CBOR errors.
    public static let errorNamespace = "com.amazonaws.cloudwatch#"

    /// Which protocol a request speaks, from its method, path and headers (the body is not
    /// needed). Nil: not a CloudWatch request.
    public static func detectProtocol(_ r: WireHTTPRequest) -> WireProtocol? {
        if r.path.hasPrefix(cborPathPrefix) { return .rpcv2Cbor }
        guard r.path == "/" || r.path.isEmpty else { return nil }
        if let target = r.header("X-Amz-Target"), target.hasPrefix(targetPrefix + ".") { return .awsJson }
        if r.method == "GET" { return r.query.contains("Action=") ? .awsQuery : nil }
        if r.method == "POST" {
            let type = r.header("Content-Type")?.lowercased() ?? ""
            if type.hasPrefix("application/x-www-form-urlencoded") { return .awsQuery }
            if type.hasPrefix("application/x-amz-json") { return .awsJson }
        }
        return nil
    }

    /// Decodes a CloudWatch request of protocol `p`. Errors come back ready to be written in
    /// that protocol.
    public static func decode(_ r: WireHTTPRequest, as p: WireProtocol) throws(WireError) -> CloudWatchRequest {
        switch p {
        case .awsJson:
            guard r.method == "POST" else { throw WireError(code: "InvalidAction", message: "awsJson1_0 requests must be POST") }
            let target = r.header("X-Amz-Target") ?? ""
            let name = String(target.dropFirst(targetPrefix.count + 1))
            guard target.hasPrefix(targetPrefix + "."), let op = CloudWatchOperation(rawValue: name) else {
                throw .unknownOperation(name.isEmpty ? target : name, protocol: p)
            }
            let value: WireValue
            if r.body.allSatisfy({ $0 == 0x20 || $0 == 0x0a || $0 == 0x0d || $0 == 0x09 }) {
                value = .structure([])
            } else {
                do {
                    value = WireValue(json: try JSONParser.parse(r.body))
                } catch {
                    throw .malformedBody("The request body is not valid JSON: \(error.description)")
                }
            }
            guard case .structure = value else { throw .malformedBody("The request body must be a JSON object, not \(value.typeName).") }
            return CloudWatchRequest(wireProtocol: p, operation: op, input: WireReader(value, fromText: false))

        case .rpcv2Cbor:
            guard r.method == "POST" else { throw WireError(code: "InvalidAction", message: "rpcv2Cbor requests must be POST") }
            let name = String(r.path.dropFirst(cborPathPrefix.count))
            guard let op = CloudWatchOperation(rawValue: name) else { throw .unknownOperation(name, protocol: p) }
            var value = WireValue.structure([])
            if !r.body.isEmpty {
                do {
                    value = try WireValue(cbor: try CBOR.decode(r.body))
                } catch {
                    throw .malformedBody("The request body is not valid CBOR: \(error.description)")
                }
            }
            guard case .structure = value else { throw .malformedBody("The request body must be a CBOR map, not \(value.typeName).") }
            return CloudWatchRequest(wireProtocol: p, operation: op, input: WireReader(value, fromText: false))

        case .awsQuery:
            var params: [(name: String, value: String)] = []
            let sources: [Substring] = r.method == "GET" ? [Substring(r.query)] : [Substring(r.query), Substring(decoding: r.body, as: UTF8.self)]
            for source in sources {
                guard let decoded = FormEncoding.decode(source) else {
                    throw WireError(code: "MalformedQueryString", status: 400, message: "The query string or form body has a malformed percent escape.")
                }
                params += decoded
            }
            // A query request carries its own signature parameters when presigned; they are not input members.
            params.removeAll { $0.name.hasPrefix("X-Amz-") }
            guard let action = params.last(where: { $0.name == "Action" })?.value else {
                throw WireError(code: "MissingAction", status: 400, message: "The request must contain the parameter Action.")
            }
            guard let op = CloudWatchOperation(rawValue: action) else { throw .unknownOperation(action, protocol: p) }
            if let version = params.last(where: { $0.name == "Version" })?.value, version != apiVersion {
                throw WireError(
                    code: "InvalidParameterValue", shape: "InvalidParameterValueException",
                    message: "Version \(version) is not supported; CloudWatch's API version is \(apiVersion).")
            }
            let value: WireValue
            do { value = try WireValue(queryParameters: params) } catch { throw WireError(error) }
            return CloudWatchRequest(wireProtocol: p, operation: op, input: WireReader(value, fromText: true))
        }
    }

    // MARK: Responses

    /// A successful response carrying `output` (a structure of the operation's output members).
    public static func success(
        _ p: WireProtocol, _ op: CloudWatchOperation, output: WireValue, requestId: String
    ) -> WireHTTPResponse {
        switch p {
        case .awsJson:
            return WireHTTPResponse(
                status: 200,
                headers: [("Content-Type", "application/x-amz-json-1.0"), ("x-amzn-RequestId", requestId)],
                body: WireJSON.encode(output))
        case .rpcv2Cbor:
            var headers = [("smithy-protocol", "rpc-v2-cbor"), ("Content-Type", "application/cbor"), ("x-amzn-RequestId", requestId)]
            if !op.hasOutput { headers.removeAll { $0.0 == "Content-Type" } }
            return WireHTTPResponse(
                status: 200, headers: headers.map { (name: $0.0, value: $0.1) },
                body: op.hasOutput ? CBOR.encode(output.cbor) : [])
        case .awsQuery:
            var xml = XMLWriter()
            xml.open("\(op.rawValue)Response", attributes: [("xmlns", xmlNamespace)])
            if op.hasOutput { xml.value("\(op.rawValue)Result", output) }
            xml.open("ResponseMetadata")
            xml.element("RequestId", requestId)
            xml.close("ResponseMetadata")
            xml.close("\(op.rawValue)Response")
            return WireHTTPResponse(
                status: 200, headers: [("Content-Type", "text/xml"), ("x-amzn-RequestId", requestId)],
                body: Array(xml.text.utf8))
        }
    }

    /// A raw body (`OutputFormat: image/png`): the HTTP response is the image itself.
    public static func raw(contentType: String, body: [UInt8], requestId: String) -> WireHTTPResponse {
        WireHTTPResponse(status: 200, headers: [("Content-Type", contentType), ("x-amzn-RequestId", requestId)], body: body)
    }

    /// An error in protocol `p`'s form, so botocore raises `ClientError` with `error.code`.
    public static func error(_ p: WireProtocol, _ error: WireError, requestId: String) -> WireHTTPResponse {
        let queryError = ("x-amzn-query-error", "\(error.code);\(error.faultName)")
        switch p {
        case .awsJson, .rpcv2Cbor:
            let body = WireValue.structure(
                [WireMember("__type", .string(errorNamespace + error.shape)), WireMember("message", .string(error.message))]
                    + error.extra)
            if p == .awsJson {
                return WireHTTPResponse(
                    status: error.status,
                    headers: [("Content-Type", "application/x-amz-json-1.0"), ("x-amzn-RequestId", requestId), queryError]
                        .map { (name: $0.0, value: $0.1) },
                    body: WireJSON.encode(body))
            }
            return WireHTTPResponse(
                status: error.status,
                headers: [("smithy-protocol", "rpc-v2-cbor"), ("Content-Type", "application/cbor"), ("x-amzn-RequestId", requestId), queryError]
                    .map { (name: $0.0, value: $0.1) },
                body: CBOR.encode(body.cbor))
        case .awsQuery:
            var xml = XMLWriter()
            xml.open("ErrorResponse", attributes: [("xmlns", xmlNamespace)])
            xml.open("Error")
            xml.element("Type", error.faultName)
            xml.element("Code", error.code)
            xml.element("Message", error.message)
            for m in error.extra { xml.value(capitalized(m.name), m.value) }
            xml.close("Error")
            xml.element("RequestId", requestId)
            xml.close("ErrorResponse")
            return WireHTTPResponse(
                status: error.status, headers: [("Content-Type", "text/xml"), ("x-amzn-RequestId", requestId)],
                body: Array(xml.text.utf8))
        }
    }

    static func capitalized(_ s: String) -> String { s.prefix(1).uppercased() + s.dropFirst() }
}
