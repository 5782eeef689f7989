@testable import MetricMath
import Testing

/// Hostile or odd input returns an error or a documented value; it never crashes or hangs.
@Suite struct MathHostileInputTests {
    let f = MathFixture([("m1", [0: 4, 1: -1, 2: 0, 4: 100]), ("m2", [1: 2, 2: 0])])

    @Test func deepNesting() throws {
        let depth = MathLimits.maxNestingDepth
        let ok = String(repeating: "(", count: depth - 1) + "m1" + String(repeating: ")", count: depth - 1)
        #expect(compileError(ok) == nil)
        let deep = String(repeating: "(", count: 1000) + "m1" + String(repeating: ")", count: 1000)
        let e = try #require(compileError(deep))
        #expect(e.kind == .nestingTooDeep)
        #expect(e.position == depth)
        #expect(compileError(String(repeating: "-", count: 1500) + "m1")?.kind == .nestingTooDeep)
        #expect(compileError(String(repeating: "ABS(", count: 400) + "m1" + String(repeating: ")", count: 400))?.kind == .nestingTooDeep)
        #expect(compileError(String(repeating: "[", count: 600) + "m1" + String(repeating: "]", count: 600))?.kind == .nestingTooDeep)
        let powers = Array(repeating: "2", count: 700).joined(separator: "^")
        #expect(compileError("m1 * " + powers)?.kind == .nestingTooDeep)
    }

    @Test func longestChainsCompileAndRun() throws {
        // 2,048 characters of left-associative operators: deep trees, no recursion.
        var chain = "m1"
        while chain.count + 3 <= 2048 { chain += "+m1" }
        expectClose(try f.series(chain), [0: 4 * 683, 1: -683, 2: 0, 4: 100 * 683])
        var mixed = "m1"
        var k = 0
        while mixed.count + 3 <= 2048 { mixed += ["+m2", "-m1", "*m2"][k % 3]; k += 1 }
        #expect(try f.evaluate(mixed).status == .complete)
        let tooLong = chain + "+m1"
        #expect(compileError(tooLong)?.kind == .expressionTooLong)
        #expect(compileError(chain + " ")?.kind == .expressionTooLong)
        #expect((chain + " ").count == 2049)
    }

    @Test func hugeSliceBounds() throws {
        #expect(try f.array("SLICE(METRICS(), -1e308, 1e308)").count == 2)
        #expect(try f.array("SLICE(METRICS(), 1e308)").isEmpty)
        #expect(try f.array("SLICE(METRICS(), 1.9, 2.7)").count == 1)
        #expect(try f.array("SLICE(METRICS(), 1, 1)").isEmpty)
        #expect(try f.array("SLICE(METRICS(), 2, 1)").isEmpty)
        #expect(try f.array("SLICE(METRICS(), 0, AVG(m1) / 0)").isEmpty)
        #expect(try f.array("SORT(METRICS(), AVG, DESC, 1e300)").count == 2)
    }

    @Test func divisionByZero() throws {
        expectClose(try f.series("m1 / 0"), [:])
        expectClose(try f.series("m1 / m2"), [1: -0.5])
        expectClose(try f.series("0 / m1"), [0: 0, 1: 0, 4: 0])
        expectClose(try f.series("m1 + 1 / 0"), [:])
        expectClose(try f.series("(m1 / m2) + m1"), [0: 4, 1: -1.5, 2: 0, 4: 100])
        expectClose(try f.series("TIME_SERIES(1 / 0)"), [:])
    }

    @Test func logOfNonPositive() throws {
        expectClose(try f.series("LOG(m1)"), [0: 1.3862943611198906, 4: 4.605170185988092])
        expectClose(try f.series("LOG10(m1)"), [0: 0.6020599913279624, 4: 2])
        expectClose(try f.series("m1 ^ 0.5"), [0: 2, 2: 0, 4: 10])
        expectClose(try f.series("(-8) ^ m2"), [1: 64, 2: 1])
    }

    @Test func overflowIsDropped() throws {
        let g = MathFixture([("m1", [0: 1e308, 1: 1])])
        expectClose(try g.series("m1 * 10"), [1: 10])
        // The dropped intermediate point counts as missing (0) in the next operation.
        expectClose(try g.series("m1 + m1 - m1"), [0: -1e308, 1: 1])
        expectClose(try g.series("RUNNING_SUM(m1 + m1)"), [1: 2])
        expectClose(try g.series("SUM([m1, m1]) / 2"), [1: 1])
        #expect(try g.evaluate("AVG(m1) * m1").status == .complete)
    }

    @Test func singleMemberArraysCoerceToSeries() throws {
        expectClose(try f.series("FILL(m2, METRICS('m1'))"), [0: 4, 1: 2, 2: 0, 4: 100])
        let r = try f.evaluate("MINUTE(REMOVE_EMPTY(METRICS()))")
        #expect(r.status == .internalError)
        #expect(r.message == "Expected a single time series but got an array of 2")
        #expect(r.value == nil)
    }

    @Test func runtimeFailureMarksOnlyItsRow() throws {
        let program = try MathProgram.compile(rows: [
            .metric("m1", period: 60), .metric("m2", period: 60),
            .expression("e1", "HOUR(REMOVE_EMPTY(METRICS()))"),
            .expression("e2", "e1 + 1"),
            .expression("e3", "m1 * 2"),
        ])
        let results = program.evaluate(inputs: f.inputs, context: f.context)
        #expect(results["e1"]?.status == .internalError)
        #expect(results["e2"]?.status == .internalError)
        #expect(results["e2"]?.message == "It uses e1, which could not be evaluated")
        #expect(results["e3"]?.status == .complete)
        #expect(results.rows.map(\.id) == ["e1", "e2", "e3"])
    }

    @Test func searchCapMarksRowPartial() throws {
        let program = try MathProgram.compile(rows: [
            .expression("e1", "SEARCH('{AWS/EC2,InstanceId} CPUUtilization', 'Average')"),
            .expression("e2", "SUM(SEARCH('{AWS/EBS,VolumeId} VolumeReadOps', 'Sum'))"),
            .expression("e3", "e2 * 2"),
        ])
        var inputs = MathInputs()
        let one = MathSeriesInput(period: 60, timestamps: [MathFixture.t0], values: [1])
        inputs.searchResults[0] = Array(repeating: one, count: 450)
        inputs.searchResults[1] = Array(repeating: one, count: 100)
        let results = program.evaluate(inputs: inputs, context: f.context)
        #expect(results["e1"]?.status == .complete)
        #expect(results["e1"]?.value?.allSeries.count == 450)
        #expect(results["e2"]?.status == .partialData)
        #expect(results["e3"]?.status == .partialData)
        guard case .series(let s)? = results["e2"]?.value else { Issue.record("no value"); return }
        #expect(s.points().values == [50])
    }

    @Test func unknownAndLowerCaseFunctions() {
        #expect(compileError("sum(METRICS())")?.message == "Unrecognized function sum")
        #expect(compileError("Sum(METRICS())")?.message == "Unrecognized function Sum")
        #expect(compileError("NOT_A_FUNCTION()")?.message == "Unrecognized function NOT_A_FUNCTION")
        #expect(compileError("Foo + 1")?.message == "Unrecognized identifier Foo")
        #expect(compileError("m1 + select")?.message == "Unrecognized identifier select")
    }

    @Test func oddNumbers() {
        #expect(compileError("m1 * 1e999")?.kind == .syntax)
        #expect(compileError("m1 * 1e-999") == nil)
        #expect(compileError("m1 * 00012.5000") == nil)
        #expect(compileError("m1 * 1e") != nil)
    }

    @Test func emptyAndMissingData() throws {
        let g = MathFixture([("m1", [:]), ("m2", [:])])
        expectClose(try g.series("m1 - AVG(m1)"), [:])
        expectClose(try g.series("FILL(m1, 3)"), Dictionary(uniqueKeysWithValues: (0..<6).map { ($0, 3.0) }))
        expectClose(try g.series("FILL(m1, REPEAT)"), [:])
        expectClose(try g.series("FILL(m1, LINEAR)"), [:])
        expectClose(try g.series("SUM(METRICS('nomatch'))"), [:])
        expectClose(try g.series("FIRST(METRICS('nomatch'))"), [:])
        expectClose(try g.series("m1 + SUM(m1)"), [:])
        expectClose(try g.series("TIME_SERIES(SUM(m1) + DATAPOINT_COUNT(m2))"), Dictionary(uniqueKeysWithValues: (0..<6).map { ($0, 0.0) }))
        expectClose(try g.series("TIME_SERIES(MAX(m1))"), [:])
    }

    @Test func hugeRangesFailEveryRowWithoutAllocating() throws {
        let program = try MathProgram.compile(rows: [
            .metric("m1", period: 1), .expression("e1", "FILL(m1, 0)"), .expression("e2", "m1 * 2"),
        ])
        let results = program.evaluate(inputs: MathInputs(), context: MathContext(start: 0, end: 1 << 40))
        #expect(results.rows.map(\.status) == [.internalError, .internalError])
        #expect(results["e1"]?.message == "The data spans more than 20000000 timestamps")
    }

    @Test func timeSeriesWithoutMetricsUsesTheRowPeriod() throws {
        let program = try MathProgram.compile(rows: [
            .expression("e1", "TIME_SERIES(1)", period: 120), .expression("e2", "TIME_SERIES(2)"),
        ])
        let results = program.evaluate(inputs: MathInputs(), context: f.context)
        #expect(results["e1"]?.value?.allSeries.first?.period == 120)
        #expect(results["e1"]?.value?.allSeries.first?.count == 3)
        #expect(results["e2"]?.value?.allSeries.first?.period == 60)
        #expect(results["e2"]?.value?.allSeries.first?.count == 6)
    }

    @Test func noInputsAtAll() throws {
        let program = try MathProgram.compile(rows: [.metric("m1", period: 60), .expression("e1", "m1 * 2 + RATE(m1)")])
        let results = program.evaluate(inputs: MathInputs(), context: MathContext(start: 0, end: 0))
        #expect(results["e1"]?.status == .complete)
        #expect(results["e1"]?.value?.allSeries.first?.count == 0)
    }
}
