import ChartCore

/// A dashboard variable (api.md §8.3): a value a dashboard viewer picks, written into the
/// metric widgets before they are drawn.
///
/// - A **property** variable names a JSON property or a dimension: a widget's top-level
///   property of that name, and every dimension of that name written out in its metric rows,
///   take the value.
/// - A **pattern** variable is a regular expression: every match in the widget's JSON text is
///   replaced by the value.
///
/// The value drawn is the caller's choice for the variable's `id` (`graphshot render-dashboard
/// --variable ID=VALUE`), else its `defaultValue`. `__FIRST` means "the first result of the
/// variable's `search`", which needs the metric catalogue: `Renderer` resolves it, and an
/// unresolved `__FIRST` leaves the widget as written.
public struct DashboardVariable: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case property(String)
        case pattern(String)
    }

    /// How the dashboard offers the choice (no effect on drawing).
    public enum InputType: String, Sendable, Equatable {
        case input, select, radio
    }

    /// One offered value.
    public struct Choice: Sendable, Equatable {
        public var value: String
        public var label: String?
    }

    public var id: String
    public var kind: Kind
    public var inputType: InputType
    public var label: String?
    /// `defaultValue` as text (numbers and booleans as they are written in JSON).
    public var defaultValue: String?
    public var values: [Choice]
    /// A metric search (`SEARCH` query syntax) whose results populate the choices.
    public var search: String?
    /// The dimension whose values the `search` results offer.
    public var populateFrom: String?
    public var visible: Bool
    /// `variables[2]`, for error messages.
    public var path: String

    /// The `defaultValue` that stands for the first search result.
    public static let firstSearchResult = "__FIRST"

    /// Most variables in a body, longest id, label, value and search text (api.md §8.3).
    public static let maxCount = 25
    public static let maxIdLength = 32
    public static let maxLabelLength = 30
    public static let maxValues = 500
    public static let maxValueLength = 255
    public static let maxSearchLength = 2048
    /// Longest pattern (Graphshot's own limit; CloudWatch documents none).
    public static let maxPatternLength = 1024

    /// Whether the default is `__FIRST` and there is a search to take it from.
    public var defaultsToFirstSearchResult: Bool { defaultValue == Self.firstSearchResult && search != nil }
}

extension DashboardVariable {
    /// Parses and checks the body's `variables` array. Errors name the JSON path
    /// (`variables[1].id`).
    ///
    /// Decisions: `inputType` may be omitted (it only shapes the dashboard's picker; `input`
    /// is assumed); ids must be unique; a pattern that could take exponential time to match
    /// (a repeated group that itself repeats or alternates, such as `(a+)+` or `(a|ab)*`, or a
    /// back-reference) is refused, so no dashboard can stall a render.
    public static func parseAll(_ items: [JSONValue]) throws(WidgetError) -> [DashboardVariable] {
        guard items.count <= maxCount else {
            throw WidgetError(.invalidValue, path: "variables", "\"variables\" has \(items.count) entries; at most \(maxCount) are allowed")
        }
        var out: [DashboardVariable] = []
        var seen: Set<String> = []
        for (index, item) in items.enumerated() {
            let path = JSONPath.index("variables", index)
            guard case .object(let object) = item else { throw .wrongType(path, expected: "an object", found: item) }
            let variable = try parse(ObjectReader(object, path: path))
            guard seen.insert(variable.id).inserted else {
                throw WidgetError(.duplicateId, path: JSONPath.key(path, "id"), "the id \(JSONValue.quote(variable.id)) is used by another variable")
            }
            out.append(variable)
        }
        return out
    }

    private static func parse(_ v: ObjectReader) throws(WidgetError) -> DashboardVariable {
        func limited(_ key: String, _ limit: Int) throws(WidgetError) -> String? {
            guard let s = try v.string(key) else { return nil }
            guard s.count <= limit else {
                throw WidgetError(.stringTooLong, path: v.path(of: key), "\(s.count) characters; at most \(limit) are allowed")
            }
            return s
        }
        guard let id = try limited("id", maxIdLength) else {
            throw WidgetError(.missingField, path: v.path(of: "id"), "the variable has no \"id\"")
        }
        guard !id.isEmpty, id.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_") }) else {
            throw WidgetError(.invalidId, path: v.path(of: "id"), "\(JSONValue.quote(id)) is not a valid variable id (use 0-9, A-Z, a-z, - and _)")
        }
        guard let type = try v.choice("type", ["property": true, "pattern": false], noun: "variable type") else {
            throw WidgetError(.missingField, path: v.path(of: "type"), "the variable has no \"type\" (property or pattern)")
        }
        let kind: Kind
        if type {
            guard let property = try v.string("property"), !property.isEmpty else {
                throw WidgetError(.missingField, path: v.path(of: "property"), "a property variable needs \"property\"")
            }
            kind = .property(property)
        } else {
            guard let pattern = try limited("pattern", maxPatternLength), !pattern.isEmpty else {
                throw WidgetError(.missingField, path: v.path(of: "pattern"), "a pattern variable needs \"pattern\"")
            }
            if let problem = VariablePattern.problem(pattern) {
                throw WidgetError(.invalidValue, path: v.path(of: "pattern"), problem)
            }
            kind = .pattern(pattern)
        }
        let inputType = try v.choice(
            "inputType", ["input": InputType.input, "select": .select, "radio": .radio], noun: "input type") ?? .input
        let label = try limited("label", maxLabelLength)

        var defaultValue: String?
        if let d = v.value("defaultValue") {
            guard let text = scalarText(d) else {
                throw .wrongType(v.path(of: "defaultValue"), expected: "a string, number or boolean", found: d)
            }
            guard text.count <= maxValueLength else {
                throw WidgetError(.stringTooLong, path: v.path(of: "defaultValue"), "\(text.count) characters; at most \(maxValueLength) are allowed")
            }
            defaultValue = text
        }
        var values: [Choice] = []
        if let items = try v.array("values") {
            let path = v.path(of: "values")
            guard (1...maxValues).contains(items.count) else {
                throw WidgetError(.invalidValue, path: path, "\"values\" has \(items.count) entries; 1 to \(maxValues) are allowed")
            }
            for (k, item) in items.enumerated() {
                let itemPath = JSONPath.index(path, k)
                guard case .object(let o) = item else { throw .wrongType(itemPath, expected: "an object", found: item) }
                let choice = ObjectReader(o, path: itemPath)
                guard let valueJSON = choice.value("value") else {
                    throw WidgetError(.missingField, path: choice.path(of: "value"), "the choice has no \"value\"")
                }
                guard let value = scalarText(valueJSON) else {
                    throw .wrongType(choice.path(of: "value"), expected: "a string, number or boolean", found: valueJSON)
                }
                let choiceLabel = try choice.string("label")
                for (key, text) in [("value", value), ("label", choiceLabel ?? "")] where text.count > maxValueLength {
                    throw WidgetError(.stringTooLong, path: choice.path(of: key), "\(text.count) characters; at most \(maxValueLength) are allowed")
                }
                values.append(Choice(value: value, label: choiceLabel))
            }
        }
        let search = try limited("search", maxSearchLength)
        let populateFrom = try v.string("populateFrom")
        if search != nil && populateFrom == nil {
            throw WidgetError(.missingField, path: v.path(of: "populateFrom"), "a variable with \"search\" needs \"populateFrom\" (the dimension whose values it offers)")
        }
        let visible = try v.bool("visible") ?? true
        return DashboardVariable(
            id: id, kind: kind, inputType: inputType, label: label, defaultValue: defaultValue, values: values,
            search: search, populateFrom: populateFrom, visible: visible, path: v.path)
    }

    /// A JSON string, number or boolean as the text it stands for (`300`, `true`).
    static func scalarText(_ v: JSONValue) -> String? {
        switch v {
        case .string(let s): return s
        case .number(let d): return JSONValue.format(d)
        case .bool(let b): return b ? "true" : "false"
        default: return nil
        }
    }
}

extension DashboardVariable {
    /// Writes the variables into a metric widget's `properties` (api.md §8.4 step 2).
    ///
    /// `chosen` maps a variable id to the value to draw; other variables use their
    /// `defaultValue`. A variable with neither (or with an unresolved `__FIRST`) changes
    /// nothing. Property variables are applied first, in order, then pattern variables over the
    /// JSON text of the result; the value is written as JSON string content (quotes and
    /// backslashes escaped), so a replacement cannot break out of a string.
    public static func apply(
        _ variables: [DashboardVariable], chosen: [String: String] = [:], to properties: JSONObject, path: String
    ) throws(WidgetError) -> JSONObject {
        var result = properties
        var patterns: [(DashboardVariable, String, String)] = []
        for variable in variables {
            guard let value = chosen[variable.id] ?? variable.defaultValue, value != firstSearchResult else { continue }
            switch variable.kind {
            case .property(let name): result = replaceProperty(result, name: name, value: value)
            case .pattern(let pattern): patterns.append((variable, pattern, value))
            }
        }
        guard !patterns.isEmpty else { return result }
        var text = JSONWriter(style: .compact).string(.object(result))
        for (variable, pattern, value) in patterns {
            guard let regex = try? Regex(pattern) else {
                throw WidgetError(.invalidValue, path: JSONPath.key(variable.path, "pattern"), "not a valid regular expression")
            }
            text = text.replacing(regex, with: String(JSONWriter.quoted(value).dropFirst().dropLast()))
        }
        guard case .object(let rewritten)? = try? JSONParser.parse(text) else {
            throw WidgetError(.invalidValue, path: path, "the dashboard's pattern variables turn this widget into text that is no longer a JSON object")
        }
        return rewritten
    }

    /// A top-level property named `name` (when it holds a string), and the dimension named
    /// `name` of every metric row, take `value`. Rows written with the `"..."`/`"."` shorthand
    /// are written out first, so a row such as `["...", "sms"]` gets the value too, as it does
    /// on a CloudWatch dashboard.
    static func replaceProperty(_ properties: JSONObject, name: String, value: String) -> JSONObject {
        JSONObject(properties.members.map { member -> JSONObject.Member in
            if member.key == name, case .string = member.value { return (member.key, .string(value)) }
            guard member.key == "metrics", case .array(let rows) = member.value else { return member }
            return (member.key, .array(MetricRowsParser.writtenOut(rows).map { row in
                guard case .array(var items) = row else { return row }
                // [namespace, metric, (dimension name, value)…, options…]
                var k = 2
                while k + 1 < items.count {
                    if case .string(let n) = items[k], n == name, case .string = items[k + 1] { items[k + 1] = .string(value) }
                    k += 2
                }
                return .array(items)
            }))
        })
    }
}

/// Checks a pattern variable's regular expression before it is ever run.
///
/// Hand-written because no regex engine available to Swift on Linux bounds matching time: a
/// pattern whose repeated group can match the same text in many ways (`(a+)+`, `(a|aa)*`) or
/// that uses back-references takes exponential time on some inputs. Those shapes are
/// refused; everything CloudWatch users write in practice (`i-[0-9a-f]+`, `prod|staging`,
/// literal names) passes.
enum VariablePattern {
    /// Why `pattern` is refused, or nil when it is accepted.
    static func problem(_ pattern: String) -> String? {
        guard (try? Regex(pattern)) != nil else { return "not a valid regular expression" }
        let chars = Array(pattern)
        // For each open group: whether it contains a repetition or an alternation.
        var groups: [(repeats: Bool, alternates: Bool)] = []
        var lastClosed: (repeats: Bool, alternates: Bool)?
        var i = 0
        func markRepeat() { if !groups.isEmpty { groups[groups.count - 1].repeats = true } }
        while i < chars.count {
            let c = chars[i]
            var closed: (repeats: Bool, alternates: Bool)?
            switch c {
            case "\\":
                if i + 1 < chars.count, chars[i + 1].isNumber && chars[i + 1] != "0" || chars[i + 1] == "k" {
                    return "back-references are not allowed in a pattern variable"
                }
                i += 2
                lastClosed = nil
                continue
            case "[":
                // Skip the character class (a `]` right after `[` or `[^` is literal).
                i += 1
                if i < chars.count, chars[i] == "^" { i += 1 }
                if i < chars.count, chars[i] == "]" { i += 1 }
                while i < chars.count, chars[i] != "]" { i += chars[i] == "\\" ? 2 : 1 }
            case "(":
                groups.append((false, false))
            case ")":
                closed = groups.popLast()
                if let inner = closed, !groups.isEmpty {
                    groups[groups.count - 1].repeats = groups[groups.count - 1].repeats || inner.repeats
                    groups[groups.count - 1].alternates = groups[groups.count - 1].alternates || inner.alternates
                }
            case "|":
                if !groups.isEmpty { groups[groups.count - 1].alternates = true }
            case "*", "+", "{":
                if c == "{" {
                    // `{n}` and `{n,m}` repeat; anything else is a literal brace.
                    var j = i + 1
                    while j < chars.count, chars[j].isNumber || chars[j] == "," { j += 1 }
                    guard j < chars.count, chars[j] == "}", j > i + 1 else { break }
                    let bounds = String(chars[(i + 1)..<j])
                    i = j
                    if !bounds.contains(",") && bounds == "1" { break }
                }
                if let group = lastClosed, group.repeats || group.alternates {
                    return "a repeated group that itself repeats or alternates can take exponential time to match; simplify the pattern"
                }
                markRepeat()
            default:
                break
            }
            lastClosed = closed
            i += 1
        }
        return nil
    }
}
