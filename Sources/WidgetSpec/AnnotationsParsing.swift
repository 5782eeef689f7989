import ChartCore

/// Parses `annotations` (spec §8).
///
/// Each item of `horizontal` / `vertical` is an object (a line) or an array of exactly two
/// objects (a band). For a band, colour, axis and visibility come from the first object;
/// only `value` and `label` are read from the second; `fill` is ignored (§8.2, §8.4).
/// Decision: an empty `label` is treated as absent (nil), so a vertical line with a blank
/// label shows only its date/time, as the User Guide describes.
enum AnnotationsParser {
    static func parse(_ reader: ObjectReader) throws(WidgetError) -> Annotations {
        var result = Annotations()
        if let items = try reader.array("horizontal") {
            let base = reader.path(of: "horizontal")
            for (k, item) in items.enumerated() {
                result.horizontal.append(try horizontal(item, path: JSONPath.index(base, k)))
            }
        }
        if let items = try reader.array("vertical") {
            let base = reader.path(of: "vertical")
            for (k, item) in items.enumerated() {
                result.vertical.append(try vertical(item, path: JSONPath.index(base, k)))
            }
        }
        // Decision: alarm ARNs are kept as given (their count is not limited here); whether
        // they can be rendered is decided by the stages that draw (spec §8.6).
        if let items = try reader.array("alarms") {
            let base = reader.path(of: "alarms")
            for (k, item) in items.enumerated() {
                guard case .string(let arn) = item else {
                    throw .wrongType(JSONPath.index(base, k), expected: "an alarm ARN string", found: item)
                }
                result.alarms.append(arn)
            }
        }
        return result
    }

    // MARK: - Horizontal

    private static func horizontal(_ item: JSONValue, path: String) throws(WidgetError) -> HorizontalAnnotation {
        switch item {
        case .object(let fields):
            let o = ObjectReader(fields, path: path)
            let fill = try o.choice(
                "fill", ["above": HorizontalFill.above, "below": .below, "none": .none], noun: "fill") ?? .none
            return HorizontalAnnotation(
                shape: .line(value: try requiredNumber(o), label: try label(o), fill: fill),
                color: o.color("color"),
                yAxis: try o.axisSide("yAxis") ?? .left,
                visible: try o.bool("visible") ?? true)
        case .array(let pair):
            let (first, second) = try bandEdges(pair, path: path)
            return HorizontalAnnotation(
                shape: .band(
                    first: try requiredNumber(first), firstLabel: try label(first),
                    second: try requiredNumber(second), secondLabel: try label(second)),
                color: first.color("color"),
                yAxis: try first.axisSide("yAxis") ?? .left,
                visible: try first.bool("visible") ?? true)
        default:
            throw .wrongType(path, expected: "an object (a line) or an array of two objects (a band)", found: item)
        }
    }

    private static func requiredNumber(_ o: ObjectReader) throws(WidgetError) -> Double {
        guard let v = try o.number("value") else {
            throw WidgetError(.missingField, path: o.path(of: "value"), "a horizontal annotation needs a numeric \"value\"")
        }
        return v
    }

    // MARK: - Vertical

    private static func vertical(_ item: JSONValue, path: String) throws(WidgetError) -> VerticalAnnotation {
        switch item {
        case .object(let fields):
            let o = ObjectReader(fields, path: path)
            let fill = try o.choice(
                "fill", ["before": VerticalFill.before, "after": .after, "none": .none], noun: "fill") ?? .none
            return VerticalAnnotation(
                shape: .line(time: try requiredTime(o), label: try label(o), fill: fill),
                color: o.color("color"),
                visible: try o.bool("visible") ?? true)
        case .array(let pair):
            let (first, second) = try bandEdges(pair, path: path)
            return VerticalAnnotation(
                shape: .band(
                    first: try requiredTime(first), firstLabel: try label(first),
                    second: try requiredTime(second), secondLabel: try label(second)),
                color: first.color("color"),
                visible: try first.bool("visible") ?? true)
        default:
            throw .wrongType(path, expected: "an object (a line) or an array of two objects (a band)", found: item)
        }
    }

    /// An absolute ISO 8601 time; relative durations are not allowed here (spec §8.3).
    private static func requiredTime(_ o: ObjectReader) throws(WidgetError) -> EpochSeconds {
        let path = o.path(of: "value")
        guard let text = try o.string("value") else {
            throw WidgetError(.missingField, path: path, "a vertical annotation needs a \"value\" time")
        }
        guard let epoch = ISO8601.parse(text) else {
            if RelativeDuration(iso8601: text) != nil {
                throw WidgetError(
                    .invalidValue, path: path,
                    "\(JSONValue.quote(text)) is a relative time; vertical annotations need an absolute time such as 2024-03-01T10:15:00Z")
            }
            throw WidgetError(
                .invalidValue, path: path,
                "\(JSONValue.quote(text)) is not a valid ISO 8601 date and time (e.g. 2024-03-01T10:15:00Z)")
        }
        return epoch
    }

    // MARK: - Shared

    private static func bandEdges(_ pair: [JSONValue], path: String) throws(WidgetError) -> (ObjectReader, ObjectReader) {
        guard pair.count == 2 else {
            throw WidgetError(
                .invalidValue, path: path,
                "a band is an array of exactly two objects, but this one has \(pair.count) element\(pair.count == 1 ? "" : "s")")
        }
        var edges: [ObjectReader] = []
        for (k, element) in pair.enumerated() {
            guard case .object(let fields) = element else {
                throw .wrongType(JSONPath.index(path, k), expected: "an object", found: element)
            }
            edges.append(ObjectReader(fields, path: JSONPath.index(path, k)))
        }
        return (edges[0], edges[1])
    }

    private static func label(_ o: ObjectReader) throws(WidgetError) -> String? {
        guard let s = try o.string("label"), !s.isEmpty else { return nil }
        return s
    }
}
