import ChartCore
import ChartRaster
import ChartScene
import Foundation
import GraphshotFonts
import Testing

@Suite struct FontLookupTests {
    @Test func bundledFontsAreFound() throws {
        let directory = try GraphshotFonts.directory()
        #expect(GraphshotFonts.hasFonts(directory))
        #expect(FileManager.default.fileExists(atPath: try GraphshotFonts.regularPath()))
        #expect(FileManager.default.fileExists(atPath: try GraphshotFonts.boldPath()))
    }

    @Test func environmentVariableComesFirst() {
        let path = GraphshotFonts.searchPath(environment: ["GRAPHSHOT_FONTS_DIR": "/custom/fonts"])
        #expect(path.first == "/custom/fonts")
        #expect(path.last?.hasSuffix("/fonts") == true)
        #expect(GraphshotFonts.searchPath(environment: [:]).first != "/custom/fonts")
    }

    @Test func resourceBundleNextToTheExecutableHasTheFonts() throws {
        // SwiftPM copies the TTFs into <build dir>/Graphshot_GraphshotFonts.resources.
        let bundles = GraphshotFonts.searchPath(environment: [:]).filter { $0.hasSuffix("/Graphshot_GraphshotFonts.resources") }
        #expect(!bundles.isEmpty)
        #expect(bundles.contains(where: GraphshotFonts.hasFonts))
    }

    @Test func missingFontsListEveryPlaceSearched() {
        #expect {
            try GraphshotFonts.directory(searching: ["/nonexistent/a", "/nonexistent/b"])
        } throws: { error in
            guard let error = error as? FontLookupError else { return false }
            return error.searched == ["/nonexistent/a", "/nonexistent/b"]
                && error.description.contains("/nonexistent/a") && error.description.contains("/nonexistent/b")
                && error.description.contains("GRAPHSHOT_FONTS_DIR")
        }
    }

    @Test func loadingFromAMissingDirectoryThrows() {
        #expect(throws: RasterError.self) { try FontLibrary(directory: "/nonexistent/fonts") }
    }

    @Test func loadingANonFontFileThrows() throws {
        let directory = try GraphshotFonts.directory()
        #expect {
            try FontLibrary(regularPath: directory + "/LICENSE-DejaVu.txt", boldPath: directory + "/" + GraphshotFonts.boldFileName)
        } throws: { error in
            if case .fontLoad(let path, _) = error as? RasterError { return path.hasSuffix("LICENSE-DejaVu.txt") }
            return false
        }
    }

    @Test func bundledLibraryIsSharedAndAnotherCanBeLoaded() throws {
        let a = try FontLibrary.bundled()
        let b = try FontLibrary.bundled()
        #expect(a === b)
        let separate = try FontLibrary(directory: a.directory)
        #expect(separate !== a)
        let spec = FontSpec(size: 12)
        #expect(separate.measure("Same text", font: spec) == a.measure("Same text", font: spec))
    }
}

@Suite struct MeasurementTests {
    let measurer: FontMeasurer

    init() throws { measurer = try FontMeasurer.bundled() }

    @Test func widthIsPositiveAndGrowsWithLength() {
        let font = FontSpec(size: 12)
        let one = measurer.measure("W", font: font).width
        let two = measurer.measure("WW", font: font).width
        let many = measurer.measure("WWWWWWWW", font: font).width
        #expect(one > 0)
        #expect(two > one)
        #expect(many > two)
        #expect(abs(many - 8 * one) < 1e-9)  // no kerning: advances add up
    }

    @Test func boldIsWiderThanRegular() {
        let text = "CPUUtilization 42.5%"
        #expect(measurer.measure(text, font: FontSpec(size: 12, bold: true)).width
            > measurer.measure(text, font: FontSpec(size: 12)).width)
    }

    @Test(arguments: [6.0, 9.5, 11, 14, 24, 48])
    func scalesLinearlyWithSize(_ size: Double) {
        let text = "Requests per second"
        let base = measurer.measure(text, font: FontSpec(size: 12))
        let scaled = measurer.measure(text, font: FontSpec(size: size))
        let factor = size / 12
        // Hint metrics are off, so advances are exactly proportional (up to float rounding).
        #expect(abs(scaled.width - base.width * factor) < 1e-6 * scaled.width)
        #expect(abs(scaled.ascent - base.ascent * factor) < 1e-6 * scaled.ascent)
        #expect(abs(scaled.descent - base.descent * factor) < 1e-6 * scaled.descent)
    }

    @Test func ascentAndDescentAreFontWide() {
        let font = FontSpec(size: 20)
        let low = measurer.measure("ace", font: font)
        let high = measurer.measure("Hgjq", font: font)
        #expect(low.ascent == high.ascent)
        #expect(low.descent == high.descent)
        // DejaVu Sans: ascent ≈ 0.928 em, descent ≈ 0.236 em.
        #expect(low.ascent / 20 > 0.9 && low.ascent / 20 < 0.95)
        #expect(low.descent / 20 > 0.2 && low.descent / 20 < 0.26)
        #expect(low.height == low.ascent + low.descent)
    }

    @Test func emptyAndInvalidInput() {
        #expect(measurer.measure("", font: FontSpec(size: 12)).width == 0)
        for size in [0, -3, Double.nan, Double.infinity] {
            #expect(measurer.measure("abc", font: FontSpec(size: size)) == TextBox(width: 0, ascent: 0, descent: 0))
        }
        // Characters outside the font still measure (as the .notdef glyph).
        #expect(measurer.measure("日本", font: FontSpec(size: 12)).width > 0)
    }

    @Test func truncationThroughTheProtocolUsesRealWidths() {
        let m: any TextMeasurer = measurer
        let font = FontSpec(size: 12)
        let text = "A rather long legend label for one metric"
        let short = m.truncate(text, font: font, maxWidth: 100)
        #expect(short.hasSuffix("…"))
        #expect(m.measure(short, font: font).width <= 100)
    }

    @Test func concurrentMeasurementMatchesSerial() {
        let texts = (0..<200).map { "label \($0) " + String(repeating: "x", count: $0 % 17) }
        let sizes = [9.0, 11, 12, 14, 10.5]
        let measurer = self.measurer
        @Sendable func measureAll() -> [TextBox] {
            texts.enumerated().map { i, t in measurer.measure(t, font: FontSpec(size: sizes[i % sizes.count], bold: i % 3 == 0)) }
        }
        let serial = measureAll()
        let results = ResultsBox<[TextBox]>(count: 8)
        DispatchQueue.concurrentPerform(iterations: 8) { i in results.set(i, measureAll()) }
        for i in 0..<8 { #expect(results.get(i) == serial) }
    }
}

final class ResultsBox<T>: @unchecked Sendable {
    private var values: [T?]
    private let lock = NSLock()
    init(count: Int) { values = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ v: T) { lock.lock(); values[i] = v; lock.unlock() }
    func get(_ i: Int) -> T? { lock.lock(); defer { lock.unlock() }; return values[i] }
}
