import Foundation
import ChartCore
import GRDB
import MetricQuery
import Synchronization

/// Graphshot's embedded metric store: one SQLite file (WAL mode, through GRDB) that keeps
/// what PutMetricData gives it and answers GetMetricData, GetMetricStatistics and
/// ListMetrics, plus the dashboards of the dashboard API.
///
/// **Schema.** `metric` (namespace, name, dimension set — order-insensitive identity — and
/// the newest datapoint time, for `RecentlyActive`); `point_block` (one row per metric,
/// storage tier, unit and time block, holding that block's points in `BlockCodec`'s format);
/// `recent` (points written but not yet folded into their blocks, see `RecentLog`; every
/// reader merges them); `dashboard`. The schema's version is the list of GRDB migrations
/// applied; a file with migrations this build does not know is refused, and files of the
/// first version gain the `recent` table when opened (their `block` table becomes
/// `point_block`, so older builds refuse such a file instead of missing its recent points). A point is everything a metric received in one storage interval of its
/// tier (a second for `StorageResolution` 1, a minute otherwise; 5 minutes or an hour after
/// compaction), merged: raw values with their counts stay raw, so every statistic stays
/// exact; statistic sets are kept as sets (see `PointPayload`).
///
/// **Durability.** Each write (one PutMetricData call, one importer batch, with the fold it
/// may trigger) is one SQLite transaction with `synchronous=FULL`: it returns only once the
/// WAL is on disk, and a crash rolls back anything unfinished.
///
/// **Concurrency.** A GRDB `DatabasePool`: one writer at a time, readers in parallel and
/// never blocked by writes or compaction (WAL). Several processes may open the same file.
///
/// **Retention.** `RetentionPolicy.cloudWatch`, applied when reading and by `compact(now:)`.
public final class SQLiteMetricStore: MetricDataSource, Sendable {
    let pool: DatabasePool
    /// The path of the database file.
    public let path: String
    /// The retention tiers reads and compaction apply.
    public let retention: RetentionPolicy
    /// Metric identity → row id. Rows are never deleted, so cached ids stay valid, also
    /// when other processes write the same file.
    let metricIDs = Mutex<[IdentityKey: Int64]>([:])
    /// When writes fold the recent table into the blocks.
    public let recentLimits: RecentLimits
    /// A directory to remove on deinit (temporary stores).
    private let temporaryDirectory: String?

    /// Opens the store at `path`, creating the file (and its schema) when `create` is true and
    /// it does not exist yet.
    public convenience init(
        path: String, create: Bool = true, retention: RetentionPolicy = .cloudWatch, recentLimits: RecentLimits = .standard
    ) throws(MetricStoreError) {
        try self.init(path: path, create: create, retention: retention, recentLimits: recentLimits, temporaryDirectory: nil)
    }

    /// A store in a fresh temporary directory, deleted when the store is released (tests).
    public static func temporary(
        retention: RetentionPolicy = .cloudWatch, recentLimits: RecentLimits = .standard
    ) throws(MetricStoreError) -> SQLiteMetricStore {
        let dir = NSTemporaryDirectory() + "graphshot-store-\(UUID().uuidString)"
        do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
            throw MetricStoreError("cannot create a temporary directory: \(error)")
        }
        return try SQLiteMetricStore(
            path: dir + "/metrics.sqlite", create: true, retention: retention, recentLimits: recentLimits, temporaryDirectory: dir)
    }

    private init(
        path: String, create: Bool, retention: RetentionPolicy, recentLimits: RecentLimits, temporaryDirectory: String?
    ) throws(MetricStoreError) {
        if !create && !FileManager.default.fileExists(atPath: path) {
            throw MetricStoreError("\(path): no metric store there (create one with `graphshot store import`)")
        }
        self.path = path
        self.retention = retention
        self.recentLimits = RecentLimits(points: max(1, recentLimits.points), rowsPerGroup: max(1, recentLimits.rowsPerGroup))
        self.temporaryDirectory = temporaryDirectory
        var config = Configuration()
        // Other processes (an import next to the server) may hold the write lock for a batch.
        config.busyMode = .timeout(30)
        config.maximumReaderCount = 4
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA cache_size = -65536")  // 64 MiB per connection
            // Checkpoint every 32 MiB of WAL rather than SQLite's 4 MiB: a big batch dirties a
            // few MiB of pages, so the default copied them back into the file (and synced it)
            // after nearly every commit. Commits stay durable: the WAL is synced on each one.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 8192")
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            try pool.writeWithoutTransaction { db in
                // After GRDB's WAL set-up (which chooses NORMAL): a commit returns only once
                // the WAL is synced, so an acknowledged write survives a power loss too.
                try db.execute(sql: "PRAGMA synchronous = FULL")
                try db.execute(sql: "PRAGMA journal_size_limit = 67108864")
                // A new file: incremental auto-vacuum lets compaction give freed pages back to the
                // file system. It only takes effect through a VACUUM once the file has pages
                // (GRDB's WAL set-up writes one), which costs nothing while the file is empty.
                let fresh = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE name = 'metric'") == 0
                if fresh, try Int.fetchOne(db, sql: "PRAGMA auto_vacuum") != 2 {
                    try db.execute(sql: "PRAGMA auto_vacuum = INCREMENTAL")
                    try db.execute(sql: "VACUUM")
                }
            }
            let migrator = Self.migrator
            let unknown = try pool.read { db in
                try migrator.appliedIdentifiers(db).subtracting(Self.migrationIdentifiers)
            }
            guard unknown.isEmpty else {
                throw MetricStoreError(
                    "\(path): the metric store was written by a newer Graphshot (schema \(unknown.sorted().joined(separator: ", "))); "
                        + "open it with that version")
            }
            try migrator.migrate(pool)
        } catch let error as MetricStoreError {
            throw error
        } catch {
            throw MetricStoreError("\(path): cannot open the metric store: \(error)")
        }
    }

    deinit {
        if let temporaryDirectory {
            try? pool.close()
            try? FileManager.default.removeItem(atPath: temporaryDirectory)
        }
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE metric (
                    id INTEGER PRIMARY KEY,
                    namespace TEXT NOT NULL,
                    name TEXT NOT NULL,
                    dims BLOB NOT NULL,
                    last_ts INTEGER NOT NULL
                );
                CREATE UNIQUE INDEX metric_identity ON metric(namespace, name, dims);
                CREATE TABLE block (
                    id INTEGER PRIMARY KEY,
                    metric INTEGER NOT NULL,
                    tier INTEGER NOT NULL,
                    unit INTEGER NOT NULL,
                    start INTEGER NOT NULL,
                    points INTEGER NOT NULL,
                    data BLOB NOT NULL
                );
                CREATE UNIQUE INDEX block_key ON block(metric, tier, start, unit);
                CREATE INDEX block_age ON block(tier, start);
                CREATE TABLE dashboard (
                    name TEXT PRIMARY KEY,
                    body TEXT NOT NULL,
                    last_modified INTEGER NOT NULL
                );
                """)
        }
        // v2: writes append to `recent` (see `RecentLog`); `recent_state` counts its points.
        // `block` is renamed so that builds knowing only v1 fail on this file rather than
        // answer without its recent points.
        m.registerMigration("v2-recent") { db in
            try db.execute(sql: """
                ALTER TABLE block RENAME TO point_block;
                CREATE TABLE recent (
                    id INTEGER PRIMARY KEY,
                    grp INTEGER NOT NULL,
                    points INTEGER NOT NULL,
                    max_ts INTEGER NOT NULL,
                    data BLOB NOT NULL
                );
                CREATE INDEX recent_group ON recent(grp);
                CREATE TABLE recent_state (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    points INTEGER NOT NULL
                );
                INSERT INTO recent_state(id, points) VALUES (1, 0);
                """)
        }
        return m
    }

    /// The migrations this build knows (the schema versions it reads).
    static let migrationIdentifiers: Set<String> = ["v1", "v2-recent"]

    // MARK: - Writing

    /// PutMetricData: validates `input` as CloudWatch does (`PutMetricDataInput.validated`)
    /// and stores it in one durable transaction. Returns once the data is on disk.
    ///
    /// - Throws: the validation error, or `InternalServiceError` when the file cannot be written.
    public func putMetricData(_ input: PutMetricDataInput, now: EpochSeconds) throws(CloudWatchAPIError) {
        let datums = try input.validated(now: now)
        do { try write(datums) } catch {
            throw CloudWatchAPIError(.internalServiceError, "the metric store could not save the data: \(error.message)")
        }
    }

    /// Stores already validated datums in one durable transaction: all of them or, on error,
    /// none. Datums of one metric and interval count as one point (readers and compaction
    /// merge them). The points go to the recent table, which this write folds into the
    /// blocks when it has outgrown `recentLimits` (see `RecentLog`).
    public func write(_ datums: [MetricDatum]) throws(MetricStoreError) {
        guard !datums.isEmpty else { return }
        let created = try storeErrors("cannot write to \(path)") {
            try pool.write { db in try self.writeInTransaction(datums, db) }
        }
        if !created.isEmpty {
            metricIDs.withLock { cache in cache.merge(created) { a, _ in a } }
        }
    }

    struct BlockKey: Hashable, Comparable {
        var metric: Int64
        var tier: Int
        var start: Int64
        var unit: Int
        static func < (a: Self, b: Self) -> Bool { (a.metric, a.tier, a.start, a.unit) < (b.metric, b.tier, b.start, b.unit) }
    }

    /// Returns the metrics this transaction looked up or created (cached only once it commits).
    ///
    /// The per-datum work is kept to one hash of the metric identity (against the id cache,
    /// looked up under one lock for the whole batch) and the encoding of its entry: no
    /// per-datum dictionary and no block rewritten (blocks are brought up to date by folds).
    private func writeInTransaction(_ datums: [MetricDatum], _ db: Database) throws -> [IdentityKey: Int64] {
        var created: [IdentityKey: Int64] = [:]
        // Row id per datum from the cache; 0 (never a row id) where the metric is not cached.
        // Keys (digests) are computed outside the lock.
        let keys = datums.map { IdentityKey($0.metric) }
        var ids = [Int64](repeating: 0, count: datums.count)
        var uncached: [Int] = []
        metricIDs.withLock { cache in
            for i in keys.indices {
                if let id = cache[keys[i]] { ids[i] = id } else { uncached.append(i) }
            }
        }
        if !uncached.isEmpty {
            let lookup = try RawStatement(db, "SELECT id FROM metric WHERE namespace = ?1 AND name = ?2 AND dims = ?3")
            let insert = try RawStatement(db, "INSERT INTO metric(namespace, name, dims, last_ts) VALUES (?1, ?2, ?3, ?4)")
            for i in uncached {
                if let id = created[keys[i]] { ids[i] = id; continue }
                let id = try metricID(datums[i].metric, create: true, lookup: lookup, insert: insert, db: db)
                created[keys[i]] = id
                ids[i] = id
            }
        }
        // Place each datum (tier, block, slot, unit code), then order by metric, block and
        // write order: one recent row per group of metric ids, no block rewritten.
        var placed: [PlacedDatum] = []
        placed.reserveCapacity(datums.count)
        var lastUnitName = "", lastUnit = -1
        for i in datums.indices {
            let d = datums[i]
            let unit: Int
            if lastUnit >= 0 && d.unit == lastUnitName {
                unit = lastUnit
            } else {
                guard let code = UnitCode.code(d.unit) else {
                    throw MetricStoreError("\(d.metric.name): \"\(d.unit)\" is not a CloudWatch StandardUnit")
                }
                unit = code; lastUnit = code; lastUnitName = d.unit
            }
            let tier: Int64 = d.storageResolution == 1 ? 1 : 60
            let t = tier == 1 ? d.timestamp : floorTo(d.timestamp, 60)
            let start = floorTo(t, Tier.blockSpan(Int(tier)))
            placed.append(PlacedDatum(
                metric: ids[i], start: start, tier: Int32(tier), unit: Int32(unit), slot: Int32((t - start) / tier), index: i))
        }
        if !isOrdered(placed) { placed.sort(by: PlacedDatum.precedes) }
        let written = try appendRecent(placed, datums, db)
        let state = try RawStatement(db, "UPDATE recent_state SET points = points + ?1 WHERE id = 1")
        state.bind(1, written.points)
        try state.run()
        if try recentNeedsFold(groups: written.groups, db) { try foldRecent(db) }
        return created
    }

    /// The row id of `metric`, inserting it when `create` is true.
    private func metricID(
        _ metric: MetricIdentity, create: Bool, lookup: RawStatement, insert: RawStatement, db: Database
    ) throws -> Int64 {
        let dims = DimensionKey.encode(metric.dimensions)
        lookup.bind(1, text: metric.namespace); lookup.bind(2, text: metric.name); lookup.bind(3, blob: dims)
        defer { lookup.reset() }
        if try lookup.step() { return lookup.int64(0) }
        insert.bind(1, text: metric.namespace); insert.bind(2, text: metric.name); insert.bind(3, blob: dims)
        insert.bind(4, Int64.min)
        try insert.run()
        return db.lastInsertedRowID
    }

    /// Whether `placed` is already in `PlacedDatum.precedes` order (one metric's datums in order).
    private func isOrdered(_ placed: [PlacedDatum]) -> Bool {
        for i in placed.indices.dropFirst() where !PlacedDatum.precedes(placed[i - 1], placed[i]) { return false }
        return true
    }

    /// Merges points into their blocks (read, merge, rewrite in order), creating blocks as
    /// needed: compaction's path, which leaves every block it touches merged and ordered.
    func mergeIntoBlocks(_ groups: [BlockKey: [BlockPoint]], _ db: Database) throws {
        let select = try RawStatement(db, "SELECT id, data FROM point_block WHERE metric = ?1 AND tier = ?2 AND start = ?3 AND unit = ?4")
        let update = try RawStatement(db, "UPDATE point_block SET data = ?2, points = ?3 WHERE id = ?1")
        let insert = try RawStatement(
            db, "INSERT INTO point_block(metric, tier, unit, start, points, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        for key in groups.keys.sorted() {
            guard let incoming = groups[key] else { continue }
            select.bind(1, key.metric); select.bind(2, key.tier); select.bind(3, key.start); select.bind(4, key.unit)
            var existingID: Int64? = nil
            var existing: [BlockPoint] = []
            if try select.step() {
                existingID = select.int64(0)
                let raw = select.blob(1)
                try BlockCodec.forEachPoint(raw) { slot, payload in existing.append(BlockPoint(slot: slot, payload: payload)) }
            }
            select.reset()
            let merged = BlockCodec.merge(existing, incoming)
            let data = BlockCodec.encode(merged)
            if let id = existingID {
                update.bind(1, id); update.bind(2, blob: data); update.bind(3, merged.count)
                try update.run()
            } else {
                insert.bind(1, key.metric); insert.bind(2, key.tier); insert.bind(3, key.unit); insert.bind(4, key.start)
                insert.bind(5, merged.count); insert.bind(6, blob: data)
                try insert.run()
            }
        }
    }

    /// The row id of `metric` when it is stored (read side; caches what it finds).
    func existingMetricID(_ metric: MetricIdentity, _ db: Database) throws -> Int64? {
        let key = IdentityKey(metric)
        if let id = metricIDs.withLock({ $0[key] }) { return id }
        let lookup = try RawStatement(db, "SELECT id FROM metric WHERE namespace = ?1 AND name = ?2 AND dims = ?3")
        lookup.bind(1, text: metric.namespace); lookup.bind(2, text: metric.name)
        lookup.bind(3, blob: DimensionKey.encode(metric.dimensions))
        defer { lookup.reset() }
        guard try lookup.step() else { return nil }
        let id = lookup.int64(0)
        metricIDs.withLock { $0[key] = id }
        return id
    }

    // MARK: - Statistics of the store

    /// What the store holds and how big it is on disk.
    public struct Stats: Sendable, Equatable {
        public var metrics: Int
        /// Stored point entries: one per metric, unit and storage interval, plus one per
        /// later write to an interval that already had data (merged by compaction); points
        /// still waiting in the recent table included.
        public var points: Int
        public var blocks: Int
        /// Points per storage tier (seconds per point: 1, 60, 300, 3600).
        public var pointsByTier: [Int: Int]
        /// Of `points`, those written but not yet folded into blocks (see `foldRecent()`).
        public var recentPoints: Int
        public var dashboards: Int
        /// The database file plus its WAL, in bytes.
        public var bytesOnDisk: Int64
        public var databaseBytes: Int64
        public var walBytes: Int64
        /// The oldest and newest stored point times, when there is data.
        public var oldest: EpochSeconds?
        public var newest: EpochSeconds?
    }

    /// Counts and sizes (`graphshot store stats`).
    public func stats() throws(MetricStoreError) -> Stats {
        let counts = try storeErrors("cannot read \(path)") {
            try pool.read { db -> (Int, Int, [Int: Int], Int, Int64?, Int64?, Int) in
                let metrics = try Int.fetchOne(db, sql: "SELECT count(*) FROM metric") ?? 0
                var byTier: [Int: Int] = [:]
                var blocks = 0
                for row in try Row.fetchAll(db, sql: "SELECT tier, count(*), sum(points) FROM point_block GROUP BY tier") {
                    byTier[row[0]] = row[2]
                    blocks += row[1] as Int
                }
                let dashboards = try Int.fetchOne(db, sql: "SELECT count(*) FROM dashboard") ?? 0
                var oldest = try Int64.fetchOne(db, sql: "SELECT min(start) FROM point_block")
                var newest = try Int64.fetchOne(db, sql: "SELECT max(last_ts) FROM metric WHERE last_ts > ?", arguments: [Int64.min])
                var recentPoints = 0
                try RecentLog.forEachRow(db) { row in
                    try RecentLog.forEachMetric(row) { m in
                        if m.newest > Int64.min { newest = max(newest ?? .min, m.newest) }
                        try RecentLog.forEachSegment(m.bytes) { s in
                            byTier[s.tier, default: 0] += s.points
                            recentPoints += s.points
                            oldest = min(oldest ?? .max, s.start)
                        }
                    }
                }
                return (metrics, blocks, byTier, dashboards, oldest, newest, recentPoints)
            }
        }
        func size(_ p: String) -> Int64 {
            ((try? FileManager.default.attributesOfItem(atPath: p))?[.size] as? NSNumber)?.int64Value ?? 0
        }
        let db = size(path), wal = size(path + "-wal")
        return Stats(
            metrics: counts.0, points: counts.2.values.reduce(0, +), blocks: counts.1, pointsByTier: counts.2,
            recentPoints: counts.6, dashboards: counts.3, bytesOnDisk: db + wal, databaseBytes: db, walBytes: wal,
            oldest: counts.4, newest: counts.5)
    }

    /// Copies the WAL into the database file and truncates it (after big imports).
    public func checkpoint() throws(MetricStoreError) {
        try storeErrors("cannot checkpoint \(path)") {
            try pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        }
    }
}
