import ChartCore
import Foundation
import GRDB
import MetricQuery

/// What an export wrote.
public struct ExportSummary: Sendable, Equatable {
    public var metrics: Int
    public var datums: Int
    public var requests: Int
}

extension SQLiteMetricStore {
    /// Writes the stored data as PutMetricData request JSON (`graphshot store export`): a JSON
    /// array of requests of at most 1,000 datums, one namespace each, which
    /// `graphshot store import` reads back and each of which
    /// `aws cloudwatch put-metric-data --cli-input-json` accepts (timestamps permitting).
    ///
    /// One datum per stored point, at its interval's start: a single sample as `Value`, samples
    /// as `Values`/`Counts` (split into several datums of at most 150 values, which merge
    /// back on import), a statistic set as `StatisticValues`; `StorageResolution` 1 for
    /// high-resolution points. Metrics in catalogue order, points in time order. Streams:
    /// one block is decoded at a time and output is written in 1 MiB pieces.
    ///
    /// - Parameter namespace: only this namespace, when set.
    public func exportPutMetricData(to handle: FileHandle, namespace: String? = nil) throws(MetricStoreError) -> ExportSummary {
        let writer = JSONOutput(handle: handle)
        var summary = ExportSummary(metrics: 0, datums: 0, requests: 0)
        try storeErrors("cannot export \(path)") {
            try pool.read { db in
                let metrics = try Row.fetchAll(
                    db,
                    sql: "SELECT id, namespace, name, dims FROM metric" + (namespace == nil ? "" : " WHERE namespace = ?")
                        + " ORDER BY namespace, name, dims",
                    arguments: namespace.map { [$0] } ?? [])
                let blocks = try RawStatement(db, "SELECT tier, unit, start, data FROM point_block WHERE metric = ?1 ORDER BY start, tier, unit")
                // Points waiting in the recent table (bounded by `recentLimits`), per metric in
                // write order; each follows its block's own points, as a fold would put it.
                var recent: [Int64: [RecentLog.OwnedSegment]] = [:]
                try RecentLog.forEachRow(db) { row in
                    try RecentLog.forEachMetric(row) { m in
                        try RecentLog.forEachSegment(m.bytes) { seg in
                            recent[m.metric, default: []].append(RecentLog.OwnedSegment(
                                metric: m.metric, tier: seg.tier, unit: seg.unit, start: seg.start, points: seg.points,
                                entries: Array(seg.entries)))
                        }
                    }
                }
                writer.write("[")
                var currentNamespace: String? = nil
                var inRequest = 0
                func beginDatum(_ ns: String) throws {
                    if currentNamespace != ns || inRequest == 1000 {
                        if currentNamespace != nil { writer.write("]}") }
                        writer.write(summary.requests == 0 ? "\n{\"Namespace\":" : ",\n{\"Namespace\":")
                        writer.string(ns)
                        writer.write(",\"MetricData\":[")
                        currentNamespace = ns
                        inRequest = 0
                        summary.requests += 1
                    }
                    writer.write(inRequest == 0 ? "\n" : ",\n")
                    inRequest += 1
                    summary.datums += 1
                }
                for row in metrics {
                    let id: Int64 = row[0], ns: String = row[1], name: String = row[2]
                    let dimsData: Data = row[3]
                    guard let dims = dimsData.withUnsafeBytes({ DimensionKey.decode($0) }) else {
                        throw MetricStoreError("a stored metric key is damaged")
                    }
                    let prefix = Self.datumPrefix(name: name, dimensions: dims)
                    var any = false
                    func points(tier: Int, unitCode: Int, start: Int64, _ bytes: UnsafeRawBufferPointer) throws {
                        let unit = UnitCode.name(unitCode)
                        try BlockCodec.forEachPoint(bytes) { slot, payload in
                            let t = start + Int64(slot) * Int64(tier)
                            for body in Self.payloadMembers(payload) {
                                try beginDatum(ns)
                                writer.write(prefix)
                                writer.write(",\"Timestamp\":\"")
                                writer.write(ISO8601.format(t))
                                writer.write("\",")
                                writer.write(body)
                                if unit != "None" { writer.write(",\"Unit\":"); writer.string(unit) }
                                if tier == 1 { writer.write(",\"StorageResolution\":1") }
                                writer.write("}")
                            }
                            any = true
                        }
                    }
                    // Blocks and recent segments in (start, tier, unit) order, recent after blocks.
                    let waiting = (recent.removeValue(forKey: id) ?? []).enumerated().sorted { a, b in
                        (a.element.start, a.element.tier, a.element.unit, a.offset) < (b.element.start, b.element.tier, b.element.unit, b.offset)
                    }.map(\.element)
                    var r = 0
                    func flushWaiting(through key: (Int64, Int, Int), inclusive: Bool) throws {
                        while r < waiting.count {
                            let w = waiting[r]
                            let k = (w.start, w.tier, w.unit)
                            guard k < key || (inclusive && k == key) else { return }
                            try w.entries.withUnsafeBytes { try points(tier: w.tier, unitCode: w.unit, start: w.start, $0) }
                            r += 1
                        }
                    }
                    blocks.bind(1, id)
                    while try blocks.step() {
                        let tier = blocks.int(0), unitCode = blocks.int(1), start = blocks.int64(2)
                        try flushWaiting(through: (start, tier, unitCode), inclusive: false)
                        try points(tier: tier, unitCode: unitCode, start: start, blocks.blob(3))
                        try flushWaiting(through: (start, tier, unitCode), inclusive: true)
                    }
                    blocks.reset()
                    try flushWaiting(through: (.max, .max, .max), inclusive: true)
                    if any { summary.metrics += 1 }
                }
                if currentNamespace != nil { writer.write("]}") }
                writer.write("\n]\n")
                try writer.flush()
            }
        }
        return summary
    }

    /// `{"MetricName":…,"Dimensions":[…]` (the datum's opening, without its closing brace).
    static func datumPrefix(name: String, dimensions: [ChartCore.Dimension]) -> String {
        var s = "{\"MetricName\":" + JSONOutput.quoted(name)
        if !dimensions.isEmpty {
            s += ",\"Dimensions\":["
            s += dimensions.map { "{\"Name\":\(JSONOutput.quoted($0.name)),\"Value\":\(JSONOutput.quoted($0.value))}" }.joined(separator: ",")
            s += "]"
        }
        return s
    }

    /// The value members of the datum(s) one point becomes.
    static func payloadMembers(_ payload: PointPayload) -> [String] {
        func n(_ v: Double) -> String { JSONOutput.number(v) }
        switch payload {
        case .uniform(let v, let c) where c == 1:
            return ["\"Value\":\(n(v))"]
        case .uniform(let v, let c):
            return ["\"Values\":[\(n(v))],\"Counts\":[\(n(c))]"]
        case .statisticSet(let s):
            return ["\"StatisticValues\":{\"SampleCount\":\(n(s.sampleCount)),\"Sum\":\(n(s.sum)),\"Minimum\":\(n(s.minimum)),\"Maximum\":\(n(s.maximum))}"]
        case .distribution(let values, let counts):
            let m = PutMetricDataRules.maxValues
            return stride(from: 0, to: values.count, by: m).map { i in
                let r = i..<min(i + m, values.count)
                return "\"Values\":[\(values[r].map(n).joined(separator: ","))],\"Counts\":[\(counts[r].map(n).joined(separator: ","))]"
            }
        }
    }
}

/// Buffered JSON text output.
final class JSONOutput {
    let handle: FileHandle
    var buffer: [UInt8] = []
    /// The first write error; `flush()` reports it.
    var failure: (any Error)? = nil

    init(handle: FileHandle) {
        self.handle = handle
        buffer.reserveCapacity(1 << 20)
    }

    func write(_ s: String) {
        buffer.append(contentsOf: s.utf8)
        if buffer.count >= 1 << 20 {
            do { try flush() } catch { failure = failure ?? error; buffer.removeAll(keepingCapacity: true) }
        }
    }

    func string(_ s: String) { write(Self.quoted(s)) }

    func flush() throws {
        if let failure { throw MetricStoreError("cannot write the output: \(failure)") }
        guard !buffer.isEmpty else { return }
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    static func quoted(_ s: String) -> String { JSONWriter.quoted(s) }

    /// A finite double as a JSON number (shortest round-trip form; integers without `.0`).
    static func number(_ v: Double) -> String {
        if let i = BlockCodec.exactInteger(v) { return String(i) }
        return "\(v)"
    }
}
