import ArgumentParser
import Foundation
import GraphshotServer
import Logging
import Synchronization

/// `graphshot serve`: a self-hosted CloudWatch GetMetricWidgetImage endpoint (plus the metric,
/// dashboard, Datadog-snapshot and NAVER widget-image APIs around it).
/// A synchronous command (the root command is synchronous): `run` starts the server on the
/// concurrency runtime and blocks the main thread until it stops.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve CloudWatch's GetMetricWidgetImage and friends over HTTP, for boto3 and the aws CLI.",
        discussion: """
            Point a CloudWatch client at the server and the same code works offline:
              graphshot serve --port 4580
              aws cloudwatch get-metric-widget-image --endpoint-url http://127.0.0.1:4580 \\
                  --metric-widget file://widget.json --query MetricWidgetImage --output text | base64 -d > graph.png

            Speaks awsJson1_0 (boto3 / the aws CLI), awsQuery and Smithy RPC v2 CBOR on one port.
            Operations: GetMetricWidgetImage, PutMetricData, GetMetricData, GetMetricStatistics,
            ListMetrics, PutDashboard, GetDashboard, ListDashboards, DeleteDashboards. Also:
              GET /health
              GET /api/v1/graph/snapshot?metric_query=…&start=…&end=…   (Datadog graph snapshot)
              GET /cw_fea/real/cw/api/chart/dashboard/{name}/widgets/{index}?startTime=…&endTime=…   (NAVER Cloud Insight)
            Without --credentials any signature is accepted (listen on loopback only). With it, every
            request must carry a valid AWS Signature Version 4 for the service name "monitoring".
            Stops gracefully on SIGTERM or SIGINT: in-flight requests finish first.
            """)

    @Option(name: .long, help: ArgumentHelp("Where metrics and dashboards are kept (default: in memory).", valueName: "path"))
    var store: String?

    @Option(name: .long, help: "The TCP port (0 picks a free one; the port is printed on start).")
    var port: Int = 4580

    @Option(name: .long, help: "The address to listen on.")
    var host: String = "127.0.0.1"

    @Option(name: .long, help: ArgumentHelp("Verify SigV4 signatures against this file of 'ACCESS_KEY_ID SECRET' lines (or a JSON object).", valueName: "file"))
    var credentials: String?

    @Option(name: .long, help: ArgumentHelp("Image requests allowed per second; more get Throttling (CloudWatch: 20). Default: no limit.", valueName: "n"))
    var tps: Double?

    @Option(name: .long, help: ArgumentHelp("Render threads (default: one per core).", valueName: "n"))
    var threads: Int?

    @Option(name: .long, help: ArgumentHelp("Renders that may wait for a thread before requests are throttled (default: 2 per thread).", valueName: "n"))
    var queue: Int?

    @Option(name: .customLong("render-cache"), help: ArgumentHelp("Megabytes of images kept so identical requests in the same second share one render (0: render every request).", valueName: "MB"))
    var renderCache: Int = 64

    @Option(name: .customLong("snapshot-ttl"), help: ArgumentHelp("Seconds a Datadog snapshot URL stays valid.", valueName: "seconds"))
    var snapshotTTL: Double = 3600

    @Option(name: .customLong("public-url"), help: ArgumentHelp("Base of snapshot URLs (default: http:// + the request's Host).", valueName: "url"))
    var publicURL: String?

    @Option(name: .customLong("account-id"), help: ArgumentHelp("Account id in dashboard ARNs.", valueName: "id"))
    var accountId: String = "000000000000"

    @Option(name: .customLong("compact-every"), help: ArgumentHelp("Seconds between store compactions (retention tiers; 0: never). Only with --store.", valueName: "seconds"))
    var compactEvery: Double = 3600

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be 0 to 65535") }
        if let tps, !(tps > 0) { throw ValidationError("--tps must be positive") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if let queue, queue < 0 { throw ValidationError("--queue must not be negative") }
        guard renderCache >= 0 else { throw ValidationError("--render-cache must not be negative") }
        guard snapshotTTL > 0 else { throw ValidationError("--snapshot-ttl must be positive") }
        guard compactEvery >= 0, compactEvery.isFinite else { throw ValidationError("--compact-every must be 0 or more seconds") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level: unknown level \(logLevel)") }
    }

    func run() throws {
        let outcome = Mutex<(any Error)?>(nil)
        let done = DispatchSemaphore(value: 0)
        let command = self
        Task {
            do { try await command.serve() } catch { outcome.withLock { $0 = error } }
            done.signal()
        }
        done.wait()
        if let error = outcome.withLock({ $0 }) { throw error }
    }

    func serve() async throws {
        var config = ServerConfiguration()
        config.host = host; config.port = port; config.storePath = store; config.credentialsPath = credentials
        config.tps = tps; config.threads = threads; config.queueDepth = queue; config.snapshotTTL = snapshotTTL
        config.publicURL = publicURL; config.accountId = accountId
        config.renderCacheBytes = renderCache * 1_048_576
        config.compactInterval = compactEvery
        config.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let level = config.logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let shownHost = host
        do {
            try await GraphshotServer.run(config) { port in
                FileHandle.standardOutput.write(Data("graphshot: listening on http://\(shownHost):\(port)\n".utf8))
            }
        } catch let error as ServerStartError {
            FileHandle.standardError.write(Data("graphshot: error: \(error.description)\n".utf8))
            throw ExitCode(1)
        }
    }
}
