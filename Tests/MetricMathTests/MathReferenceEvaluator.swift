import ChartCore
import ChartTestSupport
import MetricMath
#if canImport(Glibc)
import Glibc
#endif

/// A deliberately simple evaluator written straight from metric-math.md, for checking the
/// fast one: series are dictionaries timestamp → value, every function is a few lines, and
/// nothing is shared with the engine except the bucket grids the caller supplies.
struct RefSeries: Equatable {
    var points: [Int64: Double] = [:]
    var period: Int
}

enum RefValue {
    case scalar(Double?)
    case series(RefSeries)
    case array([RefSeries])
}

/// An expression tree built by the generator: rendered to text for the engine, evaluated
/// directly by the reference (so the reference does not depend on the engine's parser).
indirect enum RefExpr {
    case number(Double)
    case id(String)
    case keyword(String)
    case string(String)
    case negate(RefExpr)
    case binary(String, RefExpr, RefExpr)
    case call(String, [RefExpr])
    case array([RefExpr])

    var text: String {
        switch self {
        case .number(let v): return v < 0 ? "(\(formatNumber(v)))" : formatNumber(v)
        case .id(let s), .keyword(let s): return s
        case .string(let s): return "'\(s)'"
        case .negate(let e): return "(-(\(e.text)))"
        case .binary(let op, let a, let b): return "(\(a.text) \(op) \(b.text))"
        case .call(let f, let args): return "\(f)(\(args.map(\.text).joined(separator: ", ")))"
        case .array(let e): return "[\(e.map(\.text).joined(separator: ", "))]"
        }
    }
}

func formatNumber(_ v: Double) -> String {
    if v == v.rounded(), Swift.abs(v) < 1e15 { return String(Int64(v)) }
    return "\(v)"
}

struct ReferenceEvaluator {
    var metrics: [(id: String, series: RefSeries)]
    /// Bucket starts of a period's grid (the same closure the engine gets).
    var grid: (Int) -> [Int64]
    var defaultPeriod: Int
    /// TIME_SERIES period of the row: the smallest period of the metric rows it uses.
    var rowPeriod: Int

    func metric(_ id: String) -> RefSeries { metrics.first { $0.id == id }!.series }

    func eval(_ e: RefExpr) -> RefValue {
        switch e {
        case .number(let v): return .scalar(v)
        case .id(let id): return .series(metric(id))
        case .keyword, .string: fatalError("not a value")
        case .negate(let a): return unary(eval(a)) { -$0 }
        case .binary(let op, let a, let b): return binary(op, eval(a), eval(b))
        case .array(let elements):
            var out: [RefSeries] = []
            for el in elements {
                switch eval(el) {
                case .series(let s): out.append(s)
                case .array(let a): out += a
                case .scalar: fatalError("scalar in array")
                }
            }
            return .array(out)
        case .call(let f, let args): return call(f, args)
        }
    }

    static func finite(_ x: Double) -> Double? { x.isFinite ? x : nil }

    static func op(_ op: String, _ x: Double, _ y: Double) -> Double {
        switch op {
        case "+": return x + y
        case "-": return x - y
        case "*": return x * y
        case "/": return x / y
        case "^": return pow(x, y)
        case "==": return x == y ? 1 : 0
        case "!=": return x != y ? 1 : 0
        case "<": return x < y ? 1 : 0
        case "<=": return x <= y ? 1 : 0
        case ">": return x > y ? 1 : 0
        case ">=": return x >= y ? 1 : 0
        case "AND": return (x != 0 && y != 0) ? 1 : 0
        case "OR": return (x != 0 || y != 0) ? 1 : 0
        default: fatalError(op)
        }
    }

    /// §5: S∘S; TS∘S keeps the TS's timestamps; TS∘TS over the union with missing = 0;
    /// arrays member-wise (pairwise for two arrays); NaN/Inf points dropped.
    func binary(_ o: String, _ a: RefValue, _ b: RefValue) -> RefValue {
        func seriesOp(_ x: RefSeries, _ y: RefSeries) -> RefSeries {
            var out = RefSeries(period: min(x.period, y.period))
            for t in Set(x.points.keys).union(y.points.keys) {
                if let r = ReferenceEvaluator.finite(ReferenceEvaluator.op(o, x.points[t] ?? 0, y.points[t] ?? 0)) { out.points[t] = r }
            }
            return out
        }
        func withScalar(_ x: RefSeries, _ s: Double?, scalarLeft: Bool) -> RefSeries {
            var out = RefSeries(period: x.period)
            guard let s else { return out }
            for (t, v) in x.points {
                let r = scalarLeft ? ReferenceEvaluator.op(o, s, v) : ReferenceEvaluator.op(o, v, s)
                if let r = ReferenceEvaluator.finite(r) { out.points[t] = r }
            }
            return out
        }
        switch (a, b) {
        case let (.scalar(x), .scalar(y)):
            guard let x, let y else { return .scalar(nil) }
            return .scalar(ReferenceEvaluator.finite(ReferenceEvaluator.op(o, x, y)))
        case let (.series(x), .series(y)): return .series(seriesOp(x, y))
        case let (.series(x), .scalar(s)): return .series(withScalar(x, s, scalarLeft: false))
        case let (.scalar(s), .series(y)): return .series(withScalar(y, s, scalarLeft: true))
        case let (.array(xs), .array(ys)): return .array(zip(xs, ys).map { seriesOp($0, $1) })
        case let (.array(xs), .series(y)): return .array(xs.map { seriesOp($0, y) })
        case let (.series(x), .array(ys)): return .array(ys.map { seriesOp(x, $0) })
        case let (.array(xs), .scalar(s)): return .array(xs.map { withScalar($0, s, scalarLeft: false) })
        case let (.scalar(s), .array(ys)): return .array(ys.map { withScalar($0, s, scalarLeft: true) })
        }
    }

    func unary(_ v: RefValue, _ f: (Double) -> Double) -> RefValue {
        func one(_ s: RefSeries) -> RefSeries {
            var out = RefSeries(period: s.period)
            for (t, x) in s.points { if let r = ReferenceEvaluator.finite(f(x)) { out.points[t] = r } }
            return out
        }
        switch v {
        case .scalar(let s): return .scalar(s.flatMap { ReferenceEvaluator.finite(f($0)) })
        case .series(let s): return .series(one(s))
        case .array(let a): return .array(a.map(one))
        }
    }

    func memberwise(_ v: RefValue, _ f: (RefSeries) -> RefSeries) -> RefValue {
        switch v {
        case .series(let s): return .series(f(s))
        case .array(let a): return .array(a.map(f))
        case .scalar: fatalError("scalar")
        }
    }

    func series(_ v: RefValue) -> RefSeries {
        switch v {
        case .series(let s): return s
        case .array(let a) where a.count == 1: return a[0]
        default: fatalError("not a series")
        }
    }

    func array(_ v: RefValue) -> [RefSeries] {
        if case .array(let a) = v { return a }
        fatalError("not an array")
    }

    func scalar(_ v: RefValue) -> Double? {
        if case .scalar(let s) = v { return s }
        fatalError("not a scalar")
    }

    /// §6.1 over the points of one series.
    func reduce(_ f: String, _ s: RefSeries) -> Double? {
        let values = s.points.keys.sorted().map { s.points[$0]! }
        switch f {
        case "SUM": return values.reduce(0, +)
        case "DATAPOINT_COUNT": return Double(values.count)
        case "AVG": return values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
        case "MAX": return values.max()
        case "MIN": return values.min()
        case "STDDEV":
            guard !values.isEmpty else { return nil }
            let mean = values.reduce(0, +) / Double(values.count)
            return (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)).squareRoot()
        default: fatalError(f)
        }
    }

    /// §6.2 across the members of an array, at the union of their timestamps.
    func reduceArray(_ f: String, _ members: [RefSeries]) -> RefSeries {
        var out = RefSeries(period: members.map(\.period).min() ?? defaultPeriod)
        let times = members.reduce(into: Set<Int64>()) { $0.formUnion($1.points.keys) }
        for t in times {
            let present = members.compactMap { $0.points[t] }
            let sum = present.reduce(0, +)
            let r: Double
            switch f {
            case "SUM": r = sum
            case "AVG": r = sum / Double(members.count)
            case "MAX": r = present.max()!
            case "MIN": r = present.min()!
            case "DATAPOINT_COUNT": r = Double(present.count)
            case "STDDEV":
                let mean = sum / Double(present.count)
                r = (present.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(present.count)).squareRoot()
            default: fatalError(f)
            }
            if let r = ReferenceEvaluator.finite(r) { out.points[t] = r }
        }
        return out
    }

    func call(_ f: String, _ args: [RefExpr]) -> RefValue {
        let values = args.map { a -> RefValue? in
            switch a {
            case .keyword, .string: return nil
            default: return eval(a)
            }
        }
        switch f {
        case "ABS": return unary(values[0]!) { Swift.abs($0) }
        case "CEIL": return unary(values[0]!) { $0.rounded(.up) }
        case "FLOOR": return unary(values[0]!) { $0.rounded(.down) }
        case "LOG": return unary(values[0]!) { log($0) }
        case "LOG10": return unary(values[0]!) { log10($0) }
        case "SUM", "AVG", "MAX", "MIN", "STDDEV", "DATAPOINT_COUNT":
            switch values[0]! {
            case .series(let s): return .scalar(reduce(f, s))
            case .array(let a): return .series(reduceArray(f, a))
            case .scalar: fatalError()
            }
        case "METRICS":
            var filter: String?
            if case .string(let s)? = args.first { filter = s }
            return .array(metrics.filter { filter.map($0.id.contains) ?? true }.map(\.series))
        case "METRIC_COUNT": return .scalar(Double(array(values[0]!).count))
        case "FIRST": return .series(array(values[0]!).first ?? RefSeries(period: defaultPeriod))
        case "LAST": return .series(array(values[0]!).last ?? RefSeries(period: defaultPeriod))
        case "REMOVE_EMPTY": return .array(array(values[0]!).filter { !$0.points.isEmpty })
        case "PERIOD":
            guard case .id(let id) = args[0] else { fatalError() }
            return .scalar(Double(metric(id).period))
        case "TIME_SERIES":
            var out = RefSeries(period: rowPeriod)
            if let v = scalar(values[0]!) { for t in grid(rowPeriod) { out.points[t] = v } }
            return .series(out)
        case "DIFF", "DIFF_TIME", "RATE", "RUNNING_SUM":
            return memberwise(values[0]!) { s in
                var out = RefSeries(period: s.period)
                let times = s.points.keys.sorted()
                var total = 0.0
                for (i, t) in times.enumerated() {
                    let v = s.points[t]!
                    if f == "RUNNING_SUM" { total += v; out.points[t] = total; continue }
                    guard i > 0 else { continue }
                    let pt = times[i - 1], pv = s.points[pt]!
                    let r = f == "DIFF" ? v - pv : f == "DIFF_TIME" ? Double(t - pt) : (v - pv) / Double(t - pt)
                    if let r = ReferenceEvaluator.finite(r) { out.points[t] = r }
                }
                return out
            }
        case "FILL":
            return memberwise(values[0]!) { s in fill(s, args[1], values[1]) }
        case "MINUTE", "HOUR", "DAY", "EPOCH":
            let s = series(values[0]!)
            var out = RefSeries(period: s.period)
            for t in grid(s.period) {
                let c = CivilTime(epoch: t)
                out.points[t] = Double(f == "MINUTE" ? c.minute : f == "HOUR" ? c.hour : f == "DAY" ? c.weekday : Int(t))
            }
            return .series(out)
        case "IF": return ifFunction(values.map { $0! })
        case "SORT":
            let members = array(values[0]!)
            guard case .keyword(let fn) = args[1], case .keyword(let order) = args[2] else { fatalError() }
            let keys = members.map { $0.points.isEmpty ? nil : reduce(fn, $0) }
            let sorted = members.indices.sorted { a, b in
                switch (keys[a], keys[b]) {
                case let (x?, y?): return x == y ? a < b : (order == "DESC" ? x > y : x < y)
                case (.some, nil): return true
                case (nil, .some): return false
                case (nil, nil): return a < b
                }
            }
            var keep = sorted.count
            if args.count > 3, let n = scalar(values[3]!) { keep = min(keep, Int(n.rounded(.down))) }
            return .array(sorted.prefix(keep).map { members[$0] })
        case "SLICE":
            let members = array(values[0]!)
            guard let a = scalar(values[1]!) else { return .array([]) }
            let b = args.count > 2 ? scalar(values[2]!) : Double(members.count)
            guard let b else { return .array([]) }
            let lo = max(0, min(members.count, Int(max(-1e9, min(1e9, a.rounded(.down))))))
            let hi = max(0, min(members.count, Int(max(-1e9, min(1e9, b.rounded(.down))))))
            return .array(lo < hi ? Array(members[lo..<hi]) : [])
        default: fatalError("reference: \(f)")
        }
    }

    /// §8 on the grid of the series' own period.
    func fill(_ s: RefSeries, _ filler: RefExpr, _ fillerValue: RefValue?) -> RefSeries {
        var out = s
        let g = grid(s.period)
        let real = s.points.keys.sorted()
        for t in g where s.points[t] == nil {
            switch filler {
            case .keyword("REPEAT"):
                if let prev = real.last(where: { $0 < t }) { out.points[t] = s.points[prev] }
            case .keyword("LINEAR"):
                if let prev = real.last(where: { $0 < t }), let next = real.first(where: { $0 > t }) {
                    let v0 = s.points[prev]!, v1 = s.points[next]!
                    let slope = (v1 - v0) / (Double(next) - Double(prev))
                    out.points[t] = v0 + slope * (Double(t) - Double(prev))
                }
            default:
                switch fillerValue! {
                case .scalar(let v): if let v { out.points[t] = v }
                case let other: if let v = series(other).points[t] { out.points[t] = v }
                }
            }
        }
        return out
    }

    /// §7: series condition per timestamp; scalar condition picks a whole branch.
    func ifFunction(_ v: [RefValue]) -> RefValue {
        if let arrayIndex = v.firstIndex(where: { if case .array = $0 { return true } else { return false } }) {
            let members = array(v[arrayIndex])
            return .array(members.map { m in
                var w = v
                w[arrayIndex] = .series(m)
                return series(ifFunction(w))
            })
        }
        if case .scalar(let c) = v[0] {
            let branchPeriod = v.dropFirst().compactMap { x -> Int? in if case .series(let s) = x { return s.period } else { return nil } }.first
            func asSeries(_ x: RefValue?) -> RefValue? {
                guard let branchPeriod else { return x }
                switch x {
                case .scalar(let s)?:
                    var out = RefSeries(period: branchPeriod)
                    if let s { for t in grid(branchPeriod) { out.points[t] = s } }
                    return .series(out)
                default: return x
                }
            }
            guard let c else { return branchPeriod.map { .series(RefSeries(period: $0)) } ?? .scalar(nil) }
            if c != 0 { return asSeries(v[1])! }
            if v.count > 2 { return asSeries(v[2])! }
            return branchPeriod.map { .series(RefSeries(period: $0)) } ?? .scalar(nil)
        }
        let cond = series(v[0])
        var periods = [cond.period]
        for x in v.dropFirst() { if case .series(let s) = x { periods.append(s.period) } }
        var out = RefSeries(period: periods.min()!)
        for (t, c) in cond.points {
            if c != 0 {
                switch v[1] {
                case .series(let x): out.points[t] = x.points[t] ?? 0
                case .scalar(let s): if let s { out.points[t] = s }
                case .array: fatalError()
                }
            } else if v.count > 2 {
                switch v[2] {
                case .series(let y): if let y = y.points[t] { out.points[t] = y }
                case .scalar(let s): if let s { out.points[t] = s }
                case .array: fatalError()
                }
            }
        }
        return .series(out)
    }
}
