import ChartCore
@testable import MetricMath
import Testing

/// A small request for tests: metric rows with data given per slot of a 60-second grid
/// starting at `t0`, plus expression rows.
struct MathFixture {
    static let t0: Int64 = 1_700_000_040  // a whole minute
    var period = 60
    var slots = 6
    /// Metric rows in order: id → (slot → value).
    var metrics: [(id: String, data: [Int: Double])] = []
    var metricPeriods: [String: Int] = [:]

    init(_ metrics: [(String, [Int: Double])] = [], period: Int = 60, slots: Int = 6) {
        self.metrics = metrics.map { (id: $0.0, data: $0.1) }
        self.period = period; self.slots = slots
    }

    func t(_ slot: Int) -> Int64 { MathFixture.t0 + Int64(slot * period) }

    var context: MathContext {
        MathContext(start: MathFixture.t0, end: MathFixture.t0 + Int64(slots * period), defaultPeriod: period)
    }

    func rows(_ expressions: [(String, String)]) -> [MathRow] {
        metrics.map { MathRow.metric($0.id, period: metricPeriods[$0.id] ?? period) }
            + expressions.map { MathRow.expression($0.0, $0.1) }
    }

    var inputs: MathInputs {
        var inputs = MathInputs()
        for m in metrics {
            let p = metricPeriods[m.id] ?? period
            let slots = m.data.keys.sorted()
            inputs.metrics[m.id] = MathSeriesInput(
                period: p, timestamps: slots.map { MathFixture.t0 + Int64($0 * p) }, values: slots.map { m.data[$0]! }, label: m.id)
        }
        return inputs
    }

    /// Evaluates `expression` as row `e1` (plus any extra rows) and returns its result.
    func evaluate(_ expression: String, extra: [(String, String)] = [], inputs: MathInputs? = nil) throws -> MathRowResult {
        let program = try MathProgram.compile(rows: rows(extra + [("e1", expression)]))
        let results = program.evaluate(inputs: inputs ?? self.inputs, context: context)
        return try #require(results["e1"])
    }

    /// The single series result of `expression` as slot → value.
    func series(_ expression: String, extra: [(String, String)] = []) throws -> [Int: Double] {
        let r = try evaluate(expression, extra: extra)
        guard case .series(let s)? = r.value else {
            Issue.record("\(expression): expected one series, got \(String(describing: r.value)) \(r.message ?? "")")
            return [:]
        }
        return slotted(s)
    }

    /// An array result as a list of slot → value dictionaries.
    func array(_ expression: String, extra: [(String, String)] = []) throws -> [[Int: Double]] {
        let r = try evaluate(expression, extra: extra)
        guard let v = r.value else {
            Issue.record("\(expression): no value: \(r.message ?? "")")
            return []
        }
        return v.allSeries.map(slotted)
    }

    func slotted(_ s: MathSeries) -> [Int: Double] {
        let p = s.points()
        var out: [Int: Double] = [:]
        for (t, v) in zip(p.timestamps, p.values) { out[Int((t - MathFixture.t0) / Int64(period))] = v }
        return out
    }
}

/// Compares slot → value maps with a relative tolerance.
func expectClose(_ actual: [Int: Double], _ expected: [Int: Double], _ note: String = "",
                 sourceLocation: SourceLocation = #_sourceLocation) {
    let same = actual.keys.sorted() == expected.keys.sorted()
        && actual.allSatisfy { k, v in
            let e = expected[k]!
            return Swift.abs(v - e) <= 1e-9 * Swift.max(1, Swift.abs(e))
        }
    #expect(same, "\(note) got \(actual.sorted { $0.key < $1.key }) expected \(expected.sorted { $0.key < $1.key })",
            sourceLocation: sourceLocation)
}

/// The error `MathProgram.compile` throws for `expression` as row `e1` after metric rows `m1`, `m2`.
func compileError(_ expression: String, extra: [MathRow] = []) -> MathError? {
    let rows = [MathRow.metric("m1", period: 60), .metric("m2", period: 60)] + extra + [.expression("e1", expression)]
    do {
        _ = try MathProgram.compile(rows: rows)
        return nil
    } catch {
        return error
    }
}
