#!/usr/bin/env python3
"""Writes Graphshot's bundled example data (deterministic: fixed seed, fixed dates).

Outputs, in examples/data/:
  shop-metrics.json   PutMetricData requests (the shape `aws cloudwatch put-metric-data
                      --cli-input-json` takes), a JSON array of requests, one-minute data
                      for 2024-03-01 00:00-12:00 UTC.
  cpu-recorded.json   The shape `aws cloudwatch get-metric-data` prints, for two instances.
Run: python3 examples/make-example-data.py
"""
import json, math, os, random
from datetime import datetime, timedelta, timezone

random.seed(20240301)
START = datetime(2024, 3, 1, 0, 0, tzinfo=timezone.utc)
MINUTES = 12 * 60
here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
os.makedirs(here, exist_ok=True)

def ts(i):
    return (START + timedelta(minutes=i)).strftime("%Y-%m-%dT%H:%M:%SZ")

def daily(i, base, amp, phase=0.0):
    # A smooth morning ramp plus noise.
    return base + amp * math.sin((i / MINUTES) * math.pi + phase)

requests = []

# Shop/Checkout: latency samples (Values+Counts) and failures, per stage.
data = []
for i in range(MINUTES):
    for stage, scale in (("prod", 1.0),):
        base = daily(i, 180, 90) * scale
        spike = 900 if 400 <= i < 415 else 0
        samples = sorted(round(random.lognormvariate(math.log(base + spike), 0.35), 1) for _ in range(40))
        values, counts = [], []
        for v in samples:
            if values and values[-1] == v:
                counts[-1] += 1
            else:
                values.append(v); counts.append(1)
        data.append({"MetricName": "LatencyMs", "Dimensions": [{"Name": "Stage", "Value": stage}],
                     "Timestamp": ts(i), "Values": values, "Counts": counts, "Unit": "Milliseconds"})
        fails = max(0, int(random.gauss(2 + (25 if 400 <= i < 415 else 0), 1.5)))
        data.append({"MetricName": "Failures", "Dimensions": [{"Name": "Stage", "Value": stage}],
                     "Timestamp": ts(i), "Value": fails, "Unit": "Count"})
    orders = max(0, round(daily(i, 40, 25) + random.gauss(0, 4)))
    data.append({"MetricName": "OrdersPlaced", "Timestamp": ts(i), "Value": orders, "Unit": "Count"})
requests.append({"Namespace": "Shop/Checkout", "MetricData": data})

# Shop/Queue: depth per queue, with a gap in "sms" (publisher down 05:00-05:40).
data = []
for i in range(MINUTES):
    for queue, base, amp in (("email", 120, 60), ("sms", 60, 30), ("push", 200, 80)):
        if queue == "sms" and 300 <= i < 340:
            continue
        v = max(0, round(daily(i, base, amp, phase=0.4) + random.gauss(0, base * 0.08)))
        data.append({"MetricName": "Depth", "Dimensions": [{"Name": "Queue", "Value": queue}],
                     "Timestamp": ts(i), "Value": v, "Unit": "Count"})
requests.append({"Namespace": "Shop/Queue", "MetricData": data})

# Shop/Api: request counts per route (statistic sets, as SDK batchers publish them).
data = []
for i in range(0, MINUTES, 5):
    for route, base in (("/cart", 900), ("/pay", 300), ("/search", 2400)):
        n = max(1, round(daily(i, base, base * 0.6) + random.gauss(0, base * 0.05)))
        data.append({"MetricName": "Requests", "Dimensions": [{"Name": "Route", "Value": route}],
                     "Timestamp": ts(i), "StatisticValues": {"SampleCount": 5, "Sum": n, "Minimum": n / 5 * 0.8, "Maximum": n / 5 * 1.2},
                     "Unit": "Count"})
requests.append({"Namespace": "Shop/Api", "MetricData": data})

with open(os.path.join(here, "shop-metrics.json"), "w") as f:
    json.dump(requests, f, separators=(",", ":"))
    f.write("\n")

# get-metric-data output: CPU of two instances, 5-minute averages, newest first.
results = []
for ident, label, base in (("cpu1", "web-1", 35), ("cpu2", "web-2", 55)):
    stamps, values = [], []
    for i in range(0, MINUTES, 5):
        stamps.append((START + timedelta(minutes=i)).strftime("%Y-%m-%dT%H:%M:%S+00:00"))
        values.append(round(min(100, max(0, daily(i, base, 25) + random.gauss(0, 4))), 2))
    results.append({"Id": ident, "Label": label, "Timestamps": stamps[::-1], "Values": values[::-1],
                    "StatusCode": "Complete"})
results[1]["StatusCode"] = "PartialData"
results[1]["Messages"] = [{"Code": "MaxDatapointsExceeded", "Value": "Only part of the range was returned."}]
with open(os.path.join(here, "cpu-recorded.json"), "w") as f:
    json.dump({"MetricDataResults": results, "Messages": []}, f, indent=2)
    f.write("\n")
