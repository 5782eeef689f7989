@testable import MetricMath
import Testing

/// The test vectors of metric-math.md §5.4, §7.2 and §16.
@Suite struct MathSpecVectorTests {
    // §5.4: a = [30, 20, 0, 0], b = [20, —, 20, —] at t1…t4.
    let logic = MathFixture([
        ("a", [1: 30, 2: 20, 3: 0, 4: 0]),
        ("b", [1: 20, 3: 20]),
    ])

    @Test func comparisonOfTwoSeries() throws {
        expectClose(try logic.series("a < b"), [1: 0, 2: 0, 3: 1, 4: 0])
    }

    @Test func comparisonWithScalar() throws {
        expectClose(try logic.series("a >= 30"), [1: 1, 2: 0, 3: 0, 4: 0])
    }

    @Test func logicalAnd() throws {
        expectClose(try logic.series("a > 15 AND b > 15"), [1: 1, 2: 0, 3: 0, 4: 0])
        expectClose(try logic.series("a > 15 && b > 15"), [1: 1, 2: 0, 3: 0, 4: 0])
    }

    // §7.2: c = [1, 1, 0, 0, —], x = [30, —, 0, 0, 30], y = [0, 0, 20, —, 20] at t1…t5.
    let conditional = MathFixture([
        ("c", [1: 1, 2: 1, 3: 0, 4: 0]),
        ("x", [1: 30, 3: 0, 4: 0, 5: 30]),
        ("y", [1: 0, 2: 0, 3: 20, 5: 20]),
    ])

    @Test func ifSeriesSeriesSeries() throws {
        expectClose(try conditional.series("IF(c, x, y)"), [1: 30, 2: 0, 3: 20])
    }

    @Test func ifScalarTrueBranch() throws {
        expectClose(try conditional.series("IF(c, 5, y)"), [1: 5, 2: 5, 3: 20])
    }

    @Test func ifScalarFalseBranch() throws {
        expectClose(try conditional.series("IF(c, x, 5)"), [1: 30, 2: 0, 3: 5, 4: 5])
    }

    // §16: period 60 s, grid t0…t5, m1 = {t1: 10, t3: 30}, m2 = {t1: 2, t2: 4}, m3 empty.
    let f = MathFixture([
        ("m1", [1: 10, 3: 30]),
        ("m2", [1: 2, 2: 4]),
        ("m3", [:]),
    ])

    @Test func fillScalar() throws {
        expectClose(try f.series("FILL(m1, 0)"), [0: 0, 1: 10, 2: 0, 3: 30, 4: 0, 5: 0])
    }

    @Test func fillRepeat() throws {
        expectClose(try f.series("FILL(m1, REPEAT)"), [1: 10, 2: 10, 3: 30, 4: 30, 5: 30])
    }

    @Test func fillLinear() throws {
        expectClose(try f.series("FILL(m1, LINEAR)"), [1: 10, 2: 20, 3: 30])
    }

    @Test func diff() throws {
        expectClose(try f.series("DIFF(m1)"), [3: 20])
    }

    @Test func diffTime() throws {
        expectClose(try f.series("DIFF_TIME(m1)"), [3: 120])
    }

    @Test func rate() throws {
        expectClose(try f.series("RATE(m1)"), [3: 20.0 / 120.0])
    }

    @Test func runningSum() throws {
        expectClose(try f.series("RUNNING_SUM(m1)"), [1: 10, 3: 40])
    }

    @Test func minusAverage() throws {
        expectClose(try f.series("m1 - AVG(m1)"), [1: -10, 3: 10])
    }

    @Test func timeSeries() throws {
        expectClose(try f.series("TIME_SERIES(7)"), [0: 7, 1: 7, 2: 7, 3: 7, 4: 7, 5: 7])
    }

    @Test func addUnion() throws {
        expectClose(try f.series("m1 + m2"), [1: 12, 2: 4, 3: 30])
    }

    @Test func divideDropsZeroDivisor() throws {
        expectClose(try f.series("m1 / m2"), [1: 5, 2: 0])
    }

    @Test func multiplyUnion() throws {
        expectClose(try f.series("m1 * m2"), [1: 20, 2: 0, 3: 0])
    }

    @Test func averageOfArray() throws {
        expectClose(try f.series("AVG([m1, m2])"), [1: 6, 2: 2, 3: 15])
    }

    @Test func maxOfArray() throws {
        expectClose(try f.series("MAX([m1, m2])"), [1: 10, 2: 4, 3: 30])
    }

    @Test func ifWithoutElse() throws {
        expectClose(try f.series("IF(m1 > 15, m1)"), [3: 30])
    }

    @Test func sortBySum() throws {
        let r = try f.evaluate("SORT([m1, m2], SUM, DESC)")
        guard case .array(let members)? = r.value else { Issue.record("not an array"); return }
        #expect(members.map(\.origin) == [.metric(row: 0, id: "m1"), .metric(row: 1, id: "m2")])
    }

    @Test func metricCountTimesSeries() throws {
        expectClose(try f.series("METRIC_COUNT([m1, m2]) * m2"), [1: 4, 2: 8])
    }

    @Test func removeEmpty() throws {
        let r = try f.evaluate("REMOVE_EMPTY([m1, m3])")
        guard case .array(let members)? = r.value else { Issue.record("not an array"); return }
        #expect(members.map(\.origin) == [.metric(row: 0, id: "m1")])
    }

    // The consequences listed under §5.1.
    @Test func missingAsZeroConsequences() throws {
        let g = MathFixture([("m1", [0: 5]), ("m2", [:])])
        expectClose(try g.series("m1 + m2"), [0: 5])
        expectClose(try g.series("m1 * m2"), [0: 0])
        expectClose(try g.series("m1 / m2"), [:])
        expectClose(try g.series("m2 / m1"), [0: 0])
    }

    // §6.2: AVG over an array divides by the member count.
    @Test func averageCountsMissingAsZero() throws {
        let g = MathFixture([("a", [0: 10]), ("b", [:])])
        expectClose(try g.series("AVG([a, b])"), [0: 5])
    }
}
