import Foundation
import Graphshot

/// Deterministic metric data for the end-to-end tests: 2024-03-01 00:00–12:00 UTC at one-minute
/// resolution, shaped like real service metrics (waves, spikes, an outage, sparse events).
enum TestData {
    /// 2024-03-01T00:00:00Z.
    static let day: EpochSeconds = 1_709_251_200
    /// 2024-03-01T12:00:00Z: the injected "now" of every test.
    static let now: EpochSeconds = day + 12 * 3600

    static func wave(_ i: Int, base: Double, amplitude: Double, phase: Double = 0) -> Double {
        base + amplitude * sin(Double(i) / 60 + phase) + Double((i * 7919) % 13) / 13 * amplitude * 0.2
    }

    static let store: InMemoryMetricStore = {
        var data: [MetricDatum] = []
        func metric(_ ns: String, _ name: String, _ dims: [(String, String)]) -> MetricIdentity {
            MetricIdentity(namespace: ns, name: name, dimensions: dims.map { Dimension(name: $0.0, value: $0.1) })
        }
        for i in 0..<(12 * 60) {
            let t = day + EpochSeconds(i * 60)
            for (k, route) in ["/cart", "/pay", "/search"].enumerated() {
                let base = wave(i, base: 120 + 60 * Double(k), amplitude: 40, phase: Double(k))
                let spike = (route == "/pay" && (400..<415).contains(i)) ? 600.0 : 0
                let values = (0..<8).map { base + spike + Double(($0 * 37 + i * 11) % 50) - 25 }
                data.append(MetricDatum(metric: metric("Shop/Api", "Latency", [("Route", route)]), timestamp: t,
                                        payload: .values(values, counts: Array(repeating: 1, count: values.count)), unit: "Milliseconds"))
                data.append(MetricDatum(metric: metric("Shop/Api", "Errors", [("Route", route)]), timestamp: t,
                                        value: Double((i * (k + 3)) % 7) + (spike > 0 ? 20 : 0), unit: "Count"))
                data.append(MetricDatum(metric: metric("Shop/Api", "Requests", [("Route", route)]), timestamp: t,
                                        value: wave(i, base: 2000 * Double(k + 1), amplitude: 800, phase: 0.5), unit: "Count"))
            }
            for (k, queue) in ["email", "sms", "push"].enumerated() where !(queue == "sms" && (300..<340).contains(i)) {
                data.append(MetricDatum(metric: metric("Shop/Queue", "Depth", [("Queue", queue)]), timestamp: t,
                                        value: max(0, wave(i, base: 60 + 50 * Double(k), amplitude: 30, phase: 0.4 * Double(k))), unit: "Count"))
            }
            if i % 97 == 0 || i % 131 == 0 {
                data.append(MetricDatum(metric: metric("Shop/Sparse", "Events", []), timestamp: t, value: Double(i % 17 + 3), unit: "Count"))
            }
            data.append(MetricDatum(metric: metric("Host/Cpu", "Utilization", []), timestamp: t,
                                    value: min(100, max(0, wave(i, base: 55, amplitude: 35))), unit: "Percent"))
        }
        for s in 0..<40 {
            for i in stride(from: 0, to: 12 * 60, by: 5) {
                data.append(MetricDatum(metric: metric("Fleet", "Load", [("Host", "host-\(s)")]), timestamp: day + EpochSeconds(i * 60),
                                        value: wave(i, base: 20 + Double(s) * 2, amplitude: 5 + Double(s % 5), phase: Double(s))))
            }
        }
        return InMemoryMetricStore(data)
    }()

    /// Ten dense series (20,000 one-minute points each) for the decimation test, ending at `now`.
    static let denseStore: InMemoryMetricStore = {
        var data: [MetricDatum] = []
        let start = now - 20_000 * 60
        for s in 0..<10 {
            let m = MetricIdentity(namespace: "Dense", name: "Signal", dimensions: [Dimension(name: "Id", value: "s\(s)")])
            for i in 0..<20_000 {
                let x = Double(i)
                let v = 100 + 15 * Double(s) + 20 * sin(x / (200 + 30 * Double(s))) + Double((i * 7919 + s * 31) % 23)
                data.append(MetricDatum(metric: m, timestamp: start + EpochSeconds(i * 60), value: v))
            }
        }
        return InMemoryMetricStore(data)
    }()
}

/// A data source that answers like another one but marks some ids as partial, like a
/// GetMetricData answer with `StatusCode: PartialData`.
struct PartialDataSource<Base: MetricDataSource>: MetricDataSource {
    var base: Base
    var partialIds: Set<String>

    func getMetricData(_ request: MetricDataRequest) throws -> [MetricDataResult] {
        try base.getMetricData(request).map { result in
            guard partialIds.contains(result.id) else { return result }
            var partial = result
            partial.status = .partialData
            partial.messages = ["Maximum number of datapoints exceeded"]
            return partial
        }
    }
}
