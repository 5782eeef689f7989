import ChartCore
import ChartRaster
import ChartScene
import Foundation

/// Renders `items` on a `width`×`height` canvas with the bundled fonts.
func render(
    _ items: [SceneItem], width: Double = 100, height: Double = 100, background: RGBA = .white,
    options: RasterOptions = RasterOptions()
) throws -> RasterImage {
    let scene = Scene(size: Size(width: width, height: height), background: background, items: items)
    return try Rasterizer.render(scene, fonts: FontLibrary.bundled(), options: options)
}

/// The bounding box (inclusive pixel indices) of pixels that differ from `background` by more
/// than `threshold` in some channel, or nil when there are none.
func inkBox(_ image: RasterImage, background: RGBA = .white, threshold: Int = 40) -> (minX: Int, minY: Int, maxX: Int, maxY: Int)? {
    var box: (minX: Int, minY: Int, maxX: Int, maxY: Int)?
    for y in 0..<image.height {
        for x in 0..<image.width {
            let p = image.pixel(x: x, y: y)
            let d = max(abs(Int(p.r) - Int(background.r)), abs(Int(p.g) - Int(background.g)),
                        abs(Int(p.b) - Int(background.b)), abs(Int(p.a) - Int(background.a)))
            guard d > threshold else { continue }
            if let b = box {
                box = (min(b.minX, x), min(b.minY, y), max(b.maxX, x), max(b.maxY, y))
            } else {
                box = (x, y, x, y)
            }
        }
    }
    return box
}

/// A fresh empty directory under the system temporary directory.
func makeTemporaryDirectory() throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("graphshot-raster-tests-" + UUID().uuidString)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.path
}

let blue = RGBA(r: 0x1f, g: 0x77, b: 0xb4)
let orange = RGBA(r: 0xff, g: 0x7f, b: 0x0e)
let green = RGBA(r: 0x2c, g: 0xa0, b: 0x2c)
let red = RGBA(r: 0xd6, g: 0x27, b: 0x28)
let warningOrange = RGBA(r: 0xFF, g: 0x99, b: 0x00)
