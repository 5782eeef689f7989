import ChartCore

/// A laid-out image as plain data: what to draw, where, in which colour.
///
/// Produced by `ChartLayout`, consumed by `ChartRaster`. It is `Codable` so tests can
/// compare scenes as JSON without rendering pixels, and the CLI can dump it
/// (`graphshot render --dump-scene`).
public struct Scene: Codable, Sendable, Equatable {
    /// Canvas size in pixels.
    public var size: Size
    public var background: RGBA
    /// Items in paint order (first is painted first, i.e. bottom-most).
    public var items: [SceneItem]

    public init(size: Size, background: RGBA, items: [SceneItem]) {
        self.size = size; self.background = background; self.items = items
    }
}

/// How a line is stroked.
public struct Stroke: Codable, Sendable, Equatable {
    public var color: RGBA
    public var width: Double
    /// Dash lengths in pixels; empty for a solid line.
    public var dash: [Double]

    public init(color: RGBA, width: Double = 1, dash: [Double] = []) {
        self.color = color; self.width = width; self.dash = dash
    }
}

/// Font used for a text run. Graphshot ships one regular and one bold face.
public struct FontSpec: Codable, Sendable, Equatable, Hashable {
    /// Size in pixels (the em size).
    public var size: Double
    public var bold: Bool
    public init(size: Double, bold: Bool = false) { self.size = size; self.bold = bold }
}

/// Horizontal placement of text relative to its anchor point.
public enum TextAlign: String, Codable, Sendable, Equatable {
    case start, middle, end
}

/// Vertical placement of text relative to its anchor point.
public enum TextBaseline: String, Codable, Sendable, Equatable {
    /// The anchor is the top of the text's ascent.
    case top
    /// The anchor is halfway between the top of the ascent and the bottom of the descent.
    case middle
    /// The anchor is on the alphabetic baseline.
    case alphabetic
    /// The anchor is the bottom of the descent.
    case bottom
}

/// One line of text at an anchor point.
public struct TextRun: Codable, Sendable, Equatable {
    public var text: String
    public var anchor: Point
    public var font: FontSpec
    public var color: RGBA
    public var align: TextAlign
    public var baseline: TextBaseline
    /// Clockwise rotation in degrees about the anchor (−90 reads bottom to top).
    public var rotation: Double

    public init(
        text: String, anchor: Point, font: FontSpec, color: RGBA,
        align: TextAlign = .start, baseline: TextBaseline = .alphabetic, rotation: Double = 0
    ) {
        self.text = text; self.anchor = anchor; self.font = font; self.color = color
        self.align = align; self.baseline = baseline; self.rotation = rotation
    }
}

/// Fixed pictograms the renderer knows how to draw.
public enum Icon: String, Codable, Sendable, Equatable {
    /// CloudWatch's partial-data sign: an orange (#FF9900) triangle with a white "!".
    case warningTriangle
}

/// One drawable element of a scene.
public indirect enum SceneItem: Codable, Sendable, Equatable {
    /// Children drawn together, optionally clipped to a rectangle. `role` names the
    /// group for tests and debugging (`plot`, `legend`, `axis.left`…).
    case group(role: String, clip: Rect?, items: [SceneItem])
    /// A straight line segment.
    case rule(from: Point, to: Point, stroke: Stroke)
    /// A connected line through `points`; a `nil` point breaks the line (a gap).
    case polyline(points: [Point?], stroke: Stroke)
    /// A filled region between an upper and a lower boundary, both ordered left to right.
    case area(top: [Point], base: [Point], fill: RGBA)
    /// A rectangle, filled and/or stroked.
    case rect(rect: Rect, fill: RGBA?, stroke: Stroke?)
    /// Filled circles of one radius, e.g. isolated data points.
    case dots(centers: [Point], radius: Double, fill: RGBA)
    /// A line of text.
    case text(TextRun)
    /// A pictogram centred at a point; `size` is its width in pixels.
    case icon(icon: Icon, center: Point, size: Double)
}

extension Scene {
    /// All items, groups flattened, in paint order. Handy for tests.
    public var flattenedItems: [SceneItem] {
        func flatten(_ items: [SceneItem]) -> [SceneItem] {
            items.flatMap { item -> [SceneItem] in
                if case .group(_, _, let children) = item { return [item] + flatten(children) }
                return [item]
            }
        }
        return flatten(items)
    }

    /// The items of the first group with this role, or nil.
    public func group(_ role: String) -> [SceneItem]? {
        for item in flattenedItems {
            if case .group(let r, _, let children) = item, r == role { return children }
        }
        return nil
    }

    /// Every text string in the scene, in paint order.
    public var texts: [String] {
        flattenedItems.compactMap { if case .text(let run) = $0 { return run.text } else { return nil } }
    }
}

extension SceneItem {
    /// The same item moved by `(dx, dy)` pixels (groups move their clip and children too).
    public func translated(dx: Double, dy: Double) -> SceneItem {
        func move(_ p: Point) -> Point { Point(x: p.x + dx, y: p.y + dy) }
        func move(_ r: Rect) -> Rect { Rect(x: r.x + dx, y: r.y + dy, width: r.width, height: r.height) }
        switch self {
        case .group(let role, let clip, let items):
            return .group(role: role, clip: clip.map(move), items: items.map { $0.translated(dx: dx, dy: dy) })
        case .rule(let from, let to, let stroke):
            return .rule(from: move(from), to: move(to), stroke: stroke)
        case .polyline(let points, let stroke):
            return .polyline(points: points.map { $0.map(move) }, stroke: stroke)
        case .area(let top, let base, let fill):
            return .area(top: top.map(move), base: base.map(move), fill: fill)
        case .rect(let rect, let fill, let stroke):
            return .rect(rect: move(rect), fill: fill, stroke: stroke)
        case .dots(let centers, let radius, let fill):
            return .dots(centers: centers.map(move), radius: radius, fill: fill)
        case .text(var run):
            run.anchor = move(run.anchor)
            return .text(run)
        case .icon(let icon, let center, let size):
            return .icon(icon: icon, center: move(center), size: size)
        }
    }
}
