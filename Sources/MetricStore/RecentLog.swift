import ChartCore
import GRDB
import MetricQuery

/// The write side of the store's two-level layout: every write appends its points to the
/// `recent` table — a few rows per write, one per group of 64 metric ids — instead of
/// rewriting one block row per metric and hour it touches. The blocks are brought up to date
/// by *folding*: the recent rows' entries are appended to their blocks, in write order, and
/// the rows deleted, in one transaction. A write folds when the table has grown past
/// `RecentLimits` (and `compact(now:)` and `foldRecent()` fold everything), so each block is
/// rewritten once per fold instead of once per write.
///
/// Every reader merges the recent rows of the metrics it reads: after a block's own entries
/// come the recent entries for the same metric, tier, unit and block start, in write order,
/// which is exactly the byte order folding gives the block. Answers are therefore the same,
/// to the bit, before and after a fold.
///
/// **Row format** (`data`; hand-written, as `BlockCodec`): a varint `n`, then `n` directory
/// entries — varint metric id (ascending), zig-zag varint newest datum time of that metric in
/// the row, varint section length — then the `n` sections. A section is a sequence of
/// segments: varint tier (1 or 60), varint unit code, zig-zag varint block start, varint
/// point count, varint byte length, then that many bytes of `BlockCodec` entries.
enum RecentLog {
    /// Metric ids `64g … 64g+63` share group `g`: one row per group and write.
    static let groupShift: Int64 = 6

    @inline(__always) static func group(_ metric: Int64) -> Int64 { metric >> groupShift }

    static func putZigzag(_ out: inout [UInt8], _ v: Int64) {
        BlockCodec.putVarint(&out, UInt64(bitPattern: (v << 1) ^ (v >> 63)))
    }

    static func zigzag(_ r: inout BlockCodec.Reader) throws -> Int64 {
        let z = try r.varint()
        return Int64(bitPattern: z >> 1) ^ -Int64(bitPattern: z & 1)
    }

    /// One metric's entry in a row's directory, with its section.
    struct MetricSection {
        var metric: Int64
        /// The newest timestamp among the metric's datums in the row (also those without samples).
        var newest: Int64
        var bytes: UnsafeRawBufferPointer
    }

    /// Calls `body` for each metric of an encoded row, in directory order.
    static func forEachMetric(_ row: UnsafeRawBufferPointer, _ body: (MetricSection) throws -> Void) throws {
        var r = BlockCodec.Reader(bytes: row)
        let n = try r.varint()
        guard n <= UInt64(row.count) else { throw BlockCodec.Corrupt() }
        var directory: [(Int64, Int64, Int)] = []
        directory.reserveCapacity(Int(n))
        var total = 0
        for _ in 0..<n {
            let metric = try r.varint()
            let newest = try zigzag(&r)
            let length = try r.varint()
            guard metric < 1 << 62, length <= UInt64(row.count) else { throw BlockCodec.Corrupt() }
            directory.append((Int64(metric), newest, Int(length)))
            total += Int(length)
        }
        guard total == r.remaining else { throw BlockCodec.Corrupt() }
        var offset = r.i
        for (metric, newest, length) in directory {
            try body(MetricSection(metric: metric, newest: newest, bytes: UnsafeRawBufferPointer(rebasing: row[offset..<(offset + length)])))
            offset += length
        }
    }

    /// The section of `metric` in an encoded row, if the row has one (directory search only).
    static func section(of metric: Int64, in row: UnsafeRawBufferPointer) throws -> MetricSection? {
        var found: MetricSection? = nil
        try forEachMetric(row) { s in if s.metric == metric { found = s } }
        return found
    }

    /// One segment of a section: points of one tier, unit and block.
    struct Segment {
        var tier: Int
        var unit: Int
        var start: Int64
        var points: Int
        var entries: UnsafeRawBufferPointer
    }

    /// Calls `body` for each segment of a section.
    static func forEachSegment(_ section: UnsafeRawBufferPointer, _ body: (Segment) throws -> Void) throws {
        var r = BlockCodec.Reader(bytes: section)
        while !r.atEnd {
            let tier = try r.varint()
            let unit = try r.varint()
            let start = try zigzag(&r)
            let points = try r.varint()
            let length = try r.varint()
            guard tier == 1 || tier == 60, unit < 1 << 16, points <= UInt64(section.count), length <= UInt64(r.remaining) else {
                throw BlockCodec.Corrupt()
            }
            let entries = UnsafeRawBufferPointer(rebasing: section[r.i..<(r.i + Int(length))])
            r.i += Int(length)
            try body(Segment(tier: Int(tier), unit: Int(unit), start: start, points: Int(points), entries: entries))
        }
    }

    /// A segment copied out of its row (rows' bytes live only until the next step).
    struct OwnedSegment {
        var metric: Int64
        var tier: Int
        var unit: Int
        var start: Int64
        var points: Int
        var entries: [UInt8]
    }

    /// The recent segments of `metric`, in write order.
    static func segments(of metric: Int64, _ db: Database) throws -> [OwnedSegment] {
        let select = try RawStatement(db, "SELECT data FROM recent WHERE grp = ?1 ORDER BY id")
        defer { select.reset() }
        select.bind(1, group(metric))
        var out: [OwnedSegment] = []
        while try select.step() {
            guard let s = try section(of: metric, in: select.blob(0)) else { continue }
            try forEachSegment(s.bytes) { seg in
                out.append(OwnedSegment(metric: metric, tier: seg.tier, unit: seg.unit, start: seg.start, points: seg.points, entries: Array(seg.entries)))
            }
        }
        return out
    }

    /// Every recent row, in write order.
    static func forEachRow(_ db: Database, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let select = try RawStatement(db, "SELECT data FROM recent ORDER BY id")
        defer { select.reset() }
        while try select.step() { try body(select.blob(0)) }
    }
}

/// When a write folds the recent table into the blocks.
///
/// More waiting points mean fewer block rewrites per point written, but readers merge more
/// rows per metric and a fold holds the write lock longer. A fold of 1 M points takes a fraction
/// of a second; a read merges at most `rowsPerGroup` rows.
public struct RecentLimits: Sendable, Equatable {
    /// Fold once this many points wait.
    public var points: Int
    /// Fold once a group of 64 metrics has this many rows waiting (many small writes).
    public var rowsPerGroup: Int

    public init(points: Int, rowsPerGroup: Int) {
        self.points = points; self.rowsPerGroup = rowsPerGroup
    }

    /// 1,000,000 points, 256 rows per group.
    public static let standard = RecentLimits(points: 1_000_000, rowsPerGroup: 256)
}

extension SQLiteMetricStore {
    /// Encodes already placed datums as recent rows (one per group of metric ids) and inserts
    /// them. `placed` must be sorted by metric, tier, block start, unit and datum order.
    /// Returns the groups written and the points stored.
    func appendRecent(_ placed: [PlacedDatum], _ datums: [MetricDatum], _ db: Database) throws -> (groups: [Int64], points: Int) {
        let insert = try RawStatement(db, "INSERT INTO recent(grp, points, max_ts, data) VALUES (?1, ?2, ?3, ?4)")
        var groups: [Int64] = []
        var total = 0
        var directory: [UInt8] = [], sections: [UInt8] = [], entries: [UInt8] = []
        var row: [UInt8] = []
        sections.reserveCapacity(1 << 14); entries.reserveCapacity(1 << 12); row.reserveCapacity(1 << 14)
        let n = placed.count
        var i = 0
        while i < n {
            let grp = RecentLog.group(placed[i].metric)
            directory.removeAll(keepingCapacity: true); sections.removeAll(keepingCapacity: true)
            var metrics = 0, rowPoints = 0
            var rowNewest = Int64.min
            while i < n && RecentLog.group(placed[i].metric) == grp {
                let metric = placed[i].metric
                let sectionStart = sections.count
                var newest = Int64.min
                while i < n && placed[i].metric == metric {
                    let key = placed[i]
                    entries.removeAll(keepingCapacity: true)
                    var points = 0
                    while i < n && placed[i].sameBlock(as: key) {
                        let d = datums[placed[i].index]
                        newest = max(newest, d.timestamp)
                        if let payload = PointPayload(d.payload) {
                            BlockCodec.append(slot: Int(placed[i].slot), payload, to: &entries)
                            points += 1
                        }
                        i += 1
                    }
                    guard points > 0 else { continue }
                    BlockCodec.putVarint(&sections, UInt64(key.tier))
                    BlockCodec.putVarint(&sections, UInt64(key.unit))
                    RecentLog.putZigzag(&sections, key.start)
                    BlockCodec.putVarint(&sections, UInt64(points))
                    BlockCodec.putVarint(&sections, UInt64(entries.count))
                    sections.append(contentsOf: entries)
                    rowPoints += points
                }
                BlockCodec.putVarint(&directory, UInt64(metric))
                RecentLog.putZigzag(&directory, newest)
                BlockCodec.putVarint(&directory, UInt64(sections.count - sectionStart))
                metrics += 1
                rowNewest = max(rowNewest, newest)
            }
            row.removeAll(keepingCapacity: true)
            BlockCodec.putVarint(&row, UInt64(metrics))
            row.append(contentsOf: directory)
            row.append(contentsOf: sections)
            insert.bind(1, grp); insert.bind(2, rowPoints); insert.bind(3, rowNewest); insert.bind(4, blob: row)
            try insert.run()
            groups.append(grp)
            total += rowPoints
        }
        return (groups, total)
    }

    /// Whether the recent table has outgrown `recentLimits` after a write to `groups`.
    func recentNeedsFold(groups: [Int64], _ db: Database) throws -> Bool {
        let state = try RawStatement(db, "SELECT points FROM recent_state WHERE id = 1")
        defer { state.reset() }
        if try state.step(), state.int(0) >= recentLimits.points { return true }
        let count = try RawStatement(db, "SELECT count(*) FROM recent WHERE grp = ?1")
        for g in groups {
            count.bind(1, g)
            let over = try count.step() && count.int(0) >= recentLimits.rowsPerGroup
            count.reset()
            if over { return true }
        }
        return false
    }

    /// Folds every recent row into the blocks (see `RecentLog`), in the current transaction.
    /// Returns the points folded.
    @discardableResult
    func foldRecent(_ db: Database) throws -> Int {
        var pending: [BlockKey: (bytes: [UInt8], points: Int)] = [:]
        var newest: [Int64: Int64] = [:]
        var folded = 0
        try RecentLog.forEachRow(db) { row in
            try RecentLog.forEachMetric(row) { m in
                if let t = newest[m.metric] { if m.newest > t { newest[m.metric] = m.newest } } else { newest[m.metric] = m.newest }
                try RecentLog.forEachSegment(m.bytes) { s in
                    let key = BlockKey(metric: m.metric, tier: s.tier, start: s.start, unit: s.unit)
                    pending[key, default: ([], 0)].bytes.append(contentsOf: s.entries)
                    pending[key, default: ([], 0)].points += s.points
                    folded += s.points
                }
            }
        }
        guard !newest.isEmpty || folded > 0 else { return 0 }
        let upsert = try RawStatement(db, """
            INSERT INTO point_block(metric, tier, unit, start, points, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
            ON CONFLICT(metric, tier, start, unit)
            DO UPDATE SET data = CAST(data || excluded.data AS BLOB), points = points + excluded.points
            """)
        for key in pending.keys.sorted() {
            guard let p = pending[key] else { continue }
            upsert.bind(1, key.metric); upsert.bind(2, key.tier); upsert.bind(3, key.unit); upsert.bind(4, key.start)
            upsert.bind(5, p.points); upsert.bind(6, blob: p.bytes)
            try upsert.run()
        }
        let touch = try RawStatement(db, "UPDATE metric SET last_ts = max(last_ts, ?2) WHERE id = ?1")
        for id in newest.keys.sorted() {
            touch.bind(1, id); touch.bind(2, newest[id] ?? .min)
            try touch.run()
        }
        try db.execute(sql: "DELETE FROM recent")
        try db.execute(sql: "UPDATE recent_state SET points = 0 WHERE id = 1")
        return folded
    }

    /// Folds every point waiting in the recent table into the blocks, in one transaction.
    /// Writes fold by themselves (`RecentLimits`) and `compact(now:)` folds first; answers are
    /// the same before and after. Returns the points folded.
    @discardableResult
    public func foldRecent() throws(MetricStoreError) -> Int {
        try storeErrors("cannot fold \(path)") {
            try pool.write { db in try self.foldRecent(db) }
        }
    }
}

/// A validated datum's place: metric row, storage tier, unit code, block start and slot, and
/// its index in the batch (the tie-break that keeps write order).
struct PlacedDatum {
    var metric: Int64
    var start: Int64
    var tier: Int32
    var unit: Int32
    var slot: Int32
    var index: Int

    @inline(__always) func sameBlock(as o: PlacedDatum) -> Bool {
        metric == o.metric && start == o.start && tier == o.tier && unit == o.unit
    }

    @inline(__always) static func precedes(_ a: PlacedDatum, _ b: PlacedDatum) -> Bool {
        if a.metric != b.metric { return a.metric < b.metric }
        if a.tier != b.tier { return a.tier < b.tier }
        if a.start != b.start { return a.start < b.start }
        if a.unit != b.unit { return a.unit < b.unit }
        return a.index < b.index
    }
}
