/// A reference to a value inside a fused element-wise group.
enum EWArg: Sendable, Equatable {
    /// `MathEWGroup.inputs[i]`: a register evaluated outside the group.
    case input(Int)
    /// A block-sized scratch slot written by an earlier op of the group.
    case temp(Int)
    /// A scalar known when compiling (a number, or *missing*, e.g. `1/0`): no register and
    /// no instruction of its own.
    case constant(Double?)
}

enum EWCode: Sendable, Equatable {
    case binary(MathBinaryOp)
    case unary(MathUnaryOp)
    /// IF with a series (or array) condition; args: cond, true[, false].
    case ifThen(hasElse: Bool)
}

struct EWOp: Sendable {
    var code: EWCode
    var args: EWArgs
    /// Scratch slot of the result; -1 for the group's result.
    var out: Int

    init(code: EWCode, args: [EWArg], out: Int) {
        self.code = code; self.args = EWArgs(args); self.out = out
    }
}

/// An op's arguments (at most three: IF's), stored inline so that reading an op in the
/// evaluation loop involves no reference counting.
struct EWArgs: Sendable {
    private var first: EWArg = .input(0), second: EWArg = .input(0), third: EWArg = .input(0)
    let count: Int

    init(_ args: [EWArg]) {
        precondition(args.count <= 3, "element-wise ops take at most three arguments")
        count = args.count
        if count > 0 { first = args[0] }
        if count > 1 { second = args[1] }
        if count > 2 { third = args[2] }
    }

    subscript(_ i: Int) -> EWArg { i == 0 ? first : i == 1 ? second : third }
}

/// A maximal tree of element-wise operations (operators, ABS/CEIL/FLOOR/LOG/LOG10, IF with a
/// series condition) whose intermediate results have no other use. It runs block by block
/// (a few thousand points at a time) so intermediates stay in L1/L2 cache; a one-op group
/// runs over the whole column at once.
///
/// A class (immutable, shared by every evaluation) so that an instruction holding it is copied
/// with one reference count instead of one per array inside.
final class MathEWGroup: Sendable {
    let ops: [EWOp]
    let inputs: [Int]
    let tempCount: Int
    /// Produces TS[] (member-wise over the arrays among `inputs`) rather than TS.
    let isArray: Bool

    init(ops: [EWOp], inputs: [Int], tempCount: Int, isArray: Bool) {
        self.ops = ops; self.inputs = inputs; self.tempCount = tempCount; self.isArray = isArray
    }
}

enum FillMode: Sendable, Equatable {
    case scalar(Int), series(Int), repeatLast, linear
}

extension MathInstr.Op {
    /// Scalar arithmetic and element-wise groups never read column values before running
    /// (a group reads only column facts; its arithmetic may be deferred, see `EWPendingJob`).
    var leavesValuesUnread: Bool {
        switch self {
        case .constant, .scalarNegate, .scalarBinary, .group: return true
        default: return false
        }
    }
}

/// One step of a compiled program. `dst` is the register written.
struct MathInstr: Sendable {
    enum Op: Sendable {
        case constant(Double?)
        case scalarNegate(Int)
        case scalarBinary(MathBinaryOp, Int, Int)
        case group(MathEWGroup)
        /// AVG/MAX/MIN/SUM/STDDEV/DATAPOINT_COUNT of a TS → S.
        case reduce(MathFunction, Int)
        /// The same functions over a TS[] → TS.
        case reduceArray(MathFunction, Int)
        /// DIFF, DIFF_TIME, RATE, RUNNING_SUM over a TS or TS[].
        case sequential(MathFunction, Int)
        case fill(Int, FillMode)
        /// MINUTE … EPOCH.
        case timePart(MathFunction, Int)
        /// TIME_SERIES(scalar) on the grid of `period` (nil: the context's default period).
        case timeSeries(Int, period: Int?)
        case first(Int), last(Int), removeEmpty(Int), metricCount(Int)
        case slice(Int, Int, Int?)
        case sort(Int, MathFunction, descending: Bool, limit: Int?)
        case arrayLiteral([Int])
        case metrics([Int])
        case search(Int)
        /// IF with a scalar condition: the whole of one branch.
        case ifScalar(Int, Int, Int?)
        case band(Int, k: Int?, historyRow: Int?)
        /// Stand-ins without a backing service (§12): an empty TS, or `count` empty members.
        case emptySeries(period: Int?)
        case emptyArray(Int, period: Int?)
    }
    var dst: Int
    var op: Op
}

/// The compiled form of one expression row.
struct MathRowProgram: Sendable {
    var row: Int
    var instructions: [MathInstr]
    /// Register holding the row's value.
    var result: Int
    /// Registers no later instruction reads, freed after instruction `i`.
    var release: [[Int]]
    /// Facts about the row every evaluation checks, copied here once (`MathProgram.init`) so
    /// the evaluation loop never copies the checked row (its AST) itself.
    var rowDependencies: [Int] = []
    var searchCallIndices: [Int] = []
    var ownsResult = false
}

/// Turns checked rows into register instructions (metric-math.md is the semantics; this is
/// only the plan). Registers: one per request row (metric and Insights rows' data), then one
/// per AST node of every math row.
struct MathCompiler {
    let request: CheckedRequest
    var rowBase: [Int] = []
    var registerCount = 0

    init(request: CheckedRequest) {
        self.request = request
        registerCount = request.rows.count
        for row in request.rows {
            rowBase.append(registerCount)
            if case .math(let ast, _, _) = row.content { registerCount += ast.nodes.count }
        }
    }

    /// The register holding node `n` of row `r` (identifiers resolve to their target).
    func register(_ r: Int, _ n: Int) -> Int {
        guard case .math(let ast, let infos, _) = request.rows[r].content else { return r }
        if case .identifier = ast.nodes[n].kind, let ref = infos[n].ref {
            switch ref {
            case .metric(let m), .insights(let m): return m
            case .expression(let e): return resultRegister(e)
            }
        }
        return rowBase[r] + n
    }

    func resultRegister(_ r: Int) -> Int {
        guard case .math(let ast, _, _) = request.rows[r].content else { return r }
        return register(r, ast.root)
    }

    func compileRow(_ r: Int) -> MathRowProgram {
        guard case .math(let ast, let infos, let rowPeriod) = request.rows[r].content else {
            return MathRowProgram(row: r, instructions: [], result: r, release: [])
        }
        let nodes = ast.nodes
        var parent = [Int](repeating: -1, count: nodes.count)
        for (n, node) in nodes.enumerated() {
            for c in children(node.kind) { parent[c] = n }
        }
        func isScalar(_ n: Int) -> Bool { infos[n].type == .scalar }
        func isEW(_ n: Int) -> Bool {
            guard !isScalar(n), infos[n].type == .series || infos[n].type.isArray else { return false }
            switch nodes[n].kind {
            case .binary, .negate: return true
            case .call(_, let args):
                switch infos[n].function {
                case .abs?, .ceil?, .floor?, .log?, .log10?: return true
                case .if?: return !isScalar(args[0])
                default: return false
                }
            default: return false
            }
        }
        var inline = [Bool](repeating: false, count: nodes.count)
        for n in nodes.indices where isEW(n) && parent[n] >= 0 && isEW(parent[n]) {
            inline[n] = infos[n].type.isArray == infos[parent[n]].type.isArray
        }
        var groupRoot = Array(nodes.indices)
        for n in nodes.indices.reversed() where inline[n] { groupRoot[n] = groupRoot[parent[n]] }

        var instructions: [MathInstr] = []
        let reg = { (n: Int) in register(r, n) }
        let metricPeriods = request.rows[r].metricDependencies.compactMap { m -> Int? in
            if case .metric(let p) = request.rows[m].content { return p } else { return nil }
        }
        let gridPeriod = metricPeriods.min() ?? rowPeriod

        /// Known scalars read by an element-wise op become constants of its group (`EWArg.constant`).
        func foldedIntoGroup(_ n: Int) -> Bool {
            guard isScalar(n), parent[n] >= 0, isEW(parent[n]) else { return false }
            if case .unknown = infos[n].constant { return false }
            return true
        }
        for (n, node) in nodes.enumerated() {
            let dst = rowBase[r] + n
            if inline[n] || foldedIntoGroup(n) { continue }
            if isScalar(n) {
                switch infos[n].constant {
                case .value(let v): instructions.append(MathInstr(dst: dst, op: .constant(v))); continue
                case .missing: instructions.append(MathInstr(dst: dst, op: .constant(nil))); continue
                case .unknown: break
                }
            }
            if isEW(n) {
                instructions.append(MathInstr(dst: dst, op: .group(group(r, n, nodes, infos, groupRoot))))
                continue
            }
            switch node.kind {
            case .number(let v):
                instructions.append(MathInstr(dst: dst, op: .constant(v)))
            case .identifier, .string, .keyword:
                continue
            case .negate(let a):
                instructions.append(MathInstr(dst: dst, op: .scalarNegate(reg(a))))
            case .binary(let op, let a, let b):
                instructions.append(MathInstr(dst: dst, op: .scalarBinary(op, reg(a), reg(b))))
            case .array(let elements):
                // A string array (DB_PERF_INSIGHTS) is only an argument, never a value.
                if case .stringArray = infos[n].type { continue }
                instructions.append(MathInstr(dst: dst, op: .arrayLiteral(elements.map(reg))))
            case .call(_, let args):
                guard let f = infos[n].function, let op = callOp(f, args, infos, infos[n], reg, gridPeriod) else { continue }
                instructions.append(MathInstr(dst: dst, op: op))
            }
        }
        let result = resultRegister(r)
        return MathRowProgram(row: r, instructions: instructions, result: result,
                              release: releasePlan(instructions, keep: result))
    }

    private func callOp(
        _ f: MathFunction, _ args: [Int], _ infos: [MathNodeInfo], _ info: MathNodeInfo, _ reg: (Int) -> Int,
        _ gridPeriod: Int?
    ) -> MathInstr.Op? {
        let a = args.map(reg)
        switch f {
        case .avg, .max, .min, .sum, .stddev, .datapointCount:
            return infos[args[0]].type.isArray ? .reduceArray(f, a[0]) : .reduce(f, a[0])
        case .diff, .diffTime, .rate, .runningSum:
            return .sequential(f, a[0])
        case .fill:
            switch infos[args[1]].type {
            case .keyword("REPEAT"): return .fill(a[0], .repeatLast)
            case .keyword("LINEAR"): return .fill(a[0], .linear)
            case .scalar: return .fill(a[0], .scalar(a[1]))
            default: return .fill(a[0], .series(a[1]))
            }
        case .minute, .hour, .day, .date, .month, .year, .epoch:
            return .timePart(f, a[0])
        case .timeSeries:
            return .timeSeries(a[0], period: gridPeriod)
        case .first: return .first(a[0])
        case .last: return .last(a[0])
        case .removeEmpty: return .removeEmpty(a[0])
        case .metricCount: return .metricCount(a[0])
        case .slice: return .slice(a[0], a[1], a.count > 2 ? a[2] : nil)
        case .sort:
            guard case .keyword(let fn) = infos[args[1]].type, case .keyword(let order) = infos[args[2]].type,
                  let key = MathFunction(rawValue: fn) else { return nil }
            return .sort(a[0], key, descending: order == "DESC", limit: a.count > 3 ? a[3] : nil)
        case .metrics:
            return .metrics(info.metricRows)
        case .search:
            return info.searchIndex.map { .search($0) }
        case .if:
            return .ifScalar(a[0], a[1], a.count > 2 ? a[2] : nil)
        case .anomalyDetectionBand:
            var history: Int?
            if case .metric(let m)? = infos[args[0]].ref { history = m }
            return .band(a[0], k: a.count > 1 ? a[1] : nil, historyRow: history)
        case .serviceQuota:
            return .emptySeries(period: nil)
        case .insightRuleMetric:
            return .emptySeries(period: gridPeriod)
        case .dbPerfInsights:
            if case .stringArray(let c) = infos[args[2]].type { return .emptyArray(c, period: gridPeriod) }
            return .emptySeries(period: gridPeriod)
        case .abs, .ceil, .floor, .log, .log10, .period, .lambda:
            return nil  // element-wise (handled as groups), constant, or rejected by the checker
        }
    }

    private func group(_ r: Int, _ root: Int, _ nodes: [MathNode], _ infos: [MathNodeInfo], _ groupRoot: [Int]) -> MathEWGroup {
        var inputs: [Int] = []
        var inputIndex: [Int: Int] = [:]
        var ops: [EWOp] = []
        var tempOf: [Int: Int] = [:]
        var free: [Int] = []
        var tempCount = 0
        func arg(_ c: Int) -> EWArg {
            if let t = tempOf[c] { return .temp(t) }
            if infos[c].type == .scalar, c < nodes.count {
                switch infos[c].constant {
                case .value(let v): return .constant(v)
                case .missing: return .constant(nil)
                case .unknown: break
                }
            }
            let g = register(r, c)
            if let i = inputIndex[g] { return .input(i) }
            inputIndex[g] = inputs.count
            inputs.append(g)
            return .input(inputs.count - 1)
        }
        // Members of the group: EW nodes whose group root is `root`, children first.
        for n in nodes.indices where groupRoot[n] == root {
            let kids: [Int]
            let code: EWCode
            switch nodes[n].kind {
            case .binary(let op, let a, let b): code = .binary(op); kids = [a, b]
            case .negate(let a): code = .unary(.negate); kids = [a]
            case .call(_, let args):
                switch infos[n].function {
                case .abs?: code = .unary(.abs)
                case .ceil?: code = .unary(.ceil)
                case .floor?: code = .unary(.floor)
                case .log?: code = .unary(.log)
                case .log10?: code = .unary(.log10)
                default: code = .ifThen(hasElse: args.count == 3)
                }
                kids = args
            default: continue
            }
            let args = kids.map(arg)
            for case .temp(let t) in args { free.append(t) }
            var out = -1
            if n != root {
                if let t = free.popLast() { out = t } else { out = tempCount; tempCount += 1 }
                tempOf[n] = out
            }
            ops.append(EWOp(code: code, args: args, out: out))
        }
        return MathEWGroup(ops: ops, inputs: inputs, tempCount: tempCount, isArray: infos[root].type.isArray)
    }

    private func children(_ kind: MathNode.Kind) -> [Int] {
        switch kind {
        case .number, .identifier, .string, .keyword: return []
        case .call(_, let args): return args
        case .array(let e): return e
        case .negate(let a): return [a]
        case .binary(_, let a, let b): return [a, b]
        }
    }

    /// For each instruction, the registers whose last reader it is (row results, metric and
    /// Insights registers are kept).
    private func releasePlan(_ instructions: [MathInstr], keep: Int) -> [[Int]] {
        var last: [Int: Int] = [:]
        for (i, ins) in instructions.enumerated() {
            for s in MathCompiler.sources(ins.op) { last[s] = i }
        }
        var plan = [[Int]](repeating: [], count: instructions.count)
        let produced = Set(instructions.map(\.dst))
        for (regIndex, i) in last where produced.contains(regIndex) && regIndex != keep {
            plan[i].append(regIndex)
        }
        return plan
    }

    static func sources(_ op: MathInstr.Op) -> [Int] {
        switch op {
        case .constant, .search, .emptySeries, .emptyArray: return []
        case .scalarNegate(let a), .reduce(_, let a), .reduceArray(_, let a), .sequential(_, let a),
             .timePart(_, let a), .timeSeries(let a, _), .first(let a), .last(let a), .removeEmpty(let a),
             .metricCount(let a):
            return [a]
        case .scalarBinary(_, let a, let b): return [a, b]
        case .group(let g): return g.inputs
        case .fill(let a, let mode):
            switch mode {
            case .scalar(let b), .series(let b): return [a, b]
            default: return [a]
            }
        case .slice(let a, let b, let c): return [a, b] + (c.map { [$0] } ?? [])
        case .sort(let a, _, _, let l): return [a] + (l.map { [$0] } ?? [])
        case .arrayLiteral(let e), .metrics(let e): return e
        case .ifScalar(let a, let b, let c): return [a, b] + (c.map { [$0] } ?? [])
        case .band(let a, let k, _): return [a] + (k.map { [$0] } ?? [])
        }
    }
}
