import ChartCore
import MetricQuery
import MetricStore
import Testing

@Suite("SQLite metric store: catalogue and dashboards")
struct CatalogueAndDashboardTests {
    func metric(_ ns: String, _ name: String, _ dims: [(String, String)]) -> MetricIdentity {
        MetricIdentity(namespace: ns, name: name, dimensions: dims.map { Dimension(name: $0.0, value: $0.1) })
    }

    @Test func listMetricsFiltersAndOrders() throws {
        let store = try SQLiteMetricStore.temporary()
        let now = t0
        let metrics = [
            metric("Shop", "Latency", [("Host", "b")]), metric("Shop", "Latency", [("Host", "a")]),
            metric("Shop", "Latency", [("Host", "a"), ("Stage", "prod")]), metric("Shop", "Errors", []),
            metric("Batch", "Jobs", [("Queue", "q1")]), metric("Shop", "Latency", [("Host", "a\u{1}")]),
        ]
        try store.write(metrics.enumerated().map { i, m in MetricDatum(metric: m, timestamp: now - EpochSeconds(i) * 3600, value: 1) })
        let all = try store.listMetrics(MetricListQuery())
        #expect(all == metrics.sorted(by: MetricIdentity.catalogueOrder))
        #expect(try store.listMetrics(MetricListQuery(namespace: "Shop", metricName: "Latency")).count == 4)
        #expect(try store.listMetrics(MetricListQuery(dimensions: [DimensionFilter(name: "Host", value: "a")])).count == 2)
        #expect(try store.listMetrics(MetricListQuery(dimensions: [DimensionFilter(name: "Stage")])) == [metrics[2]])
        // Active since 2.5 hours ago: metrics 0, 1, 2 (written at now, now − 1 h, now − 2 h).
        #expect(Set(try store.listMetrics(MetricListQuery(activeSince: now - 9000))) == Set(metrics[0...2]))
    }

    @Test func listMetricsPagesAreStable() throws {
        let store = try SQLiteMetricStore.temporary()
        let now = t0
        let metrics = (0..<1203).map { metric("Shop", "Latency", [("Host", "h\($0)")]) }
        try store.write(metrics.map { MetricDatum(metric: $0, timestamp: now - 60, value: 1) })
        var pages: [[MetricIdentity]] = []
        var token: String? = nil
        repeat {
            let page = try store.listMetricsPage(ListMetricsInput(namespace: "Shop", nextToken: token), now: now)
            pages.append(page.metrics)
            token = page.nextToken
            if pages.count == 1 {
                // A metric added between pages, before the token's position, does not shift later pages.
                try store.write([MetricDatum(metric: metric("Shop", "Latency", [("Host", "h0000")]), timestamp: now - 60, value: 1)])
            }
        } while token != nil
        #expect(pages.map(\.count) == [500, 500, 203])
        #expect(pages.flatMap { $0 } == metrics.sorted(by: MetricIdentity.catalogueOrder))
        // A token only works with the filters it was made for.
        let first = try store.listMetricsPage(ListMetricsInput(namespace: "Shop"), now: now)
        let other = ListMetricsInput(namespace: "Other", nextToken: first.nextToken)
        #expect(throws: CloudWatchAPIError.self) { try store.listMetricsPage(other, now: now) }
        #expect(throws: CloudWatchAPIError.self) { try store.listMetricsPage(ListMetricsInput(nextToken: "garbage!"), now: now) }
        // Metrics without data in two weeks are not listed; RecentlyActive narrows to 3 hours.
        #expect(try store.listMetricsPage(ListMetricsInput(), now: now + 15 * 86_400).metrics.isEmpty)
        #expect(try store.listMetricsPage(ListMetricsInput(recentlyActive: "PT3H"), now: now + 4 * 3600).metrics.isEmpty)
    }

    @Test func dashboards() throws {
        let store = try SQLiteMetricStore.temporary()
        try store.putDashboard(name: "ops-main", body: "{\"widgets\":[]}", now: t0)
        try store.putDashboard(name: "ops_2", body: "{\"widgets\":[{}]}", now: t0 + 1)
        try store.putDashboard(name: "billing", body: "{\"widgets\":[\"é\"]}", now: t0 + 2)
        try store.putDashboard(name: "ops-main", body: "{\"widgets\":[1]}", now: t0 + 3)
        #expect(try store.getDashboard(name: "ops-main") == StoredDashboard(name: "ops-main", body: "{\"widgets\":[1]}", lastModified: t0 + 3))
        #expect(try store.getDashboard(name: "nope") == nil)
        #expect(try store.listDashboards() == [
            DashboardEntry(name: "billing", size: 18, lastModified: t0 + 2),
            DashboardEntry(name: "ops-main", size: 15, lastModified: t0 + 3),
            DashboardEntry(name: "ops_2", size: 16, lastModified: t0 + 1),
        ])
        #expect(try store.listDashboards(prefix: "ops").map(\.name) == ["ops-main", "ops_2"])
        #expect(try store.listDashboards(prefix: "ops_").map(\.name) == ["ops_2"])  // `_` is no wildcard
        #expect(try store.listDashboards(prefix: "OPS").isEmpty)
        #expect(try store.deleteDashboards(names: ["ops_2", "ghost", "ops_2"]) == ["ghost"])
        #expect(try store.listDashboards().map(\.name) == ["billing", "ops-main"])
    }
}
