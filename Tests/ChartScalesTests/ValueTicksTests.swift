import ChartCore
import Testing
@testable import ChartScales

@Suite struct ValueTicksTests {
    @Test func targetCountFollowsPlotHeight() {
        #expect(ValueTicks.targetCount(plotHeight: 300) == 6)
        #expect(ValueTicks.targetCount(plotHeight: 50) == 2)
        #expect(ValueTicks.targetCount(plotHeight: 0) == 2)
        #expect(ValueTicks.targetCount(plotHeight: .nan) == 2)
    }

    @Test func stepLadderIsOneTwoTwoPointFiveFive() {
        #expect(ValueTicks.niceStep(span: 10, intervals: 5) == 2)
        #expect(ValueTicks.niceStep(span: 10, intervals: 4) == 2.5)
        #expect(ValueTicks.niceStep(span: 10, intervals: 10) == 1)
        #expect(ValueTicks.niceStep(span: 10, intervals: 2) == 5)
        #expect(ValueTicks.niceStep(span: 0.9, intervals: 6) == 0.2)
        #expect(ValueTicks.niceStep(span: 7_300_000, intervals: 6) == 2_000_000)
    }

    @Test func freeEndsAreRoundedOutToTheStep() {
        let axis = ValueTicks.axis(dataMin: 3.2, dataMax: 97.1, fixedMin: nil, fixedMax: nil, count: 6)
        #expect(axis.step == 20)
        #expect(axis.lower == 0)
        #expect(axis.upper == 100)
        #expect(axis.ticks == [0, 20, 40, 60, 80, 100])
    }

    @Test func fixedEndsStayExact() {
        let axis = ValueTicks.axis(dataMin: 3, dataMax: 40, fixedMin: 1, fixedMax: 47, count: 5)
        #expect(axis.lower == 1)
        #expect(axis.upper == 47)
        #expect(axis.ticks.first! >= 1 && axis.ticks.last! <= 47)
        #expect(axis.ticks == [10, 20, 30, 40])
    }

    @Test func onlyOneFixedEnd() {
        let axis = ValueTicks.axis(dataMin: 12, dataMax: 88, fixedMin: 0, fixedMax: nil, count: 4)
        #expect(axis.lower == 0)
        #expect(axis.upper == 100)
    }

    @Test func decimalTicksAreExact() {
        let axis = ValueTicks.axis(dataMin: 0.1, dataMax: 0.7, fixedMin: nil, fixedMax: nil, count: 6)
        #expect(axis.step == 0.1)
        #expect(axis.ticks == [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7])
        #expect(NumberFormat.axisLabels(axis.ticks, step: axis.step) == ["0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7"])
    }

    @Test func flatDomainWidensByTenPercent() {
        let axis = ValueTicks.axis(dataMin: 50, dataMax: 50, fixedMin: nil, fixedMax: nil, count: 4)
        #expect(axis.lower <= 45 && axis.upper >= 55)
        let zero = ValueTicks.axis(dataMin: 0, dataMax: 0, fixedMin: nil, fixedMax: nil, count: 4)
        #expect(zero.lower == -1 && zero.upper == 1)
    }

    @Test func noDataIsZeroToOne() {
        let axis = ValueTicks.axis(dataMin: nil, dataMax: nil, fixedMin: nil, fixedMax: nil, count: 5)
        #expect(axis.lower == 0 && axis.upper == 1)
        #expect(axis.ticks == [0, 0.2, 0.4, 0.6, 0.8, 1])
    }

    @Test func negativeRangesAndNoNegativeZero() {
        let axis = ValueTicks.axis(dataMin: -13, dataMax: 7, fixedMin: nil, fixedMax: nil, count: 4)
        #expect(axis.lower == -15 && axis.upper == 10)
        let labels = NumberFormat.axisLabels(axis.ticks, step: axis.step)
        #expect(labels.contains("0"))
        #expect(!labels.contains("-0"))
    }

    @Test func extremeValuesDoNotTrap() {
        let huge = ValueTicks.axis(dataMin: -1e300, dataMax: 1e300, fixedMin: nil, fixedMax: nil, count: 6)
        #expect(huge.lower.isFinite && huge.upper.isFinite && huge.upper > huge.lower)
        let tiny = ValueTicks.axis(dataMin: 1e-300, dataMax: 3e-300, fixedMin: nil, fixedMax: nil, count: 6)
        #expect(tiny.upper > tiny.lower)
        let inf = ValueTicks.axis(dataMin: -.infinity, dataMax: .infinity, fixedMin: nil, fixedMax: nil, count: 6)
        #expect(inf.lower == 0 && inf.upper == 1)
        #expect(ValueTicks.axis(dataMin: 0, dataMax: 1, fixedMin: nil, fixedMax: nil, count: 100_000).ticks.count <= 1001)
    }
}

@Suite struct NumberFormatTests {
    @Test func oneSIPrefixPerAxis() {
        #expect(NumberFormat.axisLabels([0, 500, 1000, 1500], step: 500) == ["0", "0.5k", "1k", "1.5k"])
        #expect(NumberFormat.axisLabels([0, 2e6, 4e6], step: 2e6) == ["0", "2M", "4M"])
        #expect(NumberFormat.axisLabels([0, 250, 500, 750], step: 250) == ["0", "250", "500", "750"])
        #expect(NumberFormat.axisLabels([-2000, 0, 2000], step: 2000) == ["-2k", "0", "2k"])
        #expect(NumberFormat.axisLabels([0, 2.5e9, 5e9], step: 2.5e9) == ["0", "2.5G", "5G"])
    }

    @Test func decimalsFollowTheStep() {
        #expect(NumberFormat.axisLabels([0, 0.25, 0.5, 0.75], step: 0.25) == ["0", "0.25", "0.5", "0.75"])
        #expect(NumberFormat.decimalsNeeded(0.001) == 3)
        #expect(NumberFormat.decimalsNeeded(5) == 0)
    }

    @Test func fixedIsLocaleFreeAndNeverNegativeZero() {
        #expect(NumberFormat.fixed(-0.0, decimals: 2) == "0")
        #expect(NumberFormat.fixed(-0.0001, decimals: 2) == "0")
        #expect(NumberFormat.fixed(1234.5, decimals: 1) == "1234.5")
        #expect(NumberFormat.fixed(0.05, decimals: 2) == "0.05")
        #expect(NumberFormat.fixed(.nan, decimals: 2) == "NaN")
        #expect(NumberFormat.fixed(1e300, decimals: 0) == "1e+300")
    }

    @Test func significantDigits() {
        #expect(NumberFormat.significant(12345) == "12.35k")
        #expect(NumberFormat.significant(999.96) == "1k")
        #expect(NumberFormat.significant(0.012345) == "0.01235")
        #expect(NumberFormat.significant(-42) == "-42")
        #expect(NumberFormat.significant(0) == "0")
    }
}
