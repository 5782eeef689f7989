import ChartCore
import Testing
@testable import ChartScales

@Suite struct TimeTicksTests {
    let t0 = ISO8601.parse("2024-03-01T09:00:00Z")!

    @Test func threeHoursAt600PixelsUses30MinuteSteps() {
        // 6 ticks fit 540 px (floor(540/90)); 30 min gives 6 ticks in 3 h.
        let ticks = TimeTicks.ticks(start: t0, end: t0 + 3 * 3600, plotWidth: 540, offset: .utc)
        #expect(ticks.map(\.label) == ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30"])
    }

    @Test func unalignedStartRoundsUpToTheNextStep() {
        let ticks = TimeTicks.ticks(start: t0 + 7 * 60, end: t0 + 3 * 3600 + 7 * 60, plotWidth: 540, offset: .utc)
        #expect(ticks.first?.label == "09:30")
    }

    @Test func midnightIsLabelledWithTheDate() {
        let start = ISO8601.parse("2024-03-01T18:00:00Z")!
        let ticks = TimeTicks.ticks(start: start, end: start + 12 * 3600, plotWidth: 540, offset: .utc)
        #expect(ticks.map(\.label).contains("03/02"))
        #expect(ticks.first?.label == "18:00")
    }

    @Test func ticksAlignInTheDisplayZone() {
        // +0530: local 14:30 is 09:00 UTC; hourly ticks fall on local whole hours.
        let offset = DisplayTimeZone(parsing: "+0530")!
        let ticks = TimeTicks.ticks(start: t0, end: t0 + 6 * 3600, plotWidth: 540, offset: offset)
        #expect(ticks.first?.label == "15:00")
        #expect(ticks.first?.time == t0 + 30 * 60)
    }

    @Test func daysWeeksAndMonths() {
        let start = ISO8601.parse("2024-01-01T00:00:00Z")!
        let week = TimeTicks.ticks(start: start, end: start + 7 * 86_400, plotWidth: 540, offset: .utc)
        #expect(week.allSatisfy { $0.label.contains("/") })
        #expect(week.count <= 6)
        let quarter = TimeTicks.ticks(start: start, end: start + 90 * 86_400, plotWidth: 540, offset: .utc)
        #expect(quarter.map(\.label).allSatisfy { $0.count == 5 && $0.contains("/") })
        // Weekly ticks fall on Mondays.
        let months = TimeTicks.ticks(start: start, end: start + 40 * 86_400, plotWidth: 540, offset: .utc)
        if let first = months.first { #expect(CivilTime(epoch: first.time).weekday == 1 || CivilTime(epoch: first.time).day == 1) }
        let years = TimeTicks.ticks(start: start, end: start + 5 * 366 * 86_400, plotWidth: 540, offset: .utc)
        #expect(years.first?.label == "2024")
    }

    @Test func secondsSteps() {
        let ticks = TimeTicks.ticks(start: t0, end: t0 + 60, plotWidth: 540, offset: .utc)
        #expect(ticks.first?.label == "09:00:00")
        #expect(ticks.count <= 6)
    }

    @Test func countNeverExceedsTheLimit() {
        for span: Int64 in [60, 3600, 86_400, 30 * 86_400, 400 * 86_400, 4000 * 86_400] {
            for width in [50.0, 300, 1980] {
                let ticks = TimeTicks.ticks(start: t0, end: t0 + span, plotWidth: width, offset: .utc)
                #expect(ticks.count <= TimeTicks.maxTickCount(plotWidth: width) || span > 365 * 86_400 * Int64(TimeTicks.maxTickCount(plotWidth: width)))
            }
        }
    }

    @Test func dateTimeLabel() {
        #expect(TimeTicks.dateTimeLabel(t0, offset: .utc) == "2024-03-01 09:00")
        #expect(TimeTicks.dateTimeLabel(t0, offset: DisplayTimeZone(parsing: "-0800")!) == "2024-03-01 01:00")
    }
}
