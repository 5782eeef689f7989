import ChartCore
import ChartRaster
import ChartScene
import ChartTestSupport
import Foundation
import Testing

@Suite struct PixelDiffTests {
    func image(_ w: Int, _ h: Int, _ fill: RGBA = .white) -> RasterImage { RasterImage(width: w, height: h, fill: fill) }

    @Test func identicalImages() throws {
        let d = try #require(PixelDiff.compare(image(10, 10), image(10, 10)))
        #expect(d.differing == 0 && d.total == 100 && d.rms == 0 && d.maxChannelDelta == 0)
        #expect(d.passes)
    }

    @Test func sizeMismatchIsNil() {
        #expect(PixelDiff.compare(image(10, 10), image(10, 11)) == nil)
        #expect(PixelDiff.diffImage(image(10, 10), image(11, 10)) == nil)
    }

    @Test func differencesWithinToleranceDoNotCount() throws {
        var b = image(10, 10)
        b.setPixel(x: 3, y: 3, RGBA(r: 253, g: 255, b: 255))  // one channel off by 2
        let d = try #require(PixelDiff.compare(image(10, 10), b))
        #expect(d.differing == 0)
        #expect(abs(d.rms - (4.0 / 400).squareRoot()) < 1e-12)  // sqrt(2² / (100 px × 4 channels)) = 0.1
        #expect(d.maxChannelDelta == 2)
        #expect(d.passes)
        #expect(try #require(PixelDiff.compare(image(10, 10), b, channelTolerance: 1)).differing == 1)
    }

    @Test func onePixelInAHundredFails() throws {
        var b = image(10, 10)
        b.setPixel(x: 0, y: 0, RGBA(r: 245, g: 245, b: 245))  // three channels off by 10
        let d = try #require(PixelDiff.compare(image(10, 10), b))
        #expect(d.differing == 1 && d.total == 100)
        #expect(abs(d.rms - (300.0 / 400).squareRoot()) < 1e-12)  // 0.866: under the RMS limit…
        #expect(!d.passes)                                          // …but 1 % of pixels is over 0.1 %
    }

    @Test func thePassRuleBoundary() throws {
        let a = image(100, 100)
        func changed(_ n: Int, to colour: RGBA = RGBA(r: 205, g: 255, b: 255)) -> RasterImage {
            var b = a
            for i in 0..<n { b.setPixel(x: i, y: i, colour) }
            return b
        }
        // 10 of 10,000 pixels = 0.1 %: passes; rms = sqrt(10 × 50² / 40,000) ≈ 0.79.
        let ten = try #require(PixelDiff.compare(a, changed(10)))
        #expect(ten.differing == 10 && ten.passes)
        #expect(abs(ten.rms - (25_000.0 / 40_000).squareRoot()) < 1e-12)
        // 11 pixels: over 0.1 %.
        #expect(try #require(PixelDiff.compare(a, changed(11))).passes == false)
        // Few pixels but a large RMS: 5 pixels fully inverted (3 channels × 255).
        let heavy = try #require(PixelDiff.compare(a, changed(5, to: .black)))
        #expect(heavy.differing == 5 && heavy.rms > 1 && !heavy.passes)
    }

    @Test func alphaIsCompared() throws {
        let d = try #require(PixelDiff.compare(image(2, 2, .white), image(2, 2, RGBA(r: 255, g: 255, b: 255, a: 0))))
        #expect(d.differing == 4 && d.maxChannelDelta == 255)
    }

    @Test func diffImageMarksChangedPixelsMagentaOverAFadedCopy() throws {
        var b = image(4, 4, .black)
        b.setPixel(x: 1, y: 2, .white)
        let picture = try #require(PixelDiff.diffImage(b, image(4, 4, .black)))
        #expect(picture.pixel(x: 1, y: 2) == RGBA(r: 255, g: 0, b: 255))
        let faded = picture.pixel(x: 0, y: 0)
        #expect(faded.a == 255 && faded.r > 150 && faded.r == faded.g && faded.g == faded.b)  // black faded to light grey
    }

    @Test func descriptionMentionsTheFigures() throws {
        var b = image(10, 10)
        b.setPixel(x: 0, y: 0, .black)
        let text = try #require(PixelDiff.compare(image(10, 10), b)).description
        #expect(text.contains("1 of 100 pixels"))
        #expect(text.contains("rms"))
    }
}

@Suite struct GoldenImageTests {
    static func png(_ colour: RGBA = blue, dotAt x: Double = 50) throws -> [UInt8] {
        try Rasterizer.renderPNG(Scene(size: Size(width: 100, height: 60), background: .white, items: [
            .rect(rect: Rect(x: 10, y: 10, width: 30, height: 30), fill: colour, stroke: nil),
            .dots(centers: [Point(x: x, y: 30)], radius: 4, fill: red),
        ]), fonts: FontLibrary.bundled())
    }

    func settings(_ tmp: String, record: Bool = false, ci: Bool = false) -> GoldenSettings {
        GoldenSettings(record: record, isCI: ci, failureDirectory: tmp + "/failures")
    }

    @Test func missingGoldenIsRecordedLocallyAndFails() throws {
        let tmp = try makeTemporaryDirectory()
        let result = GoldenImage.compare(png: try Self.png(), named: "chart", directory: tmp + "/goldens", settings: settings(tmp))
        #expect(result.kind == .recordedMissing && !result.passed)
        #expect(FileManager.default.fileExists(atPath: tmp + "/goldens/chart.png"))
        #expect(result.message.contains(tmp + "/goldens/chart.png"))
        // The next run passes.
        let again = GoldenImage.compare(png: try Self.png(), named: "chart", directory: tmp + "/goldens", settings: settings(tmp))
        #expect(again.kind == .matched && again.passed)
        #expect(again.pixelDiff?.differing == 0)
    }

    @Test func missingGoldenOnCIFailsWithoutRecording() throws {
        let tmp = try makeTemporaryDirectory()
        let result = GoldenImage.compare(png: try Self.png(), named: "chart", directory: tmp, settings: settings(tmp, ci: true))
        #expect(result.kind == .missing && !result.passed)
        #expect(!FileManager.default.fileExists(atPath: tmp + "/chart.png"))
        #expect(result.message.contains("CI=true"))
    }

    @Test func recordModeOverwritesAndFails() throws {
        let tmp = try makeTemporaryDirectory()
        _ = GoldenImage.compare(png: try Self.png(blue), named: "chart", directory: tmp, settings: settings(tmp))
        let result = GoldenImage.compare(png: try Self.png(green), named: "chart", directory: tmp, settings: settings(tmp, record: true))
        #expect(result.kind == .recorded && !result.passed)
        #expect(result.message.contains("RECORD_GOLDENS=1"))
        let stored = try RasterImage.decodePNG([UInt8](Data(contentsOf: URL(fileURLWithPath: tmp + "/chart.png"))))
        #expect(stored.pixel(x: 20, y: 20) == green)
        // Record mode fails even under CI and when the golden matches.
        #expect(GoldenImage.compare(png: try Self.png(green), named: "chart", directory: tmp, settings: settings(tmp, record: true, ci: true)).kind == .recorded)
    }

    @Test func mismatchWritesActualAndDiffAndReportsThem() throws {
        let tmp = try makeTemporaryDirectory()
        _ = GoldenImage.compare(png: try Self.png(), named: "sub/chart", directory: tmp, settings: settings(tmp))
        let result = GoldenImage.compare(png: try Self.png(dotAt: 80), named: "sub/chart", directory: tmp, settings: settings(tmp))
        #expect(result.kind == .mismatch && !result.passed)
        let actualPath = tmp + "/failures/sub/chart.actual.png"
        let diffPath = tmp + "/failures/sub/chart.diff.png"
        #expect(result.artifacts == [actualPath, diffPath])
        #expect(result.message.contains(actualPath) && result.message.contains(diffPath))
        let diff = try #require(result.pixelDiff)
        #expect(diff.differing > 6 && result.message.contains("\(diff.differing) of 6000 pixels"))
        let picture = try RasterImage.decodePNG([UInt8](Data(contentsOf: URL(fileURLWithPath: diffPath))))
        #expect(picture.pixel(x: 50, y: 30) == RGBA(r: 255, g: 0, b: 255))  // old dot position
        #expect(picture.pixel(x: 80, y: 30) == RGBA(r: 255, g: 0, b: 255))  // new dot position
        #expect(picture.pixel(x: 20, y: 20) != RGBA(r: 255, g: 0, b: 255))  // unchanged rect, faded
        let actual = try RasterImage.decodePNG([UInt8](Data(contentsOf: URL(fileURLWithPath: actualPath))))
        #expect(actual == (try RasterImage.decodePNG(try Self.png(dotAt: 80))))
        // The golden itself is untouched.
        let golden = try RasterImage.decodePNG([UInt8](Data(contentsOf: URL(fileURLWithPath: tmp + "/sub/chart.png"))))
        #expect(golden.pixel(x: 50, y: 30) == red)
    }

    @Test func smallDifferencesPass() throws {
        let tmp = try makeTemporaryDirectory()
        var image = try RasterImage.decodePNG(try Self.png())
        try Data(Rasterizer.encodePNG(image)).write(to: URL(fileURLWithPath: tmp + "/chart.png"))
        image.setPixel(x: 0, y: 0, RGBA(r: 250, g: 250, b: 250))       // 1 of 6,000 pixels
        image.setPixel(x: 99, y: 59, RGBA(r: 253, g: 255, b: 254))     // within the channel tolerance
        let result = GoldenImage.compare(png: try Rasterizer.encodePNG(image), named: "chart", directory: tmp, settings: settings(tmp))
        #expect(result.passed, "\(result.message)")
        #expect(result.pixelDiff?.differing == 1)
    }

    @Test func sizeMismatchFails() throws {
        let tmp = try makeTemporaryDirectory()
        try Data(Rasterizer.encodePNG(RasterImage(width: 10, height: 10, fill: .white))).write(to: URL(fileURLWithPath: tmp + "/chart.png"))
        let result = GoldenImage.compare(png: try Self.png(), named: "chart", directory: tmp, settings: settings(tmp))
        #expect(result.kind == .mismatch)
        #expect(result.message.contains("100×60") && result.message.contains("10×10"))
        #expect(FileManager.default.fileExists(atPath: tmp + "/failures/chart.actual.png"))
    }

    @Test func undecodableInputIsAnError() throws {
        let tmp = try makeTemporaryDirectory()
        #expect(GoldenImage.compare(png: [1, 2, 3], named: "chart", directory: tmp, settings: settings(tmp)).kind == .error)
        try Data("junk".utf8).write(to: URL(fileURLWithPath: tmp + "/bad.png"))
        #expect(GoldenImage.compare(png: try Self.png(), named: "bad", directory: tmp, settings: settings(tmp)).kind == .error)
    }

    @Test func assertMatchesRecordsAnIssueOnlyOnFailure() throws {
        let tmp = try makeTemporaryDirectory()
        _ = GoldenImage.compare(png: try Self.png(), named: "chart", directory: tmp, settings: settings(tmp))
        // Passing: no issue (an issue here would fail this test).
        #expect(GoldenImage.assertMatches(png: try Self.png(), named: "chart", directory: tmp, settings: settings(tmp)).passed)
        // Failing: exactly one issue, carrying the message.
        let moved = try Self.png(dotAt: 80)
        withKnownIssue {
            GoldenImage.assertMatches(png: moved, named: "chart", directory: tmp, settings: settings(tmp))
        } matching: { issue in
            issue.comments.contains { $0.rawValue.contains("pixels differ") && $0.rawValue.contains("chart.diff.png") }
        }
        let fresh = try Self.png()
        withKnownIssue {
            GoldenImage.assertMatches(png: fresh, named: "new", directory: tmp, settings: settings(tmp, record: true))
        }
    }
}

@Suite struct GoldenJSONTests {
    struct Sample: Encodable {
        var name: String
        var values: [Double]
        var nested: [String: Int]
        var flag: Bool
        var optional: String?
    }

    static let sample = Sample(name: "cpu", values: [1, 2.5, 3], nested: ["b": 2, "a": 1], flag: true, optional: nil)

    func settings(_ tmp: String, record: Bool = false, ci: Bool = false) -> GoldenSettings {
        GoldenSettings(record: record, isCI: ci, failureDirectory: tmp + "/failures")
    }

    @Test func encodingIsPrettyAndSorted() throws {
        let text = String(decoding: try GoldenJSON.encode(Self.sample), as: UTF8.self)
        #expect(text.hasSuffix("}\n"))
        let a = try #require(text.range(of: "\"a\"")), b = try #require(text.range(of: "\"b\"")), flag = try #require(text.range(of: "\"flag\""))
        #expect(a.lowerBound < b.lowerBound && flag.lowerBound < text.range(of: "\"name\"")!.lowerBound)
        #expect(text.contains("\n  "))
    }

    @Test func numbersCompareWithinTolerance() throws {
        func tree(_ json: String) throws -> GoldenJSONValue { try GoldenJSONValue.parse(Data(json.utf8)) }
        #expect(GoldenJSON.firstDifference(try tree("{\"x\": 1.0000001}"), try tree("{\"x\": 1}")) == nil)
        let d = try #require(GoldenJSON.firstDifference(try tree("{\"x\": 1.00001}"), try tree("{\"x\": 1}")))
        #expect(d.path == "$.x")
        #expect(d.actual == "1.00001" && d.expected == "1")
    }

    @Test func firstDifferenceReportsJSONPaths() throws {
        func tree(_ json: String) throws -> GoldenJSONValue { try GoldenJSONValue.parse(Data(json.utf8)) }
        let golden = try tree(#"{"items": [{"rule": {"x": 1}}, {"text": "a"}], "size": {"width": 600}}"#)
        #expect(GoldenJSON.firstDifference(golden, golden) == nil)
        let d1 = try #require(GoldenJSON.firstDifference(try tree(#"{"items": [{"rule": {"x": 1}}, {"text": "b"}], "size": {"width": 600}}"#), golden))
        #expect(d1 == JSONDifference(path: "$.items[1].text", actual: "\"b\"", expected: "\"a\""))
        let d2 = try #require(GoldenJSON.firstDifference(try tree(#"{"items": [{"rule": {"x": 1}}], "size": {"width": 600}}"#), golden))
        #expect(d2.path == "$.items[1]" && d2.actual.hasPrefix("<missing>"))
        let d3 = try #require(GoldenJSON.firstDifference(try tree(#"{"items": [{"rule": {"x": 1}}, {"text": "a"}], "size": {"width": 600, "height": 1}}"#), golden))
        #expect(d3 == JSONDifference(path: "$.size.height", actual: "1", expected: "<missing>"))
        let d4 = try #require(GoldenJSON.firstDifference(try tree(#"{"a b": true}"#), try tree(#"{"a b": 1}"#)))
        #expect(d4.path == #"$["a b"]"# && d4.actual == "true" && d4.expected == "1")
        #expect(GoldenJSON.firstDifference(try tree("[null, false]"), try tree("[null, false]")) == nil)
        #expect(try tree(#"[true, 0, 1, 2.5, "s", null, {"k": [false]}]"#)
            == .array([.bool(true), .number(0), .number(1), .number(2.5), .string("s"), .null, .object(["k": .array([.bool(false)])])]))
        // The Decodable path agrees with the parser.
        let json = #"{"a": [1, true, null, "x", {"b": 0.5}]}"#
        #expect(try JSONDecoder().decode(GoldenJSONValue.self, from: Data(json.utf8)) == tree(json))
    }

    @Test func recordMissingMatchAndMismatch() throws {
        let tmp = try makeTemporaryDirectory()
        let missingCI = GoldenJSON.compare(Self.sample, named: "sample", directory: tmp, settings: settings(tmp, ci: true))
        #expect(missingCI.kind == .missing && !FileManager.default.fileExists(atPath: tmp + "/sample.json"))

        let recorded = GoldenJSON.compare(Self.sample, named: "sample", directory: tmp, settings: settings(tmp))
        #expect(recorded.kind == .recordedMissing && !recorded.passed)
        #expect(try Data(contentsOf: URL(fileURLWithPath: tmp + "/sample.json")) == GoldenJSON.encode(Self.sample))

        #expect(GoldenJSON.compare(Self.sample, named: "sample", directory: tmp, settings: settings(tmp)).passed)
        var close = Self.sample
        close.values[1] += 1e-9
        #expect(GoldenJSON.compare(close, named: "sample", directory: tmp, settings: settings(tmp)).passed)

        var changed = Self.sample
        changed.values[2] = 4
        let mismatch = GoldenJSON.compare(changed, named: "sample", directory: tmp, settings: settings(tmp))
        #expect(mismatch.kind == .mismatch)
        #expect(mismatch.message.contains("$.values[2]") && mismatch.message.contains("actual 4") && mismatch.message.contains("expected 3"))
        let actualPath = tmp + "/failures/sample.actual.json"
        #expect(mismatch.artifacts == [actualPath])
        #expect(try Data(contentsOf: URL(fileURLWithPath: actualPath)) == GoldenJSON.encode(changed))

        let rerecorded = GoldenJSON.compare(changed, named: "sample", directory: tmp, settings: settings(tmp, record: true))
        #expect(rerecorded.kind == .recorded && !rerecorded.passed)
        #expect(GoldenJSON.compare(changed, named: "sample", directory: tmp, settings: settings(tmp)).passed)
    }

    @Test func scenesRoundTripThroughGoldenJSON() throws {
        let tmp = try makeTemporaryDirectory()
        let scene = DeterminismTests.sampleScene()
        _ = GoldenJSON.compare(scene, named: "scene", directory: tmp, settings: settings(tmp))
        #expect(GoldenJSON.assertMatches(scene, named: "scene", directory: tmp, settings: settings(tmp)).passed)
        withKnownIssue {
            var moved = scene
            moved.size.width = 601
            GoldenJSON.assertMatches(moved, named: "scene", directory: tmp, settings: settings(tmp))
        } matching: { issue in
            issue.comments.contains { $0.rawValue.contains("$.size.width") }
        }
    }

    @Test func nonFiniteNumbersEncodeAsStrings() throws {
        let text = String(decoding: try GoldenJSON.encode([Double.nan, .infinity]), as: UTF8.self)
        #expect(text.contains("\"NaN\"") && text.contains("\"Infinity\""))
    }
}

@Suite struct PathTests {
    @Test func repositoryRootHoldsThePackage() {
        let root = repositoryRoot()
        #expect(FileManager.default.fileExists(atPath: root + "/Package.swift"))
        #expect(goldenImagesDirectory == root + "/golden-images")
        #expect(goldenDirectory().hasSuffix("/Tests/ChartRasterTests/Goldens"))
    }

    @Test func defaultSettingsFollowTheEnvironment() {
        let env = ProcessInfo.processInfo.environment
        #expect(GoldenSettings.current.record == ["1", "true", "yes"].contains(env["RECORD_GOLDENS"]?.lowercased() ?? ""))
        #expect(GoldenSettings.current.isCI == ["1", "true", "yes"].contains(env["CI"]?.lowercased() ?? ""))
        #expect(GoldenSettings.current.failureDirectory.hasSuffix("graphshot-golden-failures"))
    }
}
