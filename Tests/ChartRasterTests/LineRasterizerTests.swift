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
    /// The coverage rule written out the slow way: for each pixel centre, the distance to the
    /// nearest segment of the polyline, coverage `clamp(width/2 + 0.5 − d, 0, 1)`, blended once.
    func reference(_ points: [Point], width: Double, color: RGBA, size: Int, clip: (Int, Int, Int, Int)? = nil) -> [[RGBA]] {
        let r = width / 2 + 0.5
        let alpha = Double(color.a) / 255
        func distance(_ p: Point, _ a: Point, _ b: Point) -> Double {
            let dx = b.x - a.x, dy = b.y - a.y
            let l2 = dx * dx + dy * dy
            let t = l2 > 0 ? min(1, max(0, ((p.x - a.x) * dx + (p.y - a.y) * dy) / l2)) : 0
            let ex = p.x - (a.x + t * dx), ey = p.y - (a.y + t * dy)
            return (ex * ex + ey * ey).squareRoot()
        }
        return (0..<size).map { y in
            (0..<size).map { x in
                if let (x0, y0, x1, y1) = clip, !(x >= x0 && x < x1 && y >= y0 && y < y1) { return RGBA.white }
                let centre = Point(x: Double(x) + 0.5, y: Double(y) + 0.5)
                var d = Double.infinity
                for k in 1..<points.count { d = min(d, distance(centre, points[k - 1], points[k])) }
                let a = min(1, max(0, r - d)) * alpha
                func mix(_ c: UInt8) -> UInt8 { UInt8((Double(c) * a + 255 * (1 - a)).rounded()) }
                return RGBA(r: mix(color.r), g: mix(color.g), b: mix(color.b))
            }
        }
    }

    @Test(arguments: [1.0, 1.5, 2.0, 3.0])
    func everyPixelFollowsTheCoverageRule(width: Double) throws {
        // A seeded random walk with steep, flat, diagonal, zero-length and back-tracking
        // segments, translucent so that any pixel blended twice would show.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15 &+ UInt64(width * 8)
        func random() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        var points = [Point(x: 5, y: 50)]
        for k in 0..<70 {
            let last = points[points.count - 1]
            let step: Point
            switch k % 5 {
            case 0: step = Point(x: 0.4, y: (random() - 0.5) * 60)      // steep
            case 1: step = Point(x: random() * 9, y: (random() - 0.5) * 2) // flat
            case 2: step = Point(x: (random() - 0.5) * 8, y: (random() - 0.5) * 8)
            case 3: step = Point(x: 0, y: 0)                              // zero length
            default: step = Point(x: random() * 3, y: (random() - 0.5) * 30)
            }
            points.append(Point(x: min(95, max(3, last.x + step.x)), y: min(97, max(3, last.y + step.y))))
        }
        let color = blue.withOpacity(0.6)
        let image = try render([line(points, width: width, color: color)])
        let expected = reference(points, width: width, color: color, size: 100)
        var worst = 0
        for y in 0..<100 {
            for x in 0..<100 {
                let a = image.pixel(x: x, y: y), b = expected[y][x]
                worst = max(worst, abs(Int(a.r) - Int(b.r)), abs(Int(a.g) - Int(b.g)), abs(Int(a.b) - Int(b.b)))
            }
        }
        #expect(worst <= 1, "a channel differs from the coverage rule by \(worst)")
    }

    @Test func clippedSteepAndFlatRunsStopAtTheClip() throws {
        let points = [Point(x: 10, y: 5), Point(x: 12, y: 95), Point(x: 90, y: 60), Point(x: 30, y: 61), Point(x: 31, y: 4)]
        let clip = (23, 17, 71, 83)
        let image = try render([
            .group(role: "plot", clip: Rect(x: 23, y: 17, width: 48, height: 66), items: [line(points, width: 2)]),
        ])
        let expected = reference(points, width: 2, color: blue, size: 100, clip: clip)
        var worst = 0
        for y in 0..<100 {
            for x in 0..<100 {
                let a = image.pixel(x: x, y: y), b = expected[y][x]
                worst = max(worst, abs(Int(a.r) - Int(b.r)), abs(Int(a.g) - Int(b.g)), abs(Int(a.b) - Int(b.b)))
            }
        }
        #expect(worst <= 1)
    }

    @Test func reusedBuffersStartClean() throws {
        // Renders reuse the rasterizer's buffers (a few spares kept by size): drawing a busy
        // chart, then other sizes, then the same blank canvas must leave no trace behind.
        let busy: [SceneItem] = (0..<8).map { k in
            line((0..<120).map { i in Point(x: Double(i) * 0.8, y: 50 + 40 * sin(Double(i * (k + 1)) / 7)) }, width: 2)
        }
        let first = try render(busy)
        for size in [100.0, 37, 100, 250, 100] {
            let blank = try render([], width: size, height: size)
            #expect((0..<Int(size)).allSatisfy { y in (0..<Int(size)).allSatisfy { x in blank.pixel(x: x, y: y) == .white } })
            _ = try render(busy, width: size, height: size)
        }
        #expect(try render(busy) == first)
    }
}

