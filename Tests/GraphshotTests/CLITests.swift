import ChartTestSupport
import Foundation
import Graphshot
import Testing

/// Runs the built `graphshot` executable as a user would.
struct CLI {
    struct Outcome {
        var status: Int32
        var stdout: [UInt8]
        var stderr: String
    }

    /// The `graphshot` binary next to the test bundle (both live in the build's products directory).
    static var executable: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("graphshot").path
    }

    static func run(_ arguments: [String], stdin: [UInt8] = []) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: repositoryRoot())
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(stdin))
        try input.fileHandleForWriting.close()
        // Read both pipes concurrently so neither fills up and blocks the child.
        nonisolated(unsafe) var errorData = Data()
        let reader = Thread { errorData = errors.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reader.isFinished { usleep(1000) }
        return Outcome(status: process.terminationStatus, stdout: Array(outData), stderr: String(decoding: errorData, as: UTF8.self))
    }
}

/// Width and height from a PNG's IHDR chunk.
func pngSize(_ bytes: [UInt8]) -> (Int, Int)? {
    guard bytes.count >= 24, bytes[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else { return nil }
    func be32(_ i: Int) -> Int { Int(bytes[i]) << 24 | Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3]) }
    return (be32(16), be32(20))
}

@Suite(.serialized) struct CLITests {
    let tmp: String = {
        let dir = NSTemporaryDirectory() + "graphshot-cli-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }()

    @Test func rendersTheReadmeExample() throws {
        let out = tmp + "/checkout-health.png"
        let result = try CLI.run(["render", "examples/checkout-health.json", "--data", "examples/data/shop-metrics.json", "-o", out])
        #expect(result.status == 0, "\(result.stderr)")
        let png = try #require(FileManager.default.contents(atPath: out))
        #expect(pngSize(Array(png))! == (800, 320))
        #expect(result.stderr.isEmpty, "\(result.stderr)")
    }

    @Test func everyExampleRenders() throws {
        for (widget, data) in [
            ("queue-depth-stacked", "shop-metrics"), ("queue-depth-gaps", "shop-metrics"),
            ("api-requests", "shop-metrics"), ("cpu-recorded", "cpu-recorded"),
        ] {
            let result = try CLI.run(["render", "examples/\(widget).json", "--data", "examples/data/\(data).json", "-o", "-"])
            #expect(result.status == 0, "\(widget): \(result.stderr)")
            #expect(pngSize(result.stdout) != nil, "\(widget)")
        }
    }

    @Test func recordedPartialDataWarnsOnStderr() throws {
        let result = try CLI.run(["render", "examples/cpu-recorded.json", "--data", "examples/data/cpu-recorded.json", "-o", "-"])
        #expect(result.status == 0)
        #expect(result.stderr.contains("graphshot: warning: partialData [cpu2]"), "\(result.stderr)")
        let quiet = try CLI.run(["render", "examples/cpu-recorded.json", "--data", "examples/data/cpu-recorded.json", "-o", "-", "-q"])
        #expect(quiet.stderr.isEmpty)
    }

    @Test func stdinToStdoutWithInjectedNow() throws {
        let widget = #"{"metrics": [["Shop/Checkout", "OrdersPlaced", {"stat": "Sum"}]], "start": "-PT2H", "width": 320, "height": 200}"#
        let result = try CLI.run(["render", "-", "--data", "examples/data/shop-metrics.json", "--now", "2024-03-01T10:00:00Z"], stdin: Array(widget.utf8))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(pngSize(result.stdout)! == (320, 200))
        #expect(!result.stderr.contains("noData"), "\(result.stderr)")
    }

    @Test func dumpSceneWritesTheScene() throws {
        let scenePath = tmp + "/scene.json"
        let result = try CLI.run(["render", "examples/queue-depth-stacked.json", "--data", "examples/data/shop-metrics.json",
                                  "-o", tmp + "/x.png", "--dump-scene", scenePath])
        #expect(result.status == 0, "\(result.stderr)")
        let data = try #require(FileManager.default.contents(atPath: scenePath))
        let scene = try JSONDecoder().decode(Scene.self, from: data)
        #expect(scene.size == Size(width: 600, height: 400))
        #expect(scene.texts.contains("Queue depth (stacked)"))
    }

    @Test func badWidgetIsOneLineWithThePath() throws {
        let widget = #"{"metrics": [["Shop/Api", "Latency", "Route"]]}"#
        let result = try CLI.run(["render", "-", "-o", "-"], stdin: Array(widget.utf8))
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(result.stderr.hasPrefix("graphshot: error: metrics[0]"), "\(result.stderr)")
    }

    @Test func badInputsNeverCrash() throws {
        let cases: [(args: [String], stdin: String, expect: String)] = [
            (["render", "-"], "not json", "graphshot: error:"),
            (["render", "-"], "[]", "graphshot: error:"),
            (["render", "-"], #"{"metrics": [["A", "B"]], "width": 5000}"#, "width"),
            (["render", "-"], String(repeating: "[", count: 60_000), "graphshot: error:"),
            (["render", "/nonexistent/widget.json"], "", "cannot read"),
            (["render", "-", "--data", "/nonexistent/data.json"], #"{"metrics": [["A", "B"]]}"#, "/nonexistent/data.json"),
            (["render", "-", "--data", "examples/checkout-health.json"], #"{"metrics": [["A", "B"]]}"#, "checkout-health.json"),
            (["render", "-", "--now", "yesterday"], #"{"metrics": [["A", "B"]]}"#, "--now"),
        ]
        for c in cases {
            let result = try CLI.run(c.args + ["-o", "-"], stdin: Array(c.stdin.utf8))
            #expect(result.status == 1, "\(c.args) \(c.stdin.prefix(40)): \(result.stderr)")
            #expect(result.stderr.contains(c.expect), "\(c.args): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(c.args): \(result.stderr)")
            #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("Stack dump"))
        }
    }

    @Test func usageErrorsExit64AndHelpExplains() throws {
        let usage = try CLI.run(["render"])
        #expect(usage.status == 64)
        let help = try CLI.run(["render", "--help"])
        #expect(help.status == 0)
        let text = String(decoding: help.stdout, as: UTF8.self)
        #expect(text.contains("--data"))
        #expect(text.contains("put-metric-data"))
        #expect(text.contains("get-metric-data"))
    }
}

@Suite struct LibraryTests {
    @Test func invalidWidgetCarriesItsPath() {
        do {
            _ = try render(widgetJSON: #"{"metrics": [["A", "B"]], "height": 0}"#, data: InMemoryMetricStore(), options: RenderOptions(now: TestData.now))
            Issue.record("an invalid height must be rejected")
        } catch {
            guard case .invalidWidget(let e) = error else { Issue.record("unexpected \(error)"); return }
            #expect(e.kind == .imageSizeOutOfRange)
            #expect(e.path == "height")
        }
    }

    @Test func freeFunctionRendersWithBundledFonts() throws {
        let result = try render(widgetJSON: #"{"metrics": [["Host/Cpu", "Utilization"]], "start": "-PT1H"}"#,
                                data: TestData.store, options: RenderOptions(now: TestData.now))
        #expect(pngSize(result.png)! == (600, 400))
        #expect(result.warnings.isEmpty)
        #expect(result.scene.texts.contains("Utilization"))
    }

    @Test func sameInputSamePixels() throws {
        let json = #"{"metrics": [["Shop/Api", "Latency", "Route", "/cart"], ["...", "/pay"]], "start": "-PT3H", "title": "x"}"#
        let a = try render(widgetJSON: json, data: TestData.store, options: RenderOptions(now: TestData.now))
        let b = try render(widgetJSON: json, data: TestData.store, options: RenderOptions(now: TestData.now))
        #expect(a.png == b.png)
        #expect(a.scene == b.scene)
    }

    @Test func failingDataSourceIsAnError() {
        struct Broken: MetricDataSource {
            struct Failure: Error {}
            func getMetricData(_ request: MetricDataRequest) throws -> [MetricDataResult] { throw Failure() }
        }
        #expect(throws: GraphshotError.self) {
            _ = try render(widgetJSON: #"{"metrics": [["A", "B"]]}"#, data: Broken(), options: RenderOptions(now: TestData.now))
        }
    }
}

@Suite struct GetMetricDataCLITests {
    @Test func printsTheAwsCLIShapeAndHonoursScanBy() throws {
        let queries = #"[{"Id": "lat", "MetricStat": {"Metric": {"Namespace": "Shop/Checkout", "MetricName": "LatencyMs", "Dimensions": [{"Name": "Stage", "Value": "prod"}]}, "Period": 300, "Stat": "p90"}, "Label": "p90 latency"}]"#
        let common = ["get-metric-data", "--metric-data-queries", queries, "--start-time", "2024-03-01T11:00:00Z",
                      "--end-time", "2024-03-01T11:20:00Z", "--data", "examples/data/shop-metrics.json", "--now", "2024-03-01T12:00:00Z"]
        let newest = try CLI.run(common)
        #expect(newest.status == 0, "\(newest.stderr)")
        let text = String(decoding: newest.stdout, as: UTF8.self)
        #expect(text.hasPrefix("{\n    \"MetricDataResults\": [\n        {\n            \"Id\": \"lat\",\n            \"Label\": \"p90 latency\","))
        let first = try #require(text.range(of: "2024-03-01T11:15:00+00:00")), last = try #require(text.range(of: "2024-03-01T11:00:00+00:00"))
        #expect(first.lowerBound < last.lowerBound)
        let ascending = try CLI.run(common + ["--scan-by", "TimestampAscending"])
        let up = String(decoding: ascending.stdout, as: UTF8.self)
        #expect(try #require(up.range(of: "11:00:00+00:00")).lowerBound < #require(up.range(of: "11:15:00+00:00")).lowerBound)
    }

    @Test func badQueriesExitOneWithTheCode() throws {
        let r = try CLI.run(["get-metric-data", "--metric-data-queries", #"[{"Id": "m1", "Expression": "m2", "MetricStat": {"Metric": {"Namespace": "N", "MetricName": "X"}, "Period": 60, "Stat": "Sum"}}]"#,
                             "--start-time", "2024-03-01T11:00:00Z", "--end-time", "2024-03-01T12:00:00Z"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("InvalidParameterCombination"))
        let usage = try CLI.run(["get-metric-data", "--start-time", "x"])
        #expect(usage.status == 64)
    }
}

@Suite struct MetricMathCLITests {
    @Test func theMathExampleRendersWithoutWarnings() throws {
        let out = NSTemporaryDirectory() + "graphshot-rate-\(UUID().uuidString).png"
        let r = try CLI.run(["render", "examples/checkout-error-rate.json", "--data", "examples/data/shop-metrics.json", "-o", out, "--strict"])
        #expect(r.status == 0, "\(r.stderr)")
        let png = try #require(FileManager.default.contents(atPath: out))
        #expect(pngSize(Array(png)).map { [$0.0, $0.1] } == [600, 400])
    }

    @Test func getMetricDataAnswersExpressionsAndSearch() throws {
        let r = try CLI.run(["get-metric-data", "--metric-data-queries", "file://examples/checkout-queries.json",
                             "--start-time", "2024-03-01T06:00:00Z", "--end-time", "2024-03-01T09:00:00Z",
                             "--data", "examples/data/shop-metrics.json", "--now", "2024-03-01T12:00:00Z"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try JSONParser.parse(r.stdout)
        guard case .object(let top) = json, case .array(let results)? = top["MetricDataResults"] else {
            Issue.record("not get-metric-data output"); return
        }
        let labels = results.compactMap { item -> String? in
            guard case .object(let o) = item, case .string(let l)? = o["Label"] else { return nil }
            return l
        }
        #expect(labels == ["failure rate %", "/cart requests", "/pay requests", "/search requests"])
    }

    @Test func aBadExpressionNamesTheRowAndPosition() throws {
        let widget = #"{"metrics": [["Shop/Api", "Requests", "Route", "/pay"], [{"expression": "m1 +* 2"}]], "start": "-PT3H"}"#
        let r = try CLI.run(["render", "-", "-o", "-"], stdin: Array(widget.utf8))
        #expect(r.status == 1)
        #expect(r.stderr.contains("metrics[1]: Error in expression e1: Syntax error at position 4"), "\(r.stderr)")
    }
}
