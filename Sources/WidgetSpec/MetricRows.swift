import ChartCore

/// Parses the `metrics` array (spec §3): shorthand expansion, row options, limits and ids.
///
/// Rows are read in order; `prev` is the fully expanded positional list of the most
/// recent metric row (§3.2). Ids are resolved after every row has been read, because an
/// implicit id must skip numbers used by explicit ids *anywhere* in the widget (§3.6).
struct MetricRowsParser {
    /// Widget-level `stat` and `period`, the defaults for metric rows.
    let widgetStat: Statistic
    let widgetPeriod: Int

    /// The expanded positional list (namespace, name, dimension names and values) of the
    /// most recent metric row. Expression rows do not change it (§3.2 [?] decision).
    fileprivate(set) var prev: [String]?

    init(widgetStat: Statistic, widgetPeriod: Int) {
        self.widgetStat = widgetStat
        self.widgetPeriod = widgetPeriod
    }

    /// Parses every row of `metrics` (whose count the caller has already checked).
    mutating func parse(_ rows: [JSONValue], path: String) throws(WidgetError) -> [WidgetRow] {
        var parsed: [WidgetRow] = []
        var explicitIds: [String: Int] = [:]  // id → row index that declared it
        for (r, value) in rows.enumerated() {
            let (row, explicitId) = try parseRow(value, index: r, path: JSONPath.index(path, r))
            if case let (id, idPath)? = explicitId {
                if let first = explicitIds[id] {
                    throw WidgetError(.duplicateId, path: idPath, "id \"\(id)\" is already used by \(JSONPath.index(path, first))")
                }
                explicitIds[id] = r
            }
            parsed.append(row)
        }
        return Self.assignImplicitIds(parsed, explicit: Set(explicitIds.keys))
    }

    /// Gives rows without an explicit id the ids `m1, m2, …` (metric rows) and `e1, e2, …`
    /// (expression rows) in row order, skipping any number whose id is taken explicitly.
    ///
    /// Decision (§3.6 [REC]): the counters advance only over rows that need an implicit id,
    /// so `[{id:"a"}], [no id]` gives the second row `m1`.
    static func assignImplicitIds(_ rows: [WidgetRow], explicit: Set<String>) -> [WidgetRow] {
        var nextMetric = 0, nextExpression = 0
        func next(_ prefix: String, _ counter: inout Int) -> String {
            repeat { counter += 1 } while explicit.contains("\(prefix)\(counter)")
            return "\(prefix)\(counter)"
        }
        return rows.map { row in
            switch row {
            case .metric(var m) where m.idIsImplicit:
                m.id = next("m", &nextMetric)
                return .metric(m)
            case .expression(var e) where e.idIsImplicit:
                e.id = next("e", &nextExpression)
                return .expression(e)
            default:
                return row
            }
        }
    }

    // MARK: - One row

    /// One row; returns the row (implicit id still empty) and its explicit id with the id's path.
    private mutating func parseRow(
        _ value: JSONValue, index r: Int, path rowPath: String
    ) throws(WidgetError) -> (WidgetRow, (String, String)?) {
        guard case .array(let elements) = value else {
            throw .wrongType(rowPath, expected: "an array (a metric row or an expression row)", found: value)
        }
        guard !elements.isEmpty else {
            throw WidgetError(.invalidValue, path: rowPath, "the row is empty; it needs a namespace and a metric name, or an expression")
        }

        // Step 1: trailing objects are options, merged left to right (later keys win).
        var end = elements.count
        while end > 0, case .object = elements[end - 1] { end -= 1 }
        var merged = JSONObject()
        var origins: [String: String] = [:]
        for j in end..<elements.count {
            guard case .object(let object) = elements[j] else { continue }
            merged.members += object.members  // a lookup finds the last occurrence of a key
            for member in object { origins[member.key] = JSONPath.index(rowPath, j) }
        }
        let optionsPath = end < elements.count ? JSONPath.index(rowPath, elements.count - 1) : rowPath
        let options = ObjectReader(merged, path: optionsPath, keyOrigins: origins)

        let positional = elements[0..<end]
        if let j = positional.firstIndex(where: { if case .object = $0 { return true } else { return false } }) {
            throw WidgetError(.invalidValue, path: JSONPath.index(rowPath, j), "an options object must be the last element of the row")
        }

        // Step 2: an expression row has nothing but the options.
        let hasExpression = options.value("expression") != nil
        if positional.isEmpty {
            guard hasExpression else {
                throw WidgetError(
                    .invalidValue, path: rowPath,
                    "the row has no namespace and metric name, and its options have no \"expression\"")
            }
            return try parseExpressionRow(options, index: r)
        }
        if hasExpression {
            throw WidgetError(
                .invalidValue, path: rowPath,
                "a row is either a metric (namespace, name, dimensions) or an \"expression\", not both")
        }
        return try parseMetricRow(positional: Array(positional), options: options, index: r, path: rowPath)
    }

    private mutating func parseMetricRow(
        positional: [JSONValue], options: ObjectReader, index r: Int, path rowPath: String
    ) throws(WidgetError) -> (WidgetRow, (String, String)?) {
        // Step 7: positional slots are strings; numbers become their shortest decimal text.
        var tokens: [String] = []
        for (j, element) in positional.enumerated() {
            switch element {
            case .string(let s): tokens.append(s)
            case .number(let n): tokens.append(JSONValue.format(n))
            default: throw .wrongType(JSONPath.index(rowPath, j), expected: "a string", found: element)
            }
        }

        // Steps 3–5: shorthand. `source[i]` is the row position a list element came from,
        // nil when it was copied from `prev` (already validated there).
        let (expanded, source) = try expand(tokens, path: rowPath)
        func elementPath(_ i: Int) -> String { source[i].map { JSONPath.index(rowPath, $0) } ?? rowPath }

        // Step 6: even length, at least namespace and name.
        guard expanded.count >= 2 else {
            throw WidgetError(.invalidValue, path: rowPath, "a metric row needs at least a namespace and a metric name")
        }
        guard expanded.count % 2 == 0 else {
            let name = expanded[expanded.count - 1]
            throw WidgetError(
                .invalidValue, path: JSONPath.index(rowPath, positional.count),
                "dimension \(JSONValue.quote(name)) has no value")
        }
        let dimensionCount = (expanded.count - 2) / 2
        guard dimensionCount <= WidgetLimits.maxDimensions else {
            throw WidgetError(
                .tooManyDimensions, path: rowPath,
                "the metric has \(dimensionCount) dimensions; at most \(WidgetLimits.maxDimensions) are allowed")
        }

        try Self.checkName(expanded[0], what: "namespace", path: elementPath(0), colonAllowed: false)
        try Self.checkName(expanded[1], what: "metric name", path: elementPath(1), colonAllowed: true)
        var dimensions: [Dimension] = []
        var seen = Set<String>()
        for k in 0..<dimensionCount {
            let ni = 2 + 2 * k, vi = ni + 1
            let name = expanded[ni], value = expanded[vi]
            try Self.checkName(name, what: "dimension name", path: elementPath(ni), colonAllowed: false)
            if value.isEmpty {
                throw WidgetError(.invalidValue, path: elementPath(vi), "dimension \(JSONValue.quote(name)) has an empty value")
            }
            if textLength(value) > WidgetLimits.maxDimensionValueLength {
                throw WidgetError(
                    .stringTooLong, path: elementPath(vi),
                    "the value of dimension \(JSONValue.quote(name)) is longer than \(WidgetLimits.maxDimensionValueLength) characters")
            }
            guard seen.insert(name).inserted else {
                throw WidgetError(.invalidValue, path: elementPath(ni), "dimension \(JSONValue.quote(name)) appears twice in the row")
            }
            dimensions.append(Dimension(name: name, value: value))
        }

        // Options (§3.3).
        let explicitId = try Self.explicitId(options)
        let spec = MetricRowSpec(
            rowIndex: r, id: explicitId?.0 ?? "", idIsImplicit: explicitId == nil,
            metric: MetricIdentity(namespace: expanded[0], name: expanded[1], dimensions: dimensions),
            dimensionsInRowOrder: dimensions,
            label: try options.string("label"),
            color: options.color("color"),
            visible: try options.bool("visible") ?? true,
            yAxis: try options.axisSide("yAxis") ?? .left,
            stat: try options.statistic("stat") ?? widgetStat,
            period: try options.period("period") ?? widgetPeriod,
            region: try options.string("region"),
            accountId: try options.string("accountId"))
        prev = expanded
        return (.metric(spec), explicitId)
    }

    /// The metric rows of `rows` with the `"..."`/`"."` shorthand written out (positional
    /// elements as strings, options objects kept); expression rows and rows that do not parse
    /// are left as they are (parsing reports them later).
    static func writtenOut(_ rows: [JSONValue]) -> [JSONValue] {
        var parser = MetricRowsParser(widgetStat: .average, widgetPeriod: 300)
        return rows.map { row in
            guard case .array(let elements) = row else { return row }
            var end = elements.count
            while end > 0, case .object = elements[end - 1] { end -= 1 }
            var tokens: [String] = []
            for element in elements[0..<end] {
                switch element {
                case .string(let s): tokens.append(s)
                case .number(let n): tokens.append(JSONValue.format(n))
                default: return row
                }
            }
            guard !tokens.isEmpty, let (expanded, _) = try? parser.expand(tokens, path: "") else { return row }
            parser.prev = expanded
            return .array(expanded.map { JSONValue.string($0) } + elements[end...])
        }
    }

    /// Steps 3–5 of §3.2. Returns the expanded list and, for each element, the row
    /// position it was written at (nil when copied from `prev`).
    ///
    /// Decision: in a row starting with `"..."`, a later `"."` is not a shorthand (step 5
    /// applies only "otherwise") and is kept as the literal text `"."`.
    func expand(_ tokens: [String], path rowPath: String) throws(WidgetError) -> ([String], [Int?]) {
        if let j = tokens.dropFirst().firstIndex(of: "...") {
            throw WidgetError(.invalidValue, path: JSONPath.index(rowPath, j), "\"...\" is only allowed as the first element of a row")
        }
        if tokens.first == "..." {
            let rest = tokens.dropFirst()
            guard let prev else {
                throw WidgetError(.invalidValue, path: JSONPath.index(rowPath, 0), "\"...\" needs a previous metric row")
            }
            let keep = prev.count - rest.count
            guard keep >= 2 else {
                throw WidgetError(
                    .invalidValue, path: JSONPath.index(rowPath, 0),
                    "\"...\" is followed by \(rest.count) elements but can only replace the previous metric row's "
                        + "\(prev.count - 2) dimension fields (the namespace and metric name always come from that row)")
            }
            let expanded = Array(prev[0..<keep]) + rest
            let source = Array(repeating: Int?.none, count: keep) + rest.indices.map { Int?.some($0) }
            return (expanded, source)
        }
        var expanded = tokens
        var source = tokens.indices.map { Int?.some($0) }
        for (i, token) in tokens.enumerated() where token == "." {
            guard let prev else {
                throw WidgetError(.invalidValue, path: JSONPath.index(rowPath, i), "\".\" needs a previous metric row to copy from")
            }
            guard i < prev.count else {
                throw WidgetError(
                    .invalidValue, path: JSONPath.index(rowPath, i),
                    "\".\" has nothing to copy: the previous metric row has only \(prev.count) elements")
            }
            expanded[i] = prev[i]
            source[i] = nil
        }
        return (expanded, source)
    }

    private func parseExpressionRow(_ options: ObjectReader, index r: Int) throws(WidgetError) -> (WidgetRow, (String, String)?) {
        let expressionPath = options.path(of: "expression")
        guard let expression = try options.string("expression") else {
            throw WidgetError(.missingField, path: expressionPath, "an expression row needs an \"expression\"")
        }
        if expression.isEmpty {
            throw WidgetError(.invalidValue, path: expressionPath, "the expression is empty")
        }
        if textLength(expression) > WidgetLimits.maxExpressionLength {
            throw WidgetError(
                .stringTooLong, path: expressionPath,
                "the expression is \(textLength(expression)) characters long; at most \(WidgetLimits.maxExpressionLength) are allowed")
        }
        let explicitId = try Self.explicitId(options)
        // `stat` does not apply to expressions (§3.3) and is ignored.
        let spec = ExpressionRowSpec(
            rowIndex: r, id: explicitId?.0 ?? "", idIsImplicit: explicitId == nil, expression: expression,
            label: try options.string("label"),
            color: options.color("color"),
            visible: try options.bool("visible") ?? true,
            yAxis: try options.axisSide("yAxis") ?? .left,
            period: try options.period("period"),
            region: try options.string("region"),
            accountId: try options.string("accountId"))
        return (.expression(spec), explicitId)
    }

    // MARK: - Rules

    /// Namespace, metric name or dimension name: 1–255 characters; namespaces and
    /// dimension names must not start with `:` (spec §3.1).
    private static func checkName(_ s: String, what: String, path: String, colonAllowed: Bool) throws(WidgetError) {
        if s.isEmpty { throw WidgetError(.invalidValue, path: path, "the \(what) is empty") }
        if textLength(s) > WidgetLimits.maxNameLength {
            throw WidgetError(
                .stringTooLong, path: path,
                "the \(what) \(JSONValue.quote(s)) is longer than \(WidgetLimits.maxNameLength) characters")
        }
        if !colonAllowed, s.hasPrefix(":") {
            throw WidgetError(.invalidValue, path: path, "the \(what) \(JSONValue.quote(s)) must not start with \":\"")
        }
    }

    /// The row's explicit `id` and its path, validated against `^[a-z][A-Za-z0-9_]*$`, 1–255.
    private static func explicitId(_ options: ObjectReader) throws(WidgetError) -> (String, String)? {
        guard let id = try options.string("id") else { return nil }
        let path = options.path(of: "id")
        guard isValidId(id) else {
            let why = id.utf8.count > WidgetLimits.maxIdLength
                ? "is longer than \(WidgetLimits.maxIdLength) characters"
                : "must start with a lower-case letter and contain only letters, digits and \"_\""
            throw WidgetError(.invalidId, path: path, "the id \(JSONValue.quote(id)) \(why)")
        }
        return (id, path)
    }

    /// `^[a-z][A-Za-z0-9_]*$`, at most 255 characters (spec §3.3).
    static func isValidId(_ id: String) -> Bool { CloudWatchRules.isValidId(id) }
}
