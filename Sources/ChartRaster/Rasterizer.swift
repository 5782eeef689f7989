import CCairo
import ChartCore
import ChartScene

/// Options that change how a scene is drawn (not what it contains).
public struct RasterOptions: Sendable, Equatable {
    /// How text runs are drawn.
    public enum TextMode: Sendable, Equatable {
        /// Real glyphs from the bundled fonts.
        case glyphs
        /// Each run as a filled box of its advance width × (ascent + descent), in the run's
        /// colour: for structure goldens that must survive font or FreeType upgrades.
        case boxes
    }

    public var textMode: TextMode
    /// Device pixels (or vector units) per scene pixel: 2 draws the same layout at twice the
    /// resolution for hi-DPI screens. The Cairo context is scaled, not the layout, so text and
    /// lines are drawn crisp at the larger size. `Rasterizer.scaleRange` (0.25…4).
    public var scale: Double
    /// Largest accepted scene side in scene pixels. Widgets are limited to
    /// `Rasterizer.maxDimension` (2000); composed dashboards may raise it up to
    /// `Rasterizer.maxComposedDimension`.
    public var maxSceneSide: Int
    /// The creation date written into PDF metadata (SVG has none). Always set explicitly so
    /// the same input gives the same bytes; the façade passes the render's injected "now".
    public var documentDate: EpochSeconds
    /// The PDF document title (metadata only), if any.
    public var documentTitle: String?

    public init(
        textMode: TextMode = .glyphs, scale: Double = 1, maxSceneSide: Int = Rasterizer.maxDimension,
        documentDate: EpochSeconds = 0, documentTitle: String? = nil
    ) {
        self.textMode = textMode; self.scale = scale; self.maxSceneSide = maxSceneSide
        self.documentDate = documentDate; self.documentTitle = documentTitle
    }
}

/// Scene → pixels → PNG, with Cairo. Everything Cairo-related is created, used and destroyed
/// on the calling thread inside one call; only Sendable values (`Scene`, `RasterImage`,
/// PNG bytes, `FontLibrary`) go in or out, so calls may run concurrently on any threads.
public enum Rasterizer {
    /// Largest accepted canvas side in pixels (MetricWidget allows 1…2000).
    public static let maxDimension = 2000
    /// Largest scene side `RasterOptions.maxSceneSide` may allow (composed dashboards).
    public static let maxComposedDimension = 10_000
    /// Accepted `RasterOptions.scale` values.
    public static let scaleRange: ClosedRange<Double> = 0.25...4
    /// Largest output side in device pixels after scaling (Cairo's own limit is 32,767).
    public static let maxPixelSide = 16_384
    /// Largest output in device pixels after scaling (a 256 MB ARGB32 buffer).
    public static let maxPixelCount = 64 * 1024 * 1024

    /// Polylines with fewer points than this get round caps and joins (the house style);
    /// longer ones use butt caps and miter joins, because Cairo's round joins are about 3×
    /// slower on long lines and the difference is invisible at that density.
    public static let roundJoinPointLimit = 2000

    /// The canvas size in whole pixels, or `.invalidSize` when a side is non-finite,
    /// rounds below 1 or exceeds `maxSide`.
    public static func canvasSize(_ size: Size, maxSide: Int = maxDimension) throws(RasterError) -> (width: Int, height: Int) {
        let maxSide = Double(min(max(1, maxSide), maxComposedDimension))
        guard size.width.isFinite, size.height.isFinite,
              size.width <= maxSide, size.height <= maxSide,
              size.width.rounded() >= 1, size.height.rounded() >= 1
        else { throw .invalidSize(width: size.width, height: size.height) }
        return (Int(size.width.rounded()), Int(size.height.rounded()))
    }

    /// The output size in device pixels for `scene` drawn with `options`: the scene size
    /// (checked by `canvasSize`) times the scale, rounded. Throws `.invalidScale` for a scale
    /// outside `scaleRange`, `.invalidSize` when the result is too large.
    public static func deviceSize(_ size: Size, options: RasterOptions) throws(RasterError) -> (width: Int, height: Int) {
        let (w, h) = try canvasSize(size, maxSide: options.maxSceneSide)
        guard options.scale.isFinite, scaleRange.contains(options.scale) else { throw .invalidScale(options.scale) }
        let width = max(1, Int((Double(w) * options.scale).rounded())), height = max(1, Int((Double(h) * options.scale).rounded()))
        guard width <= maxPixelSide, height <= maxPixelSide, width * height <= maxPixelCount else {
            throw .invalidSize(width: Double(width), height: Double(height))
        }
        return (width, height)
    }

    /// Draws `scene` on a new ARGB32 canvas of `scene.size × options.scale` device pixels.
    ///
    /// Coordinates are used as given (layout snaps to pixels) within ±100,000 px; lines and
    /// areas reaching beyond that are clipped there, and dots, text and icons anchored beyond
    /// it are skipped (see `SafeGeometry`). Items with non-finite coordinates, sizes or widths
    /// are skipped (a non-finite polyline point breaks the line like a `nil` one); they never
    /// reach Cairo. Text larger than 10,000 px is not drawn; strokes are at most 10,000 px wide.
    ///
    /// Polylines with fewer than `roundJoinPointLimit` points get round caps and joins, longer
    /// ones butt caps and miter joins; rules and rectangle outlines use butt caps and miter
    /// joins (crisp grid lines and frames).
    public static func render(
        _ scene: Scene, fonts: FontLibrary, options: RasterOptions = RasterOptions()
    ) throws(RasterError) -> RasterImage {
        let (width, height) = try deviceSize(scene.size, options: options)
        var pixels = [UInt32](repeating: 0, count: width * height)
        let lines = LineRasterizer.borrow(width: width, height: height)
        defer { LineRasterizer.giveBack(lines) }
        let failure: RasterError? = pixels.withUnsafeMutableBytes { raw -> RasterError? in
            do throws(RasterError) {
                // The surface draws straight into `pixels`; it is finished before the
                // buffer pointer goes out of scope, so Cairo never touches it afterwards.
                let surface = try CairoSurface(
                    data: raw.baseAddress!.assumingMemoryBound(to: UInt8.self),
                    width: width, height: height, stride: width * 4)
                defer { surface.finish() }
                let context = try CairoContext(surface: surface)
                let painter = Painter(
                    cr: context.raw, fonts: fonts, options: options,
                    direct: DirectPixels(
                        pixels: raw.baseAddress!.assumingMemoryBound(to: UInt32.self),
                        lines: lines),
                    canvas: PixelBox.canvas(width: width, height: height))
                painter.paint(scene)
                let status = context.status
                guard status == CAIRO_STATUS_SUCCESS else { return RasterError(cairoStatus: status) }
                surface.flush()
                let surfaceStatus = surface.status
                guard surfaceStatus == CAIRO_STATUS_SUCCESS else { return RasterError(cairoStatus: surfaceStatus) }
                withExtendedLifetime(context) {}
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
        return RasterImage(width: width, height: height, argb32: pixels)
    }

    /// `render` followed by `encodePNG`.
    public static func renderPNG(
        _ scene: Scene, fonts: FontLibrary, options: RasterOptions = RasterOptions()
    ) throws(RasterError) -> [UInt8] {
        try encodePNG(render(scene, fonts: fonts, options: options))
    }
}

/// The image surface's own pixels, for the hand-written line rasterizer.
struct DirectPixels {
    /// ARGB32, stride = width (device pixels).
    let pixels: UnsafeMutablePointer<UInt32>
    let lines: LineRasterizer
}

/// Draws scene items on one `cairo_t`. Lives only for the duration of one `render`.
///
/// The same painter draws on image, SVG and PDF surfaces. On an image surface (`direct`
/// set) solid data lines go through `LineRasterizer` straight into the pixels; on vector
/// surfaces every line is a Cairo path.
struct Painter {
    let cr: OpaquePointer
    let fonts: FontLibrary
    let options: RasterOptions
    /// Set for image surfaces only.
    let direct: DirectPixels?
    /// The output in device pixels (scene size × scale).
    let canvas: PixelBox

    /// Groups nested deeper than this are not drawn (guards the stack against absurd scenes).
    static let maxGroupDepth = 256

    var scale: Double { options.scale }

    func paint(_ scene: Scene) {
        cairo_set_antialias(cr, CAIRO_ANTIALIAS_DEFAULT)
        cairo_set_font_options(cr, fonts.options.raw)
        cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE)
        setColour(scene.background)
        cairo_paint(cr)
        cairo_set_operator(cr, CAIRO_OPERATOR_OVER)
        // Scene coordinates from here on; the device sees them `scale` times larger.
        if scale != 1 { cairo_scale(cr, scale, scale) }
        for item in scene.items { draw(item, depth: 0, clip: canvas) }
    }

    /// Draws one item; `clip` is the pixel box of the enclosing groups' clips (Cairo keeps
    /// the exact clip; the line rasterizer uses this box).
    func draw(_ item: SceneItem, depth: Int, clip box: PixelBox) {
        switch item {
        case .group(_, let clip, let items):
            guard depth < Painter.maxGroupDepth else { return }
            cairo_save(cr)
            defer { cairo_restore(cr) }
            var childBox = box
            if let clip {
                // A clip we cannot honour clips everything rather than nothing.
                guard clip.allFinite else { return }
                let rect = SafeGeometry.clampRect(clip)
                cairo_rectangle(cr, rect.x, rect.y, rect.width, rect.height)
                cairo_clip(cr)
                childBox = box.intersecting(rect.scaled(by: scale))
            }
            for child in items { draw(child, depth: depth + 1, clip: childBox) }

        case .rule(let from, let to, let stroke):
            guard from.allFinite, to.allFinite,
                  let (a, b) = SafeGeometry.clipSegment(from, to),
                  setStroke(stroke, round: false)
            else { return }
            cairo_move_to(cr, a.x, a.y)
            cairo_line_to(cr, b.x, b.y)
            cairo_stroke(cr)

        case .polyline(let points, let stroke):
            if let direct, LineRasterizer.handles(stroke) {
                // Data lines: the fast rasterizer, straight into Cairo's pixels (device space).
                let target = cairo_get_target(cr)
                cairo_surface_flush(target)
                if scale == 1 {
                    direct.lines.draw(points, stroke: stroke, clip: box, pixels: direct.pixels)
                } else {
                    var scaledStroke = stroke
                    scaledStroke.width *= scale
                    direct.lines.draw(points.map { $0?.scaled(by: scale) }, stroke: scaledStroke, clip: box, pixels: direct.pixels)
                }
                cairo_surface_mark_dirty(target)
                return
            }
            // Vector surfaces keep round joins at any length: they cost nothing to draw there.
            guard setStroke(stroke, round: direct == nil || points.count < Rasterizer.roundJoinPointLimit) else { return }
            tracePolyline(points)
            cairo_stroke(cr)

        case .area(let top, let base, let fill):
            guard fill.a > 0 else { return }
            let outline = SafeGeometry.clipPolygon(top.filter(\.allFinite) + base.filter(\.allFinite).reversed())
            guard let first = outline.first else { return }
            cairo_move_to(cr, first.x, first.y)
            for p in outline.dropFirst() { cairo_line_to(cr, p.x, p.y) }
            cairo_close_path(cr)
            setColour(fill)
            cairo_fill(cr)

        case .rect(let rect, let fill, let stroke):
            guard rect.allFinite else { return }
            let box = SafeGeometry.clampRect(rect)
            if let fill, fill.a > 0 {
                cairo_rectangle(cr, box.x, box.y, box.width, box.height)
                setColour(fill)
                cairo_fill(cr)
            }
            if let stroke, setStroke(stroke, round: false) {
                cairo_rectangle(cr, box.x, box.y, box.width, box.height)
                cairo_stroke(cr)
            }

        case .dots(let centers, let radius, let fill):
            guard radius.isFinite, radius > 0, fill.a > 0 else { return }
            let r = min(radius, SafeGeometry.limit)
            for c in centers where c.allFinite && SafeGeometry.contains(c) {
                cairo_new_sub_path(cr)
                cairo_arc(cr, c.x, c.y, r, 0, 2 * Double.pi)
            }
            setColour(fill)
            cairo_fill(cr)

        case .text(let run):
            drawText(run)

        case .icon(let icon, let center, let size):
            guard center.allFinite, SafeGeometry.contains(center),
                  size.isFinite, size > 0, size <= SafeGeometry.maxFontSize
            else { return }
            switch icon {
            case .warningTriangle: drawWarningTriangle(center: center, size: size)
            }
        }
    }

    /// Adds a polyline's sub-paths: `nil` and non-finite points break the line; segments
    /// leaving the safe box are clipped to it (a new sub-path starts where one re-enters).
    func tracePolyline(_ points: [Point?]) {
        var previous: Point?  // last valid input point
        var pen: Point?       // where the current sub-path ends, if any
        for point in points {
            guard let point, point.allFinite else {
                previous = nil
                pen = nil
                continue
            }
            defer { previous = point }
            guard let from = previous else {
                if SafeGeometry.contains(point) {
                    cairo_move_to(cr, point.x, point.y)
                    pen = point
                } else {
                    pen = nil
                }
                continue
            }
            guard let (a, b) = SafeGeometry.clipSegment(from, point) else {
                pen = nil
                continue
            }
            if pen != a { cairo_move_to(cr, a.x, a.y) }
            cairo_line_to(cr, b.x, b.y)
            pen = b
        }
    }

    // MARK: Styles

    func setColour(_ c: RGBA) {
        cairo_set_source_rgba(cr, Double(c.r) / 255, Double(c.g) / 255, Double(c.b) / 255, Double(c.a) / 255)
    }

    /// Applies colour, width, caps, joins and dash; false when the stroke draws nothing.
    func setStroke(_ stroke: Stroke, round: Bool) -> Bool {
        guard stroke.width.isFinite, stroke.width > 0, stroke.color.a > 0 else { return false }
        setColour(stroke.color)
        cairo_set_line_width(cr, min(stroke.width, SafeGeometry.maxStrokeWidth))
        cairo_set_line_cap(cr, round ? CAIRO_LINE_CAP_ROUND : CAIRO_LINE_CAP_BUTT)
        cairo_set_line_join(cr, round ? CAIRO_LINE_JOIN_ROUND : CAIRO_LINE_JOIN_MITER)
        // Cairo puts the context into a sticky error state for negative or all-zero dashes;
        // such dashes (and non-finite ones) draw solid instead.
        let dash = stroke.dash
        if !dash.isEmpty, dash.allSatisfy({ $0.isFinite && $0 >= 0 }), dash.reduce(0, +) > 0 {
            dash.map { min($0, SafeGeometry.limit) }.withUnsafeBufferPointer { cairo_set_dash(cr, $0.baseAddress, Int32($0.count), 0) }
        } else {
            cairo_set_dash(cr, nil, 0, 0)
        }
        return true
    }

    // MARK: Text

    /// Horizontal offset of the run's start from the anchor, for a run `width` wide.
    static func alignOffset(_ align: TextAlign, width: Double) -> Double {
        switch align {
        case .start: return 0
        case .middle: return -width / 2
        case .end: return -width
        }
    }

    /// Vertical offset of the alphabetic baseline from the anchor (y grows downwards).
    static func baselineOffset(_ baseline: TextBaseline, ascent: Double, descent: Double) -> Double {
        switch baseline {
        case .top: return ascent
        case .middle: return (ascent - descent) / 2
        case .alphabetic: return 0
        case .bottom: return -descent
        }
    }

    func drawText(_ run: TextRun) {
        guard !run.text.isEmpty, run.anchor.allFinite, SafeGeometry.contains(run.anchor),
              run.rotation.isFinite, run.color.a > 0, run.font.size <= SafeGeometry.maxFontSize,
              let scaled = fonts.scaledFont(run.font)
        else { return }
        let width = scaled.advance(run.text)
        let x = Painter.alignOffset(run.align, width: width)
        let y = Painter.baselineOffset(run.baseline, ascent: scaled.ascent, descent: scaled.descent)
        cairo_save(cr)
        defer { cairo_restore(cr) }
        cairo_translate(cr, run.anchor.x, run.anchor.y)
        let degrees = run.rotation.truncatingRemainder(dividingBy: 360)
        if degrees != 0 { cairo_rotate(cr, degrees * Double.pi / 180) }
        setColour(run.color)
        switch options.textMode {
        case .glyphs:
            cairo_set_font_face(cr, fonts.face(bold: run.font.bold).raw)
            cairo_set_font_size(cr, run.font.size)
            cairo_move_to(cr, x, y)
            run.text.withCString { cairo_show_text(cr, $0) }
        case .boxes:
            cairo_rectangle(cr, x, y - scaled.ascent, width, scaled.ascent + scaled.descent)
            cairo_fill(cr)
        }
    }

    // MARK: Icons

    /// CloudWatch's partial-data sign (visual.md §9): an equilateral triangle `size` wide,
    /// point up, centred on `center` (by its bounding box), filled #FF9900, with a white
    /// bold "!" at 10/14 of `size` whose ink is centred horizontally on the triangle and
    /// vertically slightly below the box centre (where the triangle is wide enough).
    func drawWarningTriangle(center: Point, size: Double) {
        let height = size * 3.0.squareRoot() / 2
        cairo_move_to(cr, center.x, center.y - height / 2)
        cairo_line_to(cr, center.x + size / 2, center.y + height / 2)
        cairo_line_to(cr, center.x - size / 2, center.y + height / 2)
        cairo_close_path(cr)
        setColour(RGBA(r: 0xFF, g: 0x99, b: 0x00))
        cairo_fill(cr)

        let fontSize = size * 10 / 14
        guard fonts.scaledFont(FontSpec(size: fontSize, bold: true)) != nil else { return }
        cairo_save(cr)
        defer { cairo_restore(cr) }
        cairo_set_font_face(cr, fonts.face(bold: true).raw)
        cairo_set_font_size(cr, fontSize)
        var ink = cairo_text_extents_t()
        cairo_text_extents(cr, "!", &ink)
        let inkCenterY = center.y + height * 0.1
        setColour(.white)
        switch options.textMode {
        case .glyphs:
            cairo_move_to(cr, center.x - (ink.x_bearing + ink.width / 2), inkCenterY - (ink.y_bearing + ink.height / 2))
            cairo_show_text(cr, "!")
        case .boxes:
            cairo_rectangle(cr, center.x - ink.width / 2, inkCenterY - ink.height / 2, ink.width, ink.height)
            cairo_fill(cr)
        }
    }
}

extension Point {
    fileprivate var allFinite: Bool { x.isFinite && y.isFinite }
}

extension Rect {
    fileprivate var allFinite: Bool { x.isFinite && y.isFinite && width.isFinite && height.isFinite }
    fileprivate func scaled(by s: Double) -> Rect {
        s == 1 ? self : Rect(x: x * s, y: y * s, width: width * s, height: height * s)
    }
}

extension Point {
    fileprivate func scaled(by s: Double) -> Point { Point(x: x * s, y: y * s) }
}
