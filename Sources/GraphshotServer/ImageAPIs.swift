import CloudWatchWire
import Foundation
import Graphshot

/// The seeds' other two image APIs on the same store: Datadog's graph snapshot (api.md §9) and
/// NAVER Cloud Insight's dashboard widget image (api.md §10).
public struct ImageAPIs: Sendable {
    public let context: ServiceContext

    public init(_ context: ServiceContext) { self.context = context }

    func json(_ status: Int, _ body: [UInt8]) -> WireHTTPResponse {
        WireHTTPResponse(status: status, headers: [("Content-Type", "application/json")], body: body)
    }

    // MARK: Datadog

    /// `GET /api/v1/graph/snapshot?…`: renders at once, stores the PNG content-addressed, and
    /// answers `{"graph_def", "metric_query", "snapshot_url"}` with a URL on this server.
    /// With `--credentials`, `DD-API-KEY` must be an access key id and `DD-APPLICATION-KEY` its secret.
    public func datadogSnapshot(_ r: WireHTTPRequest, baseURL: String) async -> WireHTTPResponse {
        if let verifier = context.verifier {
            guard let key = r.header("DD-API-KEY"), let app = r.header("DD-APPLICATION-KEY"), verifier.credentials[key] == app else {
                return json(403, DatadogError("Forbidden", status: 403).body)
            }
        }
        if let limiter = context.limiter, !limiter.allow(now: context.clock()) {
            return json(429, DatadogError("Too many requests", status: 429).body)
        }
        let request: DatadogSnapshotRequest
        do { request = try DatadogSnapshotRequest(query: r.query) } catch { return json(error.status, error.body) }
        let now = context.now, source = context.store.reader(), renderer = context.renderer
        do {
            let png = try await context.pool.run { () throws -> [UInt8] in
                let (widget, data) = try request.widget(source: source, now: now)
                return try Backend.renderImage(renderer: renderer, widgetJSON: widget, data: data, now: now, kind: .png)
            }
            let key = context.snapshots.store(png, now: context.clock())
            return json(200, request.response(snapshotURL: "\(baseURL)/snapshot/view/\(key).png"))
        } catch let e as DatadogError {
            return json(e.status, e.body)
        } catch let e as WireError {
            return json(e.status >= 500 ? 500 : 400, DatadogError(e.message).body)
        } catch is RenderPool.Full {
            return json(429, DatadogError("Too many requests: all render slots are busy", status: 429).body)
        } catch {
            return json(500, DatadogError("\(error)", status: 500).body)
        }
    }

    /// `GET /snapshot/view/<sha256>.png`.
    public func snapshotImage(file: String) -> WireHTTPResponse {
        guard file.hasSuffix(".png"), let png = context.snapshots.get(String(file.dropLast(4)), now: context.clock()) else {
            return WireHTTPResponse(status: 404, headers: [("Content-Type", "text/plain")], body: Array("Snapshot not found or expired\n".utf8))
        }
        return WireHTTPResponse(status: 200, headers: [("Content-Type", "image/png"), ("Cache-Control", "max-age=\(Int(context.snapshots.ttl))")], body: png)
    }

    // MARK: NAVER Cloud Insight

    /// NCP API Gateway signatures are valid for five minutes.
    public static let ncpMaxSkewMilliseconds: Double = 300_000

    /// `GET /cw_fea/real/cw/api/chart/dashboard/{dashboardId}/widgets/{widgetId}?startTime=&endTime=&widgetResolutionMode=`:
    /// the widget drawn as a PNG (800 × 600 unless `width`/`height` say otherwise).
    public func dashboardWidget(_ r: WireHTTPRequest, dashboardId: String, widgetId: String) async -> WireHTTPResponse {
        func fail(_ e: DashboardWidgetError) -> WireHTTPResponse { json(e.status, e.body) }
        if let verifier = context.verifier {
            if let e = checkNCPSignature(r, credentials: verifier.credentials, hashing: verifier.hashing) { return fail(e) }
        }
        if let limiter = context.limiter, !limiter.allow(now: context.clock()) { return fail(DashboardWidgetError(429, "Too many requests")) }
        let request: DashboardWidgetRequest
        do { request = try DashboardWidgetRequest(dashboardId: dashboardId, widgetId: widgetId, query: r.query) } catch { return fail(error) }
        let dashboard: DashboardRecord?
        do { dashboard = try context.store.getDashboard(name: request.dashboardName) } catch {
            return fail(DashboardWidgetError(500, error.message))
        }
        guard let dashboard else { return fail(DashboardWidgetError(404, "Dashboard \(request.dashboardName) not found")) }
        let now = context.now, source = context.store.reader(), renderer = context.renderer
        let widget: String
        do {
            let chosen = try DashboardWidgetJSON.firstSearchValues(dashboardBody: dashboard.body, source: source, now: now)
            widget = try request.widgetJSON(dashboardBody: dashboard.body, variableValues: chosen)
        } catch { return fail(error) }
        do {
            let png = try await context.pool.run { () throws(WireError) -> [UInt8] in
                try Backend.renderImage(renderer: renderer, widgetJSON: widget, data: source, now: now, kind: .png)
            }
            return WireHTTPResponse(status: 200, headers: [("Content-Type", "image/png")], body: png)
        } catch let e as WireError {
            return fail(DashboardWidgetError(e.status >= 500 ? 500 : 400, e.message))
        } catch is RenderPool.Full {
            return fail(DashboardWidgetError(429, "Too many requests: all render slots are busy"))
        } catch {
            return fail(DashboardWidgetError(500, "\(error)"))
        }
    }

    /// NCP's signature v2: base64 HMAC-SHA256 with the secret key over
    /// `"GET <path?query>\n<timestamp>\n<accessKey>"`; nil when valid.
    func checkNCPSignature(_ r: WireHTTPRequest, credentials: [String: String], hashing: any SigV4Hashing) -> DashboardWidgetError? {
        guard let key = r.header("x-ncp-iam-access-key"), let timestamp = r.header("x-ncp-apigw-timestamp"),
              let signature = r.header("x-ncp-apigw-signature-v2")
        else { return DashboardWidgetError(401, "Authentication Failed: x-ncp-iam-access-key, x-ncp-apigw-timestamp and x-ncp-apigw-signature-v2 are required") }
        guard let secret = credentials[key] else { return DashboardWidgetError(401, "Authentication Failed: unknown access key") }
        guard let ms = Double(timestamp), abs(ms - context.clock() * 1000) <= Self.ncpMaxSkewMilliseconds else {
            return DashboardWidgetError(401, "Authentication Failed: the timestamp is more than five minutes away from the server's time")
        }
        let target = r.query.isEmpty ? r.path : "\(r.path)?\(r.query)"
        let message = "\(r.method) \(target)\n\(timestamp)\n\(key)"
        let expected = hashing.hmacSHA256(key: Array(secret.utf8), data: Array(message.utf8)).base64String
        guard expected == signature else { return DashboardWidgetError(401, "Authentication Failed: signature mismatch") }
        return nil
    }
}
