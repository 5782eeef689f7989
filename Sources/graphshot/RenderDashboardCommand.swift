import ArgumentParser
import Foundation
import Graphshot

/// `graphshot render-dashboard`: a CloudWatch dashboard body, one image per metric widget
/// or the whole dashboard composed on its grid.
struct RenderDashboard: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render-dashboard",
        abstract: "Render the metric widgets of a CloudWatch dashboard body, or the whole dashboard as one image.",
        discussion: """
            DASHBOARD.json is a dashboard body as `aws cloudwatch get-dashboard` returns it in
            "DashboardBody" ({"widgets": [{"type", "x", "y", "width", "height", "properties"}, …],
            "start", "end", "periodOverride", "variables"}). The dashboard's start/end apply to widgets
            without their own; periodOverride "auto" (the default) picks each metric's period from the range.

            Dashboard variables are applied to every metric widget: a property variable sets that
            property and every dimension of that name, a pattern variable replaces what its regular
            expression matches. Each uses its defaultValue ("__FIRST": the first value its search
            finds in the data) unless --variable ID=VALUE chooses another, as a viewer would.

            Without --compose: one image per metric widget, 800×600 unless --width/--height, written
            to the -o directory as widget-<N>.png (N = position in "widgets"); --widget N renders
            only that widget and -o is then the file. Other widget types are skipped with a warning.

            With --compose: one image of the whole dashboard on its 24-column grid, --width pixels
            wide (default 1200; a grid unit is width/24 pixels square). Text widgets are drawn as
            plain text, other non-metric widgets as labelled placeholders (with a warning).

            Exit status as for `render`: 0, 1 for invalid input, 2 with --strict and warnings, 64 usage.
            """)

    @Argument(help: ArgumentHelp("The dashboard body JSON file ('-' reads standard input).", valueName: "dashboard.json"))
    var dashboard: String

    @Option(name: .long, help: ArgumentHelp("A metric data file (repeatable).", valueName: "file"))
    var data: [String] = []

    @Option(name: .long, help: ArgumentHelp("The time relative ranges count back from, ISO 8601 (default: now).", valueName: "time"))
    var now: String?

    @Option(name: .shortAndLong, help: ArgumentHelp(
        "Output directory (default: <dashboard>-widgets), or the file with --widget or --compose ('-' for standard output).",
        valueName: "path"))
    var output: String?

    @Flag(name: .long, help: "Draw the whole dashboard as one image.")
    var compose = false

    @Option(name: .long, help: ArgumentHelp("Render only widget N (its position in \"widgets\", from 0).", valueName: "N"))
    var widget: Int?

    @Option(name: .long, help: ArgumentHelp("Pixel width of each widget image (default 800), or of the composed dashboard (default 1200).", valueName: "px"))
    var width: Int?

    @Option(name: .long, help: ArgumentHelp("Pixel height of each widget image (default 600; not used with --compose).", valueName: "px"))
    var height: Int?

    @Option(name: .long, help: ArgumentHelp("A directory with DejaVuSans.ttf and DejaVuSans-Bold.ttf (default: the bundled fonts).", valueName: "dir"))
    var fonts: String?

    @Option(name: .long, help: ArgumentHelp("Choose a dashboard variable's value (repeatable).", valueName: "id=value"))
    var variable: [String] = []

    @OptionGroup var out: OutputOptions

    /// `--variable` choices by variable id.
    var variableValues: [String: String] {
        var values: [String: String] = [:]
        for item in variable {
            guard let eq = item.firstIndex(of: "=") else { continue }
            values[String(item[..<eq])] = String(item[item.index(after: eq)...])
        }
        return values
    }

    func validate() throws {
        for item in variable {
            guard let eq = item.firstIndex(of: "="), eq != item.startIndex else {
                throw ValidationError("--variable needs ID=VALUE (for example --variable instance=i-0abc), not \(item)")
            }
        }
        if compose && widget != nil { throw ValidationError("--compose draws every widget; leave out --widget") }
        if compose && height != nil { throw ValidationError("--height sets widget images; a composed dashboard is as tall as its widgets") }
        if let width {
            let range = compose ? 240...Int(DashboardRenderOptions.maxComposeWidth) : 1...2000
            guard range.contains(width) else { throw ValidationError("--width must be \(range.lowerBound)…\(range.upperBound)") }
        }
        if let height, !(1...2000).contains(height) { throw ValidationError("--height must be 1…2000") }
        if let widget, widget < 0 { throw ValidationError("--widget must be 0 or more") }
    }

    func run() throws {
        do {
            try renderDashboard()
        } catch let error as CLIError {
            FileHandle.standardError.write(Data("graphshot: error: \(error.description)\n".utf8))
            throw ExitCode(1)
        }
    }

    func renderDashboard() throws {
        let text = try readDashboard()
        let body: DashboardBody
        do { body = try DashboardBody.parse(json: text) } catch { throw CLIError(description: error.description) }
        let instant = try resolveNow()
        let source: any MetricDataSource
        do { source = try MetricDataFiles.load(paths: data) } catch { throw CLIError(description: "\(error)") }
        let renderer: Renderer
        do {
            if let fonts { renderer = try Renderer(fontsDirectory: fonts) } else { renderer = try Renderer() }
        } catch { throw CLIError(description: error.description) }
        let name = dashboard == "-" ? "dashboard" : URL(fileURLWithPath: dashboard).deletingPathExtension().lastPathComponent

        if compose {
            let format = out.resolvedFormat(outputPath: output)
            let options = DashboardRenderOptions(
                output: out.renderOptions(now: instant, format: format),
                composeWidth: Double(width ?? Int(DashboardRenderOptions.defaultComposeWidth)),
                variableValues: variableValues)
            let composed: DashboardComposition
            do { composed = try renderer.composeDashboard(body, data: source, options: options) } catch {
                throw CLIError(description: error.description)
            }
            report(composed.warnings)
            try CLIFiles.write(composed.image, to: output ?? name + "." + format.fileExtension)
            try out.exitIfStrict(composed.warnings.map(\.warning))
            return
        }

        if let index = widget {
            let format = out.resolvedFormat(outputPath: output)
            let result: RenderResult
            do {
                result = try renderer.renderDashboardWidget(body, index: index, data: source, options: options(instant, format))
            } catch { throw CLIError(description: error.description) }
            report(result.warnings.map { DashboardWarning(widget: "widgets[\(index)]", warning: $0) })
            try CLIFiles.write(result.image, to: output ?? "\(name)-widget-\(index).\(format.fileExtension)")
            try out.exitIfStrict(result.warnings)
            return
        }

        let format = out.format ?? .png
        let directory = output ?? name + "-widgets"
        guard directory != "-" else { throw CLIError(description: "-o -: standard output holds one image; use --widget N or --compose") }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch { throw CLIError(description: "\(directory): cannot create the directory") }
        let rendered: (images: [DashboardWidgetImage], warnings: [DashboardWarning])
        do { rendered = try renderer.renderDashboardWidgets(body, data: source, options: options(instant, format)) } catch {
            throw CLIError(description: error.description)
        }
        report(rendered.warnings)
        for image in rendered.images {
            try CLIFiles.write(image.result.image, to: directory + "/widget-\(image.widget.index).\(format.fileExtension)")
        }
        try out.exitIfStrict(rendered.warnings.map(\.warning))
    }

    func options(_ instant: EpochSeconds, _ format: OutputFormat) -> DashboardRenderOptions {
        DashboardRenderOptions(
            output: out.renderOptions(now: instant, format: format), widgetWidth: width ?? 800, widgetHeight: height ?? 600,
            variableValues: variableValues)
    }

    func report(_ warnings: [DashboardWarning]) {
        for warning in warnings { out.report([warning.warning], context: warning.widget) }
    }

    func readDashboard() throws -> String { try CLIFiles.readText(dashboard, what: "dashboard") }

    func resolveNow() throws -> EpochSeconds { try CLIFiles.now(now) }
}
