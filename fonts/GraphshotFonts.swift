import Foundation

/// Finds the bundled DejaVu Sans TrueType files by path. Never uses fontconfig.
///
/// Lookup order (the first directory that holds both files wins):
/// 1. `$GRAPHSHOT_FONTS_DIR`, when set;
/// 2. the SwiftPM resource bundle next to the running executable
///    (`<exe dir>/<package>_GraphshotFonts.resources`, e.g. `Graphshot_GraphshotFonts.resources`);
/// 3. the source directory of this file (`#filePath`), which exists whenever the package
///    sources are on disk (a checkout, or a dependency checkout under `.build/checkouts`).
///
/// The generated `Bundle.module` accessor is deliberately not used: it calls `fatalError`
/// when the bundle is missing, and a library must not crash its host for want of a font.
public enum GraphshotFonts {
    /// File name of the regular face.
    public static let regularFileName = "DejaVuSans.ttf"
    /// File name of the bold face.
    public static let boldFileName = "DejaVuSans-Bold.ttf"
    /// Environment variable that overrides the lookup.
    public static let environmentVariable = "GRAPHSHOT_FONTS_DIR"
    /// This file's path at build time: the fonts sit next to it in the source tree.
    static let sourceFilePath: String = #filePath
    /// Name suffix of the SwiftPM resource bundle directory of this target.
    static let bundleSuffix = "_GraphshotFonts.resources"

    /// A directory holding both bundled font files.
    public static func directory() throws(FontLookupError) -> String {
        try directory(searching: searchPath())
    }

    /// The first of `candidates` that holds both font files.
    public static func directory(searching candidates: [String]) throws(FontLookupError) -> String {
        var searched: [String] = []
        for candidate in candidates {
            searched.append(candidate)
            if hasFonts(candidate) { return candidate }
        }
        throw FontLookupError(searched: searched)
    }

    /// Full path of the regular face.
    public static func regularPath() throws(FontLookupError) -> String {
        try directory() + "/" + regularFileName
    }

    /// Full path of the bold face.
    public static func boldPath() throws(FontLookupError) -> String {
        try directory() + "/" + boldFileName
    }

    /// Whether `directory` holds both font files.
    public static func hasFonts(_ directory: String) -> Bool {
        let fm = FileManager.default
        return fm.isReadableFile(atPath: directory + "/" + regularFileName)
            && fm.isReadableFile(atPath: directory + "/" + boldFileName)
    }

    /// Candidate directories in lookup order (may include directories that do not exist).
    public static func searchPath(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> [String] {
        var result: [String] = []
        if let env = environment[environmentVariable], !env.isEmpty {
            result.append(env)
        }
        for exeDir in executableDirectories() {
            // The package's display name is "Graphshot"; a dependency checkout may be named
            // after its identity instead, so also accept any `*_GraphshotFonts.resources`.
            let preferred = exeDir + "/Graphshot" + bundleSuffix
            result.append(preferred)
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: exeDir)) ?? []
            for entry in entries.sorted() where entry.hasSuffix(bundleSuffix) {
                let path = exeDir + "/" + entry
                if path != preferred { result.append(path) }
            }
        }
        result.append((sourceFilePath as NSString).deletingLastPathComponent)
        var seen = Set<String>()
        return result.filter { seen.insert($0).inserted }
    }

    /// Directories of the running executable: the symlink-resolved `/proc/self/exe` first,
    /// then Foundation's idea of it.
    public static func executableDirectories() -> [String] {
        var dirs: [String] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            dirs.append((exe as NSString).deletingLastPathComponent)
        }
        if let exe = Bundle.main.executablePath {
            dirs.append(((exe as NSString).resolvingSymlinksInPath as NSString).deletingLastPathComponent)
        }
        // What the generated `Bundle.module` accessor uses on Linux.
        dirs.append(Bundle.main.bundleURL.path)
        var seen = Set<String>()
        return dirs.filter { !$0.isEmpty && seen.insert($0).inserted }
    }
}

/// The bundled fonts were not found; `searched` lists every directory tried, in order.
public struct FontLookupError: Error, Sendable, Equatable, CustomStringConvertible {
    public var searched: [String]

    public init(searched: [String]) { self.searched = searched }

    public var description: String {
        "bundled fonts (\(GraphshotFonts.regularFileName), \(GraphshotFonts.boldFileName)) not found; looked in: "
            + searched.joined(separator: ", ")
            + ". Set \(GraphshotFonts.environmentVariable) to a directory holding them."
    }
}
