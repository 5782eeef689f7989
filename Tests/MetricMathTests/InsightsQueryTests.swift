import ChartCore
import ChartTestSupport
import MetricMath
import Testing

/// Parsing Metrics Insights queries (metric-math.md §11 and the documented examples).
@Suite struct InsightsQueryParseTests {
    private func error(_ text: String) -> InsightsQueryError? {
        do { _ = try InsightsQuery.parse(text); return nil } catch { return error }
    }

    @Test func fromNamespace() throws {
        let q = try InsightsQuery.parse("SELECT AVG(CPUUtilization) FROM \"AWS/EC2\"")
        #expect(q.function == .avg)
        #expect(q.metricName == "CPUUtilization")
        #expect(q.source == .namespace("AWS/EC2"))
        #expect(q.conditions.isEmpty && q.groupBy.isEmpty && q.orderBy == nil && q.limit == nil)
        #expect(try InsightsQuery.parse("SELECT SUM(Requests) FROM MyApp").source == .namespace("MyApp"))
    }

    @Test func schemaSources() throws {
        #expect(try InsightsQuery.parse("SELECT AVG(CPUUtilization) FROM SCHEMA(\"AWS/EC2\")").source
            == .schema(namespace: "AWS/EC2", dimensionNames: []))
        #expect(try InsightsQuery.parse("SELECT AVG(CPUUtilization) FROM SCHEMA(\"AWS/EC2\", InstanceId)").source
            == .schema(namespace: "AWS/EC2", dimensionNames: ["InstanceId"]))
        #expect(try InsightsQuery.parse("SELECT SUM(RequestCount) FROM SCHEMA(\"AWS/ApplicationELB\", LoadBalancer, AvailabilityZone)").source
            == .schema(namespace: "AWS/ApplicationELB", dimensionNames: ["LoadBalancer", "AvailabilityZone"]))
    }

    @Test func fullTopNQuery() throws {
        let q = try InsightsQuery.parse("""
            SELECT SUM(RequestCount)
            FROM SCHEMA("AWS/ApplicationELB", LoadBalancer, AvailabilityZone)
            WHERE LoadBalancer = 'app/load-balancer-1'
            GROUP BY AvailabilityZone
            ORDER BY MAX() DESC
            LIMIT 5
            """)
        #expect(q.function == .sum)
        #expect(q.conditions == [InsightsQuery.Condition(dimension: "LoadBalancer", op: .equal, value: "app/load-balancer-1")])
        #expect(q.groupBy == ["AvailabilityZone"])
        #expect(q.orderBy == InsightsQuery.Ordering(function: .max, descending: true))
        #expect(q.limit == 5)
    }

    @Test func widgetExample() throws {
        let q = try InsightsQuery.parse("SELECT AVG(LatencyMs) FROM SCHEMA(\"Shop/Api\", Route) GROUP BY Route ORDER BY AVG() DESC LIMIT 5")
        #expect(q.namespace == "Shop/Api")
        #expect(q.groupBy == ["Route"])
        #expect(q.orderBy == InsightsQuery.Ordering(function: .avg, descending: true))
    }

    @Test func whereOperators() throws {
        let q = try InsightsQuery.parse("SELECT MAX(CPUUtilization) FROM \"AWS/EC2\" WHERE InstanceType != 'c3.4xlarge' AND AutoScalingGroupName = 'my-production-fleet'")
        #expect(q.conditions == [
            InsightsQuery.Condition(dimension: "InstanceType", op: .notEqual, value: "c3.4xlarge"),
            InsightsQuery.Condition(dimension: "AutoScalingGroupName", op: .equal, value: "my-production-fleet"),
        ])
    }

    @Test func keywordsAreCaseInsensitiveNamesAreNot() throws {
        let q = try InsightsQuery.parse("select avg(cpu) from Ns where Az = 'a' group by Az order by sum() asc limit 3")
        #expect(q.function == .avg && q.metricName == "cpu" && q.source == .namespace("Ns"))
        #expect(q.groupBy == ["Az"])
        #expect(q.orderBy == InsightsQuery.Ordering(function: .sum, descending: false))
        #expect(q.limit == 3)
        #expect(try InsightsQuery.parse("SeLeCt CoUnT(X) FrOm Y OrDeR bY cOuNt()").orderBy?.function == .count)
    }

    @Test func quotingAndEscapes() throws {
        #expect(try InsightsQuery.parse("SELECT MAX(\"My.Metric\") FROM Ns").metricName == "My.Metric")
        #expect(try InsightsQuery.parse(#"SELECT AVG("Bytes\"Input\"") FROM Ns"#).metricName == #"Bytes"Input""#)
        #expect(try InsightsQuery.parse("SELECT AVG(\"LIMIT\") FROM Ns").metricName == "LIMIT")
        #expect(try InsightsQuery.parse(#"SELECT AVG(x) FROM Ns WHERE "Dim Name" = 'it\'s'"#).conditions
            == [InsightsQuery.Condition(dimension: "Dim Name", op: .equal, value: "it's")])
        // Function names are not reserved where a name is expected.
        #expect(try InsightsQuery.parse("SELECT SUM(Count) FROM Ns GROUP BY Max").metricName == "Count")
    }

    @Test func orderByDefaultsToAscending() throws {
        #expect(try InsightsQuery.parse("SELECT AVG(x) FROM Ns GROUP BY a ORDER BY MIN()").orderBy
            == InsightsQuery.Ordering(function: .min, descending: false))
    }

    @Test func isQuery() {
        #expect(InsightsQuery.isQuery("SELECT AVG(x) FROM y"))
        #expect(InsightsQuery.isQuery("  \n select avg(x) from y"))
        #expect(InsightsQuery.isQuery("Select"))
        #expect(!InsightsQuery.isQuery("SELECTED"))
        #expect(!InsightsQuery.isQuery("SEARCH('{AWS/EC2} CPU', 'Average')"))
        #expect(!InsightsQuery.isQuery("m1 + 1"))
        #expect(!InsightsQuery.isQuery(""))
    }

    // MARK: Errors

    @Test func lengthLimit() throws {
        let head = "SELECT AVG(x) FROM Ns WHERE d = '"
        let fits = head + String(repeating: "v", count: 2048 - head.count - 1) + "'"
        #expect(fits.unicodeScalars.count == 2048)
        #expect(throws: Never.self) { try InsightsQuery.parse(fits) }
        let e = error(head + String(repeating: "v", count: 2048 - head.count) + "'")
        #expect(e?.code == .tooLong)
        #expect(e?.message.contains("2049") == true)
    }

    @Test func limitBounds() throws {
        #expect(try InsightsQuery.parse("SELECT AVG(x) FROM Ns LIMIT 500").limit == 500)
        #expect(try InsightsQuery.parse("SELECT AVG(x) FROM Ns LIMIT 0001").limit == 1)
        #expect(error("SELECT AVG(x) FROM Ns LIMIT 501")?.code == .invalidLimit)
        #expect(error("SELECT AVG(x) FROM Ns LIMIT 0")?.code == .invalidLimit)
        #expect(error("SELECT AVG(x) FROM Ns LIMIT 99999999999999999999999")?.code == .invalidLimit)
        #expect(error("SELECT AVG(x) FROM Ns LIMIT five")?.code == .invalidLimit)
        let missing = error("SELECT AVG(x) FROM Ns LIMIT")
        #expect(missing?.code == .invalidLimit)
        #expect(missing?.position == 27)
    }

    @Test func positionsPointAtTheProblem() {
        let e = error("SELECT MEDIAN(x) FROM Ns")
        #expect(e?.code == .expectedFunction)
        #expect(e?.position == 7)
        let slash = error("SELECT AVG(x) FROM AWS/EC2")
        #expect(slash?.code == .unexpectedCharacter)
        #expect(slash?.position == 22)
        #expect(slash?.description.hasPrefix("Invalid Metrics Insights query at position 22:") == true)
        // Errors come in reading order: the bad function before the bad character.
        #expect(error("SELECT MEDIAN(x) FROM AWS/EC2")?.position == 7)
    }

    @Test func structuralErrors() {
        #expect(error("")?.code == .expectedKeyword)
        #expect(error("SELECT")?.code == .expectedFunction)
        #expect(error("SELECT AVG x FROM Ns")?.code == .expectedSymbol)
        #expect(error("SELECT AVG(x FROM Ns")?.code == .expectedSymbol)
        #expect(error("SELECT AVG(x)")?.code == .expectedKeyword)
        #expect(error("SELECT AVG(x) Ns")?.code == .expectedKeyword)
        #expect(error("SELECT AVG() FROM Ns")?.code == .expectedName)
        #expect(error("SELECT AVG(x) FROM")?.code == .expectedName)
        #expect(error("SELECT AVG(x) FROM LIMIT")?.code == .reservedWord)
        #expect(error("SELECT AVG(x) FROM SCHEMA")?.code == .reservedWord)
        #expect(error("SELECT AVG(x) FROM SCHEMA(Ns, A, A)")?.code == .duplicateDimension)
        #expect(error("SELECT AVG(x) FROM SCHEMA(Ns, A")?.code == .expectedSymbol)
        #expect(error("SELECT AVG('x') FROM Ns")?.code == .expectedName)
        #expect(error("SELECT AVG(\"\") FROM Ns")?.code == .expectedName)
        #expect(error("SELECT AVG(x) FROM Ns GROUP Route")?.code == .expectedKeyword)
        #expect(error("SELECT AVG(x) FROM Ns GROUP BY")?.code == .expectedName)
        #expect(error("SELECT AVG(x) FROM Ns GROUP BY a,")?.code == .expectedName)
        #expect(error("SELECT AVG(x) FROM Ns ORDER BY MAX(x)")?.code == .expectedSymbol)
        #expect(error("SELECT AVG(x) FROM Ns ORDER BY MAX")?.code == .expectedSymbol)
        #expect(error("SELECT AVG(x) FROM Ns LIMIT 5 GROUP BY a")?.code == .unexpectedToken)
        #expect(error("SELECT AVG(x) FROM Ns extra")?.code == .unexpectedToken)
        #expect(error("SELECT AVG(x) FROM Ns; DROP")?.code == .unexpectedCharacter)
    }

    @Test func whereErrors() {
        #expect(error("SELECT AVG(x) FROM Ns WHERE a = b")?.code == .expectedValue)
        #expect(error("SELECT AVG(x) FROM Ns WHERE a = \"b\"")?.code == .expectedValue)
        #expect(error("SELECT AVG(x) FROM Ns WHERE a 'b'")?.code == .expectedSymbol)
        #expect(error("SELECT AVG(x) FROM Ns WHERE a < 'b'")?.code == .unsupportedOperator)
        #expect(error("SELECT AVG(x) FROM Ns WHERE a = 'b' OR c = 'd'")?.code == .unsupportedOperator)
        #expect(error("SELECT AVG(x) FROM Ns WHERE a = 'b' AND")?.code == .expectedName)
        #expect(error("SELECT AVG(x) FROM Ns WHERE")?.code == .expectedName)
    }

    @Test func unterminatedQuotes() {
        let e = error("SELECT AVG(\"x) FROM Ns")
        #expect(e?.code == .unterminatedString)
        #expect(e?.position == 11)
        #expect(error("SELECT AVG(x) FROM Ns WHERE a = 'b")?.code == .unterminatedString)
        #expect(error("SELECT AVG(x) FROM Ns WHERE a = 'b\\'")?.code == .unterminatedString)
    }

    @Test func neverCrashesOnRandomInput() {
        let words = ["SELECT", "AVG", "(", ")", "x", "FROM", "SCHEMA", ",", "WHERE", "=", "!=", "'v'", "\"n\"",
                     "AND", "GROUP", "BY", "ORDER", "DESC", "LIMIT", "5", "'", "\"", "\\", "!"]
        var rng = SplitMix64(seed: 11)
        var parsed = 0
        for _ in 0..<3000 {
            let n = Int(rng.next() % 14)
            let text = (0..<n).map { _ in words[Int(rng.next() % UInt64(words.count))] }.joined(separator: " ")
            if (try? InsightsQuery.parse(text)) != nil { parsed += 1 }
        }
        // Almost all random inputs are rejected; the loop is about never crashing.
        #expect(parsed < 3000)
    }
}
