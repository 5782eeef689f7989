@testable import MetricMath
import Testing

/// Every error row of metric-math.md §13, with exact wording and position, plus the grammar
/// rules of §3.
@Suite struct MathCheckerTests {
    @Test func syntaxErrorPosition() throws {
        let e = try #require(compileError("m1 +* 2"))
        #expect(e.kind == .syntax)
        #expect(e.position == 4)
        #expect(e.description == "Error in expression e1: Syntax error at position 4: unexpected \"*\"")
        #expect(e.description.hasPrefix("Error in expression e1: Syntax error at position 4"))
    }

    @Test func syntaxErrorAtEnd() throws {
        let e = try #require(compileError("m1 + "))
        #expect(e.kind == .syntax)
        #expect(e.position == 5)
    }

    @Test func unrecognizedFunction() throws {
        let lower = try #require(compileError("avg(m1)"))
        #expect(lower.kind == .unrecognizedFunction)
        #expect(lower.description == "Error in expression e1: Unrecognized function avg")
        #expect(lower.position == 0)
        let unknown = try #require(compileError("m1 + FOO(m1)"))
        #expect(unknown.description == "Error in expression e1: Unrecognized function FOO")
        #expect(unknown.position == 5)
    }

    @Test func unrecognizedIdentifier() throws {
        let e = try #require(compileError("m9 * 2"))
        #expect(e.kind == .unrecognizedIdentifier)
        #expect(e.description == "Error in expression e1: Unrecognized identifier m9")
        #expect(e.position == 0)
    }

    @Test func invalidArgumentType() throws {
        let sort = try #require(compileError("SORT(m1, AVG, DESC)"))
        #expect(sort.kind == .invalidArgument)
        #expect(sort.description == "Error in expression e1: Invalid argument type for function SORT")
        let slice = try #require(compileError("SLICE(m1, 0)"))
        #expect(slice.description == "Error in expression e1: Invalid argument type for function SLICE")
        let count = try #require(compileError("ABS(m1, m2)"))
        #expect(count.description == "Error in expression e1: Invalid argument type for function ABS")
        #expect(compileError("FILL(m1, AVG)")?.message == "Invalid argument type for function FILL")
        #expect(compileError("SORT(METRICS(), MEDIAN, DESC)")?.message == "Invalid argument type for function SORT")
        #expect(compileError("SORT(METRICS(), AVG, DESC, 0)")?.message == "Invalid argument type for function SORT")
        #expect(compileError("FIRST(m1)")?.message == "Invalid argument type for function FIRST")
        #expect(compileError("TIME_SERIES(m1)")?.message == "Invalid argument type for function TIME_SERIES")
        #expect(compileError("ANOMALY_DETECTION_BAND(m1, 0)")?.message == "Invalid argument type for function ANOMALY_DETECTION_BAND")
        #expect(compileError("ABS('x')")?.message == "Invalid argument type for function ABS")
        #expect(compileError("SEARCH('{AWS/EC2} CPU', 'NotAStat')")?.message == "Invalid argument type for function SEARCH")
        #expect(compileError("IF(METRICS(), METRICS(), 0)")?.message == "Invalid argument type for function IF")
    }

    @Test func scalarResult() throws {
        let e = try #require(compileError("AVG(m1)"))
        #expect(e.kind == .scalarResult)
        #expect(e.description == "Error in expression e1: The expression must produce a time series or an array of time series")
        #expect(compileError("1 + 2")?.kind == .scalarResult)
        #expect(compileError("PERIOD(m1) / 60")?.kind == .scalarResult)
    }

    @Test func circularDependency() throws {
        let rows: [MathRow] = [.expression("e1", "e2 + 1"), .expression("e2", "e1 * 2")]
        let errors = MathProgram.diagnose(rows: rows)
        #expect(errors.map(\.description) == [
            "Error in expression e1: Circular dependency between e1, e2",
            "Error in expression e2: Circular dependency between e1, e2",
        ])
        #expect(errors.allSatisfy { $0.kind == .circularDependency })
    }

    @Test func selfReferenceAndLongerCycles() throws {
        let selfRef = MathProgram.diagnose(rows: [.expression("e1", "e1 + 1")])
        #expect(selfRef.map(\.message) == ["Circular dependency between e1 and itself"])
        let three = MathProgram.diagnose(rows: [
            .metric("m1", period: 60), .expression("e3", "e1 + m1"), .expression("e1", "e2 * 2"),
            .expression("e2", "e3 - 1"), .expression("e4", "m1 * 2"),
        ])
        #expect(three.map(\.rowId) == ["e3", "e1", "e2"])
        #expect(three.allSatisfy { $0.message == "Circular dependency between e3, e1, e2" })
    }

    @Test func periodRequiresMetric() throws {
        let e = try #require(compileError("PERIOD(e2) * m1", extra: [.expression("e2", "m1 * 2")]))
        #expect(e.kind == .periodRequiresMetric)
        #expect(e.description == "Error in expression e1: PERIOD requires a metric")
        #expect(compileError("PERIOD(m1 + 1) * m1")?.kind == .periodRequiresMetric)
    }

    @Test func onlyOneInsightsQuery() throws {
        let rows: [MathRow] = [
            .expression("q1", "SELECT AVG(CPUUtilization) FROM \"AWS/EC2\""),
            .expression("q2", "select max(CPUUtilization) FROM SCHEMA(\"AWS/EC2\", InstanceId)"),
        ]
        let errors = MathProgram.diagnose(rows: rows)
        #expect(errors.map(\.description) == ["Error in expression q2: Only one Metrics Insights query is allowed"])
        #expect(errors.first?.kind == .multipleInsightsQueries)
    }

    @Test func insightsMixedWithMath() throws {
        let e = try #require(compileError("1 + SELECT AVG(CPUUtilization) FROM \"AWS/EC2\""))
        #expect(e.kind == .insightsMixedWithMath)
        #expect(e.description == "Error in expression e1: Metrics Insights queries cannot be combined with math in one expression")
        #expect(e.position == 4)
    }

    @Test func insightsRowsAreExternalSources() throws {
        let program = try MathProgram.compile(rows: [
            .expression("q1", "  Select AVG(CPUUtilization) FROM \"AWS/EC2\" GROUP BY InstanceId", period: 60),
            .expression("e1", "SUM(q1) * 2"),
        ])
        #expect(program.insightsQueries == [
            MathInsightsQuery(rowId: "q1", query: "  Select AVG(CPUUtilization) FROM \"AWS/EC2\" GROUP BY InstanceId", period: 60),
        ])
    }

    @Test func expressionLength() throws {
        let longest = "m1" + String(repeating: " ", count: 2046)
        #expect(compileError(longest) == nil)
        let tooLong = try #require(compileError(longest + " "))
        #expect(tooLong.kind == .expressionTooLong)
        #expect(tooLong.message == "The expression is longer than 2048 characters")
        #expect(compileError("")?.kind == .expressionEmpty)
        #expect(compileError("   ")?.kind == .syntax)
    }

    @Test func lambdaIsUnsupported() throws {
        let e = try #require(compileError("LAMBDA('myFunction', 'a', 1)"))
        #expect(e.kind == .unsupported)
        #expect(e.message == "LAMBDA: custom data sources are not supported")
    }

    @Test func insightRuleMetricName() throws {
        #expect(compileError("INSIGHT_RULE_METRIC(\"MyRule\", \"Sum\")") == nil)
        let e = try #require(compileError("INSIGHT_RULE_METRIC(\"MyRule\", \"Median\")"))
        #expect(e.kind == .invalidArgument)
        #expect(e.message == "Invalid metric name \"Median\" for function INSIGHT_RULE_METRIC")
    }

    @Test func searchLimits() throws {
        let long = "SEARCH('" + String(repeating: "a", count: 1025) + "', 'Average')"
        #expect(compileError(long)?.kind == .searchLimit)
        let many = (0...100).map { "SEARCH('x\($0)', 'Sum')" }
        let rows = many.enumerated().map { MathRow.expression("s\($0.offset)", $0.element) }
        #expect(MathProgram.diagnose(rows: rows).first?.kind == .searchLimit)
        #expect(compileError("SEARCH('{AWS/EC2} CPU', 'Average', 7)")?.message == "Invalid argument type for function SEARCH")
    }

    @Test func ids() {
        #expect(MathProgram.diagnose(rows: [.metric("m1", period: 60), .metric("m1", period: 60)]).first?.kind == .invalidId)
        #expect(MathProgram.diagnose(rows: [.metric("M1", period: 60)]).first?.kind == .invalidId)
    }

    // MARK: grammar (§3)

    @Test func precedence() throws {
        let f = MathFixture([("m1", [0: 1])])
        expectClose(try f.series("TIME_SERIES(-2^2)"), Dictionary(uniqueKeysWithValues: (0..<6).map { ($0, -4.0) }))
        expectClose(try f.series("TIME_SERIES(2^3^2)"), Dictionary(uniqueKeysWithValues: (0..<6).map { ($0, 512.0) }))
        expectClose(try f.series("TIME_SERIES(2^-1)"), Dictionary(uniqueKeysWithValues: (0..<6).map { ($0, 0.5) }))
        expectClose(try f.series("TIME_SERIES(1 + 2 * 3 - 4 / 2)"), Dictionary(uniqueKeysWithValues: (0..<6).map { ($0, 5.0) }))
        expectClose(try f.series("TIME_SERIES(10 - 4 - 3)"), Dictionary(uniqueKeysWithValues: (0..<6).map { ($0, 3.0) }))
        expectClose(try f.series("TIME_SERIES(1 OR 0 AND 0)"), Dictionary(uniqueKeysWithValues: (0..<6).map { ($0, 1.0) }))
        expectClose(try f.series("TIME_SERIES(1 + 1 == 2)"), Dictionary(uniqueKeysWithValues: (0..<6).map { ($0, 1.0) }))
    }

    @Test func comparisonChainsAreSyntaxErrors() throws {
        let e = try #require(compileError("m1 < m2 < 3"))
        #expect(e.kind == .syntax)
        #expect(e.position == 8)
    }

    @Test func rejectedOperators() {
        #expect(compileError("+m1")?.position == 0)
        #expect(compileError("!m1")?.position == 0)
        #expect(compileError("m1 = m2")?.position == 3)
        #expect(compileError("m1 & m2")?.position == 3)
        #expect(compileError("m1 + 'abc'")?.position == 5)
        #expect(compileError("m1 + REPEAT")?.position == 5)
        #expect(compileError("FILL(m1, REPEAT + 1)")?.position == 9)
        #expect(compileError("1.")?.position == 1)
        #expect(compileError("METRICS('abc)")?.kind == .syntax)
        #expect(compileError("m1 \u{00A0}+ m2")?.position == 3)
    }

    @Test func tokens() throws {
        let tokens = try MathLexer.tokenize("FILL(m_1, 1.5e3) 'a\\'b' \"c\\\"d\" \u{201C}e\u{201D} .5 [ ] <= >= != == && ||")
        let kinds = tokens.map(\.kind)
        #expect(kinds.contains(.number(1500)))
        #expect(kinds.contains(.number(0.5)))
        #expect(kinds.contains(.string(value: "a'b", raw: "a\\'b")))
        #expect(kinds.contains(.string(value: "c\"d", raw: "c\\\"d")))
        #expect(kinds.contains(.string(value: "e", raw: "e")))
        #expect(kinds.contains(.word("m_1")))
        #expect(tokens.last?.kind == .end)
        #expect(tokens.last?.position == 59)
    }

    @Test func quoteStyles() throws {
        let f = MathFixture([("errors4xx", [0: 1]), ("errors5xx", [0: 2]), ("latency", [0: 3])])
        #expect(try f.array("METRICS(\"errors\")").count == 2)
        #expect(try f.array("METRICS('5xx')").count == 1)
        #expect(try f.array("METRICS(\u{201C}4xx\u{201D})").count == 1)
        #expect(try f.array("METRICS('Errors')").isEmpty)
        #expect(try f.array("METRICS()").count == 3)
        #expect(try f.array("[METRICS('4xx'), METRICS('5xx')]").count == 2)
    }

    @Test func searchCallsAreListed() throws {
        let program = try MathProgram.compile(rows: [
            .metric("m1", period: 60),
            .expression("e1", "SUM(SEARCH('{AWS/Lambda,FunctionName} MetricName=\"Errors\"', 'Sum', 300)) + m1"),
            .expression("e2", "SEARCH(' \\'quoted\\' ', 'p99')"),
        ])
        #expect(program.searchCalls.count == 2)
        #expect(program.searchCalls[0] == MathSearchCall(
            index: 0, rowId: "e1", query: "{AWS/Lambda,FunctionName} MetricName=\"Errors\"",
            rawQuery: "{AWS/Lambda,FunctionName} MetricName=\"Errors\"", statistic: "Sum", period: 300, position: 4))
        #expect(program.searchCalls[1].query == " 'quoted' ")
        #expect(program.searchCalls[1].rawQuery == " \\'quoted\\' ")
        #expect(program.searchCalls[1].period == nil)
        #expect(program.metricDependencies(ofRow: "e1") == ["m1"])
    }

    @Test func staticArraySizes() {
        #expect(compileError("[m1, m2] + [m1]")?.kind == .invalidArgument)
        #expect(compileError("[m1, m2] + [m2, m1]") == nil)
        #expect(compileError("FILL(m1, METRICS())")?.kind == .invalidArgument)
        #expect(compileError("FILL(m1, METRICS('m1'))") == nil)
        #expect(compileError("[m1, 2]")?.message == "Arrays can only contain time series")
        #expect(compileError("DB_PERF_INSIGHTS('RDS', 'db-ABC', ['db.load.avg', 'db.cpu'])") == nil)
        #expect(compileError("DB_PERF_INSIGHTS('XYZ', 'db-ABC', 'db.load.avg')")?.kind == .invalidArgument)
    }
}
