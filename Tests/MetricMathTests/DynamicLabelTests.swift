import ChartCore
import ChartTestSupport
import MetricMath
import PropertyBased
import Testing

@Suite struct DynamicLabelTests {
    // 12:00:00Z on 2024-03-01 and five 5-minute points; one missing, one outside the range.
    let t0: EpochSeconds = 1_709_294_400
    var context: DynamicLabelContext {
        DynamicLabelContext(
            timestamps: [t0 - 300, t0, t0 + 300, t0 + 600, t0 + 900, t0 + 1200],
            values: [1000, 4, .nan, 10, 2.5, 10],
            range: t0..<(t0 + 1500),
            now: t0 + 3600,
            timeZone: DisplayTimeZone(offset: UTCOffset(minutes: 330)),
            defaultLabel: "Errors",
            metric: MetricIdentity(namespace: "AWS/Lambda", name: "Errors", dimensions: [Dimension(name: "FunctionName", value: "billing")]),
            stat: "Sum", period: 300, region: "eu-west-1", accountId: "111122223333", accountLabel: "prod")
    }

    private func render(_ label: String, _ c: DynamicLabelContext? = nil) -> String {
        DynamicLabel.parse(label).render(context: c ?? context)
    }

    @Test func statistics() {
        // Displayed points: 4 (t0), 10 (t0+600), 2.5 (t0+900), 10 (t0+1200).
        #expect(render("${AVG}") == "6.625")
        #expect(render("${SUM}") == "26.5")
        #expect(render("${MIN}") == "2.5")
        #expect(render("${MAX}") == "10")
        #expect(render("${FIRST}") == "4")
        #expect(render("${LAST}") == "10")
        #expect(render("${DATAPOINT_COUNT}") == "4")
        #expect(render("${FIRST_LAST_RANGE}") == "6")
        #expect(render("${MIN_MAX_RANGE}") == "7.5")
    }

    @Test func timesInTheWidgetTimeZone() {
        // +05:30: t0 = 17:30:00 local.
        #expect(render("${FIRST_TIME}") == "2024-03-01 17:30:00")
        #expect(render("${LAST_TIME}") == "2024-03-01 17:50:00")
        #expect(render("${MIN_TIME}") == "2024-03-01 17:45:00")
        #expect(render("${MAX_TIME}") == "2024-03-01 17:40:00")  // earliest of the two 10s
        var utc = context
        utc.timeZone = .utc
        #expect(render("${FIRST_TIME}", utc) == "2024-03-01 12:00:00")
    }

    @Test func durations() {
        #expect(render("${FIRST_TIME_RELATIVE}") == "1h")
        #expect(render("${LAST_TIME_RELATIVE}") == "40m")
        #expect(render("${MIN_TIME_RELATIVE}") == "45m")
        #expect(render("${MAX_TIME_RELATIVE}") == "50m")
        #expect(render("${FIRST_LAST_TIME_RANGE}") == "20m")
        #expect(render("${MIN_MAX_TIME_RANGE}") == "5m")
        #expect(DynamicLabelFormat.duration(0) == "0s")
        #expect(DynamicLabelFormat.duration(93_784) == "1d 2h 3m 4s")
        #expect(DynamicLabelFormat.duration(86_401) == "1d 1s")
        #expect(DynamicLabelFormat.duration(-90) == "-1m 30s")
        #expect(DynamicLabelFormat.duration(.min).hasPrefix("-"))
    }

    @Test func properties() {
        #expect(render("${PROP('Dim.FunctionName')}") == "billing")
        #expect(render("${PROP('Dim.Missing')}|") == "|")
        #expect(render("${PROP('MetricName')} ${PROP('Namespace')}") == "Errors AWS/Lambda")
        #expect(render("${PROP('Period')} ${PROP('Stat')} ${PROP('Region')}") == "300 Sum eu-west-1")
        #expect(render("${PROP('AccountId')}/${PROP('AccountLabel')}") == "111122223333/prod")
        #expect(render("${PROP(\"MetricName\")}") == "Errors")
        let expression = DynamicLabelContext(values: [], defaultLabel: "e1")
        #expect(render("[${PROP('MetricName')}${PROP('Dim.X')}${PROP('Period')}]", expression) == "[]")
    }

    @Test func documentedExample() {
        #expect(render("[max: ${MAX} Errors for Function Name ${LABEL}]") == "[max: 10 Errors for Function Name Errors]")
    }

    @Test func emptySeriesRendersValueTokensEmpty() {
        var c = context
        c.values = c.values.map { _ in .nan }
        #expect(render("a${AVG}b${DATAPOINT_COUNT}c${FIRST_TIME}d${MIN_MAX_TIME_RANGE}e ${LABEL}", c) == "abcde Errors")
        c.range = (t0 + 10_000)..<(t0 + 20_000)
        c.values = [1, 2, 3, 4, 5, 6]
        #expect(render("${SUM}|${LAST_TIME_RELATIVE}", c) == "|")
    }

    @Test func withoutRangeAllPointsCount() {
        var c = context
        c.range = nil
        #expect(render("${DATAPOINT_COUNT} ${MAX} ${FIRST}", c) == "5 1k 1k")
    }

    @Test func unknownAndMalformedTokensStayVerbatim() {
        #expect(render("${avg}") == "${avg}")
        #expect(render("${FOO} ${PROP('Foo')} ${PROP(MetricName)}") == "${FOO} ${PROP('Foo')} ${PROP(MetricName)}")
        #expect(render("total ${SUM") == "total ${SUM")
        #expect(render("${") == "${")
        #expect(render("$") == "$")
        #expect(render("${}") == "${}")
        #expect(render("${PROP('Dim.')}") == "${PROP('Dim.')}")
        #expect(render("${PROP('MetricName'") == "${PROP('MetricName'")
        #expect(render("${PROP('MetricName)}") == "${PROP('MetricName)}")
        #expect(render("$${MAX}}") == "$10}")
        #expect(render("${${MAX}}") == "${10}")
        #expect(render("${ MAX }") == "${ MAX }")
        #expect(render("plain label") == "plain label")
        #expect(!DynamicLabel.parse("plain ${NOPE}").hasTokens)
    }

    @Test func limits() {
        // Five value tokens are substituted; the sixth stays verbatim.
        #expect(render("${MIN} ${MAX} ${SUM} ${FIRST} ${LAST} ${AVG}") == "2.5 10 26.5 4 10 ${AVG}")
        // PROP and LABEL do not count towards the five.
        #expect(render("${LABEL} ${PROP('Stat')} ${MIN} ${MAX} ${SUM} ${FIRST} ${LAST} ${PROP('Period')}")
            == "Errors Sum 2.5 10 26.5 4 10 300")
        // A second ${LABEL} stays verbatim.
        #expect(render("${LABEL} and ${LABEL}") == "Errors and ${LABEL}")
        // Unknown tokens do not count either.
        #expect(render("${X}${X}${X}${X}${X}${X}${MAX}") == "${X}${X}${X}${X}${X}${X}10")
    }

    @Test func parseStructure() {
        let l = DynamicLabel.parse("a ${MAX} b ${PROP('Dim.Az')}")
        #expect(l.parts == [.text("a "), .token(.maximum), .text(" b "), .token(.property(.dimension("Az")))])
        #expect(l.usesValues)
        #expect(!DynamicLabel.parse("${LABEL} ${PROP('Stat')}").usesValues)
        #expect(DynamicLabel.parse("${LABEL}").hasTokens)
    }

    @Test func customNumberFormatter() {
        var c = context
        c.formatNumber = { "<\($0)>" }
        #expect(render("${MAX} ${DATAPOINT_COUNT}", c) == "<10.0> 4")
    }

    @Test func numberFormat() {
        #expect(DynamicLabelFormat.number(0) == "0")
        #expect(DynamicLabelFormat.number(-0.0) == "0")
        #expect(DynamicLabelFormat.number(1) == "1")
        #expect(DynamicLabelFormat.number(12.34567) == "12.35")
        #expect(DynamicLabelFormat.number(1234.6) == "1.235k")
        #expect(DynamicLabelFormat.number(999.94) == "999.9")
        #expect(DynamicLabelFormat.number(999.96) == "1k")
        #expect(DynamicLabelFormat.number(999_960) == "1M")
        #expect(DynamicLabelFormat.number(-2_500_000) == "-2.5M")
        #expect(DynamicLabelFormat.number(0.0123456) == "0.01235")
        #expect(DynamicLabelFormat.number(0.1 + 0.2) == "0.3")
        #expect(DynamicLabelFormat.number(42e15) == "42P")
        #expect(DynamicLabelFormat.number(1e-15) == "0")
        #expect(DynamicLabelFormat.number(.nan) == "")
        #expect(DynamicLabelFormat.number(.infinity) == "")
        #expect(DynamicLabelFormat.number(1e300).hasSuffix("P"))
    }

    @Test func timestampFormat() {
        #expect(DynamicLabelFormat.timestamp(0, offset: .utc) == "1970-01-01 00:00:00")
        #expect(DynamicLabelFormat.timestamp(0, offset: DisplayTimeZone(offset: UTCOffset(minutes: -60))) == "1969-12-31 23:00:00")
        #expect(DynamicLabelFormat.timestamp(951_825_599, offset: .utc) == "2000-02-29 11:59:59")
        // Named zones apply daylight saving: 2024-03-31 01:00Z is 03:00 in Paris (CEST).
        #expect(DynamicLabelFormat.timestamp(1_711_846_800, offset: DisplayTimeZone(parsing: "Europe/Paris")!) == "2024-03-31 03:00:00")
    }

    @Test func neverCrashesAndKeepsPlainText() async {
        // Property: rendering never crashes; a label without "$" renders unchanged.
        let alphabet: [Character] = ["$", "{", "}", "(", ")", "'", "\"", "A", "M", "X", "P", "R", "O", "_", "L", "B", "E", " "]
        await propertyCheck(count: 400, input: Gen<Character?>.element(of: alphabet).map { $0 ?? " " }.string(of: 0...30)) { s in
            let out = DynamicLabel.parse(s).render(context: context)
            if !s.contains("$") { #expect(out == s) }
        }
        var rng = SplitMix64(seed: 3)
        for _ in 0..<2000 {
            let s = String((0..<Int(rng.next() % 25)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] })
            _ = DynamicLabel.parse(s).render(context: context)
        }
    }

    @Test func numberFormatKeepsFourSignificantDigits() async {
        // Property: the formatted number, read back with its suffix, is within half a unit of
        // the fourth significant digit of the input.
        await propertyCheck(count: 400, input: Gen.double(in: -1e12...1e12)) { v in
            let text = DynamicLabelFormat.number(v)
            let scales: [Character: Double] = ["k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12]
            var body = Substring(text), scale = 1.0
            if let last = body.last, let s = scales[last] { body = body.dropLast(); scale = s }
            guard let parsed = Double(body) else { Issue.record("unreadable \(text)"); return }
            #expect(abs(parsed * scale - v) <= abs(v) * 5e-4 + 1e-12, "\(v) → \(text)")
        }
    }
}
