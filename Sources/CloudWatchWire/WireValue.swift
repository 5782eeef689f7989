import ChartCore
import MetricQuery

/// CloudWatch's three wire protocols (api.md §2).
public enum WireProtocol: String, Sendable, Equatable, CaseIterable {
    /// `X-Amz-Target: GraniteServiceVersion20100801.<Op>`, JSON bodies: boto3 and the aws CLI.
    case awsJson = "awsJson1_0"
    /// Form-encoded `Action=<Op>&Version=2010-08-01`, XML responses.
    case awsQuery
    /// `POST /service/GraniteServiceVersion20100801/operation/<Op>`, CBOR bodies.
    case rpcv2Cbor = "rpcv2Cbor"
}

/// A protocol-neutral value: what every protocol's body decodes to, and what every
/// response is built from before it is written as JSON, CBOR or XML.
///
/// Query requests decode to strings, lists (`Name.member.N`) and structures only; the
/// `WireReader` converts strings to numbers, booleans and timestamps where the shape wants them.
public indirect enum WireValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    case double(Double)
    case string(String)
    case blob([UInt8])
    /// Seconds since the epoch (fractions allowed).
    case timestamp(Double)
    case list([WireValue])
    /// A structure: members in order (XML writes them in this order).
    case structure([WireMember])
    /// A map shape (XML writes `<entry><key>…</key><value>…</value></entry>`).
    case map([WireMember])

    /// For error messages: `a string`, `a list`, …
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .integer, .double: "a number"
        case .string: "a string"
        case .blob: "a blob"
        case .timestamp: "a timestamp"
        case .list: "a list"
        case .structure, .map: "a structure"
        }
    }
}

/// A named member of a structure or map.
public struct WireMember: Sendable, Equatable {
    public var name: String
    public var value: WireValue

    public init(_ name: String, _ value: WireValue) { self.name = name; self.value = value }
}

extension WireValue {
    /// A structure from members, dropping nil values (absent members are omitted on the wire).
    public static func object(_ members: [(String, WireValue?)]) -> WireValue {
        .structure(members.compactMap { name, value in value.map { WireMember(name, $0) } })
    }

    /// The value of a structure or map member (the last one with that name), nil when absent.
    public subscript(name: String) -> WireValue? {
        switch self {
        case .structure(let members), .map(let members): members.last { $0.name == name }?.value
        default: nil
        }
    }
}

/// Reads an operation's input out of a `WireValue`, naming the parameter in every error the
/// way CloudWatch's messages do (`MetricData.member.3.Value`), whatever the protocol.
public struct WireReader: Sendable {
    public let value: WireValue
    /// The parameter path, query style; empty at the top level.
    public let path: String
    /// Query-protocol values are all text: numbers, booleans and timestamps are parsed from it.
    public let fromText: Bool

    public init(_ value: WireValue, path: String = "", fromText: Bool) {
        self.value = value; self.path = path; self.fromText = fromText
    }

    func child(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }

    /// The member `name`, or nil when absent or null.
    public func optional(_ name: String) -> WireReader? {
        guard let v = value[name] else { return nil }
        if case .null = v { return nil }
        return WireReader(v, path: child(name), fromText: fromText)
    }

    /// The member `name`; `MissingParameter` when absent.
    public func required(_ name: String) throws(CloudWatchAPIError) -> WireReader {
        guard let r = optional(name) else {
            throw CloudWatchAPIError(.missingParameter, "The parameter \(child(name)) is required.")
        }
        return r
    }

    func invalid(_ what: String) -> CloudWatchAPIError {
        CloudWatchAPIError(.invalidParameterValue, "The parameter \(path) must be \(what), not \(value.typeName).")
    }

    public func string() throws(CloudWatchAPIError) -> String {
        guard case .string(let s) = value else { throw invalid("a string") }
        return s
    }

    public func double() throws(CloudWatchAPIError) -> Double {
        switch value {
        case .double(let d): return d
        case .integer(let i): return Double(i)
        case .string(let s) where fromText:
            guard let d = Double(s) else {
                throw CloudWatchAPIError(.invalidParameterValue, "The value \(s) for parameter \(path) is not a number.")
            }
            return d
        default: throw invalid("a number")
        }
    }

    public func integer() throws(CloudWatchAPIError) -> Int {
        switch value {
        case .integer(let i):
            guard let n = Int(exactly: i) else { throw invalid("an integer") }
            return n
        case .double(let d):
            guard d.isFinite, d == d.rounded(), let n = Int(exactly: d) else {
                throw CloudWatchAPIError(.invalidParameterValue, "The value \(d) for parameter \(path) is not an integer.")
            }
            return n
        case .string(let s) where fromText:
            guard let n = Int(s) else {
                throw CloudWatchAPIError(.invalidParameterValue, "The value \(s) for parameter \(path) is not an integer.")
            }
            return n
        default: throw invalid("an integer")
        }
    }

    public func bool() throws(CloudWatchAPIError) -> Bool {
        switch value {
        case .bool(let b): return b
        case .string(let s) where fromText:
            switch s.lowercased() {
            case "true": return true
            case "false": return false
            default: throw CloudWatchAPIError(.invalidParameterValue, "The value \(s) for parameter \(path) is not true or false.")
            }
        default: throw invalid("a boolean")
        }
    }

    /// Epoch seconds (sub-second parts truncated toward the past). Accepts epoch numbers,
    /// CBOR tag-1 timestamps and ISO 8601 text (`2024-01-02T03:04:05Z`, `…05.678000Z`, offsets).
    public func timestamp() throws(CloudWatchAPIError) -> EpochSeconds {
        let seconds: Double
        switch value {
        case .timestamp(let t): seconds = t
        case .double(let d): seconds = d
        case .integer(let i): return i
        case .string(let s):
            if let t = ISO8601.parse(s) { return t }
            if fromText, let d = Double(s) { seconds = d } else {
                throw CloudWatchAPIError(.invalidParameterValue, "The value \(s) for parameter \(path) is not a valid timestamp.")
            }
        default: throw invalid("a timestamp")
        }
        guard seconds.isFinite, abs(seconds) < 1e15 else {
            throw CloudWatchAPIError(.invalidParameterValue, "The value \(seconds) for parameter \(path) is not a valid timestamp.")
        }
        return EpochSeconds(seconds.rounded(.down))
    }

    /// The elements of a list (`Name.member.N` on the query protocol; `Name=` is empty).
    public func list() throws(CloudWatchAPIError) -> [WireReader] {
        switch value {
        case .list(let items):
            return items.enumerated().map { i, v in WireReader(v, path: child("member.\(i + 1)"), fromText: fromText) }
        case .string("") where fromText:
            return []
        default: throw invalid("a list")
        }
    }

    /// A list of strings.
    public func strings() throws(CloudWatchAPIError) -> [String] {
        var out: [String] = []
        for item in try list() { out.append(try item.string()) }
        return out
    }

    /// The entries of a map (`Name.entry.N.key/value` on the query protocol).
    public func entries() throws(CloudWatchAPIError) -> [(key: String, value: WireReader)] {
        switch value {
        case .map(let members), .structure(let members):
            return members.map { ($0.name, WireReader($0.value, path: child($0.name), fromText: fromText)) }
        case .string("") where fromText:
            return []
        default: throw invalid("a map")
        }
    }
}
