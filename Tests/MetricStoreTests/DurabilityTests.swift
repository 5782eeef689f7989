import ChartCore
import Foundation
import MetricQuery
import MetricStore
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The built `graphshot` executable (next to the test bundle in the products directory).
var graphshotExecutable: String {
    URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("graphshot").path
}

@Suite("Store durability", .serialized)
struct DurabilityTests {
    /// Starts `graphshot store import` on a large CSV file, kills it with SIGKILL after a few
    /// acknowledged batches, and checks the file: every acknowledged batch is there in full,
    /// and whatever else is there is whole batches (never part of one).
    ///
    /// The second case writes small batches past the point where writes fold the recent
    /// table into blocks (one metric: every 256 batches, `RecentLimits.standard`), so the
    /// kill finds folded blocks and recent rows side by side, possibly mid-fold.
    @Test(arguments: [(2_000, 10), (200, 300)])
    func killingAnImportLosesNoAcknowledgedBatchAndLeavesNoPartialOne(_ batch: Int, _ batchesBeforeKill: Int) throws {
        let scratch = Scratch()
        let total = 400_000
        let base = at("2024-03-01T00:00:00Z")
        // Datum i: value i at base + i seconds, so the first K datums sum to K(K−1)/2.
        var text = "timestamp,namespace,metric,dimensions,value,unit\n"
        text.reserveCapacity(total * 48)
        for i in 0..<total { text += "\(base + EpochSeconds(i)),Durability,Counter,Host=h1,\(i),Count\n" }
        let csv = scratch.file("big.csv", text)
        let storePath = scratch.path + "/store.db"

        let process = Process()
        process.executableURL = URL(fileURLWithPath: graphshotExecutable)
        process.arguments = ["store", "import", "--store", storePath, "--batch-size", "\(batch)", csv]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()

        // Read acknowledgements until a few batches are committed, then kill the importer.
        var acknowledged = 0
        var buffer = ""
        let deadline = Date().addingTimeInterval(120)
        while acknowledged < batchesBeforeKill * batch && Date() < deadline && process.isRunning {
            let data = out.fileHandleForReading.availableData
            if data.isEmpty { break }
            buffer += String(decoding: data, as: UTF8.self)
            acknowledged = max(acknowledged, Self.lastTotal(buffer))
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        // Acknowledgements already written before the kill count too.
        buffer += String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        acknowledged = max(acknowledged, Self.lastTotal(buffer))
        #expect(process.terminationReason == .uncaughtSignal, "the importer finished before it could be killed")
        #expect(acknowledged >= batchesBeforeKill * batch)

        let store = try SQLiteMetricStore(path: storePath, create: false)
        let metric = MetricIdentity(namespace: "Durability", name: "Counter", dimensions: [Dimension(name: "Host", value: "h1")])
        let span = EpochSeconds(total)
        func whole(_ s: Statistic) throws -> Double {
            let q = MetricStatQuery(id: "q", metric: metric, stat: s, period: Int(span))
            return try store.getMetricData(MetricDataRequest(queries: [q], start: base, end: base + span, now: base + span))[0].values.first ?? 0
        }
        let stored = Int(try whole(.sampleCount))
        #expect(stored >= acknowledged, "an acknowledged batch is missing")
        #expect(stored % batch == 0, "a partial batch was stored (\(stored) datums)")
        #expect(stored < total, "the import was not interrupted")
        let k = Double(stored)
        #expect(try whole(.sum) == k * (k - 1) / 2, "the stored datums are not exactly the first \(stored)")
        #expect(try whole(.maximum) == k - 1)
    }

    /// The `total=` of the last complete acknowledgement line.
    static func lastTotal(_ text: String) -> Int {
        var last = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) where line.hasPrefix("committed ") && text.contains(line + "\n") {
            if let field = line.split(separator: " ").first(where: { $0.hasPrefix("total=") }), let n = Int(field.dropFirst(6)) { last = n }
        }
        return last
    }
}

@Suite("graphshot store CLI", .serialized)
struct StoreCLITests {
    func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: graphshotExecutable)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        nonisolated(unsafe) var errData = Data()
        let reader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reader.isFinished { usleep(1000) }
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }

    @Test func importStatsExportCompactAndRender() throws {
        let scratch = Scratch()
        let csv = scratch.file("d.csv", (0..<7200).map { "\(at("2024-03-01T10:00:00Z") + EpochSeconds($0)),Shop,Hits,,1,Count" }.joined(separator: "\n"))
        let db = scratch.path + "/s.db"
        let imported = try run(["store", "import", "--store", db, "--batch-size", "5000", csv])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("committed batch=1 datums=5000 total=5000 file=\(csv)"))
        #expect(imported.stdout.contains("imported 7200 datums"))
        let stats = try run(["store", "stats", "--store", db])
        #expect(stats.status == 0 && stats.stdout.contains("metrics:      1") && stats.stdout.contains("size on disk:"))
        let exported = try run(["store", "export", "--store", db])
        #expect(exported.status == 0 && exported.stdout.hasPrefix("[\n{\"Namespace\":\"Shop\""))
        let compacted = try run(["store", "compact", "--store", db, "--now", "2024-03-20T00:00:00Z"])
        #expect(compacted.status == 0 && compacted.stdout.contains("aggregated 2 blocks"), "\(compacted.stdout)")

        // A 1-second period over a day asks for 86,400 buckets: within budget. Two days: over it,
        // so the series is partial and the render says so (the warning triangle).
        let widget = scratch.file("w.json", """
            {"metrics": [["Shop", "Hits", {"stat": "Sum", "period": 1}]], "start": "2024-03-01T00:00:00Z", "end": "2024-03-03T00:00:00Z"}
            """)
        let png = scratch.path + "/w.png"
        let rendered = try run(["render", widget, "--store", db, "--now", "2024-03-01T12:00:00Z", "-o", png])
        #expect(rendered.status == 0, "\(rendered.stderr)")
        #expect(rendered.stderr.contains("partialData"), "\(rendered.stderr)")
        #expect(FileManager.default.fileExists(atPath: png))
        let both = try run(["render", widget, "--store", db, "--data", csv])
        #expect(both.status == 1 && both.stderr.contains("either --store or --data"))
        let missing = try run(["render", widget, "--store", scratch.path + "/none.db"])
        #expect(missing.status == 1 && missing.stderr.contains("no metric store there"))
    }
}
