import CCairo

/// Why a scene could not be rasterized, fonts could not be loaded, or a PNG could not be
/// encoded or decoded.
public enum RasterError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The scene's size is non-finite, below 1 px, or above `Rasterizer.maxDimension`.
    case invalidSize(width: Double, height: Double)
    /// The bundled fonts were not found; lists every directory searched.
    case fontsNotFound(searched: [String])
    /// A font file exists (or was named) but FreeType or Cairo could not load it.
    case fontLoad(path: String, reason: String)
    /// Cairo reported an error status (`cairo_status_t` raw value and its message).
    case cairo(status: Int, message: String)
    /// The libpng writer failed (a `cpng_status` code).
    case pngEncode(code: Int)
    /// The bytes are not a PNG Cairo can read, or decode to an unsupported format.
    case pngDecode(reason: String)
    /// `RasterOptions.scale` is not a finite number in `Rasterizer.scaleRange`.
    case invalidScale(Double)

    public var description: String {
        switch self {
        case .invalidSize(let w, let h):
            return "invalid canvas size \(w)×\(h) (each side must be finite and 1…\(Rasterizer.maxDimension) px, or up to \(Rasterizer.maxPixelSide) device pixels after scaling)"
        case .fontsNotFound(let searched):
            return "bundled fonts not found; looked in: " + searched.joined(separator: ", ")
        case .fontLoad(let path, let reason):
            return "cannot load font \(path): \(reason)"
        case .cairo(let status, let message):
            return "cairo error \(status): \(message)"
        case .pngEncode(let code):
            return "PNG encoding failed (cpng status \(code))"
        case .pngDecode(let reason):
            return "PNG decoding failed: \(reason)"
        case .invalidScale(let scale):
            return "invalid scale \(scale) (it must be between \(Rasterizer.scaleRange.lowerBound) and \(Rasterizer.scaleRange.upperBound))"
        }
    }

    init(cairoStatus status: cairo_status_t) {
        let message = cairo_status_to_string(status).map { String(cString: $0) } ?? "unknown"
        self = .cairo(status: Int(status.rawValue), message: message)
    }
}
