import Testing
import Graphshot

/// One end-to-end golden: a widget, the data it is drawn from, and what the render must report.
struct GoldenCase: Sendable, CustomTestStringConvertible {
    var name: String
    var widget: String
    var source: @Sendable () -> any MetricDataSource = { TestData.store }
    /// Warning codes the render must produce (exactly this set).
    var warnings: Set<String> = []
    /// Whether the scene golden (JSON) is kept; off for the huge ones.
    var sceneGolden = true

    var testDescription: String { name }
}

/// Every visual feature of the timeSeries view, each in at least one golden.
/// Times are absolute so the images do not depend on "now".
let range = #""start": "2024-03-01T06:00:00Z", "end": "2024-03-01T09:00:00Z""#

let goldenCases: [GoldenCase] = [
    GoldenCase(name: "minimal", widget: #"{"metrics": [["Host/Cpu", "Utilization"]], \#(range)}"#),
    GoldenCase(name: "two-axes", widget: #"""
        {"title": "Latency and errors", \#(range), "period": 300,
         "metrics": [["Shop/Api", "Latency", "Route", "/pay", {"stat": "p90", "label": "p90 latency"}],
                     [".", "Errors", ".", ".", {"stat": "Sum", "yAxis": "right", "label": "errors"}]],
         "yAxis": {"right": {"min": 0}}}
        """#),
    GoldenCase(name: "stacked", widget: #"""
        {"title": "Queue depth", "stacked": true, \#(range), "stat": "Maximum",
         "metrics": [["Shop/Queue", "Depth", "Queue", "email"], ["...", "push"]]}
        """#),
    GoldenCase(name: "legend-right", widget: #"""
        {"title": "Latency by route", \#(range), "legend": {"position": "right"},
         "metrics": [["Shop/Api", "Latency", "Route", "/cart"], ["...", "/pay"], ["...", "/search"]]}
        """#),
    GoldenCase(name: "legend-hidden", widget: #"""
        {"title": "Latency by route", \#(range), "legend": {"position": "hidden"},
         "metrics": [["Shop/Api", "Latency", "Route", "/cart"], ["...", "/pay"], ["...", "/search"]]}
        """#),
    GoldenCase(name: "annotation-fill-above-below", widget: #"""
        {"title": "Thresholds", \#(range),
         "metrics": [["Host/Cpu", "Utilization"]],
         "yAxis": {"left": {"min": 0, "max": 100}},
         "annotations": {"horizontal": [{"value": 85, "label": "critical", "color": "#d62728", "fill": "above"},
                                        {"value": 20, "label": "idle", "color": "#2ca02c", "fill": "below"}]}}
        """#),
    GoldenCase(name: "annotation-horizontal-band", widget: #"""
        {"title": "Normal range", \#(range), "period": 60,
         "metrics": [["Shop/Api", "Latency", "Route", "/cart", {"stat": "p50"}]],
         "annotations": {"horizontal": [[{"value": 180, "label": "normal high", "color": "#9467bd"}, {"value": 90, "label": "normal low"}],
                                        {"value": 230, "label": "on the right axis", "yAxis": "right"}]}}
        """#),
    GoldenCase(name: "annotation-vertical-lines", widget: #"""
        {"title": "Deploys", \#(range),
         "metrics": [["Shop/Api", "Requests", "Route", "/search", {"stat": "Sum"}]],
         "annotations": {"vertical": [{"value": "2024-03-01T06:40:00Z", "label": "deploy v41", "fill": "before"},
                                      {"value": "2024-03-01T08:10:00Z", "label": "deploy v42", "fill": "after", "color": "#2ca02c"},
                                      {"value": "2024-03-01T07:30:00Z"}]}}
        """#),
    GoldenCase(name: "annotation-vertical-band", widget: #"""
        {"title": "Incident", \#(range), "period": 60,
         "metrics": [["Shop/Api", "Latency", "Route", "/pay", {"stat": "p99"}]],
         "annotations": {"vertical": [[{"value": "2024-03-01T06:35:00Z", "label": "incident", "color": "#d62728"},
                                       {"value": "2024-03-01T07:00:00Z", "label": "resolved"}]]}}
        """#),
    GoldenCase(name: "warning-triangle", widget: #"""
        {"title": "Partial data", \#(range),
         "metrics": [["Shop/Api", "Latency", "Route", "/cart"], ["...", "/pay"]]}
        """#, source: { PartialDataSource(base: TestData.store, partialIds: ["m2"]) }, warnings: ["partialData"]),
    GoldenCase(name: "warning-triangle-legend-hidden", widget: #"""
        {\#(range), "legend": {"position": "hidden"},
         "metrics": [["Shop/Api", "Latency", "Route", "/cart"]]}
        """#, source: { PartialDataSource(base: TestData.store, partialIds: ["m1"]) }, warnings: ["partialData"]),
    GoldenCase(name: "gaps-and-isolated-points", widget: #"""
        {"title": "SMS queue (outage 05:00-05:40) and sparse events", "start": "2024-03-01T04:30:00Z", "end": "2024-03-01T06:30:00Z", "period": 60,
         "metrics": [["Shop/Queue", "Depth", "Queue", "sms"], ["Shop/Sparse", "Events", {"stat": "Sum", "yAxis": "right"}]]}
        """#),
    GoldenCase(name: "empty-data", widget: #"""
        {"title": "Nothing here", \#(range), "metrics": [["Shop/Missing", "Nothing"]]}
        """#, warnings: ["unknownMetric"]),
    GoldenCase(name: "size-1x1", widget: #"{"width": 1, "height": 1, \#(range), "metrics": [["Host/Cpu", "Utilization"]]}"#),
    GoldenCase(name: "size-2000x2000", widget: #"""
        {"title": "Large", "width": 2000, "height": 2000, \#(range),
         "metrics": [["Shop/Api", "Latency", "Route", "/cart"], ["...", "/pay"], ["...", "/search"]]}
        """#, sceneGolden: false),
    GoldenCase(name: "long-legend", widget: #"""
        {"title": "Fleet load (40 hosts)", \#(range),
         "metrics": [["Fleet", "Load", "Host", "host-0", {"label": "a host with a long, descriptive legend label: host-0"}],
                     ["...", "host-1"], ["...", "host-2"], ["...", "host-3"], ["...", "host-4"], ["...", "host-5"], ["...", "host-6"],
                     ["...", "host-7"], ["...", "host-8"], ["...", "host-9"], ["...", "host-10"], ["...", "host-11"], ["...", "host-12"],
                     ["...", "host-13"], ["...", "host-14"], ["...", "host-15"], ["...", "host-16"], ["...", "host-17"], ["...", "host-18"],
                     ["...", "host-19"], ["...", "host-20"], ["...", "host-21"], ["...", "host-22"], ["...", "host-23"], ["...", "host-24"],
                     ["...", "host-25"], ["...", "host-26"], ["...", "host-27"], ["...", "host-28"], ["...", "host-29"], ["...", "host-30"],
                     ["...", "host-31"], ["...", "host-32"], ["...", "host-33"], ["...", "host-34"], ["...", "host-35"], ["...", "host-36"],
                     ["...", "host-37"], ["...", "host-38"], ["...", "host-39"]]}
        """#, warnings: ["legendOverflow"]),
    GoldenCase(name: "dark-theme", widget: #"""
        {"title": "Dark theme", "theme": "dark", \#(range),
         "metrics": [["Shop/Api", "Latency", "Route", "/cart"], ["...", "/pay"]],
         "annotations": {"horizontal": [{"value": 200, "label": "SLO", "fill": "above"}]}}
        """#),
    GoldenCase(name: "fixed-range-clipping", widget: #"""
        {"title": "Fixed range narrower than the data", \#(range), "period": 60,
         "metrics": [["Shop/Api", "Latency", "Route", "/pay", {"stat": "Maximum"}]],
         "yAxis": {"left": {"min": 100, "max": 250}}}
        """#, warnings: ["seriesClipped"]),
    GoldenCase(name: "timezone-offset", widget: #"""
        {"title": "-0800, crossing local midnight", "timezone": "-0800", "start": "2024-03-01T00:00:00Z", "end": "2024-03-01T12:00:00Z", "period": 900,
         "metrics": [["Host/Cpu", "Utilization"]]}
        """#),
    GoldenCase(name: "decimated-long-series", widget: #"""
        {"title": "10 series × 20,000 points", "start": "-PT333H20M", "period": 60, "liveData": true,
         "metrics": [["Dense", "Signal", "Id", "s0"], ["...", "s1"], ["...", "s2"], ["...", "s3"], ["...", "s4"],
                     ["...", "s5"], ["...", "s6"], ["...", "s7"], ["...", "s8"], ["...", "s9"]]}
        """#, source: { TestData.denseStore }, sceneGolden: false),
    GoldenCase(name: "small-with-long-title", widget: #"""
        {"title": "A title far too long to fit the width of this small image, so it ends with an ellipsis", "width": 300, "height": 200, \#(range),
         "metrics": [["Shop/Api", "Latency", "Route", "/cart"]]}
        """#, warnings: ["labelTruncated"]),
    GoldenCase(name: "colors-labels-hidden-rows", widget: #"""
        {"title": "Explicit colours, labels and a hidden row", \#(range),
         "metrics": [["Shop/Api", "Latency", "Route", "/cart", {"color": "#000000", "label": "cart (black)"}],
                     ["...", "/pay", {"visible": false}],
                     ["...", "/search", {"label": "search, third palette colour"}]]}
        """#),
    GoldenCase(name: "units-and-axis-labels", widget: #"""
        {"title": "Axis titles from units and labels", \#(range),
         "metrics": [["Shop/Api", "Latency", "Route", "/cart"], ["Host/Cpu", "Utilization", {"yAxis": "right"}]],
         "yAxis": {"right": {"min": 0, "max": 100, "label": "CPU %"}}}
        """#),
    GoldenCase(name: "math-expressions", widget: #"""
        {"title": "Metric math over hidden inputs", \#(range), "period": 300,
         "metrics": [["Shop/Api", "Errors", "Route", "/pay", {"id": "e", "stat": "Sum", "visible": false}],
                     [".", "Requests", ".", ".", {"id": "r", "stat": "Sum", "visible": false}],
                     [{"expression": "100 * e / r", "label": "error rate (%)", "id": "rate"}],
                     [{"expression": "IF(e > 60, e, 0)", "label": "error bursts", "yAxis": "right"}],
                     [{"expression": "RATE(RUNNING_SUM(e)) * 60 - AVG(e) / 5", "label": "per-minute rate minus a fifth of the mean", "yAxis": "right"}]],
         "yAxis": {"left": {"label": "%"}, "right": {"label": "errors"}}}
        """#),
    GoldenCase(name: "math-search-multi-series", widget: #"""
        {"title": "p90 latency of every route (SEARCH), and their mean", \#(range), "period": 300,
         "metrics": [[{"expression": "SEARCH('{Shop/Api,Route} MetricName=\"Latency\"', 'p90')", "id": "routes", "label": ""}],
                     [{"expression": "AVG(routes)", "label": "mean of routes", "color": "#000000"}]]}
        """#),
    GoldenCase(name: "math-metrics-fill", widget: #"""
        {"title": "FILL(METRICS(), 0) over queues with a gap", "start": "2024-03-01T04:00:00Z", "end": "2024-03-01T07:00:00Z",
         "period": 300, "stat": "Maximum",
         "metrics": [["Shop/Queue", "Depth", "Queue", "email", {"visible": false}],
                     ["...", "sms", {"visible": false}],
                     ["...", "push", {"visible": false}],
                     [{"expression": "FILL(METRICS(), 0)", "label": "filled"}]]}
        """#),
    GoldenCase(name: "math-dynamic-labels", widget: #"""
        {"title": "Dynamic labels", \#(range), "period": 300,
         "metrics": [["Shop/Api", "Latency", "Route", "/pay", {"stat": "p90", "label": "${PROP('Dim.Route')} ${PROP('Stat')} max ${MAX}"}],
                     [{"expression": "SEARCH('{Shop/Api,Route} MetricName=\"Requests\"', 'Sum')", "label": "${PROP('Dim.Route')} requests, avg ${AVG}", "yAxis": "right"}]]}
        """#),
    GoldenCase(name: "math-anomaly-band", widget: #"""
        {"title": "Requests with ANOMALY_DETECTION_BAND", \#(range), "period": 300,
         "metrics": [["Shop/Api", "Requests", "Route", "/pay", {"id": "m1", "stat": "Sum", "label": "requests"}],
                     [{"expression": "ANOMALY_DETECTION_BAND(m1, 1)", "label": "expected range"}]]}
        """#),
] + viewGoldenCases
