import ChartCore
import ChartRaster
import ChartScene
import Foundation
import Testing

@Suite struct RobustnessTests {
    @Test(arguments: [
        Size(width: 2001, height: 100), Size(width: 100, height: 2001), Size(width: 5000, height: 5000),
        Size(width: .nan, height: 100), Size(width: 100, height: .infinity), Size(width: -.infinity, height: 10),
        Size(width: -5, height: 100), Size(width: 100, height: 0), Size(width: 0.4, height: 10),
    ])
    func invalidCanvasSizesThrow(_ size: Size) throws {
        let scene = Scene(size: size, background: .white, items: [])
        #expect {
            try Rasterizer.render(scene, fonts: FontLibrary.bundled())
        } throws: { error in
            if case .invalidSize = error as? RasterError { return true }
            return false
        }
        #expect(throws: RasterError.self) { try Rasterizer.renderPNG(scene, fonts: FontLibrary.bundled()) }
    }

    @Test func limitsAreInclusive() throws {
        #expect(try Rasterizer.canvasSize(Size(width: 2000, height: 1)) == (2000, 1))
        #expect(try Rasterizer.canvasSize(Size(width: 599.6, height: 400.2)) == (600, 400))
    }

    static let nan = Double.nan
    static let badItems: [SceneItem] = [
        .rule(from: Point(x: nan, y: 0), to: Point(x: 10, y: 10), stroke: Stroke(color: .black)),
        .rule(from: Point(x: 0, y: 0), to: Point(x: 10, y: .infinity), stroke: Stroke(color: .black)),
        .polyline(points: [Point(x: nan, y: nan), nil, Point(x: .infinity, y: 3)], stroke: Stroke(color: .black)),
        .area(top: [Point(x: nan, y: 1)], base: [Point(x: 2, y: -.infinity)], fill: .black),
        .rect(rect: Rect(x: 0, y: 0, width: nan, height: 10), fill: .black, stroke: Stroke(color: .black)),
        .dots(centers: [Point(x: nan, y: 5)], radius: 3, fill: .black),
        .dots(centers: [Point(x: 5, y: 5)], radius: nan, fill: .black),
        .dots(centers: [Point(x: 5, y: 5)], radius: -2, fill: .black),
        .text(TextRun(text: "x", anchor: Point(x: nan, y: 5), font: FontSpec(size: 12), color: .black)),
        .text(TextRun(text: "x", anchor: Point(x: 5, y: 5), font: FontSpec(size: nan), color: .black)),
        .text(TextRun(text: "x", anchor: Point(x: 5, y: 5), font: FontSpec(size: 0), color: .black)),
        .text(TextRun(text: "x", anchor: Point(x: 5, y: 5), font: FontSpec(size: -4), color: .black)),
        .text(TextRun(text: "x", anchor: Point(x: 5, y: 5), font: FontSpec(size: 1e9), color: .black)),
        .text(TextRun(text: "x", anchor: Point(x: 5, y: 5), font: FontSpec(size: 12), color: .black, rotation: nan)),
        .icon(icon: .warningTriangle, center: Point(x: nan, y: 5), size: 14),
        .icon(icon: .warningTriangle, center: Point(x: 5, y: 5), size: nan),
        .icon(icon: .warningTriangle, center: Point(x: 5, y: 5), size: -14),
        .group(role: "bad clip", clip: Rect(x: nan, y: 0, width: 10, height: 10), items: [
            .rect(rect: Rect(x: 0, y: 0, width: 100, height: 100), fill: .black, stroke: nil),
        ]),
        .rule(from: Point(x: 0, y: 5), to: Point(x: 100, y: 5), stroke: Stroke(color: .black, width: nan)),
        .rule(from: Point(x: 0, y: 5), to: Point(x: 100, y: 5), stroke: Stroke(color: .black, width: -1)),
        .rule(from: Point(x: 0, y: 5), to: Point(x: 100, y: 5), stroke: Stroke(color: .black, width: 0)),
    ]

    @Test(arguments: badItems)
    func nonFiniteItemsAreSkipped(_ item: SceneItem) throws {
        let image = try render([item])
        #expect(image == RasterImage(width: 100, height: 100, fill: .white))
    }

    @Test func badItemsDoNotDisturbGoodOnes() throws {
        let good: [SceneItem] = [.rect(rect: Rect(x: 10, y: 10, width: 20, height: 20), fill: blue, stroke: nil)]
        #expect(try render(Self.badItems + good) == render(good))
    }

    @Test func invalidDashesDrawSolid() throws {
        let solid = try render([.rule(from: Point(x: 0, y: 50), to: Point(x: 100, y: 50), stroke: Stroke(color: red, width: 2))])
        for dash in [[0.0, 0.0], [-1.0, 4.0], [Double.nan, 2.0], [3.0, .infinity]] {
            let image = try render([.rule(from: Point(x: 0, y: 50), to: Point(x: 100, y: 50), stroke: Stroke(color: red, width: 2, dash: dash))])
            #expect(image == solid, "dash \(dash)")
        }
    }

    @Test(arguments: [1e6, 1e9, 1e15, 1e30, 1e300, Double.greatestFiniteMagnitude])
    func hugeCoordinatesNeitherFailNorHang(_ v: Double) throws {
        let stroke = Stroke(color: .black, width: 2)
        let items: [SceneItem] = [
            .rule(from: Point(x: -v, y: -v), to: Point(x: v, y: v), stroke: stroke),
            .polyline(points: [Point(x: 0, y: 0), Point(x: v, y: 10), Point(x: -v, y: 20), Point(x: 50, y: v)], stroke: stroke),
            .polyline(points: (0..<2500).map { Point(x: $0 % 2 == 0 ? Double($0) : v, y: 5) }, stroke: stroke),
            .area(top: [Point(x: -v, y: 0), Point(x: v, y: v)], base: [Point(x: -v, y: v), Point(x: v, y: -v)], fill: blue.withOpacity(0.3)),
            .rect(rect: Rect(x: -v, y: -v, width: v, height: v * 2), fill: green.withOpacity(0.3), stroke: stroke),
            .dots(centers: [Point(x: v, y: v), Point(x: 5, y: 5)], radius: v, fill: red.withOpacity(0.2)),
            .text(TextRun(text: "far", anchor: Point(x: v, y: -v), font: FontSpec(size: 12), color: .black, rotation: v)),
            .text(TextRun(text: "big", anchor: Point(x: 5, y: 50), font: FontSpec(size: min(v, 5000)), color: .black, rotation: v)),
            .icon(icon: .warningTriangle, center: Point(x: v, y: 5), size: v),
            .icon(icon: .warningTriangle, center: Point(x: 50, y: 50), size: v),
            .group(role: "far", clip: Rect(x: -v, y: -v, width: 2 * v, height: 2 * v), items: [
                .rule(from: Point(x: 0, y: 0), to: Point(x: v, y: 1), stroke: Stroke(color: .black, width: v, dash: [v, 1])),
            ]),
        ]
        let start = Date()
        for item in items { _ = try render([item]) }
        _ = try render(items)
        #expect(Date().timeIntervalSince(start) < 10)
    }

    @Test func linesToFarPointsKeepTheirDirection() throws {
        let stroke = Stroke(color: .black, width: 1.5)
        // Clipping to the safe box must not bend lines: these pairs are the same lines.
        #expect(try render([.rule(from: Point(x: 0, y: 0), to: Point(x: 1e12, y: 1e12), stroke: stroke)])
            == render([.rule(from: Point(x: 0, y: 0), to: Point(x: 1000, y: 1000), stroke: stroke)]))
        // Same ray, one end far outside the safe box (clipped), the other inside it (not clipped).
        let far = try render([.polyline(points: [Point(x: 10, y: 50), Point(x: 30, y: 80), Point(x: 30 + 1e8, y: 80 - 1e9)], stroke: stroke)])
        let near = try render([.polyline(points: [Point(x: 10, y: 50), Point(x: 30, y: 80), Point(x: 30 + 1e3, y: 80 - 1e4)], stroke: stroke)])
        #expect(far == near)
        // Leaving the box and coming back draws both visible pieces.
        let outAndBack = try render([.polyline(points: [Point(x: 10, y: 50), Point(x: 20, y: -1e9), Point(x: 30, y: 50)], stroke: stroke)])
        let pieces = try render([.polyline(points: [Point(x: 10, y: 50), Point(x: 20, y: -1e9)], stroke: stroke),
                                 .polyline(points: [Point(x: 20, y: -1e9), Point(x: 30, y: 50)], stroke: stroke)])
        #expect(outAndBack == pieces)
        #expect(outAndBack.pixel(x: 10, y: 5) != .white && outAndBack.pixel(x: 30, y: 5) != .white)
        #expect(try render([.area(top: [Point(x: 0, y: 50), Point(x: 1e10, y: 50)], base: [Point(x: 0, y: 100), Point(x: 1e10, y: 100)], fill: blue)])
            == render([.rect(rect: Rect(x: 0, y: 50, width: 100, height: 50), fill: blue, stroke: nil)]))
    }

    @Test func deeplyNestedGroupsDoNotOverflow() throws {
        var item = SceneItem.rect(rect: Rect(x: 0, y: 0, width: 10, height: 10), fill: red, stroke: nil)
        for i in 0..<1000 { item = .group(role: "g\(i)", clip: nil, items: [item]) }
        let image = try render([item])
        #expect(image.pixel(x: 5, y: 5) == .white)  // deeper than the group limit: not drawn
        var shallow = SceneItem.rect(rect: Rect(x: 0, y: 0, width: 10, height: 10), fill: red, stroke: nil)
        for i in 0..<100 { shallow = .group(role: "g\(i)", clip: nil, items: [shallow]) }
        #expect(try render([shallow]).pixel(x: 5, y: 5) == red)
    }

    @Test func emptyAndOddItems() throws {
        let blank = RasterImage(width: 100, height: 100, fill: .white)
        #expect(try render([
            .polyline(points: [], stroke: Stroke(color: .black)),
            .polyline(points: [nil, nil], stroke: Stroke(color: .black)),
            .area(top: [], base: [], fill: .black),
            .dots(centers: [], radius: 3, fill: .black),
            .text(TextRun(text: "", anchor: Point(x: 5, y: 5), font: FontSpec(size: 12), color: .black)),
            .group(role: "empty", clip: nil, items: []),
            .rect(rect: Rect(x: 10, y: 10, width: 20, height: 20), fill: nil, stroke: nil),
            .text(TextRun(text: "invisible", anchor: Point(x: 5, y: 50), font: FontSpec(size: 12), color: RGBA(r: 0, g: 0, b: 0, a: 0))),
        ]) == blank)
        // A rectangle with negative width is the same rectangle drawn from the other side.
        #expect(try render([.rect(rect: Rect(x: 60, y: 10, width: -40, height: 20), fill: blue, stroke: nil)])
            == render([.rect(rect: Rect(x: 20, y: 10, width: 40, height: 20), fill: blue, stroke: nil)]))
        // Text with an embedded NUL or unusual scalars does not fail.
        _ = try render([.text(TextRun(text: "a\u{0}b \u{1F600} ∑ \u{202E}x", anchor: Point(x: 5, y: 50), font: FontSpec(size: 12), color: .black))])
    }
}

enum PixelDiffProbe {
    static func differing(_ a: RasterImage, _ b: RasterImage) -> Int? {
        guard a.width == b.width, a.height == b.height else { return nil }
        return zip(a.argb32, b.argb32).filter { $0 != $1 }.count
    }
}
