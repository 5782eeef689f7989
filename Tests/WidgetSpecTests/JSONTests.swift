import ChartCore
import Testing
@testable import WidgetSpec

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

@Suite("JSON decoding (§1)")
struct JSONTests {
    private func json(_ text: String) throws -> JSONValue { try JSONParser.parse(Array(text.utf8)) }

    @Test func valuesKeepTheirTypes() throws {
        let v = try json(#" {"a": true, "b": 1, "c": 1.0, "d": "1", "e": null, "f": [false, 0], "g": {}} "#)
        #expect(v == .object([
            "a": .bool(true), "b": .number(1), "c": .number(1), "d": .string("1"), "e": .null,
            "f": .array([.bool(false), .number(0)]), "g": .object([:]),
        ]))
    }

    @Test func numbers() throws {
        #expect(try json("-0") == .number(0))
        #expect(try json("1.5e3") == .number(1500))
        #expect(try json("2E-2") == .number(0.02))
        #expect(try json("12345678901234567890") == .number(Double("12345678901234567890")!))
        for bad in ["01", "1.", ".5", "+1", "1e", "1e+", "-", "0x10", "NaN", "Infinity", "1e999", "- 1"] {
            #expect(throws: WidgetError.self, "\(bad)") { try json(bad) }
        }
    }

    @Test func strings() throws {
        #expect(try json(#""a\"b\\c\/d\b\f\n\r\t""#) == .string("a\"b\\c/d\u{8}\u{c}\n\r\t"))
        #expect(try json(#""\u00e9\u20AC""#) == .string("é€"))
        #expect(try json(#""\ud83d\ude00""#) == .string("😀"))
        #expect(try json(#""😀 ü""#) == .string("😀 ü"))
        // Lone surrogates become U+FFFD.
        #expect(try json(#""\ud83d""#) == .string("\u{FFFD}"))
        #expect(try json(#""\ude00x""#) == .string("\u{FFFD}x"))
        #expect(try json(#""\ud83d\u0041""#) == .string("\u{FFFD}A"))
        for bad in [#""abc"#, #""\x""#, #""\u12""#, #""\u12G4""#, "\"a\u{1}b\"", "\"line\nbreak\"", #"'single'"#] {
            #expect(throws: WidgetError.self, "\(bad)") { try json(bad) }
        }
    }

    @Test func structure() throws {
        #expect(try json("[]") == .array([]))
        #expect(try json("[ 1 , [ 2 ] ]") == .array([.number(1), .array([.number(2)])]))
        #expect(try json(#"{"a":1,"a":2}"#) == .object(["a": .number(2)]))
        #expect(try json("\u{FEFF}{}") == .object([:]))
        for bad in ["", " ", "[", "[1,]", "[1 2]", "{", #"{"a"}"#, #"{"a":}"#, #"{"a":1,}"#, "{a:1}", #"{"a":1}}"#,
                    "{} {}", "tru", "nul", "true false", "[,]", #"{"a" 1}"#, "]"] {
            #expect(throws: WidgetError.self, "\(bad)") { try json(bad) }
        }
    }

    @Test func invalidUTF8() {
        #expect(throws: WidgetError.self) { try JSONParser.parse([0x22, 0xFF, 0x22]) }
        #expect(throws: WidgetError.self) { try JSONParser.parse([0x22, 0xC3, 0x22]) }
        let e = parseDataError([0x7B, 0x80, 0x7D])
        #expect(e?.kind == .invalidJSON)
    }

    @Test func nestingDepth() throws {
        let ok = String(repeating: "[", count: JSONParser.maxDepth) + String(repeating: "]", count: JSONParser.maxDepth)
        _ = try json(ok)
        let deep = String(repeating: "[", count: JSONParser.maxDepth + 1) + String(repeating: "]", count: JSONParser.maxDepth + 1)
        #expect(throws: WidgetError.self) { try json(deep) }
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
