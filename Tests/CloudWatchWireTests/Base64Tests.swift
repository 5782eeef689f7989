import CloudWatchWire
import Foundation
import Testing

/// The hand-written base64 encoder behind every image response.
@Suite struct Base64Tests {
    /// Seeded pseudo-random bytes.
    func bytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
    }

    @Test func matchesFoundationForEveryLengthAndByte() {
        for count in 0...200 {
            let input = bytes(count, seed: UInt64(count))
            #expect(input.base64String == Data(input).base64EncodedString(), "length \(count)")
        }
        let all = (0...255).map(UInt8.init) + (0...255).reversed().map(UInt8.init)
        #expect(all.base64String == Data(all).base64EncodedString())
        #expect([UInt8](base64: all.base64String) == all)
    }

    @Test func appendsAfterWhatIsThere() {
        var out = Array("x=".utf8)
        Base64.append(Array("Graphshot".utf8), to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "x=R3JhcGhzaG90")
        Base64.append([0xFF], to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "x=R3JhcGhzaG90/w==")
    }

    @Test func imageResponseBodyIsTheBase64OfTheBlob() throws {
        let png = bytes(150_001, seed: 7)
        let body = WireJSON.encode(.structure([WireMember("MetricWidgetImage", .blob(png))]))
        let text = String(decoding: body, as: UTF8.self)
        #expect(text == #"{"MetricWidgetImage":""# + Data(png).base64EncodedString() + #""}"#)
    }
}
