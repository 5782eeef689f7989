import ChartCore
import Testing
@testable import WidgetSpec

/// Parses `json`, recording an issue (and rethrowing) when it fails.
@discardableResult
func parseOK(_ json: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> MetricWidget {
    do {
        return try MetricWidget.parse(json: json)
    } catch {
        Issue.record("unexpected error: \(error) [\(error.kind)]", sourceLocation: sourceLocation)
        throw error
    }
}

/// Expects `json` to be rejected with `kind` at `path` (and, optionally, a message containing `message`).
func expectError(
    _ json: String, _ kind: WidgetError.Kind, at path: String, message: String? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    do {
        _ = try MetricWidget.parse(json: json)
        Issue.record("expected \(kind) at \"\(path)\", but the widget parsed", sourceLocation: sourceLocation)
    } catch {
        #expect(error.kind == kind, "\(error)", sourceLocation: sourceLocation)
        #expect(error.path == path, "\(error)", sourceLocation: sourceLocation)
        if let message {
            #expect(error.message.contains(message), "\(error.message)", sourceLocation: sourceLocation)
        }
    }
}

/// The error `json` is rejected with, or nil when it parses.
func parseError(_ json: String) -> WidgetError? {
    do {
        _ = try MetricWidget.parse(json: json)
        return nil
    } catch {
        return error
    }
}

/// A widget with one plain metric row plus the given top-level members (JSON text without braces).
func widget(_ members: String) -> String {
    #"{"metrics":[["Shop/Checkout","OrdersPlaced"]], \#(members)}"#
}

/// A widget whose `metrics` array is the given JSON text.
func widget(metrics: String, _ members: String = "") -> String {
    members.isEmpty ? #"{"metrics":\#(metrics)}"# : #"{"metrics":\#(metrics), \#(members)}"#
}

/// The metric rows of a widget, which must parse.
func metricRows(_ metrics: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [MetricRowSpec] {
    try parseOK(widget(metrics: metrics), sourceLocation: sourceLocation).metricRows
}

/// `[namespace, name, dimName, dimValue, …]` of a parsed row, in row order.
func positional(_ m: MetricRowSpec) -> [String] {
    [m.metric.namespace, m.metric.name] + m.dimensionsInRowOrder.flatMap { [$0.name, $0.value] }
}

/// Serialises a `JSONValue` back to JSON text (for mutation tests).
func render(_ v: JSONValue) -> String {
    switch v {
    case .null: return "null"
    case .bool(let b): return b ? "true" : "false"
    case .number(let n): return JSONValue.format(n)
    case .string(let s):
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where u.value < 0x20: out += "\\u00" + (u.value < 16 ? "0" : "") + String(u.value, radix: 16)
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    case .array(let a): return "[" + a.map(render).joined(separator: ",") + "]"
    case .object(let o):
        return "{" + o.sorted { $0.key < $1.key }.map { render(.string($0.key)) + ":" + render($0.value) }.joined(separator: ",") + "}"
    }
}

