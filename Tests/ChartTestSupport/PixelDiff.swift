import ChartCore
import ChartRaster

/// How much two images differ.
///
/// Channels are compared on Cairo's premultiplied values (for opaque pixels, the plain
/// RGBA values), so faint antialiasing over a transparent background cannot blow up into
/// large colour differences.
public struct PixelDiff: Sendable, Equatable, CustomStringConvertible {
    /// Pixels where any channel differs by more than `channelTolerance`.
    public var differing: Int
    /// Pixels compared.
    public var total: Int
    /// Root mean square of every channel difference (all pixels, all four channels),
    /// on the 0–255 scale.
    public var rms: Double
    /// Largest single channel difference.
    public var maxChannelDelta: Int
    public var channelTolerance: Int

    /// Largest passing share of differing pixels (0.1 %).
    public static let maxDifferingFraction = 0.001
    /// Largest passing RMS.
    public static let maxRMS = 1.0

    public init(differing: Int, total: Int, rms: Double, maxChannelDelta: Int, channelTolerance: Int) {
        self.differing = differing
        self.total = total
        self.rms = rms
        self.maxChannelDelta = maxChannelDelta
        self.channelTolerance = channelTolerance
    }

    public var differingFraction: Double { total == 0 ? 0 : Double(differing) / Double(total) }

    /// Differing ≤ 0.1 % of pixels and RMS ≤ 1.0.
    public var passes: Bool {
        Double(differing) <= PixelDiff.maxDifferingFraction * Double(total) && rms <= PixelDiff.maxRMS
    }

    public var description: String {
        let percent = (differingFraction * 100_000).rounded() / 1000
        let rmsText = (rms * 1000).rounded() / 1000
        return "\(differing) of \(total) pixels differ (\(percent) %, tolerance ±\(channelTolerance)), "
            + "rms \(rmsText), max channel delta \(maxChannelDelta)"
    }

    /// Compares two images; nil when their sizes differ.
    public static func compare(_ actual: RasterImage, _ expected: RasterImage, channelTolerance: Int = 3) -> PixelDiff? {
        guard actual.width == expected.width, actual.height == expected.height else { return nil }
        var differing = 0
        var sumSquares = 0.0
        var maxDelta = 0
        actual.argb32.withUnsafeBufferPointer { a in
            expected.argb32.withUnsafeBufferPointer { b in
                for i in 0..<a.count where a[i] != b[i] {
                    var pixelDiffers = false
                    var shift: UInt32 = 0
                    while shift < 32 {
                        let d = abs(Int((a[i] >> shift) & 0xFF) - Int((b[i] >> shift) & 0xFF))
                        if d > channelTolerance { pixelDiffers = true }
                        if d > maxDelta { maxDelta = d }
                        sumSquares += Double(d * d)
                        shift += 8
                    }
                    if pixelDiffers { differing += 1 }
                }
            }
        }
        let total = actual.width * actual.height
        let rms = total == 0 ? 0 : (sumSquares / Double(total * 4)).squareRoot()
        return PixelDiff(differing: differing, total: total, rms: rms, maxChannelDelta: maxDelta, channelTolerance: channelTolerance)
    }

    /// A picture of the differences: the expected image faded towards white, with every
    /// differing pixel magenta. Nil when the sizes differ.
    public static func diffImage(_ actual: RasterImage, _ expected: RasterImage, channelTolerance: Int = 3) -> RasterImage? {
        guard actual.width == expected.width, actual.height == expected.height else { return nil }
        var out = RasterImage(width: expected.width, height: expected.height, fill: .white)
        let magenta = RGBA(r: 255, g: 0, b: 255)
        for y in 0..<expected.height {
            for x in 0..<expected.width {
                let a = actual.premultipliedPixel(x: x, y: y)
                let b = expected.premultipliedPixel(x: x, y: y)
                var differs = false
                var shift: UInt32 = 0
                while shift < 32 {
                    if abs(Int((a >> shift) & 0xFF) - Int((b >> shift) & 0xFF)) > channelTolerance { differs = true }
                    shift += 8
                }
                if differs {
                    out.setPixel(x: x, y: y, magenta)
                } else {
                    // Composite over white, then keep a quarter of the contrast.
                    let c = expected.pixel(x: x, y: y)
                    func fade(_ v: UInt8) -> UInt8 {
                        let over = 255 - (255 - Int(v)) * Int(c.a) / 255
                        return UInt8(255 - (255 - over) / 4)
                    }
                    out.setPixel(x: x, y: y, RGBA(r: fade(c.r), g: fade(c.g), b: fade(c.b)))
                }
            }
        }
        return out
    }
}
