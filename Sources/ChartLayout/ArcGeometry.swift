import ChartCore
import ChartScene
import Foundation

/// Circular shapes (pie slices, gauge arcs) as polygons the scene already knows how to fill:
/// an `.area` whose top is the outer arc and whose base is the inner arc (or the centre).
///
/// Angles are in degrees, counter-clockwise from 3 o'clock, as in visual spec §10.3; y grows
/// downwards on screen, so a point at angle θ is `(cx + r cos θ, cy − r sin θ)`. Arcs are
/// sampled every ≤ 1.5°, which is smooth to the eye at the sizes widgets allow (2000 px).
enum ArcGeometry {
    static let maxStepDegrees = 1.5

    static func point(_ center: Point, radius r: Double, degrees θ: Double) -> Point {
        let a = θ * Double.pi / 180
        return Point(x: center.x + r * cos(a), y: center.y - r * sin(a))
    }

    /// Points along the arc from `from` to `to` degrees (either direction), ends included.
    static func arc(_ center: Point, radius r: Double, from: Double, to: Double) -> [Point] {
        let steps = max(1, Int((abs(to - from) / maxStepDegrees).rounded(.up)))
        return (0...steps).map { point(center, radius: r, degrees: from + (to - from) * Double($0) / Double(steps)) }
    }

    /// The ring segment between `inner` and `outer` radius from `from` to `to` degrees.
    static func annulus(_ center: Point, inner: Double, outer: Double, from: Double, to: Double, fill: RGBA) -> SceneItem {
        .area(top: arc(center, radius: outer, from: from, to: to), base: arc(center, radius: inner, from: from, to: to), fill: fill)
    }

    /// A pie slice from `from` to `to` degrees.
    static func wedge(_ center: Point, radius: Double, from: Double, to: Double, fill: RGBA) -> SceneItem {
        .area(top: arc(center, radius: radius, from: from, to: to), base: [center], fill: fill)
    }
}
