import ChartLayout
import ChartRaster
import Foundation

// The output and description types users of the façade see.
@_exported import enum ChartRaster.OutputFormat
@_exported import struct ChartLayout.ChartDescription
@_exported import struct ChartLayout.AxisDescription
@_exported import struct ChartLayout.TickDescription
@_exported import struct ChartLayout.SeriesDescription
@_exported import struct ChartLayout.LegendEntryDescription
@_exported import struct ChartLayout.AnnotationDescription

/// The sidecar of a render: what was drawn, as JSON-ready data (see the README section
/// "Sidecar JSON" for the schema). Field names are stable within a `formatVersion`.
public struct RenderSidecar: Codable, Sendable, Equatable {
    /// The version of this layout of fields; bumped only when a field is renamed or removed.
    public static let currentFormatVersion = 1

    public var formatVersion: Int
    /// `png`, `svg` or `pdf`.
    public var format: OutputFormat
    /// Layout size in pixels (every coordinate below is in this space).
    public var width: Double
    public var height: Double
    /// Output pixels (or vector units) per layout pixel.
    public var scale: Double
    /// The output's size in device pixels: `width × scale`, `height × scale`, rounded.
    public var pixelWidth: Int
    public var pixelHeight: Int
    /// Size of the encoded image in bytes.
    public var bytes: Int
    /// For PNGs reduced to meet a byte budget: the palette size; nil for full-colour output.
    public var paletteColors: Int?
    /// The widget's `view`, `title` and display `timezone`.
    public var view: String
    public var title: String?
    public var timezone: String
    /// The resolved time range `[start, end)`, epoch seconds and ISO 8601 (UTC).
    public var start: EpochSeconds
    public var end: EpochSeconds
    public var startTime: String
    public var endTime: String
    /// The plot rectangle; nil for views without one.
    public var plot: Rect?
    public var axes: [AxisDescription]
    public var series: [SeriesDescription]
    public var legend: [LegendEntryDescription]
    public var annotations: [AnnotationDescription]
    public var warnings: [RenderWarning]

    /// Pretty-printed JSON with sorted keys, ending in a newline.
    public func jsonBytes() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Every number in a sidecar is finite (missing values are null), so encoding cannot fail.
        guard let data = try? encoder.encode(self) else { return Array("{}\n".utf8) }
        return Array(data) + [10]
    }
}

extension RenderWarning {
    /// `warning: <code>: <message>` or `warning: <code> [<id>]: <message>`: how the CLI
    /// prints warnings on standard error (after its `graphshot: ` prefix).
    public var line: String { "warning: \(description)" }
}

extension Renderer {
    /// Encodes a laid-out widget as `options` ask and describes the result.
    public func output(_ laidOut: SceneResult, options: RenderOptions) throws(GraphshotError) -> RenderResult {
        var warnings = laidOut.warnings
        let encoded = try encode(laidOut.scene, options: options, title: laidOut.widget.title, warnings: &warnings)
        let c = laidOut.chart
        let sidecar = RenderSidecar(
            formatVersion: RenderSidecar.currentFormatVersion, format: options.format,
            width: laidOut.scene.size.width, height: laidOut.scene.size.height, scale: options.scale,
            pixelWidth: encoded.pixelWidth, pixelHeight: encoded.pixelHeight, bytes: encoded.bytes.count,
            paletteColors: encoded.paletteColors,
            view: laidOut.widget.view.rawValue, title: laidOut.widget.title, timezone: laidOut.widget.timezone.identifier,
            start: laidOut.start, end: laidOut.end,
            startTime: ISO8601.format(laidOut.start), endTime: ISO8601.format(laidOut.end),
            plot: c.plot, axes: c.axes, series: c.series, legend: c.legend, annotations: c.annotations, warnings: warnings)
        return RenderResult(image: encoded.bytes, format: options.format, warnings: warnings, scene: laidOut.scene, sidecar: sidecar)
    }

    /// An encoded image and what the encoder did.
    public struct EncodedImage: Sendable {
        public var bytes: [UInt8]
        public var pixelWidth: Int
        public var pixelHeight: Int
        /// Palette size when a byte budget forced indexed colour.
        public var paletteColors: Int?
    }

    /// Draws `scene` in `options.format` at `options.scale`, meeting `options.maxBytes` when it
    /// can; appends `byteBudgetExceeded` to `warnings` when it cannot. `maxSceneSide` raises
    /// the scene size limit (composed dashboards).
    public func encode(
        _ scene: Scene, options: RenderOptions, title: String? = nil, warnings: inout [RenderWarning],
        maxSceneSide: Int = Rasterizer.maxDimension
    ) throws(GraphshotError) -> EncodedImage {
        let raster = RasterOptions(
            scale: options.scale, maxSceneSide: maxSceneSide, documentDate: options.now, documentTitle: title)
        do {
            let size = try Rasterizer.deviceSize(scene.size, options: raster)
            var bytes: [UInt8]
            var palette: Int?
            switch options.format {
            case .png:
                let image = try Rasterizer.render(scene, fonts: fonts, options: raster)
                if let maxBytes = options.maxBytes {
                    let outcome = try Rasterizer.encodePNG(image, maxBytes: maxBytes, preferredColors: scene.solidColors)
                    bytes = outcome.png
                    palette = outcome.paletteSize
                } else {
                    bytes = try Rasterizer.encodePNG(image)
                }
            case .svg, .pdf:
                bytes = try Rasterizer.encode(scene, as: options.format, fonts: fonts, options: raster)
            }
            if let maxBytes = options.maxBytes, bytes.count > maxBytes {
                let how = options.format == .png
                    ? "even with maximum compression and \(palette ?? 256) colours"
                    : "\(options.format.rawValue.uppercased()) output cannot be compressed further"
                warnings.append(RenderWarning(
                    code: "byteBudgetExceeded",
                    message: "the image is \(bytes.count) bytes, over the budget of \(maxBytes) bytes (\(how))"))
            }
            return EncodedImage(bytes: bytes, pixelWidth: size.width, pixelHeight: size.height, paletteColors: palette)
        } catch {
            throw .raster(error.description)
        }
    }
}

extension Scene {
    /// Opaque colours the scene paints, background first, in paint order without repeats:
    /// the colours a reduced palette should keep exactly.
    public var solidColors: [RGBA] {
        var seen = Set<RGBA>()
        var result: [RGBA] = []
        func add(_ c: RGBA?) {
            guard let c, c.a == 255, !seen.contains(c) else { return }
            seen.insert(c)
            result.append(c)
        }
        add(background)
        for item in flattenedItems {
            switch item {
            case .rule(_, _, let stroke), .polyline(_, let stroke): add(stroke.color)
            case .area(_, _, let fill), .dots(_, _, let fill): add(fill)
            case .rect(_, let fill, let stroke): add(fill); add(stroke?.color)
            case .text(let run): add(run.color)
            default: break
            }
        }
        return result
    }
}
