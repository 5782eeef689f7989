/// Writes `JSONValue`s as JSON text.
///
/// Two styles:
/// - `.compact`: no whitespace; whole numbers without a fraction (`300`).
/// - `.awsCLI`: what the aws CLI prints (Python's `json.dumps(indent=4)`): four-space
///   indentation, `": "` and `","` separators, empty containers as `[]`/`{}`, and every
///   number as a Python float (`1.0`, `0.25`, `1e-05`), which is how the CLI shows the
///   doubles CloudWatch returns.
/// Non-finite numbers (never valid JSON) are written as `null`. Strings escape `"`, `\`
/// and control characters; other characters, including non-ASCII, are written as UTF-8
/// (the CLI's `ensure_ascii=False`).
public struct JSONWriter: Sendable {
    public enum Style: Sendable { case compact, awsCLI }

    public var style: Style

    public init(style: Style) { self.style = style }

    /// The JSON text of `value` (no trailing newline).
    public func string(_ value: JSONValue) -> String {
        var out = ""
        write(value, depth: 0, into: &out)
        return out
    }

    private func write(_ value: JSONValue, depth: Int, into out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += number(n)
        case .string(let s): Self.quote(s, into: &out)
        case .array(let items):
            guard !items.isEmpty else { out += "[]"; return }
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                newline(depth + 1, into: &out)
                write(item, depth: depth + 1, into: &out)
            }
            newline(depth, into: &out)
            out += "]"
        case .object(let object):
            guard !object.isEmpty else { out += "{}"; return }
            out += "{"
            for (i, member) in object.members.enumerated() {
                if i > 0 { out += "," }
                newline(depth + 1, into: &out)
                Self.quote(member.key, into: &out)
                out += style == .compact ? ":" : ": "
                write(member.value, depth: depth + 1, into: &out)
            }
            newline(depth, into: &out)
            out += "}"
        }
    }

    private func newline(_ depth: Int, into out: inout String) {
        guard style == .awsCLI else { return }
        out += "\n"
        out += String(repeating: " ", count: 4 * depth)
    }

    private func number(_ n: Double) -> String {
        guard n.isFinite else { return "null" }
        switch style {
        case .compact:
            if n == n.rounded(), abs(n) < 1e15 { return String(Int64(n)) }
            return String(n)
        case .awsCLI:
            // Swift's shortest round-trip form matches Python's float repr ("1.0", "1e-05",
            // "1e+16") for every finite double.
            return String(n)
        }
    }

    /// `s` as a JSON string literal, quotes included.
    public static func quoted(_ s: String) -> String {
        var out = ""
        quote(s, into: &out)
        return out
    }

    private static func quote(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
