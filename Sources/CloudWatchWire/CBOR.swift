// A small CBOR (RFC 8949) codec, written by hand: no CBOR library is available to Graphshot.
//
// It covers what Smithy RPC v2 CBOR needs for CloudWatch's shapes (api.md §5): unsigned and
// negative integers, byte and text strings (definite and indefinite length), arrays, maps,
// tags (tag 1 = epoch-seconds timestamp), booleans, null, undefined and half/single/double
// floats. The decoder treats its input as hostile: every length is checked against the bytes
// that remain before anything is allocated, nesting is bounded, and any malformed input is a
// `CBORError` naming the byte offset, never a crash or a hang.

/// One decoded CBOR data item.
public indirect enum CBORValue: Sendable, Equatable {
    /// Major type 0.
    case unsigned(UInt64)
    /// Major type 1: the value `-1 - n`.
    case negative(UInt64)
    /// Major type 2.
    case bytes([UInt8])
    /// Major type 3.
    case text(String)
    /// Major type 4.
    case array([CBORValue])
    /// Major type 5, pairs in the order written.
    case map([CBORPair])
    /// Major type 6.
    case tagged(UInt64, CBORValue)
    case bool(Bool)
    case null
    case undefined
    /// Half, single or double precision, widened.
    case float(Double)
    /// Any other simple value (major type 7, not false/true/null/undefined).
    case simple(UInt8)
}

/// A key/value pair of a CBOR map.
public struct CBORPair: Sendable, Equatable {
    public var key: CBORValue
    public var value: CBORValue

    public init(_ key: CBORValue, _ value: CBORValue) { self.key = key; self.value = value }
}

/// Why CBOR bytes could not be decoded.
public struct CBORError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    /// Byte offset where decoding stopped.
    public var offset: Int

    public init(_ message: String, offset: Int) { self.message = message; self.offset = offset }

    public var description: String { "invalid CBOR at byte \(offset): \(message)" }
}

public enum CBOR {
    /// The deepest nesting of arrays, maps and tags the decoder accepts.
    public static let maxDepth = 64

    /// Decodes exactly one data item; trailing bytes are an error.
    public static func decode(_ bytes: [UInt8]) throws(CBORError) -> CBORValue {
        var decoder = CBORDecoder(bytes: bytes)
        let value = try decoder.item(depth: 0)
        guard decoder.offset == bytes.count else {
            throw CBORError("\(bytes.count - decoder.offset) bytes after the data item", offset: decoder.offset)
        }
        return value
    }

    /// Encodes a data item with definite lengths and the shortest argument encodings.
    public static func encode(_ value: CBORValue) -> [UInt8] {
        var out: [UInt8] = []
        encode(value, into: &out)
        return out
    }

    /// Appends the encoding of `value` to `out`.
    public static func encode(_ value: CBORValue, into out: inout [UInt8]) {
        switch value {
        case .unsigned(let n): head(0, n, &out)
        case .negative(let n): head(1, n, &out)
        case .bytes(let b):
            head(2, UInt64(b.count), &out)
            out.append(contentsOf: b)
        case .text(let s):
            let utf8 = Array(s.utf8)
            head(3, UInt64(utf8.count), &out)
            out.append(contentsOf: utf8)
        case .array(let items):
            head(4, UInt64(items.count), &out)
            for item in items { encode(item, into: &out) }
        case .map(let pairs):
            head(5, UInt64(pairs.count), &out)
            for pair in pairs {
                encode(pair.key, into: &out)
                encode(pair.value, into: &out)
            }
        case .tagged(let tag, let inner):
            head(6, tag, &out)
            encode(inner, into: &out)
        case .bool(let b): out.append(b ? 0xf5 : 0xf4)
        case .null: out.append(0xf6)
        case .undefined: out.append(0xf7)
        case .float(let d):
            out.append(0xfb)
            let bits = d.bitPattern
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
        case .simple(let v):
            if v < 24 { out.append(0xe0 | v) } else { out.append(0xf8); out.append(v) }
        }
    }

    /// A major type and its argument, in the shortest form.
    static func head(_ major: UInt8, _ argument: UInt64, _ out: inout [UInt8]) {
        let m = major << 5
        switch argument {
        case 0..<24: out.append(m | UInt8(argument))
        case 24...0xff: out.append(m | 24); out.append(UInt8(argument))
        case 0x100...0xffff:
            out.append(m | 25)
            out.append(UInt8(argument >> 8)); out.append(UInt8(truncatingIfNeeded: argument))
        case 0x1_0000...0xffff_ffff:
            out.append(m | 26)
            for shift in stride(from: 24, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: argument >> UInt64(shift))) }
        default:
            out.append(m | 27)
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: argument >> UInt64(shift))) }
        }
    }
}

/// The decoding cursor.
struct CBORDecoder {
    let bytes: [UInt8]
    var offset = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    var remaining: Int { bytes.count - offset }

    mutating func byte() throws(CBORError) -> UInt8 {
        guard offset < bytes.count else { throw CBORError("unexpected end of input", offset: offset) }
        defer { offset += 1 }
        return bytes[offset]
    }

    /// Reads an `n`-byte big-endian unsigned integer.
    mutating func bigEndian(_ n: Int) throws(CBORError) -> UInt64 {
        guard remaining >= n else { throw CBORError("unexpected end of input", offset: offset) }
        var v: UInt64 = 0
        for k in 0..<n { v = v << 8 | UInt64(bytes[offset + k]) }
        offset += n
        return v
    }

    /// The argument of a head whose additional information is `info` (not 31).
    mutating func argument(_ info: UInt8) throws(CBORError) -> UInt64 {
        switch info {
        case 0..<24: return UInt64(info)
        case 24: return try bigEndian(1)
        case 25: return try bigEndian(2)
        case 26: return try bigEndian(4)
        case 27: return try bigEndian(8)
        default: throw CBORError("reserved additional information \(info)", offset: offset - 1)
        }
    }

    /// A length that must fit in what remains (`unit` bytes at least per element).
    mutating func length(_ info: UInt8, unit: Int) throws(CBORError) -> Int {
        let start = offset - 1
        let n = try argument(info)
        guard n <= UInt64(remaining / unit) else {
            throw CBORError("length \(n) is longer than the \(remaining) bytes that remain", offset: start)
        }
        return Int(n)
    }

    mutating func item(depth: Int) throws(CBORError) -> CBORValue {
        guard depth <= CBOR.maxDepth else { throw CBORError("nested deeper than \(CBOR.maxDepth) levels", offset: offset) }
        let start = offset
        let initial = try byte()
        let major = initial >> 5, info = initial & 0x1f
        switch major {
        case 0: return .unsigned(try argument(info))
        case 1: return .negative(try argument(info))
        case 2:
            if info == 31 { return .bytes(try chunks(major: 2)) }
            let n = try length(info, unit: 1)
            defer { offset += n }
            return .bytes(Array(bytes[offset..<(offset + n)]))
        case 3:
            let utf8: [UInt8]
            if info == 31 {
                utf8 = try chunks(major: 3)
            } else {
                let n = try length(info, unit: 1)
                utf8 = Array(bytes[offset..<(offset + n)])
                offset += n
            }
            guard let s = String(validating: utf8, as: UTF8.self) else {
                throw CBORError("text string is not valid UTF-8", offset: start)
            }
            return .text(s)
        case 4:
            var items: [CBORValue] = []
            if info == 31 {
                while try !atBreak() { items.append(try item(depth: depth + 1)) }
                return .array(items)
            }
            let n = try length(info, unit: 1)
            items.reserveCapacity(n)
            for _ in 0..<n { items.append(try item(depth: depth + 1)) }
            return .array(items)
        case 5:
            var pairs: [CBORPair] = []
            if info == 31 {
                while try !atBreak() {
                    let k = try item(depth: depth + 1)
                    pairs.append(CBORPair(k, try item(depth: depth + 1)))
                }
                return .map(pairs)
            }
            let n = try length(info, unit: 2)
            pairs.reserveCapacity(n)
            for _ in 0..<n {
                let k = try item(depth: depth + 1)
                pairs.append(CBORPair(k, try item(depth: depth + 1)))
            }
            return .map(pairs)
        case 6:
            guard info != 31 else { throw CBORError("a tag cannot have indefinite length", offset: start) }
            let tag = try argument(info)
            return .tagged(tag, try item(depth: depth + 1))
        default:
            return try simpleOrFloat(info, start: start)
        }
    }

    /// Consumes a break byte (0xff) if it is next.
    mutating func atBreak() throws(CBORError) -> Bool {
        guard offset < bytes.count else { throw CBORError("indefinite-length item is not terminated", offset: offset) }
        if bytes[offset] == 0xff {
            offset += 1
            return true
        }
        return false
    }

    /// The concatenated definite-length chunks of an indefinite-length string.
    mutating func chunks(major: UInt8) throws(CBORError) -> [UInt8] {
        var out: [UInt8] = []
        while try !atBreak() {
            let chunkStart = offset
            let initial = try byte()
            guard initial >> 5 == major, initial & 0x1f != 31 else {
                throw CBORError("an indefinite-length string may only hold definite strings of its own type", offset: chunkStart)
            }
            let n = try length(initial & 0x1f, unit: 1)
            out.append(contentsOf: bytes[offset..<(offset + n)])
            offset += n
        }
        return out
    }

    mutating func simpleOrFloat(_ info: UInt8, start: Int) throws(CBORError) -> CBORValue {
        switch info {
        case 20: return .bool(false)
        case 21: return .bool(true)
        case 22: return .null
        case 23: return .undefined
        case 24:
            let v = try byte()
            guard v >= 32 else { throw CBORError("two-byte simple value \(v) below 32", offset: start) }
            return .simple(v)
        case 25: return .float(Self.half(UInt16(try bigEndian(2))))
        case 26: return .float(Double(Float(bitPattern: UInt32(try bigEndian(4)))))
        case 27: return .float(Double(bitPattern: try bigEndian(8)))
        case 31: throw CBORError("unexpected break", offset: start)
        case 28, 29, 30: throw CBORError("reserved additional information \(info)", offset: start)
        default: return .simple(info)
        }
    }

    /// IEEE 754 half precision to double.
    static func half(_ h: UInt16) -> Double {
        let sign: Double = h & 0x8000 != 0 ? -1 : 1
        let exponent = Int((h >> 10) & 0x1f), fraction = Double(h & 0x3ff)
        switch exponent {
        case 0: return sign * fraction * 0x1p-24
        case 31: return fraction == 0 ? sign * .infinity : .nan
        default: return sign * (1 + fraction / 1024) * Double(sign: .plus, exponent: exponent - 15, significand: 1)
        }
    }
}
