/// Why a MetricWidget was rejected. Every error names where in the JSON the problem is.
///
/// `description` reads like `metrics[2][3]: dimension "InstanceId" has no value`.
/// All kinds map to CloudWatch's `InvalidParameterValue` on the wire.
public struct WidgetError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// Not JSON, or not a JSON object at the top level.
        case invalidJSON
        /// A required field is missing.
        case missingField
        /// A field has the wrong JSON type.
        case wrongType
        /// A field has a value outside what the spec allows.
        case invalidValue
        /// The MetricWidget text is over 100 KB (102,400 bytes of UTF-8).
        case payloadTooLarge
        /// More than 100 rows in `metrics` (or none at all).
        case metricCountOutOfRange
        /// `width` or `height` outside 1…2000.
        case imageSizeOutOfRange
        /// More than 30 dimensions in one metric.
        case tooManyDimensions
        /// A string longer than its limit (names 255, dimension values 1024, expressions 2048).
        case stringTooLong
        /// An id that does not match `^[a-z][A-Za-z0-9_]*$` or is over 255 characters.
        case invalidId
        /// The same id on two rows.
        case duplicateId
        /// `start` is not before `end`.
        case invalidTimeRange
        /// A metric math, SEARCH or Metrics Insights expression that does not parse or check
        /// (`metrics[2]: Error in expression e1: Syntax error at position 4`).
        case invalidExpression
        /// `timezone` names a zone (`Area/Location`) that the time-zone rules do not know.
        case unknownTimeZone
    }

    public var kind: Kind
    /// A JSON path such as `metrics[2][3]` or `yAxis.left.min`; empty for the whole document.
    public var path: String
    public var message: String

    public init(_ kind: Kind, path: String, _ message: String) {
        self.kind = kind; self.path = path; self.message = message
    }

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

/// The limits of metric-widget spec §11, enforced exactly.
public enum WidgetLimits {
    public static let maxPayloadBytes = 102_400
    public static let maxRows = 100
    /// Rows in a dashboard metric widget's `metrics` (api.md §8.2).
    public static let maxDashboardRows = 500
    public static let imageSize = 1...2000
    public static let maxDimensions = 30
    public static let maxNameLength = 255
    public static let maxDimensionValueLength = 1024
    public static let maxExpressionLength = 2048
    public static let maxIdLength = 255
}
