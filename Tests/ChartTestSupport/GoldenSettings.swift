import Foundation

/// How golden helpers behave; `current` reads the environment. Tests of the helpers pass
/// their own values instead of changing the process environment.
public struct GoldenSettings: Sendable, Equatable {
    /// `RECORD_GOLDENS=1`: write (overwrite) every golden and fail, so recording can never
    /// pass silently.
    public var record: Bool
    /// `CI=true`: a missing golden is a plain failure (never recorded).
    public var isCI: Bool
    /// Where `.actual.png`, `.diff.png` and `.actual.json` go on a mismatch.
    public var failureDirectory: String

    public init(record: Bool = false, isCI: Bool = false, failureDirectory: String = GoldenSettings.defaultFailureDirectory) {
        self.record = record
        self.isCI = isCI
        self.failureDirectory = failureDirectory
    }

    /// `<tmp>/graphshot-golden-failures`.
    public static var defaultFailureDirectory: String {
        URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("graphshot-golden-failures").path
    }

    /// Settings from `RECORD_GOLDENS` and `CI`.
    public static var current: GoldenSettings {
        let env = ProcessInfo.processInfo.environment
        func flag(_ name: String) -> Bool {
            guard let value = env[name]?.lowercased() else { return false }
            return value == "1" || value == "true" || value == "yes"
        }
        return GoldenSettings(record: flag("RECORD_GOLDENS"), isCI: flag("CI"))
    }
}

/// The outcome of one golden comparison. `passed == false` means the helper recorded an issue
/// (or, for the `compare` functions, that a caller should).
public struct GoldenResult: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The actual value matches the golden.
        case matched
        /// `RECORD_GOLDENS=1`: the golden was (over)written.
        case recorded
        /// The golden did not exist and was recorded (not under CI).
        case recordedMissing
        /// The golden does not exist and `CI=true`.
        case missing
        /// The actual value differs from the golden.
        case mismatch
        /// Something could not be read, decoded or written.
        case error
    }

    public var kind: Kind
    public var message: String
    public var goldenPath: String
    /// Files written for inspection (actual, diff), if any.
    public var artifacts: [String]
    /// Pixel figures, for image comparisons that got as far as comparing pixels.
    public var pixelDiff: PixelDiff?

    public var passed: Bool { kind == .matched }
}

/// Writes `data` to `path`, creating intermediate directories.
func writeFile(_ data: Data, to path: String) throws {
    let url = URL(fileURLWithPath: path)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try data.write(to: url, options: .atomic)
}
