import CCairo
import ChartScene
import Foundation
import GraphshotFonts
import Synchronization

/// The two bundled faces (regular and bold), loaded once through FreeType by file path and
/// shared by every render and measurement. Never touches fontconfig or the toy font API.
///
/// Thread safety: the FreeType faces are created in `init` and released only when Cairo
/// drops its last reference to them; Cairo locks each face internally while using it, and
/// the scaled-font cache is behind a mutex. One instance can be shared by any number of
/// threads rendering and measuring at the same time.
public final class FontLibrary: @unchecked Sendable {
    /// The directory the faces were loaded from.
    public let directory: String

    let regularFace: CairoFontFace
    let boldFace: CairoFontFace
    let options: CairoFontOptions
    private let scaledFonts = Mutex<[FontSpec: ScaledFont]>([:])

    /// Upper bound of the scaled-font cache; layout uses a handful of sizes, so this only
    /// guards against unbounded growth from odd inputs.
    static let scaledFontCacheLimit = 256

    /// The bundled fonts, found by `GraphshotFonts.directory()` and loaded on first use.
    /// Later calls return the same instance (or the same error).
    public static func bundled() throws(RasterError) -> FontLibrary {
        try sharedBundled.get()
    }

    private static let sharedBundled: Result<FontLibrary, RasterError> = {
        let directory: String
        do throws(FontLookupError) {
            directory = try GraphshotFonts.directory()
        } catch {
            return .failure(.fontsNotFound(searched: error.searched))
        }
        do throws(RasterError) {
            return .success(try FontLibrary(directory: directory))
        } catch {
            return .failure(error)
        }
    }()

    /// Loads `GraphshotFonts.regularFileName` and `GraphshotFonts.boldFileName` from `directory`.
    public convenience init(directory: String) throws(RasterError) {
        try self.init(
            regularPath: directory + "/" + GraphshotFonts.regularFileName,
            boldPath: directory + "/" + GraphshotFonts.boldFileName,
            directory: directory)
    }

    /// Loads two TrueType files by path (for tests and custom fonts).
    public convenience init(regularPath: String, boldPath: String) throws(RasterError) {
        try self.init(
            regularPath: regularPath, boldPath: boldPath,
            directory: (regularPath as NSString).deletingLastPathComponent)
    }

    private init(regularPath: String, boldPath: String, directory: String) throws(RasterError) {
        self.directory = directory
        let library = try FreeTypeLibrary()
        regularFace = try library.loadCairoFace(path: regularPath)
        boldFace = try library.loadCairoFace(path: boldPath)
        options = try CairoFontOptions.deterministic()
    }

    func face(bold: Bool) -> CairoFontFace { bold ? boldFace : regularFace }

    /// The scaled font for `spec`, or nil when the size is not a positive finite number
    /// (or Cairo refuses it). Cached per (face, size).
    func scaledFont(_ spec: FontSpec) -> ScaledFont? {
        guard spec.size.isFinite, spec.size > 0, spec.size < 100_000 else { return nil }
        if let cached = scaledFonts.withLock({ $0[spec] }) { return cached }
        // Create outside the lock; a concurrent duplicate is harmless (the first stored wins).
        guard let created = ScaledFont(face: face(bold: spec.bold), size: spec.size, options: options) else {
            return nil
        }
        return scaledFonts.withLock { cache in
            if let existing = cache[spec] { return existing }
            if cache.count >= FontLibrary.scaledFontCacheLimit { cache.removeAll() }
            cache[spec] = created
            return created
        }
    }

    /// Measures one line of text (see `FontMeasurer`).
    public func measure(_ text: String, font: FontSpec) -> TextBox {
        guard let scaled = scaledFont(font) else { return TextBox(width: 0, ascent: 0, descent: 0) }
        return TextBox(width: scaled.advance(text), ascent: scaled.ascent, descent: scaled.descent)
    }
}

/// A `cairo_scaled_font_t` at one size with the deterministic options and an identity CTM.
/// Cairo locks scaled fonts internally, so one instance may be used from several threads.
final class ScaledFont: @unchecked Sendable {
    let raw: OpaquePointer
    /// Font-wide ascent and descent (not the ink of any particular text), in pixels.
    let ascent: Double
    let descent: Double

    init?(face: CairoFontFace, size: Double, options: CairoFontOptions) {
        var fontMatrix = cairo_matrix_t()
        var ctm = cairo_matrix_t()
        cairo_matrix_init_scale(&fontMatrix, size, size)
        cairo_matrix_init_identity(&ctm)
        guard let raw = cairo_scaled_font_create(face.raw, &fontMatrix, &ctm, options.raw) else { return nil }
        guard cairo_scaled_font_status(raw) == CAIRO_STATUS_SUCCESS else {
            cairo_scaled_font_destroy(raw)
            return nil
        }
        var extents = cairo_font_extents_t()
        cairo_scaled_font_extents(raw, &extents)
        self.raw = raw
        ascent = extents.ascent
        descent = extents.descent
    }

    /// The advance width of `text` (sum of glyph advances; Cairo does no kerning).
    func advance(_ text: String) -> Double {
        if text.isEmpty { return 0 }
        var extents = cairo_text_extents_t()
        text.withCString { cairo_scaled_font_text_extents(raw, $0, &extents) }
        return extents.x_advance.isFinite ? extents.x_advance : 0
    }

    deinit { cairo_scaled_font_destroy(raw) }
}

/// `TextMeasurer` backed by the real fonts: the same faces, sizes and options the
/// rasterizer draws with, so layout's measurements match the pixels.
///
/// `width` is the advance width, `ascent`/`descent` the font-wide extents at that size.
/// Fast (scaled fonts are cached per face and size) and safe to call from several threads.
public struct FontMeasurer: TextMeasurer {
    public let fonts: FontLibrary

    public init(fonts: FontLibrary) { self.fonts = fonts }

    /// A measurer over `FontLibrary.bundled()`.
    public static func bundled() throws(RasterError) -> FontMeasurer {
        FontMeasurer(fonts: try FontLibrary.bundled())
    }

    public func measure(_ text: String, font: FontSpec) -> TextBox {
        fonts.measure(text, font: font)
    }
}

// MARK: - FreeType

/// FreeType's `FT_Library` is not safe for concurrent face creation/destruction; every
/// `FT_New_Face`/`FT_Done_Face`/`FT_Done_FreeType` (and the environment change) happens
/// under this lock.
private let freeTypeLock = Mutex<Void>(())

/// Owns an `FT_Library`. Each loaded face keeps a strong reference, so the library is
/// released only after Cairo has released the last face.
private final class FreeTypeLibrary: @unchecked Sendable {
    let raw: FT_Library

    init() throws(RasterError) {
        var library: FT_Library?
        let error: FT_Error = freeTypeLock.withLock { _ in
            // FREETYPE_PROPERTIES can change how FreeType rasterizes (interpreter version,
            // stem darkening); clear it so output does not depend on the environment.
            unsetenv("FREETYPE_PROPERTIES")
            return FT_Init_FreeType(&library)
        }
        guard error == 0, let library else {
            throw .fontLoad(path: "", reason: "FT_Init_FreeType failed with FreeType error \(error)")
        }
        raw = library
    }

    /// Loads face 0 of a font file and wraps it in a Cairo font face that owns it.
    func loadCairoFace(path: String) throws(RasterError) -> CairoFontFace {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw .fontLoad(path: path, reason: "file not found or not readable")
        }
        var face: FT_Face?
        let error: FT_Error = freeTypeLock.withLock { _ in FT_New_Face(raw, path, 0, &face) }
        guard error == 0, let face else {
            throw .fontLoad(path: path, reason: "FT_New_Face failed with FreeType error \(error)")
        }
        let owner = FreeTypeFace(face: face, library: self)
        guard let rawCairoFace = cairo_ft_font_face_create_for_ft_face(face, 0) else {
            throw .fontLoad(path: path, reason: "cairo_ft_font_face_create_for_ft_face returned NULL")
        }
        let cairoFace = try CairoFontFace(taking: rawCairoFace)
        // The Cairo face must keep the FT_Face alive for as long as Cairo uses it, which can
        // be longer than our reference (scaled-font caches). Cairo calls the destroy
        // function when the face's last reference goes.
        let context = Unmanaged.passRetained(owner).toOpaque()
        let status = cairo_font_face_set_user_data(cairoFace.raw, ftFaceUserDataKey, context) { pointer in
            guard let pointer else { return }
            Unmanaged<FreeTypeFace>.fromOpaque(pointer).release()
        }
        guard status == CAIRO_STATUS_SUCCESS else {
            Unmanaged<FreeTypeFace>.fromOpaque(context).release()
            throw RasterError(cairoStatus: status)
        }
        return cairoFace
    }

    deinit {
        let raw = self.raw
        freeTypeLock.withLock { _ in _ = FT_Done_FreeType(raw) }
    }
}

/// Owns an `FT_Face`; released from Cairo's user-data destroy callback.
private final class FreeTypeFace {
    let face: FT_Face
    let library: FreeTypeLibrary

    init(face: FT_Face, library: FreeTypeLibrary) {
        self.face = face
        self.library = library
    }

    deinit {
        let face = self.face
        freeTypeLock.withLock { _ in _ = FT_Done_Face(face) }
    }
}

/// The user-data key that ties an `FT_Face` to its Cairo font face. Cairo compares keys by
/// address, so it lives in memory that is never freed or moved.
nonisolated(unsafe) private let ftFaceUserDataKey: UnsafeMutablePointer<cairo_user_data_key_t> = {
    let key = UnsafeMutablePointer<cairo_user_data_key_t>.allocate(capacity: 1)
    key.initialize(to: cairo_user_data_key_t())
    return key
}()
