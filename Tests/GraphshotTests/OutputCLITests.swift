import ChartTestSupport
import Foundation
import Graphshot
import Testing

/// The output flags of `graphshot render`, run through the built binary.
@Suite(.serialized) struct OutputCLITests {
    let tmp: String = {
        let dir = NSTemporaryDirectory() + "graphshot-output-cli-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }()

    let example = ["render", "examples/checkout-health.json", "--data", "examples/data/shop-metrics.json", "--now", "2024-03-01T12:00:00Z"]

    func contents(_ path: String) throws -> [UInt8] { Array(try #require(FileManager.default.contents(atPath: path))) }

    @Test func formatsFromFlagAndExtensionAreDeterministicAcrossProcesses() throws {
        for format in ["svg", "pdf"] {
            let a = tmp + "/a.\(format)", b = tmp + "/b.out"
            let first = try CLI.run(example + ["-o", a])
            #expect(first.status == 0, "\(first.stderr)")
            let second = try CLI.run(example + ["-o", b, "--format", format])
            #expect(second.status == 0, "\(second.stderr)")
            let x = try contents(a), y = try contents(b)
            #expect(x.count == y.count && x.elementsEqual(y), "\(format) differs between two runs")
            let head = String(decoding: x.prefix(8), as: UTF8.self)
            #expect(head.hasPrefix(format == "svg" ? "<?xml" : "%PDF-"))
        }
        let png = try CLI.run(example + ["-o", "-"])
        #expect(pngSize(png.stdout)! == (800, 320))
        let bad = try CLI.run(example + ["-o", "-", "--format", "gif"])
        #expect(bad.status == 64)
    }

    @Test func scaleSidecarAndBudget() throws {
        let sidecar = tmp + "/sidecar.json"
        let result = try CLI.run(example + ["-o", "-", "--scale", "2", "--sidecar", sidecar, "--max-bytes", "60000"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(pngSize(result.stdout)! == (1600, 640))
        #expect(result.stdout.count <= 60_000)
        let decoded = try JSONDecoder().decode(RenderSidecar.self, from: Data(try contents(sidecar)))
        #expect(decoded.pixelWidth == 1600 && decoded.width == 800 && decoded.scale == 2)
        #expect(decoded.bytes == result.stdout.count)
        #expect(decoded.title == "Checkout health")
        #expect(!decoded.series.isEmpty && decoded.axes.first?.kind == .time)
        for args in [["--scale", "0"], ["--scale", "9"], ["--max-bytes", "0"]] {
            let usage = try CLI.run(example + ["-o", "-"] + args)
            #expect(usage.status == 64, "\(args)")
        }
    }

    @Test func strictExitsTwoButWritesTheImage() throws {
        let out = tmp + "/strict.png"
        let widget = #"{"metrics": [["Shop/Missing", "Nothing"]], "start": "2024-03-01T06:00:00Z", "end": "2024-03-01T09:00:00Z"}"#
        let strict = try CLI.run(["render", "-", "--data", "examples/data/shop-metrics.json", "-o", out, "--strict"], stdin: Array(widget.utf8))
        #expect(strict.status == 2)
        #expect(strict.stderr.contains("graphshot: warning: unknownMetric [m1]:"), "\(strict.stderr)")
        #expect(pngSize(try contents(out)) != nil)
        let relaxed = try CLI.run(["render", "-", "--data", "examples/data/shop-metrics.json", "-o", out], stdin: Array(widget.utf8))
        #expect(relaxed.status == 0)
        let clean = try CLI.run(example + ["-o", out, "--strict"])
        #expect(clean.status == 0, "\(clean.stderr)")
    }

    @Test func warningsAsJSONLines() throws {
        let widget = #"{"metrics": [["Shop/Missing", "Nothing"], ["Shop/Checkout", "LatencyMs", "Stage", "prod", {"stat": "Maximum"}]], "yAxis": {"left": {"max": 100}}, "start": "2024-03-01T06:00:00Z", "end": "2024-03-01T09:00:00Z"}"#
        let result = try CLI.run(["render", "-", "--data", "examples/data/shop-metrics.json", "-o", tmp + "/w.png", "--warnings-json"], stdin: Array(widget.utf8))
        #expect(result.status == 0)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 2, "\(result.stderr)")
        let objects = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String]) }
        #expect(objects.map { $0["code"] } == ["unknownMetric", "seriesClipped"])
        #expect(objects.map { $0["id"] } == ["m1", "m2"])
        #expect(objects.allSatisfy { !($0["message"] ?? "").isEmpty })
    }
}
