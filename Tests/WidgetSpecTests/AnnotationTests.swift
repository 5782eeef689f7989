import ChartCore
import Testing
@testable import WidgetSpec

@Suite("Annotations (§8)")
struct AnnotationTests {
    private func annotations(_ json: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Annotations {
        try parseOK(widget(#""annotations": \#(json)"#), sourceLocation: sourceLocation).annotations
    }

    @Test func horizontalLine() throws {
        let a = try annotations(##"{"horizontal": [{"value": 80, "label": "SLO", "color": "#d62728", "fill": "above", "yAxis": "right", "visible": false}]}"##)
        #expect(a.horizontal == [HorizontalAnnotation(
            shape: .line(value: 80, label: "SLO", fill: .above), color: RGBA(r: 0xd6, g: 0x27, b: 0x28),
            yAxis: .right, visible: false)])
        let minimal = try annotations(#"{"horizontal": [{"value": -1.5}]}"#)
        #expect(minimal.horizontal == [HorizontalAnnotation(shape: .line(value: -1.5, label: nil, fill: .none))])
        let fills = try annotations(#"{"horizontal": [{"value": 1, "fill": "below"}, {"value": 2, "fill": "none"}]}"#)
        #expect(fills.horizontal.map(\.shape) == [.line(value: 1, label: nil, fill: .below), .line(value: 2, label: nil, fill: .none)])
        // Empty label → nil; invalid colour → nil.
        let blank = try annotations(#"{"horizontal": [{"value": 1, "label": "", "color": "blue"}]}"#)
        #expect(blank.horizontal[0] == HorizontalAnnotation(shape: .line(value: 1, label: nil, fill: .none)))
    }

    @Test func horizontalBand() throws {
        let a = try annotations(#"""
            {"horizontal": [[{"value": 200, "label": "Band top", "color": "#9467bd", "yAxis": "right", "visible": true, "fill": "above"},
                             {"value": 95.5, "label": "Band bottom", "color": "#000000", "yAxis": "left", "visible": false, "fill": "bogus"}]]}
            """#)
        #expect(a.horizontal == [HorizontalAnnotation(
            shape: .band(first: 200, firstLabel: "Band top", second: 95.5, secondLabel: "Band bottom"),
            color: RGBA(r: 0x94, g: 0x67, b: 0xbd), yAxis: .right, visible: true)])
    }

    @Test func verticalLineAndBand() throws {
        let a = try annotations(#"""
            {"vertical": [{"value": "2024-03-01T10:15:00Z", "label": "Deploy", "color": "#2ca02c", "fill": "after", "visible": true},
                          {"value": "2024-03-01T10:15:00+01:00", "fill": "before", "yAxis": "whatever"},
                          [{"value": "2024-03-01T09:00:00Z", "label": "Incident start", "color": "#ff7f0e", "visible": false},
                           {"value": "2024-03-01T10:30:00Z", "label": "Incident end", "color": "#000"}]]}
            """#)
        let t1015: EpochSeconds = 1_709_288_100
        #expect(a.vertical == [
            VerticalAnnotation(shape: .line(time: t1015, label: "Deploy", fill: .after), color: RGBA(r: 0x2c, g: 0xa0, b: 0x2c)),
            VerticalAnnotation(shape: .line(time: t1015 - 3600, label: nil, fill: .before)),
            VerticalAnnotation(
                shape: .band(first: t1015 - 4500, firstLabel: "Incident start", second: t1015 + 900, secondLabel: "Incident end"),
                color: RGBA(r: 0xff, g: 0x7f, b: 0x0e), visible: false),
        ])
    }

    @Test func alarms() throws {
        let a = try annotations(#"{"alarms": ["arn:aws:cloudwatch:us-east-1:123456789012:alarm:HighCPU"]}"#)
        #expect(a.alarms == ["arn:aws:cloudwatch:us-east-1:123456789012:alarm:HighCPU"])
        expectError(widget(#""annotations": {"alarms": "arn"}"#), .wrongType, at: "annotations.alarms")
        expectError(widget(#""annotations": {"alarms": ["arn", 5]}"#), .wrongType, at: "annotations.alarms[1]")
    }

    @Test func horizontalErrors() {
        func check(_ json: String, _ kind: WidgetError.Kind, _ path: String, sourceLocation: SourceLocation = #_sourceLocation) {
            expectError(widget(#""annotations": \#(json)"#), kind, at: path, sourceLocation: sourceLocation)
        }
        check(#"[]"#, .wrongType, "annotations")
        check(#"{"horizontal": {"value": 1}}"#, .wrongType, "annotations.horizontal")
        check(#"{"horizontal": [{}]}"#, .missingField, "annotations.horizontal[0].value")
        check(#"{"horizontal": [{"value": null}]}"#, .missingField, "annotations.horizontal[0].value")
        check(#"{"horizontal": [{"value": 1}, {"value": "80"}]}"#, .wrongType, "annotations.horizontal[1].value")
        check(#"{"horizontal": [{"value": 1, "fill": "between"}]}"#, .invalidValue, "annotations.horizontal[0].fill")
        check(#"{"horizontal": [{"value": 1, "fill": "after"}]}"#, .invalidValue, "annotations.horizontal[0].fill")
        check(#"{"horizontal": [{"value": 1, "yAxis": "middle"}]}"#, .invalidValue, "annotations.horizontal[0].yAxis")
        check(#"{"horizontal": [{"value": 1, "visible": "no"}]}"#, .wrongType, "annotations.horizontal[0].visible")
        check(#"{"horizontal": [{"value": 1, "label": 2}]}"#, .wrongType, "annotations.horizontal[0].label")
        check(#"{"horizontal": [5]}"#, .wrongType, "annotations.horizontal[0]")
        check(#"{"horizontal": [null]}"#, .wrongType, "annotations.horizontal[0]")
        check(#"{"horizontal": [[{"value": 1}]]}"#, .invalidValue, "annotations.horizontal[0]")
        check(#"{"horizontal": [[]]}"#, .invalidValue, "annotations.horizontal[0]")
        check(#"{"horizontal": [[{"value": 1}, {"value": 2}, {"value": 3}]]}"#, .invalidValue, "annotations.horizontal[0]")
        check(#"{"horizontal": [{"value": 1}, [{"value": "x"}, {"value": 2}]]}"#, .wrongType, "annotations.horizontal[1][0].value")
        check(#"{"horizontal": [[{"value": 1}, {}]]}"#, .missingField, "annotations.horizontal[0][1].value")
        check(#"{"horizontal": [[{"value": 1}, 2]]}"#, .wrongType, "annotations.horizontal[0][1]")
        check(#"{"horizontal": [[{"value": 1, "yAxis": 3}, {"value": 2}]]}"#, .wrongType, "annotations.horizontal[0][0].yAxis")
    }

    @Test func verticalErrors() {
        func check(_ json: String, _ kind: WidgetError.Kind, _ path: String, sourceLocation: SourceLocation = #_sourceLocation) {
            expectError(widget(#""annotations": \#(json)"#), kind, at: path, sourceLocation: sourceLocation)
        }
        check(#"{"vertical": "2024-03-01T10:15:00Z"}"#, .wrongType, "annotations.vertical")
        check(#"{"vertical": [{}]}"#, .missingField, "annotations.vertical[0].value")
        check(#"{"vertical": [{"value": 1709288100}]}"#, .wrongType, "annotations.vertical[0].value")
        check(#"{"vertical": [{"value": "-PT1H"}]}"#, .invalidValue, "annotations.vertical[0].value")
        check(#"{"vertical": [{"value": "2024-03-01"}]}"#, .invalidValue, "annotations.vertical[0].value")
        check(#"{"vertical": [{"value": "soon"}]}"#, .invalidValue, "annotations.vertical[0].value")
        check(#"{"vertical": [{"value": "2024-03-01T10:15:00Z", "fill": "above"}]}"#, .invalidValue, "annotations.vertical[0].fill")
        check(#"{"vertical": [{"value": "2024-03-01T10:15:00Z", "visible": 0}]}"#, .wrongType, "annotations.vertical[0].visible")
        check(#"{"vertical": [[{"value": "2024-03-01T10:15:00Z"}]]}"#, .invalidValue, "annotations.vertical[0]")
        check(#"{"vertical": [[{"value": "2024-03-01T10:15:00Z"}, {"value": "P0D"}]]}"#, .invalidValue, "annotations.vertical[0][1].value")
        check(#"{"vertical": [[{"value": "2024-03-01T10:15:00Z"}, {"label": "end"}]]}"#, .missingField, "annotations.vertical[0][1].value")
        check(#"{"vertical": [true]}"#, .wrongType, "annotations.vertical[0]")
    }

    @Test func relativeVerticalValueMessage() {
        let e = parseError(widget(#""annotations": {"vertical": [{"value": "-PT1H"}]}"#))
        #expect(e?.message.contains("relative") == true)
    }
}
