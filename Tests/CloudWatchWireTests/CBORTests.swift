import ChartTestSupport
import CloudWatchWire
import Testing

/// Hex (spaces ignored) → bytes.
func bytes(_ hexText: String) -> [UInt8] {
    let digits = Array(hexText.filter { !$0.isWhitespace })
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
}

@Suite("CBOR codec")
struct CBORTests {
    @Test("botocore's GetMetricWidgetImage body (api.md §5.1)")
    func getMetricWidgetImageBody() throws {
        let body = bytes("""
            a2 6c 4d6574726963576964676574 77 7b226d657472696373223a5b5b2241222c2242225d5d7d
               6c 4f7574707574466f726d6174 63 706e67
            """)
        let value = try WireValue(cbor: try CBOR.decode(body))
        let input = try GetMetricWidgetImageInput(WireReader(value, fromText: false))
        #expect(input.metricWidget == #"{"metrics":[["A","B"]]}"#)
        #expect(input.outputFormat == ImageOutputFormat(kind: .png, raw: false))
        // Our encoder writes the same bytes back.
        #expect(CBOR.encode(try CBOR.decode(body)) == body)
    }

    @Test("every primitive round-trips with the shortest heads")
    func roundTrip() throws {
        let values: [CBORValue] = [
            .unsigned(0), .unsigned(23), .unsigned(24), .unsigned(255), .unsigned(256), .unsigned(65_535), .unsigned(65_536),
            .unsigned(UInt64(UInt32.max)), .unsigned(UInt64(UInt32.max) + 1), .unsigned(.max), .negative(0), .negative(1000),
            .bytes([]), .bytes([1, 2, 3]), .text(""), .text("héllo ✓"), .array([]), .array([.unsigned(1), .text("a")]),
            .map([CBORPair(.text("k"), .null)]), .tagged(1, .unsigned(1_704_164_645)), .bool(true), .bool(false), .null,
            .undefined, .float(1.5), .float(-0.0), .simple(16), .simple(200),
        ]
        for v in values { #expect(try CBOR.decode(CBOR.encode(v)) == v, "\(v)") }
        #expect(CBOR.encode(.unsigned(24)) == [0x18, 24])
        #expect(CBOR.encode(.unsigned(256)) == [0x19, 1, 0])
        #expect(CBOR.encode(.bytes(Array(repeating: 0, count: 300))).prefix(3) == [0x59, 0x01, 0x2c])
    }

    @Test("indefinite lengths, half and single floats, tag-1 timestamps, null members")
    func decoderExtras() throws {
        // {_ "a": (_ "x", "y"), "b": [_ 1, 2], "c": 1(1.5 as half), "d": null, "e": 3.25 as single}
        let body = bytes("bf 61 61 7f 61 78 61 79 ff 61 62 9f 01 02 ff 61 63 c1 f9 3e00 61 64 f6 61 65 fa 40500000 ff")
        let value = try WireValue(cbor: try CBOR.decode(body))
        #expect(value["a"] == .string("xy"))
        #expect(value["b"] == .list([.integer(1), .integer(2)]))
        #expect(value["c"] == .timestamp(1.5))
        #expect(value["d"] == nil)
        #expect(value["e"] == .double(3.25))
        #expect(try CBOR.decode(bytes("f9 7c00")) == .float(.infinity))
        #expect(try CBOR.decode(bytes("f9 0001")) == .float(0x1p-24))
    }

    @Test("hostile inputs are errors naming an offset")
    func hostile() {
        let cases: [(String, String)] = [
            ("5b ffffffffffffffff", "length longer than the input"),
            ("9b ffffffffffffffff", "array count longer than the input"),
            ("bb 00000000ffffffff", "map count longer than the input"),
            (String(repeating: "81", count: 100) + "00", "nesting too deep"),
            ("9f 01 02", "unterminated indefinite array"),
            ("7f 41 00 ff", "byte chunk inside a text string"),
            ("62 ff fe", "invalid UTF-8"),
            ("ff", "lone break"),
            ("1c", "reserved additional information"),
            ("01 02", "trailing bytes"),
            ("", "empty"),
            ("f8 10", "two-byte simple value below 32"),
            ("df", "indefinite tag"),
        ]
        for (hexText, why) in cases {
            #expect(throws: CBORError.self, "\(why)") { try CBOR.decode(bytes(hexText)) }
        }
    }

    /// A random data item (`depth` bounds the nesting).
    static func randomValue(_ rng: inout SplitMix64, depth: Int) -> CBORValue {
        let pick = rng.next() % (depth > 0 ? 12 : 9)
        switch pick {
        case 0: return .unsigned(rng.next() >> (rng.next() % 64))
        case 1: return .negative(rng.next() >> (rng.next() % 64))
        case 2: return .bytes((0..<Int(rng.next() % 40)).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
        case 3:
            let scalars = (0..<Int(rng.next() % 20)).compactMap { _ in Unicode.Scalar(UInt32(rng.next() % 0x2_0000)) }
            return .text(String(String.UnicodeScalarView(scalars)))
        case 4: return .bool(rng.next() % 2 == 0)
        case 5: return rng.next() % 2 == 0 ? .null : .undefined
        case 6:
            let d = Double(bitPattern: rng.next())
            return .float(d.isNaN ? 0.5 : d)
        case 7: return .simple(UInt8(truncatingIfNeeded: rng.next() % 20))
        case 8: return .tagged(1, .unsigned(rng.next() % 4_000_000_000))
        case 9: return .array((0..<Int(rng.next() % 5)).map { _ in randomValue(&rng, depth: depth - 1) })
        case 10:
            return .map((0..<Int(rng.next() % 5)).map { _ in
                CBORPair(randomValue(&rng, depth: depth - 1), randomValue(&rng, depth: depth - 1))
            })
        default: return .tagged(rng.next() % 100, randomValue(&rng, depth: depth - 1))
        }
    }

    @Test("random data items survive encode → decode")
    func randomRoundTrip() throws {
        var rng = SplitMix64(seed: 42)
        for _ in 0..<2_000 {
            let v = Self.randomValue(&rng, depth: 4)
            #expect(try CBOR.decode(CBOR.encode(v)) == v)
        }
    }

    /// Random and mutated inputs: the decoder must answer (value or error) for every one,
    /// without crashing, hanging or allocating beyond the input's size.
    @Test("fuzz: random and mutated bytes never crash")
    func fuzz() throws {
        var rng = SplitMix64(seed: 0x6752_6170_6873_686f)
        let seeds: [[UInt8]] = [
            bytes("a2 6c 4d6574726963576964676574 77 7b226d657472696373223a5b5b2241222c2242225d5d7d 6c 4f7574707574466f726d6174 63 706e67"),
            bytes("bf 61 61 7f 61 78 61 79 ff 61 62 9f 01 02 ff 61 63 c1 f9 3e00 61 64 f6 ff"),
            CBOR.encode(.map([CBORPair(.text("MetricData"), .array([.map([CBORPair(.text("Value"), .float(1.5)), CBORPair(.text("Timestamp"), .tagged(1, .unsigned(1_704_164_645)))])]))])),
        ]
        var decoded = 0, rejected = 0
        for round in 0..<20_000 {
            var input: [UInt8]
            if round % 2 == 0 {
                input = (0..<Int(rng.next() % 64)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            } else {
                input = seeds[Int(rng.next() % UInt64(seeds.count))]
                for _ in 0..<(1 + Int(rng.next() % 4)) {
                    guard !input.isEmpty else { break }
                    let at = Int(rng.next() % UInt64(input.count))
                    switch rng.next() % 3 {
                    case 0: input[at] = UInt8(truncatingIfNeeded: rng.next())
                    case 1: input.remove(at: at)
                    default: input.insert(UInt8(truncatingIfNeeded: rng.next()), at: at)
                    }
                }
            }
            do {
                let v = try CBOR.decode(input)
                _ = try? WireValue(cbor: v)
                decoded += 1
            } catch {
                #expect(error.offset >= 0 && error.offset <= input.count)
                rejected += 1
            }
        }
        #expect(decoded > 100 && rejected > 100, "decoded \(decoded), rejected \(rejected)")
    }
}
