import Foundation

/// The repository root, derived from this file's location
/// (`<root>/Tests/ChartTestSupport/Paths.swift`).
public func repositoryRoot() -> String {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}

/// `<repository>/golden-images`: the PNG goldens shared by the rendering tests.
public var goldenImagesDirectory: String { repositoryRoot() + "/golden-images" }

/// A directory next to the calling test file, e.g. `goldenDirectory()` in
/// `Tests/ChartLayoutTests/SceneTests.swift` is `Tests/ChartLayoutTests/Goldens`.
/// Goldens are read and recorded in the source tree, never in a build's resource copy.
public func goldenDirectory(_ name: String = "Goldens", besides filePath: String = #filePath) -> String {
    URL(fileURLWithPath: filePath).deletingLastPathComponent().appendingPathComponent(name).path
}
