import Foundation
import ChartCore
import GRDB
import MetricQuery

extension SQLiteMetricStore {
    /// The catalogue SEARCH and Metrics Insights query: every stored metric matching `query`
    /// (namespace, name, dimension filters, and `activeSince` against the newest datapoint
    /// time ever written), in `MetricIdentity.catalogueOrder`.
    public func listMetrics(_ query: MetricListQuery) throws -> [MetricIdentity] {
        try storeErrors("cannot read \(path)") {
            try pool.read { db in try self.scanCatalogue(query, after: nil, limit: Int.max, db).metrics }
        }
    }

    /// ListMetrics, one page of up to 500 metrics (api.md §7.4): filters checked as CloudWatch
    /// does, metrics without data in the last two weeks (three hours with `RecentlyActive`)
    /// left out, catalogue order, and a `NextToken` when more remain.
    ///
    /// The token names the last metric returned (and a digest of the filters), so pages stay
    /// stable while metrics are added: the next page starts right after that metric. A token
    /// that is malformed or was issued for other filters → `InvalidParameterValue`.
    public func listMetricsPage(_ input: ListMetricsInput, now: EpochSeconds) throws(CloudWatchAPIError) -> ListMetricsOutput {
        let query = try ListMetricsRules.query(for: input, now: now)
        let filterDigest = Self.digest(of: input)
        var after: CatalogueKey? = nil
        if let token = input.nextToken {
            guard let parsed = CatalogueKey(token: token, digest: filterDigest) else {
                throw CloudWatchAPIError(.invalidParameterValue, "NextToken: the token is invalid or belongs to other filters")
            }
            after = parsed
        }
        do {
            let page = try storeErrors("cannot read \(path)") {
                try pool.read { db in try self.scanCatalogue(query, after: after, limit: ListMetricsRules.pageSize, db) }
            }
            return ListMetricsOutput(metrics: page.metrics, nextToken: page.more ? page.lastKey?.token(digest: filterDigest) : nil)
        } catch {
            throw CloudWatchAPIError(.internalServiceError, "the metric store could not be read: \(error.message)")
        }
    }

    /// A position in the catalogue: the key of one metric row.
    struct CatalogueKey: Equatable {
        var namespace: String
        var name: String
        var dims: [UInt8]

        /// `base64url(version 1, 8-byte filter digest, then each part as varint length + bytes)`.
        func token(digest: UInt64) -> String {
            var bytes: [UInt8] = [1]
            for k in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: digest >> (8 * UInt64(k)))) }
            for part in [Array(namespace.utf8), Array(name.utf8), dims] {
                BlockCodec.putVarint(&bytes, UInt64(part.count))
                bytes.append(contentsOf: part)
            }
            return Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
        }

        init(namespace: String, name: String, dims: [UInt8]) { self.namespace = namespace; self.name = name; self.dims = dims }

        init?(token: String, digest: UInt64) {
            guard token.count <= 4096 else { return nil }
            var b64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            while b64.count % 4 != 0 { b64 += "=" }
            guard let data = Data(base64Encoded: b64) else { return nil }
            let bytes = [UInt8](data)
            guard bytes.count >= 9, bytes[0] == 1 else { return nil }
            var d: UInt64 = 0
            for k in 0..<8 { d |= UInt64(bytes[1 + k]) << (8 * UInt64(k)) }
            guard d == digest else { return nil }
            var parts: [[UInt8]] = []
            let ok: Bool = bytes.withUnsafeBytes { raw in
                var r = BlockCodec.Reader(bytes: UnsafeRawBufferPointer(rebasing: raw[9...]))
                for _ in 0..<3 {
                    guard let n = try? r.varint(), n <= UInt64(r.remaining) else { return false }
                    parts.append(Array(r.bytes[r.i..<(r.i + Int(n))]))
                    r.i += Int(n)
                }
                return r.atEnd
            }
            guard ok, let ns = String(validating: parts[0], as: UTF8.self), let name = String(validating: parts[1], as: UTF8.self),
                  DimensionKey.decode(parts[2].withUnsafeBytes { $0 }) != nil else { return nil }
            self.init(namespace: ns, name: name, dims: parts[2])
        }
    }

    /// FNV-1a over the filters, so a token is only accepted with the filters it was made for.
    static func digest(of input: ListMetricsInput) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ s: String?) {
            for b in (s.map { "1" + $0 } ?? "0").utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
            h = (h ^ 0xFF) &* 0x100_0000_01b3
        }
        mix(input.namespace); mix(input.metricName); mix(input.recentlyActive)
        for f in input.dimensions { mix(f.name); mix(f.value) }
        return h
    }

    /// Walks the metric table in catalogue order from after `after`, keeping rows that match,
    /// until `limit` are found; `more` says whether another match follows.
    func scanCatalogue(
        _ query: MetricListQuery, after: CatalogueKey?, limit: Int, _ db: Database
    ) throws -> (metrics: [MetricIdentity], more: Bool, lastKey: CatalogueKey?) {
        // Metrics whose newest datum waits in the recent table (see `RecentLog`) are active
        // by that datum too: they are checked here rather than by the SQL condition.
        var activeInRecent: Set<Int64> = []
        if let since = query.activeSince {
            let rows = try RawStatement(db, "SELECT data FROM recent WHERE max_ts >= ?1")
            defer { rows.reset() }
            rows.bind(1, since)
            while try rows.step() {
                try RecentLog.forEachMetric(rows.blob(0)) { m in if m.newest >= since { activeInRecent.insert(m.metric) } }
            }
        }
        var conditions: [String] = []
        if query.namespace != nil { conditions.append("namespace = ?1") }
        if query.metricName != nil { conditions.append("name = ?2") }
        if query.activeSince != nil && activeInRecent.isEmpty { conditions.append("last_ts >= ?3") }
        if after != nil { conditions.append("(namespace, name, dims) > (?4, ?5, ?6)") }
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let select = try RawStatement(db, "SELECT namespace, name, dims, id, last_ts FROM metric" + whereClause + " ORDER BY namespace, name, dims")
        defer { select.reset() }
        if let ns = query.namespace { select.bind(1, text: ns) }
        if let n = query.metricName { select.bind(2, text: n) }
        if let since = query.activeSince, activeInRecent.isEmpty { select.bind(3, since) }
        if let after {
            select.bind(4, text: after.namespace); select.bind(5, text: after.name); select.bind(6, blob: after.dims)
        }
        var out: [MetricIdentity] = []
        var lastKey: CatalogueKey? = nil
        while try select.step() {
            if let since = query.activeSince, !activeInRecent.isEmpty,
               select.int64(4) < since && !activeInRecent.contains(select.int64(3)) { continue }
            let raw = select.blob(2)
            guard let dims = DimensionKey.decode(raw) else { throw MetricStoreError("a stored metric key is damaged") }
            let metric = MetricIdentity(namespace: select.text(0), name: select.text(1), dimensions: dims)
            guard query.matchesIdentity(metric) else { continue }
            if out.count == limit { return (out, true, lastKey) }
            out.append(metric)
            lastKey = CatalogueKey(namespace: metric.namespace, name: metric.name, dims: Array(raw))
        }
        return (out, false, lastKey)
    }
}
