import ChartCore
import Foundation
import MetricQuery
import WidgetSpec

/// An error of the dashboard-widget image endpoint, in NCP API Gateway's shape:
/// `{"error": {"errorCode": "404", "message": "…"}}`.
public struct DashboardWidgetError: Error, Sendable, Equatable, CustomStringConvertible {
    public var status: Int
    public var message: String

    public init(_ status: Int, _ message: String) { self.status = status; self.message = message }

    public var description: String { message }

    public var body: [UInt8] {
        WireJSON.encode(.object([("error", .object([("errorCode", .string(String(status))), ("message", .string(message))]))]))
    }
}

/// `widgetResolutionMode`: `AUTO` uses the dashboard's own period rule; `HIGH` one step finer.
public enum WidgetResolutionMode: String, Sendable, Equatable {
    case auto = "AUTO"
    case high = "HIGH"
}

/// NAVER Cloud Insight's `GetDashboardWidgetImage` (api.md §10) over dashboards stored with
/// PutDashboard: `dashboardId` is the dashboard name, `widgetId` the zero-based position of the
/// widget in the body's `widgets` array; times are epoch milliseconds.
public struct DashboardWidgetRequest: Sendable, Equatable {
    public var dashboardName: String
    public var widgetIndex: Int
    public var start: EpochSeconds
    public var end: EpochSeconds
    public var mode: WidgetResolutionMode
    /// NAVER's documented output is 800 × 600; the government-cloud `width`/`height` override it.
    public var width: Int
    public var height: Int

    public init(dashboardId: String, widgetId: String, query: String) throws(DashboardWidgetError) {
        guard let params = FormEncoding.decode(Substring(query)) else { throw DashboardWidgetError(400, "The query string has a malformed percent escape") }
        func param(_ n: String) -> String? { params.last { $0.name == n }?.value }
        func int(_ n: String) throws(DashboardWidgetError) -> Int64? {
            guard let s = param(n) else { return nil }
            guard let v = Int64(s) else { throw DashboardWidgetError(400, "\(n) must be an integer, not \(s)") }
            return v
        }
        dashboardName = dashboardId
        guard let index = Int(widgetId), index >= 0 else {
            throw DashboardWidgetError(404, "Widget \(widgetId) not found: widget ids are zero-based positions in the dashboard's widgets")
        }
        widgetIndex = index
        guard let s = try int("startTime") else { throw DashboardWidgetError(400, "startTime (epoch milliseconds) is required") }
        guard let e = try int("endTime") else { throw DashboardWidgetError(400, "endTime (epoch milliseconds) is required") }
        guard s < e else { throw DashboardWidgetError(400, "startTime must be before endTime") }
        start = s / 1000; end = (e + 999) / 1000
        guard end - start <= DatadogSnapshotRequest.maxRange else { throw DashboardWidgetError(400, "The time range is longer than 455 days") }
        let m = param("widgetResolutionMode") ?? "AUTO"
        guard let mode = WidgetResolutionMode(rawValue: m) else { throw DashboardWidgetError(400, "widgetResolutionMode must be AUTO or HIGH, not \(m)") }
        self.mode = mode
        let w = try int("width") ?? 800, h = try int("height") ?? 600
        guard (1...2000).contains(w), (1...2000).contains(h) else { throw DashboardWidgetError(400, "width and height must be 1 to 2000 pixels") }
        width = Int(w); height = Int(h)
    }

    /// The MetricWidget JSON for the requested widget of `dashboardBody` (api.md §8.4).
    public func widgetJSON(dashboardBody: String, variableValues: [String: String] = [:]) throws(DashboardWidgetError) -> String {
        try DashboardWidgetJSON.metricWidgetJSON(
            dashboardBody: dashboardBody, index: widgetIndex, start: start, end: end, mode: mode, width: width, height: height,
            variableValues: variableValues)
    }
}

/// Turns one widget of a CloudWatch dashboard body into a MetricWidget document.
public enum DashboardWidgetJSON {
    /// Steps of api.md §8.4: select the widget (only `metric` widgets draw), apply variable
    /// defaults, set the time range and size, and choose periods (`periodOverride`, then the
    /// resolution mode). Variables (`DashboardVariable`) take their value from `variableValues`
    /// (the caller resolves `__FIRST` with `VariableSearch`), else their default; an unresolved
    /// `__FIRST` leaves the widget as written.
    public static func metricWidgetJSON(
        dashboardBody: String, index: Int, start: EpochSeconds, end: EpochSeconds, mode: WidgetResolutionMode, width: Int, height: Int,
        variableValues: [String: String] = [:]
    ) throws(DashboardWidgetError) -> String {
        guard case .object(let body)? = try? JSONParser.parse(dashboardBody) else {
            throw DashboardWidgetError(500, "The stored dashboard body is not a JSON object")
        }
        guard case .array(let widgets)? = body["widgets"], index < widgets.count else {
            throw DashboardWidgetError(404, "Widget \(index) not found: the dashboard has \(body["widgets"].flatMap { if case .array(let a) = $0 { a.count } else { nil } } ?? 0) widgets")
        }
        guard case .object(let widget) = widgets[index] else { throw DashboardWidgetError(400, "Widget \(index) is not an object") }
        let type: String
        if case .string(let t)? = widget["type"] { type = t } else { type = "" }
        guard type == "metric" else {
            throw DashboardWidgetError(400, "Widget \(index) is of type \"\(type)\"; only metric widgets can be drawn as images")
        }
        guard case .object(var props)? = widget["properties"] else { throw DashboardWidgetError(400, "Widget \(index) has no properties object") }

        if case .array(let items)? = body["variables"] {
            do {
                let variables = try DashboardVariable.parseAll(items)
                props = try DashboardVariable.apply(variables, chosen: variableValues, to: props, path: "widgets[\(index)].properties")
            } catch {
                throw DashboardWidgetError(400, error.description)
            }
        }

        var period: Int? = nil
        let override: String
        if case .string(let o)? = body["periodOverride"] { override = o } else { override = "auto" }
        if override == "auto" {
            period = AutoPeriod.forRange(end - start)
            if mode == .high { period = AutoPeriod.finer(than: period ?? 60) }
        } else if mode == .high {
            let own: Int
            if case .number(let p)? = props["period"] { own = Int(p) } else { own = 300 }
            period = AutoPeriod.finer(than: own)
        }
        if let period {
            props = setPeriods(props, period)
        }
        var members = props.members.filter { !["width", "height", "start", "end"].contains($0.key) }
        members.append(("width", .number(Double(width))))
        members.append(("height", .number(Double(height))))
        members.append(("start", .string(ISO8601.format(start))))
        members.append(("end", .string(ISO8601.format(end))))
        let json = String(decoding: WireJSON.encode(wire(.object(JSONObject(members)))), as: UTF8.self)
        return json
    }

    /// The values of the body's variables whose default is `__FIRST` (api.md §8.4 step 2):
    /// the first value each one's `search` finds in `source` (`VariableSearch`). A variable
    /// whose search finds nothing is left out, so the widget keeps what it has written.
    public static func firstSearchValues(
        dashboardBody: String, source: some MetricDataSource, now: EpochSeconds
    ) throws(DashboardWidgetError) -> [String: String] {
        guard dashboardBody.contains(DashboardVariable.firstSearchResult),
              case .object(let body)? = try? JSONParser.parse(dashboardBody),
              case .array(let items)? = body["variables"],
              let variables = try? DashboardVariable.parseAll(items)
        else { return [:] }
        do {
            return try VariableSearch.resolveFirstValues(variables, chosen: [:], source: source, now: now).values
        } catch {
            switch error {
            case .invalidExpression(let path, let message): throw DashboardWidgetError(400, "\(path): \(message)")
            case .dataSource(let message): throw DashboardWidgetError(500, message)
            }
        }
    }

    /// Sets the widget period and every row's own `period` to `period`.
    static func setPeriods(_ props: JSONObject, _ period: Int) -> JSONObject {
        var out: [JSONObject.Member] = props.members.filter { $0.key != "period" }
        out.append(("period", .number(Double(period))))
        out = out.map { member in
            guard member.key == "metrics", case .array(let rows) = member.value else { return member }
            return (member.key, .array(rows.map { row in
                guard case .array(var items) = row, case .object(let opts)? = items.last, opts["period"] != nil else { return row }
                items[items.count - 1] = .object(JSONObject(opts.members.map { $0.key == "period" ? ($0.key, .number(Double(period))) : $0 }))
                return .array(items)
            }))
        }
        return JSONObject(out)
    }

    /// A JSON value as a wire value (for writing).
    static func wire(_ v: JSONValue) -> WireValue {
        switch v {
        case .number(let d) where d == d.rounded() && abs(d) < 1e15: .integer(Int64(d))
        case .array(let items): .list(items.map(wire))
        case .object(let o): .structure(o.members.map { WireMember($0.key, wire($0.value)) })
        default: WireValue(json: v)
        }
    }
}

/// Validation of a PutDashboard body (api.md §7.5, §8).
public enum DashboardBodyValidator {
    public static let widgetTypes: Set<String> = ["metric", "text", "log", "alarm", "explorer", "custom"]
    /// The dashboard limit on widgets.
    public static let maxWidgets = 500

    /// The problems of `body`, each with a JSON-pointer `DataPath`; empty when it is valid.
    /// A metric widget's properties are checked as a MetricWidget (without `width`/`height`)
    /// when it has at most 100 rows (the image API's own limit).
    public static func validate(_ body: String) -> [DashboardValidationMessage] {
        let json: JSONValue
        do { json = try JSONParser.parse(body) } catch {
            return [DashboardValidationMessage(dataPath: "", message: "The dashboard body is not valid JSON: \(error.description)")]
        }
        guard case .object(let root) = json else {
            return [DashboardValidationMessage(dataPath: "", message: "The dashboard body must be a JSON object")]
        }
        guard case .array(let widgets)? = root["widgets"] else {
            return [DashboardValidationMessage(dataPath: "/widgets", message: "Should have a \"widgets\" array")]
        }
        var out: [DashboardValidationMessage] = []
        if widgets.count > maxWidgets {
            out.append(DashboardValidationMessage(dataPath: "/widgets", message: "Should NOT have more than \(maxWidgets) items"))
        }
        for (k, w) in widgets.enumerated() {
            let base = "/widgets/\(k)"
            guard case .object(let widget) = w else {
                out.append(DashboardValidationMessage(dataPath: base, message: "Should be an object"))
                continue
            }
            guard case .string(let type)? = widget["type"], widgetTypes.contains(type) else {
                out.append(DashboardValidationMessage(
                    dataPath: "\(base)/type", message: "Should be one of: \(widgetTypes.sorted().joined(separator: ", "))"))
                continue
            }
            for (key, range) in [("x", 0...23), ("y", 0...100_000), ("width", 1...24), ("height", 1...1000)] {
                guard let v = widget[key] else { continue }
                guard case .number(let n) = v, n == n.rounded(), range.contains(Int(exactly: n) ?? -1) else {
                    out.append(DashboardValidationMessage(dataPath: "\(base)/\(key)", message: "Should be an integer in \(range.lowerBound)…\(range.upperBound)"))
                    continue
                }
            }
            guard case .object(let props)? = widget["properties"] else {
                out.append(DashboardValidationMessage(dataPath: "\(base)/properties", message: "Should have a \"properties\" object"))
                continue
            }
            guard type == "metric" else { continue }
            let rows: Int
            if case .array(let r)? = props["metrics"] { rows = r.count } else { rows = 0 }
            if rows == 0, props["annotations"] != nil { continue }  // an alarm graph
            guard rows <= WidgetLimits.maxRows else { continue }
            let checked = JSONObject(props.members.filter { $0.key != "width" && $0.key != "height" })
            let text = String(decoding: WireJSON.encode(DashboardWidgetJSON.wire(.object(checked))), as: UTF8.self)
            do {
                _ = try MetricWidget.parse(json: text)
            } catch {
                out.append(DashboardValidationMessage(dataPath: "\(base)/properties" + pointer(error.path), message: error.message))
            }
        }
        if let variables = root["variables"] {
            guard case .array(let items) = variables else {
                out.append(DashboardValidationMessage(dataPath: "/variables", message: "Should be an array"))
                return out
            }
            do { _ = try DashboardVariable.parseAll(items) } catch {
                out.append(DashboardValidationMessage(dataPath: pointer(error.path), message: error.message))
            }
        }
        return out
    }

    /// `metrics[2][1]` / `yAxis.left.min` → `/metrics/2/1` / `/yAxis/left/min`.
    public static func pointer(_ path: String) -> String {
        guard !path.isEmpty else { return "" }
        var out = "/"
        for c in path {
            switch c {
            case "[", ".": if out.last != "/" { out.append("/") }
            case "]": continue
            default: out.append(c)
            }
        }
        return out.hasSuffix("/") ? String(out.dropLast()) : out
    }
}
