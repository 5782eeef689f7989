import Testing

@Test func placeholderMetricQueryTests() { #expect(true) }
