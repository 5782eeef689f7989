import ChartRaster
import Foundation

/// Turns SVG and PDF files back into pixels with independent renderers (librsvg's
/// `rsvg-convert`, poppler's `pdftoppm`), so tests can compare them with the PNG render.
/// `scripts/setup-system.sh` installs both (`librsvg2-bin`, `poppler-utils`).
public enum VectorRoundTrip {
    public enum Failure: Error, CustomStringConvertible {
        case toolMissing(String)
        case toolFailed(String, status: Int32, stderr: String)
        case noOutput(String)

        public var description: String {
            switch self {
            case .toolMissing(let tool): return "\(tool) is not installed (run scripts/setup-system.sh)"
            case .toolFailed(let tool, let status, let stderr): return "\(tool) exited with \(status): \(stderr)"
            case .noOutput(let tool): return "\(tool) wrote no image"
            }
        }
    }

    /// Rasterizes SVG bytes at their own size (one user unit per pixel).
    public static func pixels(svg: [UInt8]) throws -> RasterImage {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = dir + "/in.svg", output = dir + "/out.png"
        try Data(svg).write(to: URL(fileURLWithPath: input))
        try run("rsvg-convert", ["--format=png", "--output=" + output, input])
        return try decode(output, tool: "rsvg-convert")
    }

    /// Rasterizes the first page of PDF bytes at 72 dpi (one point per pixel).
    public static func pixels(pdf: [UInt8]) throws -> RasterImage {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = dir + "/in.pdf", prefix = dir + "/out"
        try Data(pdf).write(to: URL(fileURLWithPath: input))
        try run("pdftoppm", ["-png", "-r", "72", "-singlefile", "-aa", "yes", "-aaVector", "yes", input, prefix])
        return try decode(prefix + ".png", tool: "pdftoppm")
    }

    /// Pixels differing by more than `channelTolerance` in some channel, as a fraction, and
    /// the mean absolute channel difference; nil when the sizes differ. Renderers anti-alias
    /// edges differently, so callers allow some differing pixels along edges and glyphs.
    public static func compare(_ a: RasterImage, _ b: RasterImage, channelTolerance: Int) -> (fraction: Double, meanDelta: Double)? {
        guard a.width == b.width, a.height == b.height, a.width > 0, a.height > 0 else { return nil }
        var differing = 0
        var sum = 0
        for y in 0..<a.height {
            for x in 0..<a.width {
                let p = a.pixel(x: x, y: y), q = b.pixel(x: x, y: y)
                // Composite over white so transparent-vs-white backgrounds compare equal.
                func over(_ c: UInt8, _ alpha: UInt8) -> Int { 255 - (255 - Int(c)) * Int(alpha) / 255 }
                let d = [abs(over(p.r, p.a) - over(q.r, q.a)), abs(over(p.g, p.a) - over(q.g, q.a)), abs(over(p.b, p.a) - over(q.b, q.a))]
                sum += d.reduce(0, +)
                if d.contains(where: { $0 > channelTolerance }) { differing += 1 }
            }
        }
        let n = a.width * a.height
        return (Double(differing) / Double(n), Double(sum) / Double(n * 3))
    }

    static func decode(_ path: String, tool: String) throws -> RasterImage {
        guard let data = FileManager.default.contents(atPath: path) else { throw Failure.noOutput(tool) }
        return try RasterImage.decodePNG(Array(data))
    }

    static func temporaryDirectory() throws -> String {
        let dir = NSTemporaryDirectory() + "graphshot-vector-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func run(_ tool: String, _ arguments: [String]) throws {
        guard let path = ["/usr/bin/", "/usr/local/bin/", "/bin/"].map({ $0 + tool }).first(where: {
            FileManager.default.isExecutableFile(atPath: $0)
        }) else { throw Failure.toolMissing(tool) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure.toolFailed(tool, status: process.terminationStatus, stderr: String(decoding: stderr, as: UTF8.self))
        }
    }
}
