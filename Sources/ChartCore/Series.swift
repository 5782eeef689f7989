/// Seconds since 1970-01-01T00:00:00Z. All times inside Graphshot are UTC epoch seconds;
/// time zones only affect how times are displayed.
public typealias EpochSeconds = Int64

/// Which y-axis a series or annotation belongs to.
public enum AxisSide: String, Codable, Sendable, Equatable, Hashable {
    case left, right
}

/// Whether a data source could answer a query in full (the `StatusCode` of GetMetricData).
public enum DataStatus: String, Codable, Sendable, Equatable {
    case complete = "Complete"
    case partialData = "PartialData"
    case forbidden = "Forbidden"
    case internalError = "InternalError"
}

/// A series ready to draw: one widget row (or one result of a multi-series expression),
/// its final label, and its values on a regular period grid.
///
/// `values[i]` belongs to `timestamps[i]`; a missing bucket is `Double.nan`, so a series
/// on a grid is two contiguous columns that the drawing code can scan without allocation.
public struct ChartSeries: Sendable, Equatable, Codable {
    /// Zero-based index of the `metrics` row that produced this series.
    public var rowIndex: Int
    /// The row's id (explicit or implicit, e.g. `m1`).
    public var id: String
    /// The legend label after default-label and dynamic-label rules.
    public var label: String
    /// The row's explicit `color`, if any; otherwise the layout assigns a palette colour.
    public var explicitColor: RGBA?
    /// Palette slot (1-based) this series occupies; row order, counting hidden rows too.
    public var paletteSlot: Int
    public var axis: AxisSide
    public var visible: Bool
    /// Seconds between buckets.
    public var period: Int
    public var timestamps: [EpochSeconds]
    public var values: [Double]
    /// The unit the data was stored with (`Percent`, `Count`, …), or nil when unknown or mixed.
    public var unit: String?
    public var status: DataStatus
    /// Why the status is not `Complete`, when the data source said.
    public var statusMessage: String?
    /// Set when this series is one edge of an anomaly detection band (`ANOMALY_DETECTION_BAND`):
    /// such series are drawn as a grey band, not as lines (visual spec §6).
    public var band: AnomalyBandRole?

    public init(
        rowIndex: Int, id: String, label: String, explicitColor: RGBA? = nil, paletteSlot: Int,
        axis: AxisSide = .left, visible: Bool = true, period: Int, timestamps: [EpochSeconds], values: [Double],
        unit: String? = nil, status: DataStatus = .complete, statusMessage: String? = nil, band: AnomalyBandRole? = nil
    ) {
        self.rowIndex = rowIndex; self.id = id; self.label = label; self.explicitColor = explicitColor
        self.paletteSlot = paletteSlot; self.axis = axis; self.visible = visible; self.period = period
        self.timestamps = timestamps; self.values = values; self.unit = unit
        self.status = status; self.statusMessage = statusMessage; self.band = band
    }

    /// True when at least one value is present.
    public var hasData: Bool { values.contains { !$0.isNaN } }
}

/// Which edge of an anomaly detection band a series is, and which series the band describes.
///
/// `ANOMALY_DETECTION_BAND(m1)` yields two series from one expression row: the upper and the
/// lower edge. Layout pairs the edges by `rowIndex` (both come from the same row), fills the
/// area between them grey and strokes the parts of the series with id `describedId` that lie
/// outside the band in red.
public struct AnomalyBandRole: Sendable, Equatable, Hashable, Codable {
    public enum Edge: String, Sendable, Equatable, Hashable, Codable { case upper, lower }
    public var edge: Edge
    /// The id of the row whose expected range the band shows (e.g. `m1`).
    public var describedId: String

    public init(edge: Edge, describedId: String) { self.edge = edge; self.describedId = describedId }

    public static func upper(of id: String) -> AnomalyBandRole { AnomalyBandRole(edge: .upper, describedId: id) }
    public static func lower(of id: String) -> AnomalyBandRole { AnomalyBandRole(edge: .lower, describedId: id) }
}

/// Something the render noticed but that did not stop it (a series with partial data,
/// a row that could not be drawn yet, a label that was shortened).
public struct RenderWarning: Codable, Sendable, Equatable, CustomStringConvertible {
    /// A stable machine-readable code, e.g. `partialData`, `noData`, `seriesClipped`.
    public var code: String
    /// Human-readable explanation.
    public var message: String
    /// The row id the warning is about, when it is about one row.
    public var id: String?

    public init(code: String, message: String, id: String? = nil) {
        self.code = code; self.message = message; self.id = id
    }

    public var description: String { id.map { "\(code) [\($0)]: \(message)" } ?? "\(code): \(message)" }
}
