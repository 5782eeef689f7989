/// The bounds of a range statistic such as `TM(10%:90%)` or `PR(:500)`.
///
/// Either bound may be absent (but not both). `isPercent` says whether the bounds are
/// percentiles (`10%`) or absolute values (`100`).
public struct StatisticBounds: Sendable, Equatable, Hashable, Codable {
    public var lower: Double?
    public var upper: Double?
    public var isPercent: Bool
    public init(lower: Double?, upper: Double?, isPercent: Bool) {
        self.lower = lower; self.upper = upper; self.isPercent = isPercent
    }
}

/// A CloudWatch statistic (metric-widget spec §4).
public enum Statistic: Sendable, Equatable, Hashable {
    case sampleCount, average, sum, minimum, maximum
    /// `pNN`: the NN-th percentile (0…100).
    case percentile(Double)
    /// `TM(a:b)` / `tmX`: trimmed mean.
    case trimmedMean(StatisticBounds)
    /// `WM(a:b)` / `wmX`: winsorized mean.
    case winsorizedMean(StatisticBounds)
    /// `TC(a:b)` / `tcX`: trimmed count.
    case trimmedCount(StatisticBounds)
    /// `TS(a:b)` / `tsX`: trimmed sum.
    case trimmedSum(StatisticBounds)
    /// `PR(a:b)`: percentile rank, absolute bounds only.
    case percentileRank(StatisticBounds)
    /// `IQM`: interquartile mean, i.e. `TM(25%:75%)`.
    case interquartileMean

    /// True for statistics that need raw values (the percentile family).
    public var needsRawValues: Bool {
        switch self {
        case .sampleCount, .average, .sum, .minimum, .maximum: return false
        default: return true
        }
    }

    /// The canonical spelling, as CloudWatch would print it (`Average`, `p99`, `TM(10%:90%)`).
    public var name: String {
        switch self {
        case .sampleCount: return "SampleCount"
        case .average: return "Average"
        case .sum: return "Sum"
        case .minimum: return "Minimum"
        case .maximum: return "Maximum"
        case .percentile(let p): return "p" + Statistic.format(p)
        case .trimmedMean(let b): return "TM" + Statistic.format(b)
        case .winsorizedMean(let b): return "WM" + Statistic.format(b)
        case .trimmedCount(let b): return "TC" + Statistic.format(b)
        case .trimmedSum(let b): return "TS" + Statistic.format(b)
        case .percentileRank(let b): return "PR" + Statistic.format(b)
        case .interquartileMean: return "IQM"
        }
    }

    private static func format(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return String(v)
    }

    private static func format(_ b: StatisticBounds) -> String {
        let pct = b.isPercent ? "%" : ""
        let lo = b.lower.map { format($0) + pct } ?? ""
        let hi = b.upper.map { format($0) + pct } ?? ""
        return "(\(lo):\(hi))"
    }
}

/// Why a statistic string could not be parsed.
public struct StatisticParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var text: String
    public var reason: String
    public var description: String { "invalid statistic \"\(text)\": \(reason)" }
}

extension Statistic {
    /// Parses the full statistic grammar of metric-widget spec §4.1.
    ///
    /// Leniency (spec §4.1 [REC]): simple names and the `p` prefix are accepted in any case,
    /// and the aliases `avg`, `min`, `max`, `sum`, `n` are accepted. Range forms keep the
    /// documented case rules: upper-case `TM(…)`, lower-case single-bound `tm90`.
    /// `PR` bounds must be absolute (no `%`).
    public init(parsing text: String) throws(StatisticParseError) {
        func fail(_ reason: String) -> StatisticParseError { StatisticParseError(text: text, reason: reason) }
        switch text.lowercased() {
        case "samplecount", "n": self = .sampleCount; return
        case "average", "avg": self = .average; return
        case "sum": self = .sum; return
        case "minimum", "min": self = .minimum; return
        case "maximum", "max": self = .maximum; return
        case "iqm": self = .interquartileMean; return
        default: break
        }
        guard !text.isEmpty else { throw fail("empty") }

        if text.first == "p" || text.first == "P", text.count > 1, !text.contains("(") {
            guard let v = Statistic.number(text.dropFirst()) else { throw fail("expected a number after \"p\"") }
            guard v >= 0, v <= 100 else { throw fail("percentile must be between 0 and 100") }
            self = .percentile(v); return
        }

        // Single-bound lower-case forms: tm90, wm99.5, tc90, ts90.
        let singles: [(String, (StatisticBounds) -> Statistic)] = [
            ("tm", Statistic.trimmedMean), ("wm", Statistic.winsorizedMean),
            ("tc", Statistic.trimmedCount), ("ts", Statistic.trimmedSum),
        ]
        for (prefix, make) in singles where text.hasPrefix(prefix) && !text.contains("(") {
            guard let v = Statistic.number(text.dropFirst(2)) else { throw fail("expected a number after \"\(prefix)\"") }
            guard v >= 0, v <= 100 else { throw fail("percentile bound must be between 0 and 100") }
            self = make(StatisticBounds(lower: nil, upper: v, isPercent: true)); return
        }

        // Range forms: TM(a:b), WM, TC, TS, PR.
        let ranges: [(String, (StatisticBounds) -> Statistic)] = [
            ("TM", Statistic.trimmedMean), ("WM", Statistic.winsorizedMean), ("TC", Statistic.trimmedCount),
            ("TS", Statistic.trimmedSum), ("PR", Statistic.percentileRank),
        ]
        for (prefix, make) in ranges where text.hasPrefix(prefix + "(") {
            guard text.hasSuffix(")") else { throw fail("missing \")\"") }
            let inner = text.dropFirst(3).dropLast()
            let parts = inner.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2 else { throw fail("expected (lower:upper)") }
            let lowerText = parts[0], upperText = parts[1]
            guard !(lowerText.isEmpty && upperText.isEmpty) else { throw fail("at least one bound is required") }
            let lowerPct = lowerText.hasSuffix("%"), upperPct = upperText.hasSuffix("%")
            if !lowerText.isEmpty && !upperText.isEmpty && lowerPct != upperPct {
                throw fail("both bounds must be percentages or neither")
            }
            let isPercent = lowerPct || upperPct
            if prefix == "PR" && isPercent { throw fail("PR bounds are absolute values, not percentages") }
            func bound(_ s: Substring, _ pct: Bool) throws(StatisticParseError) -> Double? {
                if s.isEmpty { return nil }
                guard let v = Statistic.number(pct ? s.dropLast() : s, allowSign: !isPercent) else {
                    throw fail("bad bound \"\(s)\"")
                }
                if isPercent && (v < 0 || v > 100) { throw fail("percentage bound must be between 0 and 100") }
                return v
            }
            let lower = try bound(lowerText, lowerPct), upper = try bound(upperText, upperPct)
            if let l = lower, let u = upper, l > u { throw fail("lower bound is above the upper bound") }
            self = make(StatisticBounds(lower: lower, upper: upper, isPercent: isPercent)); return
        }
        throw fail("not a known statistic")
    }

    /// `digits ("." digits)?` with at most 10 decimal places; optionally a leading minus sign.
    private static func number(_ s: Substring, allowSign: Bool = false) -> Double? {
        var body = s
        var negative = false
        if allowSign, body.first == "-" { negative = true; body = body.dropFirst() }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty,
              whole.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        if parts.count == 2 {
            let frac = parts[1]
            guard !frac.isEmpty, frac.count <= 10, frac.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        }
        guard let v = Double(body) else { return nil }
        return negative ? -v : v
    }
}

extension Statistic: Codable {
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do { self = try Statistic(parsing: text) } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }
}
