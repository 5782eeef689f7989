import ArgumentParser
import Foundation
import Graphshot

/// Output choices shared by `render` and `render-dashboard`: format, scale, byte budget,
/// how warnings are reported and whether they fail the run.
struct OutputOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "png, svg or pdf (default: from the output file's extension, else png).", valueName: "format"))
    var format: OutputFormat?

    @Option(name: .long, help: ArgumentHelp(
        "Pixels per layout pixel, e.g. 2 for hi-DPI screens (0.25…4; default 1). The layout is the same, only sharper.",
        valueName: "factor"))
    var scale: Double = 1

    @Option(name: .customLong("max-bytes"), help: ArgumentHelp(
        "A PNG byte budget: compress harder, then reduce colours (indexed PNG); warns byteBudgetExceeded if it cannot be met.",
        valueName: "n"))
    var maxBytes: Int?

    @Flag(name: .long, help: "Exit with status 2 when there is any warning (the image is still written).")
    var strict = false

    @Flag(name: .customLong("warnings-json"), help: "Print warnings on standard error as JSON lines ({\"code\", \"message\", \"id\"}) instead of text.")
    var warningsJSON = false

    @Flag(name: .shortAndLong, help: "Print nothing but errors (no warnings).")
    var quiet = false

    /// Exit status of a run that succeeded but had warnings under `--strict`.
    static let strictExitCode: Int32 = 2

    func validate() throws {
        guard scale.isFinite, (0.25...4).contains(scale) else {
            throw ValidationError("--scale must be between 0.25 and 4, not \(scale)")
        }
        if let maxBytes, maxBytes < 1 {
            throw ValidationError("--max-bytes must be a positive number of bytes")
        }
    }

    /// The format: `--format`, else the extension of `path` (`.svg`, `.pdf`), else PNG.
    func resolvedFormat(outputPath path: String?) -> OutputFormat {
        if let format { return format }
        guard let path, path != "-" else { return .png }
        return OutputFormat(rawValue: URL(fileURLWithPath: path).pathExtension.lowercased()) ?? .png
    }

    func renderOptions(now: EpochSeconds, format: OutputFormat) -> RenderOptions {
        RenderOptions(now: now, format: format, scale: scale, maxBytes: maxBytes)
    }

    /// Prints warnings on standard error (unless `--quiet`), as text lines
    /// `graphshot: warning: <code> [<id>]: <message>` or as JSON lines.
    func report(_ warnings: [RenderWarning], context: String? = nil) {
        guard !quiet else { return }
        for warning in warnings {
            if warningsJSON {
                var object = WarningLine(code: warning.code, message: warning.message, id: warning.id, widget: context)
                object.widget = context
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                if let data = try? encoder.encode(object) {
                    FileHandle.standardError.write(data + Data([10]))
                }
            } else {
                let prefix = context.map { "\($0): " } ?? ""
                FileHandle.standardError.write(Data("graphshot: \(prefix)\(warning.line)\n".utf8))
            }
        }
    }

    /// `--strict` with warnings: exit 2 (after everything was written).
    func exitIfStrict(_ warnings: [RenderWarning]) throws {
        if strict && !warnings.isEmpty { throw ExitCode(OutputOptions.strictExitCode) }
    }
}

/// One warning as a JSON line.
struct WarningLine: Encodable {
    var code: String
    var message: String
    var id: String?
    /// For dashboards: which widget (`widgets[3]`).
    var widget: String?
}

extension OutputFormat: ExpressibleByArgument {}
