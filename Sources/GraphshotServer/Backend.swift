import CloudWatchWire
import Graphshot

/// The work behind the operations that is not storage: GetMetricData (metric math included)
/// and rendering, each in one place.
public enum Backend {
    /// What this build supports (shown on `/health`; the client tests read it).
    public struct Features: Sendable {
        public var metricMath = true
        public var svg = true
        public var pdf = true
        public var persistentStore: Bool

        public var wireValue: WireValue {
            .object([
                ("metricMath", .bool(metricMath)), ("svg", .bool(svg)), ("pdf", .bool(pdf)),
                ("persistentStore", .bool(persistentStore)),
            ])
        }
    }

    /// GetMetricData through MetricQuery's `GetMetricData.run` (MetricStat queries, math,
    /// SEARCH, Metrics Insights). It never paginates, so any `NextToken` is one we did not issue.
    public static func getMetricData(
        _ request: GetMetricDataRequest, source: any MetricDataSource, now: EpochSeconds
    ) throws(CloudWatchAPIError) -> GetMetricDataOutput {
        guard request.nextToken == nil else {
            throw CloudWatchAPIError(.invalidNextToken, "NextToken: this server never returns one for GetMetricData")
        }
        return try GetMetricData.run(request.input, source: source, now: now)
    }

    /// Renders a widget as PNG, SVG or PDF.
    public static func renderImage(
        renderer: Renderer, widgetJSON: String, data: any MetricDataSource, now: EpochSeconds, kind: ImageOutputFormat.Kind
    ) throws(WireError) -> [UInt8] {
        let format: OutputFormat
        switch kind {
        case .png: format = .png
        case .svg: format = .svg
        case .pdf: format = .pdf
        }
        do {
            return try renderer.render(widgetJSON: widgetJSON, data: data, options: RenderOptions(now: now, format: format)).image
        } catch {
            throw wireError(error)
        }
    }

    /// How a render failure is reported to CloudWatch clients.
    public static func wireError(_ e: GraphshotError) -> WireError {
        switch e {
        case .dataSource(let m): return WireError(CloudWatchAPIError(.internalServiceError, "The metric store could not answer: \(m)"))
        case .fonts, .raster: return .internalFailure("Rendering failed: \(e.description)")
        default: return WireError(CloudWatchAPIError(.invalidParameterValue, "The parameter MetricWidget is invalid: \(e.description)"))
        }
    }
}
