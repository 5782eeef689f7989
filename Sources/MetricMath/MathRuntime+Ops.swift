import ChartCore

extension MathRuntime {
    mutating func execute(_ ins: MathInstr) throws(MathRowFailure) -> MathRValue {
        switch ins.op {
        case .constant(let v):
            return .scalar(v)
        case .scalarNegate(let a):
            return .scalar(try scalar(a).map { -$0 })
        case .scalarBinary(let op, let a, let b):
            guard let x = try scalar(a), let y = try scalar(b) else { return .scalar(nil) }
            return .scalar(MathScalar.binary(op, x, y))
        case .group(let g):
            return try runGroup(g)
        case .reduce(let f, let a):
            return .scalar(reduce(f, try series(a)))
        case .reduceArray(let f, let a):
            return .series(reduceArray(f, try array(a)))
        case .sequential(let f, let a):
            return try mapSeriesMutating(a) { rt, c in rt.sequential(f, c) }
        case .fill(let a, let mode):
            return try fill(a, mode)
        case .timePart(let f, let a):
            let c = try series(a)
            return .series(timePart(f, c))
        case .timeSeries(let s, let period):
            let p = period ?? context.defaultPeriod
            guard let v = try scalar(s) else { return .series(.empty(n, period: p)) }
            return .series(constantSeries(v, period: p))
        case .first(let a):
            return .series(try array(a).first ?? .empty(n, period: context.defaultPeriod))
        case .last(let a):
            return .series(try array(a).last ?? .empty(n, period: context.defaultPeriod))
        case .removeEmpty(let a):
            return .array(try array(a).filter { !$0.isEmpty })
        case .metricCount(let a):
            return .scalar(Double(try array(a).count))
        case .slice(let a, let s, let e):
            let members = try array(a)
            guard let start = try scalar(s) else { return .array([]) }
            var end = Double(members.count)
            if let e {
                guard let v = try scalar(e) else { return .array([]) }
                end = v
            }
            return .array(Array(members[MathScalar.sliceRange(count: members.count, start: start, end: end)]))
        case .sort(let a, let key, let descending, let limit):
            return .array(try sort(try array(a), key, descending: descending, limit: limit))
        case .arrayLiteral(let elements):
            var out: [MathColumn] = []
            for e in elements { out += try array(e) }
            return .array(out)
        case .metrics(let rows):
            var out: [MathColumn] = []
            for r in rows { out.append(try series(r)) }
            return .array(out)
        case .search(let i):
            return .array(searchColumns[i] ?? [])
        case .ifScalar(let c, let a, let b):
            return try ifScalar(c, a, b)
        case .band(let a, let k, let historyRow):
            var sigmas = 2.0
            if let k {
                guard let v = try scalar(k) else { return .array([]) }
                guard v > 0 else { throw MathRowFailure(message: "ANOMALY_DETECTION_BAND needs a positive number of standard deviations") }
                sigmas = v
            }
            return .array(band(try series(a), sigmas: sigmas, historyRow: historyRow))
        case .emptySeries(let period):
            return .series(.empty(n, period: period ?? context.defaultPeriod))
        case .emptyArray(let count, let period):
            return .array(Array(repeating: .empty(n, period: period ?? context.defaultPeriod), count: count))
        }
    }

    // MARK: reductions

    /// AVG/MAX/MIN/SUM/STDDEV/DATAPOINT_COUNT of one series over its present points (§6.1):
    /// an empty series gives 0 for SUM and DATAPOINT_COUNT, *missing* for the others.
    /// `presentCount`, when the caller already knows it, saves counting the mask again.
    func reduce(_ f: MathFunction, _ c: MathColumn, presentCount: Int? = nil) -> Double? {
        let len = c.count
        let v = c.values.base, m = c.mask.base
        // Counted only by the functions that divide or report it (SUM, MAX and MIN do not).
        var count: Int { presentCount ?? c.presentCount }
        let result: Double?
        switch f {
        case .sum: result = MathKernels.sum(v, len)
        case .datapointCount: result = Double(count)
        case .avg:
            let n = count
            result = n == 0 ? nil : MathKernels.sum(v, len) / Double(n)
        case .max, .min: result = MathKernels.extreme(v, m, dense: c.dense, len, max: f == .max)
        case .stddev:
            let n = count
            if n == 0 { result = nil; break }
            let mean = MathKernels.sum(v, len) / Double(n)
            let ssd = MathKernels.sumSquaredDeviations(v, m, dense: c.dense, mean: mean, len)
            result = (ssd / Double(n)).squareRoot()
        default: result = nil
        }
        guard let r = result, r.isFinite else { return nil }
        return r
    }

    /// The same functions per timestamp across the members of an array (§6.2): output at the
    /// union of member timestamps; SUM/AVG count missing as 0 (AVG divides by the member
    /// count), MAX/MIN/STDDEV use present values only. Runs block by block so the output
    /// block stays in cache while every member streams through once.
    mutating func reduceArray(_ f: MathFunction, _ members: [MathColumn]) -> MathColumn {
        let period = members.map(\.period).min() ?? context.defaultPeriod
        guard !members.isEmpty, n > 0 else { return .empty(n, period: period) }
        let anyDense = members.contains { $0.dense }
        let values = MathBuffer<Double>(repeating: f == .max ? -.infinity : f == .min ? .infinity : 0, count: n)
        let mask = anyDense ? ones() : MathBuffer<UInt8>(repeating: 0, count: n)
        let block = 2048
        let counts = MathBuffer<Double>(repeating: 0, count: (f == .stddev || f == .datapointCount) ? n : 0)
        let squares = MathBuffer<Double>(repeating: 0, count: f == .stddev ? n : 0)
        let onesBlock = MathBuffer<UInt8>(repeating: 1, count: Swift.min(n, block))
        var lo = 0
        while lo < n {
            let len = Swift.min(block, n - lo)
            let acc = values.base + lo, mOut = mask.base + lo, cnt = counts.base + lo, sq = squares.base + lo
            for c in members {
                let v = c.values.base + lo
                let m = c.dense ? onesBlock.base : c.mask.base + lo
                switch f {
                case .sum, .avg: MathKernels.accumulate(acc, v, len)
                case .max, .min: MathKernels.accumulateExtreme(acc, v, m, dense: c.dense, len, max: f == .max)
                case .stddev:
                    MathKernels.accumulate(acc, v, len)
                    MathKernels.accumulateCount(cnt, m, len)
                default: MathKernels.accumulateCount(cnt, m, len)
                }
                if !anyDense { MathKernels.maskOr(mOut, m, mOut, len) }
            }
            switch f {
            case .avg:
                let k = Double(members.count)
                for i in 0..<len { acc[i] = acc[i] / k }
            case .max, .min:
                MathKernels.applyMask(acc, mOut, len)
            case .datapointCount:
                acc.update(from: cnt, count: len)
            case .stddev:
                for i in 0..<len { acc[i] = cnt[i] > 0 ? acc[i] / cnt[i] : 0 }  // the mean
                for c in members {
                    let m = c.dense ? onesBlock.base : c.mask.base + lo
                    MathKernels.accumulateSquaredDeviations(sq, c.values.base + lo, m, acc, len)
                }
                for i in 0..<len { acc[i] = cnt[i] > 0 ? (sq[i] / cnt[i]).squareRoot() : 0 }
            default: break
            }
            lo += len
        }
        var bound: Double
        switch f {
        case .sum: bound = members.reduce(0) { $0 + $1.bound }
        case .datapointCount: bound = Double(members.count)
        default: bound = members.map(\.bound).max() ?? 0
        }
        var col = MathColumn(values: values, mask: mask, dense: anyDense, bound: bound, period: period, origin: .computed, label: nil)
        if !(bound <= 1e300) { dropNonFinite(&col) }
        return col
    }

    /// Clears NaN/±Inf points of a freshly built column (rare: only when overflow is possible).
    func dropNonFinite(_ col: inout MathColumn) {
        col.bound = .greatestFiniteMagnitude
        guard MathKernels.hasNonFinite(col.values.base, col.count) else { return }
        if col.dense { col.mask = col.mask.copy() }
        MathKernels.dropNonFinite(col.values.base, col.mask.base, col.count)
        col.dense = false
    }

    // MARK: sequential functions

    /// DIFF, DIFF_TIME, RATE, RUNNING_SUM over the present points of one series (§6.3).
    func sequential(_ f: MathFunction, _ c: MathColumn) -> MathColumn {
        var out = c
        let len = c.count
        guard len > 0 else { return out }
        let v = c.values.base, m = c.mask.base
        let r = MathBuffer<Double>(uninitialized: len)
        switch f {
        case .runningSum:
            MathKernels.runningSum(v, m, r.base, len)
            out.bound = c.bound * Double(len)
        default:
            let rm = MathBuffer<UInt8>(uninitialized: len)
            if f == .diff {
                MathKernels.diff(v, m, r.base, rm.base, len)
            } else if grid.step > 0 {
                MathKernels.timeDiff(RegularTimes(start: grid.start, step: grid.step), v, m, r.base, rm.base, len, rate: f == .rate)
            } else {
                grid.stamps.withUnsafeBufferPointer { t in
                    MathKernels.timeDiff(ArrayTimes(base: t.baseAddress!), v, m, r.base, rm.base, len, rate: f == .rate)
                }
            }
            out.mask = rm
            out.dense = false
            let span = Double(grid.timestamp(len - 1)) - Double(grid.timestamp(0))
            out.bound = f == .diffTime ? span : 2 * c.bound
        }
        out.values = r
        if !(out.bound <= 1e300) { dropNonFinite(&out) }
        return out
    }

    // MARK: FILL

    mutating func fill(_ a: Int, _ mode: FillMode) throws(MathRowFailure) -> MathRValue {
        switch mode {
        case .scalar(let s):
            guard let v = try scalar(s) else { return try value(a) }
            return try mapSeriesMutating(a) { rt, c in rt.fill(c, scalar: v, series: nil) }
        case .series(let f):
            let filler = try series(f)
            return try mapSeriesMutating(a) { rt, c in rt.fill(c, scalar: 0, series: filler) }
        case .repeatLast, .linear:
            return try mapSeriesMutating(a) { rt, c in rt.fillGap(c, linear: mode == .linear) }
        }
    }

    /// `mapSeries` for bodies that need the runtime mutably (grid-mask cache).
    mutating func mapSeriesMutating(_ r: Int, _ body: (inout MathRuntime, MathColumn) -> MathColumn) throws(MathRowFailure) -> MathRValue {
        switch try value(r) {
        case .series(let c): return .series(body(&self, c))
        case .array(let a):
            var out: [MathColumn] = []
            out.reserveCapacity(a.count)
            for c in a { out.append(body(&self, c)) }
            return .array(out)
        default: throw MathRowFailure(message: "Expected a time series")
        }
    }

    /// FILL with a scalar or a series: every missing bucket of the series' own grid (§8).
    mutating func fill(_ c: MathColumn, scalar: Double, series filler: MathColumn?) -> MathColumn {
        if c.dense || n == 0 { return c }
        let g = gridMask(c.period)
        var out = c
        let r = MathBuffer<Double>(uninitialized: n)
        if filler == nil && g == nil {
            MathKernels.fillScalarEverywhere(c.values.base, c.mask.base, scalar, r.base, n)
            out.mask = ones(); out.dense = true
        } else {
            let rm = MathBuffer<UInt8>(uninitialized: n)
            MathKernels.fill(c.values.base, c.mask.base, filler?.values.base, scalar,
                             filler.flatMap { $0.dense ? nil : $0.mask.base }, g?.base, r.base, rm.base, n)
            out.mask = rm; out.dense = false
        }
        out.values = r
        out.bound = Swift.max(c.bound, filler?.bound ?? Swift.abs(scalar))
        return out
    }

    /// FILL(x, REPEAT) / FILL(x, LINEAR).
    mutating func fillGap(_ c: MathColumn, linear: Bool) -> MathColumn {
        if c.dense || n == 0 { return c }
        let g = gridMask(c.period)
        var out = c
        if linear {
            let r = c.values.copy(), rm = c.mask.copy()
            if grid.step > 0 {
                MathKernels.fillLinear(RegularTimes(start: grid.start, step: grid.step), c.mask.base, g?.base, r.base, rm.base, n)
            } else {
                grid.stamps.withUnsafeBufferPointer { t in
                    MathKernels.fillLinear(ArrayTimes(base: t.baseAddress!), c.mask.base, g?.base, r.base, rm.base, n)
                }
            }
            out.values = r; out.mask = rm
        } else {
            let r = MathBuffer<Double>(uninitialized: n), rm = MathBuffer<UInt8>(uninitialized: n)
            MathKernels.fillRepeat(c.values.base, c.mask.base, g?.base, r.base, rm.base, n)
            out.values = r; out.mask = rm
        }
        out.dense = false
        return out
    }

    // MARK: grid-generated series

    /// The scalar `v` at every bucket of `period`'s grid.
    mutating func constantSeries(_ v: Double, period: Int, origin: MathSeriesOrigin = .computed) -> MathColumn {
        let values = MathBuffer<Double>(repeating: v, count: n)
        if let g = gridMask(period) {
            MathKernels.applyMask(values.base, g.base, n)
            return MathColumn(values: values, mask: g, dense: false, bound: Swift.abs(v), period: period, origin: origin, label: nil)
        }
        return MathColumn(values: values, mask: ones(), dense: n > 0, bound: Swift.abs(v), period: period, origin: origin, label: nil)
    }

    /// MINUTE, HOUR, DAY (1 = Monday), DATE, MONTH, YEAR, EPOCH of every bucket of the
    /// series' grid, in UTC (§9).
    mutating func timePart(_ f: MathFunction, _ c: MathColumn) -> MathColumn {
        let g = gridMask(c.period)
        let values = MathBuffer<Double>(repeating: 0, count: n)
        var cachedDay = Int64.min
        var civil = (0, 0, 0)
        var bound = 0.0
        for i in 0..<n where g.map({ $0[i] != 0 }) ?? true {
            let t = grid.timestamp(i)
            let day = floorDiv(t, 86_400)
            let secs = t - day * 86_400
            let x: Double
            switch f {
            case .minute: x = Double((secs % 3600) / 60)
            case .hour: x = Double(secs / 3600)
            case .day: x = Double(((day % 7) + 7 + 3) % 7 + 1)
            case .epoch: x = Double(t)
            default:
                if day != cachedDay { civil = CivilTime.civilFromDays(day); cachedDay = day }
                x = Double(f == .date ? civil.2 : f == .month ? civil.1 : civil.0)
            }
            values.base[i] = x
            bound = Swift.max(bound, Swift.abs(x))
        }
        return MathColumn(values: values, mask: g ?? ones(), dense: g == nil && n > 0, bound: bound,
                          period: c.period, origin: .computed, label: nil)
    }

    // MARK: arrays

    /// SORT (§6.4): by AVG/MIN/MAX/SUM of each member's present points; stable; members
    /// without points go last in both orders; an optional limit keeps the first N.
    func sort(_ members: [MathColumn], _ key: MathFunction, descending: Bool, limit: Int?) throws(MathRowFailure) -> [MathColumn] {
        var keep = members.count
        if let limit {
            guard let l = try scalar(limit) else { throw MathRowFailure(message: "The SORT limit is missing") }
            let f = l.rounded(.down)
            guard f >= 1 else { throw MathRowFailure(message: "The SORT limit must be a positive integer") }
            keep = f >= Double(members.count) ? members.count : Int(f)
        }
        let keys: [Double?] = members.map { c in
            let count = c.presentCount  // counted once: it decides emptiness and feeds AVG
            return count == 0 ? nil : reduce(key, c, presentCount: count)
        }
        let order = members.indices.sorted { a, b in
            switch (keys[a], keys[b]) {
            case let (x?, y?): return x == y ? a < b : (descending ? x > y : x < y)
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return a < b
            }
        }
        return order.prefix(keep).map { members[$0] }
    }

    /// IF with a scalar condition (§7.3): the whole of one branch; a scalar branch facing a
    /// series branch becomes a constant series on that series' grid.
    mutating func ifScalar(_ c: Int, _ a: Int, _ b: Int?) throws(MathRowFailure) -> MathRValue {
        let cond = try scalar(c)
        let va = try value(a)
        let vb = try b.map { (r: Int) throws(MathRowFailure) in try value(r) }
        if case .scalar(let x) = va, vb == nil || vb!.isScalar {
            guard let cond else { return .scalar(nil) }
            if cond != 0 { return .scalar(x) }
            if case .scalar(let y)? = vb { return .scalar(y) }
            return .scalar(nil)
        }
        // Shape of the result: the array branch (member-wise) or a single series.
        let template: [MathColumn]
        let isArray: Bool
        switch (va, vb) {
        case (.array(let m), _): template = m; isArray = true
        case (_, .array(let m)?): template = m; isArray = true
        case (.series(let s), _): template = [s]; isArray = false
        case (_, .series(let s)?): template = [s]; isArray = false
        default: throw MathRowFailure(message: "Invalid IF arguments")
        }
        func branch(_ v: MathRValue?, _ j: Int, _ shape: MathColumn) -> MathColumn {
            switch v {
            case .series(let s)?: return s
            case .array(let m)?: return m[j]
            case .scalar(let x?)?: return constantSeries(x, period: shape.period)
            default: return .empty(n, period: shape.period, origin: shape.origin)
            }
        }
        var out: [MathColumn] = []
        for (j, shape) in template.enumerated() {
            guard let cond else { out.append(.empty(n, period: shape.period, origin: shape.origin)); continue }
            out.append(branch(cond != 0 ? va : vb, j, shape))
        }
        return isArray ? .array(out) : .series(out[0])
    }

    // MARK: ANOMALY_DETECTION_BAND

    /// The §12 stand-in model: for every bucket of the series' grid, mean ± k·σ (population)
    /// of the values at the same time of day on the preceding 1…14 days (history input plus
    /// the displayed data); with fewer than 3 such values, mean ± k·σ of the whole displayed
    /// series. Returns [upper, lower].
    mutating func band(_ c: MathColumn, sigmas: Double, historyRow: Int?) -> [MathColumn] {
        let g = gridMask(c.period)
        var known: [Int64: Double] = [:]
        if let historyRow, let h = inputs.history[program.request.rows[historyRow].id] {
            for (t, v) in MathRuntime.points(of: h) where v.isFinite { known[t] = v }
        }
        for i in 0..<n where c.dense || c.mask[i] != 0 { known[grid.timestamp(i)] = c.values[i] }
        let count = c.presentCount
        var globalMean = 0.0, globalSigma = 0.0
        if count > 0, let m = reduce(.avg, c, presentCount: count), let s = reduce(.stddev, c, presentCount: count) {
            globalMean = m; globalSigma = s
        }
        var upper = [Double](repeating: 0, count: n), lower = [Double](repeating: 0, count: n)
        var mask = [UInt8](repeating: 0, count: n)
        var window: [Double] = []
        for i in 0..<n where g.map({ $0[i] != 0 }) ?? true {
            let t = grid.timestamp(i)
            window.removeAll(keepingCapacity: true)
            for d in 1...14 {
                if let v = known[t - Int64(d) * 86_400] { window.append(v) }
            }
            var mean = globalMean, sigma = globalSigma
            if window.count >= 3 {
                mean = window.reduce(0, +) / Double(window.count)
                sigma = (window.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(window.count)).squareRoot()
            } else if count == 0 {
                continue
            }
            let hi = mean + sigmas * sigma, lo = mean - sigmas * sigma
            guard hi.isFinite, lo.isFinite else { continue }
            upper[i] = hi; lower[i] = lo; mask[i] = 1
        }
        let bound = Swift.max(upper.reduce(0) { Swift.max($0, Swift.abs($1)) }, lower.reduce(0) { Swift.max($0, Swift.abs($1)) })
        return [
            MathColumn(values: MathBuffer(upper), mask: MathBuffer(mask), dense: false, bound: bound, period: c.period,
                       origin: .anomalyBand(source: c.origin, upper: true), label: c.label),
            MathColumn(values: MathBuffer(lower), mask: MathBuffer(mask), dense: false, bound: bound, period: c.period,
                       origin: .anomalyBand(source: c.origin, upper: false), label: c.label),
        ]
    }

    /// The finite points of an input, in any order.
    static func points(of input: MathSeriesInput) -> [(Int64, Double)] {
        let p = Int64(input.period)
        switch input.storage {
        case .points(let ts, let vs): return Array(zip(ts, vs))
        case .dense(let s, let vs): return vs.enumerated().map { (s + Int64($0) * p, $1) }
        case .masked(let s, let vs, let m, _, _):
            return (0..<vs.count).filter { m[$0] != 0 }.map { (s + Int64($0) * p, vs[$0]) }
        }
    }
}

extension MathRValue {
    var isScalar: Bool { if case .scalar = self { return true } else { return false } }
}

