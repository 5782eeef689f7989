import ChartTestSupport
import ChartCore
import Testing
@testable import WidgetSpec

/// No input may crash the process: every malformed document must come back as a `WidgetError`.
@Suite("Robustness")
struct RobustnessTests {
    @Test func randomBytesAreRejected() {
        var rng = SplitMix64(seed: 0x5EED)
        for _ in 0..<3000 {
            let count = Int.random(in: 0...300, using: &rng)
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
            do {
                _ = try MetricWidget.parse(data: bytes)
                Issue.record("random bytes parsed: \(bytes)")
            } catch {
                #expect(!error.message.isEmpty)
            }
        }
    }

    @Test func tokenSoupNeverCrashes() {
        let tokens = ["{", "}", "[", "]", ":", ",", #""metrics""#, #""..."""#, #"".""#, #""expression""#, #""id""#,
                      #""stat""#, #""period""#, #""annotations""#, #""horizontal""#, #""value""#, "0", "-1", "1.5e3",
                      "null", "true", "false", #""A""#, #""m1""#, #""\u00""#, "\"", "\\", " "]
        var rng = SplitMix64(seed: 42)
        for _ in 0..<3000 {
            let n = Int.random(in: 1...40, using: &rng)
            let text = (0..<n).map { _ in tokens[Int.random(in: 0..<tokens.count, using: &rng)] }.joined()
            _ = parseError(#"{"metrics":"# + text)
            _ = parseError(text)
        }
    }

    @Test func truncatedDocumentsAreRejected() {
        for example in WorkedExamples.all {
            let bytes = Array(example.utf8)
            for end in 0..<bytes.count {
                let prefix = Array(bytes[0..<end])
                do {
                    _ = try MetricWidget.parse(data: prefix)
                    Issue.record("truncated document parsed: \(String(decoding: prefix, as: UTF8.self))")
                } catch {
                    #expect(error.kind == .invalidJSON)
                }
            }
        }
    }

    @Test func deepNestingIsRejected() {
        let cases = [
            String(repeating: "[", count: 50_000),
            String(repeating: "[", count: 50_000) + String(repeating: "]", count: 50_000),
            String(repeating: #"{"a":"#, count: 20_000) + "1" + String(repeating: "}", count: 20_000),
            #"{"metrics":"# + String(repeating: "[", count: 40_000) + String(repeating: "]", count: 40_000) + "}",
            #"{"metrics":[["A","B"]],"annotations":{"horizontal":"# + String(repeating: "[", count: 30_000),
        ]
        for text in cases {
            let error = parseError(text)
            #expect(error != nil)
            #expect(error?.kind == .invalidJSON || error?.kind == .payloadTooLarge)
        }
    }

    /// Replaces every value in every worked example by values of every JSON type and parses the
    /// result: a widget or a `WidgetError`, never a crash.
    @Test func wrongTypesEverywhere() throws {
        let replacements: [JSONValue] = [
            .null, .bool(true), .bool(false), .number(0), .number(-1), .number(1.5), .number(1e300),
            .string(""), .string("."), .string("..."), .string("x"), .string("-PT1H"), .array([]),
            .array([.array([])]), .object([:]), .object(["expression": .string("m1")]),
        ]
        var parsed = 0, rejected = 0
        for example in WorkedExamples.all {
            let root = try JSONParser.parse(Array(example.utf8))
            for path in allPaths(root) {
                for replacement in replacements {
                    let text = render(replacing(root, at: path[...], with: replacement))
                    do {
                        _ = try MetricWidget.parse(json: text)
                        parsed += 1
                    } catch {
                        #expect(!error.message.isEmpty)
                        rejected += 1
                    }
                }
            }
        }
        #expect(parsed > 0 && rejected > 0)
    }

    @Test func byteFlipsNeverCrash() {
        var rng = SplitMix64(seed: 7)
        for example in WorkedExamples.all {
            let bytes = Array(example.utf8)
            for _ in 0..<200 {
                var copy = bytes
                let flips = Int.random(in: 1...3, using: &rng)
                for _ in 0..<flips {
                    copy[Int.random(in: 0..<copy.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                }
                _ = try? MetricWidget.parse(data: copy)
            }
        }
    }

    @Test func randomStatisticsAndTimesNeverCrash() {
        let alphabet = Array("pPtTmMwWcCsSrRIQDHYN()%:.,0123456789-+avgixnu ")
        var rng = SplitMix64(seed: 99)
        for _ in 0..<5000 {
            let n = Int.random(in: 0...12, using: &rng)
            let text = String((0..<n).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] })
            for key in ["stat", "start", "end", "timezone"] {
                _ = parseError(widget(#""\#(key)": "\#(text)""#))
            }
            _ = parseError(widget(metrics: #"[["a","b",{"stat":"\#(text)"}]]"#))
            _ = parseError(widget(#""annotations": {"vertical": [{"value": "\#(text)"}]}"#))
        }
    }

    @Test func wrongTypesAtKnownPaths() {
        let cases: [(String, String)] = [
            (#"{"metrics":[["A","B"]],"title":[]}"#, "title"),
            (#"{"metrics":[["A","B"]],"start":true}"#, "start"),
            (#"{"metrics":[["A","B"]],"end":5}"#, "end"),
            (#"{"metrics":[["A","B"]],"annotations":{"horizontal":[{"value":{}}]}}"#, "annotations.horizontal[0].value"),
            (#"{"metrics":[["A","B",{"label":{}}]]}"#, "metrics[0][2].label"),
            (#"{"metrics":[[{"expression":"1","visible":"yes"}]]}"#, "metrics[0][0].visible"),
            (#"{"metrics":[["A","B"]],"legend":[]}"#, "legend"),
            (#"{"metrics":[["A","B"]],"yAxis":{"right":{"min":[]}}}"#, "yAxis.right.min"),
        ]
        for (json, path) in cases {
            expectError(json, .wrongType, at: path)
        }
    }

    // MARK: - Tree helpers

    private enum Step { case key(String), index(Int) }

    private func allPaths(_ v: JSONValue, prefix: [Step] = []) -> [[Step]] {
        var out = [prefix]
        switch v {
        case .array(let a):
            for (i, e) in a.enumerated() { out += allPaths(e, prefix: prefix + [.index(i)]) }
        case .object(let o):
            for (k, e) in o { out += allPaths(e, prefix: prefix + [.key(k)]) }
        default: break
        }
        return out
    }

    private func replacing(_ v: JSONValue, at path: ArraySlice<Step>, with new: JSONValue) -> JSONValue {
        guard let step = path.first else { return new }
        switch (v, step) {
        case (.array(var a), .index(let i)) where a.indices.contains(i):
            a[i] = replacing(a[i], at: path.dropFirst(), with: new)
            return .array(a)
        case (.object(var o), .key(let k)):
            if let child = o[k] { o[k] = replacing(child, at: path.dropFirst(), with: new) }
            return .object(o)
        default:
            return v
        }
    }
}
