/// How the presence mask of one element-wise result is obtained.
enum EWMaskMode: Equatable {
    /// Every slot present: no mask work.
    case dense
    /// No slot present (a missing scalar operand, §5.1): values and mask are zero.
    case empty
    /// Exactly the mask of group input `i` (e.g. `m1 * 2`): shared, not copied.
    case alias(Int)
    /// Computed into the op's own mask buffer.
    case computed
}

/// An operand of one op, for one member.
enum EWOperand {
    case scalar(Double?)
    case column(Int)
    case op(Int)

    func isOp(_ k: Int) -> Bool { if case .op(k) = self { return true } else { return false } }
}

/// The operands of one op (IF has the most: three), stored inline so that planning a member
/// allocates nothing per op.
struct EWOperands {
    private var first: EWOperand = .scalar(nil)
    private var second: EWOperand = .scalar(nil)
    private var third: EWOperand = .scalar(nil)
    private(set) var count = 0

    subscript(_ i: Int) -> EWOperand {
        switch i {
        case 0: return first
        case 1: return second
        default: return third
        }
    }

    mutating func append(_ o: EWOperand) {
        switch count {
        case 0: first = o
        case 1: second = o
        default: third = o
        }
        count = Swift.min(count + 1, 3)
    }

    func contains(where predicate: (EWOperand) -> Bool) -> Bool {
        (0..<count).contains { predicate(self[$0]) }
    }

    func allSatisfy(_ predicate: (EWOperand) -> Bool) -> Bool {
        (0..<count).allSatisfy { predicate(self[$0]) }
    }
}

/// What one op does for one member, decided once before the block loop. Plain data (no
/// references), so copying a plan in the block loop costs no reference counting.
struct EWPlan {
    var operands = EWOperands()
    var mode: EWMaskMode = .computed
    /// Zero the values where the mask is 0 (the op maps 0 to a non-zero value).
    var applyMask = false
    /// Check for NaN/±Inf and drop them (division, power, log, or possible overflow).
    var sanitize = false
    var bound = 0.0
    var period = Int.max
    /// The group input whose origin and label the result carries (its first series operand,
    /// followed through intermediate ops); -1: none (`.computed`, no label).
    var originInput = -1
    var hasOrigin = false
    /// The values are computed inline by the op that reads them, in one fused loop (see
    /// `fuseWithPrevious` and `fuseCondition`), so they are never stored.
    var fusedIntoNext = false
    /// This op computes the previous op's values inline (`MathKernels.fusedPair`).
    var fusesPrevious = false
    /// This IF computes its condition, a comparison, inline (`MathKernels.ifCompare`).
    var fusesCondition = false
}

/// A series operand of one group member, as `runMember` reads it: raw pointers into a column
/// plus the facts planning needs. Plain data (no references): the column itself stays in
/// its register (`register`, and `member` for an array's member; -1 for a series) for the
/// whole member run, so copying these costs no reference counting.
struct EWColumn {
    var values: DPtr
    var mask: MPtr
    var dense: Bool
    var bound: Double
    var period: Int
    var register: Int
    var member: Int

    init(_ c: MathColumn, register: Int, member: Int) {
        values = DPtr(c.values.base); mask = MPtr(c.mask.base)
        dense = c.dense; bound = c.bound; period = c.period
        self.register = register; self.member = member
    }
}

/// Zero values, zero mask and all-ones mask blocks (read-only, shared by every evaluation of
/// the process: 640 KiB allocated once), standing in for missing operands and for the mask
/// of a dense column.
enum EWConstantBlocks {
    static let width = 1 << 16
    static let zeroValues = MathBuffer<Double>(repeating: 0, count: width)
    static let zeroMask = MathBuffer<UInt8>(repeating: 0, count: width)
    static let oneMask = MathBuffer<UInt8>(repeating: 1, count: width)
}

/// A group member whose arithmetic has not run yet.
///
/// Why: the bookkeeping of a row (planning, buffers, registers, status) touches a few dozen
/// small heap objects; the arithmetic of a 10,000-point row streams a quarter of a megabyte
/// through the caches and evicts them, so interleaving the two made every row's bookkeeping
/// miss the caches (about 70 µs of a 100-row, 10,000-point evaluation). Members that need no
/// scratch blocks are therefore only planned, with their output buffers allocated and their
/// column facts (density, bound, period) known; `flushPending` runs their block loops in
/// order before anything reads values.
struct EWPendingJob {
    let group: MathEWGroup
    /// The member's plans (`group.ops.count`) in `pendingPlans`, and operands
    /// (`group.inputs.count`) in `pendingColumns`.
    let planStart: Int
    let columnStart: Int
    /// Kept alive by the job (their columns may be dropped before it runs).
    let outValues: MathBuffer<Double>
    let outMask: MathBuffer<UInt8>
}

/// Working arrays of `runGroup`/`runMember`, reused by every group of one evaluation.
///
/// Why: each Swift array allocation also looks up its storage class's generic metadata; with
/// five small arrays per group, a 50-row widget over short series spent more time there than
/// in arithmetic. Taking an array out of here (`take`) and putting it back (`give`) keeps
/// its capacity, so an evaluation allocates each of them once.
struct EWScratch {
    var scalars: [Double?] = []
    var columns: [EWColumn?] = []
    var plans: [EWPlan] = []
    var producer: [Int] = []

    /// `slot`'s storage, emptied and then filled with `count` copies of `fill`.
    /// (Only plain-data element types are kept here, so filling and emptying are simple loops.)
    static func take<T: BitwiseCopyable>(_ slot: inout [T], count: Int, fill: T) -> [T] {
        var a: [T] = []
        swap(&a, &slot)
        if a.count > count { a.removeLast(a.count - count) }
        for i in a.indices { a[i] = fill }
        while a.count < count { a.append(fill) }
        return a
    }

    /// Returns `a`'s storage to `slot` for the next group.
    static func give<T: BitwiseCopyable>(_ a: inout [T], to slot: inout [T]) {
        swap(&a, &slot)
    }
}

extension MathRuntime {
    /// Runs a fused element-wise group (see `MathEWGroup`) for every member.
    mutating func runGroup(_ g: MathEWGroup) throws(MathRowFailure) -> MathRValue {
        var scalars = EWScratch.take(&scratch.scalars, count: g.inputs.count, fill: nil)
        var columns = EWScratch.take(&scratch.columns, count: g.inputs.count, fill: nil)
        defer {
            EWScratch.give(&scalars, to: &scratch.scalars)
            EWScratch.give(&columns, to: &scratch.columns)
        }
        var arrays: [(input: Int, members: [MathColumn])] = []
        var memberCount: Int?
        for (i, r) in g.inputs.enumerated() {
            if case .input(let k) = regs[r] {
                columns[i] = EWColumn(inputColumns[k], register: r, member: -1)
                continue
            }
            switch try value(r) {
            case .scalar(let s): scalars[i] = s
            case .series(let c): columns[i] = EWColumn(c, register: r, member: -1)
            case .array(let a):
                if g.isArray {
                    if let m = memberCount, m != a.count {
                        throw MathRowFailure(message: "Arrays of different sizes cannot be combined (\(m) and \(a.count))")
                    }
                    memberCount = a.count
                    arrays.append((i, a))
                } else if a.count == 1 {
                    // A one-member array is a series (metric-math.md §1 [REC]).
                    columns[i] = EWColumn(a[0], register: r, member: 0)
                } else {
                    _ = try series(r)  // throws the "expected a single time series" error
                }
            default: throw MathRowFailure(message: "Invalid operand")
            }
        }
        if !g.isArray {
            return .series(runMember(g, scalars: scalars, columns: columns))
        }
        var out: [MathColumn] = []
        out.reserveCapacity(memberCount ?? 0)
        for j in 0..<(memberCount ?? 0) {
            for (i, members) in arrays { columns[i] = EWColumn(members[j], register: g.inputs[i], member: j) }
            out.append(runMember(g, scalars: scalars, columns: columns))
        }
        return .array(out)
    }

    /// The origin and label of the column `ref` points into (without copying the column).
    private func originAndLabel(_ ref: EWColumn?) -> (MathSeriesOrigin, String?) {
        guard let ref else { return (.computed, nil) }
        switch regs[ref.register] {
        case .series(let c): return (c.origin, c.label)
        case .input(let k): return (inputColumns[k].origin, inputColumns[k].label)
        case .array(let a) where ref.member >= 0 && ref.member < a.count: return (a[ref.member].origin, a[ref.member].label)
        default: return (.computed, nil)
        }
    }

    /// The column an `EWColumn` points into (for what raw pointers do not carry: origin,
    /// label, and the mask buffer an aliasing result shares).
    private func column(_ ref: EWColumn) -> MathColumn? {
        switch regs[ref.register] {
        case .series(let c): return c
        case .input(let k): return inputColumns[k]
        case .array(let a) where ref.member >= 0 && ref.member < a.count: return a[ref.member]
        default: return nil
        }
    }

    /// Plans and runs the group's ops for one member.
    private mutating func runMember(_ g: MathEWGroup, scalars: [Double?], columns: [EWColumn?]) -> MathColumn {
        var plans = EWScratch.take(&scratch.plans, count: 0, fill: EWPlan())
        var producer = EWScratch.take(&scratch.producer, count: g.tempCount, fill: 0)
        defer {
            EWScratch.give(&plans, to: &scratch.plans)
            EWScratch.give(&producer, to: &scratch.producer)
        }
        plan(g, scalars: scalars, columns: columns, into: &plans, producer: &producer)
        let root = plans[plans.count - 1]
        let period = root.period == Int.max ? context.defaultPeriod : root.period
        let (origin, label) = root.originInput >= 0 ? originAndLabel(columns[root.originInput]) : (.computed, nil)
        if root.mode == .empty || n == 0 {
            var c = MathColumn.empty(n, period: period, origin: origin)
            c.label = label
            return c
        }
        let outValues = MathBuffer<Double>(uninitialized: n)
        let outMask: MathBuffer<UInt8>
        switch root.mode {
        case .dense: outMask = ones()
        case .alias(let i): outMask = columns[i].flatMap { column($0)?.mask } ?? MathBuffer<UInt8>(repeating: 0, count: n)
        default: outMask = MathBuffer<UInt8>(uninitialized: n)
        }
        // Scratch blocks hold intermediates; a group whose only intermediate is computed inline
        // by a fused pair (`m1 + m2 * 2`) needs none.
        let needsScratch = plans.indices.contains {
            g.ops[$0].out >= 0 && plans[$0].mode != .empty && (!plans[$0].fusedIntoNext || plans[$0].mode == .computed)
        }
        if !needsScratch {
            // Deferred: the arithmetic runs in `flushPending`, after the bookkeeping of the
            // rows that follow (see `EWPendingJob`).
            pendingJobs.append(EWPendingJob(group: g, planStart: pendingPlans.count, columnStart: pendingColumns.count,
                                            outValues: outValues, outMask: outMask))
            pendingPlans.append(contentsOf: plans)
            pendingColumns.append(contentsOf: columns)
        } else {
            // Its inputs may be pending results.
            flushPending()
            let width = Swift.min(2048, n)
            let scratchCount = Swift.max(1, g.tempCount) * width
            let scratchV = MathBuffer<Double>(uninitialized: scratchCount), scratchM = MathBuffer<UInt8>(uninitialized: scratchCount)
            plans.withUnsafeBufferPointer { plans in
                columns.withUnsafeBufferPointer { columns in
                    MathRuntime.runBlocks(g, plans: plans, columns: columns, outValues: outValues.base, outMask: outMask.base,
                                          count: n, block: width, scratchValues: scratchV.base, scratchMask: scratchM.base)
                }
            }
        }
        return MathColumn(values: outValues, mask: outMask, dense: root.mode == .dense, bound: root.bound,
                          period: period, origin: origin, label: label)
    }

    /// Runs every deferred group member, in order. Called before anything reads column values:
    /// every instruction other than scalar arithmetic and element-wise groups, a group that
    /// needs scratch blocks, and the end of the evaluation.
    mutating func flushPending() {
        guard !pendingJobs.isEmpty else { return }
        // Moved out (not copied), so emptying them afterwards keeps their storage for reuse.
        var jobs: [EWPendingJob] = [], planList: [EWPlan] = [], columnList: [EWColumn?] = []
        swap(&jobs, &pendingJobs); swap(&planList, &pendingPlans); swap(&columnList, &pendingColumns)
        let n = self.n
        planList.withUnsafeBufferPointer { allPlans in
            columnList.withUnsafeBufferPointer { allColumns in
                for job in jobs {
                    let plans = UnsafeBufferPointer(rebasing: allPlans[job.planStart..<(job.planStart + job.group.ops.count)])
                    let columns = UnsafeBufferPointer(
                        rebasing: allColumns[job.columnStart..<(job.columnStart + job.group.inputs.count)])
                    // No intermediates: the scratch pointers are never written (a placeholder).
                    let placeholderV = UnsafeMutablePointer(mutating: EWConstantBlocks.zeroValues.base)
                    let placeholderM = UnsafeMutablePointer(mutating: EWConstantBlocks.zeroMask.base)
                    MathRuntime.runBlocks(job.group, plans: plans, columns: columns, outValues: job.outValues.base,
                                          outMask: job.outMask.base, count: n, block: EWConstantBlocks.width,
                                          scratchValues: placeholderV, scratchMask: placeholderM)
                }
            }
        }
        jobs.removeAll(keepingCapacity: true); planList.removeAll(keepingCapacity: true)
        columnList.removeAll(keepingCapacity: true)
        swap(&jobs, &pendingJobs); swap(&planList, &pendingPlans); swap(&columnList, &pendingColumns)
        keepAlive.removeAll(keepingCapacity: true)
    }

    /// Empties register `r`. While results are pending, its value is kept until they have
    /// run, since a pending member may read its buffers.
    mutating func releaseRegister(_ r: Int) {
        if !pendingJobs.isEmpty {
            switch regs[r] {
            case .series, .array: keepAlive.append(regs[r])
            default: break
            }
        }
        regs[r] = .none
    }

    /// The block loop of one member: every op of `g`, `block` slots at a time, into
    /// `outValues`/`outMask` (the group's result) and the scratch blocks (intermediates).
    static func runBlocks(
        _ g: MathEWGroup, plans: UnsafeBufferPointer<EWPlan>, columns: UnsafeBufferPointer<EWColumn?>,
        outValues: DMut, outMask: MMut, count n: Int, block: Int, scratchValues: DMut, scratchMask: MMut
    ) {
        let width = Swift.min(block, n)
        let zerosV = EWConstantBlocks.zeroValues, zerosM = EWConstantBlocks.zeroMask, onesM = EWConstantBlocks.oneMask
        func columnMask(_ i: Int) -> MPtr { columns[i]!.mask }
        var lo = 0
        while lo < n {
            let len = Swift.min(block, n - lo)
            for (k, op) in g.ops.enumerated() {
                let p = plans[k]
                if p.mode == .empty { continue }
                // Output pointers.
                let outV: DMut, outM: MMut?
                if op.out < 0 {
                    outV = outValues + lo
                    outM = p.mode == .computed ? outMask + lo : nil
                } else {
                    outV = scratchValues + op.out * width
                    outM = p.mode == .computed ? scratchMask + op.out * width : nil
                }
                // Operand pointers.
                func vec(_ o: EWOperand) -> (DPtr?, MPtr?, Double) {
                    switch o {
                    case .scalar(let s): return (nil, nil, s ?? 0)
                    case .column(let i):
                        // A dense column's mask needs no work: the block of ones stands for it.
                        let c = columns[i]!
                        return (c.values + lo, c.dense ? MPtr(onesM.base) : c.mask + lo, 0)
                    case .op(let q):
                        let pq = plans[q], slot = g.ops[q].out
                        let values = pq.mode == .empty ? DPtr(zerosV.base) : DPtr(scratchValues + slot * width)
                        let mask: MPtr
                        switch pq.mode {
                        case .dense: mask = MPtr(onesM.base)
                        case .empty: mask = MPtr(zerosM.base)
                        case .alias(let i): mask = MPtr(columnMask(i) + lo)
                        case .computed: mask = MPtr(scratchMask + slot * width)
                        }
                        return (values, mask, 0)
                    }
                }
                switch op.code {
                case .binary(let bop):
                    let (av, am, sa) = vec(p.operands[0])
                    let (bv, bm, sb) = vec(p.operands[1])
                    if p.fusesPrevious, case .binary(let inner) = g.ops[k - 1].code {
                        let q = plans[k - 1]
                        let (iav, _, isa) = vec(q.operands[0])
                        let (ibv, _, isb) = vec(q.operands[1])
                        let innerLeft = p.operands[0].isOp(k - 1)
                        let (ov, so) = innerLeft ? (bv, sb) : (av, sa)
                        _ = MathKernels.fusedPair(outer: bop, inner: inner, iav, isa, ibv, isb, ov, so,
                                                  innerLeft: innerLeft, outV, len)
                    } else if !p.fusedIntoNext {
                        MathKernels.binary(bop, av, sa, bv, sb, outV, len)
                    }
                    if let outM {
                        if let am, let bm { MathKernels.maskOr(am, bm, outM, len) }
                        else if let m = am ?? bm, m != MPtr(outM) { MathKernels.maskCopy(m, outM, len) }
                    }
                case .unary(let uop):
                    let (av, am, _) = vec(p.operands[0])
                    MathKernels.unary(uop, av!, outV, len)
                    if let outM, let am, am != MPtr(outM) { MathKernels.maskCopy(am, outM, len) }
                case .ifThen where p.fusesCondition:
                    // The condition is a comparison of inputs and constants, evaluated here;
                    // the mask needs no condition values (`fuseCondition`).
                    guard case .op(let q) = p.operands[0], case .binary(let cmp) = g.ops[q].code else { break }
                    let (av, _, sa) = vec(plans[q].operands[0])
                    let (bv, _, sb) = vec(plans[q].operands[1])
                    let (tv, _, st) = vec(p.operands[1])
                    var fv: DPtr?, sf = 0.0
                    if p.operands.count > 2 { (fv, _, sf) = vec(p.operands[2]) }
                    MathKernels.ifCompare(cmp, av, sa, bv, sb, tv, st, fv, sf, outV, len)
                case .ifThen:
                    let (cv, cm, _) = vec(p.operands[0])
                    let (tv, _, st) = vec(p.operands[1])
                    var fv: DPtr?, fm: MPtr?, sf = 0.0, cf: UInt8 = 0
                    if p.operands.count > 2 {
                        let f = vec(p.operands[2])
                        fv = f.0; fm = f.1; sf = f.2
                        if case .scalar(let s) = p.operands[2], s != nil { cf = 1 }
                    }
                    var ct: UInt8 = 1
                    if case .scalar(nil) = p.operands[1] { ct = 0 }
                    // Mask first: the values may be written over the condition (in place).
                    if let outM { MathKernels.ifMask(cv!, cm!, ct, fm, cf, outM, len) }
                    MathKernels.ifValues(cv!, tv, st, fv, sf, outV, len)
                }
                if p.applyMask {
                    let m: MPtr?
                    switch p.mode {
                    case .computed: m = outM.map { MPtr($0) }
                    case .alias(let i): m = MPtr(columnMask(i) + lo)
                    default: m = nil
                    }
                    if let m { MathKernels.applyMask(outV, m, len) }
                }
                if p.sanitize, let outM, MathKernels.hasNonFinite(outV, len) {
                    MathKernels.dropNonFinite(outV, outM, len)
                }
            }
            lo += len
        }
    }

    /// Decides, per op, mask handling, the NaN/Inf check and bounds from the actual operands
    /// (their density, scalar values and magnitude bounds).
    /// `producer` maps a temp slot to the op currently holding it (`tempCount` zeros on entry).
    private func plan(
        _ g: MathEWGroup, scalars: [Double?], columns: [EWColumn?], into plans: inout [EWPlan], producer: inout [Int]
    ) {
        for (k, op) in g.ops.enumerated() {
            var p = EWPlan()
            // Per operand, gathered in one pass: its mask mode (nil for a scalar) and
            // magnitude bound; the op's period and origin follow its series operands.
            var modes: (EWMaskMode?, EWMaskMode?, EWMaskMode?) = (nil, nil, nil)
            var bounds: (Double, Double, Double) = (0, 0, 0)
            for j in 0..<op.args.count {
                var operand = EWOperand.scalar(nil), m: EWMaskMode?, b = 0.0
                switch op.args[j] {
                case .input(let i):
                    if let c = columns[i] {
                        operand = .column(i); m = c.dense ? .dense : .alias(i); b = c.bound
                        p.period = Swift.min(p.period, c.period)
                        if !p.hasOrigin { p.originInput = i; p.hasOrigin = true }
                    } else {
                        operand = .scalar(scalars[i]); b = Swift.abs(scalars[i] ?? 0)
                    }
                case .temp(let t):
                    let q = producer[t]
                    operand = .op(q); m = plans[q].mode; b = plans[q].bound
                    p.period = Swift.min(p.period, plans[q].period)
                    if !p.hasOrigin { p.originInput = plans[q].originInput; p.hasOrigin = true }
                case .constant(let v):
                    operand = .scalar(v); b = Swift.abs(v ?? 0)
                }
                p.operands.append(operand)
                switch j {
                case 0: modes.0 = m; bounds.0 = b
                case 1: modes.1 = m; bounds.1 = b
                default: modes.2 = m; bounds.2 = b
                }
            }
            switch op.code {
            case .binary(let bop):
                let a = p.operands[0], b = p.operands[1]
                let ma = modes.0, mb = modes.1
                if case .scalar(nil) = a { p.mode = .empty; break }
                if case .scalar(nil) = b { p.mode = .empty; break }
                let sa: Double = { if case .scalar(let s?) = a { return s } else { return 0 } }()
                let sb: Double = { if case .scalar(let s?) = b { return s } else { return 0 } }()
                switch (ma, mb) {
                case let (x?, y?):
                    if x == .empty { p.mode = y } else if y == .empty { p.mode = x }
                    else if x == .dense || y == .dense { p.mode = .dense }
                    else if x == y, case .alias = x { p.mode = x }
                    else { p.mode = .computed }
                case let (x?, nil): p.mode = x == .computed ? .computed : x
                case let (nil, y?): p.mode = y == .computed ? .computed : y
                case (nil, nil): p.mode = .dense
                }
                if p.mode == .empty { break }
                // Value at a slot where the vector operands are missing (they hold 0 there).
                let z = MathScalar.raw(bop, ma == nil ? sa : 0, mb == nil ? sb : 0)
                p.applyMask = p.mode != .dense && z != 0 && !z.isNaN
                let ba = bounds.0, bb = bounds.1
                switch bop {
                case .add, .subtract: p.bound = ba + bb; p.sanitize = !(p.bound <= 1e300)
                case .multiply: p.bound = ba * bb; p.sanitize = !(p.bound <= 1e300)
                case .divide, .power: p.bound = .greatestFiniteMagnitude; p.sanitize = true
                default: p.bound = 1
                }
                if z.isNaN || !z.isFinite { p.sanitize = true }
            case .unary(let uop):
                let ma = modes.0 ?? .empty
                p.mode = ma
                if ma == .empty { break }
                let z = uop.scalar(0)
                p.applyMask = p.mode != .dense && z != 0 && z.isFinite
                p.sanitize = uop.canOverflow || !z.isFinite
                let b = bounds.0
                p.bound = uop.canOverflow ? .greatestFiniteMagnitude : (uop == .ceil || uop == .floor) ? b + 1 : b
            case .ifThen:
                let mc = modes.0 ?? .empty
                if mc == .empty { p.mode = .empty; break }
                var trueKilled = false
                if case .scalar(nil) = p.operands[1] { trueKilled = true }
                var falseMode: EWMaskMode? = .empty  // omitted or missing: nothing
                var falseValueNonZero = false
                if p.operands.count > 2 {
                    switch p.operands[2] {
                    case .scalar(let s?): falseMode = .dense; falseValueNonZero = s != 0
                    case .scalar(nil): falseMode = .empty
                    default: falseMode = modes.2; falseValueNonZero = true
                    }
                }
                if !trueKilled && falseMode == .dense {
                    // Both branches give a value wherever the condition has one: its mask.
                    p.mode = mc
                } else {
                    p.mode = .computed
                }
                p.applyMask = p.mode != .dense && falseValueNonZero
                p.bound = Swift.max(bounds.1, p.operands.count > 2 ? bounds.2 : 0)
            }
            if p.sanitize && p.mode != .empty { p.mode = .computed }
            if op.out >= 0 { producer[op.out] = k }
            plans.append(p)
            fuseWithPrevious(g, &plans, k)
            fuseCondition(g, &plans, k)
        }
    }

    /// Marks IF `ops[k]` to evaluate its condition inline when the condition is a comparison
    /// of inputs and constants (`IF(m1 > 50, m1, 0)`): the 0/1 column of the comparison is
    /// then never stored and read back. Only when neither op needs a per-op fix-up, and
    /// when the IF's presence is not computed from condition values (its mask is the
    /// condition's, shared or all present). The comparison's only reader is this IF (the
    /// expression is a tree), and reading no intermediates it cannot see one overwritten.
    private func fuseCondition(_ g: MathEWGroup, _ plans: inout [EWPlan], _ k: Int) {
        guard case .ifThen = g.ops[k].code, case .op(let q) = plans[k].operands[0],
              case .binary(let cmp) = g.ops[q].code, MathKernels.isComparison(cmp) else { return }
        let c = plans[q], p = plans[k]
        guard !c.applyMask, !c.sanitize, c.mode != .empty, c.mode != .computed, p.mode != .empty, p.mode != .computed,
              !c.fusesPrevious, !c.fusedIntoNext else { return }
        guard c.operands.allSatisfy({ if case .op = $0 { return false } else { return true } }) else { return }
        plans[q].fusedIntoNext = true
        plans[k].fusesCondition = true
    }

    /// Marks `ops[k-1] → ops[k]` for one fused loop when both are `+ - *`, the first feeds
    /// the second directly, and neither needs a per-op fix-up (mask zeroing, NaN check)
    /// between them.
    private func fuseWithPrevious(_ g: MathEWGroup, _ plans: inout [EWPlan], _ k: Int) {
        guard k > 0, case .binary(let outer) = g.ops[k].code, case .binary(let inner) = g.ops[k - 1].code else { return }
        func arithmetic(_ op: MathBinaryOp) -> Bool { op == .add || op == .subtract || op == .multiply }
        guard arithmetic(outer), arithmetic(inner) else { return }
        let q = plans[k - 1], p = plans[k]
        guard !q.applyMask, !q.sanitize, q.mode != .empty, p.mode != .empty, !q.fusesPrevious else { return }
        let feeds = p.operands.contains { $0.isOp(k - 1) }
        let both = p.operands.allSatisfy { $0.isOp(k - 1) }
        guard feeds, !both else { return }
        plans[k - 1].fusedIntoNext = true
        plans[k].fusesPrevious = true
    }
}
