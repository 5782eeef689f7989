import ChartCore
import Testing
@testable import WidgetSpec

@Suite("Limits (§11)")
struct LimitTests {
    private func rows(_ n: Int) -> String {
        "[" + (0..<n).map { #"["ns","m","D","\#($0)"]"# }.joined(separator: ",") + "]"
    }

    @Test func rowCount() throws {
        #expect(try parseOK(widget(metrics: rows(100))).rows.count == 100)
        expectError(widget(metrics: rows(101)), .metricCountOutOfRange, at: "metrics", message: "101 rows")
        expectError(widget(metrics: "[]"), .metricCountOutOfRange, at: "metrics")
        // Expression rows count too.
        let mixed = "[" + (0..<100).map { _ in #"["ns","m"]"# }.joined(separator: ",") + #",[{"expression":"1"}]]"#
        expectError(widget(metrics: mixed), .metricCountOutOfRange, at: "metrics")
    }

    @Test func payloadSize() throws {
        // Pad with an ignored key so the document is exactly at and one byte over the limit.
        func padded(to size: Int) -> String {
            let head = #"{"metrics":[["A","B"]],"pad":""#
            let tail = #""}"#
            return head + String(repeating: "x", count: size - head.utf8.count - tail.utf8.count) + tail
        }
        let atLimit = padded(to: 102_400)
        #expect(atLimit.utf8.count == 102_400)
        _ = try parseOK(atLimit)
        let over = padded(to: 102_401)
        #expect(over.utf8.count == 102_401)
        expectError(over, .payloadTooLarge, at: "")
        #expect(throws: WidgetError.self) { try MetricWidget.parse(data: Array(over.utf8)) }
        // The size is checked before JSON decoding: garbage that is too large is still "too large".
        expectError(String(repeating: "[", count: 200_000), .payloadTooLarge, at: "")
        // Multi-byte characters count in bytes, not characters.
        let wide = #"{"metrics":[["A","B"]],"pad":""# + String(repeating: "é", count: 51_200) + #""}"#
        expectError(wide, .payloadTooLarge, at: "")
    }

    @Test func dimensionCount() throws {
        func row(_ n: Int) -> String {
            #"[["ns","m""# + (0..<n).map { #","D\#($0)","v""# }.joined() + "]]"
        }
        #expect(try metricRows(row(30))[0].dimensionsInRowOrder.count == 30)
        expectError(widget(metrics: row(31)), .tooManyDimensions, at: "metrics[0]", message: "31 dimensions")
    }

    @Test func nameLengths() throws {
        let n255 = String(repeating: "n", count: 255), n256 = String(repeating: "n", count: 256)
        _ = try metricRows(#"[["\#(n255)","\#(n255)","\#(n255)","v"]]"#)
        expectError(widget(metrics: #"[["\#(n256)","m"]]"#), .stringTooLong, at: "metrics[0][0]")
        expectError(widget(metrics: #"[["ns","\#(n256)"]]"#), .stringTooLong, at: "metrics[0][1]")
        expectError(widget(metrics: #"[["ns","m","\#(n256)","v"]]"#), .stringTooLong, at: "metrics[0][2]")
        // Characters, not bytes: 255 two-byte characters are fine.
        let wide = String(repeating: "ü", count: 255)
        _ = try metricRows(#"[["\#(wide)","m"]]"#)
    }

    @Test func dimensionValueLength() throws {
        let v1024 = String(repeating: "v", count: 1024), v1025 = String(repeating: "v", count: 1025)
        _ = try metricRows(#"[["ns","m","D","\#(v1024)"]]"#)
        expectError(widget(metrics: #"[["ns","m","D","\#(v1025)"]]"#), .stringTooLong, at: "metrics[0][3]")
    }

    @Test func expressionLength() throws {
        let e2048 = String(repeating: "1", count: 2048), e2049 = String(repeating: "1", count: 2049)
        #expect(try parseOK(widget(metrics: #"[[{"expression":"\#(e2048)"}]]"#)).expressionRows[0].expression == e2048)
        expectError(widget(metrics: #"[[{"expression":"\#(e2049)"}]]"#), .stringTooLong, at: "metrics[0][0].expression",
                    message: "2049 characters")
    }

    @Test func idLength() throws {
        let ok = "a" + String(repeating: "b", count: 254)
        _ = try metricRows(#"[["ns","m",{"id":"\#(ok)"}]]"#)
        expectError(widget(metrics: #"[["ns","m",{"id":"\#(ok)b"}]]"#), .invalidId, at: "metrics[0][2].id",
                    message: "longer than 255")
    }
}
