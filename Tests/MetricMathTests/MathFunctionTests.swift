import ChartCore
import ChartTestSupport
@testable import MetricMath
import Testing

/// Functions and behaviours the spec vectors do not cover.
@Suite struct MathFunctionTests {
    let f = MathFixture([("m1", [0: 1, 1: 2, 3: 4]), ("m2", [1: 10, 2: 20]), ("m3", [:])])
    func all(_ v: Double) -> [Int: Double] { Dictionary(uniqueKeysWithValues: (0..<6).map { ($0, v) }) }

    @Test func timeFunctionsInUTC() throws {
        // t0 = 2023-11-14T22:14:00Z, a Tuesday.
        expectClose(try f.series("MINUTE(m1)"), [0: 14, 1: 15, 2: 16, 3: 17, 4: 18, 5: 19])
        expectClose(try f.series("HOUR(m1)"), all(22))
        expectClose(try f.series("DAY(m1)"), all(2))
        expectClose(try f.series("DATE(m1)"), all(14))
        expectClose(try f.series("MONTH(m1)"), all(11))
        expectClose(try f.series("YEAR(m1)"), all(2023))
        expectClose(try f.series("EPOCH(m1)"), Dictionary(uniqueKeysWithValues: (0..<6).map { ($0, Double(f.t($0))) }))
        // §7.1: the condition has a value at every bucket; where m1 has none the true branch gives 0.
        expectClose(try f.series("IF(DAY(m1) < 6, m1)"), [0: 1, 1: 2, 2: 0, 3: 4, 4: 0, 5: 0])
    }

    @Test func dayOfWeekAcrossAWeek() throws {
        let monday: Int64 = 1_699_833_600  // 2023-11-13T00:00:00Z
        let program = try MathProgram.compile(rows: [.metric("m1", period: 86_400), .expression("e1", "DAY(m1)")])
        var inputs = MathInputs()
        inputs.metrics["m1"] = MathSeriesInput(period: 86_400, timestamps: [monday], values: [1])
        let r = program.evaluate(inputs: inputs, context: MathContext(start: monday, end: monday + 7 * 86_400))
        let p = try #require(r["e1"]?.value?.allSeries.first).points()
        #expect(p.timestamps == (0..<7).map { monday + Int64($0) * 86_400 })
        #expect(p.values == [1, 2, 3, 4, 5, 6, 7])
    }

    @Test func reductionsOfOneSeries() throws {
        expectClose(try f.series("m1 * 0 + SUM(m1)"), [0: 7, 1: 7, 3: 7])
        expectClose(try f.series("m1 * 0 + MIN(m1)"), [0: 1, 1: 1, 3: 1])
        expectClose(try f.series("m1 * 0 + MAX(m1)"), [0: 4, 1: 4, 3: 4])
        expectClose(try f.series("m1 * 0 + DATAPOINT_COUNT(m1)"), [0: 3, 1: 3, 3: 3])
        // Population standard deviation of 1, 2, 4 (mean 7/3).
        let sigma = ((16.0 / 9 + 1.0 / 9 + 25.0 / 9) / 3).squareRoot()
        expectClose(try f.series("m1 * 0 + STDDEV(m1)"), [0: sigma, 1: sigma, 3: sigma])
        expectClose(try f.series("TIME_SERIES(SUM(m3))"), all(0))
        expectClose(try f.series("TIME_SERIES(DATAPOINT_COUNT(m3))"), all(0))
        expectClose(try f.series("TIME_SERIES(AVG(m3))"), [:])
    }

    @Test func reductionsAcrossMembers() throws {
        expectClose(try f.series("SUM(METRICS())"), [0: 1, 1: 12, 2: 20, 3: 4])
        expectClose(try f.series("AVG(METRICS())"), [0: 1.0 / 3, 1: 4, 2: 20.0 / 3, 3: 4.0 / 3])
        expectClose(try f.series("MIN(METRICS())"), [0: 1, 1: 2, 2: 20, 3: 4])
        expectClose(try f.series("DATAPOINT_COUNT(METRICS())"), [0: 1, 1: 2, 2: 1, 3: 1])
        expectClose(try f.series("STDDEV([m1, m2])"), [0: 0, 1: 4, 2: 0, 3: 0])
        expectClose(try f.series("SUM(METRICS('nothing'))"), [:])
    }

    @Test func sortAndSlice() throws {
        let g = MathFixture([("a", [0: 5]), ("b", [:]), ("c", [0: 9]), ("d", [0: 5]), ("e", [0: 1])])
        func order(_ e: String) throws -> [String] {
            return try g.evaluate(e).value?.allSeries.map { if case .metric(_, let id) = $0.origin { return id } else { return "?" } } ?? []
        }
        #expect(try order("SORT(METRICS(), AVG, DESC)") == ["c", "a", "d", "e", "b"])
        #expect(try order("SORT(METRICS(), SUM, ASC)") == ["e", "a", "d", "c", "b"])
        #expect(try order("SORT(METRICS(), MAX, DESC, 2)") == ["c", "a"])
        #expect(try order("SORT(METRICS(), MIN, ASC, 2.9)") == ["e", "a"])
        #expect(try order("SLICE(SORT(METRICS(), SUM, DESC), 0, 3)") == ["c", "a", "d"])
        #expect(try order("SLICE(METRICS(), 3)") == ["d", "e"])
        #expect(try order("FIRST(SORT(METRICS(), AVG, ASC))") == ["e"])
        #expect(try order("LAST(METRICS())") == ["e"])
        #expect(try order("REMOVE_EMPTY(METRICS())") == ["a", "c", "d", "e"])
        #expect(try order("METRICS() * 2") == ["a", "b", "c", "d", "e"])
        let r = try g.evaluate("SORT(METRICS(), AVG, DESC, AVG(b))")
        #expect(r.status == .internalError)
    }

    @Test func metricsIncludesEveryMetricRowInOrder() throws {
        let program = try MathProgram.compile(rows: [
            .metric("m2", period: 60), .expression("e0", "m2 * 2"), .metric("m1", period: 60),
            .expression("e1", "METRICS()"), .expression("e2", "METRICS('1')"),
        ])
        let results = program.evaluate(inputs: f.inputs, context: f.context)
        #expect(results["e1"]?.value?.allSeries.map(\.origin) == [.metric(row: 0, id: "m2"), .metric(row: 2, id: "m1")])
        #expect(results["e2"]?.value?.allSeries.map(\.origin) == [.metric(row: 2, id: "m1")])
        #expect(results["e1"]?.value?.allSeries.map(\.label) == ["m2", "m1"])
    }

    @Test func ifWithScalarCondition() throws {
        expectClose(try f.series("IF(MAX(m1) > 3, m1, m2)"), [0: 1, 1: 2, 3: 4])
        expectClose(try f.series("IF(MAX(m1) > 5, m1, m2)"), [1: 10, 2: 20])
        expectClose(try f.series("IF(MAX(m1) > 5, m1)"), [:])
        expectClose(try f.series("IF(MAX(m1) > 5, m1, 7)"), all(7))
        expectClose(try f.series("IF(AVG(m3), m1, m2)"), [:])
        expectClose(try f.series("m1 + IF(1, 2, 3)"), [0: 3, 1: 4, 3: 6])
        #expect(try f.array("IF(1, METRICS(), 0)").count == 3)
    }

    @Test func ifMemberWise() throws {
        let r = try f.array("IF(METRICS() > 3, 1, 0)")
        #expect(r.count == 3)
        expectClose(r[0], [0: 0, 1: 0, 3: 1])
        expectClose(r[1], [1: 1, 2: 1])
        expectClose(r[2], [:])
    }

    /// IF whose condition is a comparison of inputs and constants evaluates the comparison
    /// inline (one fused loop); the results are those of the separate steps. Presence is the
    /// condition's (a missing operand counts as 0 in it), values come from the chosen branch.
    @Test func ifWithAComparisonCondition() throws {
        expectClose(try f.series("IF(m1 > 1, m1, 0)"), [0: 0, 1: 2, 3: 4])
        expectClose(try f.series("IF(2 < m1, m1, 0)"), [0: 0, 1: 0, 3: 4])
        expectClose(try f.series("IF(m1 < 3, -1, 7)"), [0: -1, 1: -1, 3: 7])
        expectClose(try f.series("IF(m1 <= 2, 1, 0)"), [0: 1, 1: 1, 3: 0])
        expectClose(try f.series("IF(m1 < m2, m2, 5)"), [0: 5, 1: 10, 2: 20, 3: 5])
        expectClose(try f.series("IF(m1 > m2, m2, 5)"), [0: 0, 1: 5, 2: 5, 3: 0])
        expectClose(try f.series("IF(m1 == 4, m2, m1)"), [0: 1, 1: 2, 3: 0])
        expectClose(try f.series("IF(m1 != 4, 8, 9) * 2"), [0: 16, 1: 16, 3: 18])
        expectClose(try f.series("IF(m1 >= 2, m1 * 10, 0)"), [0: 0, 1: 20, 3: 40])
        expectClose(try f.series("IF(m3 > 0, 1, 2)"), [:])
        let members = try f.array("IF(METRICS() >= 2, 5, -1)")
        #expect(members.count == 3)
        expectClose(members[0], [0: -1, 1: 5, 3: 5])
        expectClose(members[1], [1: 5, 2: 5])
        expectClose(members[2], [:])
    }

    @Test func fillVariants() throws {
        expectClose(try f.series("FILL(m1, m2)"), [0: 1, 1: 2, 2: 20, 3: 4])
        expectClose(try f.series("FILL(m1, MIN(m1))"), [0: 1, 1: 2, 2: 1, 3: 4, 4: 1, 5: 1])
        expectClose(try f.series("FILL(m1, AVG(m3))"), [0: 1, 1: 2, 3: 4])
        expectClose(try f.series("FILL(m3, 5)"), all(5))
        let filled = try f.array("FILL(METRICS(), LINEAR)")
        expectClose(filled[0], [0: 1, 1: 2, 2: 3, 3: 4])
        expectClose(filled[1], [1: 10, 2: 20])
        expectClose(filled[2], [:])
    }

    @Test func mixedPeriodsUseTheUnion() throws {
        var g = MathFixture([("m1", [0: 1, 1: 2, 2: 3, 3: 4]), ("m2", [0: 10, 1: 20])], slots: 4)
        g.metricPeriods["m2"] = 120
        // m2's points sit at t0 and t0+120 s (slots 0 and 2 of the 60-s grid).
        expectClose(try g.series("m1 + m2"), [0: 11, 1: 2, 2: 23, 3: 4])
        expectClose(try g.series("FILL(m2, 0)"), [0: 10, 2: 20])
        expectClose(try g.series("FILL(m1 + m2, 0) * 0 + 1"), [0: 1, 1: 1, 2: 1, 3: 1])
        expectClose(try g.series("RATE(m2)"), [2: 10.0 / 120])
        // TIME_SERIES follows the smallest period of the metric rows the row uses (m2: 120 s).
        expectClose(try g.series("TIME_SERIES(1) + m2 * 0"), [0: 1, 2: 1])
        expectClose(try g.series("TIME_SERIES(1) + m1 * 0"), [0: 1, 1: 1, 2: 1, 3: 1])
        let r = try g.evaluate("m2 * 2")
        #expect(r.value?.allSeries.first?.period == 120)
        #expect(try g.evaluate("m1 + m2").value?.allSeries.first?.period == 60)
    }

    @Test func misalignedPeriodsStayCorrect() throws {
        // A 300-s grid aligned on 5-minute marks does not start where the 60-s grid starts.
        let t0 = MathFixture.t0
        let t300 = t0 - t0 % 300
        #expect(t300 != t0)
        let program = try MathProgram.compile(rows: [
            .metric("m1", period: 60), .metric("m2", period: 300),
            .expression("e1", "m1 + m2"), .expression("e2", "FILL(m2, 0)"), .expression("e3", "FILL(m1, 0)"),
        ])
        var inputs = MathInputs()
        inputs.metrics["m1"] = MathSeriesInput(period: 60, gridStart: t0, values: [1, 1, 1, 1, 1, 1])
        inputs.metrics["m2"] = MathSeriesInput(period: 300, timestamps: [t300, t300 + 300], values: [5, 7])
        let r = program.evaluate(inputs: inputs, context: f.context)
        let sum = try #require(r["e1"]?.value?.allSeries.first).points()
        #expect(sum.timestamps == [t300] + (0..<6).map { t0 + Int64($0 * 60) })
        #expect(sum.values == [5, 1, 1 + 7, 1, 1, 1, 1])
        #expect(try #require(r["e2"]?.value?.allSeries.first).points().timestamps == [t300, t300 + 300])
        #expect(try #require(r["e3"]?.value?.allSeries.first).count == 6)
    }

    @Test func anomalyDetectionBand() throws {
        let g = MathFixture([("m1", [0: 10, 1: 20, 2: 30, 3: 40])], slots: 4)
        // Without history: mean ± k·σ of the displayed range (mean 25, σ = √125).
        let sigma = 125.0.squareRoot()
        let bands = try g.array("ANOMALY_DETECTION_BAND(m1)")
        #expect(bands.count == 2)
        expectClose(bands[0], Dictionary(uniqueKeysWithValues: (0..<4).map { ($0, 25 + 2 * sigma) }))
        expectClose(bands[1], Dictionary(uniqueKeysWithValues: (0..<4).map { ($0, 25 - 2 * sigma) }))
        let narrow = try g.array("ANOMALY_DETECTION_BAND(m1, 1)")
        expectClose(narrow[0], Dictionary(uniqueKeysWithValues: (0..<4).map { ($0, 25 + sigma) }))

        // With history at the same time of day on the three previous days: 10, 12, 14 → 12 ± 2·√(8/3).
        let program = try MathProgram.compile(rows: g.rows([("e1", "ANOMALY_DETECTION_BAND(m1)")]))
        #expect(program.anomalyHistoryRows == ["m1"])
        var inputs = g.inputs
        let t = g.t(0)
        inputs.history["m1"] = MathSeriesInput(period: 60, timestamps: [t - 3 * 86_400, t - 2 * 86_400, t - 86_400], values: [10, 12, 14])
        let r = program.evaluate(inputs: inputs, context: g.context)["e1"]
        guard case .array(let members)? = r?.value else { Issue.record("no value"); return }
        #expect(members[0].origin == .anomalyBand(source: .metric(row: 0, id: "m1"), upper: true))
        #expect(members[1].origin == .anomalyBand(source: .metric(row: 0, id: "m1"), upper: false))
        let upper = g.slotted(members[0])
        #expect(Swift.abs(upper[0]! - (12 + 2 * (8.0 / 3).squareRoot())) < 1e-9)
        #expect(Swift.abs(upper[1]! - (25 + 2 * sigma)) < 1e-9)
    }

    @Test func standInsAreEmpty() throws {
        expectClose(try f.series("SERVICE_QUOTA(m1)"), [:])
        expectClose(try f.series("INSIGHT_RULE_METRIC('rule', 'Sum')"), [:])
        expectClose(try f.series("DB_PERF_INSIGHTS('RDS', 'db-ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'db.load.avg')"), [:])
        #expect(try f.array("DB_PERF_INSIGHTS('RDS', 'db-ABC', ['db.load.avg', 'db.sampledload.avg'])").count == 2)
        #expect(try f.evaluate("SERVICE_QUOTA(m1)").status == .complete)
    }

    @Test func searchResultsFeedMath() throws {
        let program = try MathProgram.compile(rows: [
            .metric("m1", period: 60),
            .expression("e1", "SEARCH('{AWS/EC2,InstanceId} MetricName=\"CPUUtilization\"', 'Average', 60)"),
            .expression("e2", "SUM(e1) + m1"),
            .expression("e3", "e1 * 100"),
        ])
        var inputs = f.inputs
        inputs.searchResults[0] = [
            MathSeriesInput(period: 60, timestamps: [f.t(0), f.t(1)], values: [1, 2], label: "i-1"),
            MathSeriesInput(period: 60, timestamps: [f.t(1)], values: [5], label: "i-2"),
        ]
        let r = program.evaluate(inputs: inputs, context: f.context)
        guard case .array(let found)? = r["e1"]?.value, case .series(let sum)? = r["e2"]?.value,
              case .array(let scaled)? = r["e3"]?.value else { Issue.record("missing values"); return }
        #expect(found.map(\.origin) == [.search(call: 0, result: 0), .search(call: 0, result: 1)])
        #expect(found.map(\.label) == ["i-1", "i-2"])
        expectClose(f.slotted(sum), [0: 2, 1: 9, 3: 4])
        #expect(scaled.map(\.label) == ["i-1", "i-2"])
        expectClose(f.slotted(scaled[1]), [1: 500])
    }

    @Test func insightsRowsFeedMath() throws {
        let program = try MathProgram.compile(rows: [
            .expression("q1", "SELECT MAX(CPUUtilization) FROM \"AWS/EC2\" GROUP BY InstanceId"),
            .expression("e1", "MAX(q1)"),
        ])
        var inputs = MathInputs()
        inputs.insightsResults["q1"] = [
            MathSeriesInput(period: 60, timestamps: [f.t(0)], values: [3], label: "i-1"),
            MathSeriesInput(period: 60, timestamps: [f.t(0), f.t(1)], values: [7, 1], label: "i-2"),
        ]
        let r = program.evaluate(inputs: inputs, context: f.context)
        #expect(r["q1"]?.value?.allSeries.map(\.origin) == [.insights(row: "q1", result: 0), .insights(row: "q1", result: 1)])
        guard case .series(let s)? = r["e1"]?.value else { Issue.record("no value"); return }
        expectClose(f.slotted(s), [0: 7, 1: 1])
    }

    @Test func inputForms() throws {
        let program = try MathProgram.compile(rows: [.metric("m1", period: 60), .expression("e1", "m1 * 2")])
        func run(_ input: MathSeriesInput) -> [Int: Double] {
            var inputs = MathInputs()
            inputs.metrics["m1"] = input
            guard case .series(let s)? = program.evaluate(inputs: inputs, context: f.context)["e1"]?.value else { return [:] }
            return f.slotted(s)
        }
        let t0 = MathFixture.t0
        expectClose(run(MathSeriesInput(period: 60, gridStart: t0, values: [1, .nan, 3, .infinity, 5, 6])), [0: 2, 2: 6, 4: 10, 5: 12])
        expectClose(run(MathSeriesInput(period: 60, gridStart: t0, values: [1, 9, 3, 4, 5, 6], present: [1, 0, 1, 1, 0, 1])),
                    [0: 2, 2: 6, 3: 8, 5: 12])
        expectClose(run(MathSeriesInput(period: 60, timestamps: [t0 + 120, t0, t0 + 120], values: [3, 1, 4])), [0: 2, 2: 8])
        // Ascending points: a repeated time (the last value wins), a gap, a non-finite value,
        // and every slot present (a dense column).
        expectClose(run(MathSeriesInput(period: 60, timestamps: [t0, t0 + 60, t0 + 60, t0 + 180, t0 + 240, t0 + 300],
                                        values: [1, 2, 3, .nan, 5, -6])), [0: 2, 1: 6, 4: 10, 5: -12])
        expectClose(run(MathSeriesInput(period: 60, timestamps: (0..<6).map { t0 + Int64($0 * 60) }, values: [1, 2, 3, 4, 5, 6])),
                    [0: 2, 1: 4, 2: 6, 3: 8, 4: 10, 5: 12])
        expectClose(run(MathSeriesInput(period: 60, timestamps: [t0 + 60, t0 + 60, t0 + 60], values: [7, 8, 9])), [1: 18])
        let dense = MathSeriesInput(period: 60, gridStart: t0, values: [1, 2, 3, 4, 5, 6])
        var inputs = MathInputs()
        inputs.metrics["m1"] = dense
        let s = try #require(program.evaluate(inputs: inputs, context: f.context)["e1"]?.value?.allSeries.first)
        #expect(s.denseValues().values == [2, 4, 6, 8, 10, 12])
        #expect(s.count == 6)
    }

    /// Inputs in the engine's layout on one grid take a shorter route through preparation
    /// than other inputs; both routes must give the same results. The same data is given
    /// once as masked columns and once as NaN-marked dense arrays (always the general route),
    /// for grids that agree and grids that do not.
    @Test func bothInputRoutesAgree() throws {
        let expressions = ["m1 + m2 * 2", "SUM(METRICS())", "RATE(m3)", "IF(m1 > 5, m2, m3)", "FILL(m2, REPEAT)",
                           "TIME_SERIES(1) + m1", "SORT(METRICS(), MAX, DESC, 2)", "m1 / m3"]
        // One program per expression: a function that needs bucket grids sends its whole
        // program down the general route.
        let programs = try expressions.map {
            try MathProgram.compile(rows: [.metric("m1", period: 60), .metric("m2", period: 60), .metric("m3", period: 60),
                                           .expression("e", $0)])
        }
        var rng = SplitMix64(seed: 7)
        let t0 = MathFixture.t0
        // (start slot, length) per metric: one shared grid, then shifted, shorter and missing inputs.
        let layouts: [[(start: Int, count: Int)?]] = [
            [(0, 40), (0, 40), (0, 40)], [(0, 40), (3, 40), (0, 40)], [(0, 40), (0, 25), (0, 40)], [(0, 40), nil, (0, 40)],
        ]
        for layout in layouts {
            var masked = MathInputs(), nanMarked = MathInputs()
            for (k, slots) in layout.enumerated() {
                guard let slots else { continue }
                var values: [Double] = [], present: [UInt8] = []
                for _ in 0..<slots.count {
                    let here = rng.next() % 5 != 0
                    values.append(here ? Double(rng.next() % 1000) / 8 : 0)
                    present.append(here ? 1 : 0)
                }
                let start = t0 + Int64(slots.start * 60), id = "m\(k + 1)"
                masked.metrics[id] = MathSeriesInput(period: 60, gridStart: start, values: values, present: present, label: id)
                nanMarked.metrics[id] = MathSeriesInput(
                    period: 60, gridStart: start, values: zip(values, present).map { $1 != 0 ? $0 : .nan }, label: id)
            }
            for e in expressions.indices {
                let x = try #require(programs[e].evaluate(inputs: masked, context: f.context)["e"])
                let y = try #require(programs[e].evaluate(inputs: nanMarked, context: f.context)["e"])
                #expect(x.status == y.status, "\(layout) e\(e)")
                let xs = x.value?.allSeries ?? [], ys = y.value?.allSeries ?? []
                #expect(xs.count == ys.count, "\(layout) e\(e)")
                for (p, q) in zip(xs, ys) {
                    #expect(p.points().timestamps == q.points().timestamps, "\(layout) e\(e)")
                    #expect(p.points().values == q.points().values, "\(layout) e\(e)")
                    #expect(p.label == q.label && p.origin == q.origin && p.period == q.period, "\(layout) e\(e)")
                }
            }
        }
    }

    @Test func resultsAreReusable() async throws {
        // A compiled program evaluates many times with different data, from several threads.
        let program = try MathProgram.compile(rows: f.rows([("e1", "SUM(METRICS()) / DATAPOINT_COUNT(METRICS())")]))
        let inputs = f.inputs, context = f.context
        await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 { group.addTask { program.evaluate(inputs: inputs, context: context)["e1"]?.value?.allSeries.first?.count ?? -1 } }
            for await count in group { #expect(count == 4) }
        }
    }
}
