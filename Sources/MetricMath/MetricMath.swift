import ChartCore

/// MetricMath: CloudWatch's metric-math language (metric-math.md).
///
/// Lexer → parser → AST with source positions → checker (ids, cycles, types) → a compiled
/// program evaluated over whole columns. SEARCH query strings, Metrics Insights queries and
/// dynamic labels are parsed here too. The module is pure: it never fetches data; the
/// caller (MetricQuery) hands it the series of metric rows and of catalogue look-ups.
///
/// # Using the engine (overview for integrators)
///
/// ```swift
/// // 1. Describe every row of the request, metric rows and expression rows, in request order.
/// let program = try MathProgram.compile(rows: [
///     .metric("m1", period: 60),
///     .metric("m2", period: 60),
///     .expression("e1", "m1 + m2 * 2"),
///     .expression("e2", "SUM(SEARCH('{AWS/EC2,InstanceId} CPUUtilization', 'Average'))"),
/// ])                                   // throws(MathError): every syntax/type/reference error,
///                                      // before any data is fetched (§13 wording)
/// // 2. Fetch what the program needs: every metric row, `program.searchCalls` (query, stat,
/// //    period) resolved against the catalogue, `program.insightsQueries`, and optionally up to
/// //    14 days of history for `program.anomalyHistoryRows`.
/// var inputs = MathInputs()
/// inputs.metrics["m1"] = MathSeriesInput(period: 60, timestamps: ts, values: vs)
/// inputs.searchResults[0] = [MathSeriesInput(period: 60, timestamps: …, values: …, label: "i-123")]
/// // 3. Evaluate. The context gives the aligned bucket grid per period (BucketAlignment, with
/// //    liveData trimming) and the period for rows that depend on no metric row.
/// let context = MathContext(defaultPeriod: 300) { period in MathGrid(start: …, period: period, count: …) }
/// let results = program.evaluate(inputs: inputs, context: context)
/// for row in results.rows {            // expression rows in request order
///     row.status                       // .complete, .partialData (SEARCH cut at 500 series)
///                                      // or .internalError (value nil; see row.message)
///     switch row.value {
///     case .series(let s)?: s.points() // (timestamps, values) of present points, ascending
///     case .array(let members)?:       // label each "<row label> <member label>" (§3.7):
///         members[0].origin            // .metric(row:id:), .search(call:result:),
///                                      // .insights(row:result:), .anomalyBand(source:upper:), .computed
///     case nil: break
///     }
/// }
/// ```
///
/// Data layout (see `MathColumn`): every series of one evaluation lives on one shared,
/// sorted timestamp grid (the union of all inputs' timestamps, plus the bucket grids that
/// FILL/TIME_SERIES/time functions need), as a contiguous `[Double]` column holding 0 at
/// missing points plus a `[UInt8]` presence mask. Expressions compile once; element-wise
/// operator chains are fused and run in cache-sized blocks; everything else is one pass per
/// column. Mixed periods need no special path: the union grid holds both sets of timestamps.
///
/// Limits (`MathLimits`): 1–2,048 characters per expression, nesting depth 100
/// (`nestingTooDeep`), SEARCH query ≤ 1,024 characters and ≤ 100 SEARCH calls (`searchLimit`),
/// 500 SEARCH series per request (more are cut, row `.partialData`), 20 million grid
/// timestamps per evaluation (every row `.internalError`).
///
/// Choices where metric-math.md leaves room (also noted at the code that implements them):
/// - Positions and lengths count Unicode scalars; a typographic quote is one character.
/// - `Circular dependency between e1, e2` lists the cycle's rows in request order; a
///   self-reference reads `Circular dependency between e1 and itself`. Rows that merely use a
///   row on a cycle are not reported separately.
/// - A bare upper-case word outside an argument (`m1 + REPEAT`) is a syntax error at the word;
///   `SELECT <word>` inside math is `insightsMixedWithMath`; a lower-case `select` is an id.
/// - A dropped intermediate point (÷0, overflow, LOG of ≤ 0) is *missing* for the next
///   operation, so `(m1/m2) + m3` keeps `m3`'s value where `m2` is 0.
/// - SORT puts members without points last for every key, SUM included; a non-integer limit
///   is floored; a limit < 1 is a type error when constant, a row error when computed.
/// - IF with a scalar condition and one scalar branch builds the constant series on the grid
///   of the other branch's period; with an array branch it works member by member.
/// - Empty results (FIRST of an empty array, a reduction of no members, stand-ins) have the
///   context's default period.
/// - ANOMALY_DETECTION_BAND's band covers every bucket of its input's grid; the per-bucket
///   window (same time of day on days −1…−14) uses the history input plus the displayed data.
/// - Metrics Insights rows evaluate to `.array` (one member per result series).
public enum MetricMath {}

/// One row of a request, as the math engine sees it.
public struct MathRow: Sendable, Equatable {
    public enum Content: Sendable, Equatable {
        /// A metric row (MetricStat) with its effective period in seconds.
        case metric(period: Int)
        /// An expression row: math, SEARCH, or a Metrics Insights `SELECT` query. `period` is
        /// the row's own `period` option (used only as described in metric-math.md §4).
        case expression(String, period: Int?)
    }
    public var id: String
    public var content: Content

    public init(id: String, content: Content) { self.id = id; self.content = content }
    public static func metric(_ id: String, period: Int) -> MathRow { MathRow(id: id, content: .metric(period: period)) }
    public static func expression(_ id: String, _ text: String, period: Int? = nil) -> MathRow {
        MathRow(id: id, content: .expression(text, period: period))
    }
}

/// A SEARCH call the caller must resolve against its metric catalogue before evaluation.
public struct MathSearchCall: Sendable, Equatable {
    /// Index into `MathInputs.searchResults`.
    public var index: Int
    /// The expression row containing the call.
    public var rowId: String
    /// The query string with the math-level escapes (`\'`, `\"`, `\\`) removed.
    public var query: String
    /// The query exactly as written between its quotes.
    public var rawQuery: String
    /// The statistic string (already checked to be a valid statistic).
    public var statistic: String
    /// The optional third argument; nil means the row's period, else the widget period.
    public var period: Int?
    /// Offset of `SEARCH` in the row's expression.
    public var position: Int
}

/// A Metrics Insights row: its query text is not parsed by the math engine; the caller runs
/// it and passes the result series in `MathInputs.insightsResults[rowId]`.
public struct MathInsightsQuery: Sendable, Equatable {
    public var rowId: String
    public var query: String
    public var period: Int?
}

/// The aligned bucket grid of one period: bucket starts `start + k·period` for `k < count`.
public struct MathGrid: Sendable, Equatable {
    public var start: EpochSeconds
    public var period: Int
    public var count: Int
    public init(start: EpochSeconds, period: Int, count: Int) {
        self.start = start; self.period = period; self.count = max(0, count)
    }
}

/// What the evaluator needs to know about the request besides data.
public struct MathContext: Sendable {
    /// The bucket grid for a period (GetMetricData alignment, `liveData` trimming applied):
    /// the grid that FILL, TIME_SERIES, MINUTE…EPOCH, IF's constant branches and
    /// ANOMALY_DETECTION_BAND fill (metric-math.md §4). MetricQuery passes
    /// `BucketAlignment.grid(...)`.
    public var grid: @Sendable (Int) -> MathGrid
    /// The period of rows that depend on no metric row and have no `period` of their own:
    /// the widget `period` (GetMetricData: the query's `Period`), else 300.
    public var defaultPeriod: Int

    public init(defaultPeriod: Int = 300, grid: @escaping @Sendable (Int) -> MathGrid) {
        self.defaultPeriod = defaultPeriod; self.grid = grid
    }

    /// A context for `[start, end)` whose grids start at `start` rounded down to a multiple
    /// of the period (epoch-aligned). Handy for tests and tools; renders use BucketAlignment.
    public init(start: EpochSeconds, end: EpochSeconds, defaultPeriod: Int = 300) {
        self.defaultPeriod = defaultPeriod
        self.grid = { period in
            guard period > 0, end > start else { return MathGrid(start: start, period: max(period, 1), count: 0) }
            let p = Int64(period)
            var s = start % p
            if s < 0 { s += p }
            let aligned = start - s
            let count = (end - aligned + p - 1) / p
            return MathGrid(start: aligned, period: period, count: Int(count))
        }
    }
}

/// One input series: a metric row's data, one SEARCH/Insights result, or anomaly history.
///
/// Three ways to give the values, all copied into the engine's column layout at evaluation
/// (the last one is zero-copy when the grid matches the evaluation grid):
/// - sparse present points (`timestamps`/`values`, like GetMetricData's answer);
/// - a dense grid with NaN for missing (like `ChartSeries`);
/// - a dense grid with a presence mask (the engine's own layout).
/// Non-finite values are treated as missing (CloudWatch never stores them).
public struct MathSeriesInput: Sendable {
    indirect enum Storage: Sendable {
        case points(timestamps: [EpochSeconds], values: [Double])
        case dense(start: EpochSeconds, values: [Double])
        case masked(start: EpochSeconds, values: MathBuffer<Double>, present: MathBuffer<UInt8>, bound: Double, dense: Bool)
    }
    public var period: Int
    /// The series label (SEARCH/Insights result label, or the metric row's label), carried
    /// to results so multi-series labels can be built.
    public var label: String?
    var storage: Storage

    /// Sparse points: `values[i]` at `timestamps[i]`. Unsorted input is sorted; for a
    /// repeated timestamp the last value wins.
    public init(period: Int, timestamps: [EpochSeconds], values: [Double], label: String? = nil) {
        self.period = period; self.label = label
        let n = min(timestamps.count, values.count)
        // Arrays of equal length are shared, not copied (the usual case: one per data point).
        storage = .points(timestamps: timestamps.count == n ? timestamps : Array(timestamps.prefix(n)),
                          values: values.count == n ? values : Array(values.prefix(n)))
    }

    /// A dense grid: `values[k]` at `gridStart + k·period`; NaN (or ±Inf) marks a missing bucket.
    public init(period: Int, gridStart: EpochSeconds, values: [Double], label: String? = nil) {
        self.period = period; self.label = label
        storage = .dense(start: gridStart, values: values)
    }

    /// The engine's own layout: `values[k]` at `gridStart + k·period` is present when
    /// `present[k] != 0`. Values at absent slots and non-finite values are set to 0/absent
    /// here (one scan; no copy when the input already follows the rule).
    public init(period: Int, gridStart: EpochSeconds, values: [Double], present: [UInt8], label: String? = nil) {
        self.period = period; self.label = label
        let n = min(values.count, present.count)
        var v = Array(values.prefix(n)), m = Array(present.prefix(n))
        let scan = MathKernels.canonicalize(values: &v, mask: &m)
        storage = .masked(start: gridStart, values: MathBuffer(v), present: MathBuffer(m, knownNonZeroCount: scan.present),
                          bound: scan.bound, dense: scan.present == n)
    }

    /// Number of timestamps (present or not) the input describes.
    var slotCount: Int {
        switch storage {
        case .points(let t, _): return t.count
        case .dense(_, let v): return v.count
        case .masked(_, let v, _, _, _): return v.count
        }
    }
}

/// Everything evaluation reads, keyed as the program asks for it.
public struct MathInputs: Sendable {
    /// Metric row id → its data. A metric row without an entry is an empty series.
    public var metrics: [String: MathSeriesInput] = [:]
    /// `MathSearchCall.index` → the matching series, in the order to use (label order, §10).
    public var searchResults: [Int: [MathSeriesInput]] = [:]
    /// Insights row id → its result series.
    public var insightsResults: [String: [MathSeriesInput]] = [:]
    /// Metric row id → data before the displayed range (up to 14 days) for
    /// ANOMALY_DETECTION_BAND; optional.
    public var history: [String: MathSeriesInput] = [:]

    public init() {}
}

/// Where a result series came from, so the caller can label it (metric-widget.md §3.7).
/// Element-wise results keep the origin of their left-most series operand (`METRICS()*2`
/// keeps each member's metric row); reductions and generated series are `.computed`.
public enum MathSeriesOrigin: Sendable, Equatable {
    /// The data of metric row `row` (index in the request), id `id`.
    case metric(row: Int, id: String)
    /// Result `result` of SEARCH call `call` (`MathSearchCall.index`).
    case search(call: Int, result: Int)
    /// Result `result` of the Metrics Insights row `row` (its id).
    case insights(row: String, result: Int)
    /// ANOMALY_DETECTION_BAND's upper or lower bound around `source` (label "<label> (upper)").
    indirect case anomalyBand(source: MathSeriesOrigin, upper: Bool)
    /// No single source: reductions, TIME_SERIES, DB_PERF_INSIGHTS stand-ins, …
    case computed
}

/// One evaluated time series.
///
/// Stored as columns over the evaluation's timestamp grid (`gridTimestamps`): `values[k]`
/// is meaningful only where `present[k] != 0`. Use `points()` for the present points.
public struct MathSeries: Sendable {
    /// The smallest period among the series it was computed from (§4).
    public var period: Int {
        get { column.period }
        set { column.period = newValue }
    }
    public var origin: MathSeriesOrigin {
        get { column.origin }
        set { column.origin = newValue }
    }
    /// The label of the input series it passes through (see `MathSeriesInput.label`).
    public var label: String? {
        get { column.label }
        set { column.label = newValue }
    }
    // Period, origin and label live in the column only: a result is copied a few times on
    // its way out, and a second copy of the origin and label doubled the reference counting.
    var column: MathColumn
    let grid: MathTimeGrid

    init(_ column: MathColumn, grid: MathTimeGrid) {
        self.column = column; self.grid = grid
    }

    /// The present points, ascending by time.
    public func points() -> (timestamps: [EpochSeconds], values: [Double]) {
        column.points(grid)
    }

    /// Number of present points.
    public var count: Int { column.presentCount }

    /// Every timestamp of the evaluation grid with NaN where the series has no point.
    public func denseValues() -> (timestamps: [EpochSeconds], values: [Double]) {
        (grid.timestamps, column.valuesWithNaN())
    }
}

/// The value of an expression row.
public enum MathValue: Sendable {
    case series(MathSeries)
    case array([MathSeries])

    /// The series, one for `.series`, all members for `.array`.
    public var allSeries: [MathSeries] {
        switch self {
        case .series(let s): return [s]
        case .array(let a): return a
        }
    }
}

/// The outcome of one expression row.
public struct MathRowResult: Sendable {
    public var id: String
    /// `.complete`; `.partialData` when a SEARCH result was cut at 500 series (the value is
    /// computed from what was kept); `.internalError` when the row could not be evaluated
    /// (`value` is nil). Other rows are unaffected (metric-math.md §2).
    public var status: DataStatus
    public var message: String?
    public var value: MathValue?
}

/// The outcome of `MathProgram.evaluate`.
public struct MathResults: Sendable {
    /// Expression rows (math, SEARCH, Insights) in request order.
    public var rows: [MathRowResult]
    let index: [String: Int]

    public subscript(id: String) -> MathRowResult? { index[id].map { rows[$0] } }
}
