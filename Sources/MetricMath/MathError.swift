/// Why an expression row was rejected before any data was fetched (metric-math.md §13).
///
/// `description` is the full message, e.g. `Error in expression e1: Syntax error at position 4:
/// unexpected "*"`; widgets turn it into `InvalidParameterValue`, GetMetricData into a
/// call-level 400 (`ValidationError` for `expressionTooLong`/`expressionEmpty`, §13).
public struct MathError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// The expression text is empty (the limit is 1–2048 characters).
        case expressionEmpty
        /// The expression text is longer than `MathLimits.maxExpressionLength`.
        case expressionTooLong
        /// `Syntax error at position N`.
        case syntax
        /// Nesting deeper than `MathLimits.maxNestingDepth`.
        case nestingTooDeep
        /// `Unrecognized function avg` (unknown name or wrong letter case).
        case unrecognizedFunction
        /// `Unrecognized identifier m9`.
        case unrecognizedIdentifier
        /// `Invalid argument type for function SORT` (wrong count or type), or an operator
        /// applied to operands it does not accept.
        case invalidArgument
        /// The final value is a scalar.
        case scalarResult
        /// `Circular dependency between e1, e2`.
        case circularDependency
        /// `PERIOD requires a metric`.
        case periodRequiresMetric
        /// A second Metrics Insights (`SELECT`) row.
        case multipleInsightsQueries
        /// `SELECT` inside a math expression.
        case insightsMixedWithMath
        /// A function whose backing service Graphshot does not have (`LAMBDA`).
        case unsupported
        /// More SEARCH calls, or a longer SEARCH query, than the limits allow.
        case searchLimit
        /// A row id that is malformed or used twice.
        case invalidId
    }

    /// The id of the expression row the error belongs to.
    public var rowId: String
    public var kind: Kind
    /// 0-based offset (in Unicode scalars) into the row's expression, when the error has a place.
    public var position: Int?
    /// The message after `Error in expression <id>: `.
    public var message: String

    public init(rowId: String, kind: Kind, position: Int?, message: String) {
        self.rowId = rowId; self.kind = kind; self.position = position; self.message = message
    }

    public var description: String { "Error in expression \(rowId): \(message)" }
}
