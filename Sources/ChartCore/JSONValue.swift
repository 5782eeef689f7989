/// A parsed JSON value (RFC 8259) that keeps the six JSON types apart.
///
/// Booleans and numbers stay distinct (unlike `JSONSerialization` on Linux, which turns
/// both into `NSNumber`), so `"stacked": 1` can be told apart from `"stacked": true`.
/// Numbers are kept as `Double`: integers up to 2^53 are exact.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The JSON type with its article, for error messages: `null`, `a boolean`, `a number`,
    /// `a string`, `an array` or `an object`.
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// A JSON object: its members in document order, repeated keys included.
///
/// Looking a key up finds its *last* occurrence, as JavaScript, Python and the AWS CLI do.
/// Two objects are equal when they map the same keys to equal values; member order and
/// values hidden by a later repeat of their key do not matter (RFC 8259: objects are unordered).
public struct JSONObject: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    /// One `"key": value` member.
    public typealias Member = (key: String, value: JSONValue)

    /// Every member in document order; a repeated key appears once per occurrence.
    public var members: [Member]

    /// An object with the given members (in this order).
    public init(_ members: [Member] = []) {
        self.members = members
    }

    /// `["a": .number(1)]`: the members in literal order.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        members = elements.map { (key: $0.0, value: $0.1) }
    }

    /// The value of the last member named `key` (case-sensitive); nil when there is none.
    ///
    /// Setting replaces that member's value in place, or appends a member when the key is
    /// new; setting nil removes every member named `key`.
    public subscript(key: String) -> JSONValue? {
        get {
            guard let j = members.lastIndex(where: { $0.key == key }) else { return nil }
            return members[j].value
        }
        set {
            guard let newValue else {
                members.removeAll { $0.key == key }
                return
            }
            if let j = members.lastIndex(where: { $0.key == key }) {
                members[j].value = newValue
            } else {
                members.append((key: key, value: newValue))
            }
        }
    }

    /// The number of members, repeated keys counted each time.
    public var count: Int { members.count }

    /// Whether the object has no members.
    public var isEmpty: Bool { members.isEmpty }

    /// The members as a dictionary; a repeated key keeps its last value.
    public var dictionary: [String: JSONValue] {
        Dictionary(members.lazy.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
    }

    /// Iterates the members in document order.
    public func makeIterator() -> IndexingIterator<[Member]> { members.makeIterator() }

    public static func == (a: JSONObject, b: JSONObject) -> Bool {
        a.dictionary == b.dictionary
    }
}
