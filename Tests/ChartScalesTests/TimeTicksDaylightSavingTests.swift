import ChartCore
import Testing
@testable import ChartScales

/// Tick placement and labels across daylight-saving changes: ticks stay on local wall-clock
/// multiples and local midnights, whether the day has 23, 24 or 25 hours.
@Suite struct TimeTicksDaylightSavingTests {
    let paris = DisplayTimeZone(parsing: "Europe/Paris")!
    let newYork = DisplayTimeZone(parsing: "America/New_York")!
    func t(_ iso: String) -> EpochSeconds { ISO8601.parse(iso)! }

    func labels(_ start: String, _ end: String, step: TimeStep, zone: DisplayTimeZone) -> [String] {
        TimeTicks.ticks(start: t(start), end: t(end), step: step, zone: zone, limit: 100).map {
            TimeTicks.label($0, step: step, zone: zone)
        }
    }

    @Test func sixHourTicksOnTheParisSpringForwardDay() {
        // 2024-03-31 local: 00:00 CET = 03-30T23:00Z; the day has 23 hours.
        let ticks = TimeTicks.ticks(start: t("2024-03-30T23:00:00Z"), end: t("2024-04-01T00:00:00Z"),
                                    step: .seconds(21_600), zone: paris, limit: 100)
        #expect(ticks == [t("2024-03-30T23:00:00Z"), t("2024-03-31T04:00:00Z"), t("2024-03-31T10:00:00Z"),
                          t("2024-03-31T16:00:00Z"), t("2024-03-31T22:00:00Z")])
        #expect(ticks.map { TimeTicks.label($0, step: .seconds(21_600), zone: paris) } == ["03/31", "06:00", "12:00", "18:00", "04/01"])
    }

    @Test func sixHourTicksOnTheParisFallBackDay() {
        #expect(labels("2024-10-26T22:00:00Z", "2024-10-28T00:00:00Z", step: .seconds(21_600), zone: paris)
                == ["10/27", "06:00", "12:00", "18:00", "10/28"])
        let ticks = TimeTicks.ticks(start: t("2024-10-26T22:00:00Z"), end: t("2024-10-28T00:00:00Z"),
                                    step: .seconds(21_600), zone: paris, limit: 100)
        #expect(ticks.last! - ticks.first! == 25 * 3600)
    }

    @Test func hourlyTicksRepeatTheHourWhenClocksGoBack() {
        // Paris: 02:00 CEST (00:00Z), then 02:00 CET again (01:00Z).
        #expect(labels("2024-10-26T23:00:00Z", "2024-10-27T03:00:00Z", step: .seconds(3600), zone: paris)
                == ["01:00", "02:00", "02:00", "03:00"])
        // New York: 01:00 EDT (05:00Z), 01:00 EST (06:00Z).
        #expect(labels("2024-11-03T04:00:00Z", "2024-11-03T08:00:00Z", step: .seconds(3600), zone: newYork)
                == ["11/03", "01:00", "01:00", "02:00"])
    }

    @Test func hourlyTicksSkipTheMissingHourInSpring() {
        #expect(labels("2024-03-10T04:00:00Z", "2024-03-10T09:00:00Z", step: .seconds(3600), zone: newYork)
                == ["23:00", "03/10", "01:00", "03:00", "04:00"])
        #expect(labels("2024-03-31T00:00:00Z", "2024-03-31T03:00:00Z", step: .seconds(1800), zone: paris)
                == ["01:00", "01:30", "03:00", "03:30", "04:00", "04:30"])
    }

    @Test func dailyTicksStayOnLocalMidnights() {
        let ticks = TimeTicks.ticks(start: t("2024-10-25T12:00:00Z"), end: t("2024-10-30T00:00:00Z"),
                                    step: .seconds(86_400), zone: paris, limit: 100)
        #expect(ticks.allSatisfy { let c = paris.civil($0); return c.hour == 0 && c.minute == 0 })
        #expect(zip(ticks.dropFirst(), ticks).map { $0 - $1 } == [86_400, 90_000, 86_400, 86_400])
        #expect(ticks.map { TimeTicks.label($0, step: .seconds(86_400), zone: paris) } == ["10/26", "10/27", "10/28", "10/29", "10/30"])
        let ny = TimeTicks.ticks(start: t("2024-03-08T00:00:00Z"), end: t("2024-03-13T00:00:00Z"),
                                 step: .seconds(86_400), zone: newYork, limit: 100)
        #expect(ny.map { newYork.civil($0).hour } == [0, 0, 0, 0, 0])
        #expect(zip(ny.dropFirst(), ny).map { $0 - $1 } == [86_400, 86_400, 82_800, 86_400])
    }

    @Test func weeklyAndMonthlyTicks() {
        let weeks = TimeTicks.ticks(start: t("2024-03-01T00:00:00Z"), end: t("2024-04-30T00:00:00Z"),
                                    step: .seconds(604_800), zone: paris, limit: 100)
        #expect(weeks.allSatisfy { let c = paris.civil($0); return c.weekday == 1 && c.hour == 0 })
        let months = TimeTicks.ticks(start: t("2024-01-15T00:00:00Z"), end: t("2024-12-31T00:00:00Z"),
                                     step: .months(1), zone: newYork, limit: 100)
        #expect(months.allSatisfy { let c = newYork.civil($0); return c.day == 1 && c.hour == 0 })
        #expect(months.first == t("2024-02-01T05:00:00Z"))
        #expect(months.contains(t("2024-04-01T04:00:00Z")))
    }

    @Test func chosenTicksAndDateTimeLabels() {
        let ticks = TimeTicks.ticks(start: t("2024-03-30T12:00:00Z"), end: t("2024-04-01T12:00:00Z"), plotWidth: 540, zone: paris)
        #expect(ticks.count <= 6)
        #expect(ticks.map(\.label).contains("03/31"))
        #expect(TimeTicks.dateTimeLabel(t("2024-03-31T01:00:00Z"), zone: paris) == "2024-03-31 03:00")
        #expect(TimeTicks.dateTimeLabel(t("2024-11-03T06:30:00Z"), offset: newYork) == "2024-11-03 01:30")
    }
}
