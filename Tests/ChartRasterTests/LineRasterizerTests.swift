import Foundation
import ChartCore
import ChartRaster
import ChartScene
import Testing

/// The hand-written rasterizer behind solid data lines (see `LineRasterizer`).
@Suite struct LineRasterizerTests {
    func line(_ points: [Point?], width: Double = 1.5, color: RGBA = blue) -> SceneItem {
        .polyline(points: points, stroke: Stroke(color: color, width: width))
    }

    @Test func coverageIsExactAtTheCentreAndZeroOutside() throws {
        let image = try render([line([Point(x: 10, y: 50.5), Point(x: 90, y: 50.5)], width: 1)])
        #expect(image.pixel(x: 50, y: 50) == blue)            // fully covered row
        #expect(image.pixel(x: 50, y: 49) == .white)          // one pixel off a 1-px line
        #expect(image.pixel(x: 50, y: 51) == .white)
        // A 1.5-px line centred on a pixel boundary half-covers the rows on both sides... exactly.
        let half = try render([line([Point(x: 10, y: 50), Point(x: 90, y: 50)], width: 1)])
        let p = half.pixel(x: 50, y: 50)
        #expect(abs(Int(p.r) - (255 + 0x1f) / 2) <= 1 && abs(Int(p.b) - (255 + 0xb4) / 2) <= 1)
    }

    @Test func jointsAreNeverBlendedTwice() throws {
        // Going back over the same segment (or any overlap within one polyline) must not darken.
        let once = try render([line([Point(x: 10, y: 30), Point(x: 90, y: 70)], color: blue.withOpacity(0.5))])
        let twice = try render([line([Point(x: 10, y: 30), Point(x: 90, y: 70), Point(x: 10, y: 30)], color: blue.withOpacity(0.5))])
        #expect(once == twice)
        // Two separate polylines do blend (translucent colour composited twice).
        let separate = try render([
            line([Point(x: 10, y: 30), Point(x: 90, y: 70)], color: blue.withOpacity(0.5)),
            line([Point(x: 10, y: 30), Point(x: 90, y: 70)], color: blue.withOpacity(0.5)),
        ])
        #expect(separate != once)
    }

    @Test func matchesCairosStrokeClosely() throws {
        // The same zigzag through the line rasterizer and through Cairo (a dash that never gaps).
        // A data-like wave: points 4 px apart, smooth swings (dense hatching is where area
        // coverage and max coverage legitimately part; real series are reduced to ≤ 4 points
        // per pixel column before drawing).
        let points: [Point?] = (0..<24).map { i -> Point? in
            Point(x: 4 + Double(i) * 4, y: 50 + 30 * sin(Double(i) / 3))
        }
        let ours = try render([.polyline(points: points, stroke: Stroke(color: blue, width: 1.5))])
        let cairo = try render([.polyline(points: points, stroke: Stroke(color: blue, width: 1.5, dash: [100_000, 1]))])
        var differing = 0, worst = 0
        for y in 0..<100 {
            for x in 0..<100 {
                let a = ours.pixel(x: x, y: y), b = cairo.pixel(x: x, y: y)
                let dr = abs(Int(a.r) - Int(b.r)), dg = abs(Int(a.g) - Int(b.g)), db = abs(Int(a.b) - Int(b.b))
                let d = max(dr, max(dg, db))
                if d > 24 { differing += 1 }
                worst = max(worst, d)
            }
        }
        #expect(differing <= 15, "\(differing) pixels differ by more than 24, worst \(worst)")
    }

    @Test func steepAndFlatSegmentsAreDrawnAlike() throws {
        // Steep segments are walked down columns, flat ones along rows: a noisy polyline and its
        // mirror image across the diagonal must give mirrored pixels, bit for bit.
        let points: [Point?] = (0..<160).map { i -> Point? in
            let t = Double(i)
            let noise = Double((i * 37) % 11) * 1.3
            return Point(x: 5 + t * 0.55, y: 50 + 25 * sin(t / 9) + noise)
        }
        let mirrored = points.map { $0.map { Point(x: $0.y, y: $0.x) } }
        let a = try render([line(points, color: blue.withOpacity(0.8))])
        let b = try render([line(mirrored, color: blue.withOpacity(0.8))])
        var differing = 0
        for y in 0..<100 {
            for x in 0..<100 where a.premultipliedPixel(x: x, y: y) != b.premultipliedPixel(x: y, y: x) { differing += 1 }
        }
        #expect(differing == 0)
        #expect(inkBox(a) != nil)
    }

    @Test func respectsTheGroupClip() throws {
        let image = try render([
            .group(role: "plot", clip: Rect(x: 20, y: 0, width: 40, height: 100), items: [
                line([Point(x: 0, y: 50), Point(x: 100, y: 50)], width: 4),
            ]),
        ])
        #expect(image.pixel(x: 30, y: 50) == blue)
        #expect(image.pixel(x: 19, y: 50) == .white)
        #expect(image.pixel(x: 60, y: 50) == .white)
    }

    @Test func farAwayAndDegenerateSegmentsAreSafe() throws {
        let image = try render([
            line([Point(x: -1e6, y: 50), Point(x: 1e6, y: 50)], width: 2),
            line([Point(x: -1e300, y: 20), Point(x: 1e300, y: 80), Point(x: .nan, y: 1)], width: 2),
            line([Point(x: 30, y: 30), Point(x: 30, y: 30)], width: 4),      // zero length: a dot
            line([Point(x: 1e6, y: 1e6), Point(x: 2e6, y: 2e6)]),              // entirely outside
        ])
        #expect(image.pixel(x: 50, y: 50) == blue)
        #expect(image.pixel(x: 30, y: 30) == blue)
    }
}
