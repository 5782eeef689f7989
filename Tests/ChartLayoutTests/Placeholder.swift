import Testing

@Test func placeholderChartLayoutTests() { #expect(true) }
