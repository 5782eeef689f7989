import CCairo

// One `final class` owns each Cairo pointer; `deinit` releases it. None of these types is
// Sendable: they are created, used and destroyed on the thread that renders. (Cairo
// pointers import as `OpaquePointer`, which is not Sendable either.)

/// An image surface (`cairo_surface_t *`).
final class CairoSurface {
    let raw: OpaquePointer

    /// A surface drawing into caller-owned memory. The caller must keep `data` alive and
    /// call `finish()` before releasing it.
    init(
        data: UnsafeMutablePointer<UInt8>, width: Int, height: Int, stride: Int
    ) throws(RasterError) {
        // cairo never returns NULL: on failure it hands back an error surface.
        raw = cairo_image_surface_create_for_data(
            data, CAIRO_FORMAT_ARGB32, Int32(width), Int32(height), Int32(stride))
        let status = cairo_surface_status(raw)
        guard status == CAIRO_STATUS_SUCCESS else {
            cairo_surface_destroy(raw)
            throw RasterError(cairoStatus: status)
        }
    }

    /// Takes ownership of a surface returned by a cairo constructor; checks its status.
    init(taking raw: OpaquePointer) throws(RasterError) {
        self.raw = raw
        let status = cairo_surface_status(raw)
        guard status == CAIRO_STATUS_SUCCESS else {
            cairo_surface_destroy(raw)
            throw RasterError(cairoStatus: status)
        }
    }

    var status: cairo_status_t { cairo_surface_status(raw) }

    func flush() { cairo_surface_flush(raw) }

    /// Flushes and detaches the surface from its memory; nothing is drawn afterwards.
    func finish() { cairo_surface_finish(raw) }

    deinit { cairo_surface_destroy(raw) }
}

/// A drawing context (`cairo_t *`).
final class CairoContext {
    let raw: OpaquePointer

    init(surface: CairoSurface) throws(RasterError) {
        raw = cairo_create(surface.raw)
        let status = cairo_status(raw)
        guard status == CAIRO_STATUS_SUCCESS else {
            cairo_destroy(raw)
            throw RasterError(cairoStatus: status)
        }
    }

    /// Cairo errors are sticky: once set, every later call is a no-op and this reports it.
    var status: cairo_status_t { cairo_status(raw) }

    deinit { cairo_destroy(raw) }
}

/// A font options object (`cairo_font_options_t *`).
final class CairoFontOptions {
    let raw: OpaquePointer

    /// The only options Graphshot uses: grey antialiasing, no hinting, unhinted metrics.
    /// These make text independent of FreeType's hinting engine and its settings, and make
    /// advances fractional and linear in the font size.
    static func deterministic() throws(RasterError) -> CairoFontOptions {
        let options = try CairoFontOptions()
        cairo_font_options_set_antialias(options.raw, CAIRO_ANTIALIAS_GRAY)
        cairo_font_options_set_hint_style(options.raw, CAIRO_HINT_STYLE_NONE)
        cairo_font_options_set_hint_metrics(options.raw, CAIRO_HINT_METRICS_OFF)
        cairo_font_options_set_subpixel_order(options.raw, CAIRO_SUBPIXEL_ORDER_DEFAULT)
        let status = cairo_font_options_status(options.raw)
        guard status == CAIRO_STATUS_SUCCESS else { throw RasterError(cairoStatus: status) }
        return options
    }

    private init() throws(RasterError) {
        raw = cairo_font_options_create()
        let status = cairo_font_options_status(raw)
        guard status == CAIRO_STATUS_SUCCESS else {
            cairo_font_options_destroy(raw)
            throw RasterError(cairoStatus: status)
        }
    }

    deinit { cairo_font_options_destroy(raw) }
}

/// A font face (`cairo_font_face_t *`).
final class CairoFontFace {
    let raw: OpaquePointer

    /// Takes ownership of one reference.
    init(taking raw: OpaquePointer) throws(RasterError) {
        self.raw = raw
        let status = cairo_font_face_status(raw)
        guard status == CAIRO_STATUS_SUCCESS else {
            cairo_font_face_destroy(raw)
            throw RasterError(cairoStatus: status)
        }
    }

    deinit { cairo_font_face_destroy(raw) }
}
