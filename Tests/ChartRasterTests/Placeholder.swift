import Testing

@Test func placeholderChartRasterTests() { #expect(true) }
