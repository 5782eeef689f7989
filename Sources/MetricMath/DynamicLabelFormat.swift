import ChartCore

/// Locale-free formatting of dynamic-label values (metric-widget.md §3.8). Written by hand:
/// Foundation's formatters depend on the process locale.
public enum DynamicLabelFormat {
    private static let prefixes: [(symbol: String, scale: Double)] = [
        ("", 1), ("k", 1e3), ("M", 1e6), ("G", 1e9), ("T", 1e12), ("P", 1e15),
    ]

    /// Up to `digits` significant digits with an SI suffix for |v| ≥ 1000, trailing zeros
    /// dropped: `1234.5` → `1.235k`, `0.012345` → `0.01235`, `-2500000` → `-2.5M`, `999.96` →
    /// `1k`. The same rules as the y-axis value labels (visual.md §5.2). Non-finite → empty.
    public static func number(_ v: Double, digits: Int = 4) -> String {
        guard v.isFinite else { return "" }
        if v == 0 { return "0" }
        let digits = max(1, digits)
        var p = prefixes.lastIndex { abs(v) >= $0.scale } ?? 0
        var (text, rounded) = significant(v / prefixes[p].scale, digits)
        if abs(rounded) >= 1000, p + 1 < prefixes.count {  // rounding carried into the next prefix
            p += 1
            (text, _) = significant(v / prefixes[p].scale, digits)
        }
        return text == "0" ? "0" : text + prefixes[p].symbol
    }

    /// `x` rounded to `digits` significant digits, as text and as a number.
    private static func significant(_ x: Double, _ digits: Int) -> (String, Double) {
        var magnitude = 0
        var m = abs(x)
        while m >= 10 { m /= 10; magnitude += 1 }
        while m < 1 && magnitude > -300 { m *= 10; magnitude -= 1 }
        let decimals = max(0, min(12, digits - 1 - magnitude))
        return fixed(x, decimals: decimals)
    }

    /// `x` with at most `decimals` decimals, trailing zeros dropped; `-0` never appears.
    static func fixed(_ x: Double, decimals: Int) -> (String, Double) {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(x) * scale).rounded()
        guard scaled < 9e15 else {  // beyond exact integers: Swift's shortest form is best
            var s = "\(x)"
            if s.hasSuffix(".0") { s.removeLast(2) }
            return (s, x)
        }
        let digits = Int64(scaled)
        if digits == 0 { return ("0", 0) }
        var text = String(digits)
        if decimals > 0 {
            if text.count <= decimals { text = String(repeating: "0", count: decimals - text.count + 1) + text }
            text.insert(".", at: text.index(text.endIndex, offsetBy: -decimals))
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        let value = (x < 0 ? -1 : 1) * Double(digits) / scale
        return ((x < 0 ? "-" : "") + text, value)
    }

    /// `yyyy-MM-dd HH:mm:ss` in the zone `offset` (daylight saving applied for IANA zones).
    public static func timestamp(_ t: EpochSeconds, offset: DisplayTimeZone) -> String {
        let c = CivilTime(epoch: t, offset: offset)
        func pad(_ v: Int, _ width: Int) -> String {
            let s = String(abs(v))
            return (v < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2)) \(pad(c.hour, 2)):\(pad(c.minute, 2)):\(pad(c.second, 2))"
    }

    /// A duration in compact form: `1d 2h 3m 4s`, zero units left out, `0s` for none; a
    /// negative duration gets a leading `-`.
    public static func duration(_ seconds: Int64) -> String {
        if seconds == 0 { return "0s" }
        let magnitude = seconds.magnitude
        let units: [(UInt64, String)] = [(86_400, "d"), (3600, "h"), (60, "m"), (1, "s")]
        var rest = magnitude
        var parts: [String] = []
        for (size, symbol) in units where rest >= size {
            parts.append("\(rest / size)\(symbol)")
            rest %= size
        }
        return (seconds < 0 ? "-" : "") + parts.joined(separator: " ")
    }

    /// |a − b| without overflow (saturating at Int64.max).
    static func distance(_ a: EpochSeconds, _ b: EpochSeconds) -> Int64 {
        let (d, overflow) = a.subtractingReportingOverflow(b)
        if overflow { return .max }
        return d == .min ? .max : abs(d)
    }
}
