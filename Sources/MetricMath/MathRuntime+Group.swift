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
}

/// What one op does for one member, decided once before the block loop.
struct EWPlan {
    var operands: [EWOperand] = []
    var mode: EWMaskMode = .computed
    /// Zero the values where the mask is 0 (the op maps 0 to a non-zero value).
    var applyMask = false
    /// Check for NaN/±Inf and drop them (division, power, log, or possible overflow).
    var sanitize = false
    var bound = 0.0
    var period = Int.max
    var origin: MathSeriesOrigin = .computed
    var label: String?
    var hasOrigin = false
    /// The values are computed by the next op in one fused loop (see `fuseInto`).
    var fusedIntoNext = false
    /// This op computes the previous op's values inline (`MathKernels.fusedPair`).
    var fusesPrevious = false
}

extension MathRuntime {
    /// Runs a fused element-wise group (see `MathEWGroup`) for every member.
    mutating func runGroup(_ g: MathEWGroup) throws(MathRowFailure) -> MathRValue {
        var scalars: [Double?] = Array(repeating: nil, count: g.inputs.count)
        var series: [MathColumn?] = Array(repeating: nil, count: g.inputs.count)
        var arrays: [[MathColumn]?] = Array(repeating: nil, count: g.inputs.count)
        var memberCount: Int?
        for (i, r) in g.inputs.enumerated() {
            switch try value(r) {
            case .scalar(let s): scalars[i] = s
            case .series(let c): series[i] = c
            case .array(let a):
                if g.isArray {
                    if let m = memberCount, m != a.count {
                        throw MathRowFailure(message: "Arrays of different sizes cannot be combined (\(m) and \(a.count))")
                    }
                    memberCount = a.count
                    arrays[i] = a
                } else {
                    series[i] = try self.series(r)
                }
            default: throw MathRowFailure(message: "Invalid operand")
            }
        }
        if !g.isArray {
            return .series(runMember(g, scalars: scalars, columns: series))
        }
        var out: [MathColumn] = []
        for j in 0..<(memberCount ?? 0) {
            var cols = series
            for i in arrays.indices { if let a = arrays[i] { cols[i] = a[j] } }
            out.append(runMember(g, scalars: scalars, columns: cols))
        }
        return .array(out)
    }

    /// Plans and runs the group's ops for one member.
    private mutating func runMember(_ g: MathEWGroup, scalars: [Double?], columns: [MathColumn?]) -> MathColumn {
        let plans = plan(g, scalars: scalars, columns: columns)
        let root = plans[plans.count - 1]
        let period = root.period == Int.max ? context.defaultPeriod : root.period
        if root.mode == .empty || n == 0 {
            var c = MathColumn.empty(n, period: period, origin: root.origin)
            c.label = root.label
            return c
        }
        let outValues = MathBuffer<Double>(uninitialized: n)
        let outMask: MathBuffer<UInt8>
        switch root.mode {
        case .dense: outMask = ones()
        case .alias(let i): outMask = columns[i]!.mask
        default: outMask = MathBuffer<UInt8>(uninitialized: n)
        }
        let block = g.ops.count == 1 ? n : 2048
        let width = Swift.min(block, n)
        let scratchV = MathBuffer<Double>(uninitialized: Swift.max(1, g.tempCount) * width)
        let scratchM = MathBuffer<UInt8>(uninitialized: Swift.max(1, g.tempCount) * width)
        let (zerosV, zerosM, onesM) = blockConstants(width)

        var lo = 0
        while lo < n {
            let len = Swift.min(block, n - lo)
            for (k, op) in g.ops.enumerated() {
                let p = plans[k]
                if p.mode == .empty { continue }
                // Output pointers.
                let outV: DMut, outM: MMut?
                if op.out < 0 {
                    outV = outValues.base + lo
                    outM = p.mode == .computed ? outMask.base + lo : nil
                } else {
                    outV = scratchV.base + op.out * width
                    outM = p.mode == .computed ? scratchM.base + op.out * width : nil
                }
                // Operand pointers.
                func vec(_ o: EWOperand) -> (DPtr?, MPtr?, Double) {
                    switch o {
                    case .scalar(let s): return (nil, nil, s ?? 0)
                    case .column(let i):
                        let c = columns[i]!
                        return (DPtr(c.values.base + lo), c.dense ? MPtr(onesM.base) : MPtr(c.mask.base + lo), 0)
                    case .op(let q):
                        let pq = plans[q], slot = g.ops[q].out
                        let values = pq.mode == .empty ? DPtr(zerosV.base) : DPtr(scratchV.base + slot * width)
                        let mask: MPtr
                        switch pq.mode {
                        case .dense: mask = MPtr(onesM.base)
                        case .empty: mask = MPtr(zerosM.base)
                        case .alias(let i): mask = MPtr(columns[i]!.mask.base + lo)
                        case .computed: mask = MPtr(scratchM.base + slot * width)
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
                        let innerLeft: Bool = { if case .op(k - 1) = p.operands[0] { return true } else { return false } }()
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
                    case .alias(let i): m = MPtr(columns[i]!.mask.base + lo)
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
        return MathColumn(values: outValues, mask: outMask, dense: root.mode == .dense, bound: root.bound,
                          period: period, origin: root.origin, label: root.label)
    }

    /// Zero values, zero mask and all-ones mask blocks of at least `width` slots (read-only,
    /// shared by every group of the evaluation).
    private mutating func blockConstants(_ width: Int) -> (MathBuffer<Double>, MathBuffer<UInt8>, MathBuffer<UInt8>) {
        if let c = blockConstantsCache, c.0.count >= width { return c }
        let c = (MathBuffer<Double>(repeating: 0, count: width), MathBuffer<UInt8>(repeating: 0, count: width),
                 MathBuffer<UInt8>(repeating: 1, count: width))
        blockConstantsCache = c
        return c
    }

    /// Decides, per op, mask handling, the NaN/Inf check and bounds from the actual operands
    /// (their density, scalar values and magnitude bounds).
    private func plan(_ g: MathEWGroup, scalars: [Double?], columns: [MathColumn?]) -> [EWPlan] {
        var plans: [EWPlan] = []
        plans.reserveCapacity(g.ops.count)
        var producer: [Int: Int] = [:]  // temp slot → op index currently holding it
        for (k, op) in g.ops.enumerated() {
            var p = EWPlan()
            for a in op.args {
                switch a {
                case .input(let i): p.operands.append(columns[i] == nil ? .scalar(scalars[i]) : .column(i))
                case .temp(let t): p.operands.append(.op(producer[t]!))
                }
            }
            // Per-operand facts.
            func mode(_ o: EWOperand) -> EWMaskMode? {
                switch o {
                case .scalar: return nil
                case .column(let i): return columns[i]!.dense ? .dense : .alias(i)
                case .op(let q): return plans[q].mode
                }
            }
            func bound(_ o: EWOperand) -> Double {
                switch o {
                case .scalar(let s): return Swift.abs(s ?? 0)
                case .column(let i): return columns[i]!.bound
                case .op(let q): return plans[q].bound
                }
            }
            for o in p.operands {
                switch o {
                case .column(let i):
                    let c = columns[i]!
                    p.period = Swift.min(p.period, c.period)
                    if !p.hasOrigin { p.origin = c.origin; p.label = c.label; p.hasOrigin = true }
                case .op(let q):
                    p.period = Swift.min(p.period, plans[q].period)
                    if !p.hasOrigin { p.origin = plans[q].origin; p.label = plans[q].label; p.hasOrigin = true }
                case .scalar: break
                }
            }
            switch op.code {
            case .binary(let bop):
                let a = p.operands[0], b = p.operands[1]
                let ma = mode(a), mb = mode(b)
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
                let ba = bound(a), bb = bound(b)
                switch bop {
                case .add, .subtract: p.bound = ba + bb; p.sanitize = !(p.bound <= 1e300)
                case .multiply: p.bound = ba * bb; p.sanitize = !(p.bound <= 1e300)
                case .divide, .power: p.bound = .greatestFiniteMagnitude; p.sanitize = true
                default: p.bound = 1
                }
                if z.isNaN || !z.isFinite { p.sanitize = true }
            case .unary(let uop):
                let ma = mode(p.operands[0])!
                p.mode = ma
                if ma == .empty { break }
                let z = uop.scalar(0)
                p.applyMask = p.mode != .dense && z != 0 && z.isFinite
                p.sanitize = uop.canOverflow || !z.isFinite
                let b = bound(p.operands[0])
                p.bound = uop.canOverflow ? .greatestFiniteMagnitude : (uop == .ceil || uop == .floor) ? b + 1 : b
            case .ifThen:
                let mc = mode(p.operands[0])!
                if mc == .empty { p.mode = .empty; break }
                var trueKilled = false
                if case .scalar(nil) = p.operands[1] { trueKilled = true }
                var falseMode: EWMaskMode? = .empty  // omitted or missing: nothing
                var falseValueNonZero = false
                if p.operands.count > 2 {
                    switch p.operands[2] {
                    case .scalar(let s?): falseMode = .dense; falseValueNonZero = s != 0
                    case .scalar(nil): falseMode = .empty
                    default: falseMode = mode(p.operands[2]); falseValueNonZero = true
                    }
                }
                if !trueKilled && falseMode == .dense {
                    // Both branches give a value wherever the condition has one: its mask.
                    p.mode = mc
                } else {
                    p.mode = .computed
                }
                p.applyMask = p.mode != .dense && falseValueNonZero
                p.bound = Swift.max(bound(p.operands[1]), p.operands.count > 2 ? bound(p.operands[2]) : 0)
            }
            if p.sanitize && p.mode != .empty { p.mode = .computed }
            if op.out >= 0 { producer[op.out] = k }
            plans.append(p)
            fuseWithPrevious(g, &plans, k)
        }
        return plans
    }

    /// Marks `ops[k-1] → ops[k]` for one fused loop when both are `+ - *`, the first feeds
    /// the second directly, and neither needs a per-op fix-up (mask zeroing, NaN check)
    /// between them.
    private func fuseWithPrevious(_ g: MathEWGroup, _ plans: inout [EWPlan], _ k: Int) {
        guard k > 0, case .binary(let outer) = g.ops[k].code, case .binary(let inner) = g.ops[k - 1].code else { return }
        let arithmetic: Set<MathBinaryOp> = [.add, .subtract, .multiply]
        guard arithmetic.contains(outer), arithmetic.contains(inner) else { return }
        let q = plans[k - 1], p = plans[k]
        guard !q.applyMask, !q.sanitize, q.mode != .empty, p.mode != .empty, !q.fusesPrevious else { return }
        let feeds = p.operands.contains { if case .op(k - 1) = $0 { return true } else { return false } }
        let both = p.operands.allSatisfy { if case .op(k - 1) = $0 { return true } else { return false } }
        guard feeds, !both else { return }
        plans[k - 1].fusedIntoNext = true
        plans[k].fusesPrevious = true
    }
}
