import ChartCore
import Testing
@testable import WidgetSpec

@Suite("Metric rows and options (§3.1, §3.3)")
struct MetricRowTests {
    @Test func dimensionsKeepRowOrderAndIdentityIsSorted() throws {
        let rows = try metricRows(#"[["AWS/EC2","CPUUtilization","InstanceId","i-1","AutoScalingGroupName","asg"]]"#)
        let m = rows[0]
        #expect(m.dimensionsInRowOrder == [Dimension(name: "InstanceId", value: "i-1"),
                                           Dimension(name: "AutoScalingGroupName", value: "asg")])
        #expect(m.metric.dimensions.map(\.name) == ["AutoScalingGroupName", "InstanceId"])
        #expect(m.metric.dimensionValue("InstanceId") == "i-1")
    }

    @Test func dimensionOrderIsIrrelevantToIdentity() throws {
        let rows = try metricRows(#"[["ns","m","A","1","B","2"], ["ns","m","B","2","A","1"]]"#)
        #expect(rows[0].metric == rows[1].metric)
        #expect(rows[0].metric.hashValue == rows[1].metric.hashValue)
        #expect(rows[0].dimensionsInRowOrder != rows[1].dimensionsInRowOrder)
    }

    @Test func allOptions() throws {
        let rows = try metricRows(#"""
            [["ns","m",{"id":"cpu","label":"CPU ${MAX}","color":"#1f77b4","stat":"p90","period":60,
                        "visible":false,"yAxis":"right","region":"us-west-2","accountId":"111122223333"}]]
            """#)
        let m = rows[0]
        #expect(m.id == "cpu")
        #expect(!m.idIsImplicit)
        #expect(m.label == "CPU ${MAX}")
        #expect(m.color == RGBA(r: 0x1f, g: 0x77, b: 0xb4))
        #expect(m.stat == .percentile(90))
        #expect(m.period == 60)
        #expect(!m.visible)
        #expect(m.yAxis == .right)
        #expect(m.region == "us-west-2")
        #expect(m.accountId == "111122223333")
    }

    @Test func effectiveStatAndPeriod() throws {
        let w = try parseOK(widget(metrics: #"[["a","b"], ["a","c",{"stat":"Maximum","period":3600}]]"#,
                                   #""stat":"Sum","period":60"#))
        #expect(w.metricRows[0].stat == .sum)
        #expect(w.metricRows[0].period == 60)
        #expect(w.metricRows[1].stat == .maximum)
        #expect(w.metricRows[1].period == 3600)
        let d = try metricRows(#"[["a","b"]]"#)
        #expect(d[0].stat == .average && d[0].period == 300)
    }

    @Test func labelEmptyStringIsKept() throws {
        #expect(try metricRows(#"[["a","b",{"label":""}]]"#)[0].label == "")
        #expect(try metricRows(#"[["a","b"]]"#)[0].label == nil)
        expectError(widget(metrics: #"[["a","b",{"label":5}]]"#), .wrongType, at: "metrics[0][2].label")
    }

    @Test func colours() throws {
        #expect(try metricRows(##"[["a","b",{"color":"#aaa"}]]"##)[0].color == RGBA(r: 0xaa, g: 0xaa, b: 0xaa))
        #expect(try metricRows(##"[["a","b",{"color":"#11223380"}]]"##)[0].color == RGBA(r: 0x11, g: 0x22, b: 0x33, a: 0x80))
        #expect(try metricRows(##"[["a","b",{"color":"#FFFFFF"}]]"##)[0].color == .white)
        // Invalid colours are ignored silently: the palette is used.
        for bad in [#""red""#, ##""#12345""##, #""123456""#, ##""#gggggg""##, "12", "true", "[]", #""""#] {
            #expect(try metricRows(#"[["a","b",{"color":\#(bad)}]]"#)[0].color == nil)
        }
    }

    @Test func optionTypeErrors() {
        expectError(widget(metrics: #"[["a","b",{"stat":"bogus"}]]"#), .invalidValue, at: "metrics[0][2].stat")
        expectError(widget(metrics: #"[["a","b",{"stat":5}]]"#), .wrongType, at: "metrics[0][2].stat")
        expectError(widget(metrics: #"[["a","b","c","d",{"period":45}]]"#), .invalidValue, at: "metrics[0][4].period")
        expectError(widget(metrics: #"[["a","b",{"period":"60"}]]"#), .wrongType, at: "metrics[0][2].period")
        expectError(widget(metrics: #"[["a","b",{"period":60.5}]]"#), .invalidValue, at: "metrics[0][2].period")
        expectError(widget(metrics: #"[["a","b",{"visible":"false"}]]"#), .wrongType, at: "metrics[0][2].visible")
        expectError(widget(metrics: #"[["a","b",{"yAxis":"top"}]]"#), .invalidValue, at: "metrics[0][2].yAxis",
                    message: "use left or right")
        expectError(widget(metrics: #"[["a","b",{"yAxis":1}]]"#), .wrongType, at: "metrics[0][2].yAxis")
        expectError(widget(metrics: #"[["a","b",{"region":1}]]"#), .wrongType, at: "metrics[0][2].region")
        expectError(widget(metrics: #"[["a","b",{"accountId":false}]]"#), .wrongType, at: "metrics[0][2].accountId")
        expectError(widget(metrics: #"[["a","b",{"id":7}]]"#), .wrongType, at: "metrics[0][2].id")
    }

    @Test func statOnRowUsesTheFullGrammar() throws {
        let rows = try metricRows(#"[["a","b",{"stat":"tm90"}],["a","b",{"stat":"WM(5%:95%)"}],["a","b",{"stat":"avg"}]]"#)
        #expect(rows[0].stat == .trimmedMean(StatisticBounds(lower: nil, upper: 90, isPercent: true)))
        #expect(rows[1].stat == .winsorizedMean(StatisticBounds(lower: 5, upper: 95, isPercent: true)))
        #expect(rows[2].stat == .average)
    }

    @Test func mergedOptionObjectsLaterKeysWin() throws {
        let rows = try metricRows(##"[["a","b",{"stat":"Sum","label":"x"},{"stat":"p50","color":"#000"}]]"##)
        #expect(rows[0].stat == .percentile(50))
        #expect(rows[0].label == "x")
        #expect(rows[0].color == .black)
        // Errors point at the object the key was written in.
        expectError(widget(metrics: #"[["a","b",{"stat":"bad"},{"label":"x"}]]"#), .invalidValue, at: "metrics[0][2].stat")
        expectError(widget(metrics: #"[["a","b",{"stat":"Sum"},{"stat":"bad"}]]"#), .invalidValue, at: "metrics[0][3].stat")
        // A later null removes an earlier value.
        #expect(try metricRows(#"[["a","b",{"stat":"Sum"},{"stat":null}]]"#)[0].stat == .average)
    }

    @Test func numbersAreCoercedToShortestDecimalText() throws {
        let rows = try metricRows(#"[["ns","m","Shard",0,"Ratio",1.5,"Big",300.0,"Neg",-2,"Exp",1e3]]"#)
        #expect(rows[0].dimensionsInRowOrder.map(\.value) == ["0", "1.5", "300", "-2", "1000"])
        #expect(try metricRows(#"[[1, 2]]"#)[0].metric == MetricIdentity(namespace: "1", name: "2"))
    }

    @Test func nonStringPositionalSlotsAreErrors() {
        expectError(widget(metrics: #"[["ns","m","D",true]]"#), .wrongType, at: "metrics[0][3]")
        expectError(widget(metrics: #"[["ns","m","D",null]]"#), .wrongType, at: "metrics[0][3]")
        expectError(widget(metrics: #"[["ns",["m"]]]"#), .wrongType, at: "metrics[0][1]")
        expectError(widget(metrics: #"[[false,"m"]]"#), .wrongType, at: "metrics[0][0]")
    }

    @Test func malformedRows() {
        expectError(widget(metrics: #"["ns"]"#), .wrongType, at: "metrics[0]")
        expectError(widget(metrics: #"[["a","b"], 5]"#), .wrongType, at: "metrics[1]")
        expectError(widget(metrics: #"[["a","b"], null]"#), .wrongType, at: "metrics[1]")
        expectError(widget(metrics: #"[[]]"#), .invalidValue, at: "metrics[0]")
        expectError(widget(metrics: #"[["ns"]]"#), .invalidValue, at: "metrics[0]", message: "namespace and a metric name")
        expectError(widget(metrics: #"[[{"label":"x"}]]"#), .invalidValue, at: "metrics[0]")
        expectError(widget(metrics: #"[[{"label":"x"},"ns","m"]]"#), .invalidValue, at: "metrics[0][0]",
                    message: "must be the last element")
        expectError(widget(metrics: #"[["ns",{"stat":"Sum"},"m"]]"#), .invalidValue, at: "metrics[0][1]")
    }

    @Test func danglingDimensionName() {
        expectError(widget(metrics: #"[["AWS/EC2","CPUUtilization","InstanceId"]]"#), .invalidValue, at: "metrics[0][3]",
                    message: "dimension \"InstanceId\" has no value")
        let e = parseError(widget(metrics: #"[["a","b"],["a","b"],["AWS/EC2","CPUUtilization","InstanceId",{"stat":"Sum"}]]"#))
        #expect(e?.description == #"metrics[2][3]: dimension "InstanceId" has no value"#)
    }

    @Test func duplicateDimensionName() {
        expectError(widget(metrics: #"[["ns","m","A","1","A","2"]]"#), .invalidValue, at: "metrics[0][4]",
                    message: "appears twice")
    }

    @Test func nameRules() throws {
        expectError(widget(metrics: #"[["","m"]]"#), .invalidValue, at: "metrics[0][0]", message: "namespace is empty")
        expectError(widget(metrics: #"[["ns",""]]"#), .invalidValue, at: "metrics[0][1]")
        expectError(widget(metrics: #"[["ns","m","","v"]]"#), .invalidValue, at: "metrics[0][2]")
        expectError(widget(metrics: #"[["ns","m","D",""]]"#), .invalidValue, at: "metrics[0][3]")
        expectError(widget(metrics: #"[[":ns","m"]]"#), .invalidValue, at: "metrics[0][0]", message: "must not start with")
        expectError(widget(metrics: #"[["ns","m",":D","v"]]"#), .invalidValue, at: "metrics[0][2]")
        // Only namespaces and dimension names are forbidden a leading ':'.
        let rows = try metricRows(#"[["ns",":m","D",":v"]]"#)
        #expect(rows[0].metric.name == ":m" && rows[0].dimensionsInRowOrder[0].value == ":v")
    }

    @Test func expressionRows() throws {
        let w = try parseOK(widget(metrics: #"""
            [["a","b",{"id":"x"}],
             [{"expression":"x * 2","id":"doubled","label":"Double","color":"#ff0000","visible":false,
               "yAxis":"right","period":60,"region":"eu-west-1","accountId":"1","stat":"Sum"}],
             [{"expression":"SEARCH('{A} b', 'Sum', 300)"}]]
            """#))
        #expect(w.rows.count == 3)
        let e = w.expressionRows
        #expect(e[0] == ExpressionRowSpec(
            rowIndex: 1, id: "doubled", idIsImplicit: false, expression: "x * 2", label: "Double",
            color: RGBA(r: 255, g: 0, b: 0), visible: false, yAxis: .right, period: 60, region: "eu-west-1", accountId: "1"))
        #expect(e[1].id == "e1" && e[1].idIsImplicit && e[1].period == nil && e[1].label == nil && e[1].rowIndex == 2)
        #expect(w.rows.map(\.id) == ["x", "doubled", "e1"])
        #expect(w.rows.map(\.rowIndex) == [0, 1, 2])
    }

    @Test func expressionRowErrors() {
        expectError(widget(metrics: #"[["a","b",{"expression":"m1"}]]"#), .invalidValue, at: "metrics[0]", message: "not both")
        expectError(widget(metrics: #"[["a",{"expression":"m1"}]]"#), .invalidValue, at: "metrics[0]")
        expectError(widget(metrics: #"[[{"expression":""}]]"#), .invalidValue, at: "metrics[0][0].expression")
        expectError(widget(metrics: #"[[{"expression":5}]]"#), .wrongType, at: "metrics[0][0].expression")
        expectError(widget(metrics: #"[[{"expression":null}]]"#), .invalidValue, at: "metrics[0]")
        expectError(widget(metrics: #"[[{"expression":"1","period":7}]]"#), .invalidValue, at: "metrics[0][0].period")
        expectError(widget(metrics: #"[[{"expression":"1","yAxis":"up"}]]"#), .invalidValue, at: "metrics[0][0].yAxis")
        expectError(widget(metrics: #"[[{"expression":"1","label":[]}]]"#), .wrongType, at: "metrics[0][0].label")
    }

    @Test func expressionRowFromMergedObjects() throws {
        let w = try parseOK(widget(metrics: #"[["a","b"],[{"expression":"m1+1"},{"label":"plus one"}]]"#))
        #expect(w.expressionRows[0].expression == "m1+1")
        #expect(w.expressionRows[0].label == "plus one")
    }
}
