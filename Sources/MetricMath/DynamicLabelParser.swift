// Locating `${…}` tokens in a label (rules in DynamicLabel.swift). Hand-written scanner over
// Unicode scalars; anything it does not recognise is kept as text, so it cannot fail.

enum DynamicLabelParser {
    static let names: [String: DynamicLabel.Token] = [
        "AVG": .average, "SUM": .sum, "MIN": .minimum, "MAX": .maximum, "FIRST": .first, "LAST": .last,
        "DATAPOINT_COUNT": .datapointCount, "FIRST_LAST_RANGE": .firstLastRange, "MIN_MAX_RANGE": .minMaxRange,
        "FIRST_TIME": .firstTime, "LAST_TIME": .lastTime, "MIN_TIME": .minTime, "MAX_TIME": .maxTime,
        "FIRST_TIME_RELATIVE": .firstTimeRelative, "LAST_TIME_RELATIVE": .lastTimeRelative,
        "MIN_TIME_RELATIVE": .minTimeRelative, "MAX_TIME_RELATIVE": .maxTimeRelative,
        "FIRST_LAST_TIME_RANGE": .firstLastTimeRange, "MIN_MAX_TIME_RANGE": .minMaxTimeRange,
        "LABEL": .label,
    ]

    static let properties: [String: DynamicLabel.Property] = [
        "AccountId": .accountId, "AccountLabel": .accountLabel, "MetricName": .metricName,
        "Namespace": .namespace, "Period": .period, "Region": .region, "Stat": .stat,
    ]

    /// Longest token name in the table, to bound the look-ahead of a `${` without `}`.
    static let longestName = 32

    static func parse(_ template: String) -> DynamicLabel {
        let s = Array(template.unicodeScalars)
        var parts: [DynamicLabel.Part] = []
        var text = String.UnicodeScalarView()
        var valueTokens = 0
        var sawLabel = false
        var i = 0
        func flush() {
            if !text.isEmpty { parts.append(.text(String(text))); text = String.UnicodeScalarView() }
        }
        while i < s.count {
            guard s[i] == "$", i + 1 < s.count, s[i + 1] == "{", let (token, end) = recognise(s, at: i) else {
                text.append(s[i])
                i += 1
                continue
            }
            let allowed: Bool
            if token == .label {
                allowed = !sawLabel
                sawLabel = true
            } else if token.isValue {
                allowed = valueTokens < DynamicLabel.maxValueTokens
                valueTokens += 1
            } else {
                allowed = true
            }
            if allowed {
                flush()
                parts.append(.token(token))
            } else {
                text.append(contentsOf: s[i..<end])
            }
            i = end
        }
        flush()
        return DynamicLabel(template: template, parts: parts)
    }

    /// The token starting at `i` (on `${`) and the index just after its `}`, if it is one of ours.
    private static func recognise(_ s: [Unicode.Scalar], at i: Int) -> (DynamicLabel.Token, Int)? {
        let start = i + 2
        if matches(s, start, "PROP(") {
            let q = start + 5
            guard q < s.count, s[q] == "'" || s[q] == "\"" else { return nil }
            var j = q + 1
            var name = String.UnicodeScalarView()
            while j < s.count, s[j] != s[q] { name.append(s[j]); j += 1 }
            guard j < s.count, matches(s, j + 1, ")}") else { return nil }
            let key = String(name)
            let property: DynamicLabel.Property
            if key.hasPrefix("Dim."), key.count > 4 {
                property = .dimension(String(key.dropFirst(4)))
            } else if let p = properties[key] {
                property = p
            } else {
                return nil
            }
            return (.property(property), j + 3)
        }
        var j = start
        var name = String.UnicodeScalarView()
        while j < s.count, s[j] != "}", j - start <= longestName { name.append(s[j]); j += 1 }
        guard j < s.count, s[j] == "}", let token = names[String(name)] else { return nil }
        return (token, j + 1)
    }

    private static func matches(_ s: [Unicode.Scalar], _ at: Int, _ literal: String) -> Bool {
        var k = at
        for c in literal.unicodeScalars {
            guard k < s.count, s[k] == c else { return false }
            k += 1
        }
        return true
    }
}
