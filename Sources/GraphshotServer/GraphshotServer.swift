import CloudWatchWire
import CompressNIO
import Foundation
import Graphshot
import HTTPTypes
import Hummingbird
import Logging
import MetricStore
import NIOCore

/// How `graphshot serve` runs.
public struct ServerConfiguration: Sendable {
    /// Address to listen on: loopback unless told otherwise.
    public var host = "127.0.0.1"
    /// 0 picks a free port (the chosen one is announced on standard output).
    public var port = 4580
    /// The metric and dashboard store; nil keeps everything in memory.
    public var storePath: String?
    /// A file of access key ids and secrets; when set, requests must be signed.
    public var credentialsPath: String?
    /// `--tps`: image requests allowed per second (nil: no limit).
    public var tps: Double?
    /// Render threads (default: one per core).
    public var threads: Int?
    /// Renders allowed to wait beyond the running ones (default: two per thread).
    public var queueDepth: Int?
    /// How long Datadog snapshot URLs stay valid, in seconds.
    public var snapshotTTL: Double = 3600
    /// The base of snapshot URLs (default: `http://` + the request's Host header).
    public var publicURL: String?
    /// The account id in dashboard ARNs.
    public var accountId = "000000000000"
    /// Bytes of images kept to answer identical GetMetricWidgetImage requests of the same
    /// second without rendering again; 0 renders every request.
    public var renderCacheBytes = 64 * 1_048_576
    public var logLevel: Logger.Level = .info
    /// Seconds between store compactions (`--compact-every`; retention tiers and folding of
    /// pending writes); 0 never compacts. Only a persistent store is compacted.
    public var compactInterval: Double = 3600

    public init() {}
}

/// Why the server could not start.
public struct ServerStartError: Error, CustomStringConvertible {
    public var description: String
}

/// `graphshot serve`: CloudWatch (three protocols), Datadog snapshots and NAVER widget images
/// over Hummingbird, with renders on a bounded pool and graceful shutdown on SIGTERM/SIGINT.
public enum GraphshotServer {
    /// The store behind `--store PATH`: the SQLite metric store at `path` (created when
    /// missing), or everything in memory when no path (or `:memory:`) is given.
    public static func makeStore(path: String?, logger: Logger) throws -> any ServerStore {
        guard let path, path != ":memory:" else {
            logger.info("no --store: metrics and dashboards are kept in memory only")
            return InMemoryServerStore()
        }
        do { return try SQLiteServerStore(path: path) } catch {
            throw ServerStartError(description: "--store \(path): \(error.message)")
        }
    }

    /// Reads a credentials file: one `ACCESS_KEY_ID SECRET_ACCESS_KEY` pair per line (`=` or
    /// `:` may separate them), `#` comments, or a JSON object `{"AKID": "secret", …}`.
    public static func loadCredentials(path: String) throws -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ServerStartError(description: "\(path): cannot read the credentials file")
        }
        return try parseCredentials(text, source: path)
    }

    public static func parseCredentials(_ text: String, source: String) throws -> [String: String] {
        var out: [String: String] = [:]
        if text.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("{") {
            guard case .object(let o) = try? JSONParser.parse(text) else {
                throw ServerStartError(description: "\(source): not a JSON object of access key id → secret")
            }
            for (k, v) in o {
                guard case .string(let s) = v else { throw ServerStartError(description: "\(source): the secret of \(k) is not a string") }
                out[k] = s
            }
        } else {
            for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let line = raw.trimmingCharacters(in: .whitespaces)
                if line.isEmpty || line.hasPrefix("#") { continue }
                let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "=" || $0 == ":" }).map(String.init)
                guard parts.count == 2 else {
                    throw ServerStartError(description: "\(source):\(n + 1): expected ACCESS_KEY_ID SECRET_ACCESS_KEY")
                }
                out[parts[0]] = parts[1]
            }
        }
        guard !out.isEmpty else { throw ServerStartError(description: "\(source): no credentials found") }
        return out
    }

    /// Builds the shared request context from a configuration.
    public static func makeContext(_ config: ServerConfiguration, logger: Logger) throws -> ServiceContext {
        let renderer: Renderer
        do { renderer = try Renderer() } catch { throw ServerStartError(description: error.description) }
        var verifier: SigV4Verifier?
        if let path = config.credentialsPath {
            verifier = SigV4Verifier(credentials: try loadCredentials(path: path), hashing: CryptoHashing())
        }
        return ServiceContext(
            store: try makeStore(path: config.storePath, logger: logger), renderer: renderer,
            pool: RenderPool(threads: config.threads, queueDepth: config.queueDepth),
            limiter: config.tps.map { RateLimiter(perSecond: $0) }, verifier: verifier,
            snapshots: SnapshotCache(ttl: config.snapshotTTL), renders: RenderCache(maxBytes: config.renderCacheBytes),
            accountId: config.accountId, logger: logger)
    }

    /// Runs until SIGTERM or SIGINT, then stops accepting connections, finishes the requests in
    /// flight and the queued renders, and returns. `onListening` gets the bound port.
    public static func run(_ config: ServerConfiguration, onListening: @escaping @Sendable (Int) -> Void = { _ in }) async throws {
        var logger = Logger(label: "graphshot")
        logger.logLevel = config.logLevel
        let context = try makeContext(config, logger: logger)
        let router = makeRouter(context, publicURL: config.publicURL)
        if config.compactInterval > 0 && context.store.isPersistent {
            startCompaction(context, every: config.compactInterval)
        }
        let app = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(config.host, port: config.port), serverName: "Graphshot"),
            onServerRunning: { channel in onListening(channel.localAddress?.port ?? config.port) },
            logger: logger)
        do {
            try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
        } catch {
            try? await context.pool.shutdown()
            throw error
        }
        try await context.pool.shutdown()
        logger.info("stopped")
    }

    /// Compacts the store every `interval` seconds on a thread of its own (never on the event
    /// loop or a render thread; readers are not blocked by it). The thread lives as long as
    /// the process; an interrupted compaction leaves the store as it was (each step is a
    /// transaction).
    static func startCompaction(_ context: ServiceContext, every interval: Double) {
        let store = context.store, logger = context.logger, clock = context.clock
        Thread.detachNewThread {
            while true {
                Thread.sleep(forTimeInterval: interval)
                let started = clock()
                do {
                    if let summary = try store.maintain(now: EpochSeconds(started.rounded(.down))) {
                        logger.info("\(summary) in \(Int((clock() - started) * 1000)) ms")
                    }
                } catch {
                    logger.error("compaction failed: \(error)")
                }
            }
        }
    }

    /// The routes.
    public static func makeRouter(_ context: ServiceContext, publicURL: String?) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: LogRequestsMiddleware(.debug))
        let cloudWatch = CloudWatchService(context)
        let images = ImageAPIs(context)

        router.get("/health") { _, _ -> Response in
            let body = WireValue.object([
                ("status", .string("ok")),
                ("renderThreads", .integer(Int64(context.pool.threads))), ("renderSlots", .integer(Int64(context.pool.capacity))),
                ("renderLoad", .integer(Int64(context.pool.load))), ("signatures", .bool(context.verifier != nil)),
                ("tps", context.limiter.map { .double($0.rate) }), ("snapshots", .integer(Int64(context.snapshots.count))),
                ("renderCacheHits", .integer(Int64(context.renders.hits))),
                ("features", Backend.Features(persistentStore: context.store.isPersistent).wireValue),
            ])
            return response(WireHTTPResponse(status: 200, headers: [("Content-Type", "application/json")], body: WireJSON.encode(body)))
        }
        @Sendable func cloudWatchHandler(_ request: Request, _: BasicRequestContext) async throws -> Response {
            let (wire, raw) = try await wireRequest(request)
            if let error = raw.error {
                let p = CloudWatchWire.detectProtocol(wire) ?? .awsJson
                return response(CloudWatchWire.error(p, error, requestId: UUID().uuidString.lowercased()))
            }
            return response(await cloudWatch.handle(wire, rawBody: raw.bytes))
        }
        router.post("/", use: cloudWatchHandler)
        router.get("/", use: cloudWatchHandler)
        router.post("/service/:service/operation/:operation", use: cloudWatchHandler)

        router.get("/api/v1/graph/snapshot") { request, _ -> Response in
            let (wire, _) = try await wireRequest(request)
            let base = publicURL ?? "http://" + (request.head.authority ?? "127.0.0.1")
            return response(await images.datadogSnapshot(wire, baseURL: base))
        }
        router.get("/snapshot/view/:file") { _, ctx -> Response in
            response(images.snapshotImage(file: ctx.parameters.get("file") ?? ""))
        }
        router.get("/cw_fea/real/cw/api/chart/dashboard/:dashboardId/widgets/:widgetId") { request, ctx -> Response in
            let (wire, _) = try await wireRequest(request)
            return response(await images.dashboardWidget(
                wire, dashboardId: ctx.parameters.get("dashboardId") ?? "", widgetId: ctx.parameters.get("widgetId") ?? ""))
        }
        return router
    }

    /// A request body as received, or why it was refused.
    struct RawBody {
        var bytes: [UInt8]
        var error: WireError?
    }

    /// Converts a Hummingbird request: headers (with `host` from the authority), the raw query,
    /// the body limited to 1 MB and inflated when `Content-Encoding: gzip`.
    static func wireRequest(_ request: Request) async throws -> (WireHTTPRequest, RawBody) {
        var headers: [(name: String, value: String)] = []
        if let authority = request.head.authority { headers.append(("host", authority)) }
        for field in request.headers { headers.append((field.name.rawName, field.value)) }
        var wire = WireHTTPRequest(
            method: request.method.rawValue, path: request.uri.path, query: request.uri.query ?? "", headers: headers)
        var buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: CloudWatchService.maxBodyBytes)
        } catch is NIOTooManyBytesError {
            let size = Int(wire.header("Content-Length") ?? "") ?? CloudWatchService.maxBodyBytes + 1
            return (wire, RawBody(bytes: [], error: .tooLarge(size, limit: CloudWatchService.maxBodyBytes)))
        }
        let raw = Array(buffer.readableBytesView)
        if let encoding = wire.header("Content-Encoding")?.lowercased(), encoding.contains("gzip") {
            do {
                // CompressNIO's `maxSize` bounds memory only roughly (its buffers round up to powers
                // of two), so the exact limit is checked on the result too.
                let inflated = try buffer.decompress(with: .gzip(), maxSize: CloudWatchService.maxInflatedBytes)
                guard inflated.readableBytes <= CloudWatchService.maxInflatedBytes else {
                    throw CompressNIOError.bufferOverflow
                }
                wire.body = Array(inflated.readableBytesView)
            } catch {
                return (wire, RawBody(bytes: raw, error: .malformedBody(
                    "The gzip-encoded body could not be inflated (corrupt, or larger than \(CloudWatchService.maxInflatedBytes) bytes): \(error)")))
            }
        } else {
            wire.body = raw
        }
        return (wire, RawBody(bytes: raw))
    }

    /// A wire response as a Hummingbird response.
    static func response(_ r: WireHTTPResponse) -> Response {
        var fields = HTTPFields()
        for (name, value) in r.headers {
            if let n = HTTPField.Name(name) { fields.append(HTTPField(name: n, value: value)) }
        }
        return Response(status: HTTPResponse.Status(code: r.status), headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: r.body)))
    }
}
