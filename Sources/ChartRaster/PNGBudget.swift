import CPNG
import ChartCore

/// zlib and filter settings of one PNG encode.
public struct PNGSettings: Sendable, Equatable, CustomStringConvertible {
    /// zlib level 0–9.
    public var level: Int
    /// Row filters (`CPNG_FILTER_*` bits); several let libpng choose per row.
    public var filters: Int
    /// zlib strategy (`CPNG_STRATEGY_*`).
    public var strategy: Int

    public init(level: Int, filters: Int, strategy: Int) {
        self.level = level; self.filters = filters; self.strategy = strategy
    }

    /// libpng's fastest useful settings (level 1, filter UP, run-length strategy). The default
    /// encoder (`encodePNG(_:)`) does not use libpng: it is faster and its files usually smaller.
    public static let fast = PNGSettings(level: 1, filters: Int(CPNG_FILTER_UP), strategy: Int(CPNG_STRATEGY_RLE))

    public var description: String { "level \(level), filters 0x\(String(filters, radix: 16)), strategy \(strategy)" }
}

/// How `Rasterizer.encodePNG(_:maxBytes:preferredColors:)` met (or missed) a byte budget.
public struct PNGBudgetOutcome: Sendable, Equatable {
    /// The smallest PNG found (the first that fits, in the order of the ladder).
    public var png: [UInt8]
    /// Whether `png.count <= maxBytes`.
    public var met: Bool
    /// Colours in the palette when the image was reduced to indexed colour, else nil
    /// (lossless RGB/RGBA).
    public var paletteSize: Int?
    /// True when the palette holds every colour of the image (nothing was lost).
    public var lossless: Bool
}

extension Rasterizer {
    /// Encodes with explicit zlib/filter settings.
    public static func encodePNG(_ image: RasterImage, settings: PNGSettings) throws(RasterError) -> [UInt8] {
        try encodeARGB32(image) { pixels, output, length in
            cpng_encode_argb32_with(
                pixels, Int32(image.width), Int32(image.height), Int32(image.width * 4),
                Int32(settings.level), Int32(settings.filters), Int32(settings.strategy), output, length)
        }
    }

    /// Encodes an indexed-colour PNG from a quantized image.
    public static func encodeIndexedPNG(_ image: QuantizedImage, settings: PNGSettings) throws(RasterError) -> [UInt8] {
        guard image.width > 0, image.height > 0 else { throw .invalidSize(width: Double(image.width), height: Double(image.height)) }
        let palette = image.palette.flatMap { [$0.r, $0.g, $0.b, $0.a] }
        return try encoded { output, length in
            image.indices.withUnsafeBufferPointer { indices in
                palette.withUnsafeBufferPointer { entries in
                    cpng_encode_indexed(
                        indices.baseAddress, Int32(image.width), Int32(image.height),
                        entries.baseAddress, Int32(image.palette.count),
                        Int32(settings.level), Int32(settings.filters), Int32(settings.strategy),
                        output, length)
                }
            }
        }
    }

    /// Lossless settings tried, in order, after the default when a budget is not met.
    static let losslessLadder: [PNGSettings] = [
        PNGSettings(level: 9, filters: Int(CPNG_FILTER_ALL), strategy: Int(CPNG_STRATEGY_DEFAULT)),
        PNGSettings(level: 9, filters: Int(CPNG_FILTER_UP), strategy: Int(CPNG_STRATEGY_DEFAULT)),
        PNGSettings(level: 9, filters: Int(CPNG_FILTER_ALL), strategy: Int(CPNG_STRATEGY_FILTERED)),
    ]

    /// Settings tried for indexed images (palette images usually compress best unfiltered).
    static let indexedLadder: [PNGSettings] = [
        PNGSettings(level: 9, filters: Int(CPNG_FILTER_NONE), strategy: Int(CPNG_STRATEGY_DEFAULT)),
        PNGSettings(level: 9, filters: Int(CPNG_FILTER_ALL), strategy: Int(CPNG_STRATEGY_DEFAULT)),
    ]

    /// Palette sizes tried, largest first.
    static let paletteSizes = [256, 128, 64, 32, 16, 8, 4, 2]

    /// A PNG of at most `maxBytes` bytes if one can be made, trying in order:
    /// 1. the default encoding (`encodePNG(_:)`, built for speed);
    /// 2. stronger lossless compression (zlib level 9 with other filters and strategies);
    /// 3. indexed colour with the largest palette of 256, 128, … 2 colours (`ColorQuantizer`)
    ///    that fits, each encoded with the settings of `indexedLadder`; `preferredColors` (the
    ///    theme and series colours the scene drew) get palette entries first so lines, text
    ///    and backgrounds keep their exact colour while anti-aliasing shades are merged.
    ///
    /// Stops at the first step that fits. When none fits, returns the smallest PNG made, with
    /// `met == false`.
    public static func encodePNG(
        _ image: RasterImage, maxBytes: Int, preferredColors: [RGBA] = []
    ) throws(RasterError) -> PNGBudgetOutcome {
        var best = try encodePNG(image)
        if best.count <= maxBytes { return PNGBudgetOutcome(png: best, met: true, paletteSize: nil, lossless: true) }
        for settings in losslessLadder {
            let png = try encodePNG(image, settings: settings)
            if png.count < best.count { best = png }
            if png.count <= maxBytes { return PNGBudgetOutcome(png: png, met: true, paletteSize: nil, lossless: true) }
        }
        var bestPalette: Int?
        var bestLossless = true
        let histogram = ColorQuantizer.histogram(image)
        // Bytes shrink with the palette, so search the sizes (largest first) by bisection for
        // the largest palette that fits: 3–4 quantizations instead of 8.
        var fitting: PNGBudgetOutcome?
        var low = 0, high = paletteSizes.count - 1
        while low <= high {
            let mid = (low + high) / 2
            let quantized = ColorQuantizer.quantize(image, histogram: histogram, maxColors: paletteSizes[mid], preferred: preferredColors)
            let lossless = quantized.palette.count >= histogram.count
            var smallest: [UInt8]?
            for settings in indexedLadder {
                let png = try encodeIndexedPNG(quantized, settings: settings)
                if smallest == nil || png.count < smallest!.count { smallest = png }
            }
            guard let png = smallest else { break }
            if png.count < best.count { best = png; bestPalette = quantized.palette.count; bestLossless = lossless }
            if png.count <= maxBytes {
                fitting = PNGBudgetOutcome(png: png, met: true, paletteSize: quantized.palette.count, lossless: lossless)
                high = mid - 1  // try more colours
            } else {
                low = mid + 1  // fewer colours
            }
        }
        if let fitting { return fitting }
        return PNGBudgetOutcome(png: best, met: false, paletteSize: bestPalette, lossless: bestLossless)
    }
}

/// An image as palette indices.
public struct QuantizedImage: Sendable, Equatable {
    public var width: Int
    public var height: Int
    /// Non-premultiplied colours, at most 256.
    public var palette: [RGBA]
    /// One index into `palette` per pixel, row by row.
    public var indices: [UInt8]

    public init(width: Int, height: Int, palette: [RGBA], indices: [UInt8]) {
        self.width = width; self.height = height; self.palette = palette; self.indices = indices
    }
}

/// Reduces an image to at most 256 colours for indexed PNGs.
///
/// Written here because no library on Graphshot's list does it: libimagequant (pngquant's
/// library) is GPL-3 licensed, and Cairo, libpng and zlib do not quantize. The method is
/// median cut over the colour histogram, with two twists for charts:
/// - preferred colours (background, text, series colours) that occur in the image are taken
///   as palette entries first, exactly, so solid pixels keep their colour;
/// - no dithering: charts are flat colours and anti-aliased edges, where dithering adds
///   noise and bytes.
/// Everything is deterministic: ties break on the colour value.
public enum ColorQuantizer {
    /// Distinct premultiplied ARGB32 words and how often each occurs.
    public static func histogram(_ image: RasterImage) -> [UInt32: Int] {
        var counts: [UInt32: Int] = [:]
        var previous: UInt32 = 0
        var run = 0
        for word in image.argb32 {
            if word == previous && run > 0 { run += 1; continue }
            if run > 0 { counts[previous, default: 0] += run }
            previous = word
            run = 1
        }
        if run > 0 { counts[previous, default: 0] += run }
        return counts
    }

    public static func quantize(
        _ image: RasterImage, histogram: [UInt32: Int]? = nil, maxColors: Int, preferred: [RGBA] = []
    ) -> QuantizedImage {
        let counts = histogram ?? self.histogram(image)
        let limit = max(1, min(256, maxColors))
        // Deterministic order: most frequent first, then by value.
        let colors = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }

        var palette: [UInt32] = []
        if colors.count <= limit {
            palette = colors.map(\.key)
        } else {
            // Preferred colours present in the image, at most half the palette.
            var taken = Set<UInt32>()
            for color in preferred {
                let word = RasterImage.premultiply(color)
                guard counts[word] != nil, !taken.contains(word), palette.count < limit / 2 else { continue }
                taken.insert(word)
                palette.append(word)
            }
            let rest = colors.filter { !taken.contains($0.key) }
            palette += medianCut(rest.map { ($0.key, $0.value) }, boxes: limit - palette.count)
        }

        // Map each distinct colour to its nearest palette entry once, then every pixel.
        var index: [UInt32: UInt8] = [:]
        index.reserveCapacity(counts.count)
        for (word, _) in counts { index[word] = UInt8(nearest(word, in: palette)) }
        var indices = [UInt8](repeating: 0, count: image.argb32.count)
        for (i, word) in image.argb32.enumerated() { indices[i] = index[word] ?? 0 }
        return QuantizedImage(
            width: image.width, height: image.height,
            palette: palette.map(RasterImage.unpremultiply), indices: indices)
    }

    /// Channels of a premultiplied word: a, r, g, b.
    @inline(__always) static func channel(_ word: UInt32, _ c: Int) -> Int { Int((word >> UInt32(24 - 8 * c)) & 0xFF) }

    /// Median cut: splits the weighted colour set into `boxes` boxes (fewer when it runs out
    /// of colours) and returns each box's weighted mean.
    static func medianCut(_ colors: [(word: UInt32, count: Int)], boxes: Int) -> [UInt32] {
        guard !colors.isEmpty, boxes > 0 else { return [] }
        var work: [Box] = [Box(colors)]
        while work.count < boxes {
            // Split the box with the largest (channel range × pixel count); stop when every
            // box holds a single colour.
            var chosen = -1
            var bestScore = 0
            for (k, box) in work.enumerated() where box.colors.count > 1 && box.score > bestScore {
                bestScore = box.score
                chosen = k
            }
            guard chosen >= 0 else { break }
            let box = work[chosen]
            let c = box.widest
            let sorted = box.colors.sorted {
                let a = channel($0.word, c), b = channel($1.word, c)
                return a != b ? a < b : $0.word < $1.word
            }
            var running = 0
            var cut = sorted.count - 1
            for (i, entry) in sorted.enumerated() {
                running += entry.count
                if running * 2 >= box.pixels { cut = min(max(1, i + 1), sorted.count - 1); break }
            }
            work[chosen] = Box(Array(sorted[..<cut]))
            work.append(Box(Array(sorted[cut...])))
        }
        return work.map(\.mean)
    }

    /// A median-cut box with its extent computed once.
    struct Box {
        var colors: [(word: UInt32, count: Int)]
        var pixels = 0
        /// The channel (a, r, g, b) with the widest range.
        var widest = 0
        /// Widest range × pixels.
        var score = 0
        var mean: UInt32 = 0

        init(_ colors: [(word: UInt32, count: Int)]) {
            self.colors = colors
            var lo = (255, 255, 255, 255), hi = (0, 0, 0, 0)
            var sums = (0, 0, 0, 0)
            for (word, count) in colors {
                pixels += count
                let a = channel(word, 0), r = channel(word, 1), g = channel(word, 2), b = channel(word, 3)
                lo = (min(lo.0, a), min(lo.1, r), min(lo.2, g), min(lo.3, b))
                hi = (max(hi.0, a), max(hi.1, r), max(hi.2, g), max(hi.3, b))
                sums = (sums.0 + a * count, sums.1 + r * count, sums.2 + g * count, sums.3 + b * count)
            }
            let ranges = [hi.0 - lo.0, hi.1 - lo.1, hi.2 - lo.2, hi.3 - lo.3]
            for c in 1..<4 where ranges[c] > ranges[widest] { widest = c }
            score = ranges[widest] * pixels
            let n = max(1, pixels)
            func avg(_ v: Int) -> UInt32 { UInt32((v + n / 2) / n) }
            // Keep it a valid premultiplied word: colour channels never exceed alpha.
            let alpha = avg(sums.0)
            mean = alpha << 24 | min(avg(sums.1), alpha) << 16 | min(avg(sums.2), alpha) << 8 | min(avg(sums.3), alpha)
        }
    }

    /// Index of the palette entry closest to `word` (squared distance over a, r, g, b).
    static func nearest(_ word: UInt32, in palette: [UInt32]) -> Int {
        var best = 0
        var bestDistance = Int.max
        let a = channel(word, 0), r = channel(word, 1), g = channel(word, 2), b = channel(word, 3)
        for (i, entry) in palette.enumerated() {
            let da = a - channel(entry, 0), dr = r - channel(entry, 1), dg = g - channel(entry, 2), db = b - channel(entry, 3)
            let d = da * da + dr * dr + dg * dg + db * db
            if d < bestDistance {
                bestDistance = d
                best = i
                if d == 0 { break }
            }
        }
        return best
    }
}
