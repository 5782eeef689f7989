import ChartCore
import MetricQuery
import Testing

@Suite struct CatalogueTests {
    static let cpuA = MetricIdentity(namespace: "AWS/EC2", name: "CPUUtilization", dimensions: [.init(name: "InstanceId", value: "i-a")])
    static let cpuB = MetricIdentity(namespace: "AWS/EC2", name: "CPUUtilization", dimensions: [.init(name: "InstanceId", value: "i-b")])
    static let netA = MetricIdentity(namespace: "AWS/EC2", name: "NetworkIn", dimensions: [.init(name: "InstanceId", value: "i-a")])
    static let lambda = MetricIdentity(namespace: "AWS/Lambda", name: "Errors", dimensions: [.init(name: "FunctionName", value: "f")])

    static let store = InMemoryMetricStore([
        MetricDatum(metric: lambda, timestamp: 1_000, value: 1),
        MetricDatum(metric: netA, timestamp: 5_000, value: 1),
        MetricDatum(metric: cpuB, timestamp: 9_000, value: 1),
        MetricDatum(metric: cpuA, timestamp: 2_000, value: 1),
    ])

    @Test func listsEverythingInCatalogueOrder() throws {
        #expect(try Self.store.listMetrics(MetricListQuery()) == [Self.cpuA, Self.cpuB, Self.netA, Self.lambda])
    }

    @Test func filtersByNamespaceNameAndDimensions() throws {
        #expect(try Self.store.listMetrics(MetricListQuery(namespace: "AWS/Lambda")) == [Self.lambda])
        #expect(try Self.store.listMetrics(MetricListQuery(metricName: "CPUUtilization")) == [Self.cpuA, Self.cpuB])
        #expect(try Self.store.listMetrics(MetricListQuery(dimensions: [.init(name: "InstanceId", value: "i-a")])) == [Self.cpuA, Self.netA])
        #expect(try Self.store.listMetrics(MetricListQuery(dimensions: [.init(name: "InstanceId")])).count == 3)
        #expect(try Self.store.listMetrics(MetricListQuery(dimensions: [.init(name: "Nope")])).isEmpty)
    }

    @Test func activeSinceLooksAtTheNewestPoint() throws {
        #expect(try Self.store.listMetrics(MetricListQuery(activeSince: 5_000)) == [Self.cpuB, Self.netA])
    }

    @Test func fileSourcesListTheirStoreAndRecordingsListNothing() throws {
        let files = MetricDataFileSource(store: Self.store)
        #expect(try files.listMetrics(MetricListQuery(namespace: "AWS/Lambda")) == [Self.lambda])
        #expect(try RecordedMetricDataSource().listMetrics(MetricListQuery()).isEmpty)
    }
}
