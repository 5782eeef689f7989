/// A checked and compiled request: every expression row of one widget or GetMetricData call.
///
/// Compile once, evaluate as often as needed (it is an immutable value, safe to share
/// between threads). See the overview on `MetricMath` for the whole flow.
public struct MathProgram: Sendable {
    let request: CheckedRequest
    let rowPrograms: [MathRowProgram]
    let registerCount: Int
    /// Some function needs the bucket grids (FILL, TIME_SERIES, MINUTE…EPOCH, IF with a
    /// constant branch, ANOMALY_DETECTION_BAND).
    let usesGrid: Bool
    /// Periods of TIME_SERIES grids known at compile time; `needsDefaultGrid` when one uses
    /// the context's default period.
    let staticGridPeriods: Set<Int>
    let needsDefaultGrid: Bool

    /// The SEARCH calls to resolve before evaluation, indexed by `MathSearchCall.index`.
    public let searchCalls: [MathSearchCall]
    /// The Metrics Insights row of the request, if any (at most one).
    public let insightsQueries: [MathInsightsQuery]
    /// Metric row ids used directly by ANOMALY_DETECTION_BAND: their data from before the
    /// displayed range (up to 14 days, `MathInputs.history`) improves the band.
    public let anomalyHistoryRows: [String]

    /// What every evaluation needs about the request's rows, worked out once here so an
    /// evaluation allocates and hashes as little as possible (a 100-row widget is
    /// re-evaluated on every render).
    /// Metric rows, as parallel arrays (reading an `Int` costs nothing; copying a struct with
    /// a string and an origin costs reference counts): id, row index, declared period (used
    /// when its data is missing), origin.
    let metricIds: [String]
    let metricRowIndex: [Int]
    let metricPeriods: [Int]
    let metricOrigins: [MathSeriesOrigin]
    /// Expression rows in request order: their row index and result register.
    let resultRows: [(row: Int, register: Int)]
    /// Expression row id → position in `MathResults.rows`.
    let resultIndex: [String: Int]
    /// Metrics Insights rows: their row index and id.
    let insightsRows: [(row: Int, id: String)]

    /// Checks and compiles `rows` (metric rows and expression rows, in request order).
    /// Throws the first error in row order; `diagnose(rows:)` lists all of them.
    public static func compile(rows: [MathRow]) throws(MathError) -> MathProgram {
        var checker = MathChecker(rows: rows)
        guard let request = checker.run() else {
            throw checker.sortedErrors.first ?? MathError(rowId: "", kind: .syntax, position: nil, message: "Invalid request")
        }
        return MathProgram(request)
    }

    /// Every error of the request, at most one per row, in row order (empty when it compiles).
    public static func diagnose(rows: [MathRow]) -> [MathError] {
        var checker = MathChecker(rows: rows)
        _ = checker.run()
        return checker.sortedErrors
    }

    init(_ request: CheckedRequest) {
        self.request = request
        let compiler = MathCompiler(request: request)
        rowPrograms = request.order.map { row in
            var program = compiler.compileRow(row)
            program.rowDependencies = request.rows[row].rowDependencies
            program.searchCallIndices = program.instructions.compactMap { ins in
                if case .search(let i) = ins.op { return i } else { return nil }
            }
            program.ownsResult = program.instructions.contains { $0.dst == program.result }
            return program
        }
        registerCount = compiler.registerCount
        searchCalls = request.searchCalls.sorted { $0.index < $1.index }
        var insights: [MathInsightsQuery] = []
        var usesGrid = false
        var periods: Set<Int> = []
        var needsDefault = false
        var history: [String] = []
        for row in request.rows {
            switch row.content {
            case .insights(let text, let period):
                insights.append(MathInsightsQuery(rowId: row.id, query: text, period: period))
            case .math(let ast, let infos, _):
                for (n, info) in infos.enumerated() where info.function?.usesGrid == true {
                    usesGrid = true
                    if info.function == .anomalyDetectionBand, case .call(_, let args) = ast.nodes[n].kind,
                       case .metric(let m)? = infos[args[0]].ref {
                        history.append(request.rows[m].id)
                    }
                }
            case .metric: break
            }
        }
        for program in rowPrograms {
            for ins in program.instructions {
                switch ins.op {
                case .timeSeries(_, let p?): periods.insert(p)
                case .timeSeries(_, nil): needsDefault = true
                default: break
                }
            }
        }
        self.usesGrid = usesGrid
        staticGridPeriods = periods
        needsDefaultGrid = needsDefault
        insightsQueries = insights
        var seen: Set<String> = []
        anomalyHistoryRows = history.filter { seen.insert($0).inserted }
        var metricIds: [String] = [], metricRowIndex: [Int] = [], metricPeriods: [Int] = []
        var metricOrigins: [MathSeriesOrigin] = []
        var resultRows: [(row: Int, register: Int)] = []
        var resultIndex: [String: Int] = [:]
        var registerOfRow: [Int: Int] = [:]
        for program in rowPrograms where registerOfRow[program.row] == nil { registerOfRow[program.row] = program.result }
        for (i, row) in request.rows.enumerated() {
            if case .metric(let period) = row.content {
                metricIds.append(row.id); metricRowIndex.append(i); metricPeriods.append(period)
                metricOrigins.append(.metric(row: i, id: row.id))
                continue
            }
            resultIndex[row.id] = resultRows.count
            resultRows.append((i, registerOfRow[i] ?? i))
        }
        self.metricIds = metricIds
        self.metricRowIndex = metricRowIndex
        self.metricPeriods = metricPeriods
        self.metricOrigins = metricOrigins
        insightsRows = request.rows.indices.compactMap { i in
            if case .insights = request.rows[i].content { return (i, request.rows[i].id) } else { return nil }
        }
        self.resultRows = resultRows
        self.resultIndex = resultIndex
    }

    /// Ids of the metric rows an expression row depends on, directly or through other rows.
    public func metricDependencies(ofRow id: String) -> [String] {
        guard let row = request.rows.first(where: { $0.id == id }) else { return [] }
        return row.metricDependencies.map { request.rows[$0].id }
    }

    /// Ids of all rows (any kind) in request order.
    var rowIds: [String] { request.rows.map(\.id) }

    /// Evaluates every expression row. Never throws: a row that fails at run time (e.g. an
    /// array of several series where one is required) gets status `.internalError` and a
    /// message; rows that use it fail too; the others are unaffected.
    public func evaluate(inputs: MathInputs, context: MathContext) -> MathResults {
        var runtime = MathRuntime(program: self, inputs: inputs, context: context)
        return runtime.run()
    }
}
