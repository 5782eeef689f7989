import ChartCore

/// A CloudWatch dashboard body (api.md §8): widgets on a 24-column grid and the dashboard's
/// default time range. Build one with `DashboardBody.parse(json:)`; errors name the JSON
/// path (`widgets[3].width`).
///
/// Each widget keeps its `properties` as JSON: a metric widget becomes a `MetricWidget` only
/// when it is rendered (`metricWidget(width:height:)`), at the pixel size the caller picks.
public struct DashboardBody: Sendable, Equatable {
    public var widgets: [DashboardWidget]
    /// The dashboard's `start`/`end`; nil when absent.
    public var start: TimeBound?
    public var end: TimeBound?
    public var periodOverride: PeriodOverride
    /// The dashboard's `variables` (api.md §8.3), applied to every metric widget drawn.
    public var variables: [DashboardVariable]

    public init(widgets: [DashboardWidget], start: TimeBound? = nil, end: TimeBound? = nil,
                periodOverride: PeriodOverride = .auto, variables: [DashboardVariable] = []) {
        self.widgets = widgets; self.start = start; self.end = end
        self.periodOverride = periodOverride; self.variables = variables
    }
}

/// `periodOverride` (api.md §8.1): `auto` (the default) sets every metric's period from the
/// time range; `inherit` keeps each widget's and metric's own period.
public enum PeriodOverride: String, Sendable, Equatable {
    case auto, inherit
}

/// The kinds of dashboard widgets (api.md §8.2). Only `metric` widgets are graphs.
public enum DashboardWidgetType: Sendable, Equatable, CustomStringConvertible {
    case metric, text, log, alarm, explorer, custom
    /// A type this version does not know; kept so it can be shown as a placeholder.
    case other(String)

    init(_ name: String) {
        switch name {
        case "metric": self = .metric
        case "text": self = .text
        case "log": self = .log
        case "alarm": self = .alarm
        case "explorer": self = .explorer
        case "custom": self = .custom
        default: self = .other(name)
        }
    }

    public var description: String {
        switch self {
        case .metric: return "metric"
        case .text: return "text"
        case .log: return "log"
        case .alarm: return "alarm"
        case .explorer: return "explorer"
        case .custom: return "custom"
        case .other(let name): return name
        }
    }
}

/// A cell rectangle on the dashboard grid, in grid units.
public struct GridRect: Sendable, Equatable, Hashable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int
    public init(x: Int, y: Int, width: Int, height: Int) { self.x = x; self.y = y; self.width = width; self.height = height }
    public var maxX: Int { x + width }
    public var maxY: Int { y + height }

    func overlaps(_ o: GridRect) -> Bool { x < o.maxX && o.x < maxX && y < o.maxY && o.y < maxY }
}

/// One widget of a dashboard body.
public struct DashboardWidget: Sendable, Equatable {
    /// Position in `widgets`.
    public var index: Int
    /// `widgets[<index>]`.
    public var path: String { "widgets[\(index)]" }
    public var type: DashboardWidgetType
    /// Where it sits on the grid: its own `x`/`y`, or the next free slot (see `DashboardBody.parse`).
    public var grid: GridRect
    /// The raw `properties` object.
    public var properties: JSONObject
    /// `properties.title` when it is a non-empty string.
    public var title: String?
    /// `properties.markdown` of a `text` widget.
    public var markdown: String?
    /// `properties.background` of a `text` widget is `transparent`.
    public var transparentBackground: Bool

    /// The widget as a `MetricWidget` drawn `width` × `height` pixels (metric widgets only),
    /// with the dashboard's time range and period rules applied (api.md §8.4):
    /// - time range: the widget's own `start`/`end` › the dashboard's › `-PT3H`…now;
    /// - period: with `periodOverride: auto`, every metric row gets the smallest of 60, 300,
    ///   900, 3600, 21600 and 86400 seconds that is at least `(end − start) / 1440` (86400
    ///   when none is); with `inherit`, rows keep their periods.
    ///
    /// - variables: each dashboard variable is written into the properties first (see
    ///   `DashboardVariable.apply`), with the value `variableValues` gives for its id, else its
    ///   default.
    public func metricWidget(
        in dashboard: DashboardBody, width: Int, height: Int, now: EpochSeconds, variableValues: [String: String] = [:]
    ) throws(WidgetError) -> MetricWidget {
        guard type == .metric else {
            throw WidgetError(.invalidValue, path: JSONPath.key(path, "type"), "only metric widgets are graphs; this one is \(JSONValue.quote(type.description))")
        }
        let propertiesPath = JSONPath.key(path, "properties")
        let properties = try DashboardVariable.apply(
            dashboard.variables, chosen: variableValues, to: self.properties, path: propertiesPath)
        var widget = try MetricWidget.parse(dashboardProperties: properties, path: propertiesPath, width: width, height: height)
        if properties["start"] == nil || properties["start"] == .null, let start = dashboard.start { widget.start = start }
        if properties["end"] == nil || properties["end"] == .null, let end = dashboard.end { widget.end = end }
        let range: (start: EpochSeconds, end: EpochSeconds)
        do {
            range = try widget.timeRange(now: now)
        } catch {
            let own = properties[error.path] != nil
            throw WidgetError(error.kind, path: own ? JSONPath.key(propertiesPath, error.path) : error.path, error.message)
        }
        if dashboard.periodOverride == .auto {
            let period = DashboardBody.autoPeriod(start: range.start, end: range.end)
            widget.period = period
            widget.rows = widget.rows.map { row in
                guard case .metric(var m) = row else { return row }
                m.period = period
                return .metric(m)
            }
        }
        return widget
    }
}

extension DashboardBody {
    /// Most widgets in a body (api.md §8.1).
    public static let maxWidgets = 500
    /// Grid columns.
    public static let columns = 24
    /// Largest widget height in grid units (api.md §8.2).
    public static let maxHeight = 1000
    /// Periods `periodOverride: auto` chooses from.
    public static let autoPeriods = [60, 300, 900, 3600, 21_600, 86_400]

    /// The `auto` period for a range (api.md §8.4 [?]: AWS's rule is not documented).
    public static func autoPeriod(start: EpochSeconds, end: EpochSeconds) -> Int {
        let wanted = Double(end - start) / 1440
        return autoPeriods.first { Double($0) >= wanted } ?? 86_400
    }

    /// Parses a dashboard body (UTF-8 JSON text).
    ///
    /// Checks `widgets` (required, at most 500 objects), each widget's `type` (required
    /// string), `x` (0–23) and `y` (≥ 0) (both or neither), `width` (1–24, default 6; `x + width`
    /// at most 24), `height` (1–1000, default 6) and `properties` (required object; a `text`
    /// widget needs a `markdown` string), and the body's `start`, `end` (needs `start`) and
    /// `periodOverride`. A metric widget's own fields are checked when it is rendered.
    ///
    /// Widgets without `x`/`y` go to the next free slot: placed widgets first, then the
    /// others in order, each at the first position scanning rows top to bottom and columns
    /// left to right where it overlaps nothing (decision; CloudWatch only says "next free slot").
    public static func parse(json: String) throws(WidgetError) -> DashboardBody {
        let root = try WidgetJSON.parse(Array(json.utf8))
        guard case .object(let fields) = root else {
            throw WidgetError(.invalidJSON, path: "", "the dashboard body must be a JSON object ({ \"widgets\": [ … ] }), not \(root.typeDescription)")
        }
        let body = ObjectReader(fields, path: "")
        guard let items = try body.array("widgets") else {
            throw WidgetError(.missingField, path: "widgets", "the dashboard body has no \"widgets\" array")
        }
        guard items.count <= maxWidgets else {
            throw WidgetError(.invalidValue, path: "widgets", "\"widgets\" has \(items.count) entries; at most \(maxWidgets) are allowed")
        }
        var start: TimeBound?, end: TimeBound?
        if let text = try body.string("start") { start = try TimeBound.parse(text, path: "start") }
        if let text = try body.string("end") {
            guard start != nil else { throw WidgetError(.invalidValue, path: "end", "\"end\" needs a \"start\"") }
            end = try TimeBound.parse(text, path: "end")
        }
        let periodOverride = try body.choice("periodOverride", ["auto": PeriodOverride.auto, "inherit": .inherit], noun: "period override") ?? .auto
        let variables = try DashboardVariable.parseAll(body.array("variables") ?? [])

        var widgets: [DashboardWidget] = []
        var explicit: [GridRect?] = []
        for (index, item) in items.enumerated() {
            let path = JSONPath.index("widgets", index)
            guard case .object(let object) = item else { throw .wrongType(path, expected: "an object", found: item) }
            let w = ObjectReader(object, path: path)
            guard let typeName = try w.string("type") else {
                throw WidgetError(.missingField, path: w.path(of: "type"), "the widget has no \"type\"")
            }
            let type = DashboardWidgetType(typeName)
            func ranged(_ key: String, _ range: ClosedRange<Int>, default value: Int?) throws(WidgetError) -> Int? {
                guard let n = try w.integer(key) else { return value }
                guard range.contains(n) else {
                    throw WidgetError(.invalidValue, path: w.path(of: key), "\(n) is outside \(range.lowerBound)…\(range.upperBound)")
                }
                return n
            }
            let width = try ranged("width", 1...columns, default: 6) ?? 6
            let height = try ranged("height", 1...maxHeight, default: 6) ?? 6
            let x = try ranged("x", 0...(columns - 1), default: nil)
            let y = try ranged("y", 0...100_000, default: nil)
            if (x == nil) != (y == nil) {
                throw WidgetError(.missingField, path: w.path(of: x == nil ? "x" : "y"), "\"x\" and \"y\" go together: give both or neither")
            }
            if let x, x + width > columns {
                throw WidgetError(.invalidValue, path: w.path(of: "width"), "x + width is \(x + width); the grid has \(columns) columns")
            }
            guard let properties = try w.object("properties") else {
                throw WidgetError(.missingField, path: w.path(of: "properties"), "the widget has no \"properties\" object")
            }
            let title = try? properties.string("title")
            var markdown: String?
            var transparent = false
            if type == .text {
                guard let text = try properties.string("markdown") else {
                    throw WidgetError(.missingField, path: properties.path(of: "markdown"), "a text widget needs \"markdown\"")
                }
                markdown = text
                transparent = try properties.choice("background", ["solid": false, "transparent": true], noun: "background") ?? false
            }
            explicit.append(x.map { GridRect(x: $0, y: y ?? 0, width: width, height: height) })
            widgets.append(DashboardWidget(
                index: index, type: type, grid: GridRect(x: 0, y: 0, width: width, height: height),
                properties: properties.fields, title: (title ?? nil).flatMap { $0.isEmpty ? nil : $0 },
                markdown: markdown, transparentBackground: transparent))
        }

        // Placement: explicit positions as given, the rest into the next free slot. A free
        // slot's top edge is 0 or the bottom edge of a placed widget, so only those rows are tried.
        var occupied: [GridRect] = explicit.compactMap { $0 }
        for k in widgets.indices {
            if let rect = explicit[k] { widgets[k].grid = rect; continue }
            let size = widgets[k].grid
            let rows = Set([0] + occupied.map(\.maxY)).sorted()
            placing: for y in rows {
                let band = occupied.filter { $0.y < y + size.height && y < $0.maxY }
                for x in 0...(columns - size.width) {
                    let candidate = GridRect(x: x, y: y, width: size.width, height: size.height)
                    if !band.contains(where: { $0.overlaps(candidate) }) {
                        widgets[k].grid = candidate
                        occupied.append(candidate)
                        break placing
                    }
                }
            }
        }
        return DashboardBody(widgets: widgets, start: start, end: end, periodOverride: periodOverride, variables: variables)
    }
}
