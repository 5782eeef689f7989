import ChartCore
import Testing

/// The shared JSON parser. Callers' wording of its errors is tested with each caller
/// (`WidgetSpecTests/JSONTests`, `MetricQueryTests/DataFilesTests`).
@Suite("JSON parser")
struct JSONParserTests {
    private func json(_ text: String, _ options: JSONParser.Options = .init()) throws(JSONSyntaxError) -> JSONValue {
        try JSONParser.parse(text, options: options)
    }

    private func failure(_ text: String) -> JSONSyntaxError? {
        do { _ = try json(text); return nil } catch { return error }
    }

    private func failure(_ bytes: [UInt8]) -> JSONSyntaxError? {
        do { _ = try JSONParser.parse(bytes); return nil } catch { return error }
    }

    // MARK: - Values

    @Test func valuesKeepTheirTypes() throws {
        let v = try json(#" {"a": true, "b": 1, "c": 1.0, "d": "1", "e": null, "f": [false, 0], "g": {}} "#)
        #expect(v == .object([
            "a": .bool(true), "b": .number(1), "c": .number(1), "d": .string("1"), "e": .null,
            "f": .array([.bool(false), .number(0)]), "g": .object([:]),
        ]))
        #expect(JSONValue.bool(true) != .number(1))
        #expect([JSONValue.null, .bool(false), .number(0), .string(""), .array([]), .object([:])].map(\.typeName)
            == ["null", "a boolean", "a number", "a string", "an array", "an object"])
    }

    @Test func numbers() throws {
        #expect(try json("-0") == .number(0))
        #expect(try json("-0") == .number(-0.0))
        #expect(try json("1.5e3") == .number(1500))
        #expect(try json("2E-2") == .number(0.02))
        #expect(try json("-0.5e-3") == .number(-0.0005))
        #expect(try json("2.5E1") == .number(25))
        #expect(try json("1.71e9") == .number(1_710_000_000))
        #expect(try json("12345678901234567890") == .number(Double("12345678901234567890")!))
        #expect(try json("1e-400") == .number(0))
        for bad in ["01", "-01", "1.", ".5", "+1", "1e", "1e+", "-", "0x10", "NaN", "Infinity", "1e999", "-1e999",
                    "- 1", "[-]", "[1.]", "[1e]", #"{"a": 01}"#, "1.e5", "1e5.5", "--1", "١"] {
            #expect(throws: JSONSyntaxError.self, "\(bad)") { try json(bad) }
        }
        #expect(failure("1e999")?.message == "number 1e999 is too large")
        #expect(failure("01")?.message == "invalid number (leading zero)")
    }

    /// The exact fast path and the standard library agree to the last bit.
    @Test(arguments: [
        "0", "1", "9007199254740992", "9007199254740993", "18446744073709551615", "1234567890123456789",
        "0.1", "0.2", "0.3", "1.1", "2.675", "123.456", "99.99", "0.000001", "0.0000000000000000000001",
        "3.141592653589793", "2.718281828459045", "1e22", "1e23", "9007199254740991e22", "9007199254740993e-22",
        "1.7976931348623157e308", "2.2250738585072014e-308", "4.9e-324", "5e-324", "123456789012345678901234567890",
        "0.30000000000000004", "100000000000000000000000", "1710000000", "273.15", "6.02214076e23",
        "116.24992187744137", "18014398509481985", "18014398509481986", "18014398509481987", "9007199254740995",
        "1.8014398509481985", "9999999999999999999", "9999999999999999999e-19", "1844674407370955161.5e-19",
        "0.1e-18", "1e19", "1e-19", "12345678901234567e19", "12345678901234567e-19",
    ])
    func numbersMatchTheStandardLibrary(_ text: String) throws {
        for sign in ["", "-"] {
            let expected = try #require(Double(sign + text))
            guard case .number(let v) = try json(sign + text) else { Issue.record("not a number"); return }
            #expect(v.bitPattern == expected.bitPattern, "\(sign + text)")
        }
    }

    @Test func generatedNumbersMatchTheStandardLibrary() throws {
        var seed: UInt64 = 42
        func next() -> UInt64 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let z = (seed ^ (seed >> 30)) &* 0xBF58_476D_1CE4_E5B9
            return z ^ (z >> 31)
        }
        for _ in 0..<50_000 {
            // 1 to 20 digits, so every conversion path is taken.
            let digits = String(next() >> (next() % 64))
            let point = Int(next() % UInt64(digits.count + 1))
            var text = point == 0 || point == digits.count
                ? digits : String(digits.prefix(point)) + "." + String(digits.dropFirst(point))
            if next() % 3 == 0 { text += "e\(Int(next() % 80) - 40)" }
            let expected = try #require(Double(text))
            guard case .number(let v) = try json(text) else { Issue.record("not a number"); return }
            #expect(v.bitPattern == expected.bitPattern, "\(text)")
        }
    }

    @Test func strings() throws {
        #expect(try json(#""a\"b\\c\/d\b\f\n\r\t""#) == .string("a\"b\\c/d\u{8}\u{c}\n\r\t"))
        #expect(try json(#""\u00e9\u20AC""#) == .string("é€"))
        #expect(try json(#""x\u0000y""#) == .string("x\u{0}y"))
        #expect(try json(#""\ud83d\ude00""#) == .string("😀"))
        #expect(try json(#""😀 ü""#) == .string("😀 ü"))
        #expect(try json(#""Caf\u00e9 \ud83d\ude00 ok""#) == .string("Café 😀 ok"))
        #expect(try json(#""""#) == .string(""))
        for bad in [#""abc"#, #""\x""#, #""\u12""#, #""\u12G4""#, "\"a\u{1}b\"", "\"line\nbreak\"", #"'single'"#,
                    #""abc\"#, #""\"#] {
            #expect(throws: JSONSyntaxError.self, "\(bad)") { try json(bad) }
        }
    }

    @Test func loneSurrogatesAreRejectedOrReplaced() throws {
        for lone in [#""\ud83d""#, #""\ude00x""#, #""\ud83d\u0041""#, #""\ud800""#] {
            #expect(failure(lone)?.message == "unpaired UTF-16 surrogate in a \\u escape", "\(lone)")
        }
        let replace = JSONParser.Options(loneSurrogates: .replace)
        #expect(try json(#""\ud83d""#, replace) == .string("\u{FFFD}"))
        #expect(try json(#""\ude00x""#, replace) == .string("\u{FFFD}x"))
        #expect(try json(#""\ud83d\u0041""#, replace) == .string("\u{FFFD}A"))
        #expect(try json(#""\ud83d\ud83d\ude00""#, replace) == .string("\u{FFFD}😀"))
        #expect(throws: JSONSyntaxError.self) { try json(#""\ud83d\u004""#, replace) }
    }

    @Test func structure() throws {
        #expect(try json("[]") == .array([]))
        #expect(try json(" \t\r\n[ 1 , [ 2 ] ]\n") == .array([.number(1), .array([.number(2)])]))
        #expect(try json("\u{FEFF}{}") == .object([:]))
        #expect(try json("true") == .bool(true))
        #expect(try json("null") == .null)
        for bad in ["", " ", "[", "[1,]", "[1 2]", "{", #"{"a"}"#, #"{"a":}"#, #"{"a":1,}"#, "{a:1}", #"{"a":1}}"#,
                    "{} {}", "tru", "nul", "true false", "[,]", #"{"a" 1}"#, "]", "{,}", "[tru]", "[true", "\u{FEFF}",
                    "\u{FEFF}\u{FEFF}{}", "[1]\u{0}", "{\"a\":1 \"b\":2}", "/* */ 1"] {
            #expect(throws: JSONSyntaxError.self, "\(bad)") { try json(bad) }
        }
    }

    @Test func objectsKeepDocumentOrderAndTheLastRepeatedKeyWins() throws {
        guard case .object(let o) = try json(#"{"b": 1, "a": 2, "c": 3, "a": 4}"#) else {
            Issue.record("not an object"); return
        }
        #expect(o.members.map(\.key) == ["b", "a", "c", "a"])
        #expect(o.count == 4)
        #expect(o["a"] == .number(4))
        #expect(o["A"] == nil)
        #expect(o.dictionary == ["a": .number(4), "b": .number(1), "c": .number(3)])
        #expect(o == ["c": .number(3), "a": .number(4), "b": .number(1)])  // order does not matter
        #expect(o != ["c": .number(3), "a": .number(2), "b": .number(1)])
        #expect(try json(#"{"a":1,"a":2}"#) == .object(["a": .number(2)]))

        var edited = o
        edited["a"] = .null
        #expect(edited.members.map(\.key) == ["b", "a", "c", "a"] && edited["a"] == .null)
        edited["d"] = .bool(true)
        #expect(edited.members.last?.key == "d")
        edited["a"] = nil
        #expect(edited.members.map(\.key) == ["b", "c", "d"])
        #expect(Array(edited).map(\.key) == ["b", "c", "d"])
    }

    @Test func invalidUTF8() {
        #expect(failure([0x22, 0xFF, 0x22])?.message == "invalid UTF-8 in a string")
        #expect(failure([0x22, 0xC3, 0x22])?.message == "invalid UTF-8 in a string")
        #expect(failure([0x22, 0x5C, 0x6E, 0xED, 0xA0, 0x80, 0x22]) != nil)  // an encoded surrogate after an escape
        #expect(failure([0x5B, 0x80, 0x5D])?.message == "unexpected byte 0x80")
        #expect(failure([0x7B, 0x80, 0x7D])?.message == "expected a key in double quotes")
        #expect(failure([0xEF, 0xBB])?.message == "unexpected byte 0xef")
    }

    @Test func nestingDepth() throws {
        let max = JSONParser.maxDepth
        #expect(max == 256)
        _ = try json(String(repeating: "[", count: max) + String(repeating: "]", count: max))
        _ = try json(String(repeating: #"{"a":"#, count: max) + "1" + String(repeating: "}", count: max))
        let deep = failure(String(repeating: "[", count: max + 1) + String(repeating: "]", count: max + 1))
        #expect(deep?.message == "arrays and objects are nested more than 256 levels deep")
        #expect(deep?.offset == max)
        #expect(failure(String(repeating: "[", count: 50_000))?.message.contains("nested") == true)
        #expect(failure(String(repeating: #"{"a":"#, count: 20_000))?.message.contains("nested") == true)
        #expect(failure(String(repeating: #"[{"a":"#, count: 20_000))?.message.contains("nested") == true)
    }

    // MARK: - Errors

    @Test func errorsCarryOffsetLineAndColumn() {
        let e = failure("{\n  \"metrics\": [[\"A\", \"B\"]],\n  \"view\": bar\n}")
        #expect(e == JSONSyntaxError(message: "unexpected character 'b'", offset: 39, line: 3, column: 11))
        #expect(e?.description == "unexpected character 'b' at line 3, column 11")
        #expect(failure(#"{"Namespace": "x", "MetricData": [}"#)
            == JSONSyntaxError(message: "unexpected character '}'", offset: 34, line: 1, column: 35))
        #expect(failure("{\n  \"Namespace\": \"x\",\n  \"MetricData\": [1 2]\n}")
            == JSONSyntaxError(message: "expected ',' or ']' in an array", offset: 41, line: 3, column: 20))
        #expect(failure("") == JSONSyntaxError(message: "unexpected end of input", offset: 0, line: 1, column: 1))
        #expect(failure(#"{"Namespace": "x"} trailing"#)
            == JSONSyntaxError(message: "unexpected text after the JSON value", offset: 19, line: 1, column: 20))
        // Columns count characters: "é" and "😀" are one column each, though 2 and 4 bytes.
        #expect(failure("[\"é😀\", x]") == JSONSyntaxError(message: "unexpected character 'x'", offset: 11, line: 1, column: 8))
        // An unterminated string is reported where it opens.
        #expect(failure("[1,\n \"abc") == JSONSyntaxError(message: "unterminated string", offset: 5, line: 2, column: 2))
        #expect(failure("[1, 2")?.message == "unexpected end of input inside an array")
        #expect(failure(#"{"a" 1}"#)?.message == "expected ':' after an object key")
        #expect(failure(#"{"a": 1 ]"#)?.message == "expected ',' or '}' in an object")
        #expect(failure("{1: 2}")?.message == "expected a key in double quotes")
        #expect(failure("[tru]") == JSONSyntaxError(message: "unexpected character ']'", offset: 4, line: 1, column: 5))
        #expect(failure(#""a\qb""#) == JSONSyntaxError(message: "invalid escape sequence in a string", offset: 2, line: 1, column: 3))
    }

    @Test func inputForms() throws {
        let text = #"{"a": ["x", 1.5, null]}"#
        let fromText = try JSONParser.parse(text)
        let fromBytes = try JSONParser.parse(Array(text.utf8))
        let fromBuffer = try Array(text.utf8).withUnsafeBufferPointer { try JSONParser.parse($0) }
        #expect(fromText == fromBytes && fromBytes == fromBuffer)
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(UnsafeBufferPointer(start: nil, count: 0)) }
    }

    /// Random bytes and corrupted documents give a value or an error, never a crash.
    @Test func garbageNeverCrashes() {
        var seed: UInt64 = 7
        func next(_ n: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(n))
        }
        let sample = Array(#"{"a": [1, -2.5e3, "x\u00e9\n", true, false, null, {"b": "\ud83d\ude00"}], "c": 0}"#.utf8)
        let alphabet = Array(#"{}[]":,.-+eE0123456789\ u"tfnrl"#.utf8) + [0x00, 0x0A, 0x80, 0xC3, 0xFF]
        for round in 0..<20_000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = sample
                for _ in 0...next(3) { bytes[next(bytes.count)] = alphabet[next(alphabet.count)] }
                if next(4) == 0 { bytes.removeLast(next(bytes.count)) }
            } else {
                bytes = (0..<next(40)).map { _ in round % 4 == 1 ? alphabet[next(alphabet.count)] : UInt8(next(256)) }
            }
            for options in [JSONParser.Options(), JSONParser.Options(loneSurrogates: .replace)] {
                do {
                    _ = try JSONParser.parse(bytes, options: options)
                } catch {
                    #expect(error.offset >= 0 && error.offset <= bytes.count && error.line >= 1 && error.column >= 1)
                }
            }
        }
    }
}
