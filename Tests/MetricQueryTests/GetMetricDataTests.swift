import ChartCore
import MetricQuery
import Testing

@Suite struct GetMetricDataTests {
    static let cpu = MetricIdentity(namespace: "AWS/EC2", name: "CPUUtilization", dimensions: [.init(name: "InstanceId", value: "i-1")])
    static let t0: EpochSeconds = 1_709_280_000  // 2024-03-01T08:00:00Z
    static let store = InMemoryMetricStore([
        MetricDatum(metric: cpu, timestamp: t0, value: 10),
        MetricDatum(metric: cpu, timestamp: t0 + 30, value: 20),
        MetricDatum(metric: cpu, timestamp: t0 + 60, value: 30),
        MetricDatum(metric: cpu, timestamp: t0 + 180, value: 50),
    ])

    static func stat(_ s: String = "Average", period: Int = 60) -> MetricStatInput {
        MetricStatInput(metric: cpu, period: period, stat: s)
    }

    static func input(_ queries: [MetricDataQueryInput], scanBy: ScanOrder = .timestampDescending) -> GetMetricDataInput {
        GetMetricDataInput(queries: queries, startTime: t0, endTime: t0 + 300, scanBy: scanBy)
    }

    @Test func answersNewestFirstByDefaultWithTheMetricNameAsLabel() throws {
        let out = try GetMetricData.run(Self.input([MetricDataQueryInput(id: "m1", metricStat: Self.stat())]), source: Self.store, now: Self.t0 + 3600)
        let r = try #require(out.results.first)
        #expect(r.id == "m1" && r.label == "CPUUtilization" && r.statusCode == .complete)
        #expect(r.timestamps == [Self.t0 + 180, Self.t0 + 60, Self.t0])
        #expect(r.values == [50, 30, 15])
    }

    @Test func ascendingOrderAndExplicitLabel() throws {
        let q = MetricDataQueryInput(id: "m1", metricStat: Self.stat("Maximum"), label: "cpu max")
        let out = try GetMetricData.run(Self.input([q], scanBy: .timestampAscending), source: Self.store, now: Self.t0 + 3600)
        #expect(out.results.map(\.label) == ["cpu max"])
        #expect(out.results[0].values == [20, 30, 50])
    }

    @Test func returnDataFalseIsLeftOut() throws {
        let out = try GetMetricData.run(
            Self.input([
                MetricDataQueryInput(id: "a", metricStat: Self.stat(), returnData: false),
                MetricDataQueryInput(id: "b", metricStat: Self.stat("Sum")),
            ]), source: Self.store, now: Self.t0 + 3600)
        #expect(out.results.map(\.id) == ["b"])
    }

    @Test func maxDatapointsKeepsTheNewestAndSaysPartial() throws {
        var input = Self.input([MetricDataQueryInput(id: "m1", metricStat: Self.stat())], scanBy: .timestampAscending)
        input.maxDatapoints = 2
        let r = try GetMetricData.run(input, source: Self.store, now: Self.t0 + 3600).results[0]
        #expect(r.statusCode == .partialData)
        #expect(r.timestamps == [Self.t0 + 180])
        #expect(r.messages.first?.code == "PartialData")
    }

    @Test(arguments: [
        ([MetricDataQueryInput](), CloudWatchErrorCode.missingParameter, "at least one query"),
        ([MetricDataQueryInput(id: "M1", metricStat: stat())], .invalidParameterValue, "member.1.Id"),
        ([MetricDataQueryInput(id: "m1", metricStat: stat()), MetricDataQueryInput(id: "m1", metricStat: stat())],
         .invalidParameterValue, "member.2.Id: the id \"m1\" is also used by MetricDataQueries.member.1"),
        ([MetricDataQueryInput(id: "m1")], .missingParameter, "exactly one of MetricStat and Expression"),
        ([MetricDataQueryInput(id: "m1", metricStat: stat(), expression: "m1")], .invalidParameterCombination, "cannot both"),
        ([MetricDataQueryInput(id: "m1", metricStat: stat(period: 45))], .invalidParameterValue, "MetricStat.Period: 45 is not a valid period"),
        ([MetricDataQueryInput(id: "m1", metricStat: stat("p200"))], .invalidParameterValue, "MetricStat.Stat: invalid statistic"),
        ([MetricDataQueryInput(id: "e1", expression: String(repeating: "m", count: 2049))], .validationError, "1 to 2048 characters"),
    ])
    func rejectsBadRequests(queries: [MetricDataQueryInput], code: CloudWatchErrorCode, message: String) {
        #expect {
            try GetMetricData.run(Self.input(queries), source: Self.store, now: Self.t0)
        } throws: { error in
            guard let e = error as? CloudWatchAPIError else { return false }
            return e.code == code && e.message.contains(message)
        }
    }

    @Test func rejectsTooManyQueriesAndAnEmptyRange() {
        let many = (0..<501).map { MetricDataQueryInput(id: "m\($0)", metricStat: Self.stat()) }
        #expect(throws: CloudWatchAPIError.self) { try GetMetricData.run(Self.input(many), source: Self.store, now: Self.t0) }
        let backwards = GetMetricDataInput(queries: [MetricDataQueryInput(id: "m1", metricStat: Self.stat())], startTime: Self.t0, endTime: Self.t0)
        #expect(throws: CloudWatchAPIError(.invalidParameterValue, "The parameter StartTime must be less than the parameter EndTime.")) {
            try GetMetricData.run(backwards, source: Self.store, now: Self.t0)
        }
    }

    @Test func parsesTheAwsCLIQueryList() throws {
        let queries = try MetricDataQueryInput.parseList(json: """
            [{"Id": "m1", "MetricStat": {"Metric": {"Namespace": "AWS/EC2", "MetricName": "CPUUtilization",
              "Dimensions": [{"Name": "InstanceId", "Value": "i-1"}]}, "Period": 60, "Stat": "p99", "Unit": "Percent"},
              "Label": "cpu", "ReturnData": false},
             {"Id": "e1", "Expression": "m1 * 2", "Period": 300}]
            """)
        #expect(queries == [
            MetricDataQueryInput(id: "m1", metricStat: MetricStatInput(metric: Self.cpu, period: 60, stat: "p99", unit: "Percent"), label: "cpu", returnData: false),
            MetricDataQueryInput(id: "e1", expression: "m1 * 2", period: 300),
        ])
    }

    @Test(arguments: [
        (#"{"Id": "m1"}"#, "expected a JSON array"),
        (#"[{"MetricStat": {}}]"#, "[0].Id: missing"),
        (#"[{"Id": "m1", "MetricStat": {"Metric": {"Namespace": "N"}, "Period": 60, "Stat": "Sum"}}]"#, "[0].MetricStat.Metric.MetricName: missing"),
        (#"[{"Id": "m1", "MetricStat": {"Metric": {"Namespace": "N", "MetricName": "X"}, "Period": 1.5, "Stat": "Sum"}}]"#, "[0].MetricStat.Period: expected a whole number"),
        (#"[{"Id": "m1", "ReturnData": "yes"}]"#, "[0].ReturnData: expected true or false"),
        ("[", "MetricDataQueries: "),
    ])
    func queryListErrorsNameThePath(text: String, message: String) {
        #expect {
            try MetricDataQueryInput.parseList(json: text)
        } throws: { error in
            (error as? CloudWatchAPIError)?.message.contains(message) == true
        }
    }

    @Test func cliJSONReadsBackAsARecording() throws {
        let out = try GetMetricData.run(Self.input([MetricDataQueryInput(id: "m1", metricStat: Self.stat())]), source: Self.store, now: Self.t0 + 3600)
        let text = JSONWriter(style: .awsCLI).string(out.awsCLIJSON)
        #expect(text.contains("\"2024-03-01T08:03:00+00:00\""))
        let (series, _) = try MetricDataFiles.parseGetMetricDataOutput(text, name: "out.json")
        #expect(series.count == 1)
        #expect(series[0].timestamps == [Self.t0, Self.t0 + 60, Self.t0 + 180])
        #expect(series[0].values == [15, 30, 50])
    }
}

@Suite struct GetMetricDataMathTests {
    static let t0: EpochSeconds = 1_709_280_000  // 2024-03-01T08:00:00Z, grid t0…t5 at 60 s
    static let a = MetricIdentity(namespace: "App", name: "Errors", dimensions: [.init(name: "Service", value: "api")])
    static let b = MetricIdentity(namespace: "App", name: "Errors", dimensions: [.init(name: "Service", value: "web")])
    static let store = InMemoryMetricStore([
        MetricDatum(metric: a, timestamp: t0 + 60, value: 10),
        MetricDatum(metric: a, timestamp: t0 + 180, value: 30),
        MetricDatum(metric: b, timestamp: t0 + 60, value: 2),
        MetricDatum(metric: b, timestamp: t0 + 120, value: 4),
    ])

    static func run(_ queries: [MetricDataQueryInput]) throws -> GetMetricDataOutput {
        try GetMetricData.run(
            GetMetricDataInput(queries: queries, startTime: t0, endTime: t0 + 360, scanBy: .timestampAscending),
            source: store, now: t0 + 3600)
    }

    static let m1 = MetricDataQueryInput(id: "m1", metricStat: MetricStatInput(metric: a, period: 60, stat: "Sum"), returnData: false)
    static let m2 = MetricDataQueryInput(id: "m2", metricStat: MetricStatInput(metric: b, period: 60, stat: "Sum"), returnData: false)

    @Test func evaluatesTheSpecVectors() throws {
        let out = try Self.run([Self.m1, Self.m2,
            MetricDataQueryInput(id: "sum", expression: "m1 + m2"),
            MetricDataQueryInput(id: "fill", expression: "FILL(m1, 0)", label: "filled"),
            MetricDataQueryInput(id: "div", expression: "m1 / m2")])
        #expect(out.results.map(\.id) == ["sum", "fill", "div"])
        #expect(out.results[0].timestamps == [Self.t0 + 60, Self.t0 + 120, Self.t0 + 180])
        #expect(out.results[0].values == [12, 4, 30])
        #expect(out.results[0].label == "sum")
        #expect(out.results[1].values == [0, 10, 0, 30, 0, 0])
        #expect(out.results[1].label == "filled")
        #expect(out.results[2].values == [5, 0])
    }

    @Test func searchReturnsOneResultPerSeriesLabelledByDimension() throws {
        let out = try Self.run([MetricDataQueryInput(id: "s", expression: "SEARCH('{App,Service} MetricName=\"Errors\"', 'Sum', 60)")])
        #expect(out.results.map(\.id) == ["s", "s"])
        #expect(out.results.map(\.label) == ["api", "web"])
        #expect(out.results[1].values == [2, 4])
        let labelled = try Self.run([MetricDataQueryInput(id: "s", expression: "SUM(SEARCH('{App,Service} Errors', 'Sum', 60))", label: "all")])
        #expect(labelled.results.map(\.label) == ["all"])
        #expect(labelled.results[0].values == [12, 4, 30])
    }

    @Test func dynamicLabelsRenderPerSeries() throws {
        let out = try Self.run([MetricDataQueryInput(
            id: "s", expression: "SEARCH('{App,Service} Errors', 'Sum', 60)", label: "${PROP('Dim.Service')} max ${MAX}")])
        #expect(out.results.map(\.label) == ["api max 30", "web max 4"])
    }

    @Test func expressionErrorsFailTheCallWithThePosition() {
        #expect(throws: CloudWatchAPIError(.invalidParameterValue, "Error in expression e1: Unrecognized identifier m9")) {
            try Self.run([Self.m1, MetricDataQueryInput(id: "e1", expression: "m9 * 2")])
        }
        #expect {
            try Self.run([Self.m1, MetricDataQueryInput(id: "e1", expression: "m1 +* 2")])
        } throws: { error in
            (error as? CloudWatchAPIError)?.message.hasPrefix("Error in expression e1: Syntax error at position 4") == true
        }
        #expect {
            try Self.run([MetricDataQueryInput(id: "e1", expression: "SEARCH('{App', 'Sum')")])
        } throws: { error in
            (error as? CloudWatchAPIError)?.message.contains("Invalid SEARCH query") == true
        }
    }
}
