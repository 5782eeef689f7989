import GRDB
import GRDBSQLite

/// Why the store could not do something: the database file could not be opened, read or
/// written, or holds data this version does not understand.
public struct MetricStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

@discardableResult
/// Runs `body`, turning GRDB's and our own untyped errors into a `MetricStoreError`.
func storeErrors<T>(_ what: String, _ body: () throws -> T) throws(MetricStoreError) -> T {
    do { return try body() } catch let e as MetricStoreError { throw e } catch {
        throw MetricStoreError("\(what): \(error)")
    }
}

/// A prepared statement driven through SQLite's C API: the hot paths (block reads and
/// writes) bind and read columns without GRDB's per-call argument arrays.
struct RawStatement {
    let statement: Statement
    var handle: SQLiteStatement { statement.sqliteStatement }
    let connection: SQLiteConnection?

    init(_ db: Database, _ sql: String) throws {
        statement = try db.cachedStatement(sql: sql)
        connection = db.sqliteConnection
        sqlite3_reset(statement.sqliteStatement)
        sqlite3_clear_bindings(statement.sqliteStatement)
    }

    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    func bind(_ index: Int32, _ value: Int64) { sqlite3_bind_int64(handle, index, value) }
    func bind(_ index: Int32, _ value: Int) { sqlite3_bind_int64(handle, index, Int64(value)) }
    func bind(_ index: Int32, text: String) {
        sqlite3_bind_text(handle, index, text, -1, unsafeBitCast(-1, to: sqlite3_destructor_type.self))
    }
    func bind(_ index: Int32, blob: [UInt8]) {
        blob.withUnsafeBytes { raw in
            // A zero-length blob must still be a blob, not NULL: pass a non-nil pointer.
            let base = raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1)
            sqlite3_bind_blob(handle, index, base, Int32(raw.count), unsafeBitCast(-1, to: sqlite3_destructor_type.self))
        }
    }

    /// Steps once: true when a row is available, false when done.
    func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        let message = connection.map { String(cString: sqlite3_errmsg($0)) } ?? "error \(rc)"
        sqlite3_reset(handle)
        throw MetricStoreError("SQLite error \(rc): \(message)")
    }

    /// Runs a statement that returns no rows.
    func run() throws {
        _ = try step()
        reset()
    }

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }
    func int(_ column: Int32) -> Int { Int(sqlite3_column_int64(handle, column)) }
    func text(_ column: Int32) -> String {
        guard let p = sqlite3_column_text(handle, column) else { return "" }
        return String(cString: p)
    }

    /// The blob in `column`, valid until the next step or reset.
    func blob(_ column: Int32) -> UnsafeRawBufferPointer {
        let p = sqlite3_column_blob(handle, column)
        let n = Int(sqlite3_column_bytes(handle, column))
        guard let p, n > 0 else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: p, count: n)
    }
}
