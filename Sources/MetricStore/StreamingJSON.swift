import ChartCore
import Foundation

/// Where import bytes come from: a file (or standard input) read in fixed-size chunks, so a
/// file of any size is never held in memory.
final class ChunkedInput {
    private let handle: FileHandle
    private let chunkSize: Int
    private(set) var buffer: [UInt8] = []
    /// Read position in `buffer`.
    var index = 0
    /// Bytes dropped from the front of `buffer` so far (for byte offsets in errors).
    private(set) var consumedBefore = 0
    private var eof = false
    /// Bytes from `captureStart` on are kept across refills (a value being captured).
    var captureStart: Int? = nil

    init(handle: FileHandle, chunkSize: Int = 1 << 20) {
        self.handle = handle
        self.chunkSize = chunkSize
    }

    /// The byte offset of the read position in the whole input.
    var offset: Int { consumedBefore + index }

    /// The byte at the read position, reading more when needed; nil at the end.
    @inline(__always) func peek() -> UInt8? {
        if index < buffer.count { return buffer[index] }
        return refill() ? buffer[index] : nil
    }

    @inline(__always) func next() -> UInt8? {
        guard let b = peek() else { return nil }
        index += 1
        return b
    }

    /// Reads the next chunk, keeping unread (and captured) bytes. False at the end.
    private func refill() -> Bool {
        guard !eof else { return false }
        let keepFrom = min(captureStart ?? index, index)
        if keepFrom > 0 {
            buffer.removeSubrange(0..<keepFrom)
            consumedBefore += keepFrom
            index -= keepFrom
            if let c = captureStart { captureStart = c - keepFrom }
        }
        let data = handle.readData(ofLength: chunkSize)
        if data.isEmpty { eof = true; return false }
        buffer.append(contentsOf: data)
        return index < buffer.count
    }
}

/// Why an import file could not be read: the file, where (a JSON path, a CSV line) and what.
public struct ImportError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var location: String
    public var message: String

    public init(file: String, location: String, message: String) {
        self.file = file; self.location = location; self.message = message
    }

    public var description: String { location.isEmpty ? "\(file): \(message)" : "\(file): \(location): \(message)" }
}

/// A pull reader over a JSON document too big to parse at once (hand-written: the strict
/// parser in ChartCore, like every JSON library on hand, needs the whole text in memory).
///
/// It walks the structure itself (objects, arrays, keys) and hands each small value — a
/// datum, a namespace, one number — as bytes to `JSONParser`, which keeps the strict
/// grammar. One value may be at most `maxValueBytes` long.
struct StreamingJSONReader {
    let input: ChunkedInput
    let file: String
    /// The largest single value (a datum, an entity) the reader will capture.
    static let maxValueBytes = 64 << 20

    func fail(_ message: String) -> ImportError {
        ImportError(file: file, location: "byte \(input.offset)", message: message)
    }

    func skipWhitespace() {
        while let b = input.peek(), b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { input.index += 1 }
    }

    /// The next non-space byte, not consumed.
    func peekToken() -> UInt8? {
        skipWhitespace()
        return input.peek()
    }

    func expect(_ byte: UInt8, _ what: String) throws(ImportError) {
        skipWhitespace()
        guard let b = input.next() else { throw fail("unexpected end of file, expected \(what)") }
        guard b == byte else { throw fail("expected \(what), found '\(Character(Unicode.Scalar(b)))'") }
    }

    /// Iterates an object's members: call after `{` was consumed; returns the next key (the
    /// `:` consumed) or nil at `}`. `first` tracks whether a comma is needed.
    func nextKey(first: inout Bool) throws(ImportError) -> String? {
        skipWhitespace()
        guard let b = input.peek() else { throw fail("unexpected end of file inside an object") }
        if b == UInt8(ascii: "}") { input.index += 1; return nil }
        if !first { try expect(UInt8(ascii: ","), "',' or '}'") }
        first = false
        guard peekToken() == UInt8(ascii: "\"") else { throw fail("expected a member name in quotes") }
        let key = try stringValue(try captureValue())
        try expect(UInt8(ascii: ":"), "':'")
        return key
    }

    /// Iterates an array's elements: call after `[` was consumed; true when an element follows.
    func nextElement(first: inout Bool) throws(ImportError) -> Bool {
        skipWhitespace()
        guard let b = input.peek() else { throw fail("unexpected end of file inside an array") }
        if b == UInt8(ascii: "]") { input.index += 1; return false }
        if !first { try expect(UInt8(ascii: ","), "',' or ']'") }
        first = false
        return true
    }

    /// The bytes of the next complete value (consumed).
    func captureValue() throws(ImportError) -> [UInt8] {
        skipWhitespace()
        let start = input.index
        input.captureStart = start
        defer { input.captureStart = nil }
        try scanValue()
        guard let s = input.captureStart else { throw fail("internal: capture lost") }
        return Array(input.buffer[s..<input.index])
    }

    /// Skips the next complete value without keeping it.
    func skipValue() throws(ImportError) {
        skipWhitespace()
        try scanValue()
    }

    /// Moves past one value: tracks nesting and strings only; the grammar of captured values
    /// is checked by `JSONParser`, of skipped ones only structurally.
    private func scanValue() throws(ImportError) {
        var depth = 0
        let startOffset = input.offset
        repeat {
            guard let b = input.next() else { throw fail("unexpected end of file inside a value") }
            switch b {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                guard depth <= JSONParser.maxDepth else { throw fail("nested deeper than \(JSONParser.maxDepth) levels") }
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                guard depth >= 0 else { throw fail("unbalanced '\(Character(Unicode.Scalar(b)))'") }
            case UInt8(ascii: "\""):
                var escaped = false
                while true {
                    guard let c = input.next() else { throw fail("unexpected end of file inside a string") }
                    if escaped { escaped = false } else if c == UInt8(ascii: "\\") { escaped = true } else if c == UInt8(ascii: "\"") { break }
                }
            case UInt8(ascii: ","), UInt8(ascii: ":"):
                guard depth > 0 else { throw fail("unexpected '\(Character(Unicode.Scalar(b)))'") }
            default:
                if depth == 0 {
                    // A scalar at top level: numbers and literals run until a delimiter.
                    while let c = input.peek(), !(c == UInt8(ascii: ",") || c == UInt8(ascii: "}") || c == UInt8(ascii: "]")
                        || c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09) {
                        input.index += 1
                    }
                }
            }
            if input.offset - startOffset > Self.maxValueBytes {
                throw fail("a single value is larger than \(Self.maxValueBytes >> 20) MiB")
            }
        } while depth > 0
    }

    /// Parses captured bytes strictly.
    func parse(_ bytes: [UInt8]) throws(ImportError) -> JSONValue {
        do { return try JSONParser.parse(bytes) } catch {
            throw fail("invalid JSON: \(error.message)")
        }
    }

    func stringValue(_ bytes: [UInt8]) throws(ImportError) -> String {
        guard case .string(let s) = try parse(bytes) else { throw fail("expected a string") }
        return s
    }
}
