import Testing

@Test func placeholderChartScalesTests() { #expect(true) }
