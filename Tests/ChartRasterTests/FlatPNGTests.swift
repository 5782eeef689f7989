import ChartCore
import ChartRaster
import ChartScene
import Foundation
import Testing

/// The default PNG writer (`Rasterizer.encodePNG(_:)`), which compresses by hand: exact round
/// trips through Cairo's decoder on every kind of content and size, and file sizes against the
/// libdeflate writer it replaced as the default. (scripts/png-fuzz.sh runs many more random
/// images through the C code under sanitizers.)
@Suite struct FlatPNGTests {
    /// Colour type from IHDR (signature 8, length 4, "IHDR" 4, width 4, height 4, depth 1).
    func colourType(_ png: [UInt8]) -> UInt8 { png[25] }

    /// A deterministic pseudo-random image: opaque noise, or noise with every alpha.
    func noise(width: Int, height: Int, opaque: Bool, seed: UInt64) -> RasterImage {
        var state = seed
        func next() -> UInt64 {  // SplitMix64
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        let words = (0..<width * height).map { _ -> UInt32 in
            let r = next()
            let colour = RGBA(r: UInt8(truncatingIfNeeded: r), g: UInt8(truncatingIfNeeded: r >> 8),
                              b: UInt8(truncatingIfNeeded: r >> 16), a: opaque ? 255 : UInt8(truncatingIfNeeded: r >> 24))
            return RasterImage.premultiply(colour)
        }
        return RasterImage(width: width, height: height, argb32: words)
    }

    /// Ten jittery series over a grid, with labels: the kind of chart the HTTP service renders most.
    func lineChart(background: RGBA = .white) throws -> RasterImage {
        var items: [SceneItem] = []
        for y in stride(from: 40.0, through: 360, by: 40) {
            items.append(.polyline(points: [Point(x: 50, y: y), Point(x: 590, y: y)], stroke: Stroke(color: RGBA(r: 0xE0, g: 0xE0, b: 0xE0), width: 1)))
        }
        let colours = [blue, orange, green, red, RGBA(r: 0x94, g: 0x67, b: 0xBD), RGBA(r: 0x8C, g: 0x56, b: 0x4B),
                       RGBA(r: 0xE3, g: 0x77, b: 0xC2), RGBA(r: 0x7F, g: 0x7F, b: 0x7F), RGBA(r: 0xBC, g: 0xBD, b: 0x22), RGBA(r: 0x17, g: 0xBE, b: 0xCF)]
        for s in 0..<10 {
            let points = (0..<1440).map { i -> Point? in
                let wobble = 30 * sin(Double(i) / (40 + Double(s))) + Double((i * 7919 + s * 104_729) % 97) / 4
                return Point(x: 50 + Double(i) * 540 / 1440, y: 330 - Double(s % 7) * 30 - wobble)
            }
            items.append(.polyline(points: points, stroke: Stroke(color: colours[s], width: 1.5)))
        }
        for i in 0..<10 {
            items.append(.text(TextRun(text: "host-\(i)", anchor: Point(x: 60 + Double(i) * 54, y: 380), font: FontSpec(size: 11),
                                       color: .black, align: .start, baseline: .top)))
        }
        items.append(.text(TextRun(text: "Load per host", anchor: Point(x: 300, y: 8), font: FontSpec(size: 14, bold: true),
                                   color: .black, align: .middle, baseline: .top)))
        return try render(items, width: 600, height: 400, background: background)
    }

    @Test func opaqueChartsRoundTripAsRGB() throws {
        for image in [try lineChart(), try Rasterizer.render(DeterminismTests.sampleScene(), fonts: FontLibrary.bundled())] {
            #expect(image.isOpaque)
            let png = try Rasterizer.encodePNG(image)
            #expect(colourType(png) == 2)
            #expect(try RasterImage.decodePNG(png) == image)
        }
    }

    @Test func transparentChartRoundTripsAsRGBA() throws {
        let image = try lineChart(background: RGBA(r: 0, g: 0, b: 0, a: 0))
        #expect(!image.isOpaque)
        let png = try Rasterizer.encodePNG(image)
        #expect(colourType(png) == 6)
        #expect(try RasterImage.decodePNG(png) == image)
    }

    /// Noise has no runs: the writer falls back to stored blocks, so the file is the filtered
    /// rows plus a few bytes of framing, never more.
    @Test func noiseRoundTripsAndIsNotExpanded() throws {
        for opaque in [true, false] {
            let image = noise(width: 211, height: 97, opaque: opaque, seed: opaque ? 1 : 2)
            let png = try Rasterizer.encodePNG(image)
            #expect(colourType(png) == (opaque ? 2 : 6))
            #expect(try RasterImage.decodePNG(png) == image)
            let filtered = image.height * (image.width * (opaque ? 3 : 4) + 1)
            // Signature, IHDR, IDAT and IEND framing (57), zlib header and checksum (6), 5 bytes per stored block.
            #expect(png.count <= filtered + 57 + 6 + 5 * (filtered / 65535 + 1), "\(png.count) bytes for \(filtered) filtered")
        }
    }

    /// Sizes around the writer's four-pixel steps, single rows and columns, and mixed content
    /// (flat areas with noisy patches, so runs, literals and every filter choice meet).
    @Test func edgeSizesRoundTrip() throws {
        let sizes = [(1, 1), (1, 300), (300, 1), (2, 2), (3, 5), (4, 4), (5, 3), (7, 9), (257, 3), (3, 257)]
        for (k, (width, height)) in sizes.enumerated() {
            for opaque in [true, false] {
                var image = noise(width: width, height: height, opaque: opaque, seed: UInt64(100 + k))
                let flat = RasterImage(width: width, height: height, fill: opaque ? .white : RGBA(r: 10, g: 20, b: 30, a: 128))
                // Keep noise in a band of columns and rows only.
                var words = flat.argb32
                for y in 0..<height {
                    for x in 0..<width where x % 11 < 3 || y % 13 == 5 { words[y * width + x] = image.argb32[y * width + x] }
                }
                image = RasterImage(width: width, height: height, argb32: words)
                for candidate in [image, flat] {
                    let png = try Rasterizer.encodePNG(candidate)
                    #expect(try RasterImage.decodePNG(png) == candidate, "\(width)×\(height), opaque \(opaque)")
                }
            }
        }
    }

    /// The flat writer gives up the long-distance matches a general compressor finds (repeated
    /// glyphs and line shapes, mostly), and wins some back by choosing SUB or UP per row. On
    /// Graphshot's line-chart goldens and benchmark charts its files are from 20 % smaller to
    /// 36 % bigger than libdeflate's level 1 (10 series × 1,440 points: 12 % bigger); on
    /// text-heavy tables up to 1.9× bigger. Both decode to the same pixels.
    @Test func fileIsWithinAQuarterOfLibdeflateOnLineCharts() throws {
        let charts = [try lineChart(), try Rasterizer.render(DeterminismTests.sampleScene(), fonts: FontLibrary.bundled()),
                      try lineChart(background: RGBA(r: 0, g: 0, b: 0, a: 0))]
        for image in charts {
            let flat = try Rasterizer.encodePNG(image)
            let libdeflate = try Rasterizer.encodePNGWithLibdeflate(image)
            #expect(colourType(flat) == colourType(libdeflate))
            #expect(try RasterImage.decodePNG(libdeflate) == image)
            #expect(Double(flat.count) <= 1.25 * Double(libdeflate.count), "flat \(flat.count) bytes, libdeflate \(libdeflate.count)")
        }
    }

    @Test func outputIsDeterministic() throws {
        let image = try lineChart()
        #expect(try Rasterizer.encodePNG(image) == Rasterizer.encodePNG(image))
    }
}
