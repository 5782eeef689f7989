import ArgumentParser
import Foundation
import Graphshot

/// `graphshot get-metric-data`: GetMetricData over local data, printing what
/// `aws cloudwatch get-metric-data` prints.
struct GetMetricDataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get-metric-data",
        abstract: "Run GetMetricData queries over local data and print the result as the aws CLI does.",
        discussion: """
            --metric-data-queries takes the same JSON as the aws CLI: a file (path or file://path) or the \
            JSON text itself, holding an array of queries with Id, MetricStat {Metric, Period, Stat, Unit} \
            or Expression, Label, ReturnData and Period. Times are ISO 8601 or epoch seconds.
            Exit status: 0 on success, 1 when the queries or data are invalid, 64 for usage errors.

            Example:
              graphshot get-metric-data --metric-data-queries file://q.json \\
                --start-time 2024-03-01T09:00:00Z --end-time 2024-03-01T12:00:00Z \\
                --data examples/data/shop-metrics.json
            """)

    @Option(name: .customLong("metric-data-queries"), help: ArgumentHelp("The queries: a JSON file (path or file://path) or JSON text.", valueName: "queries"))
    var metricDataQueries: String

    @Option(name: .customLong("start-time"), help: ArgumentHelp("Inclusive start, ISO 8601 or epoch seconds.", valueName: "time"))
    var startTime: String

    @Option(name: .customLong("end-time"), help: ArgumentHelp("Exclusive end, ISO 8601 or epoch seconds.", valueName: "time"))
    var endTime: String

    @Option(name: .customLong("scan-by"), help: ArgumentHelp("TimestampDescending (default) or TimestampAscending.", valueName: "order"))
    var scanBy: String = ScanOrder.timestampDescending.rawValue

    @Option(name: .customLong("max-datapoints"), help: ArgumentHelp("The most buckets per query (default 100800).", valueName: "n"))
    var maxDatapoints: Int?

    @Option(name: .long, help: ArgumentHelp("A metric data file (repeatable).", valueName: "file"))
    var data: [String] = []

    @Option(name: .long, help: ArgumentHelp("Read from this metric store instead of data files (see `graphshot store`).", valueName: "path"))
    var store: String?

    @Option(name: .long, help: ArgumentHelp("The time of the call, ISO 8601 (default: now); decides bucket alignment by age.", valueName: "time"))
    var now: String?

    func run() throws {
        do {
            let text = try CLIFiles.json(argument: metricDataQueries, what: "--metric-data-queries")
            guard let order = ScanOrder(rawValue: scanBy) else {
                throw CLIError(description: "--scan-by: expected TimestampDescending or TimestampAscending, found \"\(scanBy)\"")
            }
            let input = GetMetricDataInput(
                queries: try apiCall { () throws(CloudWatchAPIError) in try MetricDataQueryInput.parseList(json: text) },
                startTime: try CLIFiles.time(startTime, option: "--start-time"),
                endTime: try CLIFiles.time(endTime, option: "--end-time"),
                scanBy: order, maxDatapoints: maxDatapoints)
            let source: any MetricDataSource
            if let store {
                guard data.isEmpty else { throw CLIError(description: "use either --store or --data, not both") }
                source = try storeDataSource(path: store)
            } else {
                do { source = try MetricDataFiles.load(paths: data) } catch { throw CLIError(description: "\(error)") }
            }
            let instant = try CLIFiles.now(now)
            let output = try apiCall { () throws(CloudWatchAPIError) in try GetMetricData.run(input, source: source, now: instant) }
            let json = JSONWriter(style: .awsCLI).string(output.awsCLIJSON) + "\n"
            FileHandle.standardOutput.write(Data(json.utf8))
        } catch let error as CLIError {
            FileHandle.standardError.write(Data("graphshot: error: \(error.description)\n".utf8))
            throw ExitCode(1)
        }
    }

    private func apiCall<T>(_ body: () throws(CloudWatchAPIError) -> T) throws(CLIError) -> T {
        do { return try body() } catch { throw CLIError(description: "\(error.code.rawValue): \(error.message)") }
    }
}
