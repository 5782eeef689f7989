// The Metrics Insights parser (grammar at the top of InsightsQuery.swift): a hand-written
// lexer and recursive-descent parser over Unicode scalars.

/// Lexer + parser for Metrics Insights queries. Use `InsightsQuery.parse`.
struct InsightsQueryParser {
    private enum Kind: Equatable {
        /// A bare word: keyword, name or number.
        case word(String)
        /// `"…"`: always a name.
        case name(String)
        /// `'…'`: always a label value.
        case value(String)
        case leftParen, rightParen, comma, equal, notEqual, end
    }

    private struct Token {
        var kind: Kind
        var position: Int
    }

    /// Words of this grammar that cannot be bare names. AWS reserves many more words; we only
    /// refuse those that would change how the query reads. Function names (`AVG`, `COUNT`, …)
    /// stay usable as bare names where a name is expected (`SUM(Count)`).
    static let reserved: Set<String> = [
        "SELECT", "FROM", "SCHEMA", "WHERE", "AND", "OR", "NOT", "GROUP", "BY", "ORDER", "ASC", "DESC", "LIMIT",
    ]

    private var tokens: [Token] = []
    private var cursor = 0

    static func isNameCharacter(_ c: Unicode.Scalar) -> Bool { c == "_" || SearchCharacter.isAlphanumeric(c) }

    static func parse(_ text: String) throws(InsightsQueryError) -> InsightsQuery {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count <= InsightsQuery.maxLength else {
            throw InsightsQueryError(
                .tooLong, at: InsightsQuery.maxLength,
                "the query is \(scalars.count) characters long; at most \(InsightsQuery.maxLength) are allowed")
        }
        // A character the lexer rejects ends the token list there; the error is reported
        // unless the parser finds an earlier problem, so errors come in reading order.
        var p = InsightsQueryParser()
        let lexError: InsightsQueryError?
        (p.tokens, lexError) = lex(scalars)
        let query: InsightsQuery
        do {
            query = try p.parseQuery(text)
        } catch {
            if let lexError, lexError.position <= error.position { throw lexError }
            throw error
        }
        if let lexError { throw lexError }
        return query
    }

    // MARK: Lexer

    /// The tokens up to the end, or up to the first character that cannot start a token (then
    /// with that error); the list always ends with `.end`.
    private static func lex(_ s: [Unicode.Scalar]) -> ([Token], InsightsQueryError?) {
        var out: [Token] = []
        do {
            try lex(s, into: &out)
            out.append(Token(kind: .end, position: s.count))
            return (out, nil)
        } catch {
            out.append(Token(kind: .end, position: error.position))
            return (out, error)
        }
    }

    private static func lex(_ s: [Unicode.Scalar], into out: inout [Token]) throws(InsightsQueryError) {
        var i = 0
        while i < s.count {
            let c = s[i]
            let at = i
            if c.properties.isWhitespace { i += 1; continue }
            switch c {
            case "(": out.append(Token(kind: .leftParen, position: at)); i += 1
            case ")": out.append(Token(kind: .rightParen, position: at)); i += 1
            case ",": out.append(Token(kind: .comma, position: at)); i += 1
            case "=": out.append(Token(kind: .equal, position: at)); i += 1
            case "!" where i + 1 < s.count && s[i + 1] == "=":
                out.append(Token(kind: .notEqual, position: at)); i += 2
            case "\"", "'":
                var text = String.UnicodeScalarView()
                i += 1
                var closed = false
                while i < s.count {
                    let d = s[i]
                    i += 1
                    if d == "\\" {
                        guard i < s.count else { break }
                        text.append(s[i])
                        i += 1
                    } else if d == c {
                        closed = true
                        break
                    } else {
                        text.append(d)
                    }
                }
                guard closed else {
                    throw InsightsQueryError(.unterminatedString, at: at, "the quoted text starting here has no closing \(c)")
                }
                out.append(Token(kind: c == "\"" ? .name(String(text)) : .value(String(text)), position: at))
            default:
                guard isNameCharacter(c) else {
                    if c == "<" || c == ">" || c == "!" {
                        throw InsightsQueryError(.unsupportedOperator, at: at, "only = and != are supported in WHERE")
                    }
                    throw InsightsQueryError(
                        .unexpectedCharacter, at: at,
                        "unexpected character '\(c)' (names with characters other than letters, digits and _ go in double quotes)")
                }
                var word = String.UnicodeScalarView()
                while i < s.count, isNameCharacter(s[i]) { word.append(s[i]); i += 1 }
                out.append(Token(kind: .word(String(word)), position: at))
            }
        }
    }

    // MARK: Helpers

    private var current: Token { tokens[cursor] }
    private mutating func advance() { if cursor < tokens.count - 1 { cursor += 1 } }

    private static func describe(_ k: Kind) -> String {
        switch k {
        case .word(let w): return "'\(w)'"
        case .name(let n): return "\"\(n)\""
        case .value(let v): return "'\(v)' (a quoted value)"
        case .leftParen: return "'('"
        case .rightParen: return "')'"
        case .comma: return "','"
        case .equal: return "'='"
        case .notEqual: return "'!='"
        case .end: return "the end of the query"
        }
    }

    private func isKeyword(_ keyword: String) -> Bool {
        if case .word(let w) = current.kind { return w.uppercased() == keyword }
        return false
    }

    private mutating func expectKeyword(_ keyword: String, _ context: String) throws(InsightsQueryError) {
        guard isKeyword(keyword) else {
            throw InsightsQueryError(
                .expectedKeyword, at: current.position, "expected \(keyword) \(context), found \(Self.describe(current.kind))")
        }
        advance()
    }

    private mutating func expect(_ kind: Kind, _ symbol: String, _ context: String) throws(InsightsQueryError) {
        guard current.kind == kind else {
            throw InsightsQueryError(.expectedSymbol, at: current.position, "expected \(symbol) \(context), found \(Self.describe(current.kind))")
        }
        advance()
    }

    private mutating func parseFunction(_ context: String) throws(InsightsQueryError) -> InsightsQuery.Function {
        if case .word(let w) = current.kind, let f = InsightsQuery.Function(rawValue: w.uppercased()) {
            advance()
            return f
        }
        throw InsightsQueryError(
            .expectedFunction, at: current.position, "expected AVG, COUNT, MAX, MIN or SUM \(context), found \(Self.describe(current.kind))")
    }

    /// A bare or double-quoted name (metric, namespace or dimension).
    private mutating func parseName(_ what: String) throws(InsightsQueryError) -> String {
        let t = current
        switch t.kind {
        case .name(let n):
            guard !n.isEmpty else { throw InsightsQueryError(.expectedName, at: t.position, "the \(what) is empty") }
            advance()
            return n
        case .word(let w):
            if Self.reserved.contains(w.uppercased()) {
                throw InsightsQueryError(
                    .reservedWord, at: t.position, "\(w) is a reserved word; write the \(what) in double quotes: \"\(w)\"")
            }
            advance()
            return w
        case .value(let v):
            throw InsightsQueryError(
                .expectedName, at: t.position, "expected the \(what), found '\(v)': names take double quotes, not single quotes")
        default:
            throw InsightsQueryError(.expectedName, at: t.position, "expected the \(what), found \(Self.describe(t.kind))")
        }
    }

    // MARK: Clauses

    private mutating func parseQuery(_ text: String) throws(InsightsQueryError) -> InsightsQuery {
        try expectKeyword("SELECT", "at the start of the query")
        let function = try parseFunction("after SELECT")
        try expect(.leftParen, "'('", "after \(function.rawValue)")
        let metricName = try parseName("metric name")
        try expect(.rightParen, "')'", "after the metric name")
        try expectKeyword("FROM", "after SELECT \(function.rawValue)(…)")
        let source = try parseSource()
        var query = InsightsQuery(text: text, function: function, metricName: metricName, source: source)
        if isKeyword("WHERE") {
            advance()
            query.conditions = try parseConditions()
        }
        if isKeyword("GROUP") {
            advance()
            try expectKeyword("BY", "after GROUP")
            query.groupBy = try parseNameList("GROUP BY dimension name")
        }
        if isKeyword("ORDER") {
            advance()
            try expectKeyword("BY", "after ORDER")
            let f = try parseFunction("after ORDER BY")
            try expect(.leftParen, "'('", "after \(f.rawValue) in ORDER BY")
            try expect(.rightParen, "')'", "in ORDER BY \(f.rawValue)() (it takes no argument)")
            var descending = false
            if isKeyword("DESC") { descending = true; advance() } else if isKeyword("ASC") { advance() }
            query.orderBy = InsightsQuery.Ordering(function: f, descending: descending)
        }
        if isKeyword("LIMIT") {
            advance()
            query.limit = try parseLimit()
        }
        guard current.kind == .end else {
            throw InsightsQueryError(.unexpectedToken, at: current.position, "unexpected \(Self.describe(current.kind)) \(expectedNext(query))")
        }
        return query
    }

    /// What could still follow, for the "unexpected …" message.
    private func expectedNext(_ q: InsightsQuery) -> String {
        if q.limit != nil { return "after LIMIT" }
        if q.orderBy != nil { return "(expected LIMIT or the end)" }
        if !q.groupBy.isEmpty { return "(expected ORDER BY, LIMIT or the end)" }
        if !q.conditions.isEmpty { return "(expected AND, GROUP BY, ORDER BY, LIMIT or the end)" }
        return "(expected WHERE, GROUP BY, ORDER BY, LIMIT or the end)"
    }

    private mutating func parseSource() throws(InsightsQueryError) -> InsightsQuery.Source {
        if isKeyword("SCHEMA"), tokens[min(cursor + 1, tokens.count - 1)].kind == .leftParen {
            advance()
            advance()
            let ns = try parseName("namespace")
            var dims: [String] = []
            while current.kind == .comma {
                advance()
                let at = current.position
                let d = try parseName("SCHEMA dimension name")
                if dims.contains(d) {
                    throw InsightsQueryError(.duplicateDimension, at: at, "dimension \"\(d)\" appears twice in SCHEMA")
                }
                dims.append(d)
            }
            try expect(.rightParen, "')'", "to close SCHEMA(")
            return .schema(namespace: ns, dimensionNames: dims)
        }
        return .namespace(try parseName("namespace"))
    }

    private mutating func parseConditions() throws(InsightsQueryError) -> [InsightsQuery.Condition] {
        var out: [InsightsQuery.Condition] = []
        while true {
            let dim = try parseName("WHERE dimension name")
            let op: InsightsQuery.Condition.Operator
            switch current.kind {
            case .equal: op = .equal
            case .notEqual: op = .notEqual
            default:
                throw InsightsQueryError(.expectedSymbol, at: current.position, "expected = or != after \(dim), found \(Self.describe(current.kind))")
            }
            advance()
            guard case .value(let v) = current.kind else {
                throw InsightsQueryError(
                    .expectedValue, at: current.position,
                    "expected a value in single quotes after \(op.rawValue), found \(Self.describe(current.kind))")
            }
            advance()
            out.append(InsightsQuery.Condition(dimension: dim, op: op, value: v))
            if isKeyword("AND") { advance(); continue }
            if isKeyword("OR") {
                throw InsightsQueryError(.unsupportedOperator, at: current.position, "only AND can join WHERE conditions")
            }
            return out
        }
    }

    private mutating func parseNameList(_ what: String) throws(InsightsQueryError) -> [String] {
        var names = [try parseName(what)]
        while current.kind == .comma {
            advance()
            names.append(try parseName(what))
        }
        return names
    }

    private mutating func parseLimit() throws(InsightsQueryError) -> Int {
        let t = current
        guard case .word(let w) = t.kind, !w.isEmpty, w.unicodeScalars.allSatisfy({ $0.isASCII && $0.properties.numericType == .decimal }) else {
            throw InsightsQueryError(.invalidLimit, at: t.position, "LIMIT needs a whole number from 1 to \(InsightsQuery.maxSeries), found \(Self.describe(t.kind))")
        }
        advance()
        // Parse without overflow: anything longer than a few digits is over the limit anyway.
        let digits = w.drop { $0 == "0" }
        guard digits.count <= 4, let n = Int(digits.isEmpty ? "0" : String(digits)), n >= 1, n <= InsightsQuery.maxSeries else {
            throw InsightsQueryError(.invalidLimit, at: t.position, "LIMIT must be from 1 to \(InsightsQuery.maxSeries), not \(w)")
        }
        return n
    }
}
