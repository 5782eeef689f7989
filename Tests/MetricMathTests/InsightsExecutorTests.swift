import ChartCore
import ChartTestSupport
import MetricMath
import PropertyBased
import Testing

private func metric(_ ns: String, _ name: String, _ dims: (String, String)...) -> MetricIdentity {
    MetricIdentity(namespace: ns, name: name, dimensions: dims.map { Dimension(name: $0.0, value: $0.1) })
}

/// Builds bucket columns from raw samples per bucket (nil or [] = no samples).
private func buckets(_ m: MetricIdentity, _ samples: [[Double]?]) -> InsightsMetricBuckets {
    InsightsMetricBuckets(
        metric: m,
        sum: samples.map { ($0 ?? []).reduce(0, +) },
        sampleCount: samples.map { Double(($0 ?? []).count) },
        minimum: samples.map { ($0 ?? []).min() ?? .nan },
        maximum: samples.map { ($0 ?? []).max() ?? .nan })
}

/// Compares value columns where NaN = no data.
private func same(_ a: [Double], _ b: [Double]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { ($0.isNaN && $1.isNaN) || abs($0 - $1) <= 1e-9 * max(1, abs($1)) }
}

@Suite struct InsightsMatchTests {
    let catalogue: [MetricIdentity] = [
        metric("AWS/EC2", "CPUUtilization"),
        metric("AWS/EC2", "CPUUtilization", ("InstanceId", "i-1")),
        metric("AWS/EC2", "CPUUtilization", ("InstanceId", "i-2")),
        metric("AWS/EC2", "CPUUtilization", ("InstanceType", "c3.4xlarge")),
        metric("AWS/EC2", "CPUUtilization", ("InstanceType", "t2.micro")),
        metric("AWS/EC2", "CPUUtilization", ("InstanceId", "i-1"), ("InstanceType", "t2.micro")),
        metric("AWS/EC2", "NetworkIn", ("InstanceId", "i-1")),
        metric("AWS/EBS", "CPUUtilization"),
    ]

    private func matched(_ text: String) throws -> [MetricIdentity] {
        try InsightsQuery.parse(text).matchingMetrics(in: catalogue).metrics
    }

    @Test func fromNamespaceIgnoresDimensions() throws {
        #expect(try matched("SELECT AVG(CPUUtilization) FROM \"AWS/EC2\"").count == 6)
    }

    @Test func schemaIsExact() throws {
        #expect(try matched("SELECT AVG(CPUUtilization) FROM SCHEMA(\"AWS/EC2\")") == [catalogue[0]])
        #expect(try matched("SELECT AVG(CPUUtilization) FROM SCHEMA(\"AWS/EC2\", InstanceId)") == [catalogue[1], catalogue[2]])
        #expect(try matched("SELECT AVG(CPUUtilization) FROM SCHEMA(\"AWS/EC2\", InstanceType, InstanceId)") == [catalogue[5]])
    }

    @Test func whereConditions() throws {
        #expect(try matched("SELECT AVG(CPUUtilization) FROM \"AWS/EC2\" WHERE InstanceType = 't2.micro'") == [catalogue[4], catalogue[5]])
        // != keeps metrics without the dimension (their value is not 'c3.4xlarge').
        #expect(try matched("SELECT AVG(CPUUtilization) FROM \"AWS/EC2\" WHERE InstanceType != 'c3.4xlarge'").count == 5)
        #expect(try matched("SELECT AVG(CPUUtilization) FROM \"AWS/EC2\" WHERE InstanceType != 'c3.4xlarge' AND InstanceId = 'i-1'")
            == [catalogue[1], catalogue[5]])
    }

    @Test func namesAreCaseSensitive() throws {
        #expect(try matched("SELECT AVG(cpuutilization) FROM \"AWS/EC2\"").isEmpty)
        #expect(try matched("select avg(CPUUtilization) from \"aws/ec2\"").isEmpty)
    }

    @Test func scanCap() throws {
        let many = (0..<10_005).map { metric("Big", "M", ("Host", "h\($0)")) }
        let r = try InsightsQuery.parse("SELECT SUM(M) FROM Big").matchingMetrics(in: many + many.prefix(10))
        #expect(r.metrics.count == 10_000)
        #expect(r.matchedCount == 10_005)
        #expect(r.isCapped)
        #expect(r.metrics.first == many[0])
        let small = try InsightsQuery.parse("SELECT SUM(M) FROM Big WHERE Host = 'h7'").matchingMetrics(in: many)
        #expect(small.metrics == [many[7]] && !small.isCapped)
    }

    @Test func prefilter() throws {
        let p = try InsightsQuery.parse("SELECT AVG(CPUUtilization) FROM SCHEMA(\"AWS/EC2\", InstanceId) WHERE InstanceId = 'i-1' AND X != 'y'").prefilter
        #expect(p.namespace == "AWS/EC2")
        #expect(p.metricName == "CPUUtilization")
        #expect(p.dimensions == [SearchDimensionFilter(name: "InstanceId"), SearchDimensionFilter(name: "InstanceId", value: "i-1")])
    }
}

@Suite struct InsightsAggregateTests {
    // Grid of four 5-minute buckets; `now` makes the first one older than 3 hours.
    let grid: [EpochSeconds] = [0, 300, 600, 900]
    let now: EpochSeconds = 300 + 3 * 3600

    let a = metric("Shop/Api", "LatencyMs", ("Route", "/cart"), ("Stage", "prod"))
    let b = metric("Shop/Api", "LatencyMs", ("Route", "/pay"), ("Stage", "prod"))
    let c = metric("Shop/Api", "LatencyMs", ("Route", "/cart"), ("Stage", "beta"))
    let d = metric("Shop/Api", "LatencyMs", ("Stage", "prod"))

    var data: [InsightsMetricBuckets] {
        [
            buckets(a, [[5], [1, 2, 3], [10], nil]),
            buckets(b, [[5], [100], nil, nil]),
            buckets(c, [[5], [4], [20, 30], nil]),
            buckets(d, [[5], nil, [7], nil]),
        ]
    }

    private func run(_ text: String, _ input: [InsightsMetricBuckets]? = nil) throws -> InsightsResult {
        try InsightsQuery.parse(text).aggregate(timestamps: grid, metrics: input ?? data, now: now)
    }

    @Test func ungroupedFunctions() throws {
        // Bucket 0 is outside the lookback; bucket 3 has no samples.
        let avg = try run("SELECT AVG(LatencyMs) FROM \"Shop/Api\"")
        #expect(avg.series.count == 1)
        #expect(avg.series[0].groupValues.isEmpty && avg.series[0].label == "")
        // AVG of raw observations: (1+2+3+100+4)/5 = 22, not the mean of the metric means.
        #expect(same(avg.series[0].values, [.nan, 22, (10 + 20 + 30 + 7) / 4.0, .nan]))
        #expect(same(try run("SELECT SUM(LatencyMs) FROM \"Shop/Api\"").series[0].values, [.nan, 110, 67, .nan]))
        #expect(same(try run("SELECT COUNT(LatencyMs) FROM \"Shop/Api\"").series[0].values, [.nan, 5, 4, .nan]))
        #expect(same(try run("SELECT MIN(LatencyMs) FROM \"Shop/Api\"").series[0].values, [.nan, 1, 7, .nan]))
        #expect(same(try run("SELECT MAX(LatencyMs) FROM \"Shop/Api\"").series[0].values, [.nan, 100, 30, .nan]))
        #expect(avg.timestamps == grid)
        #expect(!avg.isTruncated)
    }

    @Test func lookbackBoundaryIsInclusive() throws {
        let q = try InsightsQuery.parse("SELECT SUM(LatencyMs) FROM \"Shop/Api\"")
        let r = q.aggregate(timestamps: grid, metrics: data, now: 3 * 3600)  // bucket 0 starts exactly 3 h ago
        #expect(same(r.series[0].values, [20, 110, 67, .nan]))
    }

    @Test func ungroupedWithoutMetricsIsOneEmptySeries() throws {
        let r = try run("SELECT AVG(LatencyMs) FROM \"Shop/Api\"", [])
        #expect(r.series.count == 1)
        #expect(r.series[0].values.allSatisfy { $0.isNaN })
        #expect(try run("SELECT AVG(LatencyMs) FROM \"Shop/Api\" GROUP BY Route", []).series.isEmpty)
    }

    @Test func groupsWithOtherAndAlphabeticalOrder() throws {
        let r = try run("SELECT SUM(LatencyMs) FROM \"Shop/Api\" GROUP BY Route")
        #expect(r.series.map(\.label) == ["/cart", "/pay", "Other"])
        #expect(same(r.series[0].values, [.nan, 10, 60, .nan]))
        #expect(same(r.series[1].values, [.nan, 100, .nan, .nan]))
        #expect(same(r.series[2].values, [.nan, .nan, 7, .nan]))
        #expect(r.groupCount == 3)
        let two = try run("SELECT SUM(LatencyMs) FROM \"Shop/Api\" GROUP BY Route, Stage")
        #expect(two.series.map(\.label) == ["/cart beta", "/cart prod", "/pay prod", "Other prod"])
        #expect(two.series[3].groupValues == ["Other", "prod"])
    }

    @Test func orderByRanksOverTheWholeRange() throws {
        // Per-route SUM series: /cart [10, 60] (max 60, sum 70), /pay [100] (max 100), Other [7].
        #expect(try run("SELECT SUM(LatencyMs) FROM \"Shop/Api\" GROUP BY Route ORDER BY MAX() DESC").series.map(\.label)
            == ["/pay", "/cart", "Other"])
        #expect(try run("SELECT SUM(LatencyMs) FROM \"Shop/Api\" GROUP BY Route ORDER BY MAX()").series.map(\.label)
            == ["Other", "/cart", "/pay"])
        #expect(try run("SELECT SUM(LatencyMs) FROM \"Shop/Api\" GROUP BY Route ORDER BY COUNT() DESC").series.map(\.label)
            == ["/cart", "/pay", "Other"])  // 2 points, then 1 and 1 by group value
        #expect(try run("SELECT SUM(LatencyMs) FROM \"Shop/Api\" GROUP BY Route ORDER BY AVG() ASC").series.map(\.label)
            == ["Other", "/cart", "/pay"])  // 7, 35, 100
        #expect(try run("SELECT SUM(LatencyMs) FROM \"Shop/Api\" GROUP BY Route ORDER BY SUM() DESC LIMIT 2").series.map(\.label)
            == ["/pay", "/cart"])
        #expect(try run("SELECT SUM(LatencyMs) FROM \"Shop/Api\" GROUP BY Route ORDER BY MIN() DESC LIMIT 1").series.map(\.label)
            == ["/pay"])
    }

    @Test func emptySeriesSortLast() throws {
        let e = metric("Shop/Api", "LatencyMs", ("Route", "/empty"))
        let input = data + [buckets(e, [[1], nil, nil, nil])]  // only an expired bucket
        for dir in ["ASC", "DESC"] {
            let labels = try run("SELECT SUM(LatencyMs) FROM \"Shop/Api\" GROUP BY Route ORDER BY MAX() \(dir)", input).series.map(\.label)
            #expect(labels.last == "/empty", "\(dir)")
        }
        // ORDER BY COUNT() ranks an empty series as 0.
        #expect(try run("SELECT SUM(LatencyMs) FROM \"Shop/Api\" GROUP BY Route ORDER BY COUNT()", input).series.first?.label == "/empty")
    }

    @Test func limitWithoutOrderKeepsAlphabeticalHead() throws {
        #expect(try run("SELECT SUM(LatencyMs) FROM \"Shop/Api\" GROUP BY Route LIMIT 2").series.map(\.label) == ["/cart", "/pay"])
    }

    @Test func fiveHundredSeriesCap() throws {
        let input = (0..<520).map { buckets(metric("N", "M", ("K", "k\(1000 + $0)")), [nil, [Double($0)], nil, nil]) }
        let r = try InsightsQuery.parse("SELECT MAX(M) FROM N GROUP BY K").aggregate(timestamps: grid, metrics: input, now: now)
        #expect(r.series.count == 500)
        #expect(r.groupCount == 520)
        #expect(r.isTruncated)
        #expect(r.series.first?.label == "k1000" && r.series.last?.label == "k1499")
        let top = try InsightsQuery.parse("SELECT MAX(M) FROM N GROUP BY K ORDER BY MAX() DESC LIMIT 500")
            .aggregate(timestamps: grid, metrics: input, now: now)
        #expect(top.series.count == 500 && !top.isTruncated)
        #expect(top.series.first?.label == "k1519")
    }

    @Test func malformedColumnsCountAsNoData() throws {
        let short = InsightsMetricBuckets(metric: a, sum: [1, 2], sampleCount: [1, 1], minimum: [1, 2], maximum: [1, 2])
        let infinite = InsightsMetricBuckets(metric: b, sum: [.infinity, 5, 5, 5], sampleCount: [1, 1, .nan, -1], minimum: [1, 5, 5, 5], maximum: [1, 5, 5, 5])
        let r = try run("SELECT SUM(LatencyMs) FROM \"Shop/Api\"", [short, infinite])
        #expect(same(r.series[0].values, [.nan, 7, .nan, .nan]))
        let huge = buckets(a, [nil, [Double.greatestFiniteMagnitude], nil, nil])
        let overflow = try run("SELECT SUM(LatencyMs) FROM \"Shop/Api\"", [huge, huge])
        #expect(overflow.series[0].values.allSatisfy { $0.isNaN })
    }

    @Test func avgIsTotalSumOverTotalCount() async {
        // Property: for any split of samples across metrics, AVG equals the mean of all samples,
        // SUM their sum and COUNT their number.
        let gen = Gen.int(in: -1000...1000).array(of: 1...20)
        await propertyCheck(count: 200, input: gen, Gen.int(in: 1...5)) { samples, parts in
            var groups = Array(repeating: [Double](), count: parts)
            for (i, s) in samples.enumerated() { groups[i % parts].append(Double(s)) }
            let input = groups.enumerated().map { i, g in
                buckets(metric("N", "M", ("K", "\(i)")), [nil, g.isEmpty ? nil : g, nil, nil])
            }
            let values = samples.map(Double.init)
            let q = { (f: String) in
                (try? InsightsQuery.parse("SELECT \(f)(M) FROM N"))?.aggregate(timestamps: grid, metrics: input, now: now).series[0].values[1]
            }
            let mean = values.reduce(0, +) / Double(values.count)
            #expect(abs((q("AVG") ?? .nan) - mean) < 1e-9)
            #expect(q("SUM") == values.reduce(0, +))
            #expect(q("COUNT") == Double(values.count))
            #expect(q("MIN") == values.min())
            #expect(q("MAX") == values.max())
        }
    }
}
