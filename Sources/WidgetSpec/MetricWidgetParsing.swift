import ChartCore

extension MetricWidget {
    /// Parses and validates a MetricWidget JSON document (metric-widget spec §1–12).
    ///
    /// Applies every default, expands the `metrics` shorthand, resolves ids and checks
    /// every limit. Relative `start`/`end` are kept relative (see `TimeBound`).
    /// Throws a `WidgetError` whose `path` names the offending field; never crashes.
    public static func parse(json: String) throws(WidgetError) -> MetricWidget {
        try checkPayloadSize(json.utf8.count)
        return try parse(data: Array(json.utf8))
    }

    /// Parses and validates MetricWidget JSON given as UTF-8 bytes. See `parse(json:)`.
    public static func parse(data: [UInt8]) throws(WidgetError) -> MetricWidget {
        try checkPayloadSize(data.count)
        let root = try WidgetJSON.parse(data)
        guard case .object(let fields) = root else {
            throw WidgetError(.invalidJSON, path: "", "the MetricWidget must be a JSON object ({ … }), not \(root.typeDescription)")
        }
        return try WidgetParser(ObjectReader(fields, path: "")).parse()
    }

    /// Parses the `properties` of a dashboard `metric` widget (api.md §8.2, §8.4) found at
    /// `path` (e.g. `widgets[3].properties`): the MetricWidget rules, except that `metrics`
    /// may have up to `WidgetLimits.maxDashboardRows` rows and that the pixel size is given
    /// (a dashboard widget's `width`/`height` are grid units, not pixels). Errors carry
    /// paths inside the dashboard body.
    public static func parse(dashboardProperties properties: JSONObject, path: String, width: Int, height: Int) throws(WidgetError) -> MetricWidget {
        var fields = properties
        fields["width"] = .number(Double(width))
        fields["height"] = .number(Double(height))
        return try WidgetParser(ObjectReader(fields, path: path), maxRows: WidgetLimits.maxDashboardRows).parse()
    }

    /// Spec §1: at most 102,400 bytes of UTF-8, checked before any decoding.
    private static func checkPayloadSize(_ byteCount: Int) throws(WidgetError) {
        guard byteCount <= WidgetLimits.maxPayloadBytes else {
            throw WidgetError(
                .payloadTooLarge, path: "",
                "the MetricWidget is \(byteCount) bytes long; the limit is \(WidgetLimits.maxPayloadBytes) bytes (100 KB)")
        }
    }
}

/// Reads the top-level fields of spec §2 into a `MetricWidget`.
private struct WidgetParser {
    let root: ObjectReader
    /// Most rows in `metrics`: 100 for the image API, 500 in a dashboard.
    let maxRows: Int

    init(_ root: ObjectReader, maxRows: Int = WidgetLimits.maxRows) { self.root = root; self.maxRows = maxRows }

    func parse() throws(WidgetError) -> MetricWidget {
        let rows = try metricsArray()
        var w = MetricWidget(rows: [])

        if let title = try root.string("title"), !title.isEmpty { w.title = title }
        w.view = try root.choice(
            "view",
            ["timeSeries": WidgetView.timeSeries, "bar": .bar, "pie": .pie, "singleValue": .singleValue,
             "gauge": .gauge, "table": .table],
            noun: "view") ?? w.view
        w.stacked = try root.bool("stacked") ?? w.stacked
        w.width = try imageSize("width") ?? w.width
        w.height = try imageSize("height") ?? w.height
        w.period = try root.period("period") ?? w.period
        w.stat = try root.statistic("stat") ?? w.stat
        w.region = try nonEmptyString("region")
        w.accountId = try nonEmptyString("accountId")
        w.timezone = try timezone() ?? w.timezone
        w.theme = try root.choice("theme", ["light": Theme.light, "dark": .dark], noun: "theme") ?? w.theme
        if let legend = try root.object("legend") {
            w.legend = try legend.choice(
                "position", ["bottom": LegendPosition.bottom, "right": .right, "hidden": .hidden],
                noun: "legend position") ?? w.legend
        }
        w.liveData = try root.bool("liveData") ?? w.liveData
        w.setPeriodToTimeRange = try root.bool("setPeriodToTimeRange") ?? w.setPeriodToTimeRange
        w.sparkline = try root.bool("sparkline") ?? w.sparkline
        w.trend = try root.bool("trend") ?? w.trend
        w.singleValueFullPrecision = try root.bool("singleValueFullPrecision") ?? w.singleValueFullPrecision
        if let labels = try root.object("labels") {
            w.labelsVisible = try labels.bool("visible") ?? w.labelsVisible
        }
        if let table = try root.object("table") { w.table = try tableOptions(table) }
        if let yAxis = try root.object("yAxis") { w.yAxis = try axes(yAxis) }

        var rowsParser = MetricRowsParser(widgetStat: w.stat, widgetPeriod: w.period)
        w.rows = try rowsParser.parse(rows, path: root.path(of: "metrics"))

        try timeRange(into: &w)
        if let annotations = try root.object("annotations") { w.annotations = try AnnotationsParser.parse(annotations) }

        try checkViewOptions(w)
        return w
    }

    /// Options a view cannot do without (metric-widget spec §7): the gauge's dial needs
    /// `yAxis.left.min` and `yAxis.left.max`, with min below max.
    private func checkViewOptions(_ w: MetricWidget) throws(WidgetError) {
        guard w.view == .gauge else { return }
        let left = JSONPath.key(root.path(of: "yAxis"), "left")
        for (key, value) in [("min", w.yAxis.left.min), ("max", w.yAxis.left.max)] where value == nil {
            throw WidgetError(
                .missingField, path: JSONPath.key(left, key),
                "required for view \"gauge\": the dial is drawn between yAxis.left.min and yAxis.left.max")
        }
        if let min = w.yAxis.left.min, let max = w.yAxis.left.max, min >= max {
            throw WidgetError(
                .invalidValue, path: JSONPath.key(left, "max"),
                "must be greater than min (\(JSONValue.format(min))) for view \"gauge\"")
        }
    }

    // MARK: - Fields

    /// `metrics`: required, 1–100 rows. A dashboard widget object is recognised and explained.
    private func metricsArray() throws(WidgetError) -> [JSONValue] {
        guard let rows = try root.array("metrics") else {
            if root.value("properties") != nil {
                throw WidgetError(
                    .invalidValue, path: root.path(of: "properties"),
                    "this is a dashboard widget, not a MetricWidget: pass the contents of its \"properties\" "
                        + "object (which has the \"metrics\" array) instead")
            }
            throw WidgetError(.missingField, path: root.path(of: "metrics"), "the widget has no \"metrics\" array")
        }
        guard (1...maxRows).contains(rows.count) else {
            throw WidgetError(
                .metricCountOutOfRange, path: root.path(of: "metrics"),
                rows.isEmpty
                    ? "\"metrics\" is empty; it needs at least one row"
                    : "\"metrics\" has \(rows.count) rows; at most \(maxRows) are allowed")
        }
        return rows
    }

    /// `width` / `height`: a whole number of pixels in 1…2000.
    private func imageSize(_ key: String) throws(WidgetError) -> Int? {
        guard let n = try root.number(key) else { return nil }
        let path = root.path(of: key)
        guard let px = ObjectReader.wholeNumber(n) else {
            // Far outside the range is a size problem even when it is also not whole (e.g. 1e300).
            if !(Double(WidgetLimits.imageSize.lowerBound)...Double(WidgetLimits.imageSize.upperBound)).contains(n) {
                throw sizeError(JSONValue.format(n), path: path)
            }
            throw WidgetError(.invalidValue, path: path, "\(JSONValue.format(n)) is not a whole number of pixels")
        }
        guard WidgetLimits.imageSize.contains(px) else { throw sizeError(String(px), path: path) }
        return px
    }

    private func sizeError(_ text: String, path: String) -> WidgetError {
        WidgetError(
            .imageSizeOutOfRange, path: path,
            "\(text) is outside the allowed range of \(WidgetLimits.imageSize.lowerBound) to \(WidgetLimits.imageSize.upperBound) pixels")
    }

    /// `region` / `accountId`: any string is accepted (spec §2 [REC]); decision: an empty
    /// string means "not given" (nil), so the server's own region/account applies.
    private func nonEmptyString(_ key: String) throws(WidgetError) -> String? {
        guard let s = try root.string(key), !s.isEmpty else { return nil }
        return s
    }

    /// `timezone`: `+HHMM` / `-HHMM` (hours 00–14, minutes 00–59), `UTC`, `GMT`, or an IANA
    /// name such as `Europe/Paris` (see `DisplayTimeZone` for the rules and their source).
    private func timezone() throws(WidgetError) -> DisplayTimeZone? {
        guard let text = try root.string("timezone") else { return nil }
        if let zone = DisplayTimeZone(parsing: text) { return zone }
        let path = root.path(of: "timezone")
        if DisplayTimeZone.hasIANAShape(text) {
            throw WidgetError(
                .unknownTimeZone, path: path,
                "\(JSONValue.quote(text)) is not a known time zone (use an IANA name such as Europe/Paris, UTC, or an offset such as +0530)")
        }
        throw WidgetError(
            .invalidValue, path: path,
            "\(JSONValue.quote(text)) is not a valid time zone (use an offset such as +0530 or -0800, UTC, or an IANA name such as America/New_York)")
    }

    /// `table` (spec §10.6). Decision: a repeated summary column is listed once, at its
    /// first position; an explicit `[]` means no summary columns.
    private func tableOptions(_ o: ObjectReader) throws(WidgetError) -> TableOptions {
        var t = TableOptions()
        t.layout = try o.choice("layout", ["horizontal": TableLayout.horizontal, "vertical": .vertical], noun: "table layout") ?? t.layout
        t.stickySummary = try o.bool("stickySummary") ?? t.stickySummary
        t.showTimeSeriesData = try o.bool("showTimeSeriesData") ?? t.showTimeSeriesData
        if let items = try o.array("summaryColumns") {
            let base = o.path(of: "summaryColumns")
            var columns: [SummaryColumn] = []
            for (k, item) in items.enumerated() {
                let path = JSONPath.index(base, k)
                guard case .string(let s) = item else { throw .wrongType(path, expected: "a string", found: item) }
                guard let column = SummaryColumn(rawValue: s) else {
                    throw WidgetError(.invalidValue, path: path, "\(JSONValue.quote(s)) is not a summary column (use MIN, MAX, SUM or AVG)")
                }
                if !columns.contains(column) { columns.append(column) }
            }
            t.summaryColumns = columns
        }
        return t
    }

    /// `yAxis.left` / `yAxis.right` (spec §7). Decision: an empty axis `label` is nil.
    private func axes(_ o: ObjectReader) throws(WidgetError) -> YAxes {
        func side(_ key: String) throws(WidgetError) -> YAxisOptions {
            guard let a = try o.object(key) else { return YAxisOptions() }
            let min = try a.number("min"), max = try a.number("max")
            if let min, let max, min > max {
                throw WidgetError(
                    .invalidValue, path: a.path(of: "min"),
                    "min (\(JSONValue.format(min))) is greater than max (\(JSONValue.format(max)))")
            }
            let label = try a.string("label")
            return YAxisOptions(min: min, max: max, label: label?.isEmpty == true ? nil : label, showUnits: try a.bool("showUnits"))
        }
        return YAxes(left: try side("left"), right: try side("right"))
    }

    /// `start` / `end` (spec §6). Both absolute with `start ≥ end` is rejected here;
    /// relative bounds are resolved later against one captured "now".
    private func timeRange(into w: inout MetricWidget) throws(WidgetError) {
        let startText = try root.string("start"), endText = try root.string("end")
        if let startText { w.start = try TimeBound.parse(startText, path: root.path(of: "start")) }
        if let endText { w.end = try TimeBound.parse(endText, path: root.path(of: "end")) }
        if case .absolute(let s) = w.start, case .absolute(let e) = w.end, s >= e {
            throw WidgetError(
                .invalidTimeRange, path: root.path(of: "start"),
                "start (\(startText ?? "")) must be before end (\(endText ?? ""))")
        }
    }
}
