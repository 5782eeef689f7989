/// Binary operators, lowest precedence last in the grammar (metric-math.md §3.2).
enum MathBinaryOp: String, Sendable, Equatable, CaseIterable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", power = "^"
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case and = "AND", or = "OR"
}

/// One node of a parsed expression. Nodes live in a flat array in which every child comes
/// before its parent (post-order), so later passes walk the array by index and never recurse:
/// a 2,048-character chain such as `m1+m1+…` cannot exhaust the stack.
struct MathNode: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case number(Double)
        /// A row id (or an unknown word that is not a function call).
        case identifier(String)
        case string(value: String, raw: String)
        /// A bare upper-case word used as an argument: REPEAT, LINEAR, AVG, ASC, …
        case keyword(String)
        case call(name: String, args: [Int])
        /// `[a, b, …]`
        case array([Int])
        case negate(Int)
        case binary(MathBinaryOp, Int, Int)
    }
    var kind: Kind
    /// 0-based offset of the token that starts the node (the operator for binary nodes).
    var position: Int
}

/// A parsed expression: `nodes` in post-order, the root is the last node.
struct MathAST: Sendable, Equatable {
    var nodes: [MathNode]
    var root: Int { nodes.count - 1 }
}

/// Limits that keep hostile input from costing more than a normal expression.
public enum MathLimits {
    /// Longest expression text, in Unicode scalars (the `MetricExpression` shape allows 1–2048).
    public static let maxExpressionLength = 2048
    /// Deepest nesting of parentheses, calls, arrays, unary minus and `^` the parser accepts.
    /// Deeper input fails with `MathError.Kind.nestingTooDeep` instead of exhausting the stack.
    public static let maxNestingDepth = 100
    /// Longest SEARCH query string (metric-math.md §10).
    public static let maxSearchQueryLength = 1024
    /// SEARCH expressions per request (§14).
    public static let maxSearchCalls = 100
    /// Time series all SEARCH results of a request may hold together (§14); more are cut and
    /// the row is marked `partialData`.
    public static let maxSearchSeries = 500
    /// Most timestamps the evaluation grid (the union of every input's timestamps) may hold.
    public static let maxGridPoints = 20_000_000
}

/// Recursive-descent parser for the grammar of metric-math.md §3.2. Hand-written for exact
/// error positions; recursion depth is bounded by `MathLimits.maxNestingDepth`.
struct MathParser {
    private var tokens: [MathToken]
    private var index = 0
    private var depth = 0
    private(set) var nodes: [MathNode] = []

    private init(tokens: [MathToken]) { self.tokens = tokens }

    /// Parses a whole math expression (not a Metrics Insights query).
    static func parse(_ text: String) throws(MathSyntaxError) -> MathAST {
        let tokens = try MathLexer.tokenize(text)
        var parser = MathParser(tokens: tokens)
        _ = try parser.parseExpression()
        if parser.current.kind != .end { throw parser.unexpected() }
        return MathAST(nodes: parser.nodes)
    }

    private var current: MathToken { tokens[index] }
    private func peekKind(_ offset: Int = 1) -> MathToken.Kind {
        let i = min(index + offset, tokens.count - 1)
        return tokens[i].kind
    }

    private func unexpected(_ detail: String? = nil) -> MathSyntaxError {
        let t = current
        if t.kind == .end { return MathSyntaxError(position: t.position, detail: detail ?? "unexpected end of expression") }
        return MathSyntaxError(position: t.position, detail: detail ?? "unexpected \"\(t.text)\"")
    }

    private mutating func add(_ kind: MathNode.Kind, _ position: Int) -> Int {
        nodes.append(MathNode(kind: kind, position: position))
        return nodes.count - 1
    }

    /// One more level of nesting, opened by the token at `position`.
    private mutating func enter(_ position: Int) throws(MathSyntaxError) {
        depth += 1
        if depth > MathLimits.maxNestingDepth {
            throw MathSyntaxError(
                position: position,
                detail: "expression is nested too deeply (more than \(MathLimits.maxNestingDepth) levels)", tooDeep: true)
        }
    }

    private func isSymbol(_ s: MathSymbol) -> Bool { current.kind == .symbol(s) }
    private func isWord(_ w: String) -> Bool { current.kind == .word(w) }

    private mutating func expect(_ s: MathSymbol) throws(MathSyntaxError) {
        guard isSymbol(s) else { throw unexpected() }
        index += 1
    }

    mutating func parseExpression() throws(MathSyntaxError) -> Int {
        var lhs = try parseAnd()
        while isSymbol(.or) || isWord("OR") {
            let pos = current.position
            index += 1
            let rhs = try parseAnd()
            lhs = add(.binary(.or, lhs, rhs), pos)
        }
        return lhs
    }

    private mutating func parseAnd() throws(MathSyntaxError) -> Int {
        var lhs = try parseComparison()
        while isSymbol(.and) || isWord("AND") {
            let pos = current.position
            index += 1
            let rhs = try parseComparison()
            lhs = add(.binary(.and, lhs, rhs), pos)
        }
        return lhs
    }

    private func comparisonOp() -> MathBinaryOp? {
        guard case .symbol(let s) = current.kind else { return nil }
        switch s {
        case .equal: return .equal
        case .notEqual: return .notEqual
        case .less: return .less
        case .lessEqual: return .lessEqual
        case .greater: return .greater
        case .greaterEqual: return .greaterEqual
        default: return nil
        }
    }

    private mutating func parseComparison() throws(MathSyntaxError) -> Int {
        let lhs = try parseAdditive()
        guard let op = comparisonOp() else { return lhs }
        let pos = current.position
        index += 1
        let rhs = try parseAdditive()
        if comparisonOp() != nil { throw unexpected("comparisons cannot be chained") }
        return add(.binary(op, lhs, rhs), pos)
    }

    private mutating func parseAdditive() throws(MathSyntaxError) -> Int {
        var lhs = try parseMultiplicative()
        while isSymbol(.plus) || isSymbol(.minus) {
            let op: MathBinaryOp = isSymbol(.plus) ? .add : .subtract
            let pos = current.position
            index += 1
            let rhs = try parseMultiplicative()
            lhs = add(.binary(op, lhs, rhs), pos)
        }
        return lhs
    }

    private mutating func parseMultiplicative() throws(MathSyntaxError) -> Int {
        var lhs = try parseUnary()
        while isSymbol(.star) || isSymbol(.slash) {
            let op: MathBinaryOp = isSymbol(.star) ? .multiply : .divide
            let pos = current.position
            index += 1
            let rhs = try parseUnary()
            lhs = add(.binary(op, lhs, rhs), pos)
        }
        return lhs
    }

    private mutating func parseUnary() throws(MathSyntaxError) -> Int {
        guard isSymbol(.minus) else { return try parsePower() }
        let pos = current.position
        index += 1
        try enter(pos)
        defer { depth -= 1 }
        let operand = try parseUnary()
        return add(.negate(operand), pos)
    }

    /// `primary [ "^" unary ]`: right-associative and tighter than a unary minus on its left.
    private mutating func parsePower() throws(MathSyntaxError) -> Int {
        let base = try parsePrimary()
        guard isSymbol(.caret) else { return base }
        let pos = current.position
        index += 1
        try enter(pos)
        defer { depth -= 1 }
        let exponent = try parseUnary()
        return add(.binary(.power, base, exponent), pos)
    }

    private mutating func parsePrimary() throws(MathSyntaxError) -> Int {
        let token = current
        switch token.kind {
        case .number(let v):
            index += 1
            return add(.number(v), token.position)
        case .symbol(.leftParen):
            index += 1
            try enter(token.position)
            defer { depth -= 1 }
            let inner = try parseExpression()
            try expect(.rightParen)
            return inner
        case .symbol(.leftBracket):
            index += 1
            try enter(token.position)
            defer { depth -= 1 }
            var elements: [Int] = []
            if !isSymbol(.rightBracket) {
                elements.append(try parseArgument())
                while isSymbol(.comma) {
                    index += 1
                    elements.append(try parseArgument())
                }
            }
            try expect(.rightBracket)
            return add(.array(elements), token.position)
        case .word(let w):
            if peekKind() == .symbol(.leftParen) {
                index += 2
                try enter(token.position)
                defer { depth -= 1 }
                var args: [Int] = []
                if !isSymbol(.rightParen) {
                    args.append(try parseArgument())
                    while isSymbol(.comma) {
                        index += 1
                        args.append(try parseArgument())
                    }
                }
                try expect(.rightParen)
                return add(.call(name: w, args: args), token.position)
            }
            if MathParser.isUpperWord(w) { throw unexpected() }
            index += 1
            return add(.identifier(w), token.position)
        default:
            throw unexpected()
        }
    }

    /// `expr | string | keyword` — strings and bare upper-case words only as whole arguments.
    private mutating func parseArgument() throws(MathSyntaxError) -> Int {
        let token = current
        let next = peekKind()
        let endsArgument = next == .symbol(.comma) || next == .symbol(.rightParen) || next == .symbol(.rightBracket)
        switch token.kind {
        case .string(let value, let raw):
            index += 1
            return add(.string(value: value, raw: raw), token.position)
        case .word(let w) where MathParser.isUpperWord(w) && endsArgument:
            index += 1
            return add(.keyword(w), token.position)
        default:
            return try parseExpression()
        }
    }

    /// `[A-Z][A-Z0-9_]*`: a function name or keyword.
    static func isUpperWord(_ w: String) -> Bool {
        guard let first = w.unicodeScalars.first, first >= "A" && first <= "Z" else { return false }
        return w.unicodeScalars.allSatisfy { ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") || $0 == "_" }
    }
}
