import ChartCore
import MetricQuery

/// What one metric received in one storage interval (a second for high-resolution data, a
/// minute for standard data, 5 minutes or an hour after compaction), merged.
///
/// Raw samples stay raw as long as every contribution was raw, so percentile-family
/// statistics stay exact through merging and compaction; one statistic set that does not
/// stand for raw samples (`StatisticValues.uniformValue == nil`) turns the point into a
/// statistic set, as CloudWatch does.
enum PointPayload: Sendable, Equatable {
    /// `count` samples of `value` (a single `Value` has count 1).
    case uniform(value: Double, count: Double)
    /// At least two distinct values, ascending, each with a positive count.
    case distribution(values: [Double], counts: [Double])
    /// Aggregates only; percentile-family statistics are unavailable.
    case statisticSet(StatisticValues)

    /// The payload of a validated datum, or nil when it carries no sample (all counts 0).
    init?(_ payload: MetricDatum.Payload) {
        switch payload {
        case .value(let v):
            self = .uniform(value: v, count: 1)
        case .statisticValues(let s):
            if let v = s.uniformValue { self = .uniform(value: v, count: s.sampleCount) } else { self = .statisticSet(s) }
        case .values(let values, let counts):
            var pairs: [(Double, Double)] = []
            pairs.reserveCapacity(values.count)
            for (i, v) in values.enumerated() {
                let c = i < counts.count ? counts[i] : 1
                if c > 0 { pairs.append((v, c)) }
            }
            guard !pairs.isEmpty else { return nil }
            self = PointPayload.fromPairs(pairs)
        }
    }

    /// A payload from `(value, count)` pairs in any order (counts > 0, at least one pair).
    static func fromPairs(_ pairs: [(Double, Double)]) -> PointPayload {
        if pairs.count == 1 { return .uniform(value: pairs[0].0, count: pairs[0].1) }
        let sorted = pairs.sorted { $0.0 < $1.0 }
        var values: [Double] = [], counts: [Double] = []
        values.reserveCapacity(sorted.count); counts.reserveCapacity(sorted.count)
        for (v, c) in sorted {
            if let last = values.last, last == v { counts[counts.count - 1] += c } else { values.append(v); counts.append(c) }
        }
        if values.count == 1 { return .uniform(value: values[0], count: counts[0]) }
        return .distribution(values: values, counts: counts)
    }

    /// SampleCount, Sum, Minimum and Maximum.
    var summary: StatisticValues {
        switch self {
        case .uniform(let v, let c):
            return StatisticValues(sampleCount: c, sum: v * c, minimum: v, maximum: v)
        case .distribution(let values, let counts):
            var n = 0.0, s = 0.0
            for i in values.indices { n += counts[i]; s += values[i] * counts[i] }
            return StatisticValues(sampleCount: n, sum: s, minimum: values[0], maximum: values[values.count - 1])
        case .statisticSet(let set):
            return set
        }
    }

    /// This payload and `other` together.
    func merged(with other: PointPayload) -> PointPayload {
        switch (self, other) {
        case (.uniform(let a, let ca), .uniform(let b, let cb)) where a == b:
            return .uniform(value: a, count: ca + cb)
        case (.statisticSet, _), (_, .statisticSet):
            let x = summary, y = other.summary
            return .statisticSet(StatisticValues(
                sampleCount: x.sampleCount + y.sampleCount, sum: x.sum + y.sum,
                minimum: Swift.min(x.minimum, y.minimum), maximum: Swift.max(x.maximum, y.maximum)))
        default:
            return Self.mergeSorted(self.pairs, other.pairs)
        }
    }

    /// The raw `(value, count)` pairs, ascending (empty for a statistic set).
    var pairs: (values: [Double], counts: [Double]) {
        switch self {
        case .uniform(let v, let c): return ([v], [c])
        case .distribution(let v, let c): return (v, c)
        case .statisticSet: return ([], [])
        }
    }

    private static func mergeSorted(_ a: (values: [Double], counts: [Double]), _ b: (values: [Double], counts: [Double])) -> PointPayload {
        var values: [Double] = [], counts: [Double] = []
        values.reserveCapacity(a.values.count + b.values.count)
        counts.reserveCapacity(a.values.count + b.values.count)
        var i = 0, j = 0
        while i < a.values.count || j < b.values.count {
            let takeA = j == b.values.count || (i < a.values.count && a.values[i] <= b.values[j])
            let (v, c) = takeA ? (a.values[i], a.counts[i]) : (b.values[j], b.counts[j])
            if takeA { i += 1 } else { j += 1 }
            if let last = values.last, last == v { counts[counts.count - 1] += c } else { values.append(v); counts.append(c) }
        }
        if values.count == 1 { return .uniform(value: values[0], count: counts[0]) }
        return .distribution(values: values, counts: counts)
    }

    /// Adds this payload's samples (or aggregates) to a bucket accumulator.
    func add(to acc: inout BucketAccumulator) {
        switch self {
        case .uniform(let v, let c):
            acc.add(value: v, count: c)
        case .distribution(let values, let counts):
            for i in values.indices { acc.add(value: values[i], count: counts[i]) }
        case .statisticSet(let s):
            acc.add(s)
        }
    }
}

/// One point of a block: its slot (`(timestamp − blockStart) / tier`) and payload.
struct BlockPoint: Sendable, Equatable {
    var slot: Int
    var payload: PointPayload
}

/// The byte format of a block's `data` column (hand-written: a compact, append-friendly
/// encoding no library offers for this shape).
///
/// A sequence of entries, each: a varint `(slot << 3) | kind`, then by kind:
/// - 0: one sample, an IEEE-754 double (8 bytes, little-endian);
/// - 1: one sample whose value is an integer of magnitude < 2^53, zig-zag varint;
/// - 2: `count` samples of one value: value, count (2 doubles);
/// - 3: a statistic set: SampleCount, Sum, Minimum, Maximum (4 doubles);
/// - 4: a distribution: varint `m`, then `m` values and `m` counts (doubles).
///
/// Entries carry absolute slots, so a fold appends the recent entries to the stored bytes
/// inside SQLite (no read, decode and re-encode of the block). A block may therefore hold
/// entries out of slot order and several entries for one slot; they mean the same as their
/// merge, readers accumulate them as they come, and compaction writes merged, ordered blocks.
enum BlockCodec {
    static func encode(_ points: [BlockPoint]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(points.count * 10)
        for p in points { append(slot: p.slot, p.payload, to: &out) }
        return out
    }

    /// Appends one entry.
    @inline(__always) static func append(slot: Int, _ payload: PointPayload, to out: inout [UInt8]) {
        let gap = UInt64(slot)
        switch payload {
        case .uniform(let v, let c) where c == 1:
            if let i = exactInteger(v) {
                putVarint(&out, gap << 3 | 1)
                putVarint(&out, UInt64(bitPattern: (i << 1) ^ (i >> 63)))
            } else {
                putVarint(&out, gap << 3 | 0)
                putDouble(&out, v)
            }
        case .uniform(let v, let c):
            putVarint(&out, gap << 3 | 2)
            putDouble(&out, v); putDouble(&out, c)
        case .statisticSet(let s):
            putVarint(&out, gap << 3 | 3)
            putDouble(&out, s.sampleCount); putDouble(&out, s.sum); putDouble(&out, s.minimum); putDouble(&out, s.maximum)
        case .distribution(let values, let counts):
            putVarint(&out, gap << 3 | 4)
            putVarint(&out, UInt64(values.count))
            for v in values { putDouble(&out, v) }
            for c in counts { putDouble(&out, c) }
        }
    }

    /// Why a block could not be decoded (a damaged file).
    struct Corrupt: Error, CustomStringConvertible {
        var description: String { "a stored block is damaged" }
    }

    /// Calls `body(slot, payload)` for each entry of an encoded block, in stored order.
    static func forEachPoint(
        _ bytes: UnsafeRawBufferPointer, _ body: (Int, PointPayload) throws -> Void
    ) throws {
        var r = Reader(bytes: bytes)
        while !r.atEnd {
            let head = try r.varint()
            guard head >> 3 < 1 << 40 else { throw Corrupt() }
            let slot = Int(head >> 3)
            let payload: PointPayload
            switch head & 7 {
            case 0: payload = .uniform(value: try r.double(), count: 1)
            case 1:
                let z = try r.varint()
                let i = Int64(bitPattern: z >> 1) ^ -Int64(bitPattern: z & 1)
                payload = .uniform(value: Double(i), count: 1)
            case 2: payload = .uniform(value: try r.double(), count: try r.double())
            case 3:
                payload = .statisticSet(StatisticValues(
                    sampleCount: try r.double(), sum: try r.double(), minimum: try r.double(), maximum: try r.double()))
            case 4:
                let m = try r.varint()
                guard m >= 1, m <= UInt64(r.remaining / 16) else { throw Corrupt() }
                var values = [Double](), counts = [Double]()
                values.reserveCapacity(Int(m)); counts.reserveCapacity(Int(m))
                for _ in 0..<m { values.append(try r.double()) }
                for _ in 0..<m { counts.append(try r.double()) }
                payload = m == 1 ? .uniform(value: values[0], count: counts[0]) : .distribution(values: values, counts: counts)
            default:
                throw Corrupt()
            }
            try body(slot, payload)
        }
    }

    static func decode(_ bytes: [UInt8]) throws -> [BlockPoint] {
        var out: [BlockPoint] = []
        try bytes.withUnsafeBytes { raw in
            try forEachPoint(raw) { slot, payload in out.append(BlockPoint(slot: slot, payload: payload)) }
        }
        return out
    }

    /// Entries merged: one point per slot, ascending. Entries of one slot merge in the order
    /// given (existing first), so sums are reproducible.
    static func merge(_ existing: [BlockPoint], _ incoming: [BlockPoint]) -> [BlockPoint] {
        var all = existing
        all.append(contentsOf: incoming)
        if !isStrictlyAscending(all) {
            all = all.enumerated().sorted { ($0.element.slot, $0.offset) < ($1.element.slot, $1.offset) }.map(\.element)
        }
        var out: [BlockPoint] = []
        out.reserveCapacity(all.count)
        for next in all {
            if let last = out.last, last.slot == next.slot {
                out[out.count - 1].payload = last.payload.merged(with: next.payload)
            } else {
                out.append(next)
            }
        }
        return out
    }

    private static func isStrictlyAscending(_ points: [BlockPoint]) -> Bool {
        var previous = Int.min
        for p in points {
            if p.slot <= previous { return false }
            previous = p.slot
        }
        return true
    }

    /// `v` as an integer when it is one exactly (and not −0) with magnitude below 2^53.
    @inline(__always) static func exactInteger(_ v: Double) -> Int64? {
        guard v.magnitude < 0x1p53, v == v.rounded(.towardZero), !(v == 0 && v.sign == .minus) else { return nil }
        return Int64(v)
    }

    @inline(__always) static func putVarint(_ out: inout [UInt8], _ x: UInt64) {
        var x = x
        while x >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: x) | 0x80)
            x >>= 7
        }
        out.append(UInt8(x))
    }

    @inline(__always) static func putDouble(_ out: inout [UInt8], _ v: Double) {
        let b = v.bitPattern
        for k in 0..<8 { out.append(UInt8(truncatingIfNeeded: b >> (8 * k))) }
    }

    struct Reader {
        let bytes: UnsafeRawBufferPointer
        var i = 0
        var atEnd: Bool { i >= bytes.count }
        var remaining: Int { bytes.count - i }

        mutating func varint() throws -> UInt64 {
            var x: UInt64 = 0, shift: UInt64 = 0
            while true {
                guard i < bytes.count, shift < 64 else { throw Corrupt() }
                let b = bytes[i]; i += 1
                x |= UInt64(b & 0x7F) << shift
                if b < 0x80 { return x }
                shift += 7
            }
        }

        mutating func double() throws -> Double {
            guard i + 8 <= bytes.count else { throw Corrupt() }
            var b: UInt64 = 0
            for k in 0..<8 { b |= UInt64(bytes[i + k]) << (8 * UInt64(k)) }
            i += 8
            return Double(bitPattern: b)
        }
    }
}
