import ChartCore

/// Maps data values to pixel rows and times to pixel columns inside the plot.
struct PlotMapping {
    var plot: Rect
    var start: EpochSeconds
    var end: EpochSeconds
    var lower: Double
    var upper: Double

    /// Pixel coordinates are clamped to a generous band around the canvas so extreme values
    /// stay finite and cheap for the rasterizer while clipping still shows the line leaving the plot.
    private static let limit = 1.0e6

    func x(_ t: EpochSeconds) -> Double {
        let span = Double(end - start)
        guard span > 0 else { return plot.minX }
        return clamp(plot.minX + Double(t - start) / span * plot.width)
    }

    func y(_ v: Double) -> Double {
        let span = upper - lower
        guard span > 0, span.isFinite else { return plot.midY }
        return clamp(plot.maxY - (v - lower) / span * plot.height)
    }

    private func clamp(_ p: Double) -> Double {
        guard p.isFinite else { return p.isNaN ? 0 : (p > 0 ? PlotMapping.limit : -PlotMapping.limit) }
        return min(PlotMapping.limit, max(-PlotMapping.limit, p))
    }
}

/// A series turned into drawable pieces: line runs (gaps break them) and isolated dots.
struct SeriesPath {
    /// Points with `nil` where the line breaks.
    var points: [Point?]
    /// Points that have no present neighbour on either side.
    var dots: [Point]
}

enum SeriesPathBuilder {
    /// Builds the path of one series on its bucket grid.
    ///
    /// A missing bucket (NaN) breaks the line: Graphshot draws gaps where data is missing
    /// rather than bridging them, so sparse metrics show as what they are; a point with no
    /// neighbour on either side is drawn as a dot (visual spec §6). When a run of points is
    /// denser than 4 per pixel column it is reduced to first/min/max/last per column (M4)
    /// before stroking — visually identical at 1:1, and far cheaper to draw.
    static func build(timestamps: [EpochSeconds], values: [Double], mapping: PlotMapping) -> SeriesPath {
        let n = min(timestamps.count, values.count)
        var points: [Point?] = []
        var dots: [Point] = []
        let columns = max(1, Int(mapping.plot.width.rounded(.up)))
        let decimate = n > 4 * columns
        points.reserveCapacity(decimate ? 4 * columns + 16 : n + 8)

        var i = 0
        while i < n {
            // Skip missing values, then take the run of present ones.
            guard !values[i].isNaN else { i += 1; continue }
            var j = i
            while j < n && !values[j].isNaN { j += 1 }
            if j - i == 1 {
                dots.append(Point(x: mapping.x(timestamps[i]), y: mapping.y(values[i])))
            } else {
                if !points.isEmpty { points.append(nil) }
                if decimate {
                    appendDecimated(timestamps, values, i..<j, mapping: mapping, into: &points)
                } else {
                    for k in i..<j { points.append(Point(x: mapping.x(timestamps[k]), y: mapping.y(values[k]))) }
                }
            }
            i = j
        }
        return SeriesPath(points: points, dots: dots)
    }

    /// M4 reduction of one gap-free run: per integer pixel column, the first, minimum,
    /// maximum and last points, in time order.
    private static func appendDecimated(
        _ timestamps: [EpochSeconds], _ values: [Double], _ range: Range<Int>, mapping: PlotMapping, into points: inout [Point?]
    ) {
        var k = range.lowerBound
        while k < range.upperBound {
            let x0 = mapping.x(timestamps[k])
            let column = x0.rounded(.down)
            let firstIndex = k
            var lastIndex = k, minIndex = k, maxIndex = k
            var m = k + 1
            while m < range.upperBound, mapping.x(timestamps[m]).rounded(.down) == column {
                if values[m] < values[minIndex] { minIndex = m }
                if values[m] > values[maxIndex] { maxIndex = m }
                lastIndex = m
                m += 1
            }
            var picked = [firstIndex, minIndex, maxIndex, lastIndex]
            picked.sort()
            var previous = -1
            for index in picked where index != previous {
                points.append(Point(x: mapping.x(timestamps[index]), y: mapping.y(values[index])))
                previous = index
            }
            k = m
        }
    }
}
