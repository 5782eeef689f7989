import ChartCore
import Testing
import WidgetSpec

@Suite("Relative and absolute time bounds")
struct TimeRangeTests {
    static let now = at("2024-03-31T10:00:00Z")

    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var duration: RelativeDuration
        var expected: String
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "-PT0H", duration: RelativeDuration(hours: 0), expected: "2024-03-31T10:00:00Z"),
        Case(name: "-PT3H", duration: RelativeDuration(hours: -3), expected: "2024-03-31T07:00:00Z"),
        Case(name: "-P1M clamps to Feb 29", duration: RelativeDuration(months: -1), expected: "2024-02-29T10:00:00Z"),
        Case(name: "-P2M", duration: RelativeDuration(months: -2), expected: "2024-01-31T10:00:00Z"),
        Case(name: "-P13M clamps to Feb 28", duration: RelativeDuration(months: -13), expected: "2023-02-28T10:00:00Z"),
        Case(name: "-P1Y", duration: RelativeDuration(years: -1), expected: "2023-03-31T10:00:00Z"),
        Case(name: "-P1Y1M", duration: RelativeDuration(years: -1, months: -1), expected: "2023-02-28T10:00:00Z"),
        Case(name: "-P1W", duration: RelativeDuration(weeks: -1), expected: "2024-03-24T10:00:00Z"),
        Case(name: "-P1DT2H3M4S", duration: RelativeDuration(days: -1, hours: -2, minutes: -3, seconds: -4),
             expected: "2024-03-30T07:56:56Z"),
        // Months first, then the fixed part: Mar 31 → Feb 29 → Feb 28.
        Case(name: "-P1M1D", duration: RelativeDuration(months: -1, days: -1), expected: "2024-02-28T10:00:00Z"),
        Case(name: "-PT1.5H", duration: RelativeDuration(hours: -1.5), expected: "2024-03-31T08:30:00Z"),
        Case(name: "-P1.5D", duration: RelativeDuration(days: -1.5), expected: "2024-03-29T22:00:00Z"),
        Case(name: "-PT0.5S rounds away from zero", duration: RelativeDuration(seconds: -0.5), expected: "2024-03-31T09:59:59Z"),
        // Halfway between Feb 29 (1 month back) and Jan 31 (2 months back): 29 days apart.
        Case(name: "-P1.5M", duration: RelativeDuration(months: -1.5), expected: "2024-02-14T22:00:00Z"),
        // Half a year is six calendar months, clamped to Sep 30.
        Case(name: "-P0.5Y", duration: RelativeDuration(years: -0.5), expected: "2023-09-30T10:00:00Z"),
        Case(name: "-P1.25Y = 15 months", duration: RelativeDuration(years: -1.25), expected: "2022-12-31T10:00:00Z"),
        // A non-negative zero duration (P0D) is "now".
        Case(name: "P0D", duration: RelativeDuration(days: 0), expected: "2024-03-31T10:00:00Z"),
    ]

    @Test(arguments: cases) func relativeDurations(_ c: Case) throws {
        #expect(try TimeBound.relative(c.duration).resolve(now: Self.now) == at(c.expected))
    }

    @Test func leapDayYears() throws {
        let leap = at("2024-02-29T12:00:00Z")
        #expect(try TimeBound.relative(RelativeDuration(years: -1)).resolve(now: leap) == at("2023-02-28T12:00:00Z"))
        #expect(try TimeBound.relative(RelativeDuration(years: -4)).resolve(now: leap) == at("2020-02-29T12:00:00Z"))
        #expect(try TimeBound.relative(RelativeDuration(months: -12)).resolve(now: leap) == at("2023-02-28T12:00:00Z"))
    }

    @Test func absoluteBoundsAreReturnedAsGiven() throws {
        let t = at("2024-01-01T00:00:00Z")
        #expect(try TimeBound.absolute(t).resolve(now: Self.now) == t)
    }

    static let absurd: [RelativeDuration] = [
        RelativeDuration(years: -99_999_999_999),
        RelativeDuration(years: -.greatestFiniteMagnitude),
        RelativeDuration(months: -120_001),
        RelativeDuration(years: -9999, months: -9999),
        RelativeDuration(years: -2025),  // before year 1
        RelativeDuration(weeks: -1e15),
        RelativeDuration(seconds: -.greatestFiniteMagnitude),
        RelativeDuration(days: -3_700_000),  // ~10,130 years back
        RelativeDuration(hours: .nan),
        RelativeDuration(minutes: -.infinity),
        RelativeDuration(years: 8000),  // past year 9999
    ]

    @Test(arguments: absurd) func absurdDurationsThrowInsteadOfTrapping(_ d: RelativeDuration) {
        #expect(throws: WidgetError.self) { try TimeBound.relative(d).resolve(now: Self.now) }
        do {
            _ = try TimeBound.relative(d).resolve(now: Self.now)
        } catch {
            #expect(error.kind == .invalidValue)
        }
    }

    @Test func outOfRangeInstantsThrow() {
        #expect(throws: WidgetError.self) { try TimeBound.absolute(.min).resolve(now: Self.now) }
        #expect(throws: WidgetError.self) { try TimeBound.absolute(TimeLimits.latest + 1).resolve(now: Self.now) }
        #expect(throws: WidgetError.self) { try TimeBound.relative(RelativeDuration(hours: -1)).resolve(now: .max) }
        #expect(throws: WidgetError.self) { try TimeBound.relative(RelativeDuration(hours: -1)).resolve(now: .min) }
        // Right at the limits is fine.
        #expect((try? TimeBound.relative(RelativeDuration()).resolve(now: TimeLimits.earliest)) == TimeLimits.earliest)
    }

    @Test func widgetDefaultRangeIsTheLastThreeHours() throws {
        let w = MetricWidget(rows: [])
        let r = try w.timeRange(now: Self.now)
        #expect(r.start == Self.now - 10_800)
        #expect(r.end == Self.now)
    }

    @Test func widgetAbsoluteRange() throws {
        var w = MetricWidget(rows: [])
        w.start = .absolute(at("2024-03-01T00:00:00Z"))
        w.end = .relative(RelativeDuration(days: -1))
        let r = try w.timeRange(now: Self.now)
        #expect(r.start == at("2024-03-01T00:00:00Z"))
        #expect(r.end == at("2024-03-30T10:00:00Z"))
    }

    @Test func startNotBeforeEndIsAnInvalidTimeRange() {
        var w = MetricWidget(rows: [])
        w.start = .relative(RelativeDuration(hours: -1))
        w.end = .relative(RelativeDuration(hours: -1))
        #expect(throws: WidgetError(
            .invalidTimeRange, path: "start",
            "start (2024-03-31T09:00:00Z) must be before end (2024-03-31T09:00:00Z)"
        )) { try w.timeRange(now: Self.now) }
        w.end = .relative(RelativeDuration(hours: -2))
        do {
            _ = try w.timeRange(now: Self.now)
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .invalidTimeRange)
            #expect(error.path == "start")
        }
    }

    @Test func boundErrorsNameTheirField() {
        var w = MetricWidget(rows: [])
        w.start = .relative(RelativeDuration(years: -99_999_999_999))
        do { _ = try w.timeRange(now: Self.now); Issue.record("expected an error") } catch {
            #expect(error.kind == .invalidValue)
            #expect(error.path == "start")
        }
        w.start = .relative(RelativeDuration(hours: -3))
        w.end = .absolute(.max)
        do { _ = try w.timeRange(now: Self.now); Issue.record("expected an error") } catch {
            #expect(error.kind == .invalidValue)
            #expect(error.path == "end")
        }
    }
}
