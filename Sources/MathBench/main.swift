// graphshot-math-bench: throughput of the metric-math evaluator, in million points per
// second, on the shapes scripts/bench-math-numpy.py measures with numpy.
//
//   swift run -c release graphshot-math-bench [--quick] [--json results.json]
//   python3 scripts/bench-math-numpy.py --ours results.json   # numpy on the same shapes + ratios
//
// Timing uses the thread's CPU clock (user + system), like the numpy script, so other load
// on the machine disturbs the figures less. "Points" are counted the same way on both sides: input points for reductions over arrays
// (SUM/AVG/SORT of METRICS()), output points for everything else. Inputs are built once in
// the engine's column layout (like numpy arrays built before timing); the row "m1+m2*2
// (sparse inputs)" includes turning GetMetricData-style point lists into columns.
import ChartCore
import MetricMath

#if canImport(Glibc)
import Glibc
#endif

struct Shape {
    var series: Int
    var points: Int
    var name: String { "\(series) x \(points)" }
}

struct Case {
    var name: String
    /// Expression rows (id, text) evaluated together.
    var rows: (Shape) -> [(String, String)]
    /// Points one evaluation processes.
    var points: (Shape) -> Int
    var sparseInputs = false
    /// Inputs without missing points (every slot present), for comparing with numpy's plain call.
    var noGaps = false
}

/// SplitMix64: deterministic data, same seed every run.
struct Random {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// `--runs N`: exactly N timed evaluations per case, reporting their mean (for instruction
/// counting under `valgrind --tool=callgrind`, where time limits make no sense).
let fixedRuns = CommandLine.arguments.firstIndex(of: "--runs").flatMap {
    $0 + 1 < CommandLine.arguments.count ? Int(CommandLine.arguments[$0 + 1]) : nil
}

/// Best time of repeated runs lasting at least `minTime` in total.
func measure(minTime: Double, _ body: () -> Void) -> Double {
    body()
    if let fixedRuns, fixedRuns > 0 {
        let t = now()
        for _ in 0..<fixedRuns { body() }
        return (now() - t) / Double(fixedRuns)
    }
    var best = Double.infinity
    let start = now()
    var runs = 0
    while runs < 3 || now() - start < minTime {
        let t = now()
        body()
        best = min(best, now() - t)
        runs += 1
    }
    return best
}

let arguments = CommandLine.arguments
let quick = arguments.contains("--quick")
let jsonPath = arguments.firstIndex(of: "--json").flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
let minTime = quick ? 0.2 : 1.0
/// `--case NAME`: only the case with exactly that name (for profiling).
let only = arguments.firstIndex(of: "--case").flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
/// `--shape 0|1`: only the first or second shape.
let onlyShape = arguments.firstIndex(of: "--shape").flatMap { $0 + 1 < arguments.count ? Int(arguments[$0 + 1]) : nil }
let t0: Int64 = 1_700_000_040
let period = 60

let cases: [Case] = [
    Case(name: "m1+m2*2", rows: { s in (0..<s.series / 2).map { ("e\($0)", "m\(2 * $0) + m\(2 * $0 + 1) * 2") } },
         points: { $0.series / 2 * $0.points }),
    Case(name: "SUM(METRICS())", rows: { _ in [("e0", "SUM(METRICS())")] }, points: { $0.series * $0.points }),
    Case(name: "AVG(METRICS())", rows: { _ in [("e0", "AVG(METRICS())")] }, points: { $0.series * $0.points }),
    Case(name: "RATE(m1)", rows: { s in (0..<s.series).map { ("e\($0)", "RATE(m\($0))") } }, points: { $0.series * $0.points }),
    Case(name: "FILL(m1, 0)", rows: { s in (0..<s.series).map { ("e\($0)", "FILL(m\($0), 0)") } }, points: { $0.series * $0.points }),
    Case(name: "FILL(m1, REPEAT)", rows: { s in (0..<s.series).map { ("e\($0)", "FILL(m\($0), REPEAT)") } },
         points: { $0.series * $0.points }),
    Case(name: "RUNNING_SUM(m1)", rows: { s in (0..<s.series).map { ("e\($0)", "RUNNING_SUM(m\($0))") } },
         points: { $0.series * $0.points }),
    Case(name: "IF(m1 > 50, m1, 0)", rows: { s in (0..<s.series).map { ("e\($0)", "IF(m\($0) > 50, m\($0), 0)") } },
         points: { $0.series * $0.points }),
    Case(name: "SORT(METRICS(), AVG, DESC, 10)", rows: { _ in [("e0", "SORT(METRICS(), AVG, DESC, 10)")] },
         points: { $0.series * $0.points }),
    Case(name: "m1+m2*2 (sparse inputs)", rows: { s in (0..<s.series / 2).map { ("e\($0)", "m\(2 * $0) + m\(2 * $0 + 1) * 2") } },
         points: { $0.series / 2 * $0.points }, sparseInputs: true),
    Case(name: "m1+m2*2 (no gaps)", rows: { s in (0..<s.series / 2).map { ("e\($0)", "m\(2 * $0) + m\(2 * $0 + 1) * 2") } },
         points: { $0.series / 2 * $0.points }, noGaps: true),
]

/// `--series S --points N`: one custom shape instead of the two standard ones (for profiling
/// per-evaluation overhead on small shapes).
let customShape: Shape? = {
    guard let s = arguments.firstIndex(of: "--series").flatMap({ $0 + 1 < arguments.count ? Int(arguments[$0 + 1]) : nil }),
          let p = arguments.firstIndex(of: "--points").flatMap({ $0 + 1 < arguments.count ? Int(arguments[$0 + 1]) : nil }),
          s >= 2, p >= 1 else { return nil }
    return Shape(series: s, points: p)
}()
let shapes = customShape.map { [$0] } ?? [Shape(series: 100, points: 10_000), Shape(series: 10, points: 1_000_000)]

/// Inputs: values in [0, 100), about 10 % of points missing (none with `gaps: false`), on one
/// 60-second grid.
func makeInputs(_ shape: Shape, sparse: Bool, gaps: Bool = true) -> MathInputs {
    var rng = Random(state: 42)
    var inputs = MathInputs()
    for k in 0..<shape.series {
        var values = [Double](repeating: 0, count: shape.points)
        var present = [UInt8](repeating: 0, count: shape.points)
        for i in 0..<shape.points where !gaps || rng.unit() >= 0.1 {
            values[i] = (rng.unit() * 100).rounded(.down) + 0.25
            present[i] = 1
        }
        if sparse {
            let idx = (0..<shape.points).filter { present[$0] != 0 }
            inputs.metrics["m\(k)"] = MathSeriesInput(
                period: period, timestamps: idx.map { t0 + Int64($0 * period) }, values: idx.map { values[$0] })
        } else {
            inputs.metrics["m\(k)"] = MathSeriesInput(period: period, gridStart: t0, values: values, present: present)
        }
    }
    return inputs
}

let end = { (s: Shape) in t0 + Int64(s.points * period) }

var results: [(caseName: String, shape: String, mpts: Double)] = []
print("Graphshot metric-math evaluator (release), million points per second")
print(String(repeating: "-", count: 72))
let anyCase = only.map { name in cases.contains { $0.name == name } } ?? true
for (shapeIndex, shape) in shapes.enumerated() where anyCase && (onlyShape == nil || onlyShape == shapeIndex) {
    let dense = makeInputs(shape, sparse: false)
    let sparse = cases.contains { $0.sparseInputs } ? makeInputs(shape, sparse: true) : MathInputs()
    let full = cases.contains { $0.noGaps } ? makeInputs(shape, sparse: false, gaps: false) : MathInputs()
    let context = MathContext(start: t0, end: end(shape), defaultPeriod: period)
    for c in cases where only.map({ c.name == $0 }) ?? true {
        let rows = (0..<shape.series).map { MathRow.metric("m\($0)", period: period) }
            + c.rows(shape).map { MathRow.expression($0.0, $0.1) }
        let program: MathProgram
        do { program = try MathProgram.compile(rows: rows) } catch {
            print("\(c.name): \(error)")
            continue
        }
        let inputs = c.sparseInputs ? sparse : c.noGaps ? full : dense
        var check = 0
        let seconds = measure(minTime: minTime) {
            let r = program.evaluate(inputs: inputs, context: context)
            check &+= r.rows.count
        }
        let sanity = program.evaluate(inputs: inputs, context: context)
        if let bad = sanity.rows.first(where: { $0.status != .complete }) {
            print("\(c.name): row \(bad.id) failed: \(bad.message ?? "")")
        }
        let mpts = Double(c.points(shape)) / seconds / 1e6
        results.append((c.name, shape.name, mpts))
        print(pad(c.name, 34) + pad(shape.name, 16) + lpad(fmt(mpts, 0), 10)
              + (customShape == nil ? "" : lpad(fmt(seconds * 1e6, 1), 10) + " µs/evaluation"))
    }
}

/// The machine's ceiling for `m1+m2*2`: the bare loop `r = a + b*2` (and, for the masked
/// layout, `rm = ma | mb`) over the same shapes, with the same missing points and outputs
/// allocated once, written the way a C programmer would write it. No CloudWatch rules, no
/// compile, no bookkeeping: what the evaluator's own row is measured against in the same run.
struct Ceiling {
    var a: [UnsafeMutablePointer<Double>] = [], ma: [UnsafeMutablePointer<UInt8>] = []
    var r: [UnsafeMutablePointer<Double>] = [], rm: [UnsafeMutablePointer<UInt8>] = []
    let n: Int

    init(_ shape: Shape) {
        n = shape.points
        var rng = Random(state: 42)
        for _ in 0..<shape.series {
            let v = UnsafeMutablePointer<Double>.allocate(capacity: n), m = UnsafeMutablePointer<UInt8>.allocate(capacity: n)
            v.initialize(repeating: 0, count: n); m.initialize(repeating: 0, count: n)
            for i in 0..<n where rng.unit() >= 0.1 {
                v[i] = (rng.unit() * 100).rounded(.down) + 0.25
                m[i] = 1
            }
            a.append(v); ma.append(m)
        }
        for _ in 0..<shape.series / 2 {
            let v = UnsafeMutablePointer<Double>.allocate(capacity: n), m = UnsafeMutablePointer<UInt8>.allocate(capacity: n)
            v.initialize(repeating: 0, count: n); m.initialize(repeating: 0, count: n)
            r.append(v); rm.append(m)
        }
    }

    func run(masks: Bool) {
        for k in r.indices {
            let x = a[2 * k], y = a[2 * k + 1], out = r[k]
            for i in 0..<n { out[i] = x[i] + y[i] * 2 }
            if masks {
                let mx = ma[2 * k], my = ma[2 * k + 1], mo = rm[k]
                for i in 0..<n { mo[i] = mx[i] | my[i] }
            }
        }
    }
}

if only.map({ $0.hasPrefix("ceiling") }) ?? true {
    for (shapeIndex, shape) in shapes.enumerated() where onlyShape == nil || onlyShape == shapeIndex {
        let ceiling = Ceiling(shape)
        for (name, masks) in [("ceiling: a+b*2 loop, masks", true), ("ceiling: a+b*2 loop, no masks", false)] {
            let seconds = measure(minTime: minTime) { ceiling.run(masks: masks) }
            let mpts = Double(shape.series / 2 * shape.points) / seconds / 1e6
            results.append((name, shape.name, mpts))
            print(pad(name, 34) + pad(shape.name, 16) + lpad(fmt(mpts, 0), 10))
        }
    }
}

// Parse + check + compile of a 100-row widget (50 metric rows, 50 expressions).
if only.map({ "parse+check".contains($0) }) ?? true {
    var rows = (0..<50).map { MathRow.metric("m\($0)", period: period) }
    let templates = [
        "m%1 + m%2 * 2", "SUM(METRICS())", "AVG(METRICS(\"m1\"))", "RATE(m%1)", "FILL(m%1, 0)", "FILL(m%1, REPEAT)",
        "RUNNING_SUM(m%1)", "IF(m%1 > 50, m%1, 0)", "SORT(METRICS(), AVG, DESC, 10)", "(m%1 - AVG(m%1)) / STDDEV(m%1)",
    ]
    for k in 0..<50 {
        let text = templates[k % templates.count].replacingOccurrences(of: "%1", with: "\(k % 50)")
            .replacingOccurrences(of: "%2", with: "\((k + 7) % 50)")
        rows.append(.expression("e\(k)", text))
    }
    var n = 0
    let seconds = measure(minTime: minTime) {
        if let p = try? MathProgram.compile(rows: rows) { n &+= p.searchCalls.count }
    }
    results.append(("parse+check 100-row widget", "100 rows", 1 / seconds))
    print(pad("parse+check 100-row widget", 34) + pad("100 rows", 16) + lpad(fmt(seconds * 1e6, 1), 10) + " µs/widget")
}

/// `x` with `decimals` digits after the point (no Foundation here).
func fmt(_ x: Double, _ decimals: Int) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let r = (x * scale).rounded()
    guard r.isFinite, abs(r) < 9e18 else { return "\(x)" }
    let i = Int64(r)
    let whole = i / Int64(scale), frac = abs(i % Int64(scale))
    if decimals == 0 { return "\(whole)" }
    let f = String(frac)
    return "\(whole)." + String(repeating: "0", count: decimals - f.count) + f
}

func lpad(_ s: String, _ w: Int) -> String { s.count >= w ? s : String(repeating: " ", count: w - s.count) + s }

func pad(_ s: String, _ w: Int) -> String { s.count >= w ? s + " " : s + String(repeating: " ", count: w - s.count) }

extension String {
    func replacingOccurrences(of a: String, with b: String) -> String { split(separator: a, omittingEmptySubsequences: false).joined(separator: b) }
}

if let jsonPath {
    var json = "[\n"
    json += results.map { "  {\"case\": \"\($0.caseName)\", \"shape\": \"\($0.shape)\", \"value\": \($0.mpts)}" }.joined(separator: ",\n")
    json += "\n]\n"
    if let f = fopen(jsonPath, "w") {
        fputs(json, f)
        fclose(f)
    }
}
