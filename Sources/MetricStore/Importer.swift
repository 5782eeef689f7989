import ChartCore
import Foundation
import MetricQuery

/// The file formats `graphshot store import` reads.
public enum ImportFormat: String, Sendable, Equatable, CaseIterable {
    /// PutMetricData request JSON (`aws cloudwatch put-metric-data --cli-input-json`): one
    /// request object or an array of them.
    case putMetricData = "put-metric-data"
    /// `aws cloudwatch get-metric-data` output: each result becomes a metric.
    case getMetricDataOutput = "get-metric-data"
    /// `timestamp,namespace,metric,dimensions,value,unit` lines (see `CSVImport`).
    case csv
}

/// How to import.
public struct ImportOptions: Sendable, Equatable {
    /// Datums per transaction: each batch is committed (durably) on its own, and reported.
    public var batchSize: Int
    /// The format, or nil to detect it: `.csv` files and text not starting with `{` or `[`
    /// are CSV; JSON objects with `MetricDataResults` are get-metric-data output; other JSON
    /// is PutMetricData.
    public var format: ImportFormat?
    /// The namespace get-metric-data results are stored under (they carry none).
    public var namespace: String

    public init(batchSize: Int = 50_000, format: ImportFormat? = nil, namespace: String = "Graphshot/Imported") {
        self.batchSize = batchSize; self.format = format; self.namespace = namespace
    }
}

/// One committed batch, reported as soon as its transaction is durable.
public struct ImportBatchAck: Sendable, Equatable {
    /// 1-based.
    public var batch: Int
    /// Datums in this batch.
    public var datums: Int
    /// Datums committed so far, this batch included: the first `committed` datums of the
    /// input (in file order) are stored, and nothing after them.
    public var committed: Int
}

/// What an import did.
public struct ImportSummary: Sendable, Equatable {
    public var format: ImportFormat
    public var datums: Int
    public var batches: Int

    public init(format: ImportFormat, datums: Int, batches: Int) { self.format = format; self.datums = datums; self.batches = batches }
}

/// Streams a file into a store in batches (`graphshot store import`).
///
/// Memory stays bounded whatever the file size: bytes are read in 1 MiB chunks, each datum
/// (or CSV line) is parsed on its own, and at most one batch of datums is held. Every datum
/// is checked with PutMetricData's content rules (`PutMetricDataLimits.fileImport`: no
/// timestamp window and no per-request count, since files hold history); the first invalid
/// one stops the import with an error naming it — the batches committed before it stay.
public enum MetricImporter {
    public static func importFile(
        path: String, into store: SQLiteMetricStore, options: ImportOptions = ImportOptions(),
        progress: @escaping (ImportBatchAck) -> Void = { _ in }
    ) throws(ImportError) -> ImportSummary {
        let handle: FileHandle
        if path == "-" {
            handle = FileHandle.standardInput
        } else {
            guard let h = FileHandle(forReadingAtPath: path) else {
                throw ImportError(file: path, location: "", message: "cannot open the file")
            }
            handle = h
        }
        defer { if path != "-" { try? handle.close() } }
        let input = ChunkedInput(handle: handle)
        let sink = BatchSink(store: store, batchSize: max(1, options.batchSize), file: path, progress: progress)
        var format: ImportFormat
        if let chosen = options.format { format = chosen } else { format = try detect(path: path, input: input) }
        switch format {
        case .csv:
            try CSVImport(input: input, file: path, sink: sink).run()
        case .putMetricData, .getMetricDataOutput:
            let sawResults = try JSONImport(reader: StreamingJSONReader(input: input, file: path), sink: sink, namespace: options.namespace).run()
            format = sawResults ? .getMetricDataOutput : .putMetricData
        }
        try sink.flush()
        return ImportSummary(format: format, datums: sink.committed, batches: sink.batches)
    }

    static func detect(path: String, input: ChunkedInput) throws(ImportError) -> ImportFormat {
        if path.lowercased().hasSuffix(".csv") { return .csv }
        while let b = input.peek(), b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 || b == 0xEF || b == 0xBB || b == 0xBF {
            input.index += 1
        }
        guard let first = input.peek() else { throw ImportError(file: path, location: "", message: "the file is empty") }
        // JSON objects are told apart by their keys while reading.
        return first == UInt8(ascii: "{") || first == UInt8(ascii: "[") ? .putMetricData : .csv
    }
}

/// Collects datums into batches and commits each in one transaction.
final class BatchSink {
    let store: SQLiteMetricStore
    let batchSize: Int
    let file: String
    let progress: (ImportBatchAck) -> Void
    var pending: [MetricDatum] = []
    var committed = 0
    var batches = 0

    init(store: SQLiteMetricStore, batchSize: Int, file: String, progress: @escaping (ImportBatchAck) -> Void) {
        self.store = store; self.batchSize = batchSize; self.file = file; self.progress = progress
        pending.reserveCapacity(min(batchSize, 1 << 20))
    }

    func add(_ datum: MetricDatum) throws(ImportError) {
        pending.append(datum)
        if pending.count >= batchSize { try flush() }
    }

    func flush() throws(ImportError) {
        guard !pending.isEmpty else { return }
        do { try store.write(pending) } catch {
            throw ImportError(file: file, location: "", message: "could not store batch \(batches + 1): \(error.message)")
        }
        batches += 1
        committed += pending.count
        progress(ImportBatchAck(batch: batches, datums: pending.count, committed: committed))
        pending.removeAll(keepingCapacity: true)
    }
}

// MARK: - JSON (PutMetricData requests and get-metric-data output)

/// Walks PutMetricData request(s) or get-metric-data output with `StreamingJSONReader`.
struct JSONImport {
    let reader: StreamingJSONReader
    let sink: BatchSink
    let namespace: String

    func fail(_ location: String, _ message: String) -> ImportError {
        ImportError(file: reader.file, location: location, message: message)
    }

    /// Returns true when the input was get-metric-data output.
    func run() throws(ImportError) -> Bool {
        guard let first = reader.peekToken() else { throw reader.fail("the file is empty") }
        var sawResults = false
        if first == UInt8(ascii: "[") {
            reader.input.index += 1
            var firstElement = true, index = 0
            while try reader.nextElement(first: &firstElement) {
                sawResults = try document(path: "[\(index)]") || sawResults
                index += 1
            }
            guard index > 0 else { throw fail("", "the array holds no PutMetricData requests") }
        } else {
            sawResults = try document(path: "")
        }
        guard reader.peekToken() == nil else { throw reader.fail("unexpected content after the JSON document") }
        return sawResults
    }

    func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : path + "." + key }

    /// One top-level object: a PutMetricData request or get-metric-data output (true).
    func document(path: String) throws(ImportError) -> Bool {
        try reader.expect(UInt8(ascii: "{"), "an object")
        var namespace: String? = nil
        // Datums seen before `Namespace` (members may come in any order); bounded.
        var early: [(MetricDatumInput, String)] = []
        var first = true, count = 0, sawResults = false
        while let key = try reader.nextKey(first: &first) {
            switch key {
            case "Namespace":
                let p = join(path, "Namespace")
                guard case .string(let ns) = try reader.parse(try reader.captureValue()) else { throw fail(p, "expected a string") }
                do { try PutMetricDataValidator.checkNamespace(ns, path: p) } catch { throw fail("", error.message) }
                namespace = ns
                for (d, dp) in early { try store(d, path: dp, namespace: ns) }
                early.removeAll()
            case "MetricData":
                let p = join(path, "MetricData")
                try reader.expect(UInt8(ascii: "["), "an array at \(p)")
                var firstDatum = true
                while try reader.nextElement(first: &firstDatum) {
                    let dp = "\(p)[\(count)]"
                    let datum = try datumInput(try reader.parse(try reader.captureValue()), path: dp)
                    count += 1
                    if let namespace { try store(datum, path: dp, namespace: namespace) } else {
                        early.append((datum, dp))
                        guard early.count <= 100_000 else {
                            throw fail(p, "more than 100,000 datums come before \"Namespace\"; put Namespace first in large files")
                        }
                    }
                }
            case "EntityMetricData":
                let p = join(path, "EntityMetricData")
                try reader.expect(UInt8(ascii: "["), "an array at \(p)")
                var firstEntity = true, e = 0
                while try reader.nextElement(first: &firstEntity) {
                    let ep = "\(p)[\(e)]"
                    e += 1
                    guard case .object(let entity) = try reader.parse(try reader.captureValue()) else { throw fail(ep, "expected an object") }
                    guard let data = entity["MetricData"] else { continue }
                    guard case .array(let items) = data else { throw fail(ep + ".MetricData", "expected an array") }
                    for (i, item) in items.enumerated() {
                        let dp = "\(ep).MetricData[\(i)]"
                        let datum = try datumInput(item, path: dp)
                        count += 1
                        if let namespace { try store(datum, path: dp, namespace: namespace) } else { early.append((datum, dp)) }
                    }
                }
            case "MetricDataResults":
                sawResults = true
                try results(path: join(path, "MetricDataResults"))
            default:
                try reader.skipValue()  // Messages, StrictEntityValidation, NextToken, …
            }
        }
        if sawResults {
            guard count == 0, namespace == nil else {
                throw fail(path, "holds both get-metric-data output (MetricDataResults) and PutMetricData members")
            }
            return true
        }
        guard namespace != nil else { throw fail(join(path, "Namespace"), "missing") }
        guard count > 0 else { throw fail(join(path, "MetricData"), "at least one datum is required") }
        return false
    }

    func store(_ input: MetricDatumInput, path: String, namespace: String) throws(ImportError) {
        do {
            try sink.add(PutMetricDataValidator.datum(input, path: path, namespace: namespace, now: 0, limits: .fileImport))
        } catch let e as CloudWatchAPIError {
            throw fail("", e.message)
        } catch let e as ImportError {
            throw e
        } catch {
            throw fail(path, "\(error)")
        }
    }

    // MARK: PutMetricData datum

    func number(_ v: JSONValue, _ path: @autoclosure () -> String) throws(ImportError) -> Double {
        guard case .number(let n) = v else { throw fail(path(), "expected a number, found \(v.typeName)") }
        return n
    }

    func numbers(_ v: JSONValue, _ path: String) throws(ImportError) -> [Double] {
        guard case .array(let a) = v else { throw fail(path, "expected an array, found \(v.typeName)") }
        var out: [Double] = []
        out.reserveCapacity(a.count)
        for (i, x) in a.enumerated() { out.append(try number(x, "\(path)[\(i)]")) }
        return out
    }

    func string(_ v: JSONValue, _ path: @autoclosure () -> String) throws(ImportError) -> String {
        guard case .string(let s) = v else { throw fail(path(), "expected a string, found \(v.typeName)") }
        return s
    }

    /// A JSON datum as a `MetricDatumInput` (types checked here, content by the validator).
    func datumInput(_ v: JSONValue, path: String) throws(ImportError) -> MetricDatumInput {
        guard case .object(let o) = v else { throw fail(path, "expected an object, found \(v.typeName)") }
        var d = MetricDatumInput(metricName: nil)
        if let n = o["MetricName"] { d.metricName = try string(n, path + ".MetricName") }
        if let dims = o["Dimensions"] {
            guard case .array(let list) = dims else { throw fail(path + ".Dimensions", "expected an array") }
            for (i, item) in list.enumerated() {
                let p = "\(path).Dimensions[\(i)]"
                guard case .object(let dobj) = item else { throw fail(p, "expected an object") }
                guard let name = dobj["Name"] else { throw fail(p + ".Name", "missing") }
                guard let value = dobj["Value"] else { throw fail(p + ".Value", "missing") }
                d.dimensions.append(ChartCore.Dimension(name: try string(name, p + ".Name"), value: try string(value, p + ".Value")))
            }
        }
        guard let ts = o["Timestamp"] else {
            throw fail(path + ".Timestamp", "missing; a file has no receive time to default to, so every datum needs a Timestamp")
        }
        d.timestamp = try timestamp(ts, path + ".Timestamp")
        if let x = o["Value"] { d.value = try number(x, path + ".Value") }
        if let x = o["Values"] { d.values = try numbers(x, path + ".Values") }
        if let x = o["Counts"] { d.counts = try numbers(x, path + ".Counts") }
        if let x = o["StatisticValues"] {
            let p = path + ".StatisticValues"
            guard case .object(let so) = x else { throw fail(p, "expected an object") }
            func field(_ k: String) throws(ImportError) -> Double {
                guard let f = so[k] else { throw fail(p + "." + k, "missing") }
                return try number(f, p + "." + k)
            }
            d.statisticValues = StatisticSetInput(
                sampleCount: try field("SampleCount"), sum: try field("Sum"), minimum: try field("Minimum"), maximum: try field("Maximum"))
        }
        if let u = o["Unit"] { d.unit = try string(u, path + ".Unit") }
        if let r = o["StorageResolution"] {
            let x = try number(r, path + ".StorageResolution")
            guard x == x.rounded(), x.magnitude < 1e9 else { throw fail(path + ".StorageResolution", "expected 1 or 60") }
            d.storageResolution = Int(x)
        }
        return d
    }

    func timestamp(_ v: JSONValue, _ path: String) throws(ImportError) -> EpochSeconds {
        switch v {
        case .string(let s):
            guard let t = ISO8601.parse(s) else { throw fail(path, "\"\(s)\" is not an ISO 8601 date-time such as 2024-03-01T12:00:00Z") }
            return t
        case .number(let n):
            guard n.isFinite, n.magnitude < 1e13 else { throw fail(path, "epoch seconds \(n) are out of range") }
            return EpochSeconds(n.rounded(.down))
        default:
            throw fail(path, "expected an ISO 8601 string or epoch seconds, found \(v.typeName)")
        }
    }

    // MARK: get-metric-data output

    /// Each result becomes the metric `(namespace, Label or Id)` with no dimensions, one
    /// single-value datum per timestamp; results whose timestamps are not all whole minutes
    /// are stored at high resolution (1 s).
    func results(path: String) throws(ImportError) {
        try reader.expect(UInt8(ascii: "["), "an array at \(path)")
        var first = true, index = 0
        while try reader.nextElement(first: &first) {
            let p = "\(path)[\(index)]"
            index += 1
            try reader.expect(UInt8(ascii: "{"), "an object at \(p)")
            var id: String? = nil, label: String? = nil
            var times: [EpochSeconds] = [], values: [Double] = []
            var firstKey = true
            while let key = try reader.nextKey(first: &firstKey) {
                switch key {
                case "Id": id = try string(try reader.parse(try reader.captureValue()), p + ".Id")
                case "Label": label = try string(try reader.parse(try reader.captureValue()), p + ".Label")
                case "Timestamps":
                    try reader.expect(UInt8(ascii: "["), "an array at \(p).Timestamps")
                    var f = true
                    while try reader.nextElement(first: &f) {
                        times.append(try timestamp(try reader.parse(try reader.captureValue()), "\(p).Timestamps[\(times.count)]"))
                    }
                case "Values":
                    try reader.expect(UInt8(ascii: "["), "an array at \(p).Values")
                    var f = true
                    while try reader.nextElement(first: &f) {
                        values.append(try number(try reader.parse(try reader.captureValue()), "\(p).Values[\(values.count)]"))
                    }
                default:
                    try reader.skipValue()
                }
            }
            guard let name = label.flatMap({ $0.isEmpty ? nil : $0 }) ?? id else { throw fail(p + ".Id", "missing") }
            guard times.count == values.count else {
                throw fail(p + ".Values", "has \(values.count) entries but Timestamps has \(times.count); they must pair up")
            }
            let resolution = times.allSatisfy { $0 % 60 == 0 } ? 60 : 1
            for i in times.indices {
                let input = MetricDatumInput(metricName: name, timestamp: times[i], value: values[i], storageResolution: resolution)
                try store(input, path: "\(p).Values[\(i)]", namespace: namespace)
            }
        }
    }
}

// MARK: - CSV

/// The CSV import format: one datapoint per line,
///
///     timestamp,namespace,metric,dimensions,value,unit
///     2024-03-01T12:00:00Z,Shop,Latency,Service=checkout;Stage=prod,12.5,Milliseconds
///
/// - Fields follow RFC 4180: a field holding `,`, `"` or a line break is written in double
///   quotes, with `"` doubled inside. Lines end with LF or CRLF.
/// - `timestamp`: ISO 8601 (`2024-03-01T12:00:00Z`, offsets allowed) or epoch seconds.
/// - `dimensions`: `Name=Value` pairs separated by `;` (empty for none); a `;`, `=` or `\`
///   inside a name or value is written `\;`, `\=`, `\\`.
/// - `value`: a decimal number. `unit`: a CloudWatch StandardUnit, empty for `None`; the
///   column may be left out altogether.
/// - A first line equal to the header above (any case) is skipped; blank lines are skipped.
/// - Every line is stored as a standard-resolution (1-minute) datapoint and checked like a
///   PutMetricData datum.
struct CSVImport {
    let input: ChunkedInput
    let file: String
    let sink: BatchSink

    static let header = ["timestamp", "namespace", "metric", "dimensions", "value", "unit"]

    func fail(_ line: Int, _ message: String) -> ImportError {
        ImportError(file: file, location: "line \(line)", message: message)
    }

    func run() throws(ImportError) {
        var line = 1
        var fields: [String] = []
        var firstRecord = true
        while true {
            let startLine = line
            guard try readRecord(into: &fields, line: &line) else { break }
            if fields.count == 1 && fields[0].isEmpty { continue }  // blank line
            if firstRecord {
                firstRecord = false
                if fields.map({ $0.lowercased() }) == Self.header || fields.map({ $0.lowercased() }) == Array(Self.header.prefix(5)) {
                    continue
                }
            }
            try sink.add(try datum(fields, line: startLine))
        }
    }

    /// Reads one record (RFC 4180); false at the end of the input.
    func readRecord(into fields: inout [String], line: inout Int) throws(ImportError) -> Bool {
        fields.removeAll(keepingCapacity: true)
        guard input.peek() != nil else { return false }
        var field: [UInt8] = []
        var quoted = false, afterQuote = false
        let startLine = line
        while true {
            guard let b = input.next() else {
                guard !quoted else { throw fail(startLine, "a quoted field is not closed") }
                break
            }
            if quoted {
                if b == UInt8(ascii: "\"") {
                    if input.peek() == UInt8(ascii: "\"") { input.index += 1; field.append(b) } else { quoted = false; afterQuote = true }
                } else {
                    if b == 0x0A { line += 1 }
                    field.append(b)
                }
                continue
            }
            if b == UInt8(ascii: ",") {
                fields.append(String(decoding: field, as: UTF8.self)); field.removeAll(keepingCapacity: true); afterQuote = false
            } else if b == 0x0A {
                line += 1
                break
            } else if b == 0x0D && input.peek() == 0x0A {
                continue
            } else if b == UInt8(ascii: "\"") && field.isEmpty && !afterQuote {
                quoted = true
            } else {
                guard !afterQuote else { throw fail(startLine, "unexpected text after a closing quote") }
                field.append(b)
            }
            if field.count > 1 << 16 { throw fail(startLine, "a field is longer than 64 KiB") }
        }
        fields.append(String(decoding: field, as: UTF8.self))
        return true
    }

    func datum(_ f: [String], line: Int) throws(ImportError) -> MetricDatum {
        guard f.count == 5 || f.count == 6 else {
            throw fail(line, "expected 6 fields (timestamp,namespace,metric,dimensions,value,unit), found \(f.count)")
        }
        let t: EpochSeconds
        if let parsed = ISO8601.parse(f[0]) {
            t = parsed
        } else if let n = Double(f[0]), n.isFinite, n.magnitude < 1e13 {
            t = EpochSeconds(n.rounded(.down))
        } else {
            throw fail(line, "timestamp \"\(f[0])\" is neither ISO 8601 (2024-03-01T12:00:00Z) nor epoch seconds")
        }
        guard let value = Double(f[4].trimmingCharacters(in: .whitespaces)) else {
            throw fail(line, "value \"\(f[4])\" is not a number")
        }
        let dims = try dimensions(f[3], line: line)
        let unit = f.count == 6 && !f[5].isEmpty ? f[5] : nil
        let input = MetricDatumInput(metricName: f[2], dimensions: dims, timestamp: t, value: value, unit: unit)
        do {
            try PutMetricDataValidator.checkNamespace(f[1], path: "namespace")
            return try PutMetricDataValidator.datum(input, path: "metric", namespace: f[1], now: 0, limits: .fileImport)
        } catch {
            throw fail(line, error.message)
        }
    }

    /// `Name=Value;Name2=Value2` with `\;`, `\=`, `\\` escapes.
    func dimensions(_ text: String, line: Int) throws(ImportError) -> [ChartCore.Dimension] {
        guard !text.isEmpty else { return [] }
        var out: [ChartCore.Dimension] = []
        var name: String? = nil
        var current = ""
        var escaped = false
        func endPair() throws(ImportError) {
            guard let n = name else { throw fail(line, "dimension \"\(current)\" has no '=' (write Name=Value)") }
            out.append(ChartCore.Dimension(name: n, value: current))
            name = nil; current = ""
        }
        for ch in text {
            if escaped { current.append(ch); escaped = false; continue }
            switch ch {
            case "\\": escaped = true
            case "=" where name == nil: name = current; current = ""
            case ";": try endPair()
            default: current.append(ch)
            }
        }
        guard !escaped else { throw fail(line, "dimensions end with a lone '\\'") }
        try endPair()
        return out
    }
}
