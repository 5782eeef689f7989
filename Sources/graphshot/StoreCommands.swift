import ArgumentParser
import Foundation
import Graphshot
import MetricStore

/// `graphshot store …`: the embedded metric store on the command line.
struct Store: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import, export, inspect and compact a Graphshot metric store (one SQLite file).",
        discussion: """
            A store keeps metric data between renders: `graphshot render --store PATH` draws from it, \
            and the Graphshot service uses it for PutMetricData, GetMetricData and ListMetrics.

            Examples:
              graphshot store import --store metrics.db shop-metrics.json more.csv
              graphshot store stats --store metrics.db
              graphshot render widget.json --store metrics.db -o graph.png
            """,
        subcommands: [StoreImport.self, StoreExport.self, StoreStats.self, StoreCompact.self])
}

/// Options every store subcommand takes.
struct StoreLocation: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The store file.", valueName: "path"))
    var store: String
}

func fail(_ message: String) -> ExitCode {
    FileHandle.standardError.write(Data("graphshot: error: \(message)\n".utf8))
    return ExitCode(1)
}

func say(_ line: String, to handle: FileHandle = .standardOutput) {
    handle.write(Data((line + "\n").utf8))
}

/// The current time, or `--now` when given.
func resolveInstant(_ text: String?) throws -> EpochSeconds {
    guard let text else { return EpochSeconds(Date().timeIntervalSince1970.rounded(.down)) }
    guard let t = ISO8601.parse(text) else {
        throw fail("--now: \"\(text)\" is not an ISO 8601 date and time (e.g. 2024-03-01T12:00:00Z)")
    }
    return t
}

/// The data source `graphshot render --store PATH` draws from.
func storeDataSource(path: String) throws -> any MetricDataSource {
    do { return try SQLiteMetricStore(path: path, create: false) } catch { throw CLIError(description: error.message) }
}

struct StoreImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import metric data files into a store (created when missing).",
        discussion: """
            Formats (detected, or chosen with --format):
              • put-metric-data: PutMetricData request JSON, one request or an array of them;
              • get-metric-data: `aws cloudwatch get-metric-data` output; each result becomes the metric \
            <--namespace>/<Label or Id>;
              • csv: timestamp,namespace,metric,dimensions,value,unit (see the README).
            Files are streamed; every --batch-size datums are committed in one durable transaction, and each \
            commit is reported on standard output as
              committed batch=<n> datums=<in this batch> total=<committed so far> file=<path>
            Once that line is printed, those datums are on disk. An invalid datum stops the import with an \
            error naming it; batches committed before it stay.
            """)

    @OptionGroup var location: StoreLocation

    @Argument(help: ArgumentHelp("Files to import ('-' reads standard input).", valueName: "file"))
    var files: [String]

    @Option(name: .long, help: ArgumentHelp("put-metric-data, get-metric-data or csv (default: detect).", valueName: "format"))
    var format: String?

    @Option(name: .long, help: ArgumentHelp("Namespace for get-metric-data results.", valueName: "namespace"))
    var namespace: String = "Graphshot/Imported"

    @Option(name: .customLong("batch-size"), help: ArgumentHelp("Datums per transaction.", valueName: "n"))
    var batchSize: Int = 50_000

    func run() throws {
        var chosen: ImportFormat? = nil
        if let format {
            guard let f = ImportFormat(rawValue: format) else {
                throw fail("--format: \"\(format)\" is not one of \(ImportFormat.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            chosen = f
        }
        guard batchSize >= 1 else { throw fail("--batch-size must be at least 1") }
        let store: SQLiteMetricStore
        do { store = try SQLiteMetricStore(path: location.store) } catch { throw fail(error.message) }
        let options = ImportOptions(batchSize: batchSize, format: chosen, namespace: namespace)
        for file in files {
            do {
                let summary = try MetricImporter.importFile(path: file, into: store, options: options) { ack in
                    say("committed batch=\(ack.batch) datums=\(ack.datums) total=\(ack.committed) file=\(file)")
                }
                say("imported \(summary.datums) datums from \(file) (\(summary.format.rawValue), \(summary.batches) batches)")
            } catch {
                throw fail(error.description)
            }
        }
        do { try store.checkpoint() } catch { throw fail(error.message) }
    }
}

struct StoreExport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a store's data as PutMetricData request JSON (an array of requests of up to 1,000 datums).")

    @OptionGroup var location: StoreLocation

    @Option(name: .shortAndLong, help: ArgumentHelp("Output file ('-' for standard output).", valueName: "file"))
    var output: String = "-"

    @Option(name: .long, help: ArgumentHelp("Only this namespace.", valueName: "namespace"))
    var namespace: String?

    func run() throws {
        let store: SQLiteMetricStore
        do { store = try SQLiteMetricStore(path: location.store, create: false) } catch { throw fail(error.message) }
        let handle: FileHandle
        if output == "-" {
            handle = .standardOutput
        } else {
            guard FileManager.default.createFile(atPath: output, contents: nil), let h = FileHandle(forWritingAtPath: output) else {
                throw fail("\(output): cannot write the file")
            }
            handle = h
        }
        do {
            let summary = try store.exportPutMetricData(to: handle, namespace: namespace)
            if output != "-" { try? handle.close() }
            say("exported \(summary.datums) datums of \(summary.metrics) metrics in \(summary.requests) requests", to: .standardError)
        } catch {
            throw fail(error.message)
        }
    }
}

struct StoreStats: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stats", abstract: "Show what a store holds and its size on disk.")

    @OptionGroup var location: StoreLocation

    func run() throws {
        let stats: SQLiteMetricStore.Stats
        do { stats = try SQLiteMetricStore(path: location.store, create: false).stats() } catch { throw fail("\(error)") }
        let perPoint = stats.points > 0 ? String(format: "%.1f", Double(stats.bytesOnDisk) / Double(stats.points)) : "-"
        say("metrics:      \(stats.metrics)")
        say("points:       \(stats.points)")
        for tier in [1, 60, 300, 3600] {
            let label = tier == 1 ? "1 s" : tier == 60 ? "1 min" : tier == 300 ? "5 min" : "1 h"
            say("  at \(label):".padding(toLength: 14, withPad: " ", startingAt: 0) + "\(stats.pointsByTier[tier] ?? 0)")
        }
        say("blocks:       \(stats.blocks)")
        say("dashboards:   \(stats.dashboards)")
        if let oldest = stats.oldest, let newest = stats.newest {
            say("time span:    \(ISO8601.format(oldest)) … \(ISO8601.format(newest))")
        }
        say("size on disk: \(stats.bytesOnDisk) bytes (database \(stats.databaseBytes), WAL \(stats.walBytes)); \(perPoint) bytes per point")
    }
}

struct StoreCompact: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compact",
        abstract: "Apply CloudWatch's retention tiers: aggregate aged data to 1 min / 5 min / 1 h, delete data past 455 days.")

    @OptionGroup var location: StoreLocation

    @Option(name: .long, help: ArgumentHelp("The time ages count from, ISO 8601 (default: now).", valueName: "time"))
    var now: String?

    func run() throws {
        let instant = try resolveInstant(now)
        do {
            let store = try SQLiteMetricStore(path: location.store, create: false)
            let r = try store.compact(now: instant)
            say("aggregated \(r.blocksAggregated) blocks (\(r.pointsIn) points in), expired \(r.blocksExpired) blocks (\(r.pointsExpired) points dropped)")
        } catch {
            throw fail(error.message)
        }
    }
}
