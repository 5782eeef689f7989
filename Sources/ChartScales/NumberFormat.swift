import Foundation
import ChartCore

/// One SI prefix used for a whole axis (visual spec §5.2).
public struct SIPrefix: Sendable, Equatable {
    public var symbol: String
    public var scale: Double

    /// No suffix, then k, M, G, T, P.
    public static let table: [SIPrefix] = [
        SIPrefix(symbol: "", scale: 1), SIPrefix(symbol: "k", scale: 1e3), SIPrefix(symbol: "M", scale: 1e6),
        SIPrefix(symbol: "G", scale: 1e9), SIPrefix(symbol: "T", scale: 1e12), SIPrefix(symbol: "P", scale: 1e15),
    ]

    /// The largest prefix whose scale is ≤ |value| (no suffix below 1000).
    public static func forMagnitude(_ value: Double) -> SIPrefix {
        let m = abs(value)
        return table.last { m >= $0.scale } ?? table[0]
    }
}

/// Locale-free number formatting for axes and labels.
public enum NumberFormat {
    /// Formats every tick of an axis with one shared SI prefix (chosen from the largest |tick|)
    /// and the decimals the step needs; trailing zeros are dropped, `-0` never appears.
    public static func axisLabels(_ ticks: [Double], step: Double) -> [String] {
        let maxMagnitude = ticks.map { abs($0) }.max() ?? 0
        let prefix = SIPrefix.forMagnitude(maxMagnitude)
        let decimals = decimalsNeeded(step / prefix.scale)
        return ticks.map { tick in
            let text = fixed(tick / prefix.scale, decimals: decimals)
            return text == "0" ? "0" : text + prefix.symbol
        }
    }

    /// Decimals needed to print multiples of `step` exactly (0…12).
    public static func decimalsNeeded(_ step: Double) -> Int {
        guard step.isFinite, step > 0 else { return 0 }
        var d = 0
        var scaled = step
        while d < 12 {
            if abs(scaled - scaled.rounded()) <= 1e-9 * max(1, abs(scaled)) { return d }
            scaled *= 10
            d += 1
        }
        return d
    }

    /// `value` with at most `decimals` decimals, trailing zeros (and a bare point) dropped.
    /// Locale-free: always `.` as the decimal separator, `-` for negatives, no grouping.
    public static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value < 0 ? "-Inf" : "Inf") }
        let d = max(0, min(12, decimals))
        let factor = ValueTicks.pow10(Double(d))
        let scaled = (abs(value) * factor).rounded()
        // Beyond 2^53 integer digits are not exact; Swift's shortest representation is best there.
        guard scaled < 9.0e15 else { return shortest(value) }
        let digits = Int64(scaled)
        if digits == 0 { return "0" }
        var text = String(digits)
        if d > 0 {
            if text.count <= d { text = String(repeating: "0", count: d - text.count + 1) + text }
            text.insert(".", at: text.index(text.endIndex, offsetBy: -d))
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return (value < 0 ? "-" : "") + text
    }

    /// Swift's shortest round-trip representation, with `-0` printed as `0`.
    public static func shortest(_ value: Double) -> String {
        if value == 0 { return "0" }
        var s = "\(value)"
        if s.hasSuffix(".0") { s.removeLast(2) }
        return s
    }

    /// Up to `digits` significant digits with an SI suffix (e.g. `12.35k`, `1.5M`, `0.01234`).
    /// Used for numbers shown on their own (dynamic labels, single values).
    public static func significant(_ value: Double, digits: Int = 4) -> String {
        guard value.isFinite else { return fixed(value, decimals: 0) }
        if value == 0 { return "0" }
        var prefix = SIPrefix.forMagnitude(value)
        var scaled = value / prefix.scale
        // Rounding can carry into the next prefix (999.96 → 1000 → 1k).
        let magnitude = Int(log10(abs(scaled)).rounded(.down))
        var decimals = max(0, digits - 1 - magnitude)
        let rounded = (abs(scaled) * ValueTicks.pow10(Double(decimals))).rounded() / ValueTicks.pow10(Double(decimals))
        if rounded >= 1000, let next = SIPrefix.table.first(where: { $0.scale > prefix.scale }) {
            prefix = next
            scaled = value / prefix.scale
            decimals = max(0, digits - 1)
        }
        return fixed(scaled, decimals: min(12, decimals)) + prefix.symbol
    }
}
