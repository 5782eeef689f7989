// The SEARCH query-string parser (grammar at the top of SearchQuery.swift). Hand-written
// recursive descent over Unicode scalars; every error names what is wrong and where.

/// Lexer + parser for SEARCH query strings. Use `SearchQuery.parse`.
struct SearchQueryParser {
    private enum Kind: Equatable {
        case word(String)
        case quoted(String)
        case leftParen, rightParen, equals, end
    }

    private struct Token {
        var kind: Kind
        var position: Int
    }

    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var tokens: [Token] = []
    private var cursor = 0
    private var depth = 0

    private init(_ text: String) { scalars = Array(text.unicodeScalars) }

    static func parse(_ text: String) throws(SearchQueryError) -> SearchQuery {
        var p = SearchQueryParser(text)
        guard p.scalars.count <= SearchQuery.maxLength else {
            throw SearchQueryError(
                .tooLong, at: SearchQuery.maxLength,
                "the query is \(p.scalars.count) characters long; at most \(SearchQuery.maxLength) are allowed")
        }
        p.skipWhitespace()
        var schema: SearchSchema?
        if p.peek == "{" {
            schema = try p.parseSchema()
            p.skipWhitespace()
            if p.peek == "," { p.index += 1 }  // `{ns}, term`: the comma is whitespace
        }
        try p.lex()
        var term: SearchTerm?
        if p.current.kind != .end {
            term = try p.parseOr()
            if p.current.kind != .end {
                let t = p.current
                if t.kind == .rightParen {
                    throw SearchQueryError(.unbalancedParenthesis, at: t.position, "')' has no matching '('")
                }
                throw SearchQueryError(.unexpectedToken, at: t.position, "unexpected \(describe(t.kind))")
            }
        }
        guard schema != nil || term != nil else {
            throw SearchQueryError(.empty, at: 0, "the query needs a schema {Namespace, …}, a search term, or both")
        }
        return SearchQuery(text: text, schema: schema, term: term)
    }

    // MARK: Characters

    private var peek: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

    private static func isSpace(_ c: Unicode.Scalar) -> Bool { c.properties.isWhitespace }

    private mutating func skipWhitespace() {
        while let c = peek, Self.isSpace(c) { index += 1 }
    }

    /// Reads a double-quoted string starting at `index` (on the quote). Backslash escapes the
    /// next character, whatever it is (`\"`, `\\`, `\(`, `\)` are the documented ones).
    private mutating func readQuoted() throws(SearchQueryError) -> String {
        let start = index
        index += 1
        var out = String.UnicodeScalarView()
        while let c = peek {
            index += 1
            if c == "\\" {
                guard let e = peek else { break }
                out.append(e)
                index += 1
            } else if c == "\"" {
                return String(out)
            } else {
                out.append(c)
            }
        }
        throw SearchQueryError(.unterminatedString, at: start, "the string starting here has no closing '\"'")
    }

    // MARK: Schema

    private mutating func parseSchema() throws(SearchQueryError) -> SearchSchema {
        let open = index
        index += 1
        var names: [(String, Int)] = []
        while true {
            skipWhitespace()
            let at = index
            guard let c = peek else {
                throw SearchQueryError(.unterminatedSchema, at: open, "the schema starting here has no closing '}'")
            }
            let name: String
            if c == "\"" {
                name = try readQuoted()
            } else {
                var out = String.UnicodeScalarView()
                while let d = peek, !Self.isSpace(d), d != ",", d != "}", d != "{", d != "\"" {
                    out.append(d)
                    index += 1
                }
                name = String(out)
            }
            if name.isEmpty {
                if c == "}" && names.isEmpty {
                    throw SearchQueryError(.emptySchema, at: open, "the schema needs at least a namespace")
                }
                if c == "{" || c == "\"" || c == "," || c == "}" {
                    throw SearchQueryError(.invalidSchema, at: at, "expected a name in the schema, found '\(c)'")
                }
            }
            names.append((name, at))
            skipWhitespace()
            guard let sep = peek else {
                throw SearchQueryError(.unterminatedSchema, at: open, "the schema starting here has no closing '}'")
            }
            index += 1
            if sep == "}" { break }
            if sep != "," {
                throw SearchQueryError(
                    .invalidSchema, at: index - 1,
                    "expected ',' or '}' in the schema, found '\(sep)' (quote names that contain spaces or punctuation)")
            }
        }
        let namespace = names[0].0
        var dims: [String] = []
        for (name, at) in names.dropFirst() {
            if dims.contains(name) {
                throw SearchQueryError(.duplicateSchemaDimension, at: at, "dimension \"\(name)\" appears twice in the schema")
            }
            dims.append(name)
        }
        return SearchSchema(namespace: namespace, dimensionNames: dims)
    }

    // MARK: Lexer

    private mutating func lex() throws(SearchQueryError) {
        while true {
            skipWhitespace()
            let at = index
            guard let c = peek else {
                tokens.append(Token(kind: .end, position: at))
                return
            }
            switch c {
            case "(": index += 1; tokens.append(Token(kind: .leftParen, position: at))
            case ")": index += 1; tokens.append(Token(kind: .rightParen, position: at))
            case "=": index += 1; tokens.append(Token(kind: .equals, position: at))
            case "\"": tokens.append(Token(kind: .quoted(try readQuoted()), position: at))
            case "{", "}":
                throw SearchQueryError(.misplacedSchema, at: at, "a schema {Namespace, …} may only appear at the start of the query")
            default:
                var out = String.UnicodeScalarView()
                while let d = peek, !Self.isSpace(d), !"()=\"{}".unicodeScalars.contains(d) {
                    out.append(d)
                    index += 1
                }
                tokens.append(Token(kind: .word(String(out)), position: at))
            }
        }
    }

    // MARK: Parser

    private var current: Token { tokens[cursor] }
    private var next: Token { tokens[min(cursor + 1, tokens.count - 1)] }

    private mutating func advance() { if cursor < tokens.count - 1 { cursor += 1 } }

    private static func describe(_ k: Kind) -> String {
        switch k {
        case .word(let w): return "'\(w)'"
        case .quoted(let q): return "\"\(q)\""
        case .leftParen: return "'('"
        case .rightParen: return "')'"
        case .equals: return "'='"
        case .end: return "end of query"
        }
    }

    private func isOperator(_ t: Token, _ op: String) -> Bool {
        t.kind == .word(op) && next.kind != .equals
    }

    /// Whether the current token can start an operand (so adjacency means AND).
    private var startsOperand: Bool {
        switch current.kind {
        case .word: return !isOperator(current, "AND") && !isOperator(current, "OR")
        case .quoted, .leftParen, .equals: return true
        case .rightParen, .end: return false
        }
    }

    private mutating func enter(_ at: Int) throws(SearchQueryError) {
        depth += 1
        if depth > SearchQuery.maxNestingDepth {
            throw SearchQueryError(
                .nestingTooDeep, at: at, "parentheses and NOT are nested more than \(SearchQuery.maxNestingDepth) deep")
        }
    }

    private mutating func parseOr() throws(SearchQueryError) -> SearchTerm {
        var terms = [try parseAnd()]
        while isOperator(current, "OR") {
            let at = current.position
            advance()
            guard startsOperand else { throw missingOperand("OR", at, right: true) }
            terms.append(try parseAnd())
        }
        return terms.count == 1 ? terms[0] : .or(terms)
    }

    private mutating func parseAnd() throws(SearchQueryError) -> SearchTerm {
        var terms = [try parseUnary()]
        while true {
            if isOperator(current, "AND") {
                let at = current.position
                advance()
                guard startsOperand else { throw missingOperand("AND", at, right: true) }
            } else if !startsOperand {
                break
            }
            terms.append(try parseUnary())
        }
        return terms.count == 1 ? terms[0] : .and(terms)
    }

    private mutating func parseUnary() throws(SearchQueryError) -> SearchTerm {
        guard isOperator(current, "NOT") else { return try parsePrimary() }
        let at = current.position
        advance()
        guard startsOperand else { throw missingOperand("NOT", at, right: true) }
        try enter(at)
        let operand = try parseUnary()
        depth -= 1
        return .not(operand)
    }

    private func missingOperand(_ op: String, _ at: Int, right: Bool) -> SearchQueryError {
        SearchQueryError(.missingOperand, at: at, "\(op) needs a search term on its \(right ? "right" : "left")")
    }

    private mutating func parsePrimary() throws(SearchQueryError) -> SearchTerm {
        let t = current
        switch t.kind {
        case .leftParen:
            try enter(t.position)
            advance()
            if current.kind == .rightParen {
                throw SearchQueryError(.emptyGroup, at: t.position, "the parentheses contain no search term")
            }
            if current.kind == .end {
                throw SearchQueryError(.unbalancedParenthesis, at: t.position, "'(' has no matching ')'")
            }
            let inner = try parseOr()
            guard current.kind == .rightParen else {
                if current.kind == .end {
                    throw SearchQueryError(.unbalancedParenthesis, at: t.position, "'(' has no matching ')'")
                }
                throw SearchQueryError(.unexpectedToken, at: current.position, "unexpected \(Self.describe(current.kind))")
            }
            advance()
            depth -= 1
            return inner
        case .word(let w) where next.kind != .equals:
            if w == "AND" || w == "OR" { throw missingOperand(w, t.position, right: false) }
            advance()
            return try partial(w, property: .any, at: t.position)
        case .quoted(let q) where next.kind != .equals:
            advance()
            return try exact(q, property: .any, at: t.position)
        case .word(let name), .quoted(let name):
            advance()  // the name
            let eq = current.position
            advance()  // '='
            return try designator(name, nameAt: t.position, equalsAt: eq)
        case .equals:
            throw SearchQueryError(.missingPropertyName, at: t.position, "'=' needs a property name on its left (MetricName=, Namespace= or a dimension name)")
        case .rightParen:
            throw SearchQueryError(.unbalancedParenthesis, at: t.position, "')' has no matching '('")
        case .end:
            throw SearchQueryError(.missingOperand, at: t.position, "a search term is missing at the end of the query")
        }
    }

    private mutating func designator(_ name: String, nameAt: Int, equalsAt: Int) throws(SearchQueryError) -> SearchTerm {
        let v = current
        let value: String, quoted: Bool
        switch v.kind {
        case .word(let w): value = w; quoted = false
        case .quoted(let q): value = q; quoted = true
        default:
            throw SearchQueryError(.missingValue, at: equalsAt, "\(name)= needs a value (a term or a \"quoted\" string)")
        }
        advance()
        if name == ":aws.AccountId" {
            if quoted { return .accountFilter(value) }
            // `'LOCAL'` / `'111122223333'` arrive as words with their single quotes.
            if value.hasPrefix("'") {
                guard value.count >= 2, value.hasSuffix("'") else {
                    throw SearchQueryError(.unterminatedString, at: v.position, "the account id starting here has no closing \"'\"")
                }
                return .accountFilter(String(value.dropFirst().dropLast()))
            }
            return .accountFilter(value)
        }
        if name.hasPrefix(":") {
            throw SearchQueryError(.unsupportedProperty, at: nameAt, "unsupported property \(name) (only :aws.AccountId is supported)")
        }
        if name.isEmpty {
            throw SearchQueryError(.missingPropertyName, at: nameAt, "the property name before '=' is empty")
        }
        let property: SearchMatch.Property
        switch name {
        case "MetricName": property = .metricName
        case "Namespace": property = .namespace
        default: property = .dimension(name)
        }
        return quoted ? try exact(value, property: property, at: v.position) : try partial(value, property: property, at: v.position)
    }

    private func partial(_ text: String, property: SearchMatch.Property, at: Int) throws(SearchQueryError) -> SearchTerm {
        guard let m = SearchMatch(property: property, text: text, isExact: false) else {
            throw SearchQueryError(.emptyTerm, at: at, "the search term '\(text)' has no letter or digit")
        }
        return .match(m)
    }

    private func exact(_ text: String, property: SearchMatch.Property, at: Int) throws(SearchQueryError) -> SearchTerm {
        guard !text.isEmpty, let m = SearchMatch(property: property, text: text, isExact: true) else {
            throw SearchQueryError(.emptyTerm, at: at, "the quoted search term is empty")
        }
        return .match(m)
    }
}
