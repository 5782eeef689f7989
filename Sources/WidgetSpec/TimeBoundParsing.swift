import ChartCore

extension RelativeDuration {
    /// Parses an ISO 8601 duration with an optional leading `-` (spec §6.1).
    ///
    /// Grammar: `-? P (nY)? (nM)? (nW)? (nD)? (T (nH)? (nM)? (nS)?)?` with at least one
    /// component, and at least one after `T` when `T` is present. `M` before `T` is months,
    /// after `T` minutes. Fields are signed: `-PT3H` gives `hours == -3`.
    ///
    /// Decisions ([REC]): fractions are accepted on any component (`-PT1.5H`, also with a
    /// comma, `-PT1,5H`); designator letters are accepted in either case, as
    /// `java.time` does; components must come in the order above, each at most once.
    /// `-PID` (a typo in AWS's docs) is malformed. Returns nil when malformed. A positive duration parses (with
    /// positive fields); `TimeBound(parsing:)` is what rejects it.
    public init?(iso8601 text: String) {
        var chars = Array(text.utf8)[...]
        var sign = 1.0
        if chars.first == UInt8(ascii: "-") { sign = -1; chars = chars.dropFirst() }
        guard let p = chars.first, p | 0x20 == UInt8(ascii: "p") else { return nil }
        chars = chars.dropFirst()

        var duration = RelativeDuration()
        // Order of the designators: Y M W D, then after T: H M S.
        var lastOrder = -1
        var inTime = false
        var sawComponent = false, sawTimeComponent = false
        while let c = chars.first {
            if c | 0x20 == UInt8(ascii: "t") {
                guard !inTime else { return nil }
                inTime = true
                lastOrder = 3
                chars = chars.dropFirst()
                continue
            }
            // A number: digits, optionally a '.' or ',' and more digits.
            var digits = ""
            while let d = chars.first, d >= 0x30, d <= 0x39 { digits.append(Character(Unicode.Scalar(d))); chars = chars.dropFirst() }
            guard !digits.isEmpty else { return nil }
            if let sep = chars.first, sep == UInt8(ascii: ".") || sep == UInt8(ascii: ",") {
                chars = chars.dropFirst()
                var fraction = ""
                while let d = chars.first, d >= 0x30, d <= 0x39 { fraction.append(Character(Unicode.Scalar(d))); chars = chars.dropFirst() }
                guard !fraction.isEmpty else { return nil }
                digits += "." + fraction
            }
            guard let magnitude = Double(digits), magnitude.isFinite, let unit = chars.first else { return nil }
            chars = chars.dropFirst()
            // `+ 0` turns -0.0 into 0.0 so that `-PT0H` equals the default `RelativeDuration()`.
            let value = sign * magnitude + 0
            let order: Int
            switch (unit | 0x20, inTime) {
            case (UInt8(ascii: "y"), false): order = 0; duration.years = value
            case (UInt8(ascii: "m"), false): order = 1; duration.months = value
            case (UInt8(ascii: "w"), false): order = 2; duration.weeks = value
            case (UInt8(ascii: "d"), false): order = 3; duration.days = value
            case (UInt8(ascii: "h"), true): order = 4; duration.hours = value
            case (UInt8(ascii: "m"), true): order = 5; duration.minutes = value
            case (UInt8(ascii: "s"), true): order = 6; duration.seconds = value
            default: return nil
            }
            guard order > lastOrder else { return nil }
            lastOrder = order
            sawComponent = true
            if inTime { sawTimeComponent = true }
        }
        guard sawComponent, !inTime || sawTimeComponent else { return nil }
        self = duration
    }

    /// True when every field is zero (`-PT0H`, `P0D`: "now").
    public var isZero: Bool {
        years == 0 && months == 0 && weeks == 0 && days == 0 && hours == 0 && minutes == 0 && seconds == 0
    }
}

extension TimeBound {
    /// Parses a `start` / `end` value (spec §6.1).
    ///
    /// - An absolute ISO 8601 timestamp with date and time (`ISO8601.parse`) → `.absolute`.
    /// - A negative ISO 8601 duration (`-PT3H`, `-P1M2D`), or a zero one (`-PT0H`, `P0D`)
    ///   meaning "now" → `.relative`, not resolved against any clock here.
    ///
    /// Positive non-zero durations, date-only timestamps and anything else give nil.
    public init?(parsing text: String) {
        guard let bound = try? TimeBound.parse(text, path: "") else { return nil }
        self = bound
    }

    /// Parses a `start` / `end` / vertical-annotation value, with a plain message on failure.
    static func parse(_ text: String, path: String) throws(WidgetError) -> TimeBound {
        if let epoch = ISO8601.parse(text) { return .absolute(epoch) }
        if let duration = RelativeDuration(iso8601: text) {
            guard duration.isZero || text.hasPrefix("-") else {
                throw WidgetError(
                    .invalidValue, path: path,
                    "\(JSONValue.quote(text)) points into the future: relative times are negative durations such as -PT3H")
            }
            return .relative(duration)
        }
        throw WidgetError(
            .invalidValue, path: path,
            "\(JSONValue.quote(text)) is not a valid time (use an ISO 8601 date and time such as "
                + "2024-03-01T12:00:00Z, or a negative duration such as -PT3H)")
    }
}
