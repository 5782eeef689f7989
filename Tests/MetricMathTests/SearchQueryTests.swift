import ChartCore
import ChartTestSupport
import MetricMath
import Testing

/// Parsing of SEARCH query strings: every documented query form, and hostile input.
@Suite struct SearchQueryParseTests {
    private func parse(_ text: String) throws -> SearchQuery { try SearchQuery.parse(text) }

    private func error(_ text: String) -> SearchQueryError? {
        do { _ = try SearchQuery.parse(text); return nil } catch { return error }
    }

    @Test func schemaAndDesignator() throws {
        let q = try parse(" {AWS/EC2,InstanceId} MetricName=\"CPUUtilization\" ")
        #expect(q.schema == SearchSchema(namespace: "AWS/EC2", dimensionNames: ["InstanceId"]))
        #expect(q.term?.description == "(MetricName =CPUUtilization)")
    }

    @Test func commaAfterSchemaIsWhitespace() throws {
        let a = try parse("{MyNamespace}, \"CustomCount1\"")
        #expect(a.schema == SearchSchema(namespace: "MyNamespace", dimensionNames: []))
        #expect(a.term?.description == "(any =CustomCount1)")
        let b = try parse("{AWS/Lambda, FunctionName}, MetricName=\"Errors\"")
        #expect(b.schema?.dimensionNames == ["FunctionName"])
        #expect(b.term?.description == "(MetricName =Errors)")
        let c = try parse(" {AWS/ECS, ClusterName}, MetricName=\"CPUUtilization\" ")
        #expect(c.schema?.namespace == "AWS/ECS")
    }

    @Test func schemaOnly() throws {
        let q = try parse("{AWS/EC2}")
        #expect(q.schema == SearchSchema(namespace: "AWS/EC2", dimensionNames: []))
        #expect(q.term == nil)
        let q2 = try parse(" { AWS/EC2 , InstanceType } ")
        #expect(q2.schema?.dimensionNames == ["InstanceType"])
    }

    @Test func quotedSchemaNames() throws {
        let q = try parse("{\"Custom-Namespace\", \"Dimension Name With Spaces\"}, ErrorCount")
        #expect(q.schema == SearchSchema(namespace: "Custom-Namespace", dimensionNames: ["Dimension Name With Spaces"]))
        #expect(q.term?.description == "(any ~ErrorCount)")
        let q2 = try parse("{\"My Namespace\", \"Dimension@Name\"}, \"Custom:Name[Special_Characters\"")
        #expect(q2.schema?.dimensionNames == ["Dimension@Name"])
        #expect(q2.term?.description == "(any =Custom:Name[Special_Characters)")
    }

    @Test func exactMatchEscapes() throws {
        let q = try parse(#""Europe\\France Traffic\(Network\)""#)
        guard case .match(let m)? = q.term else { Issue.record("expected a match"); return }
        #expect(m.text == #"Europe\France Traffic(Network)"#)
        #expect(m.isExact)
        let q2 = try parse(#""say \"hi\"""#)
        guard case .match(let m2)? = q2.term else { Issue.record("expected a match"); return }
        #expect(m2.text == #"say "hi""#)
    }

    @Test func booleans() throws {
        #expect(try parse("network AND packets").term?.description == "(and (any ~network) (any ~packets))")
        #expect(try parse("network packets").term?.description == "(and (any ~network) (any ~packets))")
        #expect(try parse("NOT Namespace=AWS").term?.description == "(not (Namespace ~AWS))")
        #expect(
            try parse("{AWS/EC2,InstanceId} MetricName=\"CPUUtilization\" NOT \"ProjectA\" NOT \"ProjectB\"").term?.description
                == "(and (MetricName =CPUUtilization) (not (any =ProjectA)) (not (any =ProjectB)))")
        #expect(try parse("(EC2 OR EBS) AND MetricName=ReadOps").term?.description
            == "(and (or (any ~EC2) (any ~EBS)) (MetricName ~ReadOps))")
        #expect(try parse("(EC2 OR EBS) MetricName=ReadOps").term?.description
            == "(and (or (any ~EC2) (any ~EBS)) (MetricName ~ReadOps))")
        #expect(try parse("(EC2 OR EBS) AND ReadOps AND ProjectA").term?.description
            == "(and (or (any ~EC2) (any ~EBS)) (any ~ReadOps) (any ~ProjectA))")
        #expect(try parse("{AWS/Lambda,FunctionName} MetricName=\"Errors\" OR (MetricName=\"Invocations\" AND (ProjectA OR ProjectB))").term?.description
            == "(or (MetricName =Errors) (and (MetricName =Invocations) (or (any ~ProjectA) (any ~ProjectB))))")
        #expect(try parse("{AWS/NetworkELB, LoadBalancer} \"ConsumedLCUs\" OR flow").term?.description
            == "(or (any =ConsumedLCUs) (any ~flow))")
        #expect(try parse("MetricName=\"CPUUtilization\" AND (\"AWS/ECS\" OR \"AWS/ES\")").term?.description
            == "(and (MetricName =CPUUtilization) (or (any =AWS/ECS) (any =AWS/ES)))")
    }

    @Test func precedenceNotThenAndThenOr() throws {
        #expect(try parse("a OR b c").term?.description == "(or (any ~a) (and (any ~b) (any ~c)))")
        #expect(try parse("NOT a b").term?.description == "(and (not (any ~a)) (any ~b))")
        #expect(try parse("NOT NOT a").term?.description == "(not (not (any ~a)))")
    }

    @Test func lowerCaseOperatorsAreTerms() throws {
        #expect(try parse("cpu and disk").term?.description == "(and (any ~cpu) (any ~and) (any ~disk))")
        #expect(try parse("not cpu").term?.description == "(and (any ~not) (any ~cpu))")
    }

    @Test func designators() throws {
        #expect(try parse("InstanceType=micro").term?.description == "(Dim:InstanceType ~micro)")
        #expect(try parse("InstanceType=\"t2.micro\" Namespace=\"AWS/EC2\"").term?.description
            == "(and (Dim:InstanceType =t2.micro) (Namespace =AWS/EC2))")
        #expect(try parse("InstanceType = micro").term?.description == "(Dim:InstanceType ~micro)")
        #expect(try parse("\"My Dim\"=\"a b\"").term?.description == "(Dim:My Dim =a b)")
    }

    @Test func accountFilter() throws {
        #expect(try parse(":aws.AccountId = \"111122223333\"").term == .accountFilter("111122223333"))
        #expect(try parse(":aws.AccountId = 'LOCAL'").term == .accountFilter("LOCAL"))
        #expect(try parse(":aws.AccountId = 444455556666").term == .accountFilter("444455556666"))
        #expect(try parse("{AWS/EC2,InstanceId} :aws.AccountId='LOCAL' MetricName=\"CPUUtilization\"").term?.description
            == "(and (account LOCAL) (MetricName =CPUUtilization))")
    }

    @Test func partialTermWithPunctuation() throws {
        #expect(try parse("NOT i-1234567890123456").term?.description == "(not (any ~i-1234567890123456))")
        #expect(try parse("network+errors").term?.description == "(any ~network+errors)")
    }

    // MARK: Errors

    @Test func lengthLimit() throws {
        let ok = "{NS} " + String(repeating: "a", count: 1019)
        #expect(ok.unicodeScalars.count == 1024)
        #expect(throws: Never.self) { try SearchQuery.parse(ok) }
        let tooLong = ok + "b"
        let e = error(tooLong)
        #expect(e?.code == .tooLong)
        #expect(e?.position == 1024)
        #expect(e?.message.contains("1025") == true)
    }

    @Test func emptyQueries() {
        #expect(error("")?.code == .empty)
        #expect(error("   ")?.code == .empty)
        #expect(error(" , ")?.code == .emptyTerm)
        #expect(error("{}")?.code == .emptySchema)
    }

    @Test func unbalancedQuotes() {
        let e = error("cpu \"unterminated")
        #expect(e?.code == .unterminatedString)
        #expect(e?.position == 4)
        #expect(error("\"ends with backslash\\")?.code == .unterminatedString)
        #expect(error("{\"NS, Dim}")?.code == .unterminatedString)
        #expect(error(":aws.AccountId = 'LOCAL")?.code == .unterminatedString)
    }

    @Test func unbalancedParentheses() {
        let open = error("(a OR b")
        #expect(open?.code == .unbalancedParenthesis)
        #expect(open?.position == 0)
        let close = error("a OR b)")
        #expect(close?.code == .unbalancedParenthesis)
        #expect(close?.position == 6)
        #expect(error("((a)")?.code == .unbalancedParenthesis)
        #expect(error(")")?.code == .unbalancedParenthesis)
        #expect(error("(")?.code == .unbalancedParenthesis)
        #expect(error("a ()")?.code == .emptyGroup)
    }

    @Test func schemaErrors() {
        #expect(error("{AWS/EC2, InstanceId")?.code == .unterminatedSchema)
        #expect(error("{AWS/EC2 InstanceId}")?.code == .invalidSchema)
        #expect(error("{AWS/EC2,,X}")?.code == .invalidSchema)
        #expect(error("{AWS/EC2, X, X}")?.code == .duplicateSchemaDimension)
        #expect(error("cpu {AWS/EC2}")?.code == .misplacedSchema)
        #expect(error("{A}{B}")?.code == .misplacedSchema)
    }

    @Test func operatorErrors() {
        let e = error("AND cpu")
        #expect(e?.code == .missingOperand)
        #expect(e?.position == 0)
        #expect(error("cpu AND")?.code == .missingOperand)
        #expect(error("cpu OR")?.code == .missingOperand)
        #expect(error("NOT")?.code == .missingOperand)
        #expect(error("cpu OR OR disk")?.code == .missingOperand)
        #expect(error("(AND)")?.code == .missingOperand)
    }

    @Test func designatorErrors() {
        #expect(error("MetricName=")?.code == .missingValue)
        #expect(error("MetricName=)")?.code == .missingValue)
        #expect(error("= cpu")?.code == .missingPropertyName)
        #expect(error(":aws.Region=x")?.code == .unsupportedProperty)
        #expect(error("MetricName=\"\"")?.code == .emptyTerm)
        #expect(error("MetricName=--")?.code == .emptyTerm)
        #expect(error("\"\"")?.code == .emptyTerm)
        #expect(error("cpu / disk")?.code == .emptyTerm)
    }

    @Test func nestingLimit() throws {
        let depth = SearchQuery.maxNestingDepth
        let ok = String(repeating: "(", count: depth) + "a" + String(repeating: ")", count: depth)
        #expect(try parse(ok).term?.description == "(any ~a)")
        let deep = String(repeating: "(", count: depth + 1) + "a" + String(repeating: ")", count: depth + 1)
        let e = error(deep)
        #expect(e?.code == .nestingTooDeep)
        #expect(e?.position == depth)
        let nots = String(repeating: "NOT ", count: depth + 1) + "a"
        #expect(error(nots)?.code == .nestingTooDeep)
        // The length limit comes first for absurd inputs: no stack is spent on them.
        #expect(error(String(repeating: "(", count: 100_000))?.code == .tooLong)
    }

    @Test func errorDescriptionNamesPosition() {
        let e = error("(a")
        #expect(e?.description == "Invalid SEARCH query at position 0: '(' has no matching ')'")
    }

    @Test func neverCrashesOnRandomPunctuation() {
        // Every short string over the query alphabet either parses or throws.
        let alphabet: [Character] = ["(", ")", "\"", "\\", "{", "}", ",", "=", " ", "a", "N", "O", "T", "'", ":"]
        var rng = SplitMix64(seed: 7)
        for _ in 0..<3000 {
            let n = Int(rng.next() % 12)
            let s = String((0..<n).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] })
            _ = try? SearchQuery.parse(s)
        }
    }
}
