import ChartCore

/// Pixels as a Sendable value: Cairo's ARGB32 layout (premultiplied alpha, one native
/// 32-bit word `0xAARRGGBB` per pixel), row-major, no row padding.
///
/// `pixel(x:y:)` returns the usual non-premultiplied `RGBA`.
public struct RasterImage: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public let width: Int
    public let height: Int
    /// Premultiplied ARGB32 words, `width * height` of them, row by row from the top.
    public private(set) var argb32: [UInt32]

    /// An image filled with one colour (transparent by default).
    public init(width: Int, height: Int, fill: RGBA = RGBA(r: 0, g: 0, b: 0, a: 0)) {
        precondition(width >= 0 && height >= 0, "negative image size")
        self.width = width
        self.height = height
        argb32 = Array(repeating: RasterImage.premultiply(fill), count: width * height)
    }

    /// An image over existing premultiplied ARGB32 words (`argb32.count == width * height`).
    public init(width: Int, height: Int, argb32: [UInt32]) {
        precondition(width >= 0 && height >= 0 && argb32.count == width * height, "pixel count does not match size")
        self.width = width
        self.height = height
        self.argb32 = argb32
    }

    /// The colour at (x, y), not premultiplied. `x` in 0..<width, `y` in 0..<height.
    public func pixel(x: Int, y: Int) -> RGBA {
        RasterImage.unpremultiply(argb32[index(x, y)])
    }

    /// The raw premultiplied word at (x, y).
    public func premultipliedPixel(x: Int, y: Int) -> UInt32 {
        argb32[index(x, y)]
    }

    /// Sets the pixel at (x, y) to a non-premultiplied colour.
    public mutating func setPixel(x: Int, y: Int, _ colour: RGBA) {
        argb32[index(x, y)] = RasterImage.premultiply(colour)
    }

    /// Whether every pixel has alpha 255 (such images encode as RGB PNGs).
    public var isOpaque: Bool {
        argb32.allSatisfy { $0 >> 24 == 0xFF }
    }

    /// A short summary (size, opacity, a checksum): test failures print this, not every pixel.
    public var description: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a over the words
        for word in argb32 { hash = (hash ^ UInt64(word)) &* 0x100_0000_01b3 }
        return "RasterImage(\(width)×\(height), \(isOpaque ? "opaque" : "with alpha"), fnv \(String(hash, radix: 16)))"
    }

    public var debugDescription: String { description }

    private func index(_ x: Int, _ y: Int) -> Int {
        precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel (\(x), \(y)) outside \(width)×\(height)")
        return y * width + x
    }

    /// Cairo's premultiplication (rounded), so values survive a PNG round trip exactly.
    public static func premultiply(_ c: RGBA) -> UInt32 {
        let a = UInt32(c.a)
        func mul(_ v: UInt8) -> UInt32 {
            let t = a * UInt32(v) + 0x80
            return (t + (t >> 8)) >> 8
        }
        return a << 24 | mul(c.r) << 16 | mul(c.g) << 8 | mul(c.b)
    }

    /// Inverse of `premultiply` (as Cairo's PNG writer does it); alpha 0 gives all zeros.
    public static func unpremultiply(_ word: UInt32) -> RGBA {
        let a = word >> 24
        if a == 0 { return RGBA(r: 0, g: 0, b: 0, a: 0) }
        if a == 255 {
            return RGBA(r: UInt8(truncatingIfNeeded: word >> 16), g: UInt8(truncatingIfNeeded: word >> 8),
                        b: UInt8(truncatingIfNeeded: word), a: 255)
        }
        func div(_ v: UInt32) -> UInt8 { UInt8(min(255, (v * 255 + a / 2) / a)) }
        return RGBA(r: div((word >> 16) & 0xFF), g: div((word >> 8) & 0xFF), b: div(word & 0xFF), a: UInt8(a))
    }
}
