import ChartCore

/// A validated CloudWatch MetricWidget with every default applied (metric-widget spec §2).
///
/// Build one with `MetricWidget.parse(json:)`. Everything here is already checked:
/// later stages never see an invalid widget.
public struct MetricWidget: Sendable, Equatable {
    /// The `metrics` rows in order, shorthand expanded, ids resolved (spec §3).
    public var rows: [WidgetRow]
    public var view: WidgetView = .timeSeries
    public var stacked: Bool = false
    /// Absent or empty title → nil (no title row is drawn).
    public var title: String?
    public var width: Int = 600
    public var height: Int = 400
    public var start: TimeBound = .relative(RelativeDuration(hours: -3))
    public var end: TimeBound = .relative(RelativeDuration())
    /// Widget-level period in seconds (default 300).
    public var period: Int = 300
    /// Widget-level statistic (default Average).
    public var stat: Statistic = .average
    public var region: String?
    public var accountId: String?
    /// Display zone: `+HHMM`, `UTC`, or an IANA name such as `Europe/Paris` (see `DisplayTimeZone`).
    public var timezone: DisplayTimeZone = .utc
    public var theme: Theme = .light
    public var legend: LegendPosition = .bottom
    public var liveData: Bool = false
    public var setPeriodToTimeRange: Bool = false
    public var sparkline: Bool = false
    public var trend: Bool = false
    public var singleValueFullPrecision: Bool = false
    /// `labels.visible` (pie only).
    public var labelsVisible: Bool = false
    public var table: TableOptions = TableOptions()
    public var yAxis: YAxes = YAxes()
    public var annotations: Annotations = Annotations()

    public init(rows: [WidgetRow]) { self.rows = rows }

    /// The metric rows only, in order.
    public var metricRows: [MetricRowSpec] {
        rows.compactMap { if case .metric(let m) = $0 { return m } else { return nil } }
    }

    /// The expression rows only, in order.
    public var expressionRows: [ExpressionRowSpec] {
        rows.compactMap { if case .expression(let e) = $0 { return e } else { return nil } }
    }
}

public enum WidgetView: String, Sendable, Equatable, CaseIterable {
    case timeSeries, bar, pie, singleValue, gauge, table
}

public enum Theme: String, Sendable, Equatable, CaseIterable {
    case light, dark
}

public enum LegendPosition: String, Sendable, Equatable, CaseIterable {
    case bottom, right, hidden
}

/// One row of `metrics`.
public enum WidgetRow: Sendable, Equatable {
    case metric(MetricRowSpec)
    case expression(ExpressionRowSpec)

    public var id: String {
        switch self {
        case .metric(let m): return m.id
        case .expression(let e): return e.id
        }
    }

    public var rowIndex: Int {
        switch self {
        case .metric(let m): return m.rowIndex
        case .expression(let e): return e.rowIndex
        }
    }
}

/// A metric row after shorthand expansion, with its options (spec §3.1–3.3).
public struct MetricRowSpec: Sendable, Equatable {
    /// Zero-based position in `metrics`.
    public var rowIndex: Int
    /// Explicit `id`, or the implicit `m<n>` (spec §3.6).
    public var id: String
    public var idIsImplicit: Bool
    public var metric: MetricIdentity
    /// Dimensions in the order the row wrote them (for default labels).
    public var dimensionsInRowOrder: [Dimension]
    /// The row's `label`; nil when absent (default label rules apply), "" means no text.
    public var label: String?
    /// Explicit colour; nil when absent or not a valid colour (palette is used).
    public var color: RGBA?
    public var visible: Bool = true
    public var yAxis: AxisSide = .left
    /// Effective statistic: row `stat` → widget `stat` → Average.
    public var stat: Statistic
    /// Effective period in seconds: row `period` → widget `period` → 300.
    public var period: Int
    public var region: String?
    public var accountId: String?

    public init(
        rowIndex: Int, id: String, idIsImplicit: Bool, metric: MetricIdentity, dimensionsInRowOrder: [Dimension],
        label: String? = nil, color: RGBA? = nil, visible: Bool = true, yAxis: AxisSide = .left,
        stat: Statistic, period: Int, region: String? = nil, accountId: String? = nil
    ) {
        self.rowIndex = rowIndex; self.id = id; self.idIsImplicit = idIsImplicit; self.metric = metric
        self.dimensionsInRowOrder = dimensionsInRowOrder; self.label = label; self.color = color
        self.visible = visible; self.yAxis = yAxis; self.stat = stat; self.period = period
        self.region = region; self.accountId = accountId
    }
}

/// An expression row (spec §3.5). The expression is kept as text here; `MetricMath` parses it.
public struct ExpressionRowSpec: Sendable, Equatable {
    public var rowIndex: Int
    /// Explicit `id`, or the implicit `e<n>`.
    public var id: String
    public var idIsImplicit: Bool
    public var expression: String
    public var label: String?
    public var color: RGBA?
    public var visible: Bool = true
    public var yAxis: AxisSide = .left
    /// The row's own `period`, if given (used only for SELECT and data-free expressions).
    public var period: Int?
    public var region: String?
    public var accountId: String?

    public init(
        rowIndex: Int, id: String, idIsImplicit: Bool, expression: String, label: String? = nil,
        color: RGBA? = nil, visible: Bool = true, yAxis: AxisSide = .left, period: Int? = nil,
        region: String? = nil, accountId: String? = nil
    ) {
        self.rowIndex = rowIndex; self.id = id; self.idIsImplicit = idIsImplicit; self.expression = expression
        self.label = label; self.color = color; self.visible = visible; self.yAxis = yAxis
        self.period = period; self.region = region; self.accountId = accountId
    }
}

/// A negative (or zero) ISO 8601 duration such as `-PT3H` or `-P1M2D` (spec §6.1).
/// Fields are signed: `-PT3H` has `hours == -3`.
public struct RelativeDuration: Sendable, Equatable {
    public var years: Double = 0
    public var months: Double = 0
    public var weeks: Double = 0
    public var days: Double = 0
    public var hours: Double = 0
    public var minutes: Double = 0
    public var seconds: Double = 0

    public init(years: Double = 0, months: Double = 0, weeks: Double = 0, days: Double = 0,
                hours: Double = 0, minutes: Double = 0, seconds: Double = 0) {
        self.years = years; self.months = months; self.weeks = weeks; self.days = days
        self.hours = hours; self.minutes = minutes; self.seconds = seconds
    }
}

/// `start` / `end`: an absolute instant or a duration relative to "now".
public enum TimeBound: Sendable, Equatable {
    case absolute(EpochSeconds)
    case relative(RelativeDuration)
}

public struct YAxisOptions: Sendable, Equatable {
    public var min: Double?
    public var max: Double?
    public var label: String?
    /// nil when absent: graphs treat that as `true`, tables as `false` (spec §7).
    public var showUnits: Bool?
    public init(min: Double? = nil, max: Double? = nil, label: String? = nil, showUnits: Bool? = nil) {
        self.min = min; self.max = max; self.label = label; self.showUnits = showUnits
    }
}

public struct YAxes: Sendable, Equatable {
    public var left = YAxisOptions()
    public var right = YAxisOptions()
    public init(left: YAxisOptions = YAxisOptions(), right: YAxisOptions = YAxisOptions()) {
        self.left = left; self.right = right
    }
    public subscript(side: AxisSide) -> YAxisOptions { side == .left ? left : right }
}

public enum HorizontalFill: String, Sendable, Equatable { case above, below, none }
public enum VerticalFill: String, Sendable, Equatable { case before, after, none }

/// A horizontal annotation: a line at one value, or a band between two (spec §8.1–8.2).
public struct HorizontalAnnotation: Sendable, Equatable {
    public enum Shape: Sendable, Equatable {
        case line(value: Double, label: String?, fill: HorizontalFill)
        /// The two edges in the order given; colour, axis and visibility come from the first element.
        case band(first: Double, firstLabel: String?, second: Double, secondLabel: String?)
    }
    public var shape: Shape
    public var color: RGBA?
    public var yAxis: AxisSide = .left
    /// Invisible annotations are kept for completeness but never drawn nor scaled for.
    public var visible: Bool = true
    public init(shape: Shape, color: RGBA? = nil, yAxis: AxisSide = .left, visible: Bool = true) {
        self.shape = shape; self.color = color; self.yAxis = yAxis; self.visible = visible
    }
}

/// A vertical annotation: a line at one instant, or a band between two (spec §8.3–8.4).
public struct VerticalAnnotation: Sendable, Equatable {
    public enum Shape: Sendable, Equatable {
        case line(time: EpochSeconds, label: String?, fill: VerticalFill)
        case band(first: EpochSeconds, firstLabel: String?, second: EpochSeconds, secondLabel: String?)
    }
    public var shape: Shape
    public var color: RGBA?
    public var visible: Bool = true
    public init(shape: Shape, color: RGBA? = nil, visible: Bool = true) {
        self.shape = shape; self.color = color; self.visible = visible
    }
}

public struct Annotations: Sendable, Equatable {
    public var horizontal: [HorizontalAnnotation] = []
    public var vertical: [VerticalAnnotation] = []
    /// Alarm ARNs (dashboards only; parsed, rendering not supported).
    public var alarms: [String] = []
    public init(horizontal: [HorizontalAnnotation] = [], vertical: [VerticalAnnotation] = [], alarms: [String] = []) {
        self.horizontal = horizontal; self.vertical = vertical; self.alarms = alarms
    }
}

public enum TableLayout: String, Sendable, Equatable { case horizontal, vertical }
public enum SummaryColumn: String, Sendable, Equatable, CaseIterable { case MIN, MAX, SUM, AVG }

public struct TableOptions: Sendable, Equatable {
    public var layout: TableLayout = .horizontal
    public var stickySummary: Bool = false
    public var showTimeSeriesData: Bool = true
    public var summaryColumns: [SummaryColumn] = [.MIN, .MAX, .SUM, .AVG]
    public init() {}
}
