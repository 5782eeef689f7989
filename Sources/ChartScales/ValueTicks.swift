import Foundation
import ChartCore

/// A y-axis domain with its tick values.
public struct ValueAxisTicks: Sendable, Equatable {
    /// Lower end of the axis (a fixed `min`, or a free end rounded down to a tick).
    public var lower: Double
    /// Upper end of the axis (a fixed `max`, or a free end rounded up to a tick).
    public var upper: Double
    /// Tick step.
    public var step: Double
    /// Tick values inside `lower…upper`, ascending.
    public var ticks: [Double]
}

/// Chooses y-axis ranges and ticks (visual spec §5.1).
///
/// The step is the smallest of {1, 2, 2.5, 5} × 10^k that gives at most `n` intervals,
/// free ends are rounded out to multiples of the step, fixed ends stay exactly as given.
/// Tick values are computed on an integer grid (k × m × 10^p, dividing by 10^-p for
/// negative p) so 0.3 prints as 0.3, never 0.30000000000000004.
public enum ValueTicks {
    /// The multipliers of the 1-2-2.5-5 ladder.
    static let multipliers: [Double] = [1, 2, 2.5, 5]

    /// Target number of tick intervals for a plot of this height: `max(2, floor(height / 45))`.
    public static func targetCount(plotHeight: Double) -> Int {
        guard plotHeight.isFinite else { return 2 }
        return max(2, Int(min(1000, max(0, plotHeight / 45)).rounded(.down)))
    }

    /// The axis for data spanning `dataMin…dataMax` (nil when there is no data), with the
    /// fixed ends the widget asked for.
    ///
    /// - A flat domain `v…v` widens to `v ± |v|·0.1`, or `−1…1` at zero (visual spec §5.1).
    /// - No data: `0…1` (fixed ends still apply).
    /// - Zero is not forced into the range (CloudWatch hugs the data).
    public static func axis(dataMin: Double?, dataMax: Double?, fixedMin: Double?, fixedMax: Double?, count n: Int) -> ValueAxisTicks {
        var lo: Double, hi: Double
        if let a = dataMin, let b = dataMax, a.isFinite, b.isFinite {
            lo = min(a, b); hi = max(a, b)
        } else {
            lo = 0; hi = 1
        }
        if let f = fixedMin, f.isFinite { lo = f; if hi < lo { hi = lo } }
        if let f = fixedMax, f.isFinite { hi = f; if lo > hi { lo = hi } }
        if lo == hi {
            // Flat domain: widen the free side(s); if both ends are fixed and equal, widen both.
            let v = lo, d = v == 0 ? 1 : abs(v) * 0.1
            switch (fixedMin != nil, fixedMax != nil) {
            case (true, false): hi = v + d
            case (false, true): lo = v - d
            default: lo = v - d; hi = v + d
            }
        }
        let intervals = max(1, n)
        let step = niceStep(span: hi - lo, intervals: intervals)
        let lower = fixedMin == nil ? snap((lo / step).rounded(.down), step) : lo
        let upper = fixedMax == nil ? snap((hi / step).rounded(.up), step) : hi
        return ValueAxisTicks(lower: lower, upper: upper, step: step, ticks: ticks(from: lower, to: upper, step: step))
    }

    /// Smallest {1, 2, 2.5, 5} × 10^k with `span / step ≤ intervals`.
    public static func niceStep(span: Double, intervals: Int) -> Double {
        guard span.isFinite, span > 0 else { return 1 }
        let raw = span / Double(max(1, intervals))
        let p = (raw.ulp > 0 ? log10(raw) : 0).rounded(.down)
        for exponent in [p - 1, p, p + 1] {
            for m in multipliers {
                let step = value(m, exponent)
                if span / step <= Double(intervals) + 1e-9 { return step }
            }
        }
        return value(1, p + 2)
    }

    /// `m × 10^p`, computed so decimal steps are as exact as doubles allow.
    static func value(_ m: Double, _ p: Double) -> Double {
        p >= 0 ? m * pow10(p) : m / pow10(-p)
    }

    static func pow10(_ p: Double) -> Double {
        var result = 1.0
        var k = Int(min(400, max(0, p)))
        while k > 0 { result *= 10; k -= 1 }
        return result
    }

    /// `k × step`, printed exactly for decimal steps (divides by a power of ten rather than
    /// multiplying by a fraction).
    static func snap(_ k: Double, _ step: Double) -> Double {
        let p = log10(step).rounded(.down)
        if p >= 0 { return k * step }
        let scale = pow10(-p)
        // The step's mantissa (e.g. 2.5 for 0.25), cleaned of binary noise.
        let m = (step * scale * 1e9).rounded() / 1e9
        let v = k * m / scale
        return v == 0 ? 0 : v  // never -0
    }

    /// Multiples of `step` inside `lower…upper` (at most 1,000 of them).
    static func ticks(from lower: Double, to upper: Double, step: Double) -> [Double] {
        guard step > 0, lower.isFinite, upper.isFinite, upper >= lower else { return [] }
        let tolerance = step * 1e-9
        let first = ((lower - tolerance) / step).rounded(.up)
        let last = ((upper + tolerance) / step).rounded(.down)
        guard last >= first, last - first <= 1000 else { return [] }
        var result: [Double] = []
        var k = first
        while k <= last {
            result.append(snap(k, step))
            k += 1
        }
        return result
    }
}
