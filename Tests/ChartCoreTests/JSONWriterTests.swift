import ChartCore
import Testing

@Suite struct JSONWriterTests {
    let sample: JSONValue = .object([
        "Id": .string("m1"), "Values": .array([.number(1), .number(0.25), .number(1e-5), .number(1e16)]),
        "Empty": .array([]), "Obj": .object([:]), "Ok": .bool(true), "Nothing": .null,
    ])

    @Test func awsCLIStyleIsPythonJSONDumpsIndentFour() {
        let text = JSONWriter(style: .awsCLI).string(sample)
        #expect(text == """
            {
                "Id": "m1",
                "Values": [
                    1.0,
                    0.25,
                    1e-05,
                    1e+16
                ],
                "Empty": [],
                "Obj": {},
                "Ok": true,
                "Nothing": null
            }
            """)
    }

    @Test func compactStyleWritesWholeNumbersWithoutFraction() {
        #expect(JSONWriter(style: .compact).string(sample)
            == #"{"Id":"m1","Values":[1,0.25,1e-05,1e+16],"Empty":[],"Obj":{},"Ok":true,"Nothing":null}"#)
    }

    @Test func escapesAndRoundTripsThroughTheParser() throws {
        let tricky: JSONValue = .array([.string("q\"b\\s\n\t\u{01}é😀"), .number(.infinity)])
        let text = JSONWriter(style: .compact).string(tricky)
        #expect(text == "[\"q\\\"b\\\\s\\n\\t\\u0001é😀\",null]")
        #expect(try JSONParser.parse(Array(text.utf8)) == .array([.string("q\"b\\s\n\t\u{01}é😀"), .null]))
    }
}
