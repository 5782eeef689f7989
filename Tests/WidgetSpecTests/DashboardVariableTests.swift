import ChartCore
import Testing
@testable import WidgetSpec

@Suite("Dashboard variables (api.md §8.3, §8.4 step 2)")
struct DashboardVariableTests {
    let now = ISO8601.parse("2024-03-01T12:00:00Z")!

    static func body(variables: String, properties: String = #"{"title": "Queue eu-west-1", "region": "eu-west-1", "metrics": [["Shop/Queue", "Depth", "Queue", "email"], ["...", "sms"], ["Shop/Queue", "Age", "Stage", "prod", "Queue", "push", {"label": "age"}]]}"#) -> String {
        #"{"variables": \#(variables), "widgets": [{"type": "metric", "properties": \#(properties)}]}"#
    }

    func widget(_ json: String, chosen: [String: String] = [:]) throws -> MetricWidget {
        let body = try DashboardBody.parse(json: json)
        return try body.widgets[0].metricWidget(in: body, width: 400, height: 300, now: now, variableValues: chosen)
    }

    func dimensionValues(_ w: MetricWidget) -> [[String]] {
        w.rows.compactMap { row -> [String]? in
            guard case .metric(let m) = row else { return nil }
            return m.metric.dimensions.map(\.value)
        }
    }

    func expectError(_ variables: String, _ kind: WidgetError.Kind, at path: String, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try DashboardBody.parse(json: Self.body(variables: variables))
            Issue.record("expected \(kind) at \(path)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.kind == kind && error.path == path, "\(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func parsesEveryField() throws {
        let body = try DashboardBody.parse(json: Self.body(variables: #"""
            [{"type": "property", "property": "Queue", "inputType": "select", "id": "queue", "label": "Queue",
              "defaultValue": "sms", "values": [{"value": "email"}, {"value": "sms", "label": "Text messages"}], "visible": false},
             {"type": "pattern", "pattern": "eu-west-1", "inputType": "radio", "id": "region", "defaultValue": "us-east-1"},
             {"type": "property", "property": "Queue", "inputType": "select", "id": "q2", "defaultValue": "__FIRST",
              "search": "{Shop/Queue,Queue} Depth", "populateFrom": "Queue"}]
            """#))
        #expect(body.variables.map(\.id) == ["queue", "region", "q2"])
        #expect(body.variables[0].kind == .property("Queue") && body.variables[0].inputType == .select && !body.variables[0].visible)
        #expect(body.variables[0].values == [.init(value: "email", label: nil), .init(value: "sms", label: "Text messages")])
        #expect(body.variables[1].kind == .pattern("eu-west-1") && body.variables[1].path == "variables[1]")
        #expect(body.variables[2].defaultsToFirstSearchResult && body.variables[2].populateFrom == "Queue")
    }

    @Test func propertyVariableSetsEveryWrittenDimensionOfThatName() throws {
        let w = try widget(Self.body(variables: #"[{"type": "property", "property": "Queue", "id": "q", "defaultValue": "push"}]"#))
        // Row 2 (["...", "sms"]) is written out first, so it changes too; row 3's Stage is
        // untouched (dimensions are listed by name: Queue, Stage).
        #expect(dimensionValues(w) == [["push"], ["push"], ["push", "prod"]])
    }

    @Test func chosenValueWinsOverTheDefault() throws {
        let json = Self.body(variables: #"[{"type": "property", "property": "Queue", "id": "q", "defaultValue": "push"}]"#)
        #expect(dimensionValues(try widget(json, chosen: ["q": "email"])) == [["email"], ["email"], ["email", "prod"]])
    }

    @Test func propertyVariableSetsATopLevelProperty() throws {
        let w = try widget(Self.body(variables: #"[{"type": "property", "property": "title", "id": "t", "defaultValue": "Chosen"}]"#))
        #expect(w.title == "Chosen")
    }

    @Test func patternVariableReplacesMatchesInTheWidgetText() throws {
        let w = try widget(Self.body(variables: #"[{"type": "pattern", "pattern": "eu-west-[0-9]", "id": "r", "defaultValue": "us-east-1"}]"#))
        #expect(w.title == "Queue us-east-1")
        #expect(w.region == "us-east-1")
    }

    @Test func patternValuesAreWrittenAsJSONStringContent() throws {
        // A quote in the value cannot end the string early.
        let w = try widget(Self.body(variables: #"[{"type": "pattern", "pattern": "Queue eu", "id": "r", "defaultValue": "say \"hi\" \\"}]"#))
        #expect(w.title == #"say "hi" \-west-1"#)
    }

    @Test func numbersAndBooleansAreTheirText() throws {
        let w = try widget(Self.body(variables: #"[{"type": "property", "property": "Queue", "id": "q", "defaultValue": 42}]"#))
        #expect(dimensionValues(w)[0] == ["42"])
    }

    @Test func unresolvedFirstAndNoValueLeaveTheWidgetAsWritten() throws {
        let json = Self.body(variables: #"""
            [{"type": "property", "property": "Queue", "id": "q", "defaultValue": "__FIRST", "search": "Shop", "populateFrom": "Queue"},
             {"type": "property", "property": "Stage", "id": "s"}]
            """#)
        #expect(dimensionValues(try widget(json)) == [["email"], ["sms"], ["push", "prod"]])
        #expect(dimensionValues(try widget(json, chosen: ["q": "push"]))[0] == ["push"], "a resolved __FIRST is passed as a choice")
    }

    @Test func invalidVariablesNameThePath() {
        expectError(#"{"id": "x"}"#, .wrongType, at: "variables")
        expectError(#"[{"type": "property", "property": "Queue"}]"#, .missingField, at: "variables[0].id")
        expectError(#"[{"type": "property", "property": "Queue", "id": "bad id"}]"#, .invalidId, at: "variables[0].id")
        expectError(#"[{"type": "property", "property": "Queue", "id": "\#(String(repeating: "a", count: 33))"}]"#, .stringTooLong, at: "variables[0].id")
        expectError(#"[{"type": "dimension", "property": "Queue", "id": "q"}]"#, .invalidValue, at: "variables[0].type")
        expectError(#"[{"type": "property", "id": "q"}]"#, .missingField, at: "variables[0].property")
        expectError(#"[{"type": "pattern", "id": "q"}]"#, .missingField, at: "variables[0].pattern")
        expectError(#"[{"type": "pattern", "pattern": "(", "id": "q"}]"#, .invalidValue, at: "variables[0].pattern")
        expectError(#"[{"type": "property", "property": "Q", "id": "q", "inputType": "slider"}]"#, .invalidValue, at: "variables[0].inputType")
        expectError(#"[{"type": "property", "property": "Q", "id": "q", "label": "\#(String(repeating: "l", count: 31))"}]"#, .stringTooLong, at: "variables[0].label")
        expectError(#"[{"type": "property", "property": "Q", "id": "q", "defaultValue": ["a"]}]"#, .wrongType, at: "variables[0].defaultValue")
        expectError(#"[{"type": "property", "property": "Q", "id": "q", "values": []}]"#, .invalidValue, at: "variables[0].values")
        expectError(#"[{"type": "property", "property": "Q", "id": "q", "values": [{"label": "x"}]}]"#, .missingField, at: "variables[0].values[0].value")
        expectError(#"[{"type": "property", "property": "Q", "id": "q", "search": "Shop"}]"#, .missingField, at: "variables[0].populateFrom")
        expectError(#"[{"type": "property", "property": "Q", "id": "q"}, {"type": "property", "property": "R", "id": "q"}]"#, .duplicateId, at: "variables[1].id")
        let many = "[" + (0..<26).map { #"{"type": "property", "property": "Q", "id": "v\#($0)"}"# }.joined(separator: ",") + "]"
        expectError(many, .invalidValue, at: "variables")
    }

    @Test(arguments: ["(a+)+$", "(a|aa)*b", "(x*y*)*", "((ab)+c)+", "(a+){2,}", #"(a)\1"#])
    func patternsThatCanTakeExponentialTimeAreRefused(pattern: String) {
        let quoted = JSONWriter.quoted(pattern)
        expectError(#"[{"type": "pattern", "pattern": \#(quoted), "id": "p"}]"#, .invalidValue, at: "variables[0].pattern")
    }

    @Test(arguments: ["i-[0-9a-f]+", "prod|staging", "eu-west-1", "(ab)+", "(a)?b+", "[(+*]+", #"\(a+\)+"#, "a{2}", "(ab){1}"])
    func ordinaryPatternsAreAccepted(pattern: String) throws {
        let quoted = JSONWriter.quoted(pattern)
        _ = try DashboardBody.parse(json: Self.body(variables: #"[{"type": "pattern", "pattern": \#(quoted), "id": "p"}]"#))
    }
}
