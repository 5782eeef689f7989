import ChartCore
import ChartRaster
import ChartScene
import Foundation
import Testing

@Suite struct PaintTests {
    @Test func backgroundFillsTheCanvas() throws {
        let dark = RGBA(r: 0x15, g: 0x19, b: 0x1E)
        let image = try render([], width: 30, height: 20, background: dark)
        #expect(image.width == 30 && image.height == 20)
        for (x, y) in [(0, 0), (29, 0), (0, 19), (29, 19), (15, 10)] { #expect(image.pixel(x: x, y: y) == dark) }
        #expect(image.isOpaque)
    }

    @Test func exactColoursAtKnownPixels() throws {
        let image = try render([
            .rect(rect: Rect(x: 10, y: 10, width: 30, height: 20), fill: blue, stroke: nil),
            .rule(from: Point(x: 10, y: 50), to: Point(x: 90, y: 50), stroke: Stroke(color: red, width: 6)),
            .area(top: [Point(x: 10, y: 60), Point(x: 50, y: 58), Point(x: 90, y: 60)],
                  base: [Point(x: 10, y: 90), Point(x: 90, y: 90)], fill: green),
            .dots(centers: [Point(x: 70, y: 20), Point(x: 85, y: 20)], radius: 5, fill: orange),
        ])
        #expect(image.pixel(x: 0, y: 0) == .white)
        #expect(image.pixel(x: 25, y: 20) == blue)       // rect inside
        #expect(image.pixel(x: 10, y: 10) == blue)       // rect corner pixel (fully covered)
        #expect(image.pixel(x: 40, y: 20) == .white)     // just right of the rect
        #expect(image.pixel(x: 50, y: 47) == red)        // 6 px rule covers rows 47…52
        #expect(image.pixel(x: 50, y: 50) == red)        // rule centre
        #expect(image.pixel(x: 50, y: 52) == red)
        #expect(image.pixel(x: 50, y: 45) == .white)
        #expect(image.pixel(x: 50, y: 75) == green)      // area inside
        #expect(image.pixel(x: 50, y: 95) == .white)     // below the area's base
        #expect(image.pixel(x: 70, y: 20) == orange)     // dot centre
        #expect(image.pixel(x: 85, y: 20) == orange)
        #expect(image.pixel(x: 77, y: 20) == .white)     // between the dots
    }

    @Test func translucentFillBlendsOverTheBackground() throws {
        let tint = green.withOpacity(0.35)
        let image = try render([.rect(rect: Rect(x: 0, y: 0, width: 50, height: 50), fill: tint, stroke: nil)])
        let p = image.pixel(x: 10, y: 10)
        let a = 0.35
        func expected(_ c: UInt8) -> Double { Double(c) * a + 255 * (1 - a) }
        #expect(p.a == 255)
        #expect(abs(Double(p.r) - expected(green.r)) <= 1.5)
        #expect(abs(Double(p.g) - expected(green.g)) <= 1.5)
        #expect(abs(Double(p.b) - expected(green.b)) <= 1.5)
    }

    @Test func rectStrokeAndFill() throws {
        let image = try render([
            .rect(rect: Rect(x: 20, y: 20, width: 60, height: 60), fill: blue, stroke: Stroke(color: red, width: 4)),
        ])
        #expect(image.pixel(x: 50, y: 50) == blue)
        #expect(image.pixel(x: 19, y: 50) == red)   // stroke straddles the edge: 18…22
        #expect(image.pixel(x: 21, y: 50) == red)
        #expect(image.pixel(x: 19, y: 19) == red)   // miter corner
        #expect(image.pixel(x: 17, y: 50) == .white)
    }

    @Test func dashedRuleLeavesGaps() throws {
        let image = try render([
            .rule(from: Point(x: 0, y: 50), to: Point(x: 100, y: 50), stroke: Stroke(color: blue, width: 2, dash: [10, 10])),
        ])
        #expect(image.pixel(x: 5, y: 50) == blue)
        #expect(image.pixel(x: 15, y: 50) == .white)
        #expect(image.pixel(x: 25, y: 50) == blue)
    }

    @Test func polylineNilPointLeavesAGap() throws {
        let image = try render([
            .polyline(points: [Point(x: 10, y: 50.5), Point(x: 30, y: 50.5), nil, Point(x: 60, y: 50.5), Point(x: 90, y: 50.5)],
                      stroke: Stroke(color: blue, width: 1)),
        ])
        #expect(image.pixel(x: 20, y: 50) == blue)
        #expect(image.pixel(x: 75, y: 50) == blue)
        for x in 32...58 { #expect(image.pixel(x: x, y: 50) == .white, "x = \(x)") }
    }

    @Test func nonFinitePointBreaksThePolylineLikeNil() throws {
        let points: [Point?] = [Point(x: 10, y: 20), Point(x: 40, y: 60), nil, Point(x: 60, y: 30), Point(x: 90, y: 80)]
        let withNaN = points.map { $0 ?? Point(x: .nan, y: 40) }
        let withInfinity = points.map { $0 ?? Point(x: 50, y: .infinity) }
        let stroke = Stroke(color: blue, width: 1.5)
        let reference = try render([.polyline(points: points, stroke: stroke)])
        #expect(try render([.polyline(points: withNaN, stroke: stroke)]) == reference)
        #expect(try render([.polyline(points: withInfinity, stroke: stroke)]) == reference)
    }

    @Test func solidLinesGetRoundCapsLongCairoStrokesButtCaps() throws {
        let stroke = Stroke(color: blue, width: 6)
        let manyPoints = (0..<Rasterizer.roundJoinPointLimit).map { Optional(Point(x: 10 + 50 * Double($0) / Double(Rasterizer.roundJoinPointLimit - 1), y: 50)) }
        // Solid data lines (the line rasterizer) always have round caps, however many points.
        let solid = try render([.polyline(points: manyPoints, stroke: stroke)])
        #expect(solid.pixel(x: 35, y: 50) == blue)
        #expect(solid.pixel(x: 61, y: 50) == blue)   // round cap, radius 3
        // Dashed lines go through Cairo: round caps when short, butt caps from 2,000 points on.
        let dashed = Stroke(color: blue, width: 6, dash: [1000, 1])
        let short = try render([.polyline(points: [Point(x: 10, y: 50), Point(x: 60, y: 50)], stroke: dashed)])
        let long = try render([.polyline(points: manyPoints, stroke: dashed)])
        #expect(short.pixel(x: 61, y: 50) == blue)
        #expect(long.pixel(x: 35, y: 50) == blue)
        #expect(long.pixel(x: 61, y: 50) == .white)  // butt cap ends at x = 60
    }

    @Test func groupClipsItsChildrenAndRestores() throws {
        let image = try render([
            .group(role: "plot", clip: Rect(x: 20, y: 20, width: 40, height: 40), items: [
                .rect(rect: Rect(x: 0, y: 0, width: 100, height: 100), fill: red, stroke: nil),
            ]),
            .rect(rect: Rect(x: 70, y: 70, width: 10, height: 10), fill: blue, stroke: nil),
        ])
        #expect(image.pixel(x: 10, y: 10) == .white)
        #expect(image.pixel(x: 20, y: 20) == red)
        #expect(image.pixel(x: 59, y: 59) == red)
        #expect(image.pixel(x: 60, y: 60) == .white)
        #expect(image.pixel(x: 75, y: 75) == blue)  // after the group: no clip
    }

    @Test func nestedGroupsIntersectTheirClips() throws {
        let image = try render([
            .group(role: "outer", clip: Rect(x: 0, y: 0, width: 50, height: 100), items: [
                .group(role: "inner", clip: Rect(x: 25, y: 0, width: 75, height: 100), items: [
                    .rect(rect: Rect(x: 0, y: 0, width: 100, height: 100), fill: green, stroke: nil),
                ]),
                .rect(rect: Rect(x: 0, y: 80, width: 100, height: 20), fill: blue, stroke: nil),
            ]),
        ])
        #expect(image.pixel(x: 10, y: 10) == .white)
        #expect(image.pixel(x: 30, y: 10) == green)
        #expect(image.pixel(x: 60, y: 10) == .white)
        #expect(image.pixel(x: 10, y: 90) == blue)
        #expect(image.pixel(x: 60, y: 90) == .white)
    }

    @Test func warningTriangleIsOrangeWithAWhiteExclamationMark() throws {
        let image = try render([.icon(icon: .warningTriangle, center: Point(x: 50, y: 50), size: 28)])
        // Equilateral, 28 wide, ≈ 24.2 tall, centred on (50, 50): y from ≈ 37.9 to ≈ 62.1.
        #expect(image.pixel(x: 42, y: 58) == warningOrange)
        #expect(image.pixel(x: 58, y: 58) == warningOrange)
        #expect(image.pixel(x: 50, y: 36) == .white)        // above the apex
        #expect(image.pixel(x: 50, y: 63) == .white)        // below the base
        #expect(image.pixel(x: 37, y: 50) == .white)        // left of the slanted edge
        // The "!" stem, centred horizontally.
        #expect(image.pixel(x: 49, y: 48) == .white)
        #expect(image.pixel(x: 50, y: 48) == .white)
        // Inside the triangle the centre column is: orange, white stem, orange gap, white dot, orange.
        let column = (41...61).map { image.pixel(x: 50, y: $0) }
        #expect(column.split(whereSeparator: { $0 != .white }).count == 2, "stem and dot")
        #expect(column.first == warningOrange && column.last == warningOrange)
        let box = try #require(inkBox(image, threshold: 8))
        #expect(abs(Double(box.minX + box.maxX + 1) / 2 - 50) <= 0.5)
        #expect(box.maxX - box.minX + 1 >= 27 && box.maxX - box.minX + 1 <= 29)
    }

    @Test func warningTriangleAtTheSpecSize() throws {
        let image = try render([.icon(icon: .warningTriangle, center: Point(x: 10, y: 10), size: 14)], width: 20, height: 20)
        let box = try #require(inkBox(image, threshold: 8))
        #expect(box.maxX - box.minX + 1 >= 14 && box.maxX - box.minX + 1 <= 15)
        #expect(image.pixel(x: 6, y: 14) == warningOrange)
        // Some of the "!" is (near) white inside the orange body.
        let stem = (7...13).map { image.pixel(x: 10, y: $0) }
        #expect(stem.contains(where: { $0.r > 240 && $0.g > 230 && $0.b > 200 }))
    }
}

@Suite struct TextTests {
    static let font = FontSpec(size: 14)

    func ink(_ run: TextRun, width: Double = 200, height: Double = 200) throws -> (minX: Int, minY: Int, maxX: Int, maxY: Int) {
        try #require(inkBox(try render([.text(run)], width: width, height: height)))
    }

    @Test func alignmentPlacesTheRunAroundTheAnchor() throws {
        let text = "Hamburgefonstiv"
        let width = try FontMeasurer.bundled().measure(text, font: Self.font).width
        let middle = try ink(TextRun(text: text, anchor: Point(x: 100, y: 100), font: Self.font, color: .black, align: .middle))
        #expect(abs(Double(middle.minX + middle.maxX + 1) / 2 - 100) <= 1.5)
        #expect(abs(Double(middle.maxX - middle.minX + 1) - width) <= 3)
        let start = try ink(TextRun(text: text, anchor: Point(x: 20, y: 100), font: Self.font, color: .black, align: .start))
        #expect(start.minX >= 20 && start.minX <= 22)
        let end = try ink(TextRun(text: text, anchor: Point(x: 180, y: 100), font: Self.font, color: .black, align: .end))
        #expect(end.maxX <= 180 && end.maxX >= 177)
    }

    @Test func baselinesUseFontAscentAndDescent() throws {
        func box(_ baseline: TextBaseline, _ text: String = "Hg") throws -> (minX: Int, minY: Int, maxX: Int, maxY: Int) {
            try ink(TextRun(text: text, anchor: Point(x: 20, y: 100), font: Self.font, color: .black, baseline: baseline))
        }
        let alphabetic = try box(.alphabetic, "HHH")
        #expect(alphabetic.maxY == 99)                        // sits on the baseline y = 100
        let top = try box(.top)
        #expect(top.minY >= 100 && top.minY <= 104)           // ascent top at the anchor, caps a bit lower
        let bottom = try box(.bottom)
        #expect(bottom.maxY <= 99 && bottom.maxY >= 96)       // descent bottom at the anchor
        let middle = try box(.middle)
        #expect(middle.minY < 100 && middle.maxY > 100)
    }

    @Test func labelsOfOneRowShareABaseline() throws {
        // With glyph-ink centring "xz" and "HHH" would sit at different heights.
        let image = try render([
            .text(TextRun(text: "xz", anchor: Point(x: 10, y: 50), font: Self.font, color: .black, baseline: .middle)),
            .text(TextRun(text: "HHH", anchor: Point(x: 110, y: 50), font: Self.font, color: .black, baseline: .middle)),
        ], width: 200, height: 100)
        var left = image, right = image
        for y in 0..<100 {
            for x in 0..<200 { if x >= 100 { left.setPixel(x: x, y: y, .white) } else { right.setPixel(x: x, y: y, .white) } }
        }
        let a = try #require(inkBox(left)), h = try #require(inkBox(right))
        #expect(a.maxY == h.maxY)
        #expect(h.minY < a.minY)
    }

    @Test func rotatedRunIsTallerThanWideAndReadsUpwards() throws {
        let run = TextRun(text: "CPUUtilization (Percent)", anchor: Point(x: 50, y: 180), font: Self.font, color: .black,
                          align: .start, baseline: .middle, rotation: -90)
        let box = try ink(run)
        #expect(box.maxY - box.minY > 3 * (box.maxX - box.minX))
        #expect(box.maxY <= 181 && box.minY < 50)        // starts at the anchor, extends up
        #expect(abs(Double(box.minX + box.maxX + 1) / 2 - 50) <= 2)
        let down = try ink(TextRun(text: run.text, anchor: Point(x: 50, y: 20), font: Self.font, color: .black,
                                   align: .start, baseline: .middle, rotation: 90))
        #expect(down.minY >= 19 && down.maxY > 150)       // +90 reads downwards
    }

    @Test func textColourAndBoldAreUsed() throws {
        let regular = try render([.text(TextRun(text: "IIII", anchor: Point(x: 10, y: 50), font: FontSpec(size: 30), color: red))])
        let bold = try render([.text(TextRun(text: "IIII", anchor: Point(x: 10, y: 50), font: FontSpec(size: 30, bold: true), color: red))])
        func count(_ image: RasterImage) -> Int {
            image.argb32.filter { RasterImage.unpremultiply($0) == red }.count
        }
        #expect(count(regular) > 0)
        #expect(count(bold) > count(regular))
    }

    @Test func textAsBoxesCoversTheMeasuredBox() throws {
        let font = FontSpec(size: 20)
        let measured = try FontMeasurer.bundled().measure("Box", font: font)
        let image = try render([.text(TextRun(text: "Box", anchor: Point(x: 10, y: 50), font: font, color: .black))],
                               options: RasterOptions(textMode: .boxes))
        let box = try #require(inkBox(image, threshold: 128))
        #expect(box.minX == 10)
        #expect(abs(Double(box.maxX + 1 - 10) - measured.width) <= 1)
        #expect(abs(Double(50 - box.minY) - measured.ascent) <= 1)
        #expect(abs(Double(box.maxY + 1 - 50) - measured.descent) <= 1)
    }
}

@Suite struct DeterminismTests {
    static func sampleScene() -> Scene {
        var items: [SceneItem] = []
        for i in 0..<5 {
            let points = (0..<300).map { j -> Point? in
                j % 97 == 50 ? nil : Point(x: 40 + Double(j) * 1.8, y: 150 + 60 * sin(Double(j) / 20 + Double(i)))
            }
            items.append(.polyline(points: points, stroke: Stroke(color: [blue, orange, green, red, .black][i], width: 1.5)))
        }
        items.append(.area(top: (0..<50).map { Point(x: 40 + Double($0) * 11, y: 200 - Double($0 % 7) * 9) },
                           base: (0..<50).map { Point(x: 40 + Double($0) * 11, y: 260) }, fill: blue.withOpacity(0.25)))
        for i in 0..<10 {
            items.append(.text(TextRun(text: "label \(i) µs ±", anchor: Point(x: 40 + Double(i) * 50, y: 280),
                                       font: FontSpec(size: 11, bold: i % 2 == 0), color: .black, align: .middle, baseline: .top)))
        }
        items.append(.text(TextRun(text: "Axis", anchor: Point(x: 12, y: 150), font: FontSpec(size: 12), color: .black, align: .middle, rotation: -90)))
        items.append(.icon(icon: .warningTriangle, center: Point(x: 30, y: 20), size: 14))
        return Scene(size: Size(width: 600, height: 300), background: .white,
                     items: [.group(role: "plot", clip: Rect(x: 40, y: 10, width: 540, height: 250), items: items)])
    }

    @Test func renderingTwiceGivesIdenticalPixelsAndBytes() throws {
        let fonts = try FontLibrary.bundled()
        let scene = Self.sampleScene()
        let a = try Rasterizer.render(scene, fonts: fonts)
        let b = try Rasterizer.render(scene, fonts: fonts)
        #expect(a == b)
        #expect(try Rasterizer.encodePNG(a) == Rasterizer.encodePNG(b))
        #expect(try Rasterizer.renderPNG(scene, fonts: fonts) == Rasterizer.encodePNG(a))
        // A separately loaded library draws the same pixels.
        #expect(try Rasterizer.render(scene, fonts: FontLibrary(directory: fonts.directory)) == a)
    }

    @Test func concurrentRendersMatchSerial() throws {
        let fonts = try FontLibrary.bundled()
        let scene = Self.sampleScene()
        let reference = try Rasterizer.renderPNG(scene, fonts: fonts)
        let results = ResultsBox<[UInt8]>(count: 6)
        DispatchQueue.concurrentPerform(iterations: 6) { i in
            results.set(i, (try? Rasterizer.renderPNG(scene, fonts: fonts)) ?? [])
        }
        for i in 0..<6 { #expect(results.get(i) == reference) }
    }
}
