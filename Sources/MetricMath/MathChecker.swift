import ChartCore

/// What an identifier refers to.
enum MathRowRef: Sendable, Equatable {
    case metric(Int)
    case expression(Int)
    case insights(Int)
}

/// Per-node facts the checker found.
struct MathNodeInfo: Sendable, Equatable {
    var type: MathType = .scalar
    var constant: MathConstant = .unknown
    var function: MathFunction?
    var ref: MathRowRef?
    /// METRICS(): the metric rows it selects, in row order.
    var metricRows: [Int] = []
    /// SEARCH: index into the program's search calls.
    var searchIndex: Int?
}

/// One request row after checking.
struct CheckedRow: Sendable {
    enum Content: Sendable {
        case metric(period: Int)
        case math(MathAST, [MathNodeInfo], period: Int?)
        case insights(text: String, period: Int?)
    }
    var id: String
    var content: Content
    /// Expression rows referenced directly (by id).
    var rowDependencies: [Int] = []
    /// Metric rows this row depends on, directly or through other rows (sorted).
    var metricDependencies: [Int] = []
    var resultType: MathType = .series
}

/// The whole request after checking: rows and the evaluation order of expression rows.
struct CheckedRequest: Sendable {
    var rows: [CheckedRow]
    /// Expression rows (math and Insights), dependencies first.
    var order: [Int]
    var searchCalls: [MathSearchCall]
}

/// Resolves ids, detects cycles and types every node (metric-math.md §1–§13). Collects one
/// error per row (the first found in that row) so a caller can show them all.
struct MathChecker {
    let rows: [MathRow]
    var errors: [Int: MathError] = [:]
    var checked: [CheckedRow] = []
    var idIndex: [String: Int] = [:]
    var searchCalls: [MathSearchCall] = []

    init(rows: [MathRow]) { self.rows = rows }

    mutating func fail(_ row: Int, _ kind: MathError.Kind, _ position: Int?, _ message: String) {
        if errors[row] == nil {
            errors[row] = MathError(rowId: rows[row].id, kind: kind, position: position, message: message)
        }
    }

    /// Runs every check; returns the request when no row has an error.
    mutating func run() -> CheckedRequest? {
        checkIds()
        parseRows()
        resolveIdentifiers()
        let order = orderRows()
        typeRows(order)
        countSearches()
        guard errors.isEmpty else { return nil }
        return CheckedRequest(rows: checked, order: order, searchCalls: searchCalls)
    }

    var sortedErrors: [MathError] { errors.keys.sorted().compactMap { errors[$0] } }

    // MARK: ids

    static func isValidId(_ id: String) -> Bool {
        let s = Array(id.unicodeScalars)
        guard let f = s.first, f >= "a" && f <= "z" else { return false }
        return s.allSatisfy { ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") || $0 == "_" }
    }

    mutating func checkIds() {
        for (i, row) in rows.enumerated() {
            if !MathChecker.isValidId(row.id) {
                fail(i, .invalidId, nil, "Invalid id \"\(row.id)\": ids start with a lower-case letter followed by letters, digits or _")
            } else if idIndex[row.id] != nil {
                fail(i, .invalidId, nil, "Duplicate id \(row.id)")
            } else {
                idIndex[row.id] = i
            }
        }
    }

    // MARK: parsing

    /// True when the first word of `text` is SELECT in any letter case (§11 [REC]).
    static func isInsightsQuery(_ text: String) -> Bool {
        var it = text.unicodeScalars.drop { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        var word = ""
        while let c = it.first, (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "_" {
            word.unicodeScalars.append(c)
            it = it.dropFirst()
        }
        return word.uppercased() == "SELECT"
    }

    mutating func parseRows() {
        var insightsRow: Int?
        for (i, row) in rows.enumerated() {
            switch row.content {
            case .metric(let period):
                checked.append(CheckedRow(id: row.id, content: .metric(period: period)))
            case .expression(let text, let period):
                let placeholder = CheckedRow(id: row.id, content: .insights(text: text, period: period))
                let length = text.unicodeScalars.count
                if length == 0 {
                    fail(i, .expressionEmpty, nil, "The expression is empty")
                    checked.append(placeholder); continue
                }
                if length > MathLimits.maxExpressionLength {
                    fail(i, .expressionTooLong, nil, "The expression is longer than \(MathLimits.maxExpressionLength) characters")
                    checked.append(placeholder); continue
                }
                if MathChecker.isInsightsQuery(text) {
                    if insightsRow != nil {
                        fail(i, .multipleInsightsQueries, 0, "Only one Metrics Insights query is allowed")
                    }
                    insightsRow = insightsRow ?? i
                    checked.append(placeholder); continue
                }
                do {
                    let tokens = try MathLexer.tokenize(text)
                    if let select = MathChecker.embeddedSelect(tokens) {
                        fail(i, .insightsMixedWithMath, select, "Metrics Insights queries cannot be combined with math in one expression")
                        checked.append(placeholder); continue
                    }
                    let ast = try MathParser.parse(text)
                    let infos = [MathNodeInfo](repeating: MathNodeInfo(), count: ast.nodes.count)
                    checked.append(CheckedRow(id: row.id, content: .math(ast, infos, period: period)))
                } catch {
                    if error.tooDeep {
                        fail(i, .nestingTooDeep, error.position, "Syntax error at position \(error.position): \(error.detail)")
                    } else {
                        fail(i, .syntax, error.position, "Syntax error at position \(error.position): \(error.detail)")
                    }
                    checked.append(placeholder)
                }
            }
        }
    }

    /// Case-sensitive substring test on Unicode scalars (METRICS('…') filter, §6).
    static func contains(_ text: String, _ part: String) -> Bool {
        let t = Array(text.unicodeScalars), p = Array(part.unicodeScalars)
        guard !p.isEmpty else { return true }
        guard p.count <= t.count else { return false }
        for start in 0...(t.count - p.count) where t[start] == p[0] {
            if t[start..<(start + p.count)].elementsEqual(p) { return true }
        }
        return false
    }

    /// The position of a `SELECT <word>` inside a math expression, if any.
    static func embeddedSelect(_ tokens: [MathToken]) -> Int? {
        for (k, t) in tokens.enumerated() {
            if case .word(let w) = t.kind, w.uppercased() == "SELECT", k + 1 < tokens.count,
               case .word = tokens[k + 1].kind {
                return t.position
            }
        }
        return nil
    }

    // MARK: identifiers and dependencies

    mutating func resolveIdentifiers() {
        for i in checked.indices {
            guard errors[i] == nil, case .math(let ast, var infos, let period) = checked[i].content else { continue }
            var deps: Set<Int> = []
            for (n, node) in ast.nodes.enumerated() {
                guard case .identifier(let name) = node.kind else { continue }
                guard let target = idIndex[name] else {
                    fail(i, .unrecognizedIdentifier, node.position, "Unrecognized identifier \(name)")
                    break
                }
                switch checked[target].content {
                case .metric: infos[n].ref = .metric(target)
                case .math:
                    infos[n].ref = .expression(target); deps.insert(target)
                case .insights:
                    if case .expression(let text, _) = rows[target].content, MathChecker.isInsightsQuery(text) {
                        infos[n].ref = .insights(target)
                    } else {
                        infos[n].ref = .expression(target)  // a row whose own text failed to parse
                    }
                    deps.insert(target)
                }
            }
            checked[i].content = .math(ast, infos, period: period)
            checked[i].rowDependencies = deps.sorted()
        }
    }

    /// Topological order of expression rows (dependencies first); rows on a cycle get a
    /// `Circular dependency between …` error (Tarjan's algorithm, iterative).
    mutating func orderRows() -> [Int] {
        let n = checked.count
        var index = [Int](repeating: -1, count: n), low = [Int](repeating: 0, count: n)
        var onStack = [Bool](repeating: false, count: n)
        var stack: [Int] = [], order: [Int] = []
        var counter = 0
        for root in 0..<n where index[root] < 0 {
            if case .metric = checked[root].content { continue }
            var work: [(node: Int, next: Int)] = [(root, 0)]
            index[root] = counter; low[root] = counter; counter += 1
            stack.append(root); onStack[root] = true
            while let (v, k) = work.last {
                let deps = checked[v].rowDependencies
                if k < deps.count {
                    work[work.count - 1].next += 1
                    let w = deps[k]
                    if index[w] < 0 {
                        index[w] = counter; low[w] = counter; counter += 1
                        stack.append(w); onStack[w] = true
                        work.append((w, 0))
                    } else if onStack[w] {
                        low[v] = min(low[v], index[w])
                    }
                    continue
                }
                work.removeLast()
                if let parent = work.last { low[parent.node] = min(low[parent.node], low[v]) }
                if low[v] == index[v] {
                    var component: [Int] = []
                    while let w = stack.popLast() {
                        onStack[w] = false
                        component.append(w)
                        if w == v { break }
                    }
                    let cyclic = component.count > 1 || checked[v].rowDependencies.contains(v)
                    if cyclic {
                        let members = component.sorted()
                        let names = members.map { checked[$0].id }
                        let message = members.count == 1
                            ? "Circular dependency between \(names[0]) and itself"
                            : "Circular dependency between \(names.joined(separator: ", "))"
                        for m in members { fail(m, .circularDependency, nil, message) }
                    }
                    order.append(contentsOf: component.sorted())
                }
            }
        }
        return order
    }

    // MARK: types

    mutating func typeRows(_ order: [Int]) {
        // What the typer needs from the other rows, kept outside `checked` so updating a row
        // never copies every other row.
        var scope = TypingScope(
            rowIds: rows.map(\.id),
            metricPeriods: checked.map { if case .metric(let p) = $0.content { return p } else { return nil } },
            resultTypes: checked.map(\.resultType),
            searchCallCount: 0)
        for i in order {
            // A row that uses a failed row is not checked further (its root cause is reported).
            if errors[i] != nil || checked[i].rowDependencies.contains(where: { errors[$0] != nil }) { continue }
            switch checked[i].content {
            case .metric: break
            case .insights:
                checked[i].resultType = .array(count: nil)
                scope.resultTypes[i] = .array(count: nil)
            case .math(let ast, var infos, let period):
                var metricDeps: Set<Int> = []
                for dep in checked[i].rowDependencies { metricDeps.formUnion(checked[dep].metricDependencies) }
                scope.searchCallCount = searchCalls.count
                var typer = NodeTyper(scope: scope, row: i, ast: ast, infos: infos)
                if let error = typer.run() {
                    errors[i] = error
                    continue
                }
                infos = typer.infos
                metricDeps.formUnion(typer.metricRowsUsed)
                searchCalls.append(contentsOf: typer.newSearchCalls)
                checked[i].content = .math(ast, infos, period: period)
                checked[i].metricDependencies = metricDeps.sorted()
                let result = infos[ast.root].type
                checked[i].resultType = result
                scope.resultTypes[i] = result
                switch result {
                case .series, .array: break
                default:
                    fail(i, .scalarResult, nil, "The expression must produce a time series or an array of time series")
                }
            }
        }
    }

    mutating func countSearches() {
        if searchCalls.count > MathLimits.maxSearchCalls, let extra = searchCalls.dropFirst(MathLimits.maxSearchCalls).first,
           let row = idIndex[extra.rowId] {
            fail(row, .searchLimit, extra.position,
                 "Too many SEARCH expressions: at most \(MathLimits.maxSearchCalls) are allowed per request")
        }
    }
}

/// Facts about the request's rows that typing one row needs.
struct TypingScope {
    var rowIds: [String]
    /// The period of each metric row; nil for expression rows.
    var metricPeriods: [Int?]
    /// Result types of rows typed so far.
    var resultTypes: [MathType]
    var searchCallCount: Int
}

/// Types the nodes of one expression, children before parents.
struct NodeTyper {
    let scope: TypingScope
    let row: Int
    let ast: MathAST
    var infos: [MathNodeInfo]
    var metricRowsUsed: Set<Int> = []
    var newSearchCalls: [MathSearchCall] = []
    var error: MathError?

    init(scope: TypingScope, row: Int, ast: MathAST, infos: [MathNodeInfo]) {
        self.scope = scope; self.row = row; self.ast = ast; self.infos = infos
    }

    var rowId: String { scope.rowIds[row] }

    mutating func run() -> MathError? {
        for n in ast.nodes.indices {
            typeNode(n)
            if let error { return error }
        }
        return nil
    }

    private mutating func fail(_ kind: MathError.Kind, _ position: Int, _ message: String) {
        if error == nil { error = MathError(rowId: rowId, kind: kind, position: position, message: message) }
    }

    private mutating func invalid(_ f: String, _ position: Int) {
        fail(.invalidArgument, position, "Invalid argument type for function \(f)")
    }

    private func type(_ n: Int) -> MathType { infos[n].type }

    private mutating func typeNode(_ n: Int) {
        let node = ast.nodes[n]
        switch node.kind {
        case .number(let v):
            infos[n].type = .scalar; infos[n].constant = .value(v)
        case .string:
            infos[n].type = .string
        case .keyword(let w):
            infos[n].type = .keyword(w)
        case .identifier:
            switch infos[n].ref {
            case .metric(let m):
                infos[n].type = .series; metricRowsUsed.insert(m)
            case .expression(let e):
                infos[n].type = scope.resultTypes[e]
            case .insights:
                infos[n].type = .array(count: nil)
            case nil:
                fail(.unrecognizedIdentifier, node.position, "Unrecognized identifier")
            }
        case .negate(let a):
            let t = type(a)
            guard t.isValue else { return fail(.invalidArgument, node.position, "Invalid operand type for operator -") }
            infos[n].type = t
            if case .value(let v) = infos[a].constant { infos[n].constant = .value(-v) }
            else if infos[a].constant == .missing { infos[n].constant = .missing }
        case .binary(let op, let a, let b):
            typeBinary(n, op, a, b, node.position)
        case .array(let elements):
            typeArray(n, elements, node.position)
        case .call(let name, let args):
            guard let f = MathFunction(rawValue: name) else {
                return fail(.unrecognizedFunction, node.position, "Unrecognized function \(name)")
            }
            infos[n].function = f
            typeCall(n, f, args, node.position)
        }
    }

    private mutating func typeBinary(_ n: Int, _ op: MathBinaryOp, _ a: Int, _ b: Int, _ position: Int) {
        let ta = type(a), tb = type(b)
        guard ta.isValue, tb.isValue else {
            return fail(.invalidArgument, position, "Invalid operand types for operator \(op.rawValue)")
        }
        switch (ta, tb) {
        case (.scalar, .scalar):
            infos[n].type = .scalar
            switch (infos[a].constant, infos[b].constant) {
            case (.value(let x), .value(let y)):
                let r = MathScalar.binary(op, x, y)
                infos[n].constant = r.map { .value($0) } ?? .missing
            case (.missing, _), (_, .missing):
                infos[n].constant = .missing
            default: break
            }
        case (.array(let ca), .array(let cb)):
            if let ca, let cb, ca != cb {
                return fail(.invalidArgument, position,
                            "Invalid operand types for operator \(op.rawValue): arrays of different sizes (\(ca) and \(cb))")
            }
            infos[n].type = .array(count: ca ?? cb)
        case (.array(let c), _), (_, .array(let c)):
            infos[n].type = .array(count: c)
        default:
            infos[n].type = .series
        }
    }

    private mutating func typeArray(_ n: Int, _ elements: [Int], _ position: Int) {
        var count: Int? = 0
        var strings = 0
        for e in elements {
            switch type(e) {
            case .series: count = count.map { $0 + 1 }
            case .array(let c): count = (count != nil && c != nil) ? count! + c! : nil
            case .string: strings += 1
            default:
                return fail(.invalidArgument, ast.nodes[e].position, "Arrays can only contain time series")
            }
        }
        if strings > 0 {
            guard strings == elements.count else {
                return fail(.invalidArgument, position, "Arrays can only contain time series")
            }
            infos[n].type = .stringArray(count: strings)
            return
        }
        infos[n].type = .array(count: count)
    }

    private func stringValue(_ n: Int) -> (value: String, raw: String)? {
        if case .string(let v, let r) = ast.nodes[n].kind { return (v, r) }
        return nil
    }

    private func keyword(_ n: Int) -> String? {
        if case .keyword(let w) = ast.nodes[n].kind { return w }
        return nil
    }

    private mutating func typeCall(_ n: Int, _ f: MathFunction, _ args: [Int], _ pos: Int) {
        let name = f.rawValue
        let types = args.map { type($0) }
        func seriesOrArray(_ t: MathType) -> Bool { t == .series || t.isArray }
        switch f {
        case .abs, .ceil, .floor, .log, .log10, .diff, .diffTime, .rate, .runningSum:
            guard types.count == 1, seriesOrArray(types[0]) else { return invalid(name, pos) }
            infos[n].type = types[0]
        case .avg, .max, .min, .sum, .stddev, .datapointCount:
            guard types.count == 1 else { return invalid(name, pos) }
            switch types[0] {
            case .series: infos[n].type = .scalar
            case .array: infos[n].type = .series
            default: return invalid(name, pos)
            }
        case .anomalyDetectionBand:
            guard (1...2).contains(types.count), types[0].isSeriesLike else { return invalid(name, pos) }
            if types.count == 2 {
                guard types[1] == .scalar else { return invalid(name, pos) }
                if case .value(let k) = infos[args[1]].constant, !(k > 0) { return invalid(name, pos) }
            }
            infos[n].type = .array(count: 2)
        case .dbPerfInsights:
            guard types.count == 3, let service = stringValue(args[0]), types[1] == .string else { return invalid(name, pos) }
            guard service.value == "RDS" || service.value == "DOCDB" else { return invalid(name, pos) }
            switch types[2] {
            case .string: infos[n].type = .series
            case .stringArray(let c): infos[n].type = .array(count: c)
            default: return invalid(name, pos)
            }
        case .fill:
            guard types.count == 2, seriesOrArray(types[0]) else { return invalid(name, pos) }
            if let k = keyword(args[1]) {
                guard k == "REPEAT" || k == "LINEAR" else { return invalid(name, pos) }
            } else {
                guard types[1] == .scalar || types[1].isSeriesLike else { return invalid(name, pos) }
            }
            infos[n].type = types[0]
        case .first, .last:
            guard types.count == 1, types[0].isArray else { return invalid(name, pos) }
            infos[n].type = .series
        case .if:
            guard (2...3).contains(types.count), types.allSatisfy(\.isValue) else { return invalid(name, pos) }
            let arrays = types.filter(\.isArray)
            if arrays.count > 1 { return invalid(name, pos) }
            if let a = arrays.first { infos[n].type = a }
            else if types.contains(.series) { infos[n].type = .series }
            else { infos[n].type = .scalar }
        case .insightRuleMetric:
            guard types.count == 2, types[0] == .string, let metric = stringValue(args[1]) else { return invalid(name, pos) }
            guard insightRuleMetricNames.contains(metric.value) else {
                return fail(.invalidArgument, ast.nodes[args[1]].position,
                            "Invalid metric name \"\(metric.value)\" for function INSIGHT_RULE_METRIC")
            }
            infos[n].type = .series
        case .lambda:
            fail(.unsupported, pos, "LAMBDA: custom data sources are not supported")
        case .metricCount:
            guard types.count == 1, types[0].isArray else { return invalid(name, pos) }
            infos[n].type = .scalar
            if case .array(let c?) = types[0] { infos[n].constant = .value(Double(c)) }
        case .metrics:
            var filter: String?
            if types.count == 1 {
                guard let s = stringValue(args[0]) else { return invalid(name, pos) }
                filter = s.value
            } else if !types.isEmpty {
                return invalid(name, pos)
            }
            var selected: [Int] = []
            for (r, period) in scope.metricPeriods.enumerated() where period != nil {
                if let filter, !MathChecker.contains(scope.rowIds[r], filter) { continue }
                selected.append(r)
            }
            infos[n].metricRows = selected
            metricRowsUsed.formUnion(selected)
            infos[n].type = .array(count: selected.count)
        case .minute, .hour, .day, .date, .month, .year, .epoch, .serviceQuota:
            guard types.count == 1, types[0].isSeriesLike else { return invalid(name, pos) }
            infos[n].type = .series
        case .period:
            guard types.count == 1 else { return invalid(name, pos) }
            guard case .metric(let m) = infos[args[0]].ref, let p = scope.metricPeriods[m] else {
                return fail(.periodRequiresMetric, pos, "PERIOD requires a metric")
            }
            infos[n].type = .scalar
            infos[n].constant = .value(Double(p))
        case .removeEmpty:
            guard types.count == 1, types[0].isArray else { return invalid(name, pos) }
            infos[n].type = .array(count: nil)
        case .search:
            typeSearch(n, args, types, pos)
        case .slice:
            guard (2...3).contains(types.count), types[0].isArray, types.dropFirst().allSatisfy({ $0 == .scalar }) else {
                return invalid(name, pos)
            }
            var count: Int?
            if case .array(let c?) = types[0] {
                let a = infos[args[1]].constant
                let b = types.count == 3 ? infos[args[2]].constant : .value(Double(c))
                if case .value(let x) = a, case .value(let y) = b {
                    let r = MathScalar.sliceRange(count: c, start: x, end: y)
                    count = r.count
                } else if a == .missing || b == .missing {
                    count = 0
                }
            }
            infos[n].type = .array(count: count)
        case .sort:
            guard (3...4).contains(types.count), types[0].isArray,
                  let fn = keyword(args[1]), ["AVG", "MIN", "MAX", "SUM"].contains(fn),
                  let order = keyword(args[2]), order == "ASC" || order == "DESC" else { return invalid(name, pos) }
            var count: Int? = nil
            if case .array(let c) = types[0] { count = c }
            if types.count == 4 {
                guard types[3] == .scalar else { return invalid(name, pos) }
                if case .value(let limit) = infos[args[3]].constant {
                    guard limit.rounded(.down) >= 1 else { return invalid(name, pos) }
                    if let c = count { count = Int(Swift.min(Double(c), limit.rounded(.down))) }
                } else {
                    count = nil
                }
            }
            infos[n].type = .array(count: count)
        case .timeSeries:
            guard types.count == 1, types[0] == .scalar else { return invalid(name, pos) }
            infos[n].type = .series
        }
    }

    private mutating func typeSearch(_ n: Int, _ args: [Int], _ types: [MathType], _ pos: Int) {
        guard (2...3).contains(types.count), let query = stringValue(args[0]), let stat = stringValue(args[1]) else {
            return invalid("SEARCH", pos)
        }
        guard (try? Statistic(parsing: stat.value)) != nil else { return invalid("SEARCH", pos) }
        if query.value.unicodeScalars.count > MathLimits.maxSearchQueryLength {
            return fail(.searchLimit, ast.nodes[args[0]].position,
                        "The SEARCH query is longer than \(MathLimits.maxSearchQueryLength) characters")
        }
        var period: Int?
        if types.count == 3 {
            guard case .value(let p) = infos[args[2]].constant, p >= 1, p <= Double(1 << 40), p == p.rounded(),
                  MathScalar.isValidPeriod(Int(p)) else { return invalid("SEARCH", pos) }
            period = Int(p)
        }
        infos[n].searchIndex = scope.searchCallCount + newSearchCalls.count
        newSearchCalls.append(MathSearchCall(
            index: infos[n].searchIndex!, rowId: rowId, query: query.value, rawQuery: query.raw,
            statistic: stat.value, period: period, position: pos))
        infos[n].type = .array(count: nil)
    }
}
