import ArgumentParser
import Foundation
import Graphshot

@main
struct GraphshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graphshot",
        abstract: "Render CloudWatch MetricWidget JSON to PNG, offline and deterministically.",
        discussion: """
            A MetricWidget is the JSON that CloudWatch's GetMetricWidgetImage takes (metrics, \
            period, stat, yAxis, annotations, …). Graphshot draws it from local data files \
            instead of AWS.

            Example:
              graphshot render examples/checkout-health.json --data examples/data/shop-metrics.json -o graph.png
            """,
        subcommands: [Render.self, Serve.self])
}

/// Errors the CLI reports as one line on stderr with a non-zero exit.
struct CLIError: Error, CustomStringConvertible {
    var description: String
}

struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render one MetricWidget JSON file to PNG.",
        discussion: """
            Data files (--data, repeatable) may be:
              • PutMetricData requests, as `aws cloudwatch put-metric-data --cli-input-json` takes them
                ({"Namespace": …, "MetricData": [ … ]}, or a JSON array of such requests);
              • output of `aws cloudwatch get-metric-data` ({"MetricDataResults": [ … ]}), matched to
                widget rows by their "id".
            Relative times such as "start": "-PT3H" count back from --now (default: the current time).
            Exit status: 0 on success, 1 when the widget or data is invalid (the message names the JSON
            path), 64 for usage errors. Warnings (partial data, rows with no data, …) go to stderr.
            """)

    @Argument(help: ArgumentHelp("The MetricWidget JSON file ('-' reads standard input).", valueName: "widget.json"))
    var widget: String

    @Option(name: .long, help: ArgumentHelp("A metric data file (repeatable).", valueName: "file"))
    var data: [String] = []

    @Option(name: .long, help: ArgumentHelp("The time relative ranges count back from, ISO 8601 (default: now).", valueName: "time"))
    var now: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the PNG ('-' for standard output; default: the widget's name with .png, or standard output when reading standard input).", valueName: "out.png"))
    var output: String?

    @Option(name: .customLong("dump-scene"), help: ArgumentHelp("Also write the laid-out scene as JSON ('-' for standard output).", valueName: "scene.json"))
    var dumpScene: String?

    @Option(name: .long, help: ArgumentHelp("A directory with DejaVuSans.ttf and DejaVuSans-Bold.ttf (default: the bundled fonts).", valueName: "dir"))
    var fonts: String?

    @Flag(name: .shortAndLong, help: "Print nothing but errors (no warnings).")
    var quiet = false

    func run() throws {
        do {
            try renderWidget()
        } catch let error as CLIError {
            FileHandle.standardError.write(Data("graphshot: error: \(error.description)\n".utf8))
            throw ExitCode(1)
        }
    }

    func renderWidget() throws {
        let json = try readText(widget, what: "widget")
        let instant = try resolveNow()
        let source: any MetricDataSource
        do {
            source = try MetricDataFiles.load(paths: data)
        } catch {
            throw CLIError(description: "\(error)")
        }
        let renderer: Renderer
        do {
            if let fonts { renderer = try Renderer(fontsDirectory: fonts) } else { renderer = try Renderer() }
        } catch {
            throw CLIError(description: error.description)
        }
        let result: RenderResult
        do {
            result = try renderer.render(widgetJSON: json, data: source, options: RenderOptions(now: instant))
        } catch {
            throw CLIError(description: error.description)
        }
        if !quiet {
            for warning in result.warnings {
                FileHandle.standardError.write(Data("graphshot: warning: \(warning)\n".utf8))
            }
        }
        if let dumpScene {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let sceneJSON = try encoder.encode(result.scene)
            try write(Array(sceneJSON) + [10], to: dumpScene)
        }
        try write(result.png, to: outputPath())
    }

    func resolveNow() throws -> EpochSeconds {
        guard let now else { return EpochSeconds(Date().timeIntervalSince1970.rounded(.down)) }
        guard let parsed = ISO8601.parse(now) else {
            throw CLIError(description: "--now: \"\(now)\" is not an ISO 8601 date and time (e.g. 2024-03-01T12:00:00Z)")
        }
        return parsed
    }

    func outputPath() -> String {
        if let output { return output }
        if widget == "-" { return "-" }
        let url = URL(fileURLWithPath: widget)
        return url.deletingPathExtension().lastPathComponent + ".png"
    }

    func readText(_ path: String, what: String) throws -> String {
        let bytes: Data
        if path == "-" {
            bytes = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let contents = FileManager.default.contents(atPath: path) else {
                throw CLIError(description: "\(path): cannot read the \(what) file")
            }
            bytes = contents
        }
        guard let text = String(data: bytes, encoding: .utf8) else {
            throw CLIError(description: "\(path == "-" ? "standard input" : path): the \(what) is not UTF-8 text")
        }
        return text
    }

    func write(_ bytes: [UInt8], to path: String) throws {
        if path == "-" {
            FileHandle.standardOutput.write(Data(bytes))
            return
        }
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw CLIError(description: "\(path): cannot write the file")
        }
    }
}
