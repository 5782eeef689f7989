import ChartCore
import GRDB
import MetricQuery

extension SQLiteMetricStore {
    /// What one `compact(now:)` run did.
    public struct CompactionReport: Sendable, Equatable {
        /// Blocks rewritten at a coarser tier (their points merged into coarser points).
        public var blocksAggregated = 0
        /// Blocks deleted because every point in them had expired.
        public var blocksExpired = 0
        /// Points read from the rewritten blocks.
        public var pointsIn = 0
        /// Points they became (merged into existing coarser points where those existed).
        public var pointsOut = 0
        /// Points dropped as expired.
        public var pointsExpired = 0
        /// Points moved from the recent table into their blocks first (`foldRecent()`).
        public var pointsFolded = 0
        /// Short write transactions used.
        public var transactions = 0
    }

    /// Applies the retention tiers (`RetentionPolicy`) to the file, as of `now`: first the
    /// recent table is folded into the blocks (`foldRecent()`), then every block
    /// whose youngest possible point has outlived its tier is aggregated into the next tier
    /// (points re-bucketed to 1 minute, 5 minutes or 1 hour and merged — raw values stay raw,
    /// so percentiles of old data stay exact), and points past 455 days are deleted.
    ///
    /// Work is done in short transactions of at most `blocksPerTransaction` source blocks, so
    /// readers never wait (WAL) and writers wait at most one short transaction. Reads give the
    /// same answers before and after compaction: they apply the same rule.
    @discardableResult
    public func compact(now: EpochSeconds, blocksPerTransaction: Int = 512) throws(MetricStoreError) -> CompactionReport {
        var report = CompactionReport()
        report.pointsFolded = try foldRecent()
        report.transactions += 1
        for tier in Tier.all {
            while true {
                let done = try storeErrors("cannot compact \(path)") {
                    try pool.write { db in
                        try self.compactChunk(tier: tier, now: now, limit: max(1, blocksPerTransaction), db, &report)
                    }
                }
                report.transactions += 1
                if done { break }
            }
        }
        try storeErrors("cannot compact \(path)") {
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA incremental_vacuum")
                try db.checkpoint(.passive)
            }
        }
        return report
    }

    /// Compacts up to `limit` blocks of `tier`; true when no more are due.
    private func compactChunk(tier: Int, now: EpochSeconds, limit: Int, _ db: Database, _ report: inout CompactionReport) throws -> Bool {
        let span = Tier.blockSpan(tier)
        // A block is due when its youngest possible point (start + span − tier) has outlived the
        // tier. The SQL bound is loose (ages only grow); the exact test is per block below.
        let select = try RawStatement(db, "SELECT id, metric, unit, start, data FROM point_block WHERE tier = ?1 AND start < ?2 ORDER BY start LIMIT ?3")
        let delete = try RawStatement(db, "DELETE FROM point_block WHERE id = ?1")
        let minimumAge: Int64 = switch tier {
        case 1: retention.subMinute
        case 60: retention.oneMinute
        case 300: retention.fiveMinute
        default: retention.oneHour
        }
        select.bind(1, tier); select.bind(2, now &- minimumAge &- span &+ Int64(tier)); select.bind(3, limit)
        var groups: [BlockKey: [BlockPoint]] = [:]
        var sources: [Int64] = []
        var rows = 0
        while try select.step() {
            rows += 1
            let start = select.int64(3)
            let youngest = start + span - Int64(tier)
            let youngestTier = retention.tier(forAge: now &- youngest)
            guard youngestTier.map({ $0 > tier }) ?? true else { continue }
            let metric = select.int64(1), unit = select.int(2)
            var kept = 0
            try BlockCodec.forEachPoint(select.blob(4)) { slot, payload in
                report.pointsIn += 1
                let t = start + Int64(slot) * Int64(tier)
                guard let eff = retention.effectiveTier(stored: tier, time: t, now: now) else {
                    report.pointsExpired += 1
                    return
                }
                let f = floorTo(t, Int64(eff))
                let bs = floorTo(f, Tier.blockSpan(eff))
                let key = BlockKey(metric: metric, tier: eff, start: bs, unit: unit)
                groups[key, default: []].append(BlockPoint(slot: Int((f - bs) / Int64(eff)), payload: payload))
                kept += 1
            }
            if kept == 0 { report.blocksExpired += 1 } else { report.blocksAggregated += 1 }
            sources.append(select.int64(0))
        }
        select.reset()
        for id in sources {
            delete.bind(1, id)
            try delete.run()
        }
        try mergeIntoBlocks(groups, db)
        report.pointsOut += groups.values.reduce(0) { $0 + Set($1.map(\.slot)).count }
        // Blocks that matched the loose bound but are not due yet stay; stop once a chunk
        // moved nothing (the rest, ordered by start, are younger still).
        return sources.isEmpty || rows < limit
    }
}
