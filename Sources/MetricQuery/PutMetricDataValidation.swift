import ChartCore
import WidgetSpec

/// The limits a PutMetricData request is checked against.
///
/// `api` is CloudWatch's (api.md §7.1). Importers of files use `fileImport`, which keeps every
/// rule about a datum's content but drops the two that only make sense for a live call: the
/// timestamp window (a file holds history) and the 1,000-datum request size (a file's
/// requests are split into batches by the importer).
public struct PutMetricDataLimits: Sendable, Equatable {
    /// Most datums in one request; nil: no limit.
    public var maxDatums: Int?
    /// How far back a timestamp may lie, in seconds; nil: no limit.
    public var maxPast: Int64?
    /// How far ahead a timestamp may lie, in seconds; nil: no limit.
    public var maxFuture: Int64?

    public init(maxDatums: Int?, maxPast: Int64?, maxFuture: Int64?) {
        self.maxDatums = maxDatums; self.maxPast = maxPast; self.maxFuture = maxFuture
    }

    /// CloudWatch's: 1,000 datums, two weeks back, two hours ahead.
    public static let api = PutMetricDataLimits(maxDatums: 1000, maxPast: 14 * 86_400, maxFuture: 2 * 3600)
    /// For imported files: only the content rules.
    public static let fileImport = PutMetricDataLimits(maxDatums: nil, maxPast: nil, maxFuture: nil)
}

/// PutMetricData's fixed limits (api.md §7.1).
public enum PutMetricDataRules {
    /// Most entries in a datum's `Values` (and `Counts`).
    public static let maxValues = 150
    /// Most dimensions on one datum.
    public static let maxDimensions = 30
    /// Longest namespace, metric name and dimension name (characters).
    public static let maxNameLength = 255
    /// Longest dimension value (characters).
    public static let maxDimensionValueLength = 1024
    /// Largest magnitude a value may have: 2^360.
    public static let maxMagnitude: Double = 0x1p360
    /// Smallest non-zero magnitude a value may have: 2^-360.
    public static let minMagnitude: Double = 0x1p-360
}

extension PutMetricDataInput {
    /// The request's datums, checked as CloudWatch checks them, or the first problem found.
    ///
    /// Errors name the member in CloudWatch's query-parameter form, 1-based:
    /// `MetricData.member.3.Values: 151 values exceeds the limit of 150`. Codes:
    /// - `MissingParameter`: no `Namespace`, no datum at all, a datum without `MetricName` or
    ///   without any of `Value`, `Values`, `StatisticValues`.
    /// - `InvalidParameterCombination`: `Value` with `Values`, `StatisticValues` with either,
    ///   `Counts` without `Values` or of another length.
    /// - `InvalidParameterValue`: everything else (lengths, characters, reserved `AWS/`
    ///   namespace, more than 1,000 datums or 30 dimensions or 150 values, a duplicate
    ///   dimension name, NaN or ±Infinity, magnitudes outside 2^-360…2^360, a negative count,
    ///   a statistic set with `SampleCount ≤ 0` or `Minimum > Maximum`, an unknown unit, a
    ///   storage resolution other than 1 or 60, a timestamp outside the window).
    ///
    /// Decisions where CloudWatch's documentation is silent [REC]:
    /// - `Values` is limited by its number of entries (150), not of distinct entries.
    /// - A count of 0 is accepted (the value then adds nothing); a negative one is not.
    /// - A missing `Timestamp` means `now`; the window is inclusive at both ends.
    /// - An absent `Unit` is stored as `None`.
    public func validated(now: EpochSeconds, limits: PutMetricDataLimits = .api) throws(CloudWatchAPIError) -> [MetricDatum] {
        guard let namespace else { throw CloudWatchAPIError(.missingParameter, "Namespace: the parameter is required") }
        try PutMetricDataValidator.checkNamespace(namespace, path: "Namespace")
        guard !metricData.isEmpty else {
            throw CloudWatchAPIError(.missingParameter, "MetricData: the parameter is required and must hold at least one datum")
        }
        if let max = limits.maxDatums, metricData.count > max {
            throw CloudWatchAPIError(.invalidParameterValue, "MetricData: \(metricData.count) datums exceeds the limit of \(max)")
        }
        var out: [MetricDatum] = []
        out.reserveCapacity(metricData.count)
        var lastUnit: String? = nil
        for i in metricData.indices {
            out.append(try PutMetricDataValidator.datum(
                metricData[i], path: "MetricData.member.\(i + 1)", namespace: namespace, now: now, limits: limits, lastUnit: &lastUnit))
        }
        return out
    }
}

/// The checks behind `PutMetricDataInput.validated(now:limits:)`, one datum at a time.
public enum PutMetricDataValidator {
    static func fail(_ code: CloudWatchErrorCode, _ path: String, _ message: String) -> CloudWatchAPIError {
        CloudWatchAPIError(code, "\(path): \(message)")
    }

    /// An `InvalidParameterValue` error about `path`.
    static func fail(_ path: String, _ message: String) -> CloudWatchAPIError {
        CloudWatchAPIError(.invalidParameterValue, "\(path): \(message)")
    }

    /// A name or value: `1…max` characters, ASCII without control characters, at least one
    /// non-space character, optionally not starting with `:`.
    static func checkName(_ s: String, path: @autoclosure () -> String, max: Int, forbidColonPrefix: Bool) throws(CloudWatchAPIError) {
        // Fast path: one pass over the bytes when every rule holds; the loop below finds the
        // first broken rule (and its message) otherwise.
        let valid = s.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            guard !bytes.isEmpty, bytes.count <= max, !(forbidColonPrefix && bytes[0] == 0x3A) else { return false }
            var printable = true, hasNonSpace = false
            for u in bytes {
                printable = printable && u >= 0x20 && u < 0x7F
                hasNonSpace = hasNonSpace || u != 0x20
            }
            return printable && hasNonSpace
        }
        if valid == true { return }
        guard !s.isEmpty else { throw fail(path(), "must not be empty") }
        var count = 0, hasNonSpace = false
        for u in s.utf8 {
            guard u >= 0x20, u < 0x7F else {
                throw fail(path(), "must be printable ASCII (found \(u < 0x20 || u == 0x7F ? "a control character" : "a non-ASCII character"))")
            }
            if u != 0x20 { hasNonSpace = true }
            count += 1
        }
        guard count <= max else { throw fail(path(), "\(count) characters exceeds the limit of \(max)") }
        guard hasNonSpace else { throw fail(path(), "must contain a character other than a space") }
        // Only ASCII is left here, so the first byte is the first character.
        if forbidColonPrefix && s.utf8.first == 0x3A { throw fail(path(), "must not start with ':'") }
    }

    /// A PutMetricData namespace: 1–255 printable ASCII characters, not starting with `:`,
    /// and not in the reserved `AWS/` space.
    public static func checkNamespace(_ namespace: String, path: String) throws(CloudWatchAPIError) {
        try checkName(namespace, path: path, max: PutMetricDataRules.maxNameLength, forbidColonPrefix: true)
        if namespace.hasPrefix("AWS/") {
            throw fail(path, "\"\(namespace)\" is reserved: namespaces starting with AWS/ belong to AWS services")
        }
    }

    /// A metric value: finite and, unless zero, of magnitude 2^-360…2^360.
    static func checkValue(_ v: Double, path: @autoclosure () -> String) throws(CloudWatchAPIError) {
        guard v.isFinite else { throw fail(path(), "the value \(v.isNaN ? "NaN" : v > 0 ? "Infinity" : "-Infinity") is invalid") }
        let m = v.magnitude
        guard m == 0 || (m >= PutMetricDataRules.minMagnitude && m <= PutMetricDataRules.maxMagnitude) else {
            throw fail(path(), "the value \(v) is outside the accepted magnitudes 2^-360…2^360")
        }
    }

    /// One datum, validated and converted (`path` is `MetricData.member.N`).
    public static func datum(
        _ d: MetricDatumInput, path: @autoclosure () -> String, namespace: String, now: EpochSeconds, limits: PutMetricDataLimits
    ) throws(CloudWatchAPIError) -> MetricDatum {
        var lastUnit: String? = nil
        return try datum(d, path: path(), namespace: namespace, now: now, limits: limits, lastUnit: &lastUnit)
    }

    /// `datum(_:path:namespace:now:limits:)`; `lastUnit` is the unit of the previous datum of
    /// the request, known to be valid (set here), which spares a set lookup per datum.
    static func datum(
        _ d: MetricDatumInput, path: @autoclosure () -> String, namespace: String, now: EpochSeconds, limits: PutMetricDataLimits,
        lastUnit: inout String?
    ) throws(CloudWatchAPIError) -> MetricDatum {
        guard let name = d.metricName else { throw fail(.missingParameter, path() + ".MetricName", "the parameter is required") }
        try checkName(name, path: path() + ".MetricName", max: PutMetricDataRules.maxNameLength, forbidColonPrefix: false)

        if d.dimensions.count > PutMetricDataRules.maxDimensions {
            throw fail(path() + ".Dimensions", "\(d.dimensions.count) dimensions exceeds the limit of \(PutMetricDataRules.maxDimensions)")
        }
        for (j, dim) in d.dimensions.enumerated() {
            func p() -> String { "\(path()).Dimensions.member.\(j + 1)" }
            try checkName(dim.name, path: p() + ".Name", max: PutMetricDataRules.maxNameLength, forbidColonPrefix: true)
            try checkName(dim.value, path: p() + ".Value", max: PutMetricDataRules.maxDimensionValueLength, forbidColonPrefix: false)
            if d.dimensions[..<j].contains(where: { $0.name == dim.name }) {
                throw fail(p() + ".Name", "dimension \"\(dim.name)\" is given twice")
            }
        }

        let timestamp = d.timestamp ?? now
        if let past = limits.maxPast, timestamp < now - past {
            throw fail(path() + ".Timestamp", "\(ISO8601.format(timestamp)) is more than two weeks before the request time \(ISO8601.format(now))")
        }
        if let future = limits.maxFuture, timestamp > now + future {
            throw fail(path() + ".Timestamp", "\(ISO8601.format(timestamp)) is more than two hours after the request time \(ISO8601.format(now))")
        }
        if !TimeLimits.representable.contains(timestamp) {
            throw fail(path() + ".Timestamp", "the time is outside years 0001–9999")
        }

        let payload = try payload(d, path: path())

        let unit = d.unit ?? "None"
        if unit != lastUnit {
            guard MetricDataFiles.standardUnits.contains(unit) else {
                throw fail(path() + ".Unit", "\"\(unit)\" is not a CloudWatch StandardUnit")
            }
            lastUnit = unit
        }
        let resolution = d.storageResolution ?? 60
        guard resolution == 1 || resolution == 60 else {
            throw fail(path() + ".StorageResolution", "\(resolution) is invalid: use 1 (high resolution) or 60")
        }
        return MetricDatum(
            metric: MetricIdentity(namespace: namespace, name: name, dimensions: d.dimensions),
            timestamp: timestamp, payload: payload, unit: unit, storageResolution: resolution
        )
    }

    static func payload(_ d: MetricDatumInput, path: @autoclosure () -> String) throws(CloudWatchAPIError) -> MetricDatum.Payload {
        if d.statisticValues != nil && d.value != nil {
            throw fail(.invalidParameterCombination, path(), "Value and StatisticValues cannot be given together")
        }
        if d.statisticValues != nil && d.values != nil {
            throw fail(.invalidParameterCombination, path(), "Values and StatisticValues cannot be given together")
        }
        if d.value != nil && d.values != nil {
            throw fail(.invalidParameterCombination, path(), "Value and Values cannot be given together")
        }
        if d.counts != nil && d.values == nil {
            throw fail(.invalidParameterCombination, path() + ".Counts", "given without Values")
        }
        if let v = d.value {
            try checkValue(v, path: path() + ".Value")
            return .value(v)
        }
        if let values = d.values {
            func vPath() -> String { path() + ".Values" }
            guard !values.isEmpty else { throw fail(.missingParameter, vPath(), "must hold at least one value") }
            guard values.count <= PutMetricDataRules.maxValues else {
                throw fail(vPath(), "\(values.count) values exceeds the limit of \(PutMetricDataRules.maxValues)")
            }
            for (k, v) in values.enumerated() { try checkValue(v, path: "\(vPath()).member.\(k + 1)") }
            var counts = [Double](repeating: 1, count: values.count)
            if let given = d.counts {
                guard given.count == values.count else {
                    throw fail(.invalidParameterCombination, path() + ".Counts",
                               "\(given.count) counts for \(values.count) values; Counts and Values must be the same length")
                }
                for (k, c) in given.enumerated() {
                    guard c.isFinite, c >= 0 else {
                        throw fail("\(path()).Counts.member.\(k + 1)", "the count \(c) is invalid: counts must be finite and not negative")
                    }
                    guard c <= PutMetricDataRules.maxMagnitude else {
                        throw fail("\(path()).Counts.member.\(k + 1)", "the count \(c) exceeds 2^360")
                    }
                }
                counts = given
            }
            return .values(values, counts: counts)
        }
        if let s = d.statisticValues {
            func sPath() -> String { path() + ".StatisticValues" }
            try checkValue(s.sampleCount, path: sPath() + ".SampleCount")
            try checkValue(s.sum, path: sPath() + ".Sum")
            try checkValue(s.minimum, path: sPath() + ".Minimum")
            try checkValue(s.maximum, path: sPath() + ".Maximum")
            guard s.sampleCount > 0 else { throw fail(sPath() + ".SampleCount", "must be greater than 0 (got \(s.sampleCount))") }
            guard s.minimum <= s.maximum else {
                throw fail(sPath() + ".Minimum", "\(s.minimum) is greater than Maximum \(s.maximum)")
            }
            return .statisticValues(StatisticValues(sampleCount: s.sampleCount, sum: s.sum, minimum: s.minimum, maximum: s.maximum))
        }
        throw fail(.missingParameter, path(), "one of Value, Values or StatisticValues is required")
    }
}
