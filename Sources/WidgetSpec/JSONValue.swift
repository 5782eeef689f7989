/// A decoded JSON value that keeps the six JSON types apart.
///
/// Booleans and numbers stay distinct (unlike `JSONSerialization` on Linux, which turns
/// both into `NSNumber`), so `"stacked": 1` can be told apart from `"stacked": true`.
/// Numbers are kept as `Double`: every number in a MetricWidget fits one exactly enough
/// (integers up to 2^53 are exact).
enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    /// Keys are case-sensitive. When a key appears twice, the last value wins (as in JavaScript).
    case object([String: JSONValue])

    /// The value with the article used in error messages, e.g. `a string ("300")` or `an array`.
    var typeDescription: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return "the boolean \(b)"
        case .number(let n): return "the number \(JSONValue.format(n))"
        case .string(let s): return "the string \(JSONValue.quote(s))"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// A number written the shortest way: integers without a fraction (`0`, `300`),
    /// other values as Swift prints them (`1.5`, `1e-07`).
    static func format(_ v: Double) -> String {
        if v.isFinite, v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return String(v)
    }

    /// A string in double quotes for messages, shortened when long.
    static func quote(_ s: String) -> String {
        let limit = 60
        if s.count <= limit { return "\"\(s)\"" }
        return "\"\(s.prefix(limit))…\""
    }
}

/// A strict RFC 8259 JSON parser producing `JSONValue`.
///
/// Written by hand (rather than through `JSONDecoder`) so that errors are plain,
/// nesting depth is bounded (`maxDepth`) and no input can crash the process.
/// Decisions: a leading UTF-8 byte-order mark is skipped; a lone UTF-16 surrogate in a
/// `\u` escape becomes U+FFFD (as lenient JavaScript-based tools would keep it);
/// numbers that overflow a `Double` are rejected.
struct JSONParser {
    /// Deepest allowed nesting of arrays and objects. Real widgets nest at most 5 levels.
    static let maxDepth = 256

    private let bytes: [UInt8]
    private var i = 0
    private var depth = 0

    private init(bytes: [UInt8]) { self.bytes = bytes }

    /// Parses one JSON document (surrounding whitespace allowed).
    static func parse(_ bytes: [UInt8]) throws(WidgetError) -> JSONValue {
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw WidgetError(.invalidJSON, path: "", "the MetricWidget is not valid UTF-8 text")
        }
        var parser = JSONParser(bytes: bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { parser.i = 3 }
        parser.skipWhitespace()
        guard parser.i < bytes.count else {
            throw WidgetError(.invalidJSON, path: "", "the MetricWidget is empty; expected a JSON object")
        }
        let value = try parser.parseValue()
        parser.skipWhitespace()
        guard parser.i == bytes.count else { throw parser.failure("unexpected text after the end of the JSON value") }
        return value
    }

    // MARK: - Errors

    /// An `invalidJSON` error naming the line and column of the current position.
    private func failure(_ what: String) -> WidgetError {
        var line = 1, column = 1
        for b in bytes[0..<min(i, bytes.count)] {
            if b == 0x0A { line += 1; column = 1 } else if b & 0xC0 != 0x80 { column += 1 }
        }
        return WidgetError(.invalidJSON, path: "", "not valid JSON: \(what) at line \(line), column \(column)")
    }

    private func unexpected() -> WidgetError {
        guard i < bytes.count else { return failure("unexpected end of input") }
        let b = bytes[i]
        if b >= 0x21 && b < 0x7F {
            return failure("unexpected character '\(Character(Unicode.Scalar(b)))'")
        }
        return failure("unexpected byte 0x\(String(b, radix: 16))")
    }

    // MARK: - Grammar

    private mutating func skipWhitespace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    private mutating func parseValue() throws(WidgetError) -> JSONValue {
        guard i < bytes.count else { throw failure("unexpected end of input") }
        switch bytes[i] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw unexpected()
        }
    }

    private mutating func literal(_ word: StaticString) throws(WidgetError) {
        let count = word.utf8CodeUnitCount
        let matches = word.withUTF8Buffer { w in
            i + count <= bytes.count && bytes[i..<(i + count)].elementsEqual(w)
        }
        guard matches else { throw unexpected() }
        i += count
    }

    private mutating func enterContainer() throws(WidgetError) {
        depth += 1
        guard depth <= JSONParser.maxDepth else {
            throw failure("arrays and objects are nested more than \(JSONParser.maxDepth) levels deep")
        }
    }

    private mutating func parseArray() throws(WidgetError) -> JSONValue {
        try enterContainer()
        i += 1  // [
        var items: [JSONValue] = []
        skipWhitespace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
            i += 1; depth -= 1
            return .array(items)
        }
        while true {
            skipWhitespace()
            items.append(try parseValue())
            skipWhitespace()
            guard i < bytes.count else { throw failure("unexpected end of input inside an array") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "]") { i += 1; break }
            throw failure("expected ',' or ']' in an array")
        }
        depth -= 1
        return .array(items)
    }

    private mutating func parseObject() throws(WidgetError) -> JSONValue {
        try enterContainer()
        i += 1  // {
        var fields: [String: JSONValue] = [:]
        skipWhitespace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
            i += 1; depth -= 1
            return .object(fields)
        }
        while true {
            skipWhitespace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else {
                throw i < bytes.count ? failure("expected a key in double quotes") : failure("unexpected end of input inside an object")
            }
            let key = try parseString()
            skipWhitespace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw failure("expected ':' after an object key") }
            i += 1
            skipWhitespace()
            fields[key] = try parseValue()
            skipWhitespace()
            guard i < bytes.count else { throw failure("unexpected end of input inside an object") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "}") { i += 1; break }
            throw failure("expected ',' or '}' in an object")
        }
        depth -= 1
        return .object(fields)
    }

    private mutating func parseString() throws(WidgetError) -> String {
        i += 1  // opening quote
        var out: [UInt8] = []
        while true {
            guard i < bytes.count else { throw failure("unterminated string") }
            let b = bytes[i]
            switch b {
            case UInt8(ascii: "\""):
                i += 1
                // The whole input was validated as UTF-8 and escapes append valid UTF-8.
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                i += 1
                guard i < bytes.count else { throw failure("unterminated string") }
                let e = bytes[i]
                i += 1
                switch e {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"): out.append(contentsOf: try parseUnicodeEscape())
                default:
                    i -= 1
                    throw failure("invalid escape sequence in a string")
                }
            case 0x00..<0x20:
                throw failure("control character inside a string (use an escape such as \\n)")
            default:
                out.append(b)
                i += 1
            }
        }
    }

    /// After `\u`: four hex digits, combining a surrogate pair when one follows.
    private mutating func parseUnicodeEscape() throws(WidgetError) -> [UInt8] {
        let first = try hex4()
        var scalar: Unicode.Scalar?
        if (0xD800...0xDBFF).contains(first), i + 1 < bytes.count,
           bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") {
            let save = i
            i += 2
            let second = try hex4()
            if (0xDC00...0xDFFF).contains(second) {
                scalar = Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))
            } else {
                i = save  // not a pair: the first is a lone surrogate, re-read the second escape later
            }
        } else {
            scalar = Unicode.Scalar(first)
        }
        return Array(String(Character(scalar ?? "\u{FFFD}")).utf8)
    }

    private mutating func hex4() throws(WidgetError) -> UInt32 {
        guard i + 4 <= bytes.count else { throw failure("incomplete \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[i]
            let d: UInt32
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(b - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(b - UInt8(ascii: "a")) + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(b - UInt8(ascii: "A")) + 10
            default: throw failure("invalid \\u escape")
            }
            v = v * 16 + d
            i += 1
        }
        return v
    }

    private mutating func parseNumber() throws(WidgetError) -> Double {
        let start = i
        func isDigit(_ at: Int) -> Bool { at < bytes.count && bytes[at] >= 0x30 && bytes[at] <= 0x39 }
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard isDigit(i) else { throw failure("invalid number") }
        if bytes[i] == UInt8(ascii: "0") {
            i += 1
            if isDigit(i) { throw failure("invalid number (leading zero)") }
        } else {
            while isDigit(i) { i += 1 }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard isDigit(i) else { throw failure("invalid number (digits expected after '.')") }
            while isDigit(i) { i += 1 }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard isDigit(i) else { throw failure("invalid number (digits expected in the exponent)") }
            while isDigit(i) { i += 1 }
        }
        let text = String(decoding: bytes[start..<i], as: UTF8.self)
        guard let v = Double(text), v.isFinite else {
            i = start
            throw failure("number \(text.prefix(40)) is too large")
        }
        return v
    }
}
