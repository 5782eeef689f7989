#!/usr/bin/env python3
"""Load test for `graphshot serve`: concurrent GetMetricWidgetImage calls on loopback.

Publishes the benchmark's W2 workload (10 series x 1,440 one-minute points), then runs a
fixed number of client threads for a fixed time, each sending awsJson1_0
GetMetricWidgetImage requests (600x400 PNG) over a keep-alive connection. Reports images/s,
p50/p99/max latency, errors, and the server's resident memory after warm-up and at the end.

By default every request differs (its title carries a counter), so every request is a full
render. `--same` sends one identical widget, as many viewers of one dashboard do: the server
then shares one render among the identical requests of each second (its render cache).

    scripts/load-test.py                                  # builds nothing; uses .build/release/graphshot
    scripts/load-test.py --binary .build/debug/graphshot --duration 3 --clients 4
    scripts/load-test.py --url http://127.0.0.1:4580      # an already running server (no memory figures)

Exit status 1 when any request failed or memory grew by more than --max-growth.
Traffic goes to loopback only; every loop is bounded by --duration.
"""
import argparse
import base64
import gzip
import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = "GraniteServiceVersion20100801."


def call(conn, op, payload, gzip_body=False):
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": TARGET + op}
    if gzip_body:
        body = gzip.compress(body)
        headers["Content-Encoding"] = "gzip"
    conn.request("POST", "/", body=body, headers=headers)
    r = conn.getresponse()
    return r.status, r.read()


def publish_w2(host, port, end):
    """10 series x 1,440 points ending at `end` (PutMetricData accepts the last two weeks)."""
    import math
    conn = http.client.HTTPConnection(host, port, timeout=60)
    data = []
    for s in range(10):
        for i in range(1440):
            t = end - 60 * (1440 - i)
            v = 100 + 20 * (s % 7) + 30 * math.sin(i / (40 + s)) + ((i * 7919 + s * 104_729) % 97) / 4
            data.append({"MetricName": "Load", "Value": v, "Timestamp": t, "Dimensions": [{"Name": "Host", "Value": f"host-{s}"}]})
    for k in range(0, len(data), 1000):
        status, body = call(conn, "PutMetricData", {"Namespace": "Bench", "MetricData": data[k:k + 1000]}, gzip_body=True)
        if status != 200:
            raise SystemExit(f"PutMetricData failed: {status} {body[:200]!r}")
    conn.close()


def w2_widget(end):
    rows = [["Bench", "Load", "Host", "host-0"]] + [["...", f"host-{s}"] for s in range(1, 10)]
    fmt = lambda t: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))  # noqa: E731
    return json.dumps({"title": "W2: 10 × 1440 points", "width": 600, "height": 400, "period": 60,
                       "start": fmt(end - 86_400), "end": fmt(end), "metrics": rows})


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def run(host, port, widget, clients, duration, warmup, same):
    latencies, errors, lock = [], [], threading.Lock()
    start_measure = time.monotonic() + warmup
    stop_at = start_measure + duration

    def worker(k):
        conn = http.client.HTTPConnection(host, port, timeout=30)
        mine, bad = [], []
        n = 0
        while True:
            t0 = time.monotonic()
            if t0 >= stop_at:
                break
            n += 1
            document = widget if same else widget.replace("W2:", f"W2 #{k}.{n}:")
            try:
                status, body = call(conn, "GetMetricWidgetImage", {"MetricWidget": document})
                ok = status == 200 and base64.b64decode(json.loads(body)["MetricWidgetImage"])[:4] == b"\x89PNG"
            except Exception as e:  # noqa: BLE001 - every failure is counted and reported
                ok, status, body = False, 0, repr(e).encode()
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=30)
            t1 = time.monotonic()
            if t0 >= start_measure:
                mine.append(t1 - t0)
                if not ok:
                    bad.append((status, body[:200]))
        conn.close()
        with lock:
            latencies.extend(mine)
            errors.extend(bad)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    return threads, latencies, errors, start_measure


def percentile(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))] if xs else float("nan")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "graphshot"))
    ap.add_argument("--url", help="use a running server instead of starting one")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--duration", type=float, default=20.0, help="measured seconds")
    ap.add_argument("--warmup", type=float, default=2.0)
    ap.add_argument("--threads", type=int, help="server render threads (default: one per core)")
    ap.add_argument("--queue", type=int, help="server render queue depth")
    ap.add_argument("--max-growth", type=float, default=0.25, help="allowed RSS growth after warm-up (fraction)")
    ap.add_argument("--same", action="store_true", help="send one identical widget (lets the render cache share renders)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args()

    proc = None
    if args.url:
        u = urllib.parse.urlparse(args.url)
        host, port = u.hostname, u.port
    else:
        cmd = [args.binary, "serve", "--port", "0", "--log-level", "warning"]
        queue = args.queue if args.queue is not None else max(args.clients, 4)
        cmd += ["--queue", str(queue)]
        if args.threads:
            cmd += ["--threads", str(args.threads)]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        line = proc.stdout.readline()
        if "listening on" not in line:
            proc.kill()
            raise SystemExit(f"server did not start: {line!r}")
        host, port = "127.0.0.1", int(line.strip().rsplit(":", 1)[-1])
    try:
        end = int(time.time()) // 3600 * 3600
        publish_w2(host, port, end)
        widget = w2_widget(end)
        threads, latencies, errors, start_measure = run(host, port, widget, args.clients, args.duration, args.warmup, args.same)
        time.sleep(max(0.0, start_measure - time.monotonic()))
        rss_before = rss_kib(proc.pid) if proc else None
        for t in threads:
            t.join()
        rss_after = rss_kib(proc.pid) if proc else None
    finally:
        if proc:
            proc.send_signal(signal.SIGTERM)
            proc.wait(30)

    n = len(latencies)
    figures = {
        "requests": "identical" if args.same else "distinct", "clients": args.clients, "seconds": args.duration, "images": n, "images_per_second": round(n / args.duration, 1),
        "p50_ms": round(percentile(latencies, 50) * 1000, 1), "p99_ms": round(percentile(latencies, 99) * 1000, 1),
        "max_ms": round(max(latencies, default=float("nan")) * 1000, 1), "errors": len(errors),
        "rss_after_warmup_kib": rss_before, "rss_at_end_kib": rss_after,
    }
    if args.json:
        print(json.dumps(figures))
    else:
        print(f"W2 600x400, {figures['requests']} requests, {args.clients} clients, {args.duration:.0f} s: {figures['images_per_second']} images/s, "
              f"p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms, max {figures['max_ms']} ms, "
              f"{len(errors)} errors; server RSS {rss_before} KiB after warm-up, {rss_after} KiB at the end")
    for e in errors[:5]:
        print("error:", e, file=sys.stderr)
    grew = rss_before and rss_after and rss_after > rss_before * (1 + args.max_growth)
    if errors or n == 0 or grew:
        if grew:
            print(f"memory grew by more than {args.max_growth:.0%}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
