import ChartCore
import ChartRaster
import ChartScene
import ChartTestSupport
import Foundation
import Testing

/// `--max-bytes`: stronger compression first, then indexed colour.
@Suite struct PNGBudgetTests {
    static let colors: [RGBA] = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"].map { RGBA(hex: $0)! }

    /// A chart-like image: eight noisy anti-aliased lines, a tinted band and text.
    static let chart: RasterImage = {
        var items: [SceneItem] = [
            .rect(rect: Rect(x: 40, y: 60, width: 540, height: 80), fill: colors[4].withOpacity(0.15), stroke: nil),
        ]
        for (k, color) in colors.enumerated() {
            let points: [Point?] = (0..<180).map { i in
                Point(x: 40 + Double(i) * 3, y: 200 + 120 * sin(Double(i) / (9 + Double(k))) + Double((i * 7919 + k) % 17) - 8)
            }
            items.append(.polyline(points: points, stroke: Stroke(color: color, width: 1.5)))
        }
        for row in 0..<6 {
            items.append(.text(TextRun(text: "Latency p\(90 + row) by route /cart /pay", anchor: Point(x: 40, y: 330 + Double(row) * 11),
                                       font: FontSpec(size: 10), color: RGBA(hex: "#545B64")!)))
        }
        let scene = Scene(size: Size(width: 600, height: 400), background: .white, items: items)
        do { return try Rasterizer.render(scene, fonts: FontLibrary.bundled()) } catch { fatalError("\(error)") }
    }()

    static let preferred = [RGBA.white, RGBA(hex: "#545B64")!] + colors

    @Test func generousBudgetKeepsTheDefaultEncoding() throws {
        let plain = try Rasterizer.encodePNG(Self.chart)
        let outcome = try Rasterizer.encodePNG(Self.chart, maxBytes: plain.count)
        #expect(outcome.met && outcome.png == plain && outcome.paletteSize == nil)
    }

    @Test func strongerCompressionIsTriedBeforeColourLoss() throws {
        let plain = try Rasterizer.encodePNG(Self.chart)
        let level9 = try Rasterizer.encodePNG(Self.chart, settings: PNGSettings(level: 9, filters: 0xF8, strategy: 0))
        #expect(level9.count < plain.count)
        let outcome = try Rasterizer.encodePNG(Self.chart, maxBytes: level9.count, preferredColors: Self.preferred)
        #expect(outcome.met && outcome.paletteSize == nil, "lossless compression suffices")
        #expect(try RasterImage.decodePNG(outcome.png) == Self.chart)
    }

    @Test func tightBudgetsReduceColours() throws {
        let level9 = try Rasterizer.encodePNG(Self.chart, settings: PNGSettings(level: 9, filters: 0xF8, strategy: 0))
        for fraction in [0.6, 0.35] {
            let budget = Int(Double(level9.count) * fraction)
            let outcome = try Rasterizer.encodePNG(Self.chart, maxBytes: budget, preferredColors: Self.preferred)
            #expect(outcome.met, "\(budget) bytes")
            #expect(outcome.png.count <= budget)
            let palette = try #require(outcome.paletteSize)
            #expect(palette <= 256)
            // An indexed PNG (colour type 3) that decodes to nearly the same picture.
            #expect(outcome.png[25] == 3, "colour type")
            let decoded = try RasterImage.decodePNG(outcome.png)
            let diff = try #require(PixelDiff.compare(decoded, Self.chart, channelTolerance: 40))
            #expect(diff.differingFraction < 0.02 && diff.rms < 8, "\(palette) colours: \(diff)")
            // Preferred colours survive exactly: the background and the first series colour.
            #expect(decoded.pixel(x: 5, y: 5) == .white)
        }
    }

    @Test func impossibleBudgetReturnsTheSmallestAndSaysSo() throws {
        let outcome = try Rasterizer.encodePNG(Self.chart, maxBytes: 200, preferredColors: Self.preferred)
        #expect(!outcome.met)
        #expect(outcome.png.count > 200)
        #expect(outcome.paletteSize != nil)
        let level9 = try Rasterizer.encodePNG(Self.chart, settings: PNGSettings(level: 9, filters: 0xF8, strategy: 0))
        #expect(outcome.png.count < level9.count / 2)
        _ = try RasterImage.decodePNG(outcome.png)
    }

    @Test func fewColoursAreKeptExactly() throws {
        var image = RasterImage(width: 64, height: 32, fill: .white)
        for x in 0..<64 { image.setPixel(x: x, y: 10, Self.colors[0]); image.setPixel(x: x, y: 20, Self.colors[1]) }
        let q = ColorQuantizer.quantize(image, maxColors: 4)
        #expect(q.palette.count == 3)
        let png = try Rasterizer.encodeIndexedPNG(q, settings: PNGSettings(level: 9, filters: 0x08, strategy: 0))
        #expect(png[24] == 2, "bit depth 2 for a 3-colour palette")
        #expect(try RasterImage.decodePNG(png) == image)
    }

    @Test func transparentPixelsGetATransparencyChunk() throws {
        var image = RasterImage(width: 8, height: 8)  // transparent
        image.setPixel(x: 1, y: 1, RGBA(r: 255, g: 0, b: 0, a: 128))
        let q = ColorQuantizer.quantize(image, maxColors: 16)
        let png = try Rasterizer.encodeIndexedPNG(q, settings: PNGSettings(level: 9, filters: 0x08, strategy: 0))
        #expect(String(decoding: png, as: UTF8.self).contains("tRNS"))
        let decoded = try RasterImage.decodePNG(png)
        #expect(decoded.pixel(x: 0, y: 0).a == 0)
        #expect(decoded.premultipliedPixel(x: 1, y: 1) == image.premultipliedPixel(x: 1, y: 1))
    }

    @Test func quantizerKeepsPreferredColoursAndIsDeterministic() {
        let a = ColorQuantizer.quantize(Self.chart, maxColors: 16, preferred: Self.preferred)
        let b = ColorQuantizer.quantize(Self.chart, maxColors: 16, preferred: Self.preferred)
        #expect(a == b)
        #expect(a.palette.count == 16)
        #expect(a.palette.contains(.white))
        #expect(a.palette.contains(Self.colors[0]) || a.palette.contains(Self.colors[1]))
    }

    @Test func invalidSettingsAreRejected() {
        #expect(throws: RasterError.self) { try Rasterizer.encodePNG(Self.chart, settings: PNGSettings(level: 12, filters: 0x08, strategy: 0)) }
        #expect(throws: RasterError.self) { try Rasterizer.encodePNG(Self.chart, settings: PNGSettings(level: 9, filters: 0, strategy: 0)) }
        let bad = QuantizedImage(width: 2, height: 1, palette: [.white], indices: [0, 1])
        #expect(throws: RasterError.self) { try Rasterizer.encodeIndexedPNG(bad, settings: .fast) }
    }
}
