import ChartCore
import Testing
@testable import WidgetSpec

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// How MetricWidget text is read as JSON (spec §1). The parser itself is tested in
/// `ChartCoreTests/JSONParserTests`; these tests cover what WidgetSpec decides on top of it.
@Suite("JSON decoding (§1)")
struct JSONTests {
    @Test func syntaxErrorsAreInvalidJSON() {
        for bad in ["01", "1.", "[1,]", "{", #"{"a":1,}"#, "{a:1}", "{} {}", "tru", #""\x""#, #""\u12G4""#,
                    "\"a\u{1}b\"", #"'single'"#, "1e999"] {
            let e = parseError(bad)
            #expect(e?.kind == .invalidJSON, "\(bad)")
            #expect(e?.path == "", "\(bad)")
            #expect(e?.message.hasPrefix("not valid JSON: ") == true, "\(bad)")
        }
    }

    @Test func emptyAndBlankDocuments() {
        for blank in ["", " ", "\n\t ", "\u{FEFF}", "\u{FEFF}  "] {
            #expect(parseError(blank)?.message == "the MetricWidget is empty; expected a JSON object", "\(blank)")
        }
    }

    @Test func loneSurrogatesBecomeReplacementCharacters() throws {
        #expect(try parseOK(widget(#""title": "\ud83d""#)).title == "\u{FFFD}")
        #expect(try parseOK(widget(#""title": "\ude00x""#)).title == "\u{FFFD}x")
        #expect(try parseOK(widget(#""title": "\ud83d\u0041""#)).title == "\u{FFFD}A")
        #expect(try parseOK(widget(#""title": "\ud83d\ude00""#)).title == "😀")
    }

    @Test func repeatedKeysTheLastWins() throws {
        #expect(try parseOK(widget(#""title": "a", "title": "b""#)).title == "b")
        let rows = try metricRows(#"[["A","B",{"label":"x","label":"y"}]]"#)
        #expect(rows.first?.label == "y")
    }

    @Test func invalidUTF8() {
        for bytes: [UInt8] in [[0x22, 0xFF, 0x22], [0x22, 0xC3, 0x22], [0x7B, 0x80, 0x7D]] {
            let e = parseDataError(bytes)
            #expect(e?.kind == .invalidJSON)
            #expect(e?.message == "the MetricWidget is not valid UTF-8 text")
        }
    }

    @Test func nestingDepth() throws {
        let e = parseError(String(repeating: "[", count: 50_000))
        #expect(e?.kind == .invalidJSON)
        #expect(e?.message.contains("nested") == true)
        let objects = String(repeating: #"{"a":"#, count: 20_000)
        #expect(parseError(objects)?.kind == .invalidJSON)
        let inMetrics = #"{"metrics":[["A","B",{"x":"# + String(repeating: "[", count: 30_000)
        #expect(parseError(inMetrics)?.kind == .invalidJSON)
    }

    @Test func notJSONOrNotAnObject() {
        expectError("", .invalidJSON, at: "")
        expectError("metrics", .invalidJSON, at: "")
        expectError(#"{"metrics": [["A","B"]]"#, .invalidJSON, at: "", message: "not valid JSON")
        expectError("[]", .invalidJSON, at: "", message: "must be a JSON object")
        expectError(#"[{"metrics":[["A","B"]]}]"#, .invalidJSON, at: "")
        expectError(#""{\"metrics\":[]}""#, .invalidJSON, at: "")
        expectError("42", .invalidJSON, at: "")
        expectError("null", .invalidJSON, at: "")
        expectError("true", .invalidJSON, at: "")
    }

    @Test func errorMessagesNameThePosition() {
        let e = parseError("{\n  \"metrics\": [[\"A\", \"B\"]],\n  \"view\": bar\n}")
        #expect(e?.kind == .invalidJSON)
        #expect(e?.message == "not valid JSON: unexpected character 'b' at line 3, column 11")
        #expect(e?.description == e?.message)
    }

    @Test func bytesAndDataEntryPoints() throws {
        let text = #"{"metrics":[["A","B"]],"title":"café"}"#
        let fromString = try MetricWidget.parse(json: text)
        let fromBytes = try MetricWidget.parse(data: Array(text.utf8))
        let fromData = try MetricWidget.parse(data: Data(text.utf8))
        #expect(fromString == fromBytes)
        #expect(fromString == fromData)
        #expect(fromString.title == "café")
    }

    private func parseDataError(_ bytes: [UInt8]) -> WidgetError? {
        do { _ = try MetricWidget.parse(data: bytes); return nil } catch { return error }
    }
}
