import ChartCore
import ChartRaster
import ChartScene
import Foundation
import Testing

@Suite struct PNGTests {
    /// IHDR: signature (8) + length (4) + "IHDR" (4) + width (4) + height (4), then bit depth, colour type.
    func header(_ png: [UInt8]) -> (width: Int, height: Int, bitDepth: UInt8, colourType: UInt8) {
        func be32(_ at: Int) -> Int { png[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        return (be32(16), be32(20), png[24], png[25])
    }

    @Test func opaqueSceneEncodesAsRGBAndRoundTripsExactly() throws {
        let image = try Rasterizer.render(DeterminismTests.sampleScene(), fonts: FontLibrary.bundled())
        let png = try Rasterizer.encodePNG(image)
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let ihdr = header(png)
        #expect(ihdr.width == 600 && ihdr.height == 300)
        #expect(ihdr.bitDepth == 8)
        #expect(ihdr.colourType == 2)  // RGB
        let decoded = try RasterImage.decodePNG(png)
        #expect(decoded == image)
    }

    @Test func transparentBackgroundEncodesAsRGBAAndRoundTripsExactly() throws {
        let clear = RGBA(r: 0, g: 0, b: 0, a: 0)
        let image = try render([
            .rect(rect: Rect(x: 10, y: 10, width: 50, height: 30), fill: blue.withOpacity(0.4), stroke: Stroke(color: red.withOpacity(0.8), width: 1.5)),
            .polyline(points: [Point(x: 0, y: 90), Point(x: 50, y: 60), Point(x: 100, y: 95)], stroke: Stroke(color: green, width: 2.3)),
            .text(TextRun(text: "Alpha", anchor: Point(x: 50, y: 50), font: FontSpec(size: 13), color: .black, align: .middle)),
        ], background: clear)
        #expect(!image.isOpaque)
        #expect(image.pixel(x: 0, y: 0) == clear)
        let png = try Rasterizer.encodePNG(image)
        #expect(header(png).colourType == 6)  // RGBA
        let decoded = try RasterImage.decodePNG(png)
        #expect(decoded == image)  // premultiplied words identical: un-premultiply matches Cairo's
    }

    /// The default encoder writes the PNG container and its deflate stream itself. libpng's
    /// fastest useful settings (`settings: .fast`: zlib level 1, run-length strategy) also code
    /// only runs of one byte, but after filter UP on every row. The default's choice of SUB or
    /// UP per row usually makes its files smaller (up to 64 % on the golden images), but not
    /// always (5 % bigger on the benchmark's densest chart, 10 series × 100,000 points), so the
    /// default may be up to 10 % bigger. Against libdeflate, which also finds long-distance
    /// matches, see FlatPNGTests.
    @Test func defaultEncoderMatchesLibpngPixelsAndIsAboutAsSmallAsItsFastSettings() throws {
        let opaque = try Rasterizer.render(DeterminismTests.sampleScene(), fonts: FontLibrary.bundled())
        let points = (0..<600).map { i -> Point? in Point(x: Double(i) / 6, y: 50 + 40 * sin(Double(i) / 7) * cos(Double(i) / 31)) }
        let translucent = try render([
            .polyline(points: points, stroke: Stroke(color: blue.withOpacity(0.7), width: 1.5)),
            .text(TextRun(text: "Alpha", anchor: Point(x: 50, y: 20), font: FontSpec(size: 13), color: .black, align: .middle)),
        ], background: RGBA(r: 255, g: 255, b: 255, a: 90))
        for image in [opaque, translucent] {
            let ours = try Rasterizer.encodePNG(image)
            let libpng = try Rasterizer.encodePNG(image, settings: .fast)
            #expect(header(ours).colourType == header(libpng).colourType)
            #expect(try RasterImage.decodePNG(ours) == RasterImage.decodePNG(libpng))
            #expect(Double(ours.count) <= 1.1 * Double(libpng.count), "\(ours.count) bytes, libpng \(libpng.count)")
            // The chunk sequence: IHDR first, IEND (empty) last.
            #expect(Array(ours[12..<16]) == Array("IHDR".utf8))
            #expect(Array(ours.suffix(12)) == [0, 0, 0, 0] + Array("IEND".utf8) + [0xAE, 0x42, 0x60, 0x82])
        }
    }

    @Test func redAndBlueAreNotSwapped() throws {
        let image = try render([.rect(rect: Rect(x: 0, y: 0, width: 50, height: 100), fill: RGBA(r: 255, g: 0, b: 0), stroke: nil)])
        let decoded = try RasterImage.decodePNG(Rasterizer.encodePNG(image))
        #expect(decoded.pixel(x: 10, y: 10) == RGBA(r: 255, g: 0, b: 0))
        var translucent = RasterImage(width: 2, height: 1)
        translucent.setPixel(x: 0, y: 0, RGBA(r: 200, g: 10, b: 50, a: 128))
        translucent.setPixel(x: 1, y: 0, RGBA(r: 5, g: 100, b: 250, a: 255))
        let back = try RasterImage.decodePNG(Rasterizer.encodePNG(translucent))
        #expect(back == translucent)
        let p = back.pixel(x: 0, y: 0)
        #expect(p.a == 128 && abs(Int(p.r) - 200) <= 1 && abs(Int(p.g) - 10) <= 2 && abs(Int(p.b) - 50) <= 1)
        #expect(back.pixel(x: 1, y: 0) == RGBA(r: 5, g: 100, b: 250))
    }

    @Test func decodingGarbageThrows() throws {
        #expect(throws: RasterError.self) { try RasterImage.decodePNG([]) }
        #expect(throws: RasterError.self) { try RasterImage.decodePNG(Array("not a png at all".utf8)) }
        let png = try Rasterizer.encodePNG(render([]))
        #expect(throws: RasterError.self) { try RasterImage.decodePNG(Array(png.prefix(png.count / 2))) }
        var corrupt = png
        corrupt[40] ^= 0xFF
        #expect(throws: RasterError.self) { try RasterImage.decodePNG(corrupt) }
    }

    @Test func encodingAnEmptyImageThrows() {
        #expect(throws: RasterError.self) { try Rasterizer.encodePNG(RasterImage(width: 0, height: 0)) }
    }

    @Test func smallestAndLargestCanvases() throws {
        let tiny = try render([.rect(rect: Rect(x: 0, y: 0, width: 1, height: 1), fill: red, stroke: nil)], width: 1, height: 1)
        #expect(tiny.width == 1 && tiny.height == 1 && tiny.pixel(x: 0, y: 0) == red)
        let tinyPNG = try Rasterizer.encodePNG(tiny)
        #expect(header(tinyPNG).width == 1)
        #expect(try RasterImage.decodePNG(tinyPNG) == tiny)

        let points = (0..<2000).map { Optional(Point(x: Double($0), y: 1000 + 900 * sin(Double($0) / 50))) }
        let large = try render([
            .polyline(points: points, stroke: Stroke(color: blue, width: 1.5)),
            .text(TextRun(text: "2000 × 2000", anchor: Point(x: 1000, y: 100), font: FontSpec(size: 40), color: .black, align: .middle)),
        ], width: 2000, height: 2000)
        #expect(large.width == 2000 && large.height == 2000)
        #expect(large.pixel(x: 1999, y: 1999) == .white)
        let largePNG = try Rasterizer.encodePNG(large)
        #expect(header(largePNG).width == 2000 && header(largePNG).height == 2000)
        #expect(try RasterImage.decodePNG(largePNG) == large)
    }
}
