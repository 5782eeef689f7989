/// Why a text is not JSON, and where: a short message plus the byte offset, line and column.
///
/// Callers word their own messages from the parts, e.g. `invalid JSON at line 3, column 20:
/// expected ',' or ']' in an array`.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, e.g. `unexpected character '}'` or `expected ',' or ']' in an array`.
    public var message: String
    /// Where the problem was found: a 0-based byte offset into the input.
    public var offset: Int
    /// The 1-based line of `offset`; lines end at `\n`.
    public var line: Int
    /// The 1-based column of `offset`, counted in characters (Unicode scalars), not bytes.
    public var column: Int

    public init(message: String, offset: Int, line: Int, column: Int) {
        self.message = message; self.offset = offset; self.line = line; self.column = column
    }

    /// The error for `offset` in `bytes`, with its line and column counted.
    init(_ message: String, at offset: Int, in bytes: UnsafeBufferPointer<UInt8>) {
        let end = min(max(offset, 0), bytes.count)
        var line = 1, column = 1
        for b in bytes[0..<end] {
            if b == 0x0A {
                line += 1; column = 1
            } else if b & 0xC0 != 0x80 {  // not a UTF-8 continuation byte
                column += 1
            }
        }
        self.init(message: message, offset: end, line: line, column: column)
    }

    /// `unexpected character '}' at line 1, column 35`.
    public var description: String { "\(message) at line \(line), column \(column)" }
}

/// A strict RFC 8259 JSON parser producing `JSONValue`.
///
/// Written by hand so that errors are plain and positioned, nesting is bounded (`maxDepth`)
/// and no input can crash the process. It accepts exactly RFC 8259 JSON, plus a leading
/// UTF-8 byte-order mark, which is skipped. Strings must be valid UTF-8; numbers outside
/// the range of `Double` are errors. Object members keep their document order (`JSONObject`).
///
/// Large inputs (megabytes of timestamps and numbers) are read in one pass over the bytes:
/// a string without escapes becomes a `String` straight from its bytes, and most numbers are
/// converted exactly without building any text.
public enum JSONParser {
    /// The deepest allowed nesting of arrays and objects.
    public static let maxDepth = 256

    /// Choices where reasonable JSON readers differ.
    public struct Options: Sendable, Equatable {
        /// What to do with a `\u` escape naming half a UTF-16 surrogate pair.
        public enum LoneSurrogates: Sendable, Equatable {
            /// Reject the document (the default).
            case reject
            /// Read the escape as U+FFFD, as JavaScript-based tools effectively keep it.
            case replace
        }

        public var loneSurrogates: LoneSurrogates

        public init(loneSurrogates: LoneSurrogates = .reject) {
            self.loneSurrogates = loneSurrogates
        }
    }

    /// Parses one JSON document (surrounding whitespace allowed) from UTF-8 bytes.
    public static func parse(
        _ bytes: UnsafeBufferPointer<UInt8>, options: Options = Options()
    ) throws(JSONSyntaxError) -> JSONValue {
        var reader = JSONReader(bytes: bytes, options: options)
        return try reader.document()
    }

    /// Parses one JSON document (surrounding whitespace allowed) from UTF-8 bytes.
    public static func parse(_ bytes: [UInt8], options: Options = Options()) throws(JSONSyntaxError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { buffer throws(JSONSyntaxError) in try parse(buffer, options: options) }
    }

    /// Parses one JSON document (surrounding whitespace allowed) from text.
    public static func parse(_ text: String, options: Options = Options()) throws(JSONSyntaxError) -> JSONValue {
        var text = text
        let result = text.withUTF8 { buffer in  // `withUTF8` rethrows untyped errors: carry ours in a Result
            Result { () throws(JSONSyntaxError) in try parse(buffer, options: options) }
        }
        return try result.get()
    }
}

/// The recursive-descent reader behind `JSONParser`: a cursor over the input bytes.
///
/// Every read of `bytes[i]` is preceded by a check of `i` against the end.
private struct JSONReader {
    let bytes: UnsafeBufferPointer<UInt8>
    let options: JSONParser.Options
    /// The cursor: the offset of the next unread byte.
    var i = 0
    /// How many arrays and objects enclose the cursor.
    var depth = 0
    /// Reused buffer for strings with escapes.
    var scratch: [UInt8] = []

    init(bytes: UnsafeBufferPointer<UInt8>, options: JSONParser.Options) {
        self.bytes = bytes
        self.options = options
    }

    mutating func document() throws(JSONSyntaxError) -> JSONValue {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
        skipWhitespace()
        let root = try value()
        skipWhitespace()
        guard i == bytes.count else { throw failure("unexpected text after the JSON value") }
        return root
    }

    // MARK: - Errors

    func failure(_ message: String, at offset: Int? = nil) -> JSONSyntaxError {
        JSONSyntaxError(message, at: offset ?? i, in: bytes)
    }

    /// The byte at the cursor is not what the grammar allows there.
    func unexpected() -> JSONSyntaxError {
        guard i < bytes.count else { return failure("unexpected end of input") }
        let b = bytes[i]
        if b > 0x20 && b < 0x7F { return failure("unexpected character '\(Character(Unicode.Scalar(b)))'") }
        return failure("unexpected byte 0x\(String(b, radix: 16))")
    }

    // MARK: - Values

    mutating func skipWhitespace() {
        while i < bytes.count {
            switch bytes[i] {
            case 0x20, 0x0A, 0x0D, 0x09: i += 1
            default: return
            }
        }
    }

    mutating func value() throws(JSONSyntaxError) -> JSONValue {
        guard i < bytes.count else { throw failure("unexpected end of input") }
        switch bytes[i] {
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: throw unexpected()
        }
    }

    /// `true`, `false` or `null`; an error names the first byte that differs.
    mutating func literal(_ word: StaticString) throws(JSONSyntaxError) {
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        for b in expected {
            guard i < bytes.count, bytes[i] == b else { throw unexpected() }
            i += 1
        }
    }

    /// Enters the array or object whose opening bracket is at the cursor. Returns false when
    /// `close` follows at once: the container is empty and has been left again.
    mutating func enter(closingWith close: UInt8) throws(JSONSyntaxError) -> Bool {
        guard depth < JSONParser.maxDepth else {
            throw failure("arrays and objects are nested more than \(JSONParser.maxDepth) levels deep")
        }
        depth += 1
        i += 1
        skipWhitespace()
        guard i < bytes.count, bytes[i] == close else { return true }
        i += 1
        depth -= 1
        return false
    }

    /// After a member of a container: true at `,` (another member follows); false at `close`,
    /// which leaves the container.
    mutating func separator(close: UInt8, in container: String) throws(JSONSyntaxError) -> Bool {
        skipWhitespace()
        guard i < bytes.count else { throw failure("unexpected end of input inside \(container)") }
        switch bytes[i] {
        case UInt8(ascii: ","):
            i += 1
            return true
        case close:
            i += 1
            depth -= 1
            return false
        default:
            throw failure("expected ',' or '\(Character(Unicode.Scalar(close)))' in \(container)")
        }
    }

    mutating func array() throws(JSONSyntaxError) -> JSONValue {
        var items: [JSONValue] = []
        if try enter(closingWith: UInt8(ascii: "]")) {
            repeat {
                skipWhitespace()
                items.append(try value())
            } while try separator(close: UInt8(ascii: "]"), in: "an array")
        }
        return .array(items)
    }

    mutating func object() throws(JSONSyntaxError) -> JSONValue {
        var members: [JSONObject.Member] = []
        if try enter(closingWith: UInt8(ascii: "}")) {
            repeat {
                skipWhitespace()
                guard i < bytes.count else { throw failure("unexpected end of input inside an object") }
                guard bytes[i] == UInt8(ascii: "\"") else { throw failure("expected a key in double quotes") }
                let key = try string()
                skipWhitespace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw failure("expected ':' after an object key") }
                i += 1
                skipWhitespace()
                members.append((key: key, value: try value()))
            } while try separator(close: UInt8(ascii: "}"), in: "an object")
        }
        return .object(JSONObject(members))
    }

    // MARK: - Strings

    /// A string at the cursor (which is at its opening quote).
    ///
    /// Fast path: a string without escapes is scanned once and decoded from its bytes.
    mutating func string() throws(JSONSyntaxError) -> String {
        let open = i
        i += 1
        let start = i
        var allBits: UInt8 = 0  // the OR of every byte: below 0x80 when the string is ASCII
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                let utf8 = UnsafeBufferPointer(rebasing: bytes[start..<i])
                // ASCII needs no validation, and `String(decoding:)` is the faster initializer.
                let text = allBits < 0x80 ? String(decoding: utf8, as: UTF8.self) : try decode(utf8, openQuote: open)
                i += 1
                return text
            }
            if b == UInt8(ascii: "\\") || b < 0x20 { break }
            allBits |= b
            i += 1
        }
        return try escapedString(openQuote: open, start: start)
    }

    /// The rest of a string that has an escape (or a control character, or no end).
    mutating func escapedString(openQuote open: Int, start: Int) throws(JSONSyntaxError) -> String {
        scratch.removeAll(keepingCapacity: true)
        var run = start  // start of the bytes not yet copied to `scratch`
        while true {
            guard i < bytes.count else { throw failure("unterminated string", at: open) }
            let b = bytes[i]
            if b == UInt8(ascii: "\"") { break }
            if b < 0x20 { throw failure("control character inside a string (use an escape such as \\n)") }
            if b != UInt8(ascii: "\\") {
                i += 1
                continue
            }
            scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<i]))
            try escape(openQuote: open)
            run = i
        }
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<i]))
        i += 1  // closing quote
        return try decode(scratch, openQuote: open)
    }

    /// The string whose UTF-8 bytes are `utf8`; invalid UTF-8 is an error at the opening quote.
    func decode(_ utf8: some Collection<UInt8>, openQuote: Int) throws(JSONSyntaxError) -> String {
        guard let text = String(validating: utf8, as: UTF8.self) else {
            throw failure("invalid UTF-8 in a string", at: openQuote)
        }
        return text
    }

    /// One escape sequence at the cursor (a backslash), appended to `scratch` as UTF-8.
    mutating func escape(openQuote open: Int) throws(JSONSyntaxError) {
        let backslash = i
        i += 1
        guard i < bytes.count else { throw failure("unterminated string", at: open) }
        let e = bytes[i]
        i += 1
        switch e {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(e)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"): try unicodeEscape(backslash: backslash)
        default: throw failure("invalid escape sequence in a string", at: backslash)
        }
    }

    /// After `\u`: four hex digits, combined with a following `\uDC00…\uDFFF` when they are
    /// a high surrogate. A lone surrogate is handled as `options.loneSurrogates` says; with
    /// `.replace`, an escape after a lone high surrogate is read again on its own.
    mutating func unicodeEscape(backslash: Int) throws(JSONSyntaxError) {
        let first = try hex4()
        var scalar = Unicode.Scalar(first)  // nil for surrogates
        if (0xD800...0xDBFF).contains(first), i + 1 < bytes.count,
           bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") {
            let next = i
            i += 2
            let second = try hex4()
            if (0xDC00...0xDFFF).contains(second) {
                scalar = Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))
            } else {
                i = next
            }
        }
        if scalar == nil, options.loneSurrogates == .reject {
            throw failure("unpaired UTF-16 surrogate in a \\u escape", at: backslash)
        }
        UTF8.encode(scalar ?? "\u{FFFD}") { scratch.append($0) }
    }

    mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        guard bytes.count - i >= 4 else { throw failure("incomplete \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[i]
            let d: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = b - UInt8(ascii: "A") + 10
            default: throw failure("invalid \\u escape")
            }
            v = v << 4 | UInt32(d)
            i += 1
        }
        return v
    }

    // MARK: - Numbers

    /// The value of the decimal digit at `at`, or nil when there is none.
    func digit(at offset: Int) -> UInt64? {
        guard offset < bytes.count else { return nil }
        let d = bytes[offset] &- UInt8(ascii: "0")
        return d < 10 ? UInt64(d) : nil
    }

    /// A number at the cursor, checked against the RFC 8259 grammar.
    ///
    /// The digits are collected as an integer significand and a power of ten on the way;
    /// `DecimalToDouble` converts most numbers exactly from those, and anything else (more
    /// than 19 significant digits, large exponents) goes through the standard library.
    mutating func number() throws(JSONSyntaxError) -> Double {
        let start = i
        let negative = bytes[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        var significand: UInt64 = 0
        var significantDigits = 0  // digits in `significand`, leading zeros not counted
        var fractionDigits = 0
        func take(_ d: UInt64) {
            if significantDigits < 19 {
                significand = significand * 10 + d
                if significand > 0 { significantDigits += 1 }
            } else {
                significantDigits += 1  // too many for the fast path; the value comes from the text
            }
        }
        guard let lead = digit(at: i) else { throw failure("invalid number") }
        i += 1
        if lead == 0 {
            if digit(at: i) != nil { throw failure("invalid number (leading zero)") }
        } else {
            take(lead)
            while let d = digit(at: i) { take(d); i += 1 }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard digit(at: i) != nil else { throw failure("invalid number (digits expected after '.')") }
            while let d = digit(at: i) { take(d); fractionDigits += 1; i += 1 }
        }
        var exponent = 0
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            var negativeExponent = false
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
                negativeExponent = bytes[i] == UInt8(ascii: "-")
                i += 1
            }
            guard digit(at: i) != nil else { throw failure("invalid number (digits expected in the exponent)") }
            while let d = digit(at: i) {
                if exponent < 100_000 { exponent = exponent * 10 + Int(d) }
                i += 1
            }
            if negativeExponent { exponent = -exponent }
        }

        if significantDigits <= 19,
           let magnitude = DecimalToDouble.convert(significand: significand, power: exponent - fractionDigits) {
            return negative ? -magnitude : magnitude
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
        guard let v = Double(text), v.isFinite else {
            throw failure("number \(text.prefix(40)) is too large", at: start)
        }
        return v
    }
}
