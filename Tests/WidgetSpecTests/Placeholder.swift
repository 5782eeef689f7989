import Testing

@Test func placeholderWidgetSpecTests() { #expect(true) }
