import CloudWatchWire
import Foundation
import Graphshot
import Logging

/// Everything a request handler needs, shared by all requests.
public struct ServiceContext: Sendable {
    public var store: any ServerStore
    public var renderer: Renderer
    public var pool: RenderPool
    /// `--tps`: limits the image operations (GetMetricWidgetImage and the other image APIs).
    public var limiter: RateLimiter?
    /// `--credentials`: when set, every CloudWatch request must carry a valid SigV4 signature.
    public var verifier: SigV4Verifier?
    /// API keys for the Datadog endpoint (`DD-API-KEY` = access key id, `DD-APPLICATION-KEY` =
    /// its secret) when `--credentials` is set.
    public var snapshots: SnapshotCache
    /// Shares one render among identical GetMetricWidgetImage requests (same widget, format,
    /// data and second).
    public var renders: RenderCache
    /// The account id in dashboard ARNs.
    public var accountId: String
    /// Seconds since the epoch, fractions allowed. The server's only clock.
    public var clock: @Sendable () -> Double
    public var logger: Logger

    public init(
        store: any ServerStore, renderer: Renderer, pool: RenderPool, limiter: RateLimiter? = nil, verifier: SigV4Verifier? = nil,
        snapshots: SnapshotCache = SnapshotCache(), renders: RenderCache = RenderCache(), accountId: String = "000000000000",
        clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }, logger: Logger = Logger(label: "graphshot")
    ) {
        self.store = store; self.renderer = renderer; self.pool = pool; self.limiter = limiter; self.verifier = verifier
        self.snapshots = snapshots; self.renders = renders; self.accountId = accountId; self.clock = clock; self.logger = logger
    }

    /// "Now" in whole seconds.
    public var now: EpochSeconds { EpochSeconds(clock().rounded(.down)) }
}

/// CloudWatch's operations over a `ServerStore`, protocol-independent: a decoded request in,
/// an HTTP response (in the request's protocol) out.
public struct CloudWatchService: Sendable {
    public let context: ServiceContext

    public init(_ context: ServiceContext) { self.context = context }

    /// The largest request body accepted (PutMetricData's 1 MB limit applies to the HTTP body).
    public static let maxBodyBytes = 1_048_576
    /// The largest body after `Content-Encoding: gzip` is removed.
    public static let maxInflatedBytes = 16 * 1_048_576

    /// Handles one CloudWatch HTTP request end to end: dispatch, signature, operation, reply.
    /// `rawBody` is the body as received (for the signature); `request.body` is inflated.
    public func handle(_ request: WireHTTPRequest, rawBody: [UInt8]) async -> WireHTTPResponse {
        let requestId = UUID().uuidString.lowercased()
        guard let p = CloudWatchWire.detectProtocol(request) else {
            return WireHTTPResponse(status: 404, headers: [("Content-Type", "text/plain")], body: Array("Not found\n".utf8))
        }
        do {
            if let verifier = context.verifier { _ = try verifier.verify(request, rawBody: rawBody, now: context.clock()) }
            let decoded = try CloudWatchWire.decode(request, as: p)
            return try await perform(decoded, requestId: requestId)
        } catch {
            if error.status >= 500 {
                context.logger.error("request failed", metadata: ["code": "\(error.code)", "message": "\(error.message)"])
            }
            return CloudWatchWire.error(p, error, requestId: requestId)
        }
    }

    /// Runs one decoded operation.
    public func perform(_ r: CloudWatchRequest, requestId: String) async throws(WireError) -> WireHTTPResponse {
        func ok(_ output: WireValue) -> WireHTTPResponse {
            CloudWatchWire.success(r.wireProtocol, r.operation, output: output, requestId: requestId)
        }
        let now = context.now
        do {
            switch r.operation {
            case .getMetricWidgetImage:
                let input = try GetMetricWidgetImageInput(r.input)
                let image = try await renderImage(widgetJSON: input.metricWidget, kind: input.outputFormat.kind, now: now)
                if input.outputFormat.raw {
                    return CloudWatchWire.raw(contentType: input.outputFormat.contentType, body: image, requestId: requestId)
                }
                return ok(GetMetricWidgetImageInput.output(image: image))

            case .putMetricData:
                try context.store.putMetricData(try PutMetricDataInput(r.input), now: now)
                return ok(.structure([]))

            case .getMetricData:
                let input = try GetMetricDataRequest(r.input)
                let source = context.store.reader()
                let output = try await offload { () throws(CloudWatchAPIError) in try Backend.getMetricData(input, source: source, now: now) }
                return ok(output.wireValue())

            case .getMetricStatistics:
                let input = try GetMetricStatisticsInput(r.input)
                let store = context.store
                let output = try await offload { () throws(CloudWatchAPIError) in try store.getMetricStatistics(input, now: now) }
                return ok(output.wireValue)

            case .listMetrics:
                let input = try ListMetricsInput(r.input)
                let store = context.store
                let output = try await offload { () throws(CloudWatchAPIError) in try store.listMetrics(input, now: now) }
                return ok(output.wireValue)

            case .putDashboard:
                let (name, body) = try DashboardOperations.putDashboardInput(r.input)
                let messages = DashboardBodyValidator.validate(body)
                guard messages.isEmpty else { throw DashboardOperations.invalidInput(messages) }
                try context.store.putDashboard(name: name, body: body, now: now)
                return ok(DashboardOperations.putDashboardOutput([]))

            case .getDashboard:
                let name = try DashboardOperations.getDashboardInput(r.input)
                guard let d = try context.store.getDashboard(name: name) else {
                    throw WireError(
                        code: "ResourceNotFound", shape: "DashboardNotFoundError", status: 404, message: "Dashboard \(name) does not exist")
                }
                return ok(DashboardOperations.getDashboardOutput(d, account: context.accountId))

            case .listDashboards:
                let (prefix, token) = try DashboardOperations.listDashboardsInput(r.input)
                let all = try context.store.listDashboards(prefix: prefix.flatMap { $0.isEmpty ? nil : $0 })
                let (page, next) = try Self.page(all, token: token, size: 1000)
                return ok(DashboardOperations.listDashboardsOutput(page, account: context.accountId, nextToken: next))

            case .deleteDashboards:
                let names = try DashboardOperations.deleteDashboardsInput(r.input)
                let missing = try context.store.deleteDashboards(names: names)
                guard missing.isEmpty else {
                    throw WireError(
                        code: "ResourceNotFound", shape: "DashboardNotFoundError", status: 404,
                        message: "Dashboards \(missing.joined(separator: ", ")) do not exist; the others were deleted")
                }
                return ok(.structure([]))
            }
        } catch let e as CloudWatchAPIError {
            throw WireError(e)
        } catch let e as WireError {
            throw e
        } catch {
            throw .internalFailure("\(error)")
        }
    }

    /// Renders a widget on the pool: `Throttling` when `--tps` is exceeded or the pool is full.
    func renderImage(widgetJSON: String, kind: ImageOutputFormat.Kind, now: EpochSeconds) async throws(WireError) -> [UInt8] {
        if let limiter = context.limiter, !limiter.allow(now: context.clock()) { throw .throttling() }
        let renderer = context.renderer, store = context.store, pool = context.pool, logger = context.logger
        // The generation is read before the snapshot: a write in between only makes the key stale.
        let generation = store.generation
        do {
            return try await context.renders.image(widget: widgetJSON, kind: kind, now: now, generation: generation) {
                let source = store.reader()
                return try await pool.run { () throws(WireError) -> [UInt8] in
                    let started = ContinuousClock.now
                    let image = try Backend.renderImage(renderer: renderer, widgetJSON: widgetJSON, data: source, now: now, kind: kind)
                    logger.debug("rendered", metadata: ["ms": "\((ContinuousClock.now - started).milliseconds)", "bytes": "\(image.count)"])
                    return image
                }
            }
        } catch let e as WireError {
            throw e
        } catch is RenderPool.Full {
            throw .throttling("Rate exceeded: all \(context.pool.capacity) render slots are busy")
        } catch {
            throw .internalFailure("\(error)")
        }
    }

    /// Runs data work (GetMetricData, GetMetricStatistics) on the pool too, off the event loop.
    func offload<T: Sendable>(_ body: @escaping @Sendable () throws(CloudWatchAPIError) -> T) async throws(WireError) -> T {
        do {
            return try await context.pool.run { () throws(CloudWatchAPIError) -> T in try body() }
        } catch let e as CloudWatchAPIError {
            throw WireError(e)
        } catch is RenderPool.Full {
            throw .throttling("Rate exceeded: all \(context.pool.capacity) worker slots are busy")
        } catch {
            throw .internalFailure("\(error)")
        }
    }

    /// One page of a sorted listing and the token for the next.
    static func page<T>(_ all: [T], token: String?, size: Int) throws(CloudWatchAPIError) -> ([T], String?) {
        var start = 0
        if let token {
            guard let offset = PageToken.offset(token), offset <= all.count else {
                throw CloudWatchAPIError(.invalidParameterValue, "The parameter NextToken is invalid.")
            }
            start = offset
        }
        let end = min(all.count, start + size)
        return (Array(all[start..<end]), end < all.count ? PageToken.make(offset: end) : nil)
    }
}

extension Duration {
    /// Milliseconds, with a fraction.
    var milliseconds: Double { Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15 }
}
