import Testing
@testable import ChartScales

@Suite struct ValueFormatTests {
    @Test func abbreviatedUsesThreeSignificantDigitsAndSISuffixes() {
        #expect(ValueFormat.abbreviated(42.66) == "42.7")
        #expect(ValueFormat.abbreviated(12_345) == "12.3k")
        #expect(ValueFormat.abbreviated(4_561_000) == "4.56M")
        #expect(ValueFormat.abbreviated(999.7) == "1k")
        #expect(ValueFormat.abbreviated(100) == "100")
        #expect(ValueFormat.abbreviated(0.5) == "0.5")
        #expect(ValueFormat.abbreviated(0.0123) == "0.0123")
        #expect(ValueFormat.abbreviated(-1500) == "-1.5k")
        #expect(ValueFormat.abbreviated(0) == "0")
    }

    @Test func smallValuesUseExponentForm() {
        #expect(ValueFormat.abbreviated(0.009) == "9E-3")
        #expect(ValueFormat.abbreviated(0.00912) == "9.12E-3")
        #expect(ValueFormat.abbreviated(-0.0000015) == "-1.5E-6")
        #expect(ValueFormat.abbreviated(0.009996) == "1E-2")
    }

    @Test func fullPrecisionIsPlainDecimal() {
        #expect(ValueFormat.fullPrecision(0.009) == "0.009")
        #expect(ValueFormat.fullPrecision(12_345.678) == "12345.678")
        #expect(ValueFormat.fullPrecision(1_234_567_890_123) == "1234567890000")
        #expect(ValueFormat.fullPrecision(2.0 / 3.0) == "0.6666666667")
        #expect(ValueFormat.fullPrecision(-0.000012345678912) == "-0.00001234567891")
        #expect(ValueFormat.fullPrecision(1e20) == "100000000000000000000")
        #expect(ValueFormat.fullPrecision(0) == "0")
        #expect(ValueFormat.fullPrecision(42) == "42")
    }

    @Test func exponentFormFallback() {
        #expect(ValueFormat.exponent(1.234567891234e20, digits: 10) == "1.234567891E20")
        #expect(ValueFormat.exponent(0.5, digits: 3) == "5E-1")
    }

    @Test func unitSuffixes() {
        #expect(ValueFormat.unitSuffix("Percent") == "%")
        #expect(ValueFormat.unitSuffix("Count") == "Count")
        #expect(ValueFormat.unitSuffix("None") == nil)
        #expect(ValueFormat.unitSuffix(nil) == nil)
    }
}
