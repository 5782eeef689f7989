import ChartCore
import Testing
@testable import WidgetSpec

@Suite("Shorthand expansion (§3.2, §3.4)")
struct ShorthandTests {
    @Test func section34Example() throws {
        let w = try parseOK(#"""
            {
              "metrics": [
                [ "Shop/Api", "Latency", "Route", "/cart", "Stage", "prod", { "stat": "p90" } ],
                [ ".", ".", ".", "/pay", ".", "." ],
                [ "...", "beta", { "stat": "p90", "label": "pay (beta)" } ],
                [ ".", "Errors", ".", "/cart", ".", "prod", { "stat": "Sum", "yAxis": "right" } ]
              ]
            }
            """#)
        let rows = w.metricRows
        #expect(positional(rows[0]) == ["Shop/Api", "Latency", "Route", "/cart", "Stage", "prod"])
        #expect(positional(rows[1]) == ["Shop/Api", "Latency", "Route", "/pay", "Stage", "prod"])
        #expect(positional(rows[2]) == ["Shop/Api", "Latency", "Route", "/pay", "Stage", "beta"])
        #expect(positional(rows[3]) == ["Shop/Api", "Errors", "Route", "/cart", "Stage", "prod"])
        // Options are not inherited: row 2 has no stat of its own.
        #expect(rows[0].stat == .percentile(90))
        #expect(rows[1].stat == .average)
        #expect(rows[2].stat == .percentile(90))
        #expect(rows[2].label == "pay (beta)")
        #expect(rows[3].stat == .sum)
        #expect(rows[3].yAxis == .right)
        #expect(rows.map(\.id) == ["m1", "m2", "m3", "m4"])
    }

    @Test func ellipsisForms() throws {
        let rows = try metricRows(#"""
            [["AWS/EC2","CPUUtilization","InstanceId","i-1"],
             ["...","i-2"],
             ["...",{"stat":"p99"}],
             ["..."],
             ["...","AutoScalingGroupName","asg"]]
            """#)
        #expect(positional(rows[1]) == ["AWS/EC2", "CPUUtilization", "InstanceId", "i-2"])
        #expect(positional(rows[2]) == ["AWS/EC2", "CPUUtilization", "InstanceId", "i-2"])
        #expect(rows[2].stat == .percentile(99))
        #expect(positional(rows[3]) == positional(rows[2]))
        #expect(positional(rows[4]) == ["AWS/EC2", "CPUUtilization", "AutoScalingGroupName", "asg"])
    }

    @Test func dotCopiesEveryKindOfField() throws {
        let rows = try metricRows(#"[["ns","m","D","v"],[".",".",".","."],[".","m2",".","w"]]"#)
        #expect(positional(rows[1]) == ["ns", "m", "D", "v"])
        #expect(positional(rows[2]) == ["ns", "m2", "D", "w"])
        #expect(rows[0].metric == rows[1].metric)
    }

    @Test func dotUsesTheExpandedPreviousRow() throws {
        // prev is the *expanded* list of the previous metric row.
        let rows = try metricRows(#"[["ns","m","D","v"],["...","w"],[".",".",".","."]]"#)
        #expect(positional(rows[2]) == ["ns", "m", "D", "w"])
    }

    @Test func expressionRowDoesNotResetPrev() throws {
        let w = try parseOK(widget(metrics: #"""
            [["ns","m","D","1"],[{"expression":"m1 * 2"}],[".",".",".","2"],[{"expression":"m2"}],["...","3"]]
            """#))
        let rows = w.metricRows
        #expect(positional(rows[1]) == ["ns", "m", "D", "2"])
        #expect(positional(rows[2]) == ["ns", "m", "D", "3"])
        #expect(w.rows.map(\.id) == ["m1", "e1", "m2", "e2", "m3"])
    }

    @Test func ellipsisWithoutPreviousRow() {
        expectError(widget(metrics: #"[["...","i-2"]]"#), .invalidValue, at: "metrics[0][0]")
        // An expression row is not a previous metric row.
        let e = parseError(widget(metrics: #"[[{"expression":"1"}],["...","x"]]"#))
        #expect(e?.description == #"metrics[1][0]: "..." needs a previous metric row"#)
        #expect(e?.kind == .invalidValue)
    }

    @Test func ellipsisNotFirst() {
        expectError(widget(metrics: #"[["a","b","c","d"],["a","..."]]"#), .invalidValue, at: "metrics[1][1]", message: "first element")
        expectError(widget(metrics: #"[["a","b","c","d"],["...","...","x"]]"#), .invalidValue, at: "metrics[1][1]")
        expectError(widget(metrics: #"[["a","b","c","d"],[".",".","...","x"]]"#), .invalidValue, at: "metrics[1][2]")
    }

    @Test func ellipsisMayNotReplaceNamespaceOrName() throws {
        // len(prev) − k < 2.
        expectError(widget(metrics: #"[["a","b"],["...","c","d"]]"#), .invalidValue, at: "metrics[1][0]")
        expectError(widget(metrics: #"[["a","b","D","1"],["...","x","y","z"]]"#), .invalidValue, at: "metrics[1][0]")
        expectError(widget(metrics: #"[["a","b","D","1"],["...","p","q","r","s"]]"#), .invalidValue, at: "metrics[1][0]")
        // len(prev) − k == 2 is fine: every dimension replaced.
        let rows = try metricRows(#"[["a","b","D","1"],["...","E","2"]]"#)
        #expect(positional(rows[1]) == ["a", "b", "E", "2"])
    }

    @Test func dotBeyondPreviousRow() {
        expectError(widget(metrics: #"[["a","b"],[".",".","D","."]]"#), .invalidValue, at: "metrics[1][3]", message: "nothing to copy")
        expectError(widget(metrics: #"[["a","b"],[".",".","."]]"#), .invalidValue, at: "metrics[1][2]")
    }

    @Test func dotWithoutPreviousRow() {
        expectError(widget(metrics: #"[[".","m"]]"#), .invalidValue, at: "metrics[0][0]", message: "previous metric row")
        expectError(widget(metrics: #"[[{"expression":"1"}],["ns","."]]"#), .invalidValue, at: "metrics[1][1]")
    }

    @Test func dotAsDimensionValue() throws {
        let rows = try metricRows(#"[["ns","m","Stage","prod"],["ns","m","Stage","."]]"#)
        #expect(rows[1].dimensionsInRowOrder == [Dimension(name: "Stage", value: "prod")])
    }

    @Test func dotInsideEllipsisRowIsLiteral() throws {
        // Step 5 applies only to rows that do not start with "..." (documented decision).
        let rows = try metricRows(#"[["ns","m","Stage","prod"],["...","."]]"#)
        #expect(rows[1].dimensionsInRowOrder == [Dimension(name: "Stage", value: ".")])
    }

    @Test func shorthandRowStillValidated() {
        // A dangling dimension after "." expansion.
        expectError(widget(metrics: #"[["ns","m"],[".",".","Extra"]]"#), .invalidValue, at: "metrics[1][3]", message: "\"Extra\" has no value")
        // The same dimension twice after expansion.
        expectError(widget(metrics: #"[["ns","m","A","1","B","2"],["...","A","3"]]"#), .invalidValue, at: "metrics[1][1]",
                    message: "appears twice")
    }

    @Test func objectInTheMiddle() {
        expectError(widget(metrics: #"[["a","b","c","d"],["...",{"stat":"Sum"},"x"]]"#), .invalidValue, at: "metrics[1][1]")
    }

    @Test func errorsAfterExpansionPointAtTheWrittenElement() {
        let long = String(repeating: "v", count: 1025)
        expectError(widget(metrics: #"[["ns","m","D","1"],["...","\#(long)"]]"#), .stringTooLong, at: "metrics[1][1]")
        expectError(widget(metrics: #"[["ns","m","D","1"],["...",""]]"#), .invalidValue, at: "metrics[1][1]")
    }
}

@Suite("Ids (§3.3, §3.6)")
struct IdTests {
    @Test func implicitIdsCountMetricAndExpressionRowsSeparately() throws {
        let w = try parseOK(widget(metrics: #"[["a","b"],[{"expression":"m1"}],["a","c"],[{"expression":"m2"}]]"#))
        #expect(w.rows.map(\.id) == ["m1", "e1", "m2", "e2"])
        #expect(w.rows.allSatisfy { row in
            switch row {
            case .metric(let m): return m.idIsImplicit
            case .expression(let e): return e.idIsImplicit
            }
        })
    }

    @Test func implicitIdsSkipExplicitOnes() throws {
        let w = try parseOK(widget(metrics: #"""
            [["a","b"],["a","c",{"id":"m1"}],["a","d"],[{"expression":"m1"}],[{"expression":"m2","id":"e1"}],
             ["a","e",{"id":"e2"}],[{"expression":"m3"}],["a","f",{"id":"m4"}],["a","g"]]
            """#))
        #expect(w.rows.map(\.id) == ["m2", "m1", "m3", "e3", "e1", "e2", "e4", "m4", "m5"])
    }

    @Test func explicitIdLaterInTheWidgetIsSkippedToo() throws {
        let w = try parseOK(widget(metrics: #"[["a","b"],["a","c"],["a","d",{"id":"m2"}]]"#))
        #expect(w.rows.map(\.id) == ["m1", "m3", "m2"])
    }

    @Test func counterAdvancesOnlyForImplicitRows() throws {
        let w = try parseOK(widget(metrics: #"[["a","b",{"id":"x"}],["a","c"]]"#))
        #expect(w.rows.map(\.id) == ["x", "m1"])
    }

    @Test func duplicateIds() {
        expectError(widget(metrics: #"[["a","b",{"id":"x"}],["a","c",{"id":"x"}]]"#), .duplicateId,
                    at: "metrics[1][2].id", message: "already used by metrics[0]")
        expectError(widget(metrics: #"[["a","b",{"id":"x"}],[{"expression":"1","id":"x"}]]"#), .duplicateId,
                    at: "metrics[1][0].id")
    }

    @Test(arguments: ["a", "m1", "cpuAvg", "x_1", "aZ9_", "z" + String(repeating: "A", count: 254)])
    func validIds(id: String) throws {
        #expect(try metricRows(#"[["a","b",{"id":"\#(id)"}]]"#)[0].id == id)
    }

    @Test(arguments: ["", "A", "1a", "_a", "a-b", "a b", "é", "aé", "a.b", "m1$", "z" + String(repeating: "A", count: 255)])
    func invalidIds(id: String) {
        expectError(widget(metrics: #"[["a","b",{"id":"\#(id)"}]]"#), .invalidId, at: "metrics[0][2].id")
    }
}
