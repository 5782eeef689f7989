import ChartCore
import ChartTestSupport
import MetricMath
import PropertyBased
import Testing

/// Random well-typed expressions over random series with gaps (and mixed periods), checked
/// against `ReferenceEvaluator` to 1e-9 relative.
///
/// Scalar reductions of a single series (AVG, SUM, …) are only generated over metric rows,
/// whose values are multiples of 0.25: their sums are exact in any order, so the engine's
/// multi-lane summation and the reference's left-to-right sum agree bit for bit and a
/// comparison such as `m1 > AVG(m1)` cannot flip on a rounding difference.
@Suite struct MathPropertyTests {
    @Test func fastEvaluatorMatchesReference() async {
        await propertyCheck(count: 1000, input: Gen.uint64(in: 0...UInt64.max)) { seed in
            checkCase(seed: seed)
        }
    }

    /// Seeds that once failed (IF written over its own condition in place; empty results on
    /// the default period's grid), plus a few fixed ones.
    @Test(arguments: [UInt64(12_639_536_840_102_657_459), 4_046_985_094_342_925_763, 9_497_775_122_846_000_138, 1, 42, 1234])
    func fixedSeeds(seed: UInt64) { checkCase(seed: seed) }
}

struct PropertyCase {
    var metrics: [(id: String, series: RefSeries)]
    var expression: RefExpr
    var isArray: Bool
}

func checkCase(seed: UInt64, sourceLocation: SourceLocation = #_sourceLocation) {
    let t0 = MathFixture.t0
    let context = MathContext(start: t0, end: t0 + 15 * 60, defaultPeriod: 60)
    var gen = ExpressionGenerator(seed: seed, context: context)
    let testCase = gen.makeCase()
    let text = testCase.expression.text

    let rows = testCase.metrics.map { MathRow.metric($0.id, period: $0.series.period) } + [MathRow.expression("e1", text)]
    let program: MathProgram
    do {
        program = try MathProgram.compile(rows: rows)
    } catch {
        Issue.record("seed \(seed): \(text) did not compile: \(error)", sourceLocation: sourceLocation)
        return
    }
    var inputs = MathInputs()
    for m in testCase.metrics {
        let times = m.series.points.keys.sorted()
        inputs.metrics[m.id] = MathSeriesInput(period: m.series.period, timestamps: times, values: times.map { m.series.points[$0]! })
    }
    let result = program.evaluate(inputs: inputs, context: context)["e1"]
    guard let result, result.status == .complete, let value = result.value else {
        Issue.record("seed \(seed): \(text) failed: \(result?.message ?? "no result")", sourceLocation: sourceLocation)
        return
    }

    let reference = ReferenceEvaluator(
        metrics: testCase.metrics, grid: { p in
            let g = context.grid(p)
            return (0..<g.count).map { g.start + Int64($0 * p) }
        }, defaultPeriod: 60, rowPeriod: gen.rowPeriod(testCase.expression, testCase.metrics))
    let expected = reference.eval(testCase.expression)
    let got = value.allSeries.map { s -> [Int64: Double] in
        let p = s.points()
        return Dictionary(uniqueKeysWithValues: zip(p.timestamps, p.values))
    }
    let want: [[Int64: Double]]
    switch expected {
    case .series(let s): want = [s.points]
    case .array(let a): want = a.map(\.points)
    case .scalar: want = []
    }
    let context_ = "seed \(seed): \(text)"
    guard got.count == want.count else {
        Issue.record("\(context_): \(got.count) series, reference \(want.count)", sourceLocation: sourceLocation)
        return
    }
    for (k, (g, w)) in zip(got, want).enumerated() {
        let same = g.keys.sorted() == w.keys.sorted() && g.allSatisfy { t, v in
            let e = w[t]!
            return Swift.abs(v - e) <= 1e-9 * Swift.max(1, Swift.abs(v), Swift.abs(e))
        }
        if !same {
            let fmt = { (d: [Int64: Double]) in d.keys.sorted().map { "\(($0 - t0) / 60):\(d[$0]!)" }.joined(separator: " ") }
            Issue.record("\(context_): member \(k)\n engine    \(fmt(g))\n reference \(fmt(w))", sourceLocation: sourceLocation)
            return
        }
    }
}

/// Builds random data and a random well-typed expression tree from a seed.
struct ExpressionGenerator {
    var rng: SplitMix64
    let context: MathContext
    var ids: [String] = []

    init(seed: UInt64, context: MathContext) {
        rng = SplitMix64(seed: seed)
        self.context = context
    }

    mutating func int(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
    mutating func chance(_ p: Double) -> Bool { Double(rng.next() >> 11) / Double(1 << 53) < p }

    mutating func makeCase() -> PropertyCase {
        let count = 1 + int(4)
        var metrics: [(id: String, series: RefSeries)] = []
        for k in 1...count {
            let period = [60, 60, 60, 120, 300][int(5)]
            var s = RefSeries(period: period)
            let g = context.grid(period)
            let density = chance(0.1) ? 0.0 : [0.3, 0.7, 0.9, 1.0][int(4)]
            for i in 0..<g.count where chance(density) {
                s.points[g.start + Int64(i * period)] = Double(int(81) - 40) / 4
            }
            metrics.append(("m\(k)", s))
        }
        ids = metrics.map(\.id)
        let isArray = chance(0.3)
        var n: Int?
        let e = isArray ? array(3, count: &n) : series(3)
        return PropertyCase(metrics: metrics, expression: e, isArray: isArray)
    }

    /// TIME_SERIES period: the smallest period of the metric rows the expression uses.
    func rowPeriod(_ e: RefExpr, _ metrics: [(id: String, series: RefSeries)]) -> Int {
        var used: Set<String> = []
        func walk(_ e: RefExpr) {
            switch e {
            case .id(let id): used.insert(id)
            case .negate(let a): walk(a)
            case .binary(_, let a, let b): walk(a); walk(b)
            case .array(let xs): xs.forEach(walk)
            case .call(let f, let args):
                if f == "METRICS" {
                    var filter: String?
                    if case .string(let s)? = args.first { filter = s }
                    for m in metrics where filter.map(m.id.contains) ?? true { used.insert(m.id) }
                }
                args.forEach(walk)
            default: break
            }
        }
        walk(e)
        return metrics.filter { used.contains($0.id) }.map(\.series.period).min() ?? 60
    }

    mutating func id() -> RefExpr { .id(ids[int(ids.count)]) }

    mutating func literal() -> RefExpr {
        switch int(6) {
        case 0: return .number(0)
        case 1: return .number(Double(int(9)))
        default: return .number(Double(int(41) - 20) / 4)
        }
    }

    static let arithmetic = ["+", "-", "*", "/"]
    static let comparisons = ["==", "!=", "<", "<=", ">", ">=", "AND", "OR"]

    mutating func scalar(_ depth: Int) -> RefExpr {
        if depth <= 0 { return literal() }
        switch int(6) {
        case 0, 1: return literal()
        case 2: return .call(["AVG", "SUM", "MIN", "MAX", "DATAPOINT_COUNT", "STDDEV"][int(6)], [id()])
        case 3: return .binary((ExpressionGenerator.arithmetic + ["^"])[int(5)], scalar(depth - 1), scalar(depth - 1))
        case 4:
            var n: Int?
            return .call("METRIC_COUNT", [array(depth - 1, count: &n)])
        default: return .call("PERIOD", [id()])
        }
    }

    mutating func series(_ depth: Int) -> RefExpr {
        if depth <= 0 { return id() }
        switch int(15) {
        case 0: return id()
        case 1: return .binary(ExpressionGenerator.arithmetic[int(4)], series(depth - 1), series(depth - 1))
        case 2:
            if chance(0.2) { return .binary("^", series(depth - 1), .number([2, 0.5, -1][int(3)])) }
            let op = ExpressionGenerator.arithmetic[int(4)]
            return chance(0.5) ? .binary(op, series(depth - 1), scalar(depth - 1)) : .binary(op, scalar(depth - 1), series(depth - 1))
        case 3:
            let op = ExpressionGenerator.comparisons[int(8)]
            return chance(0.5) ? .binary(op, series(depth - 1), series(depth - 1)) : .binary(op, series(depth - 1), literal())
        case 4: return .negate(series(depth - 1))
        case 5: return .call(["ABS", "CEIL", "FLOOR", "LOG", "LOG10"][int(5)], [series(depth - 1)])
        case 6: return .call("FILL", [series(depth - 1), filler(depth - 1)])
        case 7:
            var args = [series(depth - 1), chance(0.5) ? series(depth - 1) : literal()]
            if chance(0.7) { args.append(chance(0.5) ? series(depth - 1) : literal()) }
            return .call("IF", args)
        case 8: return .call(["DIFF", "DIFF_TIME", "RATE", "RUNNING_SUM"][int(4)], [series(depth - 1)])
        case 9:
            var n: Int?
            return .call(["SUM", "AVG", "MIN", "MAX", "STDDEV", "DATAPOINT_COUNT"][int(6)], [array(depth - 1, count: &n)])
        case 10:
            var n: Int?
            return .call(chance(0.5) ? "FIRST" : "LAST", [array(depth - 1, count: &n)])
        case 11: return .call("TIME_SERIES", [scalar(depth - 1)])
        case 12:
            let b: RefExpr = chance(0.5) ? series(depth - 1) : literal()
            var args = [.binary(">", scalar(depth - 1), literal()), series(depth - 1)]
            if chance(0.7) { args.append(b) }
            return .call("IF", args)
        case 13: return .call(["MINUTE", "HOUR", "DAY", "EPOCH"][int(4)], [series(depth - 1)])
        default: return .binary(ExpressionGenerator.arithmetic[int(4)], series(depth - 1), literal())
        }
    }

    mutating func filler(_ depth: Int) -> RefExpr {
        switch int(4) {
        case 0: return .keyword("REPEAT")
        case 1: return .keyword("LINEAR")
        case 2: return series(depth)
        default: return chance(0.5) ? literal() : scalar(depth)
        }
    }

    /// An array expression; `count` is its member count when known statically.
    mutating func array(_ depth: Int, count: inout Int?) -> RefExpr {
        if depth <= 0 || chance(0.25) {
            if chance(0.6) {
                count = ids.count
                return .call("METRICS", [])
            }
            let k = 1 + int(3)
            count = k
            return .array((0..<k).map { _ in id() })
        }
        switch int(9) {
        case 0:
            let inner = array(depth - 1, count: &count)
            return chance(0.5) ? .binary(ExpressionGenerator.arithmetic[int(4)], inner, scalar(depth - 1))
                : .binary(ExpressionGenerator.comparisons[int(8)], series(depth - 1), inner)
        case 1:
            var other: Int?
            let a = array(depth - 1, count: &count)
            let b = array(depth - 1, count: &other)
            if let c = count, c == other { return .binary(ExpressionGenerator.arithmetic[int(4)], a, b) }
            return .binary("*", a, literal())
        case 2: return .call(["ABS", "FLOOR", "DIFF", "RUNNING_SUM", "RATE"][int(5)], [array(depth - 1, count: &count)])
        case 3: return .call("FILL", [array(depth - 1, count: &count), filler(depth - 1)])
        case 4:
            // SORT keys are sums of exact inputs (see the suite comment).
            count = ids.count
            var args: [RefExpr] = [.call("METRICS", []), .keyword(["AVG", "MIN", "MAX", "SUM"][int(4)]),
                                   .keyword(chance(0.5) ? "ASC" : "DESC")]
            if chance(0.5) {
                let limit = 1 + int(4)
                args.append(.number(Double(limit)))
                count = min(ids.count, limit)
            }
            return .call("SORT", args)
        case 5:
            let inner = array(depth - 1, count: &count)
            let a = Double(int(4) - 1), b = Double(int(5))
            if let c = count {
                let lo = max(0, min(c, Int(a))), hi = max(0, min(c, Int(b)))
                count = lo < hi ? hi - lo : 0
            }
            return .call("SLICE", [inner, .number(a), .number(b)])
        case 6:
            _ = array(depth - 1, count: &count)
            count = nil
            return .call("REMOVE_EMPTY", [.call("METRICS", [])])
        case 7:
            let inner = array(depth - 1, count: &count)
            return .call("IF", [.binary(">", inner, literal()), chance(0.5) ? series(depth - 1) : literal(), literal()])
        default:
            let k = 1 + int(3)
            var total: Int? = 0
            var elements: [RefExpr] = []
            for _ in 0..<k {
                if chance(0.7) {
                    elements.append(series(depth - 1)); total = total.map { $0 + 1 }
                } else {
                    var c: Int?
                    elements.append(array(depth - 1, count: &c))
                    total = (total != nil && c != nil) ? total! + c! : nil
                }
            }
            count = total
            return .array(elements)
        }
    }
}
