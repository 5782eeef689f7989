import MetricQuery

/// An error as CloudWatch reports it on every protocol (api.md §4.3, §5.3, §3.3, §6):
/// the query code (`InvalidParameterValue`), the JSON/CBOR shape name
/// (`InvalidParameterValueException`), the HTTP status and the fault side.
public struct WireError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The awsQuery `<Code>` and the code in `x-amzn-query-error` (what botocore reports as `Error.Code`).
    public var code: String
    /// The shape named in `__type` (`com.amazonaws.cloudwatch#<shape>`).
    public var shape: String
    public var status: Int
    /// `Sender` (the caller's fault, 4xx) or `Receiver` (5xx).
    public var isSenderFault: Bool
    public var message: String
    /// Further members of the error shape (e.g. `dashboardValidationMessages`).
    public var extra: [WireMember]

    public init(code: String, shape: String? = nil, status: Int = 400, message: String, extra: [WireMember] = []) {
        self.code = code; self.shape = shape ?? code; self.status = status
        self.isSenderFault = status < 500; self.message = message; self.extra = extra
    }

    public var description: String { "\(code): \(message)" }

    /// The wire form of a store or validation error.
    public init(_ e: CloudWatchAPIError) {
        let shape: String
        switch e.code {
        case .invalidParameterValue: shape = "InvalidParameterValueException"
        case .missingParameter: shape = "MissingRequiredParameterException"
        case .invalidParameterCombination: shape = "InvalidParameterCombinationException"
        case .validationError: shape = "ValidationError"
        case .resourceNotFound: shape = "DashboardNotFoundError"
        case .invalidNextToken: shape = "InvalidNextToken"
        case .limitExceeded: shape = "LimitExceededFault"
        case .internalServiceError: shape = "InternalServiceFault"
        case .throttling: shape = "ThrottlingException"
        case .dashboardInvalidInput: shape = "DashboardInvalidInputError"
        }
        self.init(code: e.code.rawValue, shape: shape, status: e.code.httpStatus, message: e.message)
    }

    /// `Sender` or `Receiver`.
    public var faultName: String { isSenderFault ? "Sender" : "Receiver" }

    // MARK: Common errors (api.md §6.2)

    public static func throttling(_ message: String = "Rate exceeded") -> WireError {
        WireError(code: "Throttling", shape: "ThrottlingException", status: 400, message: message)
    }

    public static func unknownOperation(_ name: String, protocol p: WireProtocol) -> WireError {
        switch p {
        case .awsQuery:
            WireError(code: "InvalidAction", status: 400, message: "The action \(name) is not valid for this web service.")
        case .awsJson, .rpcv2Cbor:
            WireError(
                code: "UnknownOperationException", status: 400,
                message: "The operation \(name) is not supported by this Graphshot server.")
        }
    }

    public static func internalFailure(_ message: String) -> WireError {
        WireError(code: "InternalFailure", status: 500, message: message)
    }

    public static func malformedBody(_ message: String) -> WireError {
        WireError(code: "SerializationException", status: 400, message: message)
    }

    public static func tooLarge(_ size: Int, limit: Int) -> WireError {
        WireError(
            code: "RequestEntityTooLarge", status: 413,
            message: "Request size \(size) exceeded \(limit) bytes")
    }

    // Signature Version 4 (AWS's codes for these failures).
    public static func missingAuthentication() -> WireError {
        WireError(code: "MissingAuthenticationToken", status: 403, message: "Request is missing Authentication Token")
    }

    public static func incompleteSignature(_ message: String) -> WireError {
        WireError(code: "IncompleteSignature", status: 400, message: message)
    }

    public static func invalidClientTokenId() -> WireError {
        WireError(code: "InvalidClientTokenId", status: 403, message: "The security token included in the request is invalid.")
    }

    public static func signatureDoesNotMatch() -> WireError {
        WireError(
            code: "SignatureDoesNotMatch", status: 403,
            message: "The request signature we calculated does not match the signature you provided. "
                + "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
    }

    public static func requestExpired(_ message: String) -> WireError {
        WireError(code: "RequestExpired", status: 400, message: message)
    }
}
