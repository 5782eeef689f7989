import ChartCore

/// Keeps geometry inside a range Cairo handles well.
///
/// Cairo stores coordinates as 24.8 fixed point (about ±8.4 million) and sizes arcs and
/// glyph transforms by the numbers it is given: a point at 1e12 or a dot with radius 1e30
/// can make it report errors or spend minutes in `cairo_arc`. Everything the rasterizer
/// draws is therefore limited to the box ±`limit` (50× the largest canvas). Inside the box
/// coordinates are used exactly as given; lines and areas that leave it are clipped to it,
/// which changes nothing visible.
enum SafeGeometry {
    static let limit = 100_000.0
    /// Strokes wider than this are drawn this wide (they cover the whole canvas anyway).
    static let maxStrokeWidth = 10_000.0
    /// Text larger than this is not drawn (Cairo would build glyph paths of that size).
    static let maxFontSize = 10_000.0

    static func contains(_ p: Point) -> Bool {
        p.x >= -limit && p.x <= limit && p.y >= -limit && p.y <= limit
    }

    static func clamp(_ v: Double) -> Double { min(limit, max(-limit, v)) }

    /// The part of segment a→b inside the box (Liang–Barsky), or nil. Endpoints inside the
    /// box are returned unchanged (bit for bit). Both points must be finite.
    static func clipSegment(_ a: Point, _ b: Point) -> (Point, Point)? {
        if contains(a) && contains(b) { return (a, b) }
        let dx = b.x - a.x, dy = b.y - a.y
        var t0 = 0.0, t1 = 1.0
        // Each edge as p·t ≤ q.
        let edges: [(p: Double, q: Double)] = [
            (-dx, a.x + limit), (dx, limit - a.x), (-dy, a.y + limit), (dy, limit - a.y),
        ]
        for (p, q) in edges {
            if p == 0 {
                if q < 0 { return nil }
            } else {
                let t = q / p
                if p < 0 {
                    if t > t1 { return nil }
                    if t > t0 { t0 = t }
                } else {
                    if t < t0 { return nil }
                    if t < t1 { t1 = t }
                }
            }
        }
        guard t0.isFinite, t1.isFinite else { return nil }
        let start = t0 == 0 ? a : Point(x: clamp(a.x + t0 * dx), y: clamp(a.y + t0 * dy))
        let end = t1 == 1 ? b : Point(x: clamp(a.x + t1 * dx), y: clamp(a.y + t1 * dy))
        guard start.x.isFinite, start.y.isFinite, end.x.isFinite, end.y.isFinite else { return nil }
        return (start, end)
    }

    /// A closed polygon clipped to the box (Sutherland–Hodgman). Unchanged when every
    /// vertex is inside. Vertices must be finite.
    static func clipPolygon(_ polygon: [Point]) -> [Point] {
        if polygon.allSatisfy(contains) { return polygon }
        var result = polygon
        // Inside tests and intersection for each of the four half-planes.
        let planes: [(inside: (Point) -> Bool, cut: (Point, Point) -> Point)] = [
            ({ $0.x >= -limit }, { a, b in intersectX(a, b, -limit) }),
            ({ $0.x <= limit }, { a, b in intersectX(a, b, limit) }),
            ({ $0.y >= -limit }, { a, b in intersectY(a, b, -limit) }),
            ({ $0.y <= limit }, { a, b in intersectY(a, b, limit) }),
        ]
        for plane in planes {
            guard let last = result.last else { return [] }
            var output: [Point] = []
            output.reserveCapacity(result.count + 4)
            var previous = last
            for current in result {
                let currentIn = plane.inside(current), previousIn = plane.inside(previous)
                if currentIn {
                    if !previousIn { output.append(plane.cut(previous, current)) }
                    output.append(current)
                } else if previousIn {
                    output.append(plane.cut(previous, current))
                }
                previous = current
            }
            result = output
        }
        return result.map { Point(x: clamp($0.x), y: clamp($0.y)) }
    }

    private static func intersectX(_ a: Point, _ b: Point, _ x: Double) -> Point {
        let t = (x - a.x) / (b.x - a.x)
        let y = a.y + t * (b.y - a.y)
        return Point(x: x, y: y.isFinite ? y : a.y)
    }

    private static func intersectY(_ a: Point, _ b: Point, _ y: Double) -> Point {
        let t = (y - a.y) / (b.y - a.y)
        let x = a.x + t * (b.x - a.x)
        return Point(x: x.isFinite ? x : a.x, y: y)
    }

    /// A rectangle with its edges clamped to the box (exact for axis-aligned rectangles),
    /// normalised to non-negative width and height.
    static func clampRect(_ r: Rect) -> Rect {
        let x0 = clamp(min(r.minX, r.maxX)), x1 = clamp(max(r.minX, r.maxX))
        let y0 = clamp(min(r.minY, r.maxY)), y1 = clamp(max(r.minY, r.maxY))
        return Rect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }
}
