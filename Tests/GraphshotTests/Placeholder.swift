import Testing

@Test func placeholderGraphshotTests() { #expect(true) }
