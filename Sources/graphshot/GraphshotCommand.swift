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
        subcommands: [Render.self, GetMetricDataCommand.self, RenderDashboard.self, Store.self, Serve.self])
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
            Output: PNG by default; --format svg|pdf (or an -o file ending in .svg/.pdf) draws the same
            scene as SVG or PDF. --scale 2 renders the same layout at twice the pixels. --sidecar writes
            what was drawn (axes, ticks, series values, legend boxes, warnings) as JSON.
            Exit status: 0 on success, 1 when the widget or data is invalid (the message names the JSON
            path), 2 with --strict when there were warnings (the image is still written), 64 for usage
            errors. Warnings (partial data, rows with no data, …) go to stderr as
            "graphshot: warning: <code> [<id>]: <message>" lines, or JSON lines with --warnings-json.
            """)

    @Argument(help: ArgumentHelp("The MetricWidget JSON file ('-' reads standard input).", valueName: "widget.json"))
    var widget: String

    @Option(name: .long, help: ArgumentHelp("A metric data file (repeatable).", valueName: "file"))
    var data: [String] = []

    @Option(name: .long, help: ArgumentHelp("Draw from this metric store instead of data files (see `graphshot store`).", valueName: "path"))
    var store: String?

    @Option(name: .long, help: ArgumentHelp("The time relative ranges count back from, ISO 8601 (default: now).", valueName: "time"))
    var now: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the image ('-' for standard output; default: the widget's name with .png/.svg/.pdf, or standard output when reading standard input).", valueName: "out.png"))
    var output: String?

    @Option(name: .long, help: ArgumentHelp("Also write what was drawn as JSON: size, plot, axes and ticks, series values, legend boxes, annotations, warnings ('-' for standard output).", valueName: "sidecar.json"))
    var sidecar: String?

    @OptionGroup var out: OutputOptions

    @Option(name: .customLong("dump-scene"), help: ArgumentHelp("Also write the laid-out scene as JSON ('-' for standard output).", valueName: "scene.json"))
    var dumpScene: String?

    @Option(name: .long, help: ArgumentHelp("A directory with DejaVuSans.ttf and DejaVuSans-Bold.ttf (default: the bundled fonts).", valueName: "dir"))
    var fonts: String?

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
        if let store {
            guard data.isEmpty else { throw CLIError(description: "use either --store or --data, not both") }
            source = try storeDataSource(path: store)
        } else {
            do {
                source = try MetricDataFiles.load(paths: data)
            } catch {
                throw CLIError(description: "\(error)")
            }
        }
        let renderer: Renderer
        do {
            if let fonts { renderer = try Renderer(fontsDirectory: fonts) } else { renderer = try Renderer() }
        } catch {
            throw CLIError(description: error.description)
        }
        let format = out.resolvedFormat(outputPath: output)
        let result: RenderResult
        do {
            result = try renderer.render(widgetJSON: json, data: source, options: out.renderOptions(now: instant, format: format))
        } catch {
            throw CLIError(description: error.description)
        }
        out.report(result.warnings)
        if let dumpScene {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let sceneJSON = try encoder.encode(result.scene)
            try write(Array(sceneJSON) + [10], to: dumpScene)
        }
        if let sidecar { try write(result.sidecar.jsonBytes(), to: sidecar) }
        try write(result.image, to: outputPath(format: format))
        try out.exitIfStrict(result.warnings)
    }

    func resolveNow() throws -> EpochSeconds { try CLIFiles.now(now) }

    func outputPath(format: OutputFormat) -> String {
        if let output { return output }
        if widget == "-" { return "-" }
        let url = URL(fileURLWithPath: widget)
        return url.deletingPathExtension().lastPathComponent + "." + format.fileExtension
    }

    func readText(_ path: String, what: String) throws -> String { try CLIFiles.readText(path, what: what) }

    func write(_ bytes: [UInt8], to path: String) throws { try CLIFiles.write(bytes, to: path) }
}
