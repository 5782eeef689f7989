import ChartCore
import Testing

/// Named zones around the 2024 daylight-saving changes:
/// Paris 2024-03-31 01:00Z (02:00 CET → 03:00 CEST) and 2024-10-27 01:00Z (03:00 CEST → 02:00 CET);
/// New York 2024-03-10 07:00Z (02:00 EST → 03:00 EDT) and 2024-11-03 06:00Z (02:00 EDT → 01:00 EST).
@Suite struct DisplayTimeZoneTests {
    let paris = DisplayTimeZone(parsing: "Europe/Paris")!
    let newYork = DisplayTimeZone(parsing: "America/New_York")!
    func t(_ iso: String) -> EpochSeconds { ISO8601.parse(iso)! }

    @Test func parsing() {
        #expect(DisplayTimeZone(parsing: "+0530")?.identifier == "+0530")
        #expect(DisplayTimeZone(parsing: "+0530")?.offsetSeconds(at: 0) == 19_800)
        #expect(DisplayTimeZone(parsing: "UTC")?.isFixed == true)
        #expect(DisplayTimeZone(parsing: "GMT")?.offsetSeconds(at: 0) == 0)
        #expect(DisplayTimeZone(parsing: "Asia/Kolkata")?.offsetSeconds(at: t("2024-06-01T00:00:00Z")) == 19_800)
        // IANA's Etc/GMT+5 is five hours *behind* UTC.
        #expect(DisplayTimeZone(parsing: "Etc/GMT+5")?.offsetSeconds(at: 0) == -18_000)
        for bad in ["", "utc", "GMT+5", "EST5EDT", "Local", "Europe/Nowhere", "europe/paris", "Europe/", "/Paris",
                    "Europe//Paris", "../etc/passwd", String(repeating: "A/b", count: 40)] {
            #expect(DisplayTimeZone(parsing: bad) == nil, "\(bad)")
        }
        #expect(DisplayTimeZone.hasIANAShape("Europe/Nowhere"))
        #expect(!DisplayTimeZone.hasIANAShape("../etc/passwd"))
    }

    @Test func offsetsAroundTheTransitions() {
        #expect(paris.offsetSeconds(at: t("2024-03-31T00:59:59Z")) == 3600)
        #expect(paris.offsetSeconds(at: t("2024-03-31T01:00:00Z")) == 7200)
        #expect(paris.offsetSeconds(at: t("2024-10-27T00:59:59Z")) == 7200)
        #expect(paris.offsetSeconds(at: t("2024-10-27T01:00:00Z")) == 3600)
        #expect(newYork.offsetSeconds(at: t("2024-03-10T06:59:59Z")) == -18_000)
        #expect(newYork.offsetSeconds(at: t("2024-03-10T07:00:00Z")) == -14_400)
        #expect(newYork.offsetSeconds(at: t("2024-11-03T05:59:59Z")) == -14_400)
        #expect(newYork.offsetSeconds(at: t("2024-11-03T06:00:00Z")) == -18_000)
    }

    @Test func offsetChangesInAYear() {
        let changes = paris.offsetChanges(from: t("2024-01-01T00:00:00Z"), to: t("2025-01-01T00:00:00Z"))
        #expect(changes.map(\.at) == [t("2024-03-31T01:00:00Z"), t("2024-10-27T01:00:00Z")])
        #expect(changes.map(\.offset) == [7200, 3600])
        let ny = newYork.offsetChanges(from: t("2024-03-10T07:00:00Z"), to: t("2024-11-03T06:00:00Z"))
        #expect(ny.map(\.at) == [t("2024-03-10T07:00:00Z")], "a change at the start counts, one at the end does not")
        #expect(DisplayTimeZone.utc.offsetChanges(from: 0, to: 1_000_000_000).isEmpty)
    }

    @Test func civilTimes() {
        let c = paris.civil(t("2024-03-31T01:00:00Z"))
        #expect((c.day, c.hour, c.minute) == (31, 3, 0))
        let before = paris.civil(t("2024-03-31T00:59:00Z"))
        #expect((before.hour, before.minute) == (1, 59))
        // The hour repeated in New York: 01:30 EDT, then 01:30 EST.
        #expect(newYork.civil(t("2024-11-03T05:30:00Z")).hour == 1)
        #expect(newYork.civil(t("2024-11-03T06:30:00Z")).hour == 1)
        #expect(CivilTime(epoch: t("2024-07-04T16:00:00Z"), zone: newYork).hour == 12)
        #expect(CivilTime(epoch: t("2024-07-04T16:00:00Z"), offset: newYork).hour == 12)
    }

    @Test func wallClockToInstant() {
        // Skipped times resolve to the jump; repeated times to their first occurrence.
        #expect(paris.epoch(of: CivilTime(year: 2024, month: 3, day: 31, hour: 2, minute: 30)) == t("2024-03-31T01:00:00Z"))
        #expect(paris.epoch(of: CivilTime(year: 2024, month: 10, day: 27, hour: 2, minute: 30)) == t("2024-10-27T00:30:00Z"))
        #expect(newYork.epoch(of: CivilTime(year: 2024, month: 3, day: 10, hour: 2, minute: 30)) == t("2024-03-10T07:00:00Z"))
        #expect(newYork.epoch(of: CivilTime(year: 2024, month: 11, day: 3, hour: 1, minute: 30)) == t("2024-11-03T05:30:00Z"))
        #expect(newYork.epoch(of: CivilTime(year: 2024, month: 1, day: 15, hour: 9)) == t("2024-01-15T14:00:00Z"))
        #expect(paris.startOfDay(year: 2024, month: 10, day: 28) - paris.startOfDay(year: 2024, month: 10, day: 27) == 25 * 3600)
        #expect(paris.startOfDay(year: 2024, month: 4, day: 1) - paris.startOfDay(year: 2024, month: 3, day: 31) == 23 * 3600)
        // Santiago moved clocks forward at midnight on 2024-09-08: that day starts at 01:00.
        let santiago = DisplayTimeZone(parsing: "America/Santiago")!
        let start = santiago.startOfDay(year: 2024, month: 9, day: 8)
        #expect(santiago.civil(start).hour == 1)
        #expect(santiago.civil(start - 1).day == 7)
    }
}
