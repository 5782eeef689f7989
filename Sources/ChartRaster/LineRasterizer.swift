import ChartCore
import ChartScene
import Foundation
import Synchronization

/// Draws solid, anti-aliased polylines straight into the ARGB32 pixel buffer Cairo paints on.
///
/// Why not Cairo: data lines are the hot path of every render, and Cairo's stroker builds
/// and tessellates one outline per polyline; for noisy series (thousands of short, steep,
/// self-intersecting segments) that took 100 ms for 10 × 1,440 points at 600 × 400 and
/// 570 ms for 100 × 1,440 on this project's benchmark, even when stroked in chunks. No library
/// available to Graphshot rasterizes polylines faster, so this small one is written here.
///
/// The result matches a Cairo stroke with round caps and round joins: each segment is a
/// capsule of radius `width / 2`, a pixel's coverage is `clamp(width/2 + 0.5 − d, 0, 1)` with `d`
/// the distance from the pixel centre to the segment, and the coverage of one polyline is
/// the maximum over its segments, so joints are never blended twice. The polyline is then
/// composited once with the OVER operator (premultiplied ARGB32, like Cairo).
///
/// Memory layout, chosen for speed: a capsule is walked along lines parallel to its longer
/// axis, so flat segments write runs of a row and steep ones runs of a column. Each kind has
/// a coverage mask of its own laid out so that its runs are contiguous (`rowMask` row-major,
/// `columnMask` column-major): the per-pixel loop then reads and writes consecutive floats and
/// the compiler vectorizes it. Each mask line remembers the range it wrote (`Extent`), so no
/// per-pixel bookkeeping is needed; compositing merges the column mask into the row mask
/// (coverage is a maximum, so the order does not matter) and then blends the touched rows.
///
/// A rasterizer is not thread-safe; `borrow`/`giveBack` keep a few spare ones so renders reuse
/// their buffers instead of allocating and clearing megabytes each time.
final class LineRasterizer: @unchecked Sendable {
    let width: Int
    let height: Int
    /// Coverage from flat segments, row-major (`y·width + x`); 0 for untouched pixels.
    private let rowMask: UnsafeMutablePointer<Float>
    /// Coverage from steep segments, column-major (`x·height + y`); 0 for untouched pixels.
    private let columnMask: UnsafeMutablePointer<Float>
    /// Per row of `rowMask` / per column of `columnMask`: the range written since the last composite.
    private let rowExtents: UnsafeMutablePointer<Extent>
    private let columnExtents: UnsafeMutablePointer<Extent>
    /// Rows / columns whose extent is not empty, in the order they were first written.
    private let dirtyRows: UnsafeMutablePointer<Int32>
    private let dirtyColumns: UnsafeMutablePointer<Int32>
    private var dirtyRowCount = 0
    private var dirtyColumnCount = 0

    /// The inclusive range `lo…hi` of a mask line; empty when `lo > hi`.
    struct Extent {
        var lo: Int32
        var hi: Int32
        static let empty = Extent(lo: .max, hi: -1)
        var isEmpty: Bool { lo > hi }
    }

    init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        // The span loop may read and write (unchanged) up to `LineRasterizer.slack` floats past a
        // line's last pixel; the slack keeps that inside the allocation at the very last line.
        let count = self.width * self.height + LineRasterizer.slack
        rowMask = LineRasterizer.zeroedFloats(count)
        columnMask = LineRasterizer.zeroedFloats(count)
        rowExtents = .allocate(capacity: max(1, self.height))
        rowExtents.initialize(repeating: .empty, count: max(1, self.height))
        columnExtents = .allocate(capacity: max(1, self.width))
        columnExtents.initialize(repeating: .empty, count: max(1, self.width))
        dirtyRows = .allocate(capacity: max(1, self.height))
        dirtyColumns = .allocate(capacity: max(1, self.width))
    }

    deinit {
        free(rowMask)
        free(columnMask)
        rowExtents.deallocate()
        columnExtents.deallocate()
        dirtyRows.deallocate()
        dirtyColumns.deallocate()
    }

    /// `count` floats, all 0, from `calloc`: large masks come as fresh zero pages that cost
    /// nothing until a line touches them (a mask is mostly never touched), where
    /// allocate-and-fill would write every byte up front. Freed with `free`.
    private static func zeroedFloats(_ count: Int) -> UnsafeMutablePointer<Float> {
        guard let raw = calloc(count, MemoryLayout<Float>.stride) else {
            fatalError("LineRasterizer: out of memory for a \(count)-pixel coverage mask")
        }
        return raw.bindMemory(to: Float.self, capacity: count)
    }

    /// Floats of padding after each mask (see `init`); at least the vector width used by the compiler.
    static let slack = 16

    // MARK: Reuse

    /// Spare rasterizers, at most `maxSpares`, each at most `maxSparePixels`: enough for the
    /// render threads of a server drawing images of a few common sizes.
    private static let spares = Mutex<[LineRasterizer]>([])
    static let maxSpares = 4
    static let maxSparePixels = 1 << 20

    /// A rasterizer of this size with clear masks: a spare one when there is one, else a new one.
    static func borrow(width: Int, height: Int) -> LineRasterizer {
        let spare = spares.withLock { list -> LineRasterizer? in
            guard let i = list.lastIndex(where: { $0.width == width && $0.height == height }) else { return nil }
            return list.remove(at: i)
        }
        return spare ?? LineRasterizer(width: width, height: height)
    }

    /// Returns a rasterizer taken with `borrow` (its masks are clear after every `draw`).
    static func giveBack(_ rasterizer: LineRasterizer) {
        guard rasterizer.width * rasterizer.height <= maxSparePixels else { return }
        spares.withLock { list in
            if list.count >= maxSpares { list.removeFirst() }
            list.append(rasterizer)
        }
    }

    /// Polylines this rasterizer draws: solid, visible, and no wider than a data line ever is.
    static func handles(_ stroke: Stroke) -> Bool {
        stroke.dash.isEmpty && stroke.width.isFinite && stroke.width > 0 && stroke.width <= 8 && stroke.color.a > 0
    }

    /// Draws `points` (a `nil` or non-finite point breaks the line) into `pixels`, limited to
    /// the pixel rectangle `clip` (already intersected with the canvas).
    func draw(_ points: [Point?], stroke: Stroke, clip: PixelBox, pixels: UnsafeMutablePointer<UInt32>) {
        guard !clip.isEmpty else { return }
        let radius = stroke.width / 2 + 0.5
        let box = (minX: Double(clip.x0) - radius - 1, minY: Double(clip.y0) - radius - 1,
                   maxX: Double(clip.x1) + radius + 1, maxY: Double(clip.y1) + radius + 1)
        var previous: Point?
        for point in points {
            guard let point, point.x.isFinite, point.y.isFinite else { previous = nil; continue }
            if let a = previous { cover(a, point, radius: radius, clip: clip, box: box) }
            previous = point
        }
        composite(stroke.color, into: pixels)
    }

    /// Adds the capsule around segment `a`–`b` to a mask: the column mask for steep segments,
    /// the row mask for flat ones, so the walk runs along the segment's longer axis and each
    /// line of the walk holds a long run of pixels.
    @inline(__always)
    private func cover(_ a0: Point, _ b0: Point, radius r: Double, clip: PixelBox, box: (minX: Double, minY: Double, maxX: Double, maxY: Double)) {
        // Clip the segment to the clip box grown by the radius, so far-away geometry costs nothing
        // and every number below stays finite. Data segments are almost always inside already.
        var a = a0, b = b0
        if !(LineRasterizer.inside(a0, box) && LineRasterizer.inside(b0, box)) {
            // First into the finite safe box shared with the Cairo path, then to the grown clip box.
            guard let (s0, s1) = SafeGeometry.clipSegment(a0, b0),
                  let (c0, c1) = LineRasterizer.clip(s0, s1, box),
                  c0.x.isFinite, c0.y.isFinite, c1.x.isFinite, c1.y.isFinite else { return }
            a = c0; b = c1
        }
        if abs(b.y - a.y) > abs(b.x - a.x) {
            // Transposed: "rows" are pixel columns, "columns" step down a column.
            coverLines(a: Point(x: a.y, y: a.x), b: Point(x: b.y, y: b.x), r: r,
                       lineRange: (clip.x0, clip.x1), spanRange: (clip.y0, clip.y1),
                       mask: columnMask, lineLength: height, extents: columnExtents,
                       dirty: dirtyColumns, dirtyCount: &dirtyColumnCount)
        } else {
            coverLines(a: a, b: b, r: r,
                       lineRange: (clip.y0, clip.y1), spanRange: (clip.x0, clip.x1),
                       mask: rowMask, lineLength: width, extents: rowExtents,
                       dirty: dirtyRows, dirtyCount: &dirtyRowCount)
        }
    }

    /// The capsule walked line by line: line `v` (a row, or a column when transposed) at
    /// coordinate `v + 0.5`, pixels `u` along it at `mask[v·lineLength + u]`. `lineRange` and
    /// `spanRange` are half-open pixel ranges (the clip).
    @inline(__always)
    private func coverLines(
        a: Point, b: Point, r: Double, lineRange: (Int, Int), spanRange: (Int, Int),
        mask: UnsafeMutablePointer<Float>, lineLength: Int, extents: UnsafeMutablePointer<Extent>,
        dirty: UnsafeMutablePointer<Int32>, dirtyCount: inout Int
    ) {
        let dx = b.x - a.x, dy = b.y - a.y
        let lengthSquared = dx * dx + dy * dy
        let inverseLengthSquared = lengthSquared > 0 ? 1 / lengthSquared : 0
        let length = lengthSquared.squareRoot()
        let minX = min(a.x, b.x) - r, maxX = max(a.x, b.x) + r
        let first = LineRasterizer.floorToInt(LineRasterizer.clamp(min(a.y, b.y) - r, Double(lineRange.0), Double(lineRange.1 - 1)))
        let last = LineRasterizer.ceilToInt(LineRasterizer.clamp(max(a.y, b.y) + r, Double(lineRange.0), Double(lineRange.1 - 1)))
        guard first <= last else { return }
        let slanted = abs(dy) > 1e-9
        let slope = slanted ? dx / dy : 0
        let halfSpan = slanted ? r * length / abs(dy) : 0
        let fdx = Float(dx), fdy = Float(dy), finv = Float(inverseLengthSquared), fr = Float(r)
        let spanLow = Double(spanRange.0), spanHigh = Double(spanRange.1)
        let spanLowEnd = Double(spanRange.0 - 1), spanHighEnd = Double(spanRange.1 - 1)
        for v in first...last {
            let vc = Double(v) + 0.5
            var lo = minX, hi = maxX
            if slanted {
                let x = a.x + (vc - a.y) * slope
                lo = max(lo, x - halfSpan)
                hi = min(hi, x + halfSpan)
            } else if abs(vc - a.y) > r {
                continue
            }
            guard lo <= hi else { continue }
            let start = LineRasterizer.ceilToInt(LineRasterizer.clamp(lo - 0.5, spanLow, spanHigh))
            let end = LineRasterizer.floorToInt(LineRasterizer.clamp(hi - 0.5, spanLowEnd, spanHighEnd))
            guard start <= end else { continue }
            var extent = extents[v]
            if extent.isEmpty {
                dirty[dirtyCount] = Int32(truncatingIfNeeded: v)
                dirtyCount += 1
            }
            extent.lo = min(extent.lo, Int32(truncatingIfNeeded: start))
            extent.hi = max(extent.hi, Int32(truncatingIfNeeded: end))
            extents[v] = extent
            LineRasterizer.coverSpan(
                mask + (v &* lineLength &+ start), count: Int32(truncatingIfNeeded: end - start + 1),
                px: Float(Double(start) + 0.5 - a.x), py: Float(vc - a.y),
                dx: fdx, dy: fdy, inverseLengthSquared: finv, radius: fr)
        }
    }

    /// The per-pixel loop: `count` consecutive mask entries, the first at `(px, py)` relative to
    /// the segment's start `a`, the others one pixel further along. Each pixel's coverage is
    /// `clamp(radius − distance, 0, 1)`, its distance to the segment computed from the
    /// projection `t` (clamped to the segment). Four pixels at a time, with no branch: lanes past
    /// `count` get coverage 0, which leaves the (up to three) entries after the run unchanged —
    /// `slack` keeps them inside the allocation.
    @inline(__always)
    private static func coverSpan(
        _ mask: UnsafeMutablePointer<Float>, count: Int32, px: Float, py: Float,
        dx: Float, dy: Float, inverseLengthSquared: Float, radius: Float
    ) {
        typealias Lanes = SIMD4<Float>
        // Lane-wise min and max written as selects: the standard library's pointwiseMin/Max are
        // not inlined here, and a call per operation costs more than the arithmetic.
        @inline(__always) func min(_ a: Lanes, _ b: Lanes) -> Lanes { a.replacing(with: b, where: b .< a) }
        @inline(__always) func max(_ a: Lanes, _ b: Lanes) -> Lanes { a.replacing(with: b, where: b .> a) }
        let lane = Lanes(0, 1, 2, 3), zero = Lanes(repeating: 0), one = Lanes(repeating: 1)
        let end = Lanes(repeating: Float(count))
        let pyDy = py * dy
        var p = UnsafeMutableRawPointer(mask)
        var k: Int32 = 0
        while k < count {
            let offset = Lanes(repeating: Float(k)) + lane
            let x = px + offset
            let t = min(one, max(zero, (x * dx + pyDy) * inverseLengthSquared))
            let ex = x - t * dx, ey = py - t * dy
            let distance = (ex * ex + ey * ey).squareRoot()
            var coverage = min(one, max(zero, radius - distance))
            coverage.replace(with: 0, where: offset .>= end)
            let old = p.loadUnaligned(as: Lanes.self)
            p.storeBytes(of: max(old, coverage), as: Lanes.self)
            p += MemoryLayout<Lanes>.size
            k &+= 4
        }
    }

    @inline(__always) static func inside(_ p: Point, _ box: (minX: Double, minY: Double, maxX: Double, maxY: Double)) -> Bool {
        p.x >= box.minX && p.x <= box.maxX && p.y >= box.minY && p.y <= box.maxY
    }

    /// `v` limited to `lo…hi` (NaN gives `lo`).
    @inline(__always) static func clamp(_ v: Double, _ lo: Double, _ hi: Double) -> Double {
        v >= lo ? (v <= hi ? v : hi) : lo
    }

    /// `ceil(v)` for a finite `v` well inside Int's range, without a libm call.
    @inline(__always) static func ceilToInt(_ v: Double) -> Int {
        let t = Int(v)
        return Double(t) < v ? t + 1 : t
    }

    /// `floor(v)` for a finite `v` well inside Int's range, without a libm call.
    @inline(__always) static func floorToInt(_ v: Double) -> Int {
        let t = Int(v)
        return Double(t) > v ? t - 1 : t
    }

    /// Composites both masks in `color` over the pixels (each pixel once, with the larger of
    /// its two coverages) and clears them. Four pixels at a time where a mask line's range
    /// allows; a pixel with coverage 0 is blended too, which leaves it exactly as it was.
    private func composite(_ color: RGBA, into pixels: UnsafeMutablePointer<UInt32>) {
        typealias Lanes = SIMD4<Float>
        let blend = Blend(color)
        let width = self.width, rowMask = self.rowMask
        // Steep segments first: each touched pixel takes the row mask's coverage too, which is
        // then cleared so the row pass below does not blend the pixel a second time.
        for j in 0..<dirtyColumnCount {
            let x = Int(dirtyColumns[j])
            let extent = columnExtents[x]
            columnExtents[x] = .empty
            let column = columnMask + x * height
            var y = Int(extent.lo)
            let last = Int(extent.hi)
            while y + 3 <= last {
                let c = UnsafeRawPointer(column + y).loadUnaligned(as: Lanes.self)
                UnsafeMutableRawPointer(column + y).storeBytes(of: Lanes(), as: Lanes.self)
                let i0 = y * width + x, i1 = i0 + width, i2 = i1 + width, i3 = i2 + width
                let row = Lanes(rowMask[i0], rowMask[i1], rowMask[i2], rowMask[i3])
                let touched = c .> 0
                let coverage = row.replacing(with: c, where: c .> row).replacing(with: 0, where: .!touched)
                let keptRow = row.replacing(with: 0, where: touched)
                rowMask[i0] = keptRow[0]; rowMask[i1] = keptRow[1]; rowMask[i2] = keptRow[2]; rowMask[i3] = keptRow[3]
                let out = blend.over(SIMD4(pixels[i0], pixels[i1], pixels[i2], pixels[i3]), coverage: coverage)
                pixels[i0] = out[0]; pixels[i1] = out[1]; pixels[i2] = out[2]; pixels[i3] = out[3]
                y += 4
            }
            while y <= last {
                let c = column[y]
                if c > 0 {
                    column[y] = 0
                    let index = y * width + x
                    let coverage = max(c, rowMask[index])
                    rowMask[index] = 0
                    pixels[index] = blend.over(pixels[index], coverage: coverage)
                }
                y += 1
            }
        }
        dirtyColumnCount = 0
        for j in 0..<dirtyRowCount {
            let y = Int(dirtyRows[j])
            let extent = rowExtents[y]
            rowExtents[y] = .empty
            let row = y * width
            var x = Int(extent.lo)
            let last = Int(extent.hi)
            while x + 3 <= last {
                let c = UnsafeRawPointer(rowMask + row + x).loadUnaligned(as: Lanes.self)
                UnsafeMutableRawPointer(rowMask + row + x).storeBytes(of: Lanes(), as: Lanes.self)
                let target = UnsafeMutableRawPointer(pixels + row + x)
                target.storeBytes(of: blend.over(target.loadUnaligned(as: SIMD4<UInt32>.self), coverage: c), as: SIMD4<UInt32>.self)
                x += 4
            }
            while x <= last {
                let c = rowMask[row + x]
                if c > 0 {
                    rowMask[row + x] = 0
                    pixels[row + x] = blend.over(pixels[row + x], coverage: c)
                }
                x += 1
            }
        }
        dirtyRowCount = 0
    }

    /// The OVER operator for one colour on premultiplied ARGB32 pixels: each channel becomes
    /// `colour · a + channel · (1 − a)` rounded, `a` being coverage × the colour's opacity.
    struct Blend {
        let alpha: Float, r: Float, g: Float, b: Float

        init(_ color: RGBA) {
            alpha = Float(color.a) / 255
            r = Float(color.r)
            g = Float(color.g)
            b = Float(color.b)
        }

        @inline(__always) func over(_ dst: UInt32, coverage: Float) -> UInt32 {
            let a = coverage * alpha
            let inverse = 1 - a
            let da = Float(dst >> 24), dr = Float((dst >> 16) & 0xFF), dg = Float((dst >> 8) & 0xFF), db = Float(dst & 0xFF)
            let oa = Blend.byte(255 * a + da * inverse)
            let or = Blend.byte(r * a + dr * inverse)
            let og = Blend.byte(g * a + dg * inverse)
            let ob = Blend.byte(b * a + db * inverse)
            return oa << 24 | or << 16 | og << 8 | ob
        }

        /// Four pixels at once, channel by channel (the same arithmetic as the one-pixel `over`).
        @inline(__always) func over(_ dst: SIMD4<UInt32>, coverage: SIMD4<Float>) -> SIMD4<UInt32> {
            let a = coverage * alpha
            let inverse = 1 - a
            @inline(__always) func channel(_ shift: UInt32, _ source: Float) -> SIMD4<UInt32> {
                let d = SIMD4<Float>(SIMD4<Int32>(truncatingIfNeeded: (dst &>> shift) & 0xFF))
                return Blend.bytes(source * a + d * inverse) &<< shift
            }
            return channel(24, 255) | channel(16, r) | channel(8, g) | channel(0, b)
        }

        /// `v` (0…255) rounded to the nearest integer, without the checks of a float-to-integer
        /// conversion: adding 1.5 · 2²³ leaves the rounded value in the low mantissa bits.
        @inline(__always) static func byte(_ v: Float) -> UInt32 {
            (min(255, max(0, v)) + 12_582_912).bitPattern & 0xFF
        }

        /// `byte` on four values.
        @inline(__always) static func bytes(_ v: SIMD4<Float>) -> SIMD4<UInt32> {
            let low = v.replacing(with: 0, where: v .< 0)
            let clamped = low.replacing(with: 255, where: low .> 255)
            return unsafeBitCast(clamped + 12_582_912, to: SIMD4<UInt32>.self) & 0xFF
        }
    }

    /// Liang–Barsky clipping of a segment to a box; nil when nothing is inside.
    static func clip(_ a: Point, _ b: Point, _ box: (minX: Double, minY: Double, maxX: Double, maxY: Double)) -> (Point, Point)? {
        let dx = b.x - a.x, dy = b.y - a.y
        var t0 = 0.0, t1 = 1.0
        for (p, q) in [(-dx, a.x - box.minX), (dx, box.maxX - a.x), (-dy, a.y - box.minY), (dy, box.maxY - a.y)] {
            if p == 0 {
                if q < 0 { return nil }
            } else {
                let t = q / p
                if p < 0 { if t > t1 { return nil }; if t > t0 { t0 = t } }
                else { if t < t0 { return nil }; if t < t1 { t1 = t } }
            }
        }
        guard t0 <= t1 else { return nil }
        return (Point(x: a.x + t0 * dx, y: a.y + t0 * dy), Point(x: a.x + t1 * dx, y: a.y + t1 * dy))
    }
}

/// A rectangle of whole pixels, `[x0, x1) × [y0, y1)`.
struct PixelBox: Equatable {
    var x0: Int, y0: Int, x1: Int, y1: Int
    var isEmpty: Bool { x0 >= x1 || y0 >= y1 }

    static func canvas(width: Int, height: Int) -> PixelBox { PixelBox(x0: 0, y0: 0, x1: width, y1: height) }

    /// The pixels a (finite) clip rectangle touches, within this box.
    func intersecting(_ rect: Rect) -> PixelBox {
        func px(_ v: Double) -> Int { Int(max(-1, min(1e7, v))) }
        return PixelBox(
            x0: max(x0, px(rect.minX.rounded(.down))), y0: max(y0, px(rect.minY.rounded(.down))),
            x1: min(x1, px(rect.maxX.rounded(.up))), y1: min(y1, px(rect.maxY.rounded(.up))))
    }
}
