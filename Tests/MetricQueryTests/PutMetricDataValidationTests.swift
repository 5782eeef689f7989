import ChartCore
import MetricQuery
import Testing

/// PutMetricData's validation (api.md §7.1): codes and messages naming the member.
@Suite("PutMetricData validation")
struct PutMetricDataValidationTests {
    let now = at("2024-03-01T12:00:00Z")

    func datum(_ build: (inout MetricDatumInput) -> Void) -> MetricDatumInput {
        var d = MetricDatumInput(metricName: "Latency", dimensions: [Dimension(name: "Host", value: "a")], timestamp: now, value: 1)
        build(&d)
        return d
    }

    /// The error of a request holding two good datums and then `bad` (member 3).
    func error(_ bad: MetricDatumInput, namespace: String? = "Shop") -> CloudWatchAPIError? {
        let input = PutMetricDataInput(namespace: namespace, metricData: [datum { _ in }, datum { _ in }, bad])
        do { _ = try input.validated(now: now); return nil } catch { return error }
    }

    @Test func aGoodRequestBecomesDatums() throws {
        let input = PutMetricDataInput(namespace: "Shop", metricData: [
            datum { $0.unit = "Milliseconds"; $0.storageResolution = 1 },
            datum { $0.value = nil; $0.values = [1, 2]; $0.counts = [3, 4]; $0.timestamp = nil },
            datum { $0.value = nil; $0.statisticValues = StatisticSetInput(sampleCount: 2, sum: 3, minimum: 1, maximum: 2) },
        ])
        let out = try input.validated(now: now)
        #expect(out.count == 3)
        #expect(out[0].unit == "Milliseconds" && out[0].storageResolution == 1)
        #expect(out[1].payload == .values([1, 2], counts: [3, 4]) && out[1].timestamp == now && out[1].unit == "None")
        #expect(out[2].payload == .statisticValues(StatisticValues(sampleCount: 2, sum: 3, minimum: 1, maximum: 2)))
        #expect(out[0].metric == MetricIdentity(namespace: "Shop", name: "Latency", dimensions: [Dimension(name: "Host", value: "a")]))
    }

    @Test func tooManyValuesNamesTheItem() {
        let e = error(datum { $0.value = nil; $0.values = (0..<151).map(Double.init) })
        #expect(e == CloudWatchAPIError(.invalidParameterValue, "MetricData.member.3.Values: 151 values exceeds the limit of 150"))
        #expect(error(datum { $0.value = nil; $0.values = (0..<150).map(Double.init) }) == nil)
    }

    @Test(arguments: [
        (Double.nan, "MetricData.member.3.Value: the value NaN is invalid"),
        (Double.infinity, "MetricData.member.3.Value: the value Infinity is invalid"),
        (-Double.infinity, "MetricData.member.3.Value: the value -Infinity is invalid"),
    ])
    func nonFiniteValuesAreRejected(_ v: Double, _ message: String) {
        #expect(error(datum { $0.value = v }) == CloudWatchAPIError(.invalidParameterValue, message))
    }

    @Test func nonFiniteEntriesOfValuesCountsAndSetsAreRejected() {
        #expect(error(datum { $0.value = nil; $0.values = [1, .nan] })?.message.hasPrefix("MetricData.member.3.Values.member.2:") == true)
        #expect(error(datum { $0.value = nil; $0.values = [1, 2]; $0.counts = [1, .infinity] })?.message.hasPrefix("MetricData.member.3.Counts.member.2:") == true)
        #expect(error(datum { $0.value = nil; $0.values = [1, 2]; $0.counts = [1, -1] })?.code == .invalidParameterValue)
        #expect(error(datum { $0.value = nil; $0.statisticValues = StatisticSetInput(sampleCount: 1, sum: .nan, minimum: 1, maximum: 1) })?
            .message.hasPrefix("MetricData.member.3.StatisticValues.Sum:") == true)
    }

    @Test func magnitudesOutside2To360AreRejected() {
        #expect(error(datum { $0.value = 0x1p361 })?.code == .invalidParameterValue)
        #expect(error(datum { $0.value = 0x1p-361 })?.code == .invalidParameterValue)
        #expect(error(datum { $0.value = 0x1p360 }) == nil)
        #expect(error(datum { $0.value = 0 }) == nil)
        #expect(error(datum { $0.value = -0x1p-360 }) == nil)
    }

    @Test func combinations() {
        let set = StatisticSetInput(sampleCount: 1, sum: 1, minimum: 1, maximum: 1)
        #expect(error(datum { $0.statisticValues = set })?.code == .invalidParameterCombination)
        #expect(error(datum { $0.values = [1] })?.code == .invalidParameterCombination)
        #expect(error(datum { $0.value = nil; $0.values = [1]; $0.statisticValues = set })?.code == .invalidParameterCombination)
        #expect(error(datum { $0.counts = [1] }) == CloudWatchAPIError(.invalidParameterCombination, "MetricData.member.3.Counts: given without Values"))
        #expect(error(datum { $0.value = nil; $0.values = [1, 2]; $0.counts = [1] })?.code == .invalidParameterCombination)
    }

    @Test func missingParameters() {
        #expect(error(datum { _ in }, namespace: nil) == CloudWatchAPIError(.missingParameter, "Namespace: the parameter is required"))
        #expect(error(datum { $0.metricName = nil }) == CloudWatchAPIError(.missingParameter, "MetricData.member.3.MetricName: the parameter is required"))
        #expect(error(datum { $0.value = nil })?.code == .missingParameter)
        let empty = PutMetricDataInput(namespace: "Shop", metricData: [])
        #expect(throws: CloudWatchAPIError.self) { try empty.validated(now: now) }
    }

    @Test func namesAndDimensions() {
        #expect(error(datum { _ in }, namespace: "AWS/EC2")?.code == .invalidParameterValue)
        #expect(error(datum { _ in }, namespace: ":x")?.code == .invalidParameterValue)
        #expect(error(datum { _ in }, namespace: String(repeating: "n", count: 256))?.message == "Namespace: 256 characters exceeds the limit of 255")
        #expect(error(datum { $0.metricName = "" })?.message == "MetricData.member.3.MetricName: must not be empty")
        #expect(error(datum { $0.metricName = "   " })?.code == .invalidParameterValue)
        #expect(error(datum { $0.metricName = "Laténcy" })?.code == .invalidParameterValue)
        #expect(error(datum { $0.metricName = "a\u{7}b" })?.code == .invalidParameterValue)
        #expect(error(datum { $0.dimensions = (0..<31).map { Dimension(name: "d\($0)", value: "v") } })?.message
            == "MetricData.member.3.Dimensions: 31 dimensions exceeds the limit of 30")
        #expect(error(datum { $0.dimensions = (0..<30).map { Dimension(name: "d\($0)", value: "v") } }) == nil)
        #expect(error(datum { $0.dimensions = [Dimension(name: "A", value: "1"), Dimension(name: "A", value: "2")] })?.message
            == "MetricData.member.3.Dimensions.member.2.Name: dimension \"A\" is given twice")
        #expect(error(datum { $0.dimensions = [Dimension(name: "A", value: String(repeating: "v", count: 1025))] })?.message
            .hasPrefix("MetricData.member.3.Dimensions.member.1.Value:") == true)
    }

    @Test func timestampWindow() {
        #expect(error(datum { $0.timestamp = now - 14 * 86_400 }) == nil)
        #expect(error(datum { $0.timestamp = now - 14 * 86_400 - 1 })?.message.hasPrefix("MetricData.member.3.Timestamp:") == true)
        #expect(error(datum { $0.timestamp = now + 7200 }) == nil)
        #expect(error(datum { $0.timestamp = now + 7201 })?.code == .invalidParameterValue)
        // Files hold history: the import limits drop the window and the request size.
        let old = PutMetricDataInput(namespace: "Shop", metricData: (0..<1001).map { _ in datum { $0.timestamp = now - 400 * 86_400 } })
        #expect(throws: CloudWatchAPIError.self) { try old.validated(now: now) }
        #expect((try? old.validated(now: now, limits: .fileImport))?.count == 1001)
    }

    @Test func requestSizeUnitAndResolution() {
        let big = PutMetricDataInput(namespace: "Shop", metricData: (0..<1001).map { _ in datum { _ in } })
        #expect(throws: CloudWatchAPIError(.invalidParameterValue, "MetricData: 1001 datums exceeds the limit of 1000")) { try big.validated(now: now) }
        #expect(error(datum { $0.unit = "Furlongs" })?.message == "MetricData.member.3.Unit: \"Furlongs\" is not a CloudWatch StandardUnit")
        #expect(error(datum { $0.storageResolution = 30 })?.code == .invalidParameterValue)
        #expect(error(datum { $0.storageResolution = 60 }) == nil)
        #expect(error(datum { $0.value = nil; $0.statisticValues = StatisticSetInput(sampleCount: 0, sum: 0, minimum: 0, maximum: 0) })?.code
            == .invalidParameterValue)
        #expect(error(datum { $0.value = nil; $0.statisticValues = StatisticSetInput(sampleCount: 2, sum: 3, minimum: 2, maximum: 1) })?.code
            == .invalidParameterValue)
    }
}

@Suite("GetMetricStatistics and ListMetrics input checks")
struct StatisticsAPIInputTests {
    let now = at("2024-03-01T12:00:00Z")

    func input(_ build: (inout GetMetricStatisticsInput) -> Void) -> GetMetricStatisticsInput {
        var i = GetMetricStatisticsInput(
            namespace: "Shop", metricName: "Latency", startTime: now - 3600, endTime: now, period: 60, statistics: ["Average"])
        build(&i)
        return i
    }

    func code(_ i: GetMetricStatisticsInput) -> CloudWatchErrorCode? {
        do { _ = try i.validated(now: now); return nil } catch { return error.code }
    }

    @Test func rules() throws {
        #expect(code(input { _ in }) == nil)
        #expect(code(input { $0.statistics = [] }) == .invalidParameterCombination)
        #expect(code(input { $0.extendedStatistics = ["p99"] }) == .invalidParameterCombination)
        #expect(code(input { $0.statistics = ["average"] }) == .invalidParameterValue)
        #expect(code(input { $0.statistics = []; $0.extendedStatistics = ["Average"] }) == .invalidParameterValue)
        #expect(code(input { $0.statistics = []; $0.extendedStatistics = ["p99", "TM(10%:90%)", "tm90", "PR(:5)", "IQM"] }) == nil)
        #expect(code(input { $0.period = 20 }) == .invalidParameterValue)
        #expect(code(input { $0.period = 61 }) == .invalidParameterValue)
        #expect(code(input { $0.period = nil }) == .missingParameter)
        #expect(code(input { $0.startTime = now }) == .invalidParameterValue)
        #expect(code(input { $0.startTime = now - 1441 * 60 }) == .invalidParameterCombination)
        #expect(code(input { $0.startTime = now - 1440 * 60 }) == nil)
        let ok = try input { $0.statistics = ["Sum", "Sum", "Maximum"] }.validated(now: now)
        #expect(ok.statistics == [.sum, .maximum])
    }

    @Test func listMetricsFilters() throws {
        let q = try ListMetricsRules.query(for: ListMetricsInput(namespace: "Shop", recentlyActive: "PT3H"), now: now)
        #expect(q.activeSince == now - 3 * 3600 && q.namespace == "Shop")
        #expect(try ListMetricsRules.query(for: ListMetricsInput(), now: now).activeSince == now - 14 * 86_400)
        #expect(throws: CloudWatchAPIError.self) { try ListMetricsRules.query(for: ListMetricsInput(recentlyActive: "PT1H"), now: now) }
        let eleven = (0..<11).map { DimensionFilter(name: "d\($0)") }
        #expect(throws: CloudWatchAPIError.self) { try ListMetricsRules.query(for: ListMetricsInput(dimensions: eleven), now: now) }
    }
}
