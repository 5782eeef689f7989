import ChartRaster
import Foundation
import Testing

/// PNG goldens compared by decoded pixels (never by PNG bytes, which change with
/// zlib/libpng versions).
public enum GoldenImage {
    /// Compares the pixels of `png` with `directory/<name>.png` and records a Swift Testing
    /// issue unless they match (see `PixelDiff.passes`).
    ///
    /// - `RECORD_GOLDENS=1`: writes the golden and fails.
    /// - Golden missing: with `CI=true` fails; otherwise records it and fails.
    /// - Mismatch: writes `<tmp>/<name>.actual.png` and `<tmp>/<name>.diff.png` (differing
    ///   pixels magenta over a faded copy of the golden) and reports their paths and figures.
    @discardableResult
    public static func assertMatches(
        png: [UInt8], named name: String, directory: String,
        settings: GoldenSettings = .current, channelTolerance: Int = 3,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> GoldenResult {
        let result = compare(png: png, named: name, directory: directory, settings: settings, channelTolerance: channelTolerance)
        if !result.passed {
            Issue.record(Comment(rawValue: result.message), sourceLocation: sourceLocation)
        }
        return result
    }

    /// The comparison behind `assertMatches`, without recording an issue. Writes goldens
    /// and failure artifacts exactly as `assertMatches` does.
    public static func compare(
        png: [UInt8], named name: String, directory: String,
        settings: GoldenSettings = .current, channelTolerance: Int = 3
    ) -> GoldenResult {
        let goldenPath = directory + "/" + name + ".png"
        func result(_ kind: GoldenResult.Kind, _ message: String, artifacts: [String] = [], diff: PixelDiff? = nil) -> GoldenResult {
            GoldenResult(kind: kind, message: "golden image '\(name)': " + message, goldenPath: goldenPath, artifacts: artifacts, pixelDiff: diff)
        }

        let actual: RasterImage
        do {
            actual = try RasterImage.decodePNG(png)
        } catch {
            return result(.error, "the actual PNG does not decode: \(error)")
        }

        let exists = FileManager.default.fileExists(atPath: goldenPath)
        if settings.record || !exists {
            if !exists && !settings.record && settings.isCI {
                return result(.missing, "missing golden \(goldenPath) (CI=true, so it is not recorded; record it locally with RECORD_GOLDENS=1 and commit it)")
            }
            do {
                try writeFile(Data(png), to: goldenPath)
            } catch {
                return result(.error, "cannot write golden \(goldenPath): \(error)")
            }
            return settings.record
                ? result(.recorded, "recorded \(goldenPath) (\(actual.width)×\(actual.height)) because RECORD_GOLDENS=1; this run fails on purpose, re-run without it", artifacts: [goldenPath])
                : result(.recordedMissing, "golden was missing; recorded \(goldenPath) (\(actual.width)×\(actual.height)); check it, commit it and re-run", artifacts: [goldenPath])
        }

        let expected: RasterImage
        do {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: goldenPath)))
            expected = try RasterImage.decodePNG(bytes)
        } catch {
            return result(.error, "cannot read or decode golden \(goldenPath): \(error)")
        }

        let actualPath = settings.failureDirectory + "/" + name + ".actual.png"
        guard let diff = PixelDiff.compare(actual, expected, channelTolerance: channelTolerance) else {
            let written = (try? writeFile(Data(png), to: actualPath)) != nil
            return result(.mismatch,
                          "size \(actual.width)×\(actual.height) differs from the golden's \(expected.width)×\(expected.height)"
                              + (written ? "; actual: \(actualPath)" : "; could not write \(actualPath)")
                              + "; golden: \(goldenPath)",
                          artifacts: written ? [actualPath] : [])
        }
        if diff.passes { return result(.matched, diff.description, diff: diff) }

        var artifacts: [String] = []
        var notes: [String] = []
        if (try? writeFile(Data(png), to: actualPath)) != nil {
            artifacts.append(actualPath)
            notes.append("actual: \(actualPath)")
        } else {
            notes.append("could not write \(actualPath)")
        }
        let diffPath = settings.failureDirectory + "/" + name + ".diff.png"
        if let picture = PixelDiff.diffImage(actual, expected, channelTolerance: channelTolerance),
           let bytes = try? Rasterizer.encodePNG(picture),
           (try? writeFile(Data(bytes), to: diffPath)) != nil {
            artifacts.append(diffPath)
            notes.append("diff: \(diffPath)")
        } else {
            notes.append("could not write \(diffPath)")
        }
        notes.append("golden: \(goldenPath)")
        return result(.mismatch,
                      "pixels differ: \(diff) (limits: ≤ \(PixelDiff.maxDifferingFraction * 100) % pixels, rms ≤ \(PixelDiff.maxRMS)); "
                          + notes.joined(separator: "; "),
                      artifacts: artifacts, diff: diff)
    }
}
