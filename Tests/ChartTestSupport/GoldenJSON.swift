import Foundation
import Testing

/// JSON goldens (scenes, layout numbers) compared as trees, numbers to an absolute tolerance.
public enum GoldenJSON {
    /// Absolute tolerance for numbers.
    public static let numberTolerance = 1e-6

    /// Pretty-printed JSON with sorted keys (and a trailing newline): the golden file format.
    /// Non-finite numbers encode as the strings "NaN", "Infinity", "-Infinity".
    public static func encode(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        var data = try encoder.encode(value)
        data.append(0x0A)
        return data
    }

    /// Compares `value`, encoded with `encode`, with `directory/<name>.json` and records a
    /// Swift Testing issue unless they match.
    ///
    /// - `RECORD_GOLDENS=1`: writes the golden and fails.
    /// - Golden missing: with `CI=true` fails; otherwise records it and fails.
    /// - Mismatch: reports the first differing JSON path with both values, and writes the
    ///   actual JSON to `<tmp>/<name>.actual.json`.
    @discardableResult
    public static func assertMatches(
        _ value: some Encodable, named name: String, directory: String,
        settings: GoldenSettings = .current,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> GoldenResult {
        let result = compare(value, named: name, directory: directory, settings: settings)
        if !result.passed {
            Issue.record(Comment(rawValue: result.message), sourceLocation: sourceLocation)
        }
        return result
    }

    /// The comparison behind `assertMatches`, without recording an issue.
    public static func compare(
        _ value: some Encodable, named name: String, directory: String,
        settings: GoldenSettings = .current
    ) -> GoldenResult {
        let goldenPath = directory + "/" + name + ".json"
        func result(_ kind: GoldenResult.Kind, _ message: String, artifacts: [String] = []) -> GoldenResult {
            GoldenResult(kind: kind, message: "golden JSON '\(name)': " + message, goldenPath: goldenPath, artifacts: artifacts, pixelDiff: nil)
        }

        let data: Data
        do {
            data = try encode(value)
        } catch {
            return result(.error, "cannot encode the actual value: \(error)")
        }

        let exists = FileManager.default.fileExists(atPath: goldenPath)
        if settings.record || !exists {
            if !exists && !settings.record && settings.isCI {
                return result(.missing, "missing golden \(goldenPath) (CI=true, so it is not recorded; record it locally with RECORD_GOLDENS=1 and commit it)")
            }
            do {
                try writeFile(data, to: goldenPath)
            } catch {
                return result(.error, "cannot write golden \(goldenPath): \(error)")
            }
            return settings.record
                ? result(.recorded, "recorded \(goldenPath) because RECORD_GOLDENS=1; this run fails on purpose, re-run without it", artifacts: [goldenPath])
                : result(.recordedMissing, "golden was missing; recorded \(goldenPath); check it, commit it and re-run", artifacts: [goldenPath])
        }

        let actualTree: GoldenJSONValue
        let expectedTree: GoldenJSONValue
        do {
            actualTree = try GoldenJSONValue.parse(data)
        } catch {
            return result(.error, "cannot re-read the actual JSON: \(error)")
        }
        do {
            expectedTree = try GoldenJSONValue.parse(Data(contentsOf: URL(fileURLWithPath: goldenPath)))
        } catch {
            return result(.error, "cannot read or parse golden \(goldenPath): \(error)")
        }

        guard let difference = firstDifference(actualTree, expectedTree) else {
            return result(.matched, "matches \(goldenPath)")
        }
        let actualPath = settings.failureDirectory + "/" + name + ".actual.json"
        let written = (try? writeFile(data, to: actualPath)) != nil
        return result(.mismatch,
                      "differs at \(difference.path): actual \(difference.actual), expected \(difference.expected); "
                          + (written ? "actual: \(actualPath)" : "could not write \(actualPath)")
                          + "; golden: \(goldenPath)",
                      artifacts: written ? [actualPath] : [])
    }

    /// The first place (depth first, object keys in sorted order) where two JSON trees differ,
    /// or nil when they are equal with numbers within `tolerance`.
    public static func firstDifference(
        _ actual: GoldenJSONValue, _ expected: GoldenJSONValue, tolerance: Double = numberTolerance, path: String = "$"
    ) -> JSONDifference? {
        switch (actual, expected) {
        case (.null, .null):
            return nil
        case (.bool(let a), .bool(let b)):
            return a == b ? nil : JSONDifference(path: path, actual: actual.compactDescription, expected: expected.compactDescription)
        case (.string(let a), .string(let b)):
            return a == b ? nil : JSONDifference(path: path, actual: actual.compactDescription, expected: expected.compactDescription)
        case (.number(let a), .number(let b)):
            return abs(a - b) <= tolerance ? nil : JSONDifference(path: path, actual: actual.compactDescription, expected: expected.compactDescription)
        case (.array(let a), .array(let b)):
            for i in 0..<min(a.count, b.count) {
                if let d = firstDifference(a[i], b[i], tolerance: tolerance, path: path + "[\(i)]") { return d }
            }
            if a.count != b.count {
                let i = min(a.count, b.count)
                return JSONDifference(
                    path: path + "[\(i)]",
                    actual: i < a.count ? a[i].compactDescription + " (array has \(a.count) elements)" : "<missing> (array has \(a.count) elements)",
                    expected: i < b.count ? b[i].compactDescription + " (array has \(b.count) elements)" : "<missing> (array has \(b.count) elements)")
            }
            return nil
        case (.object(let a), .object(let b)):
            for key in Set(a.keys).union(b.keys).sorted() {
                let childPath = path + GoldenJSONValue.pathComponent(key)
                switch (a[key], b[key]) {
                case (let x?, let y?):
                    if let d = firstDifference(x, y, tolerance: tolerance, path: childPath) { return d }
                case (let x?, nil):
                    return JSONDifference(path: childPath, actual: x.compactDescription, expected: "<missing>")
                case (nil, let y?):
                    return JSONDifference(path: childPath, actual: "<missing>", expected: y.compactDescription)
                case (nil, nil):
                    break
                }
            }
            return nil
        default:
            return JSONDifference(path: path, actual: actual.compactDescription, expected: expected.compactDescription)
        }
    }
}

/// Where two JSON trees first differ; values are compact JSON (shortened when long).
public struct JSONDifference: Sendable, Equatable {
    /// E.g. `$.items[3].rule.from.x`.
    public var path: String
    public var actual: String
    public var expected: String

    public init(path: String, actual: String, expected: String) {
        self.path = path
        self.actual = actual
        self.expected = expected
    }
}

/// A parsed JSON value.
public indirect enum GoldenJSONValue: Sendable, Equatable, Decodable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([GoldenJSONValue])
    case object([String: GoldenJSONValue])

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let b = try? container.decode(Bool.self) {
            self = .bool(b)
        } else if let n = try? container.decode(Double.self) {
            self = .number(n)
        } else if let s = try? container.decode(String.self) {
            self = .string(s)
        } else if let a = try? container.decode([GoldenJSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try container.decode([String: GoldenJSONValue].self))
        }
    }

    /// Parses JSON text (much faster than decoding `GoldenJSONValue` through `Decodable`).
    public static func parse(_ data: Data) throws -> GoldenJSONValue {
        try GoldenJSONValue(foundation: JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]))
    }

    private init(foundation value: Any) throws {
        switch value {
        case is NSNull:
            self = .null
        case let string as String:
            self = .string(string)
        case let number as NSNumber:
            // JSONSerialization gives booleans as NSNumber with Objective-C type "c".
            if String(cString: number.objCType) == "c" {
                self = .bool(number.boolValue)
            } else {
                self = .number(number.doubleValue)
            }
        case let array as [Any]:
            self = .array(try array.map { try GoldenJSONValue(foundation: $0) })
        case let object as [String: Any]:
            self = .object(try object.mapValues { try GoldenJSONValue(foundation: $0) })
        default:
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "unexpected JSON value \(type(of: value))"))
        }
    }

    /// Compact JSON text, cut to about 200 characters.
    public var compactDescription: String {
        let text = compactJSON
        return text.count > 200 ? String(text.prefix(200)) + "…" : text
    }

    private var compactJSON: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n):
            if n == n.rounded(), abs(n) < 1e15 { return String(Int64(n)) }
            return String(n)
        case .string(let s): return GoldenJSONValue.quoted(s)
        case .array(let a): return "[" + a.map(\.compactJSON).joined(separator: ",") + "]"
        case .object(let o):
            return "{" + o.keys.sorted().map { GoldenJSONValue.quoted($0) + ":" + o[$0]!.compactJSON }.joined(separator: ",") + "}"
        }
    }

    static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }

    static func pathComponent(_ key: String) -> String {
        let identifier = !key.isEmpty && key.unicodeScalars.allSatisfy {
            ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") || $0 == "_"
        }
        return identifier ? "." + key : "[" + quoted(key) + "]"
    }
}
