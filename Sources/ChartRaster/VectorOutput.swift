import CCairo
import ChartCore
import ChartScene

/// The file formats a scene can be written as.
public enum OutputFormat: String, Sendable, Equatable, CaseIterable, Codable {
    /// 8-bit RGB(A) PNG from the image surface.
    case png
    /// SVG 1.1 from Cairo's SVG surface; text is drawn as glyph outlines of the bundled fonts.
    case svg
    /// PDF 1.5 from Cairo's PDF surface; the bundled fonts are embedded as subsets.
    case pdf

    /// The usual file extension (without the dot).
    public var fileExtension: String { rawValue }

    /// The media type, e.g. for an HTTP `Content-Type`.
    public var mediaType: String {
        switch self {
        case .png: return "image/png"
        case .svg: return "image/svg+xml"
        case .pdf: return "application/pdf"
        }
    }
}

extension Rasterizer {
    /// Draws `scene` and encodes it in `format`. PNG goes through `render` + `encodePNG`;
    /// SVG and PDF draw the same scene with the same painter on Cairo's vector surfaces, one
    /// scene pixel being one SVG user unit (`px`) or one PDF point, times `options.scale`.
    public static func encode(
        _ scene: Scene, as format: OutputFormat, fonts: FontLibrary, options: RasterOptions = RasterOptions()
    ) throws(RasterError) -> [UInt8] {
        switch format {
        case .png: return try renderPNG(scene, fonts: fonts, options: options)
        case .svg: return try renderVector(scene, kind: .svg, fonts: fonts, options: options)
        case .pdf: return try renderVector(scene, kind: .pdf, fonts: fonts, options: options)
        }
    }

    /// SVG bytes of `scene` (see `encode`).
    public static func renderSVG(_ scene: Scene, fonts: FontLibrary, options: RasterOptions = RasterOptions()) throws(RasterError) -> [UInt8] {
        try renderVector(scene, kind: .svg, fonts: fonts, options: options)
    }

    /// PDF bytes of `scene` (see `encode`).
    public static func renderPDF(_ scene: Scene, fonts: FontLibrary, options: RasterOptions = RasterOptions()) throws(RasterError) -> [UInt8] {
        try renderVector(scene, kind: .pdf, fonts: fonts, options: options)
    }

    enum VectorKind { case svg, pdf }

    /// Draws on a vector surface that streams into memory.
    ///
    /// Determinism: Cairo's SVG writer numbers glyphs and clip paths per document but names
    /// surfaces (`<g id="surface773">`) from a process-wide counter, so those ids are
    /// renumbered from 1 in order of appearance. Its PDF writer would stamp the current time
    /// as `CreationDate`, so the date is always set from `options.documentDate` (and the
    /// creator to "Graphshot"); cairo 1.16 writes a date given this way without the `D:`
    /// prefix, which PDF readers (poppler, pdf.js) accept. Font subsets are named from their
    /// glyph content. Tests compare two renders byte for byte.
    static func renderVector(
        _ scene: Scene, kind: VectorKind, fonts: FontLibrary, options: RasterOptions
    ) throws(RasterError) -> [UInt8] {
        let (width, height) = try deviceSize(scene.size, options: options)
        let sink = ByteSink()
        let closure = Unmanaged.passRetained(sink)
        defer { closure.release() }
        let write: cairo_write_func_t = { context, data, length in
            guard let context, let data else { return CAIRO_STATUS_WRITE_ERROR }
            let sink = Unmanaged<ByteSink>.fromOpaque(context).takeUnretainedValue()
            sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
            return CAIRO_STATUS_SUCCESS
        }
        let raw: OpaquePointer?
        switch kind {
        case .svg:
            raw = cairo_svg_surface_create_for_stream(write, closure.toOpaque(), Double(width), Double(height))
        case .pdf:
            raw = cairo_pdf_surface_create_for_stream(write, closure.toOpaque(), Double(width), Double(height))
        }
        guard let raw else { throw .cairo(status: -1, message: "cairo returned no vector surface") }
        let surface = try CairoSurface(taking: raw)
        switch kind {
        case .svg:
            cairo_svg_surface_restrict_to_version(surface.raw, CAIRO_SVG_VERSION_1_1)
            cairo_svg_surface_set_document_unit(surface.raw, CAIRO_SVG_UNIT_PX)
        case .pdf:
            cairo_pdf_surface_restrict_to_version(surface.raw, CAIRO_PDF_VERSION_1_5)
            let date = ISO8601.format(options.documentDate)
            cairo_pdf_surface_set_metadata(surface.raw, CAIRO_PDF_METADATA_CREATE_DATE, date)
            cairo_pdf_surface_set_metadata(surface.raw, CAIRO_PDF_METADATA_MOD_DATE, date)
            cairo_pdf_surface_set_metadata(surface.raw, CAIRO_PDF_METADATA_CREATOR, "Graphshot")
            if let title = options.documentTitle, !title.isEmpty {
                cairo_pdf_surface_set_metadata(surface.raw, CAIRO_PDF_METADATA_TITLE, title)
            }
        }
        do {
            let context = try CairoContext(surface: surface)
            let painter = Painter(
                cr: context.raw, fonts: fonts, options: options, direct: nil,
                canvas: PixelBox.canvas(width: width, height: height))
            painter.paint(scene)
            if kind == .pdf { cairo_show_page(context.raw) }
            let status = context.status
            guard status == CAIRO_STATUS_SUCCESS else { throw RasterError(cairoStatus: status) }
        }
        // Finishing writes the rest of the document (fonts, trailer) through `write`.
        surface.finish()
        let status = surface.status
        guard status == CAIRO_STATUS_SUCCESS else { throw RasterError(cairoStatus: status) }
        return kind == .svg ? renumberSurfaceIds(sink.bytes) : sink.bytes
    }

    /// Rewrites every `surface<digits>` token as `surface<k>`, k = 1, 2, … in order of first
    /// appearance (references and definitions alike). Glyph outlines are path data (numbers
    /// and the letters M, L, C, Z) and no text is written as text, so the token cannot occur
    /// anywhere else.
    static func renumberSurfaceIds(_ bytes: [UInt8]) -> [UInt8] {
        let token = Array("surface".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var numbers: [ArraySlice<UInt8>: Int] = [:]
        var i = 0
        while i < bytes.count {
            if bytes[i] == token[0], i + token.count < bytes.count, bytes[i..<(i + token.count)].elementsEqual(token) {
                var j = i + token.count
                while j < bytes.count, bytes[j] >= 0x30, bytes[j] <= 0x39 { j += 1 }
                if j > i + token.count {
                    let digits = bytes[(i + token.count)..<j]
                    let k: Int
                    if let known = numbers[digits] { k = known } else { k = numbers.count + 1; numbers[digits] = k }
                    out += token
                    out += Array(String(k).utf8)
                    i = j
                    continue
                }
            }
            out.append(bytes[i])
            i += 1
        }
        return out
    }
}

/// Collects what Cairo's stream writers emit.
private final class ByteSink {
    var bytes: [UInt8] = []
}
