import ChartCore
import Testing
@testable import WidgetSpec

@Suite("start / end (§6)")
struct TimeBoundTests {
    static let relativeCases: [(String, RelativeDuration)] = [
        ("-PT3H", RelativeDuration(hours: -3)),
        ("-PT5M", RelativeDuration(minutes: -5)),
        ("-PT8H", RelativeDuration(hours: -8)),
        ("-P3M", RelativeDuration(months: -3)),
        ("-P1D", RelativeDuration(days: -1)),
        ("-P2W", RelativeDuration(weeks: -2)),
        ("-P1Y", RelativeDuration(years: -1)),
        ("-PT30S", RelativeDuration(seconds: -30)),
        ("-P1Y2M3W4DT5H6M7S", RelativeDuration(years: -1, months: -2, weeks: -3, days: -4, hours: -5, minutes: -6, seconds: -7)),
        ("-P1MT1M", RelativeDuration(months: -1, minutes: -1)),
        ("-PT1.5H", RelativeDuration(hours: -1.5)),
        ("-PT1,5H", RelativeDuration(hours: -1.5)),
        ("-P0.5D", RelativeDuration(days: -0.5)),
        ("-pt15m", RelativeDuration(minutes: -15)),
        ("-PT0H", RelativeDuration()),
        ("-P0D", RelativeDuration()),
        ("P0D", RelativeDuration()),
        ("PT0S", RelativeDuration()),
        ("PT0H0M", RelativeDuration()),
    ]

    @Test(arguments: relativeCases)
    func relativeDurations(text: String, expected: RelativeDuration) throws {
        let w = try parseOK(widget(#""start": "\#(text)""#))
        #expect(w.start == .relative(expected))
        #expect(TimeBound(parsing: text) == .relative(expected))
    }

    @Test func zeroDurationHasNoNegativeZero() throws {
        let d = try #require(RelativeDuration(iso8601: "-PT0H"))
        #expect(d.hours.sign == .plus)
        #expect(d.isZero)
    }

    @Test(arguments: ["PT3H", "P1D", "PT0.5S", "P1Y"])
    func positiveDurationsAreRejected(text: String) {
        expectError(widget(#""start": "\#(text)""#), .invalidValue, at: "start", message: "future")
        #expect(TimeBound(parsing: text) == nil)
    }

    @Test(arguments: ["-PID", "-P", "-PT", "P", "-P1", "-PT1", "-P1H", "-PT1D", "-PT1Y", "-P1D1D", "-P1DT",
                      "-PT1S1M", "-P1D2Y", "-P1.H", "-P.5H", "--PT1H", "-PT-1H", "+PT1H", "-PT1H ", " -PT1H",
                      "-PT1HT1M", "now", "", "yesterday", "2024-03-01", "2024-03-01T", "2024-13-01T00:00:00Z",
                      "2024-03-01T25:00:00Z", "1709290800"])
    func malformedTimes(text: String) {
        expectError(widget(#""start": "\#(text)""#), .invalidValue, at: "start")
        expectError(widget(#""end": "\#(text)""#), .invalidValue, at: "end")
        #expect(TimeBound(parsing: text) == nil)
    }

    @Test func absoluteTimes() throws {
        let w = try parseOK(widget(#""start": "2024-03-01T12:00:00.000Z", "end": "2024-03-01T16:30:00+02:00""#))
        #expect(w.start == .absolute(1_709_294_400))
        #expect(w.end == .absolute(1_709_294_400 + 9_000))
        let noZone = try parseOK(widget(#""start": "2024-03-01T12:00", "end": "2024-03-01 13:00:00""#))
        #expect(noZone.start == .absolute(1_709_294_400))
        #expect(noZone.end == .absolute(1_709_298_000))
        #expect(TimeBound(parsing: "2024-03-01T12:00:00Z") == .absolute(1_709_294_400))
    }

    @Test func nonStringTimesAreWrongType() {
        expectError(widget(#""start": 1709290800"#), .wrongType, at: "start")
        expectError(widget(#""end": {"value": "-PT1H"}"#), .wrongType, at: "end")
    }

    @Test func absoluteStartMustBeBeforeEnd() throws {
        expectError(widget(#""start": "2024-03-01T12:00:00Z", "end": "2024-03-01T12:00:00Z""#), .invalidTimeRange, at: "start")
        expectError(widget(#""start": "2024-03-01T13:00:00Z", "end": "2024-03-01T12:00:00Z""#), .invalidTimeRange, at: "start",
                    message: "must be before end")
        // The same instant written with different offsets.
        expectError(widget(#""start": "2024-03-01T14:00:00+02:00", "end": "2024-03-01T12:00:00Z""#), .invalidTimeRange, at: "start")
        // Mixed absolute/relative bounds are not compared at parse time.
        _ = try parseOK(widget(#""start": "2024-03-01T12:00:00Z""#))
        _ = try parseOK(widget(#""start": "-PT1H", "end": "-PT3H""#))
    }
}
