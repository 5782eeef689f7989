import ChartCore
import ChartRaster
import ChartScene
import ChartTestSupport
import Foundation
import Testing

/// SVG, PDF and scaled PNG output of one scene.
@Suite struct VectorOutputTests {
    /// A scene with every kind of item: rules, solid and dashed polylines, an area, rects,
    /// dots, regular/bold/rotated text and the warning icon.
    static let scene = Scene(size: Size(width: 300, height: 200), background: .white, items: [
        .rect(rect: Rect(x: 20, y: 20, width: 260, height: 140), fill: RGBA(r: 0xE9, g: 0xEB, b: 0xED), stroke: nil),
        .group(role: "plot", clip: Rect(x: 20, y: 20, width: 260, height: 140), items: [
            .area(top: [Point(x: 20, y: 120), Point(x: 150, y: 60), Point(x: 280, y: 100)],
                  base: [Point(x: 20, y: 160), Point(x: 150, y: 160), Point(x: 280, y: 160)], fill: blue.withOpacity(0.35)),
            .polyline(points: [Point(x: 20, y: 120), Point(x: 150, y: 60), Point(x: 280, y: 100)], stroke: Stroke(color: blue, width: 1.5)),
            .polyline(points: [Point(x: 20, y: 40), Point(x: 280, y: 150)], stroke: Stroke(color: red, width: 2, dash: [4, 3])),
            .dots(centers: [Point(x: 200, y: 50)], radius: 2.5, fill: orange),
        ]),
        .rule(from: Point(x: 20, y: 160.5), to: Point(x: 280, y: 160.5), stroke: Stroke(color: .black, width: 1)),
        .rect(rect: Rect(x: 230.5, y: 170.5, width: 40, height: 20), fill: nil, stroke: Stroke(color: green, width: 1)),
        .text(TextRun(text: "Latency p99", anchor: Point(x: 20, y: 4), font: FontSpec(size: 14, bold: true), color: .black, baseline: .top)),
        .text(TextRun(text: "12:00", anchor: Point(x: 150, y: 166), font: FontSpec(size: 11), color: .black, align: .middle, baseline: .top)),
        .text(TextRun(text: "ms", anchor: Point(x: 10, y: 90), font: FontSpec(size: 11), color: .black, align: .middle, baseline: .middle, rotation: -90)),
        .icon(icon: .warningTriangle, center: Point(x: 40, y: 180), size: 14),
    ])

    let fonts: FontLibrary
    init() throws { fonts = try FontLibrary.bundled() }

    func options(scale: Double = 1) -> RasterOptions {
        RasterOptions(scale: scale, documentDate: ISO8601.parse("2024-03-01T12:00:00Z")!, documentTitle: "Latency")
    }

    @Test func svgIsDeterministicAndUsesGlyphOutlines() throws {
        let a = try Rasterizer.encode(Self.scene, as: .svg, fonts: fonts, options: options())
        let b = try Rasterizer.encode(Self.scene, as: .svg, fonts: fonts, options: options())
        #expect(a.count == b.count && a.elementsEqual(b), "two SVG renders differ")
        let text = String(decoding: a, as: UTF8.self)
        #expect(text.hasPrefix("<?xml"))
        #expect(text.contains(#"width="300px""#) && text.contains(#"height="200px""#), "\(text.prefix(300))")
        // Text is drawn as glyph outlines (symbols), never as <text> that a viewer would set
        // in some system font.
        #expect(text.contains("<symbol") && text.contains("glyph"))
        #expect(text.contains(#"<g id="surface1">"#), "surface ids are renumbered per document")
        #expect(!text.contains("<text") && !text.contains("font-family"))
    }

    @Test func pdfIsDeterministicWithEmbeddedFontsAndFixedDates() throws {
        let a = try Rasterizer.encode(Self.scene, as: .pdf, fonts: fonts, options: options())
        let b = try Rasterizer.encode(Self.scene, as: .pdf, fonts: fonts, options: options())
        #expect(a.count == b.count && a.elementsEqual(b), "two PDF renders differ")
        let text = String(decoding: a, as: UTF8.self)
        #expect(text.hasPrefix("%PDF-1.5"))
        #expect(text.contains("DejaVuSans"), "the bundled font is named in the PDF")
        #expect(text.contains("/FontFile2") || text.contains("/FontFile3"), "the font is embedded")
        #expect(text.contains("/CreationDate (20240301120000Z)"), "the creation date is the given one")
        #expect(!text.contains("/CreationDate (D:"), "not the current time, which cairo writes with D:")
        #expect(text.contains("/Creator (Graphshot)"))
        #expect(text.contains("/Title (Latency)"))
        #expect(text.contains("/MediaBox [ 0 0 300 200 ]"))
        // A different document date changes only the metadata.
        var other = options()
        other.documentDate = 0
        let c = try Rasterizer.encode(Self.scene, as: .pdf, fonts: fonts, options: other)
        #expect(String(decoding: c, as: UTF8.self).contains("/CreationDate (19700101000000Z)"))
    }

    @Test func svgMatchesThePNGWhenRenderedBack() throws {
        let png = try Rasterizer.render(Self.scene, fonts: fonts, options: options())
        let svg = try VectorRoundTrip.pixels(svg: Rasterizer.encode(Self.scene, as: .svg, fonts: fonts, options: options()))
        let diff = try #require(VectorRoundTrip.compare(png, svg, channelTolerance: 48), "sizes \(svg.width)×\(svg.height)")
        #expect(diff.fraction < 0.02 && diff.meanDelta < 3, "\(diff)")
    }

    @Test func pdfMatchesThePNGWhenRenderedBack() throws {
        let png = try Rasterizer.render(Self.scene, fonts: fonts, options: options())
        let pdf = try VectorRoundTrip.pixels(pdf: Rasterizer.encode(Self.scene, as: .pdf, fonts: fonts, options: options()))
        let diff = try #require(VectorRoundTrip.compare(png, pdf, channelTolerance: 48), "sizes \(pdf.width)×\(pdf.height)")
        #expect(diff.fraction < 0.02 && diff.meanDelta < 3, "\(diff)")
    }

    @Test func roundTripComparisonNoticesADifferentPicture() throws {
        // The comparison used above is not vacuous: a scene without its text and lines fails it.
        var bare = Self.scene
        bare.items = Array(bare.items.prefix(1))
        let png = try Rasterizer.render(Self.scene, fonts: fonts, options: options())
        let svg = try VectorRoundTrip.pixels(svg: Rasterizer.encode(bare, as: .svg, fonts: fonts, options: options()))
        let diff = try #require(VectorRoundTrip.compare(png, svg, channelTolerance: 48))
        #expect(diff.fraction > 0.02)
    }

    @Test func scaleTwoDoublesPixelsAndKeepsLinesCrisp() throws {
        let one = try Rasterizer.render(Self.scene, fonts: fonts, options: options())
        let two = try Rasterizer.render(Self.scene, fonts: fonts, options: options(scale: 2))
        #expect((two.width, two.height) == (600, 400))
        // The 1-px baseline at y = 160.5 covers device rows 320 and 321 fully, and nothing else.
        for x in [100, 400] {
            #expect(two.pixel(x: x, y: 320) == .black && two.pixel(x: x, y: 321) == .black)
            #expect(two.pixel(x: x, y: 319) != .black && two.pixel(x: x, y: 322) != .black)
        }
        // The title's ink is twice as large, at twice the position.
        let title1 = try #require(inkBox(cropped(one, x: 0, y: 0, width: 150, height: 20)))
        let title2 = try #require(inkBox(cropped(two, x: 0, y: 0, width: 300, height: 40)))
        #expect(abs(title2.minX - 2 * title1.minX) <= 2 && abs(title2.maxX - 2 * title1.maxX) <= 3)
        #expect(abs((title2.maxY - title2.minY) - 2 * (title1.maxY - title1.minY)) <= 3)
        // The data line (drawn by the hand-written rasterizer) is scaled too: at scene x = 150
        // its peak is at y = 60, so device row 120 at column 300 is blue-ish.
        let peak = two.pixel(x: 300, y: 120)
        #expect(peak.b > peak.r + 60, "\(peak)")
        // Same picture: the 2× image reduced to 1× is close to the 1× image.
        let reduced = halve(two)
        let diff = try #require(VectorRoundTrip.compare(one, reduced, channelTolerance: 64))
        #expect(diff.fraction < 0.03, "\(diff)")
    }

    @Test func scaledVectorOutput() throws {
        let svg = String(decoding: try Rasterizer.encode(Self.scene, as: .svg, fonts: fonts, options: options(scale: 2)), as: UTF8.self)
        #expect(svg.contains(#"width="600px""#))
        let pdf = String(decoding: try Rasterizer.encode(Self.scene, as: .pdf, fonts: fonts, options: options(scale: 2)), as: UTF8.self)
        #expect(pdf.contains("/MediaBox [ 0 0 600 400 ]"))
    }

    @Test(arguments: [0, -1, 0.1, 5, Double.nan, Double.infinity])
    func invalidScalesThrow(_ scale: Double) throws {
        for format in OutputFormat.allCases {
            #expect {
                try Rasterizer.encode(Self.scene, as: format, fonts: fonts, options: options(scale: scale))
            } throws: { error in
                (error as? RasterError) == .invalidScale(scale) || scale.isNaN
            }
        }
    }

    @Test func largeScenesNeedARaisedLimit() throws {
        let big = Scene(size: Size(width: 3000, height: 100), background: .white, items: [])
        #expect(throws: RasterError.self) { try Rasterizer.render(big, fonts: fonts) }
        let image = try Rasterizer.render(big, fonts: fonts, options: RasterOptions(maxSceneSide: Rasterizer.maxComposedDimension))
        #expect(image.width == 3000)
        // Scaled output is bounded too.
        let huge = Scene(size: Size(width: 9000, height: 9000), background: .white, items: [])
        #expect(throws: RasterError.self) {
            try Rasterizer.render(huge, fonts: fonts, options: RasterOptions(scale: 2, maxSceneSide: Rasterizer.maxComposedDimension))
        }
    }

    func cropped(_ image: RasterImage, x: Int, y: Int, width: Int, height: Int) -> RasterImage {
        var out = RasterImage(width: width, height: height, fill: .white)
        for yy in 0..<height { for xx in 0..<width { out.setPixel(x: xx, y: yy, image.pixel(x: x + xx, y: y + yy)) } }
        return out
    }

    /// Box-filters a 2× image down to 1×.
    func halve(_ image: RasterImage) -> RasterImage {
        var out = RasterImage(width: image.width / 2, height: image.height / 2, fill: .white)
        for y in 0..<out.height {
            for x in 0..<out.width {
                let p = [image.pixel(x: 2 * x, y: 2 * y), image.pixel(x: 2 * x + 1, y: 2 * y),
                         image.pixel(x: 2 * x, y: 2 * y + 1), image.pixel(x: 2 * x + 1, y: 2 * y + 1)]
                func avg(_ f: (RGBA) -> UInt8) -> UInt8 { UInt8(p.map { Int(f($0)) }.reduce(0, +) / 4) }
                out.setPixel(x: x, y: y, RGBA(r: avg(\.r), g: avg(\.g), b: avg(\.b)))
            }
        }
        return out
    }
}
