import ChartCore
import GRDB

/// A stored dashboard.
public struct StoredDashboard: Sendable, Equatable {
    public var name: String
    /// The dashboard body JSON exactly as it was put.
    public var body: String
    public var lastModified: EpochSeconds

    public init(name: String, body: String, lastModified: EpochSeconds) {
        self.name = name; self.body = body; self.lastModified = lastModified
    }
}

/// One `DashboardEntries` item of ListDashboards.
public struct DashboardEntry: Sendable, Equatable {
    public var name: String
    /// The body's size in bytes (UTF-8).
    public var size: Int
    public var lastModified: EpochSeconds

    public init(name: String, size: Int, lastModified: EpochSeconds) {
        self.name = name; self.size = size; self.lastModified = lastModified
    }
}

extension SQLiteMetricStore {
    // Storage only: names and bodies are validated by the caller (the server's PutDashboard).

    /// Creates the dashboard `name` or replaces its whole body (durable on return).
    public func putDashboard(name: String, body: String, now: EpochSeconds) throws(MetricStoreError) {
        try storeErrors("cannot write to \(path)") {
            try pool.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO dashboard(name, body, last_modified) VALUES (?, ?, ?)
                        ON CONFLICT(name) DO UPDATE SET body = excluded.body, last_modified = excluded.last_modified
                        """,
                    arguments: [name, body, now])
            }
        }
    }

    /// The dashboard `name`, or nil when there is none.
    public func getDashboard(name: String) throws(MetricStoreError) -> StoredDashboard? {
        try storeErrors("cannot read \(path)") {
            try pool.read { db in
                try Row.fetchOne(db, sql: "SELECT name, body, last_modified FROM dashboard WHERE name = ?", arguments: [name])
                    .map { StoredDashboard(name: $0[0], body: $0[1], lastModified: $0[2]) }
            }
        }
    }

    /// The dashboards whose names start with `prefix` (all when nil or empty), sorted by name
    /// (code-point order). Paging (1,000 per page) is the caller's.
    public func listDashboards(prefix: String? = nil) throws(MetricStoreError) -> [DashboardEntry] {
        try storeErrors("cannot read \(path)") {
            try pool.read { db in
                // substr instead of LIKE: LIKE treats % and _ as wildcards and ignores ASCII case.
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT name, length(CAST(body AS BLOB)), last_modified FROM dashboard
                        WHERE substr(name, 1, length(?1)) = ?1 ORDER BY name
                        """,
                    arguments: [prefix ?? ""])
                return rows.map { DashboardEntry(name: $0[0], size: $0[1], lastModified: $0[2]) }
            }
        }
    }

    /// Deletes the named dashboards that exist (all in one transaction) and returns the
    /// names that did not exist, in the order given, so the caller can report them.
    @discardableResult
    public func deleteDashboards(names: [String]) throws(MetricStoreError) -> [String] {
        try storeErrors("cannot write to \(path)") {
            try pool.write { db in
                var missing: [String] = [], deleted: Set<String> = []
                for name in names {
                    try db.execute(sql: "DELETE FROM dashboard WHERE name = ?", arguments: [name])
                    if db.changesCount > 0 { deleted.insert(name) }
                    else if !deleted.contains(name) && !missing.contains(name) { missing.append(name) }
                }
                return missing
            }
        }
    }
}
