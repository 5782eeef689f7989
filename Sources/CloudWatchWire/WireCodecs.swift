import ChartCore
import Foundation
import MetricQuery

// Conversions between each protocol's body format and `WireValue`, in both directions.

// MARK: - awsJson1_0

extension WireValue {
    /// A JSON request body as a wire value. JSON numbers become `.double` (timestamps are
    /// epoch-second numbers; the reader turns them into timestamps where the shape wants one).
    public init(json: JSONValue) {
        switch json {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .number(let d): self = .double(d)
        case .string(let s): self = .string(s)
        case .array(let items): self = .list(items.map(WireValue.init(json:)))
        case .object(let o): self = .structure(o.members.map { WireMember($0.key, WireValue(json: $0.value)) })
        }
    }
}

/// Writes wire values as awsJson1_0 bodies: timestamps as epoch seconds, blobs as base64.
/// The body is written as bytes from the start (an image response is one large blob).
public enum WireJSON {
    public static func encode(_ value: WireValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(capacityHint(value))
        write(value, into: &out)
        return out
    }

    /// Bytes enough for the blobs of a response (the rest grows as needed).
    static func capacityHint(_ value: WireValue) -> Int {
        switch value {
        case .blob(let b): return Base64.encodedCount(b.count) + 2
        case .structure(let members), .map(let members): return members.reduce(64) { $0 + capacityHint($1.value) }
        case .list(let items): return items.reduce(64) { $0 + capacityHint($1) }
        default: return 16
        }
    }

    static func write(_ value: WireValue, into out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .integer(let i): out.append(contentsOf: String(i).utf8)
        case .double(let d): out.append(contentsOf: number(d).utf8)
        case .timestamp(let t): out.append(contentsOf: number(t, integral: true).utf8)
        case .string(let s): quote(s, into: &out)
        case .blob(let b):
            out.append(UInt8(ascii: "\""))
            Base64.append(b, to: &out)
            out.append(UInt8(ascii: "\""))
        case .list(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                write(item, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .structure(let members), .map(let members):
            out.append(UInt8(ascii: "{"))
            for (i, m) in members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                quote(m.name, into: &out)
                out.append(UInt8(ascii: ":"))
                write(m.value, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// A finite number as JSON (non-finite values cannot be written in JSON; they become null).
    /// `integral` writes whole numbers without a fraction (`1704153600`).
    static func number(_ d: Double, integral: Bool = false) -> String {
        guard d.isFinite else { return "null" }
        if integral, d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return "\(d)"
    }

    static func quote(_ s: String, into out: inout [UInt8]) { out.append(contentsOf: JSONWriter.quoted(s).utf8) }
}

// MARK: - Smithy RPC v2 CBOR

extension WireValue {
    /// A CBOR request body as a wire value. Tag 1 is a timestamp; null and undefined are
    /// absent members; map keys must be text.
    public init(cbor: CBORValue) throws(CBORError) {
        switch cbor {
        case .unsigned(let n):
            self = n <= UInt64(Int64.max) ? .integer(Int64(n)) : .double(Double(n))
        case .negative(let n):
            self = n < UInt64(Int64.max) ? .integer(-1 - Int64(n)) : .double(-1 - Double(n))
        case .bytes(let b): self = .blob(b)
        case .text(let s): self = .string(s)
        case .array(let items):
            var out: [WireValue] = []
            out.reserveCapacity(items.count)
            for item in items { out.append(try WireValue(cbor: item)) }
            self = .list(out)
        case .map(let pairs):
            var members: [WireMember] = []
            members.reserveCapacity(pairs.count)
            for pair in pairs {
                guard case .text(let key) = pair.key else { throw CBORError("a map key is not a text string", offset: 0) }
                let v = try WireValue(cbor: pair.value)
                if case .null = v { continue }
                members.append(WireMember(key, v))
            }
            self = .structure(members)
        case .tagged(1, let inner):
            switch inner {
            case .unsigned(let n): self = .timestamp(Double(n))
            case .negative(let n): self = .timestamp(-1 - Double(n))
            case .float(let d): self = .timestamp(d)
            default: throw CBORError("tag 1 (epoch time) must hold a number", offset: 0)
            }
        case .tagged(_, let inner): self = try WireValue(cbor: inner)
        case .bool(let b): self = .bool(b)
        case .null, .undefined: self = .null
        case .float(let d): self = .double(d)
        case .simple(let v): throw CBORError("unsupported simple value \(v)", offset: 0)
        }
    }

    /// The CBOR form of an output value: timestamps as tag 1 + integer (or double when they
    /// have a fraction), blobs as byte strings.
    public var cbor: CBORValue {
        switch self {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .integer(let i): return i >= 0 ? .unsigned(UInt64(i)) : .negative(UInt64(-1 - i))
        case .double(let d): return .float(d)
        case .timestamp(let t):
            if t == t.rounded(), t >= 0, t < 1e15 { return .tagged(1, .unsigned(UInt64(t))) }
            return .tagged(1, .float(t))
        case .string(let s): return .text(s)
        case .blob(let b): return .bytes(b)
        case .list(let items): return .array(items.map(\.cbor))
        case .structure(let members), .map(let members): return .map(members.map { CBORPair(.text($0.name), $0.value.cbor) })
        }
    }
}

// MARK: - awsQuery

/// `application/x-www-form-urlencoded` decoding (request bodies and `GET /?Action=…` queries).
public enum FormEncoding {
    /// The name/value pairs of a form, percent- and `+`-decoded, in order. Nil when a
    /// percent escape is malformed or the result is not UTF-8.
    public static func decode(_ text: Substring) -> [(name: String, value: String)]? {
        var out: [(String, String)] = []
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let eq = pair.firstIndex(of: "=")
            let rawName = eq.map { pair[..<$0] } ?? pair
            let rawValue = eq.map { pair[pair.index(after: $0)...] } ?? ""
            guard let name = unescape(rawName), let value = unescape(rawValue) else { return nil }
            out.append((name, value))
        }
        return out
    }

    /// Percent-decoding with `+` as space.
    public static func unescape(_ s: Substring) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(s.utf8.count)
        var it = s.utf8.makeIterator()
        while let c = it.next() {
            switch c {
            case UInt8(ascii: "+"): bytes.append(0x20)
            case UInt8(ascii: "%"):
                guard let h = it.next().flatMap(hexValue), let l = it.next().flatMap(hexValue) else { return nil }
                bytes.append(h << 4 | l)
            default: bytes.append(c)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension WireValue {
    /// The most list entries (`member.N`) a query parameter may name: more is an error rather
    /// than a huge allocation.
    public static let maxQueryListIndex = 10_000
    /// The most dot-separated parts a query parameter name may have (CloudWatch's deepest is 8).
    public static let maxQueryDepth = 32

    /// Query parameters (`MetricData.member.1.Dimensions.member.1.Name=Host`) as a tree:
    /// `member.N` segments make lists (ordered by N), `entry.N.key/value` make maps, other
    /// dotted segments make structures, and every leaf stays a string.
    public init(queryParameters params: [(name: String, value: String)]) throws(CloudWatchAPIError) {
        let root = QueryNode()
        for (name, value) in params where name != "Action" && name != "Version" {
            var node = root
            let segments = name.split(separator: ".", omittingEmptySubsequences: false)
            guard segments.count <= Self.maxQueryDepth else {
                throw CloudWatchAPIError(
                    .invalidParameterValue, "The parameter name \(name.prefix(100))… has more than \(Self.maxQueryDepth) parts.")
            }
            for segment in segments {
                node = node.child(String(segment))
            }
            node.leaf = value
        }
        self = try root.wireValue(path: "")
    }
}

/// A node of the query-parameter tree.
final class QueryNode {
    var leaf: String?
    var order: [String] = []
    var children: [String: QueryNode] = [:]

    func child(_ name: String) -> QueryNode {
        if let c = children[name] { return c }
        let c = QueryNode()
        children[name] = c
        order.append(name)
        return c
    }

    func wireValue(path: String) throws(CloudWatchAPIError) -> WireValue {
        if children.isEmpty { return .string(leaf ?? "") }
        func sub(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }
        if order == ["member"], let members = children["member"] {
            return .list(try members.indexed(path: sub("member")).map { i, node throws(CloudWatchAPIError) in
                try node.wireValue(path: sub("member.\(i)"))
            })
        }
        if order == ["entry"], let entries = children["entry"] {
            var out: [WireMember] = []
            for (i, node) in try entries.indexed(path: sub("entry")) {
                guard let key = node.children["key"]?.leaf else {
                    throw CloudWatchAPIError(.missingParameter, "The parameter \(sub("entry.\(i).key")) is required.")
                }
                let value = try node.children["value"]?.wireValue(path: sub("entry.\(i).value")) ?? .string("")
                out.append(WireMember(key, value))
            }
            return .map(out)
        }
        var members: [WireMember] = []
        for name in order {
            guard let node = children[name] else { continue }
            members.append(WireMember(name, try node.wireValue(path: sub(name))))
        }
        return .structure(members)
    }

    /// Children named by 1-based indexes, sorted; anything else is an error.
    func indexed(path: String) throws(CloudWatchAPIError) -> [(Int, QueryNode)] {
        var out: [(Int, QueryNode)] = []
        for name in order {
            guard let i = Int(name), i >= 1, i <= WireValue.maxQueryListIndex, let node = children[name] else {
                throw CloudWatchAPIError(
                    .invalidParameterValue,
                    "The parameter \(path).\(name) is not a valid list index (1 to \(WireValue.maxQueryListIndex)).")
            }
            out.append((i, node))
        }
        return out.sorted { $0.0 < $1.0 }
    }
}

// MARK: - XML (query responses)

/// A minimal XML writer for awsQuery responses.
public struct XMLWriter {
    public private(set) var text = ""

    public init() {}

    public mutating func open(_ name: String, attributes: [(String, String)] = []) {
        text += "<" + name
        for (k, v) in attributes { text += " \(k)=\"" + Self.escape(v) + "\"" }
        text += ">"
    }

    public mutating func close(_ name: String) { text += "</" + name + ">" }

    /// `<name>escaped text</name>`.
    public mutating func element(_ name: String, _ content: String) {
        open(name)
        text += Self.escape(content)
        close(name)
    }

    /// `<name/>`.
    public mutating func empty(_ name: String) { text += "<" + name + "/>" }

    /// Writes a wire value as the element `name`: structures as child elements, lists as
    /// `<member>` elements, maps as `<entry><key/><value/></entry>`, timestamps in ISO 8601,
    /// blobs in base64.
    public mutating func value(_ name: String, _ v: WireValue) {
        switch v {
        case .null: empty(name)
        case .bool(let b): element(name, b ? "true" : "false")
        case .integer(let i): element(name, String(i))
        case .double(let d): element(name, WireJSON.number(d))
        case .timestamp(let t): element(name, Self.iso8601(t))
        case .string(let s): element(name, s)
        case .blob(let b): element(name, b.base64String)
        case .list(let items):
            if items.isEmpty { empty(name); return }
            open(name)
            for item in items { value("member", item) }
            close(name)
        case .structure(let members):
            open(name)
            for m in members { value(m.name, m.value) }
            close(name)
        case .map(let members):
            open(name)
            for m in members {
                open("entry")
                element("key", m.name)
                value("value", m.value)
                close("entry")
            }
            close(name)
        }
    }

    /// ISO 8601 UTC, with milliseconds only when the time has a fraction.
    public static func iso8601(_ t: Double) -> String {
        let whole = t.rounded(.down)
        let base = ISO8601.format(EpochSeconds(whole))
        let millis = Int(((t - whole) * 1000).rounded())
        guard millis > 0, millis < 1000 else { return base }
        let m = String(millis)
        return String(base.dropLast()) + "." + String(repeating: "0", count: 3 - m.count) + m + "Z"
    }

    /// Escapes `& < > " '`; drops characters XML 1.0 cannot carry.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0xfffe || scalar.value == 0xffff: continue
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
