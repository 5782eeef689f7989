import Graphshot

/// End-to-end goldens of the number, gauge, bar, pie and table views (visual spec §7, §10),
/// each view in both themes where the theme changes more than the background. Rendered by
/// `GoldenRenderTests` together with `goldenCases`.
let viewGoldenCases: [GoldenCase] = [
    // singleValue
    GoldenCase(name: "view-number", widget: #"""
        {"title": "Checkout right now", "view": "singleValue", "sparkline": true, "trend": true, "width": 800, "height": 240, \#(range),
         "metrics": [["Shop/Api", "Requests", "Route", "/search", {"stat": "Sum", "label": "Searches / 5 min"}],
                     [".", "Latency", ".", "/pay", {"stat": "p90", "label": "p90 payment latency"}],
                     ["Host/Cpu", "Utilization", {"label": "CPU", "color": "#d62728"}]]}
        """#),
    GoldenCase(name: "view-number-dark", widget: #"""
        {"title": "Checkout right now", "theme": "dark", "view": "singleValue", "sparkline": true, "trend": true, "width": 800, "height": 240, \#(range),
         "metrics": [["Shop/Api", "Requests", "Route", "/search", {"stat": "Sum", "label": "Searches / 5 min"}],
                     [".", "Latency", ".", "/pay", {"stat": "p90", "label": "p90 payment latency"}],
                     ["Host/Cpu", "Utilization", {"label": "CPU", "color": "#d62728"}]]}
        """#),
    GoldenCase(name: "view-number-whole-range-full-precision", widget: #"""
        {"title": "Whole range, full precision", "view": "singleValue", "setPeriodToTimeRange": true, "sparkline": true,
         "singleValueFullPrecision": true, "stat": "Sum", "width": 500, "height": 300, \#(range),
         "metrics": [["Shop/Api", "Requests", "Route", "/search", {"label": "Searches"}],
                     ["...", "/cart", {"label": "Cart views"}],
                     [".", "Latency", ".", "/pay", {"stat": "Average", "label": "Average payment latency"}],
                     ["Shop/Missing", "Nothing", {"label": "No data here"}]]}
        """#, warnings: ["unknownMetric", "labelTruncated"]),
    GoldenCase(name: "view-number-grid-partial", widget: #"""
        {"title": "Six tiles, one partial", "view": "singleValue", "sparkline": true, \#(range),
         "metrics": [["Shop/Queue", "Depth", "Queue", "email"], ["...", "sms"], ["...", "push"],
                     ["Shop/Api", "Errors", "Route", "/cart", {"stat": "Sum"}], ["...", "/pay", {"stat": "Sum"}], ["...", "/search", {"stat": "Sum"}]]}
        """#, source: { PartialDataSource(base: TestData.store, partialIds: ["m5"]) }, warnings: ["partialData"]),

    // gauge
    GoldenCase(name: "view-gauge", widget: #"""
        {"title": "CPU", "view": "gauge", "width": 400, "height": 300, \#(range),
         "metrics": [["Host/Cpu", "Utilization", {"label": "CPU utilization"}]],
         "yAxis": {"left": {"min": 0, "max": 100}},
         "annotations": {"horizontal": [{"value": 20, "fill": "below", "color": "#2ca02c", "label": "idle"},
                                        [{"value": 60, "color": "#ff7f0e", "label": "busy"}, {"value": 85}],
                                        {"value": 85, "fill": "above", "color": "#d62728", "label": "hot"},
                                        {"value": 50, "label": "target"}]}}
        """#),
    GoldenCase(name: "view-gauge-dark", widget: #"""
        {"title": "CPU", "theme": "dark", "view": "gauge", "width": 400, "height": 300, \#(range),
         "metrics": [["Host/Cpu", "Utilization", {"label": "CPU utilization"}]],
         "yAxis": {"left": {"min": 0, "max": 100}},
         "annotations": {"horizontal": [{"value": 20, "fill": "below", "color": "#2ca02c", "label": "idle"},
                                        [{"value": 60, "color": "#ff7f0e", "label": "busy"}, {"value": 85}],
                                        {"value": 85, "fill": "above", "color": "#d62728", "label": "hot"},
                                        {"value": 50, "label": "target"}]}}
        """#),
    GoldenCase(name: "view-gauge-grid", widget: #"""
        {"title": "Queue depth against a limit of 150", "view": "gauge", "setPeriodToTimeRange": true, "stat": "Maximum", "width": 700, "height": 300, \#(range),
         "metrics": [["Shop/Queue", "Depth", "Queue", "email"], ["...", "sms"], ["...", "push"], ["Shop/Missing", "Depth"]],
         "yAxis": {"left": {"min": 0, "max": 150}},
         "annotations": {"horizontal": [{"value": 120, "fill": "above", "color": "#d62728"}]}}
        """#, warnings: ["unknownMetric"]),

    // bar
    GoldenCase(name: "view-bar", widget: #"""
        {"title": "Requests by route, whole range", "view": "bar", "setPeriodToTimeRange": true, "stat": "Sum", \#(range),
         "metrics": [["Shop/Api", "Requests", "Route", "/search"], ["...", "/cart"], ["...", "/pay"], ["Shop/Missing", "Requests"]]}
        """#, warnings: ["unknownMetric", "barOmitted"]),
    GoldenCase(name: "view-bar-rotated-labels", widget: #"""
        {"title": "Fleet load, latest value per host", "view": "bar", "legend": {"position": "hidden"}, "width": 500, "height": 320, \#(range),
         "metrics": [["Fleet", "Load", "Host", "host-0", {"label": "host-0.eu-west-1.example.internal"}],
                     ["...", "host-1", {"label": "host-1.eu-west-1.example.internal"}],
                     ["...", "host-2", {"label": "host-2.us-east-1.example.internal"}],
                     ["...", "host-3", {"label": "host-3.us-east-1.example.internal"}],
                     ["...", "host-4", {"label": "host-4.ap-south-1.example.internal"}],
                     ["...", "host-5", {"label": "host-5.ap-south-1.example.internal"}],
                     ["...", "host-6", {"label": "host-6"}]]}
        """#, warnings: ["labelTruncated"]),

    // pie
    GoldenCase(name: "view-pie-labels", widget: #"""
        {"title": "Errors by route, whole range", "view": "pie", "setPeriodToTimeRange": true, "stat": "Sum", "labels": {"visible": true}, \#(range),
         "metrics": [["Shop/Api", "Errors", "Route", "/cart"], ["...", "/pay"], ["...", "/search"], ["Shop/Sparse", "Events", {"label": "sparse events"}],
                     ["Shop/Missing", "Errors"]]}
        """#, warnings: ["unknownMetric", "sliceOmitted"]),
    GoldenCase(name: "view-pie-legend-right-dark", widget: #"""
        {"title": "Queue depth share", "theme": "dark", "view": "pie", "legend": {"position": "right"}, \#(range),
         "metrics": [["Shop/Queue", "Depth", "Queue", "email"], ["...", "sms"], ["...", "push"]]}
        """#),

    // table
    GoldenCase(name: "view-table", widget: #"""
        {"title": "Latency by route (p90, ms), hourly", "view": "table", "period": 3600, "stat": "p90", "width": 700, "height": 160, \#(range),
         "metrics": [["Shop/Api", "Latency", "Route", "/cart"], ["...", "/pay"], ["...", "/search"]],
         "annotations": {"horizontal": [[{"value": 150, "color": "#2ca02c"}, {"value": 200}],
                                        {"value": 300, "color": "#d62728", "fill": "above"}]}}
        """#),
    GoldenCase(name: "view-table-vertical-dark", widget: #"""
        {"title": "Queue depth, 30-minute maxima", "theme": "dark", "view": "table", "period": 1800, "stat": "Maximum", "width": 500, "height": 300, \#(range),
         "table": {"layout": "vertical", "summaryColumns": ["MAX", "AVG"]},
         "yAxis": {"left": {"showUnits": true}},
         "metrics": [["Shop/Queue", "Depth", "Queue", "email"], ["...", "sms"], ["...", "push"]],
         "annotations": {"horizontal": [{"value": 150, "color": "#d62728", "fill": "above"}]}}
        """#, warnings: ["labelTruncated"]),
    GoldenCase(name: "view-table-summary-only", widget: #"""
        {"title": "Requests, summary only", "view": "table", "stat": "Sum", "width": 500, "height": 160, \#(range),
         "table": {"showTimeSeriesData": false, "summaryColumns": ["SUM", "AVG", "MIN", "MAX"]},
         "metrics": [["Shop/Api", "Requests", "Route", "/cart"], ["...", "/pay"], ["...", "/search"], ["Shop/Missing", "Requests"]]}
        """#, warnings: ["unknownMetric"]),
    GoldenCase(name: "view-table-narrow", widget: #"""
        {"title": "Too many columns: the oldest are dropped", "view": "table", "period": 600, "width": 420, "height": 120, \#(range),
         "table": {"summaryColumns": ["AVG"]},
         "metrics": [["Host/Cpu", "Utilization"]]}
        """#, warnings: ["tableColumnsDropped"]),
]
