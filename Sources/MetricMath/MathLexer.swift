/// Tokens of the metric-math language (metric-math.md §3.1).
///
/// Positions are 0-based offsets in Unicode scalars of the expression text (for ASCII text
/// that is the character offset; a typographic quote counts as one).
struct MathToken: Equatable {
    enum Kind: Equatable {
        /// A word: `[A-Za-z][A-Za-z0-9_]*`. Row ids start lower-case, function names and
        /// keywords are upper-case; the parser and checker tell them apart.
        case word(String)
        case number(Double)
        /// A quoted string: `value` with `\"`, `\'`, `\\` unescaped; `raw` exactly as written
        /// between the quotes (SEARCH query strings have their own escapes, §10).
        case string(value: String, raw: String)
        case symbol(MathSymbol)
        case end
    }
    var kind: Kind
    var position: Int
    /// Source text of the token, for error messages.
    var text: String
}

enum MathSymbol: String, Equatable {
    case plus = "+", minus = "-", star = "*", slash = "/", caret = "^"
    case equal = "==", notEqual = "!=", lessEqual = "<=", greaterEqual = ">=", less = "<", greater = ">"
    case and = "&&", or = "||"
    case leftParen = "(", rightParen = ")", leftBracket = "[", rightBracket = "]", comma = ","
}

/// Splits an expression into tokens. Hand-written: the language is tiny and needs exact,
/// 0-based error positions, which no library in the mirror provides.
struct MathLexer {
    private let scalars: [Unicode.Scalar]
    private var index = 0

    init(_ text: String) { scalars = Array(text.unicodeScalars) }

    /// All tokens, ending with `.end`; throws a syntax error at the first bad character.
    static func tokenize(_ text: String) throws(MathSyntaxError) -> [MathToken] {
        var lexer = MathLexer(text)
        var tokens: [MathToken] = []
        while true {
            let t = try lexer.next()
            tokens.append(t)
            if t.kind == .end { return tokens }
        }
    }

    private static func isDoubleQuote(_ c: Unicode.Scalar) -> Bool {
        c == "\"" || c == "\u{201C}" || c == "\u{201D}"
    }

    private static func isLetter(_ c: Unicode.Scalar) -> Bool {
        (c >= "a" && c <= "z") || (c >= "A" && c <= "Z")
    }

    private static func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }

    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        let i = index + offset
        return i < scalars.count ? scalars[i] : nil
    }

    private func text(_ range: Range<Int>) -> String {
        if scalars[range].allSatisfy(\.isASCII) {
            return String(decoding: scalars[range].map { UInt8(truncatingIfNeeded: $0.value) }, as: UTF8.self)
        }
        var s = String.UnicodeScalarView()
        s.append(contentsOf: scalars[range])
        return String(s)
    }

    private static let twoCharacterSymbols: [(Unicode.Scalar, Unicode.Scalar, MathSymbol)] = [
        ("=", "=", .equal), ("!", "=", .notEqual), ("<", "=", .lessEqual), (">", "=", .greaterEqual),
        ("&", "&", .and), ("|", "|", .or),
    ]
    private static let oneCharacterSymbols: [Unicode.Scalar: MathSymbol] = [
        "+": .plus, "-": .minus, "*": .star, "/": .slash, "^": .caret, "<": .less, ">": .greater,
        "(": .leftParen, ")": .rightParen, "[": .leftBracket, "]": .rightBracket, ",": .comma,
    ]

    mutating func next() throws(MathSyntaxError) -> MathToken {
        while let c = peek(), c == " " || c == "\t" || c == "\r" || c == "\n" { index += 1 }
        let start = index
        guard let c = peek() else { return MathToken(kind: .end, position: start, text: "") }

        if MathLexer.isLetter(c) {
            index += 1
            while let d = peek(), MathLexer.isLetter(d) || MathLexer.isDigit(d) || d == "_" { index += 1 }
            let word = text(start..<index)
            return MathToken(kind: .word(word), position: start, text: word)
        }
        if MathLexer.isDigit(c) || (c == "." && peek(1).map(MathLexer.isDigit) == true) {
            return try number(start)
        }
        if c == "'" || MathLexer.isDoubleQuote(c) {
            return try string(start, singleQuoted: c == "'")
        }
        if let d = peek(1) {
            for (a, b, symbol) in MathLexer.twoCharacterSymbols where a == c && b == d {
                index += 2
                return MathToken(kind: .symbol(symbol), position: start, text: symbol.rawValue)
            }
        }
        if let symbol = MathLexer.oneCharacterSymbols[c] {
            index += 1
            return MathToken(kind: .symbol(symbol), position: start, text: symbol.rawValue)
        }
        throw MathSyntaxError(position: start, detail: "unexpected \"\(Character(c))\"")
    }

    /// `\d+(\.\d+)?([eE][+-]?\d+)?` or `\.\d+` (with the same optional exponent).
    private mutating func number(_ start: Int) throws(MathSyntaxError) -> MathToken {
        while let d = peek(), MathLexer.isDigit(d) { index += 1 }
        if peek() == ".", let d = peek(1), MathLexer.isDigit(d) {
            index += 1
            while let d = peek(), MathLexer.isDigit(d) { index += 1 }
        }
        if let e = peek(), e == "e" || e == "E" {
            var k = 1
            if let s = peek(1), s == "+" || s == "-" { k = 2 }
            if let d = peek(k), MathLexer.isDigit(d) {
                index += k
                while let d = peek(), MathLexer.isDigit(d) { index += 1 }
            }
        }
        let spelling = text(start..<index)
        guard let value = Double(spelling), value.isFinite else {
            throw MathSyntaxError(position: start, detail: "number \(spelling) is out of range")
        }
        return MathToken(kind: .number(value), position: start, text: spelling)
    }

    /// A string in `'…'`, `"…"` or typographic double quotes (U+201C/U+201D, interchangeable
    /// with `"`). A backslash escapes the next character: `\"`, `\'` and `\\` become the
    /// character itself; any other `\x` is kept verbatim (so SEARCH escapes such as `\(`
    /// reach the SEARCH parser unchanged).
    private mutating func string(_ start: Int, singleQuoted: Bool) throws(MathSyntaxError) -> MathToken {
        index += 1
        var value = String.UnicodeScalarView()
        let contentStart = index
        while true {
            guard let c = peek() else {
                throw MathSyntaxError(position: start, detail: "unterminated string")
            }
            if singleQuoted ? c == "'" : MathLexer.isDoubleQuote(c) {
                let raw = text(contentStart..<index)
                index += 1
                return MathToken(kind: .string(value: String(value), raw: raw), position: start, text: text(start..<index))
            }
            if c == "\\", let d = peek(1) {
                if d == "\"" || d == "'" || d == "\\" || MathLexer.isDoubleQuote(d) {
                    value.append(d)
                } else {
                    value.append(c); value.append(d)
                }
                index += 2
                continue
            }
            value.append(c)
            index += 1
        }
    }
}

/// A syntax problem found by the lexer or parser, before it is tied to a row.
struct MathSyntaxError: Error, Equatable {
    var position: Int
    var detail: String
    var tooDeep = false
}
