import ChartCore

/// A pre-aggregated statistic set, as PutMetricData's `StatisticValues` carries it.
public struct StatisticValues: Sendable, Equatable, Hashable {
    public var sampleCount: Double
    public var sum: Double
    public var minimum: Double
    public var maximum: Double

    public init(sampleCount: Double, sum: Double, minimum: Double, maximum: Double) {
        self.sampleCount = sampleCount; self.sum = sum; self.minimum = minimum; self.maximum = maximum
    }

    /// The single sample value this set stands for exactly, if it stands for raw samples
    /// at all (spec §4.2): `SampleCount == 1` with Min = Max = Sum, or Min = Max with
    /// `Sum == Min × SampleCount`. Then the set is `sampleCount` samples of that value.
    ///
    /// The sum is compared with a relative tolerance of 1e-9, because `0.1 × 3` is not
    /// exactly `0.3` in binary floating point. [REC]
    public var uniformValue: Double? {
        guard minimum == maximum, sampleCount > 0 else { return nil }
        let expected = minimum * sampleCount
        let tolerance = 1e-9 * max(expected.magnitude, sum.magnitude)
        return (sum - expected).magnitude <= tolerance ? minimum : nil
    }
}

/// Collects the samples of one period bucket and computes any statistic of spec §4.2.
///
/// Simple statistics (SampleCount, Sum, Average, Minimum, Maximum) are kept as running
/// aggregates, so they combine exactly across raw values and statistic sets. The
/// percentile family (p, TM, WM, TC, TS, PR, IQM) needs the raw samples, which are kept
/// as `(value, weight)` pairs (a `Values`/`Counts` entry has weight `count`).
///
/// The percentile family is unavailable (`value(of:)` returns nil, so the bucket has no
/// data point) when:
/// - a statistic set was added that does not stand for raw samples (see
///   `StatisticValues.uniformValue`), or
/// - any sample is negative (CloudWatch does not compute percentiles then).
///
/// Percentile family rules [REC; the spec leaves the method open]:
/// - `pX` is the nearest rank: the smallest sample whose cumulative weight reaches
///   `X/100 × n` (for whole counts that is rank `ceil(X/100 × n)` clamped to 1…n, so p0 is
///   the minimum and p100 the maximum). `X × n / 100` is snapped to the nearest integer
///   when within 1e-9 of it, so `p7` of 100 samples is rank 7, not 8.
/// - Percent bounds `(a%:b%)` trim by rank: the lowest `floor(a/100 × n)` and the highest
///   `floor((100 − b)/100 × n)` units of weight are removed (never a fraction of a whole
///   sample when counts are whole; with fractional counts a sample may be cut in part).
///   The upper cut therefore keeps exactly up to the `pb` sample. An absent lower bound is
///   0 %, an absent upper bound 100 % (so `tm90` is `TM(0%:90%)`).
/// - Absolute bounds `(a:b)` keep samples with `a < v ≤ b`; an absent bound is unbounded.
/// - TM is the mean of the kept samples (no data when nothing is kept); TC their weight;
///   TS their sum (TC and TS are 0 when nothing is kept).
/// - WM replaces every removed sample by the nearest kept value (percent bounds) or by
///   the bound itself (absolute bounds), then averages all samples; no data when a
///   percent range keeps nothing.
/// - PR is `100 ×` the weight with `a < v ≤ b` over the total weight.
///
/// Zero-weight samples are ignored. `value(of:)` is `mutating` because selection
/// reorders the internal sample buffer; `reset()` keeps the buffers' capacity so one
/// accumulator can serve every bucket of a query without allocating.
public struct BucketAccumulator: Sendable {
    /// Total weight of all samples (the SampleCount).
    public private(set) var sampleCount: Double = 0
    public private(set) var sum: Double = 0
    public private(set) var minimum: Double = .infinity
    public private(set) var maximum: Double = -.infinity
    /// False once a statistic set that does not stand for raw samples was added.
    public private(set) var hasRawSamples = true
    /// Whether raw samples are kept at all (only percentile-family statistics need them).
    public let collectsRawSamples: Bool

    private var values: [Double] = []
    private var weights: [Double] = []

    /// - Parameter collectsRawSamples: pass `false` when only simple statistics will be
    ///   asked for; the accumulator then keeps running aggregates only.
    public init(collectsRawSamples: Bool = true) {
        self.collectsRawSamples = collectsRawSamples
    }

    /// An accumulator suited to computing `stat`.
    public init(for stat: Statistic) { self.init(collectsRawSamples: stat.needsRawValues) }

    /// True when nothing (of positive weight) was added.
    public var isEmpty: Bool { sampleCount <= 0 }

    /// Forget every sample, keeping buffer capacity.
    public mutating func reset() {
        sampleCount = 0; sum = 0; minimum = .infinity; maximum = -.infinity; hasRawSamples = true
        values.removeAll(keepingCapacity: true)
        weights.removeAll(keepingCapacity: true)
    }

    /// Adds `count` samples of `value` (one `Value`, or one `Values[i]` with `Counts[i]`).
    /// Non-positive or non-finite counts and non-finite values are ignored.
    public mutating func add(value: Double, count: Double = 1) {
        guard count > 0, count.isFinite, value.isFinite else { return }
        sampleCount += count
        sum += value * count
        if value < minimum { minimum = value }
        if value > maximum { maximum = value }
        if collectsRawSamples {
            values.append(value)
            weights.append(count)
        }
    }

    /// Adds a statistic set. Its aggregates combine exactly; it contributes raw samples only
    /// when it stands for them (`StatisticValues.uniformValue`), otherwise the percentile
    /// family becomes unavailable for this bucket.
    public mutating func add(_ set: StatisticValues) {
        guard set.sampleCount > 0, set.sampleCount.isFinite, set.sum.isFinite,
              set.minimum.isFinite, set.maximum.isFinite else { return }
        if let v = set.uniformValue {
            add(value: v, count: set.sampleCount)
            return
        }
        sampleCount += set.sampleCount
        sum += set.sum
        if set.minimum < minimum { minimum = set.minimum }
        if set.maximum > maximum { maximum = set.maximum }
        hasRawSamples = false
    }

    /// The statistic over everything added, or nil when the bucket has no data point for it
    /// (empty bucket, or a percentile-family statistic that is unavailable; see the type's
    /// documentation).
    public mutating func value(of stat: Statistic) -> Double? {
        guard sampleCount > 0 else { return nil }
        switch stat {
        case .sampleCount: return sampleCount
        case .sum: return sum
        case .average: return sum / sampleCount
        case .minimum: return minimum
        case .maximum: return maximum
        default: break
        }
        guard collectsRawSamples, hasRawSamples, minimum >= 0, !values.isEmpty else { return nil }
        switch stat {
        case .percentile(let x):
            return percentile(x)
        case .interquartileMean:
            return trimmed(StatisticBounds(lower: 25, upper: 75, isPercent: true)).mean
        case .trimmedMean(let b):
            return trimmed(b).mean
        case .trimmedCount(let b):
            return trimmed(b).weight
        case .trimmedSum(let b):
            return trimmed(b).sum
        case .winsorizedMean(let b):
            return winsorizedMean(b)
        case .percentileRank(let b):
            return percentileRank(b)
        case .sampleCount, .sum, .average, .minimum, .maximum:
            return nil  // handled above
        }
    }

    // MARK: - Percentile family

    /// `x × n / 100`, snapped to an integer when within 1e-9 (relative) of one.
    private func position(_ percent: Double) -> Double {
        let p = min(100, max(0, percent)) * sampleCount / 100
        let r = p.rounded()
        return (p - r).magnitude <= 1e-9 * max(1, p.magnitude) ? r : p
    }

    private mutating func percentile(_ x: Double) -> Double? {
        let target = position(x)
        if target <= 0 { return minimum }
        if target >= sampleCount { return maximum }
        return select(reaching: target, strictly: false)
    }

    /// The smallest sample value whose cumulative weight (in ascending order) is `≥ target`
    /// (or `> target` when `strictly`). Weighted quickselect with a three-way partition:
    /// expected linear time, reorders the buffers.
    private mutating func select(reaching target: Double, strictly: Bool) -> Double {
        var lo = 0, hi = values.count  // the answer lies in values[lo..<hi]
        var remaining = target
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15  // deterministic pivot choice
        while hi - lo > 1 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let pivot = values[lo + Int((state >> 33) % UInt64(hi - lo))]
            // Partition into [lo, lt) < pivot, [lt, gt) == pivot, [gt, hi) > pivot.
            var lt = lo, i = lo, gt = hi
            var wLess = 0.0, wEqual = 0.0
            while i < gt {
                let v = values[i]
                if v < pivot {
                    wLess += weights[i]
                    values.swapAt(lt, i); weights.swapAt(lt, i)
                    lt += 1; i += 1
                } else if v > pivot {
                    gt -= 1
                    values.swapAt(gt, i); weights.swapAt(gt, i)
                } else {
                    wEqual += weights[i]
                    i += 1
                }
            }
            let reachesLess = strictly ? wLess > remaining : wLess >= remaining
            if lt > lo && reachesLess {
                hi = lt
            } else {
                let withEqual = wLess + wEqual
                let reachesEqual = strictly ? withEqual > remaining : withEqual >= remaining
                if reachesEqual || gt == hi { return pivot }
                remaining -= withEqual
                lo = gt
            }
        }
        return values[lo]
    }

    /// The kept part of a trim: its weight and weighted sum, plus the kept range's
    /// lowest and highest values and the weight removed below and above (percent bounds).
    private struct Trim {
        var weight = 0.0
        var sum = 0.0
        var lowValue = 0.0, highValue = 0.0
        var cutBelow = 0.0, cutAbove = 0.0
        var mean: Double? { weight > 0 ? sum / weight : nil }
    }

    private mutating func trimmed(_ b: StatisticBounds) -> Trim {
        b.isPercent ? trimByRank(b) : trimByValue(b)
    }

    /// Absolute bounds: keep `lower < v ≤ upper`.
    private func trimByValue(_ b: StatisticBounds) -> Trim {
        let lower = b.lower ?? -.infinity, upper = b.upper ?? .infinity
        var t = Trim()
        for i in values.indices where values[i] > lower && values[i] <= upper {
            t.weight += weights[i]
            t.sum += values[i] * weights[i]
        }
        return t
    }

    /// Percent bounds: keep the weight positions `[L, H)` of the ascending order, where
    /// `L = floor(a% × n)` and `H = n − floor((100 − b)% × n)`.
    private mutating func trimByRank(_ b: StatisticBounds) -> Trim {
        let n = sampleCount
        let cutBelow = position(b.lower ?? 0).rounded(.down)
        let cutAbove = position(100 - (b.upper ?? 100)).rounded(.down)
        let low = cutBelow, high = n - cutAbove
        var t = Trim()
        t.cutBelow = cutBelow; t.cutAbove = cutAbove
        guard high > low else { return t }
        // The value holding position `low` (first kept) and the one holding `high` (last kept).
        let vLow = low <= 0 ? minimum : select(reaching: low, strictly: true)
        let vHigh = high >= n ? maximum : select(reaching: high, strictly: false)
        t.lowValue = vLow; t.highValue = vHigh
        // One scan: weights strictly below / equal to each boundary value, and the inside sum.
        var belowLow = 0.0, atLow = 0.0, belowHigh = 0.0, atHigh = 0.0
        var innerWeight = 0.0, innerSum = 0.0
        for i in values.indices {
            let v = values[i], w = weights[i]
            if v < vLow { belowLow += w } else if v == vLow { atLow += w }
            if v < vHigh { belowHigh += w } else if v == vHigh { atHigh += w }
            if v > vLow && v < vHigh { innerWeight += w; innerSum += v * w }
        }
        if vLow == vHigh {
            t.weight = high - low
            t.sum = t.weight * vLow
            return t
        }
        // Overlap of each boundary value's position interval with [low, high).
        let keptLow = max(0, min(belowLow + atLow, high) - max(belowLow, low))
        let keptHigh = max(0, min(belowHigh + atHigh, high) - max(belowHigh, low))
        t.weight = innerWeight + keptLow + keptHigh
        t.sum = innerSum + keptLow * vLow + keptHigh * vHigh
        return t
    }

    private mutating func winsorizedMean(_ b: StatisticBounds) -> Double? {
        if b.isPercent {
            let t = trimByRank(b)
            guard t.weight > 0 else { return nil }
            return (t.sum + t.cutBelow * t.lowValue + t.cutAbove * t.highValue) / sampleCount
        }
        let lower = b.lower ?? -.infinity, upper = b.upper ?? .infinity
        var total = 0.0
        for i in values.indices {
            total += min(max(values[i], lower), upper) * weights[i]
        }
        return total / sampleCount
    }

    private func percentileRank(_ b: StatisticBounds) -> Double {
        let t = trimByValue(StatisticBounds(lower: b.lower, upper: b.upper, isPercent: false))
        return 100 * t.weight / sampleCount
    }
}
