import ChartLayout
import ChartRaster
import Foundation
import Graphshot

/// Graphshot's render benchmark (not a test): four workloads at 600×400, median milliseconds
/// per image, measured in-process after a warm-up, with a per-stage breakdown. The `cpu`
/// column is the median CPU time (user + system, this thread) of the end-to-end render: on a
/// machine shared with other work it moves far less than the wall-clock columns.
///
///     swift run -c release graphshot-bench [--iterations N] [--only W2] [--save DIR]
///     swift run -c release graphshot-bench --write-workloads DIR   # files for scripts/bench-cli.sh
struct Workload {
    var name: String
    var series: Int
    var points: Int
    /// Bucket length in seconds (one datapoint per bucket).
    var period: Int

    static let all = [
        Workload(name: "W1", series: 1, points: 180, period: 60),
        Workload(name: "W2", series: 10, points: 1_440, period: 60),
        Workload(name: "W3", series: 100, points: 1_440, period: 60),
        Workload(name: "W4", series: 10, points: 100_000, period: 60),
    ]

    /// 2024-03-01T00:00:00Z.
    static let start: EpochSeconds = 1_709_251_200

    var end: EpochSeconds { Workload.start + EpochSeconds(points * period) }

    /// Rendered an hour after the range ends, so every bucket is final.
    var now: EpochSeconds { end + 3600 }

    var widgetJSON: String {
        let rows = (0..<series).map { i in
            i == 0 ? #"["Bench", "Load", "Host", "host-0"]"# : #"["...", "host-\#(i)"]"#
        }
        return """
            {"title": "\(name): \(series) × \(points) points", "width": 600, "height": 400, "period": \(period),
             "start": "\(ISO8601.format(Workload.start))", "end": "\(ISO8601.format(end))",
             "metrics": [\(rows.joined(separator: ", "))]}
            """
    }

    func value(series s: Int, point i: Int) -> Double {
        let x = Double(i)
        return 100 + 20 * Double(s % 7) + 30 * sin(x / (40 + Double(s))) + Double((i * 7919 + s * 104_729) % 97) / 4
    }

    func store() -> InMemoryMetricStore {
        var data: [MetricDatum] = []
        data.reserveCapacity(series * points)
        for s in 0..<series {
            let metric = MetricIdentity(namespace: "Bench", name: "Load", dimensions: [Dimension(name: "Host", value: "host-\(s)")])
            for i in 0..<points {
                data.append(MetricDatum(metric: metric, timestamp: Workload.start + EpochSeconds(i * period), value: value(series: s, point: i)))
            }
        }
        return InMemoryMetricStore(data)
    }

    /// The same data as `aws cloudwatch get-metric-data` output (rows get ids m1, m2, … which match).
    func recordedJSON() -> String {
        var out = #"{"MetricDataResults": ["#
        for s in 0..<series {
            if s > 0 { out += "," }
            out += #"{"Id": "m\#(s + 1)", "Label": "host-\#(s)", "StatusCode": "Complete", "Timestamps": ["#
            out += (0..<points).map { "\"\(ISO8601.format(Workload.start + EpochSeconds($0 * period)))\"" }.joined(separator: ",")
            out += #"], "Values": ["#
            out += (0..<points).map { "\(value(series: s, point: $0))" }.joined(separator: ",")
            out += "]}"
        }
        return out + "]}\n"
    }
}

func milliseconds(_ d: Duration) -> Double {
    Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
}

/// CPU time of the calling thread (user + system), in milliseconds.
func threadCPUMilliseconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return Double(t.tv_sec) * 1000 + Double(t.tv_nsec) / 1e6
}

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    guard !s.isEmpty else { return .nan }
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

func format(_ v: Double) -> String {
    let r = (v * 100).rounded() / 100
    var s = "\(r)"
    if let dot = s.firstIndex(of: ".") {
        let decimals = s.distance(from: dot, to: s.endIndex) - 1
        if decimals == 1 { s += "0" }
    } else {
        s += ".00"
    }
    return String(repeating: " ", count: max(0, 8 - s.count)) + s
}

func run() throws {
    var arguments = Array(CommandLine.arguments.dropFirst())
    var iterations = 30
    var only: String?
    var writeDirectory: String?
    var saveDirectory: String?
    while !arguments.isEmpty {
        let flag = arguments.removeFirst()
        switch flag {
        case "--iterations": iterations = Int(arguments.isEmpty ? "" : arguments.removeFirst()) ?? iterations
        case "--only": only = arguments.isEmpty ? nil : arguments.removeFirst()
        case "--write-workloads": writeDirectory = arguments.isEmpty ? nil : arguments.removeFirst()
        case "--save": saveDirectory = arguments.isEmpty ? nil : arguments.removeFirst()
        default:
            FileHandle.standardError.write(Data("usage: graphshot-bench [--iterations N] [--only W1|W2|W3|W4] [--save DIR] [--write-workloads DIR]\n".utf8))
            exit(64)
        }
    }
    let workloads = Workload.all.filter { only == nil || $0.name == only }

    if let writeDirectory {
        try FileManager.default.createDirectory(atPath: writeDirectory, withIntermediateDirectories: true)
        for w in workloads {
            try w.widgetJSON.write(toFile: "\(writeDirectory)/\(w.name).widget.json", atomically: true, encoding: .utf8)
            try w.recordedJSON().write(toFile: "\(writeDirectory)/\(w.name).data.json", atomically: true, encoding: .utf8)
            print("\(writeDirectory)/\(w.name).widget.json  now=\(ISO8601.format(w.now))")
        }
        return
    }

    let renderer = try Renderer()
    let fonts = try FontLibrary.bundled()
    let measurer = FontMeasurer(fonts: fonts)
    let clock = ContinuousClock()
    print("Graphshot render benchmark: 600×400, median of \(iterations) runs after 3 warm-up runs, milliseconds per image")
    print("workload  points      total      cpu    parse    query   layout   raster      png   PNG bytes")
    for w in workloads {
        let store = w.store()
        let options = RenderOptions(now: w.now)
        var total: [Double] = [], parse: [Double] = [], query: [Double] = [], layoutTimes: [Double] = []
        var raster: [Double] = [], encode: [Double] = [], cpu: [Double] = []
        var bytes = 0
        for iteration in 0..<(iterations + 3) {
            // End to end: one `render` call, what a library user sees.
            var result: RenderResult?
            let cpuStart = threadCPUMilliseconds()
            let e2e = clock.measure { result = try? renderer.render(widgetJSON: w.widgetJSON, data: store, options: options) }
            let cpuTime = threadCPUMilliseconds() - cpuStart
            guard let result else { throw BenchmarkError(message: "\(w.name) failed to render") }
            bytes = result.png.count
            if let saveDirectory, iteration == 0 {
                try Data(result.png).write(to: URL(fileURLWithPath: "\(saveDirectory)/\(w.name).png"))
            }
            // The same pipeline stage by stage.
            var widget: MetricWidget?
            var data: WidgetData?
            var scene: Scene?
            var image: RasterImage?
            let p = clock.measure { widget = try? MetricWidget.parse(json: w.widgetJSON) }
            guard let widget else { throw BenchmarkError(message: "\(w.name): widget does not parse") }
            let q = clock.measure { data = try? queryWidget(widget, source: store, now: w.now) }
            guard let data else { throw BenchmarkError(message: "\(w.name): query failed") }
            let l = clock.measure {
                scene = ChartLayout.layout(LayoutInput(widget: widget, series: data.series, start: data.start, end: data.end), measurer: measurer).scene
            }
            guard let scene else { throw BenchmarkError(message: "\(w.name): layout failed") }
            let r = clock.measure { image = try? Rasterizer.render(scene, fonts: fonts) }
            guard let image else { throw BenchmarkError(message: "\(w.name): raster failed") }
            let e = clock.measure { _ = try? Rasterizer.encodePNG(image) }
            guard iteration >= 3 else { continue }
            total.append(milliseconds(e2e)); cpu.append(cpuTime); parse.append(milliseconds(p)); query.append(milliseconds(q))
            layoutTimes.append(milliseconds(l)); raster.append(milliseconds(r)); encode.append(milliseconds(e))
        }
        print("\(w.name.padding(toLength: 8, withPad: " ", startingAt: 0))  \(String(w.series * w.points).padding(toLength: 9, withPad: " ", startingAt: 0))"
              + "\(format(median(total))) \(format(median(cpu))) \(format(median(parse))) \(format(median(query))) \(format(median(layoutTimes))) \(format(median(raster))) \(format(median(encode)))   \(bytes)")
    }
}

struct BenchmarkError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

do {
    try run()
} catch {
    FileHandle.standardError.write(Data("graphshot-bench: \(error)\n".utf8))
    exit(1)
}
