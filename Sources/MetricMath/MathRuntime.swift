import ChartCore

/// A register's content during evaluation.
///
/// A series is boxed (`indirect`): registers are copied and destroyed far more often than
/// series are produced, and a boxed column copies with one reference count instead of one
/// per buffer and string inside.
enum MathRValue: Sendable {
    case none
    case scalar(Double?)
    indirect case series(MathColumn)
    /// A metric row's input: column `k` of `MathRuntime.inputColumns`. Held there, in one
    /// array, rather than boxed one by one (a box per input per evaluation was about a tenth
    /// of a 100-input evaluation's bookkeeping). `value(_:)` hands it out as `.series`, so
    /// only the register accessors and the element-wise groups ever see this case.
    case input(Int)
    case array([MathColumn])
    /// The row that produces this register failed; reading it fails the reader's row.
    case failed(String)
}

/// Why one row could not be evaluated (run-time, not a type error).
struct MathRowFailure: Error {
    var message: String
}

/// One evaluation of a `MathProgram`: builds the shared grid, loads inputs into columns and
/// runs the rows' instructions in dependency order.
struct MathRuntime {
    let program: MathProgram
    let inputs: MathInputs
    let context: MathContext
    var grid = MathTimeGrid.regular(start: 0, step: 1, count: 0)
    var regs: [MathRValue]
    /// The metric rows' input columns (see `MathRValue.input`).
    var inputColumns: [MathColumn] = []
    /// Per period: the slots of the grid that are buckets of that period (nil: every slot).
    var gridMasks: [Int: MathBuffer<UInt8>?] = [:]
    var onesStorage: MathBuffer<UInt8>?
    /// Deferred group members (see `EWPendingJob`), their plans and operands, and register
    /// values released while they were pending.
    var pendingJobs: [EWPendingJob] = []
    var pendingPlans: [EWPlan] = []
    var pendingColumns: [EWColumn?] = []
    var keepAlive: [MathRValue] = []
    var scratch = EWScratch()
    var searchColumns: [Int: [MathColumn]] = [:]
    var searchTruncated: Set<Int> = []

    init(program: MathProgram, inputs: MathInputs, context: MathContext) {
        self.program = program; self.inputs = inputs; self.context = context
        // Written in place: `Array(repeating:count:)` copies its value through the generic
        // enum copy, with a retain call per register, several hundred per evaluation.
        let count = program.registerCount
        regs = [MathRValue](unsafeUninitializedCapacity: count) { buffer, initialized in
            guard let base = buffer.baseAddress else { initialized = 0; return }
            for i in 0..<count { (base + i).initialize(to: .none) }
            initialized = count
        }
    }

    var n: Int { grid.count }

    /// A full-length all-ones mask (shared by every dense column of this evaluation).
    mutating func ones() -> MathBuffer<UInt8> {
        if let o = onesStorage, o.count == n { return o }
        let o = MathBuffer<UInt8>(repeating: 1, count: n)
        onesStorage = o
        return o
    }

    // MARK: run

    mutating func run() -> MathResults {
        let rows = program.request.rows
        // Per row: its status once evaluated (plain data), and the messages of the few rows
        // that have one.
        var status = [DataStatus?](repeating: nil, count: rows.count)
        var messages: [Int: String] = [:]
        pendingJobs.reserveCapacity(program.resultRows.count)
        pendingPlans.reserveCapacity(2 * program.resultRows.count)
        pendingColumns.reserveCapacity(2 * program.resultRows.count)
        do {
            try prepare()
        } catch {
            return results(failAll: error.message)
        }
        for rp in program.rowPrograms {
            var partial = rp.searchCallIndices.contains { searchTruncated.contains($0) }
            partial = partial || rp.rowDependencies.contains { status[$0] == .partialData }
            do throws(MathRowFailure) {
                if let failed = rp.rowDependencies.first(where: { status[$0] == .internalError }) {
                    throw MathRowFailure(message: "It uses \(rows[failed].id), which could not be evaluated")
                }
                for (k, ins) in rp.instructions.enumerated() {
                    if !ins.op.leavesValuesUnread { flushPending() }
                    regs[ins.dst] = try execute(ins)
                    for r in rp.release[k] { releaseRegister(r) }
                }
                if case .scalar = regs[rp.result] {
                    throw MathRowFailure(message: "The expression must produce a time series or an array of time series")
                }
                status[rp.row] = partial ? .partialData : .complete
                if partial {
                    messages[rp.row] = "SEARCH matched more than \(MathLimits.maxSearchSeries) time series; only the first \(MathLimits.maxSearchSeries) are used"
                }
            } catch {
                status[rp.row] = .internalError
                messages[rp.row] = error.message
                if rp.ownsResult { regs[rp.result] = .failed(rows[rp.row].id) }
                for ins in rp.instructions where regs[ins.dst].isFilled && ins.dst != rp.result { releaseRegister(ins.dst) }
            }
        }
        var out: [MathRowResult] = []
        out.reserveCapacity(program.resultRows.count)
        for (i, resultReg) in program.resultRows {
            let st = status[i] ?? .internalError
            let message = status[i] == nil ? "not evaluated" : messages[i]
            let value: MathValue?
            switch regs[resultReg] {
            case .series(let c) where st != .internalError: value = .series(MathSeries(c, grid: grid))
            case .input(let k) where st != .internalError: value = .series(MathSeries(inputColumns[k], grid: grid))
            case .array(let cs) where st != .internalError: value = .array(cs.map { MathSeries($0, grid: grid) })
            default: value = nil
            }
            out.append(MathRowResult(id: rows[i].id, status: st, message: message, value: value))
        }
        // Wrapping columns into results reads no values; the deferred arithmetic runs last,
        // once every row's bookkeeping is done.
        flushPending()
        return MathResults(rows: out, index: program.resultIndex)
    }

    private func results(failAll message: String) -> MathResults {
        var out: [MathRowResult] = []
        var index: [String: Int] = [:]
        for row in program.request.rows {
            if case .metric = row.content { continue }
            index[row.id] = out.count
            out.append(MathRowResult(id: row.id, status: .internalError, message: message, value: nil))
        }
        return MathResults(rows: out, index: index)
    }

    // MARK: inputs and grid

    /// What the grid needs to know about one input (its timestamps), without copying the
    /// input itself.
    enum GridSource {
        /// `count` slots at `start + k·period`.
        case regular(start: Int64, period: Int64, count: Int)
        /// Explicit timestamps (non-empty) of an input with this period.
        case sparse([Int64], period: Int)

        init?(_ input: MathSeriesInput) {
            switch input.storage {
            case .points(let ts, _):
                guard !ts.isEmpty else { return nil }
                self = .sparse(ts, period: input.period)
            case .dense(let s, let v):
                guard !v.isEmpty, input.period > 0 else { return nil }
                self = .regular(start: s, period: Int64(input.period), count: v.count)
            case .masked(let s, let v, _, _, _):
                guard v.count > 0, input.period > 0 else { return nil }
                self = .regular(start: s, period: Int64(input.period), count: v.count)
            }
        }

        var slotCount: Int {
            switch self {
            case .regular(_, _, let c): return c
            case .sparse(let ts, _): return ts.count
            }
        }
    }

    /// Builds the grid and loads every input column into its register.
    ///
    /// Inputs are looked up once and never copied (a 100-metric widget is re-evaluated on
    /// every render, so per-input bookkeeping shows up next to the arithmetic).
    mutating func prepare() throws(MathRowFailure) {
        if prepareUniform() { return }
        let metricPeriods = program.metricPeriods
        // Positions in the dictionary (plain data), so each id is hashed once and no input
        // is copied into a temporary array.
        let metricIndex = program.metricIds.map { inputs.metrics.index(forKey: $0) }
        func metricInput(_ j: Int) -> MathSeriesInput? { metricIndex[j].map { inputs.metrics.values[$0] } }
        var searches: [(call: Int, series: [MathSeriesInput])] = []
        var total = 0
        for call in program.searchCalls {
            var series = inputs.searchResults[call.index] ?? []
            let room = Swift.max(0, MathLimits.maxSearchSeries - total)
            if series.count > room {
                series = Array(series.prefix(room))
                searchTruncated.insert(call.index)
            }
            total += series.count
            searches.append((call.index, series))
        }
        let insights = program.insightsRows.map { (row: $0.row, id: $0.id, series: inputs.insightsResults[$0.id] ?? []) }
        // One pass over every input: the grid's sources and, when a function needs the
        // bucket grids, their periods.
        var sources: [GridSource] = []
        sources.reserveCapacity(metricIndex.count)
        var periods: Set<Int> = []
        let usesGrid = program.usesGrid
        for j in metricIndex.indices {
            let input = metricInput(j)
            let period = input?.period ?? metricPeriods[j]
            if usesGrid, period > 0 { periods.insert(period) }
            if let input, let s = GridSource(input) { sources.append(s) }
        }
        for list in searches.map(\.series) + insights.map(\.series) {
            for input in list {
                if usesGrid && input.period > 0 { periods.insert(input.period) }
                if let s = GridSource(input) { sources.append(s) }
            }
        }
        if usesGrid {
            periods.formUnion(program.staticGridPeriods)
            // The default period also labels empty results (FIRST of an empty array, a
            // reduction of no members), which FILL/TIME_SERIES may then fill.
            periods.insert(context.defaultPeriod)
        }
        grid = try MathRuntime.buildGrid(sources, periods.sorted().map { context.grid($0) })
        sources = []
        let metricRowIndex = program.metricRowIndex, metricOrigins = program.metricOrigins
        inputColumns.removeAll(keepingCapacity: true)
        inputColumns.reserveCapacity(metricIndex.count)
        for j in metricIndex.indices {
            let input = metricInput(j)
            inputColumns.append(load(input, period: input?.period ?? metricPeriods[j], origin: metricOrigins[j]))
            regs[metricRowIndex[j]] = .input(j)
        }
        for (call, series) in searches {
            searchColumns[call] = series.enumerated().map {
                load($1, period: $1.period, origin: .search(call: call, result: $0))
            }
        }
        for (row, id, series) in insights {
            regs[row] = .array(series.enumerated().map {
                load($1, period: $1.period, origin: .insights(row: id, result: $0))
            })
        }
    }

    /// `prepare` for the usual case, in one pass: every metric row's input is in the engine's
    /// layout (`MathSeriesInput(period:gridStart:values:present:)`) on one and the same grid,
    /// and the program has no SEARCH, Insights row or function that needs bucket grids. The
    /// grid is then that grid, and each input's buffers become its column as they are.
    /// Returns false for anything else; the general path then starts again, refilling
    /// `inputColumns` and every metric register this may have written. Same result as the
    /// general path; each input is looked up once and no grid sources are collected.
    private mutating func prepareUniform() -> Bool {
        guard program.searchCalls.isEmpty, program.insightsRows.isEmpty, !program.usesGrid else { return false }
        let ids = program.metricIds, rowIndex = program.metricRowIndex, origins = program.metricOrigins
        var start: Int64 = 0, period = 0, count = 0
        inputColumns.reserveCapacity(ids.count)
        for j in ids.indices {
            guard let input = inputs.metrics[ids[j]],
                  case .masked(let s, let values, let mask, let bound, let dense) = input.storage,
                  input.period > 0, values.count > 0 else { return false }
            if j == 0 {
                start = s; period = input.period; count = values.count
            } else if s != start || input.period != period || values.count != count {
                return false
            }
            inputColumns.append(MathColumn(values: values, mask: mask, dense: dense, bound: bound, period: period,
                                           origin: origins[j], label: input.label))
            regs[rowIndex[j]] = .input(j)
        }
        // The general path's limit on the inputs' total slots.
        let total = count.multipliedReportingOverflow(by: ids.count)
        guard !ids.isEmpty, !total.overflow, total.partialValue <= MathLimits.maxGridPoints else { return false }
        // The last timestamp must be representable (the general path makes such a grid irregular).
        let span = Int64(count - 1).multipliedReportingOverflow(by: Int64(period))
        guard !span.overflow, !start.addingReportingOverflow(span.partialValue).overflow else { return false }
        grid = .regular(start: start, step: Int64(period), count: count)
        return true
    }

    /// The union of the inputs' timestamps and the requested bucket grids (metric-math.md
    /// §4: TS∘TS uses the union; mixed periods simply contribute both sets). When everything
    /// lies on one regular grid — the usual case — no timestamp array is built.
    static func buildGrid(_ inputs: [GridSource], _ grids: [MathGrid]) throws(MathRowFailure) -> MathTimeGrid {
        let limit = MathLimits.maxGridPoints
        var total = 0
        for g in grids where g.count > 0 {
            total += g.count
            if g.count > limit || total > limit { throw tooLarge() }
        }
        var regular: [(start: Int64, period: Int64, count: Int)] = grids.filter { $0.count > 0 && $0.period > 0 }
            .map { ($0.start, Int64($0.period), $0.count) }
        var sparse: [[Int64]] = []
        var firstSparsePeriod: Int?
        for input in inputs {
            total += input.slotCount
            if total > limit { throw tooLarge() }
            switch input {
            case .sparse(let ts, let period):
                sparse.append(ts)
                if firstSparsePeriod == nil { firstSparsePeriod = period }
            case .regular(let s, let period, let count):
                regular.append((s, period, count))
            }
        }
        // Candidate regular grid: the first regular source, else the first sparse input's period.
        var step: Int64 = 0, origin: Int64 = 0
        if let r = regular.first {
            step = r.period; origin = r.start
        } else if let s = sparse.first, let period = firstSparsePeriod, period > 0 {
            step = Int64(period); origin = s[0]
        }
        if step > 0 {
            var lo = Int64.max, hi = Int64.min, ok = true, pointCount = 0
            for r in regular where ok {
                let d = r.start.subtractingReportingOverflow(origin)
                guard !d.overflow, r.period % step == 0, d.partialValue % step == 0 else { ok = false; break }
                lo = Swift.min(lo, r.start)
                let end = r.start.addingReportingOverflow(Int64(r.count - 1).multipliedReportingOverflow(by: r.period).partialValue)
                guard !end.overflow else { ok = false; break }
                hi = Swift.max(hi, end.partialValue)
                pointCount += r.count
            }
            for ts in sparse where ok {
                // Sorted input on the grid: consecutive points usually differ by one step,
                // so the division (slow) runs only at gaps.
                var prev = Int64.min
                for t in ts {
                    let fast = prev != Int64.min && t &- prev == step && t > prev
                    if !fast {
                        let d = t.subtractingReportingOverflow(origin)
                        guard !d.overflow, d.partialValue % step == 0 else { ok = false; break }
                    }
                    prev = t
                    lo = Swift.min(lo, t); hi = Swift.max(hi, t)
                }
                pointCount += ts.count
            }
            if ok && lo <= hi {
                let span = hi.subtractingReportingOverflow(lo)
                if !span.overflow {
                    let slots = span.partialValue / step + 1
                    // Holes are harmless, but a few points spread over a huge span are not.
                    if slots <= Int64(limit) && slots <= Int64(4 * pointCount + 4096) {
                        return .regular(start: lo, step: step, count: Int(slots))
                    }
                }
            } else if ok {
                return .regular(start: origin, step: step, count: 0)
            }
        }
        // Irregular: merge every timestamp.
        var stamps: [Int64] = []
        stamps.reserveCapacity(total)
        for r in regular {
            for k in 0..<r.count { stamps.append(r.start &+ Int64(k) &* r.period) }
        }
        for ts in sparse { stamps.append(contentsOf: ts) }
        stamps.sort()
        var unique: [Int64] = []
        unique.reserveCapacity(stamps.count)
        for t in stamps where unique.last != t { unique.append(t) }
        return .irregular(unique)
    }

    private static func tooLarge() -> MathRowFailure {
        MathRowFailure(message: "The data spans more than \(MathLimits.maxGridPoints) timestamps")
    }

    /// An input series as a column on the grid.
    private func load(_ input: MathSeriesInput?, period rowPeriod: Int, origin: MathSeriesOrigin) -> MathColumn {
        guard let input else { return MathColumn.empty(n, period: rowPeriod, origin: origin) }
        let period = Int64(input.period)
        if case .masked(let start, let v, let m, let bound, let dense) = input.storage,
           grid.step > 0, grid.step == period, grid.start == start, grid.count == v.count {
            return MathColumn(values: v, mask: m, dense: dense, bound: bound, period: rowPeriod,
                              origin: origin, label: input.label)
        }
        var col = MathColumn.empty(n, period: rowPeriod, origin: origin)
        col.label = input.label
        switch input.storage {
        case .masked(let start, let v, let m, _, _):
            scatter(&col, count: v.count, time: { start &+ Int64($0) &* period }, value: { m[$0] != 0 ? v[$0] : .nan })
        case .dense(let start, let v):
            if grid.step > 0, grid.step == period, grid.start == start, grid.count == v.count, !v.isEmpty {
                v.withUnsafeBufferPointer { src in
                    let r = MathKernels.fromNaN(src.baseAddress!, col.values.base, col.mask.base, v.count)
                    col.bound = r.bound; col.dense = r.present == v.count && v.count > 0
                }
                return col
            }
            v.withUnsafeBufferPointer { src in
                scatter(&col, count: v.count, time: { start &+ Int64($0) &* period }, value: { src[$0] })
            }
        case .points(let ts, let v):
            var sorted = true
            ts.withUnsafeBufferPointer { t in
                for i in t.indices.dropFirst() where t[i - 1] > t[i] { sorted = false; break }
            }
            if sorted {
                ts.withUnsafeBufferPointer { t in
                    v.withUnsafeBufferPointer { x in
                        guard let tp = t.baseAddress, let xp = x.baseAddress else { return }
                        scatter(&col, count: Swift.min(t.count, x.count), time: { tp[$0] }, value: { xp[$0] })
                    }
                }
            } else {
                // Stable, so the last of repeated timestamps wins.
                let order = ts.indices.sorted { (ts[$0], $0) < (ts[$1], $1) }
                scatter(&col, count: order.count, time: { ts[order[$0]] }, value: { v[order[$0]] })
            }
        }
        return col
    }

    /// Writes points (ascending times) into `col`; every time is on the grid because the grid
    /// holds every input timestamp. Non-finite values are skipped; for a repeated time the
    /// last value wins. Inlined into each caller, so `time` and `value` become plain loads.
    @inline(__always)
    private func scatter(_ col: inout MathColumn, count: Int, time: (Int) -> Int64, value: (Int) -> Double) {
        if grid.step > 0 {
            scatterRegular(&col, count: count, time: time, value: value)
            return
        }
        var bound = 0.0
        var present = 0
        var cursor = 0
        let vals = col.values.base, mask = col.mask.base
        let stamps = grid.stamps
        for k in 0..<count {
            let x = value(k)
            guard Swift.abs(x) < .infinity else { continue }
            let t = time(k)
            while cursor < stamps.count && stamps[cursor] < t { cursor += 1 }
            guard let i = cursor < stamps.count && stamps[cursor] == t ? cursor : grid.index(of: t) else { continue }
            if mask[i] == 0 { present += 1 }
            vals[i] = x; mask[i] = 1
            bound = Swift.max(bound, Swift.abs(x))
        }
        col.bound = bound
        col.dense = n > 0 && present == n
    }

    /// `scatter` on a regular grid, as one tight loop: a point one step after the previous
    /// goes to the next slot; only other points (after a gap, a repeated time) have their
    /// slot computed.
    @inline(__always)
    private func scatterRegular(_ col: inout MathColumn, count: Int, time: (Int) -> Int64, value: (Int) -> Double) {
        let vals = col.values.base, mask = col.mask.base
        let step = grid.step, slots = n
        var bound = 0.0
        var present = 0
        // The slot after the last point written, and its timestamp (Int64.min: unknown).
        var next = 0
        var expected = Int64.min
        for k in 0..<count {
            let v = value(k)
            let a = Swift.abs(v)
            guard a < .infinity else { continue }
            let tk = time(k)
            var slot = next
            if tk == expected && next < slots {
                // Times ascend, so the slot after the last one written is still empty.
                present &+= 1
            } else {
                guard let s = grid.index(of: tk) else { continue }
                slot = s
                present &+= Int(1 &- mask[slot])  // a repeated time finds its slot taken
            }
            vals[slot] = v
            mask[slot] = 1
            bound = a > bound ? a : bound
            next = slot &+ 1
            expected = tk &+ step
        }
        col.bound = bound
        col.dense = slots > 0 && present == slots
    }

    /// Slots of the grid that are buckets of `period` (nil: all of them).
    mutating func gridMask(_ period: Int) -> MathBuffer<UInt8>? {
        if let cached = gridMasks[period] { return cached }
        let g = context.grid(period)
        var result: MathBuffer<UInt8>?
        if grid.step > 0, grid.step == Int64(period), grid.start == g.start, grid.count == g.count {
            result = nil
        } else {
            let m = MathBuffer<UInt8>(repeating: 0, count: n)
            if g.count <= MathLimits.maxGridPoints {
                for k in 0..<g.count {
                    let t = g.start.addingReportingOverflow(Int64(k).multipliedReportingOverflow(by: Int64(period)).partialValue)
                    if !t.overflow, let i = grid.index(of: t.partialValue) { m.base[i] = 1 }
                }
            }
            result = m
        }
        gridMasks[period] = result
        return result
    }

    // MARK: register access

    func value(_ r: Int) throws(MathRowFailure) -> MathRValue {
        switch regs[r] {
        case .failed(let id): throw MathRowFailure(message: "It uses \(id), which could not be evaluated")
        case .none: throw MathRowFailure(message: "Internal error: register \(r) is empty")
        case .input(let k): return .series(inputColumns[k])
        case let v: return v
        }
    }

    func scalar(_ r: Int) throws(MathRowFailure) -> Double? {
        if case .scalar(let s) = try value(r) { return s }
        throw MathRowFailure(message: "Expected a number")
    }

    /// A TS, or the only member of a one-member TS[] (metric-math.md §1 [REC]).
    func series(_ r: Int) throws(MathRowFailure) -> MathColumn {
        if case .input(let k) = regs[r] { return inputColumns[k] }
        switch try value(r) {
        case .series(let c): return c
        case .array(let a) where a.count == 1: return a[0]
        case .array(let a):
            throw MathRowFailure(message: "Expected a single time series but got an array of \(a.count)")
        default: throw MathRowFailure(message: "Expected a time series")
        }
    }

    func array(_ r: Int) throws(MathRowFailure) -> [MathColumn] {
        if case .input(let k) = regs[r] { return [inputColumns[k]] }
        switch try value(r) {
        case .array(let a): return a
        case .series(let c): return [c]
        default: throw MathRowFailure(message: "Expected an array of time series")
        }
    }
}

extension MathRValue {
    var isFilled: Bool { if case .none = self { return false } else { return true } }
}
