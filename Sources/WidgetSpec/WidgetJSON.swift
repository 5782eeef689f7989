import ChartCore

/// MetricWidget text → JSON tree, with errors worded for widget authors.
///
/// Decisions on top of `JSONParser`: the whole text must be UTF-8 (checked first, so that
/// the message says so); a lone UTF-16 surrogate in a `\u` escape becomes U+FFFD, as
/// lenient JavaScript-based tools would keep it.
enum WidgetJSON {
    static func parse(_ bytes: [UInt8]) throws(WidgetError) -> JSONValue {
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw WidgetError(.invalidJSON, path: "", "the MetricWidget is not valid UTF-8 text")
        }
        do {
            return try JSONParser.parse(bytes, options: JSONParser.Options(loneSurrogates: .replace))
        } catch {
            if isBlank(bytes) {
                throw WidgetError(.invalidJSON, path: "", "the MetricWidget is empty; expected a JSON object")
            }
            throw WidgetError(
                .invalidJSON, path: "", "not valid JSON: \(error.message) at line \(error.line), column \(error.column)")
        }
    }

    /// Nothing but an optional byte-order mark and JSON whitespace.
    private static func isBlank(_ bytes: [UInt8]) -> Bool {
        let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? bytes.dropFirst(3) : bytes[...]
        return body.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
    }
}

extension JSONValue {
    /// The value with the article used in error messages, e.g. `the string "300"` or `an array`.
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
