import ChartCore

/// Builds JSON paths such as `metrics[2][3]` or `yAxis.left.min` for error messages.
enum JSONPath {
    /// `base.key`, or just `key` at the top level.
    static func key(_ base: String, _ key: String) -> String { base.isEmpty ? key : base + "." + key }
    /// `base[index]`.
    static func index(_ base: String, _ index: Int) -> String { base + "[\(index)]" }
}

extension WidgetError {
    /// `expected a number, found the string "300"`.
    static func wrongType(_ path: String, expected: String, found: JSONValue) -> WidgetError {
        WidgetError(.wrongType, path: path, "expected \(expected), found \(found.typeDescription)")
    }
}

/// Typed, path-aware access to the fields of one JSON object.
///
/// Every accessor treats JSON `null` like an absent key (spec §2 [REC]) and throws
/// `.wrongType` when the value has another JSON type than the field needs. Keys are
/// case-sensitive; keys nobody asks for are simply ignored (spec §1).
struct ObjectReader {
    let fields: JSONObject
    /// Path of the object itself.
    let path: String
    /// For merged option objects: the path of the object that supplied each key, so that
    /// an error points at the object the user actually wrote the key in.
    var keyOrigins: [String: String] = [:]

    init(_ fields: JSONObject, path: String, keyOrigins: [String: String] = [:]) {
        self.fields = fields; self.path = path; self.keyOrigins = keyOrigins
    }

    /// The JSON path of `key` inside this object.
    func path(of key: String) -> String { JSONPath.key(keyOrigins[key] ?? path, key) }

    /// The value of `key`; nil when absent or `null`.
    func value(_ key: String) -> JSONValue? {
        guard let v = fields[key], v != .null else { return nil }
        return v
    }

    func string(_ key: String) throws(WidgetError) -> String? {
        guard let v = value(key) else { return nil }
        guard case .string(let s) = v else { throw .wrongType(path(of: key), expected: "a string", found: v) }
        return s
    }

    func bool(_ key: String) throws(WidgetError) -> Bool? {
        guard let v = value(key) else { return nil }
        guard case .bool(let b) = v else { throw .wrongType(path(of: key), expected: "true or false", found: v) }
        return b
    }

    /// A JSON number (integers and floats alike). Strings holding numbers are `.wrongType`.
    func number(_ key: String) throws(WidgetError) -> Double? {
        guard let v = value(key) else { return nil }
        guard case .number(let n) = v else { throw .wrongType(path(of: key), expected: "a number", found: v) }
        return n
    }

    /// A JSON number that must be a whole number (`300` or `300.0`); `300.5` is `.invalidValue`.
    func integer(_ key: String) throws(WidgetError) -> Int? {
        guard let n = try number(key) else { return nil }
        guard let i = Self.wholeNumber(n) else {
            throw WidgetError(.invalidValue, path: path(of: key), "\(JSONValue.format(n)) is not a whole number")
        }
        return i
    }

    func array(_ key: String) throws(WidgetError) -> [JSONValue]? {
        guard let v = value(key) else { return nil }
        guard case .array(let a) = v else { throw .wrongType(path(of: key), expected: "an array", found: v) }
        return a
    }

    func object(_ key: String) throws(WidgetError) -> ObjectReader? {
        guard let v = value(key) else { return nil }
        guard case .object(let o) = v else { throw .wrongType(path(of: key), expected: "an object", found: v) }
        return ObjectReader(o, path: path(of: key))
    }

    /// A string that must be one of `choices` (exact, case-sensitive spelling).
    /// `noun` names the field in the message: `"sideways" is not a valid legend position (use …)`.
    func choice<T>(_ key: String, _ choices: KeyValuePairs<String, T>, noun: String) throws(WidgetError) -> T? {
        guard let s = try string(key) else { return nil }
        if let hit = choices.first(where: { $0.key == s }) { return hit.value }
        let names = choices.map(\.key)
        let list = names.count > 1 ? names.dropLast().joined(separator: ", ") + " or " + (names.last ?? "") : names.joined()
        throw WidgetError(.invalidValue, path: path(of: key), "\(JSONValue.quote(s)) is not a valid \(noun) (use \(list))")
    }

    /// A colour string; anything that is not a valid `#RGB`, `#RRGGBB` or `#RRGGBBAA` colour
    /// (including non-strings) is ignored and nil is returned, so the palette is used (spec §3.3 [REC]).
    func color(_ key: String) -> RGBA? {
        guard case .string(let s)? = value(key) else { return nil }
        return RGBA(hex: s)
    }

    /// `"left"` or `"right"`.
    func axisSide(_ key: String) throws(WidgetError) -> AxisSide? {
        try choice(key, ["left": AxisSide.left, "right": AxisSide.right], noun: "axis")
    }

    /// A period in seconds (spec §5): 1, 5, 10, 20, 30, 60 or a positive multiple of 60.
    func period(_ key: String) throws(WidgetError) -> Int? {
        guard let n = try number(key) else { return nil }
        let p = path(of: key)
        guard let seconds = Self.wholeNumber(n) else {
            throw WidgetError(.invalidValue, path: p, "\(JSONValue.format(n)) is not a whole number of seconds")
        }
        guard Self.isValidPeriod(seconds) else {
            throw WidgetError(
                .invalidValue, path: p,
                "\(seconds) is not a valid period (use 1, 5, 10, 20, 30, 60 or a multiple of 60)")
        }
        return seconds
    }

    /// A statistic in the full grammar of spec §4.1.
    func statistic(_ key: String) throws(WidgetError) -> Statistic? {
        guard let s = try string(key) else { return nil }
        do {
            return try Statistic(parsing: s)
        } catch {
            throw WidgetError(.invalidValue, path: path(of: key), error.description)
        }
    }

    // MARK: - Number rules

    /// The integer value of `n` when it is whole and exactly representable (|n| ≤ 2^53).
    static func wholeNumber(_ n: Double) -> Int? {
        guard n.isFinite, n == n.rounded(), abs(n) <= 9_007_199_254_740_992 else { return nil }
        return Int(n)
    }

    /// Spec §5: 1, 5, 10, 20, 30 (sub-minute, high resolution) or any positive multiple of 60.
    static func isValidPeriod(_ seconds: Int) -> Bool { CloudWatchRules.isValidPeriod(seconds) }
}

/// Length of a string as the limits of spec §11 count it: in Unicode scalars ("characters").
func textLength(_ s: String) -> Int { s.unicodeScalars.count }
