import ChartCore

/// One time series inside an evaluation: a value column and a presence mask over the shared
/// timestamp grid (`MathTimeGrid`).
///
/// Layout decision (measured, release build, 2-core AMD EPYC, SSE2 code): missing points are
/// stored as **0 in `values` plus a `[UInt8]` mask**, not as NaN. Most CloudWatch rules treat
/// a missing point as 0 (TS∘TS union, SUM/AVG over arrays), so with zeros in place `m1+m2*2`
/// and `SUM(METRICS())` are plain vector arithmetic plus a byte OR of the masks (16 per
/// instruction). With NaN as the marker every operand needs an is-NaN select, which the
/// compiler turned into branches: 273 vs 2,056 million points/s for `a + 2b` (10 % missing),
/// 1,254 vs 2,980 for a 100-series sum. The mask costs 1 byte per point (12.5 % more memory
/// traffic on bandwidth-bound sizes) and one extra rule, kept by every kernel: **a slot whose
/// mask is 0 holds value 0**.
///
/// `dense` says every slot is present (the mask is then all ones and operations may skip
/// it). `bound` is an upper bound of `|value|`, used to skip the NaN/Inf check after `+ - *`
/// when overflow is impossible.
struct MathColumn: Sendable {
    var values: MathBuffer<Double>
    var mask: MathBuffer<UInt8>
    var dense: Bool
    var bound: Double
    var period: Int
    var origin: MathSeriesOrigin
    var label: String?

    var count: Int { values.count }

    var presentCount: Int {
        if dense { return values.count }
        if mask.knownNonZeroCount >= 0 { return mask.knownNonZeroCount }
        return MathKernels.count(mask.base, mask.count)
    }

    var isEmpty: Bool { dense ? values.count == 0 : presentCount == 0 }

    /// An all-missing column of `n` slots.
    static func empty(_ n: Int, period: Int, origin: MathSeriesOrigin = .computed) -> MathColumn {
        MathColumn(values: MathBuffer(repeating: 0, count: n), mask: MathBuffer(repeating: 0, count: n),
                   dense: false, bound: 0, period: period, origin: origin, label: nil)
    }

    func points(_ grid: MathTimeGrid) -> (timestamps: [EpochSeconds], values: [Double]) {
        var ts: [EpochSeconds] = [], vs: [Double] = []
        let n = presentCount
        ts.reserveCapacity(n); vs.reserveCapacity(n)
        for i in 0..<values.count where dense || mask[i] != 0 {
            ts.append(grid.timestamp(i)); vs.append(values[i])
        }
        return (ts, vs)
    }

    func valuesWithNaN() -> [Double] {
        var out = values.array
        if dense { return out }
        for i in out.indices where mask[i] == 0 { out[i] = .nan }
        return out
    }
}

/// Fixed-size storage of one column, owned by a class so its address is stable: kernels take
/// raw pointers to it without nested `withUnsafeBufferPointer` scopes. Written only while a
/// column is built, then shared read-only (hence `@unchecked Sendable`).
final class MathBuffer<Element: BitwiseCopyable>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>
    let count: Int
    /// How many elements are non-zero, when known as the buffer is made (an input's mask,
    /// counted while it is checked); -1 otherwise. Lets AVG and SORT's keys over an input
    /// skip a pass over its mask. Only for buffers whose content is final when made.
    let knownNonZeroCount: Int

    /// Uninitialised storage for `count` elements; the creator must write every element.
    init(uninitialized count: Int, knownNonZeroCount: Int = -1) {
        self.count = Swift.max(0, count)
        self.knownNonZeroCount = knownNonZeroCount
        base = MathMemory.allocate(bytes: Swift.max(count, 1) * MemoryLayout<Element>.stride)
            .bindMemory(to: Element.self, capacity: Swift.max(count, 1))
    }

    convenience init(repeating value: Element, count: Int) {
        self.init(uninitialized: count)
        base.initialize(repeating: value, count: self.count)
    }

    /// A copy of `array`; `knownNonZeroCount`, when given, is how many of its elements are
    /// non-zero.
    convenience init(_ array: [Element], knownNonZeroCount: Int = -1) {
        self.init(uninitialized: array.count, knownNonZeroCount: knownNonZeroCount)
        array.withUnsafeBufferPointer { if let a = $0.baseAddress { base.initialize(from: a, count: array.count) } }
    }

    deinit { MathMemory.release(UnsafeMutableRawPointer(base), bytes: Swift.max(count, 1) * MemoryLayout<Element>.stride) }

    @inline(__always) subscript(_ i: Int) -> Element { base[i] }

    var array: [Element] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// A copy (for in-place algorithms that start from the source).
    func copy() -> MathBuffer<Element> {
        let b = MathBuffer(uninitialized: count)
        b.base.initialize(from: base, count: count)
        return b
    }
}

/// The sorted, duplicate-free timestamps every column of one evaluation is aligned to.
/// Regular grids (`start + k·step`) store no array.
struct MathTimeGrid: Sendable {
    var count: Int
    /// Set for a regular grid.
    var start: Int64 = 0
    var step: Int64 = 0
    /// Set for an irregular grid (mixed periods or off-grid inputs).
    var stamps: [Int64] = []

    var isRegular: Bool { step > 0 || count == 0 }

    static func regular(start: Int64, step: Int64, count: Int) -> MathTimeGrid {
        MathTimeGrid(count: count, start: start, step: Swift.max(step, 1))
    }

    static func irregular(_ stamps: [Int64]) -> MathTimeGrid {
        MathTimeGrid(count: stamps.count, stamps: stamps)
    }

    @inline(__always) func timestamp(_ i: Int) -> Int64 { step > 0 ? start &+ Int64(i) &* step : stamps[i] }

    var timestamps: [EpochSeconds] {
        if step > 0 { return (0..<count).map { start &+ Int64($0) &* step } }
        return stamps
    }

    /// The slot holding timestamp `t`, if any.
    func index(of t: Int64) -> Int? {
        if step > 0 {
            guard t >= start else { return nil }
            let d = t.subtractingReportingOverflow(start)
            guard !d.overflow, d.partialValue % step == 0 else { return nil }
            let k = d.partialValue / step
            return k < Int64(count) ? Int(k) : nil
        }
        var lo = 0, hi = stamps.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if stamps[mid] < t { lo = mid + 1 } else { hi = mid }
        }
        return lo < stamps.count && stamps[lo] == t ? lo : nil
    }
}
