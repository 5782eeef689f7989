import MetricMath
import Testing

@Suite struct ModuleTests {
    @Test func moduleLinks() { #expect(String(describing: MetricMath.self) == "MetricMath") }
}
