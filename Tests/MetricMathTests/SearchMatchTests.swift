import ChartCore
import ChartTestSupport
import MetricMath
import PropertyBased
import Testing

private func metric(_ ns: String, _ name: String, _ dims: (String, String)...) -> MetricIdentity {
    MetricIdentity(namespace: ns, name: name, dimensions: dims.map { Dimension(name: $0.0, value: $0.1) })
}

/// Tokenisation and matching of SEARCH terms (metric-math.md §10 examples).
@Suite struct SearchTokenizationTests {
    @Test func documentedTokens() {
        #expect(SearchTokenization("CustomCount1").tokens == ["customcount1", "custom", "count", "1"])
        #expect(SearchTokenization("SDBFailure").tokens == ["sdbfailure", "sdb", "failure"])
        #expect(SearchTokenization("Project2-trial333").tokens == ["project2trial333", "project", "2", "trial", "333"])
        #expect(SearchTokenization("Network-Errors_2").lowercasedPieces == ["network", "errors", "2"])
    }

    @Test func delimiterRunsCountOnce() {
        let t = SearchTokenization("--a__//b--")
        #expect(t.runs == [["a"], ["b"]])
        #expect(t.whole == "ab")
        #expect(SearchTokenization("---").tokens.isEmpty)
        #expect(SearchTokenization("Errors").tokens == ["errors"])
    }

    @Test func boundaries() {
        #expect(SearchTokenization("t2.micro").pieces == ["t", "2", "micro"])
        #expect(SearchTokenization("c5.2xlarge").pieces == ["c", "5", "2", "xlarge"])
        #expect(SearchTokenization("HTTPCode_Target_5XX_Count").pieces == ["HTTP", "Code", "Target", "5", "XX", "Count"])
        #expect(SearchTokenization("CPUUtilization").pieces == ["CPU", "Utilization"])
        #expect(SearchTokenization("ÄrgerÜber").pieces == ["Ärger", "Über"])
    }

    @Test func partialMatchExamplesFindCustomCount1() throws {
        for term in ["count", "Count", "COUNT", "CustomCount", "Count1", "custom", "1", "customcount1", "CustomCount1"] {
            let m = try #require(SearchMatch(property: .any, text: term, isExact: false))
            #expect(m.matches(string: "CustomCount1"), "\(term) should find CustomCount1")
        }
        for term in ["customcount", "count1", "couNT", "Custom1", "CountCustom"] {
            let m = try #require(SearchMatch(property: .any, text: term, isExact: false))
            #expect(!m.matches(string: "CustomCount1"), "\(term) should not find CustomCount1")
        }
    }

    @Test func delimitedTermsFindBothSpellings() throws {
        for term in ["network/errors", "network+errors", "network-errors", "Network_Errors"] {
            let m = try #require(SearchMatch(property: .any, text: term, isExact: false))
            #expect(m.matches(string: "Network-Errors-2"), "\(term)")
            #expect(m.matches(string: "NetworkErrors2"), "\(term)")
            #expect(!m.matches(string: "NetworkFailures"), "\(term)")
        }
    }

    @Test func exactMatch() throws {
        let m = try #require(SearchMatch(property: .any, text: "CustomCount1", isExact: true))
        #expect(m.matches(string: "CustomCount1"))
        #expect(!m.matches(string: "customcount1"))
        let custom = try #require(SearchMatch(property: .any, text: "Custom", isExact: true))
        #expect(!custom.matches(string: "CustomCount1"))
        let errors = try #require(SearchMatch(property: .any, text: "Errors", isExact: true))
        #expect(errors.matches(string: "Errors"))
        #expect(!errors.matches(string: "ConnectionErrors"))
        #expect(!errors.matches(string: "errors"))
        let dashed = try #require(SearchMatch(property: .any, text: "Network-Errors-2", isExact: true))
        #expect(dashed.matches(string: "Network-Errors-2"))
        let underscored = try #require(SearchMatch(property: .any, text: "Network_Errors_2", isExact: true))
        #expect(!underscored.matches(string: "Network-Errors-2"))
    }

    @Test func partialMatchOfAnyStringIsItsOwnMatch() async {
        // Property: a partial term always finds the string it was written as (when the string
        // has a letter or digit), and its exact form does too.
        await propertyCheck(count: 300, input: Gen.character(in: " "..."~").string(of: 1...16)) { s in
            guard let partial = SearchMatch(property: .any, text: s, isExact: false) else {
                #expect(SearchTokenization(s).pieces.isEmpty)
                return
            }
            #expect(partial.matches(string: s))
            #expect(SearchMatch(property: .any, text: s, isExact: true)?.matches(string: s) == true)
        }
    }

    @Test func tokensAreLowercaseAndWholeIsTheirConcatenation() async {
        await propertyCheck(count: 300, input: Gen.character(in: " "..."~").string(of: 0...20)) { s in
            let t = SearchTokenization(s)
            #expect(t.whole == t.lowercasedPieces.joined())
            #expect(t.pieces.joined().count == s.filter { $0.isLetter || $0.isNumber }.count)
            #expect(t.tokens.allSatisfy { $0 == $0.lowercased() })
        }
    }
}

/// Matching whole metrics and producing SEARCH results.
@Suite struct SearchResultTests {
    let catalogue: [MetricIdentity] = [
        metric("AWS/EC2", "CPUUtilization", ("InstanceId", "i-1234567890123456")),
        metric("AWS/EC2", "CPUUtilization", ("InstanceId", "i-0abc")),
        metric("AWS/EC2", "CPUUtilization", ("InstanceType", "t2.micro")),
        metric("AWS/EC2", "CPUUtilization", ("InstanceType", "t3.micro")),
        metric("AWS/EC2", "CPUUtilization", ("InstanceType", "m5.large")),
        metric("AWS/EC2", "CPUUtilization"),
        metric("AWS/EC2", "NetworkPacketsIn", ("InstanceId", "i-0abc")),
        metric("AWS/EBS", "VolumeReadOps", ("VolumeId", "vol-1")),
        metric("AWS/EC2", "DiskReadOps", ("InstanceId", "i-0abc")),
        metric("AWS/Lambda", "Errors", ("FunctionName", "ProjectA-ingest")),
        metric("AWS/Lambda", "Errors", ("FunctionName", "billing")),
        metric("AWS/Lambda", "Invocations", ("FunctionName", "ProjectA-ingest")),
        metric("AWS/Lambda", "Invocations", ("FunctionName", "ProjectB-export")),
        metric("AWS/Lambda", "Invocations", ("FunctionName", "billing")),
        metric("AWS/Lambda", "Errors", ("FunctionName", "billing"), ("Resource", "billing:prod")),
        metric("MyNamespace", "CustomCount1"),
        metric("MyNamespace", "ConnectionErrors"),
        metric("Shop/Api", "Network-Errors-2", ("Route", "/cart")),
        metric("Shop/Api", "NetworkErrors2", ("Route", "/pay")),
        metric("AWS/ECS", "CPUUtilization", ("ClusterName", "main")),
        metric("AWS/NetworkELB", "ConsumedLCUs", ("LoadBalancer", "net/lb/1")),
        metric("AWS/NetworkELB", "ActiveFlowCount", ("LoadBalancer", "net/lb/1")),
        metric("AWS/NetworkELB", "NewFlowCount", ("LoadBalancer", "net/lb/1")),
        metric("AWS/NetworkELB", "ProcessedBytes", ("LoadBalancer", "net/lb/1")),
    ]

    private func labels(_ text: String) throws -> [String] {
        try SearchQuery.parse(text).results(from: catalogue).results.map(\.label)
    }

    @Test func schemaIsTheExactDimensionSet() throws {
        #expect(try labels(" {AWS/EC2,InstanceId} MetricName=\"CPUUtilization\" ") == ["i-0abc", "i-1234567890123456"])
        #expect(try labels(" {AWS/EC2,InstanceType} MetricName=\"CPUUtilization\" ") == ["m5.large", "t2.micro", "t3.micro"])
        // A schema of only the namespace: dimension-less metrics, labelled with the metric name.
        #expect(try labels(" {AWS/EC2} MetricName=\"CPUUtilization\" ") == ["CPUUtilization"])
        #expect(try labels("{AWS/Lambda,FunctionName,Resource}") == ["billing billing:prod"])
    }

    @Test func designatedPartialAndExactValues() throws {
        #expect(try labels(" {AWS/EC2,InstanceType} InstanceType=micro MetricName=\"CPUUtilization\" ") == ["t2.micro", "t3.micro"])
        #expect(try labels(" {AWS/EC2,InstanceType} InstanceType=\"t2.micro\" MetricName=\"CPUUtilization\" ") == ["t2.micro"])
        #expect(try labels("InstanceType=\"t2.micro\" Namespace=\"AWS/EC2\"") == ["t2.micro"])
        // Several metric names → the metric name is appended.
        #expect(try labels("{AWS/EC2,InstanceId} InstanceId=\"i-0abc\"")
            == ["i-0abc CPUUtilization", "i-0abc DiskReadOps", "i-0abc NetworkPacketsIn"])
    }

    @Test func notExcludes() throws {
        #expect(try labels("{AWS/EC2,InstanceId} MetricName=\"CPUUtilization\" NOT i-1234567890123456") == ["i-0abc"])
        let custom = try SearchQuery.parse(" NOT Namespace=AWS ").results(from: catalogue).results.map(\.metric.namespace)
        #expect(Set(custom) == ["MyNamespace", "Shop/Api"])
    }

    @Test func booleanGrouping() throws {
        #expect(try labels("{AWS/Lambda,FunctionName} MetricName=\"Errors\" OR (MetricName=\"Invocations\" AND (ProjectA OR ProjectB))")
            == ["ProjectA-ingest Errors", "ProjectA-ingest Invocations", "ProjectB-export Invocations", "billing Errors"])
        let readOps = try SearchQuery.parse(" (EC2 OR EBS) AND MetricName=ReadOps ").results(from: catalogue).results.map(\.metric.name)
        #expect(Set(readOps) == ["VolumeReadOps", "DiskReadOps"])
        let same = try SearchQuery.parse(" (EC2 OR EBS) MetricName=ReadOps ").results(from: catalogue).results.map(\.metric.name)
        #expect(Set(same) == Set(readOps))
        #expect(try labels(" {AWS/NetworkELB, LoadBalancer} \"ConsumedLCUs\" OR flow ")
            == ["net/lb/1 ActiveFlowCount", "net/lb/1 ConsumedLCUs", "net/lb/1 NewFlowCount"])
        let twoNamespaces = try SearchQuery.parse(" MetricName=\"CPUUtilization\" AND (\"AWS/ECS\" OR \"AWS/ES\") ").results(from: catalogue)
        #expect(twoNamespaces.results.map(\.metric.namespace) == ["AWS/ECS"])
    }

    @Test func exactTermInSchema() throws {
        #expect(try labels(" {MyNamespace}, \"CustomCount1\" ") == ["CustomCount1"])
        #expect(try labels(" {MyNamespace}, \"customcount1\" ").isEmpty)
        #expect(try labels(" {MyNamespace}, \"Custom\" ").isEmpty)
        #expect(try labels(" \"Errors\" ").count == 3)  // metric name Errors only, not ConnectionErrors
        #expect(try SearchQuery.parse(" Errors ").results(from: catalogue).matchedCount == 6)
    }

    @Test func networkErrorsExamples() throws {
        for term in ["network/errors", "network+errors", "network-errors", "Network_Errors"] {
            #expect(try labels("{Shop/Api, Route} \(term)") == ["/cart Network-Errors-2", "/pay NetworkErrors2"])
        }
    }

    @Test func noSchemaLabelsUseDimensionValuesByName() throws {
        let q = try SearchQuery.parse("billing")
        let r = q.results(from: catalogue).results.map(\.label)
        #expect(r == ["billing Errors", "billing Invocations", "billing billing:prod Errors"])
        // One metric name only → values alone; no dimensions → metric name.
        #expect(q.label(for: metric("X", "M", ("B", "2"), ("A", "1")), includeMetricName: false) == "1 2")
        #expect(q.label(for: metric("X", "M"), includeMetricName: true) == "M")
    }

    @Test func accountFilterMatchesEverything() throws {
        let all = try SearchQuery.parse(":aws.AccountId = 'LOCAL'").results(from: catalogue)
        #expect(all.matchedCount == Set(catalogue).count)
        let none = try SearchQuery.parse("NOT :aws.AccountId = \"111122223333\"").results(from: catalogue)
        #expect(none.results.isEmpty)
    }

    @Test func resultsAreCappedAndTruncationReported() throws {
        let many = (0..<600).map { metric("Big", "Requests", ("Host", "h" + String(repeating: "0", count: 3 - String($0).count) + String($0))) }
        let r = try SearchQuery.parse("{Big, Host}").results(from: many)
        #expect(r.results.count == 500)
        #expect(r.matchedCount == 600)
        #expect(r.isTruncated)
        #expect(r.results.first?.label == "h000")
        #expect(r.results.last?.label == "h499")
        let small = try SearchQuery.parse("{Big, Host}").results(from: many, limit: 10)
        #expect(small.results.count == 10 && small.isTruncated)
        let capped = try SearchQuery.parse("{Big, Host}").results(from: many, limit: 10_000)
        #expect(capped.limit == 500)
        let fits = try SearchQuery.parse("{Big, Host} h001").results(from: many + many)
        #expect(fits.results.count == 1 && !fits.isTruncated)
    }

    @Test func orderIsByCodePointThenIdentity() throws {
        let cat = [
            metric("B", "M", ("D", "b")), metric("A", "M", ("D", "b")), metric("A", "M", ("D", "B")),
            metric("A", "M", ("D", "é")), metric("A", "M", ("D", "z")),
        ]
        let r = try SearchQuery.parse("M").results(from: cat).results
        #expect(r.map(\.label) == ["B", "b", "b", "z", "é"])
        #expect(r[1].metric.namespace == "A" && r[2].metric.namespace == "B")
    }

    @Test func prefilterPinsWhatEveryResultHas() throws {
        let p = try SearchQuery.parse("{AWS/EC2, InstanceType} MetricName=\"CPUUtilization\" InstanceType=micro").prefilter
        #expect(p.namespace == "AWS/EC2")
        #expect(p.metricName == "CPUUtilization")
        #expect(p.dimensions == [SearchDimensionFilter(name: "InstanceType")])
        let q = try SearchQuery.parse("Namespace=\"AWS/Lambda\" FunctionName=\"billing\" (Errors OR MetricName=\"Throttles\")").prefilter
        #expect(q == SearchPrefilter(namespace: "AWS/Lambda", metricName: nil, dimensions: [SearchDimensionFilter(name: "FunctionName", value: "billing")]))
        #expect(try SearchQuery.parse("MetricName=\"A\" OR MetricName=\"B\"").prefilter == SearchPrefilter())
        #expect(try SearchQuery.parse("NOT MetricName=\"A\"").prefilter == SearchPrefilter())
        #expect(try SearchQuery.parse("MetricName=Errors").prefilter.metricName == nil)  // partial: not pinned
    }

    @Test func prefilterIsASupersetOfMatches() throws {
        // Property over a fixed catalogue: every match passes the prefilter.
        let queries = [
            "{AWS/EC2, InstanceType} MetricName=\"CPUUtilization\" InstanceType=micro",
            "Namespace=\"AWS/Lambda\" FunctionName=\"billing\"", "MetricName=\"Errors\" billing", "{AWS/Lambda,FunctionName} Errors",
        ]
        for text in queries {
            let q = try SearchQuery.parse(text)
            let p = q.prefilter
            for m in catalogue where q.matches(m) {
                if let ns = p.namespace { #expect(m.namespace == ns, "\(text)") }
                if let n = p.metricName { #expect(m.name == n, "\(text)") }
                for f in p.dimensions {
                    let v = m.dimensionValue(f.name)
                    #expect(v != nil && (f.value == nil || f.value == v), "\(text)")
                }
            }
        }
    }
}
