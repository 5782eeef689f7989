import Foundation

/// The zone a widget's times are displayed in: a fixed `+HHMM` offset or an IANA time zone
/// such as `Europe/Paris` with its daylight-saving rules.
///
/// Only display depends on the zone (tick placement and labels, annotation labels, table
/// headers, time tokens in labels); data, buckets and ranges stay in UTC.
///
/// **Where the rules come from.** Named zones use Foundation's `TimeZone(identifier:)`. On
/// Linux it answers from the ICU time-zone data compiled into the Swift toolchain's
/// Foundation, so for a given Graphshot build the rules are fixed: they do not depend on
/// the machine's `/usr/share/zoneinfo`, the `TZ` variable or the locale (an explicit
/// identifier never consults them). The alternative, reading TZif files from the system,
/// would make the same widget render differently on machines with different `tzdata`
/// packages, and would need a file-path check on user input. The price is that rule
/// updates arrive with toolchain updates, not OS updates; goldens pin the transitions
/// they depend on.
///
/// **Which names are accepted** (decision; CloudWatch itself only documents `+HHMM`):
/// `+HHMM`/`-HHMM` as before; `UTC` and `GMT`; and `Area/Location` names that the rule
/// data knows (`Europe/Paris`, `America/New_York`, `Etc/GMT+5`, aliases such as
/// `Asia/Calcutta`). Names are case-sensitive. ICU's custom forms (`GMT+5`) and single-word
/// legacy names (`EST5EDT`, `Local`) are rejected so a name always means one thing.
public struct DisplayTimeZone: Sendable, Hashable, CustomStringConvertible {
    /// How offsets are found.
    private enum Rule: Sendable, Hashable {
        case fixed(seconds: Int64)
        case named(TimeZone)
    }

    /// The name as written in the widget after normalisation: `+0530`, `UTC`, `Europe/Paris`.
    public let identifier: String
    private let rule: Rule

    /// UTC, written `+0000` (the widget default).
    public static let utc = DisplayTimeZone(offset: .utc)

    /// A fixed offset.
    public init(offset: UTCOffset) {
        self.init(identifier: offset.text, rule: .fixed(seconds: offset.seconds))
    }

    private init(identifier: String, rule: Rule) {
        self.identifier = identifier
        self.rule = rule
    }

    /// `+HHMM`/`-HHMM` (see `UTCOffset(parsing:)`), `UTC`, `GMT` or a known `Area/Location`
    /// name; nil otherwise.
    public init?(parsing text: String) {
        if let offset = UTCOffset(parsing: text) {
            self.init(offset: offset)
            return
        }
        if text == "UTC" || text == "GMT" {
            self.init(identifier: text, rule: .fixed(seconds: 0))
            return
        }
        guard DisplayTimeZone.hasIANAShape(text), let zone = TimeZone(identifier: text) else { return nil }
        self.init(identifier: text, rule: .named(zone))
    }

    /// Longest accepted name (the longest IANA name is about 32 characters).
    public static let maxNameLength = 64

    /// Whether `text` is shaped like an IANA name, `Area/Location[/More]` (known or not):
    /// ASCII letters first, then letters, digits, `_`, `+`, `-`.
    public static func hasIANAShape(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count <= maxNameLength, let first = bytes.first, isLetter(first) else { return false }
        var sawSlash = false
        var previous: UInt8 = 0
        for b in bytes {
            if b == UInt8(ascii: "/") {
                if previous == UInt8(ascii: "/") { return false }
                sawSlash = true
            } else if !(isLetter(b) || (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: "_") || b == UInt8(ascii: "+") || b == UInt8(ascii: "-")) {
                return false
            }
            previous = b
        }
        return sawSlash && previous != UInt8(ascii: "/")
    }

    private static func isLetter(_ b: UInt8) -> Bool { (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) }

    public var description: String { identifier }

    /// True for a zone whose offset never changes (`+HHMM`, `UTC`, `GMT`).
    public var isFixed: Bool {
        if case .fixed = rule { return true }
        return false
    }

    /// Seconds east of UTC in effect at `t`.
    public func offsetSeconds(at t: EpochSeconds) -> Int64 {
        switch rule {
        case .fixed(let s): return s
        case .named(let zone): return Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(t))))
        }
    }

    /// The wall-clock time at `t`.
    public func civil(_ t: EpochSeconds) -> CivilTime {
        CivilTime(epoch: t, offsetSeconds: offsetSeconds(at: t))
    }

    /// The instants in `start..<end` at which the offset changes, with the offset from then
    /// on, oldest first (at most `limit`). Empty for fixed zones.
    public func offsetChanges(from start: EpochSeconds, to end: EpochSeconds, limit: Int = 10_000) -> [(at: EpochSeconds, offset: Int64)] {
        guard case .named(let zone) = rule, end > start else { return [] }
        var changes: [(EpochSeconds, Int64)] = []
        var cursor = Date(timeIntervalSince1970: Double(start - 1))
        while changes.count < limit, let next = zone.nextDaylightSavingTimeTransition(after: cursor) {
            let t = EpochSeconds(next.timeIntervalSince1970.rounded(.down))
            guard t < end, next > cursor else { break }
            if t >= start { changes.append((t, Int64(zone.secondsFromGMT(for: next)))) }
            cursor = next
        }
        return changes
    }

    /// The instant a wall-clock time denotes.
    ///
    /// Wall-clock times that occur twice (the hour repeated when clocks go back) resolve to
    /// the first occurrence. Times skipped when clocks go forward resolve to the instant the
    /// clocks jumped (e.g. 02:30 on a spring-forward night in Paris → 03:00 CEST), so a day
    /// whose midnight does not exist starts when the day's first wall-clock time does.
    public func epoch(of c: CivilTime) -> EpochSeconds {
        let naive = c.epoch(offsetSeconds: 0)
        switch rule {
        case .fixed(let s):
            return naive - s
        case .named:
            // Offsets within a day of the instant bracket every candidate.
            let before = offsetSeconds(at: naive - 86_400), after = offsetSeconds(at: naive + 86_400)
            var candidates: [EpochSeconds] = []
            for off in [max(before, after), min(before, after)] {
                let t = naive - off
                if offsetSeconds(at: t) == off && !candidates.contains(t) { candidates.append(t) }
            }
            if let first = candidates.min() { return first }
            // In a gap: the first instant after it, i.e. where the new offset starts.
            let earlier = naive - max(before, after), later = naive - min(before, after)
            if let change = offsetChanges(from: min(earlier, later), to: max(earlier, later) + 1, limit: 4).first {
                return change.at
            }
            return naive - before
        }
    }

    /// The first instant of a local calendar day.
    public func startOfDay(year: Int, month: Int, day: Int) -> EpochSeconds {
        epoch(of: CivilTime(year: year, month: month, day: day))
    }
}

extension CivilTime {
    /// The civil time of `epoch` `offsetSeconds` east of UTC.
    public init(epoch: EpochSeconds, offsetSeconds: Int64) {
        let local = epoch + offsetSeconds
        let days = floorDiv(local, 86_400)
        let secs = Int(local - days * 86_400)
        let (y, m, d) = CivilTime.civilFromDays(days)
        self.init(year: y, month: m, day: d, hour: secs / 3600, minute: (secs % 3600) / 60, second: secs % 60)
    }

    /// The wall-clock time of `epoch` in a display zone (daylight saving applied).
    public init(epoch: EpochSeconds, zone: DisplayTimeZone) {
        self = zone.civil(epoch)
    }

    /// Same as `init(epoch:zone:)`; kept so code written for fixed offsets
    /// (`CivilTime(epoch: t, offset: widget.timezone)`) works with named zones.
    public init(epoch: EpochSeconds, offset zone: DisplayTimeZone) {
        self = zone.civil(epoch)
    }

    /// The instant of this civil time `offsetSeconds` east of UTC.
    public func epoch(offsetSeconds: Int64) -> EpochSeconds {
        CivilTime.daysFromCivil(year: year, month: month, day: day) * 86_400
            + Int64(hour * 3600 + minute * 60 + second) - offsetSeconds
    }
}
