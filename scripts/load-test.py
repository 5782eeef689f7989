#!/usr/bin/env python3
"""Load test for `graphshot serve`: concurrent GetMetricWidgetImage calls on loopback.

Publishes the benchmark's W2 workload (10 series x 1,440 one-minute points) into the server's
store with PutMetricData, then runs a fixed number of client processes for a fixed time, each
sending awsJson1_0 GetMetricWidgetImage requests (600x400 PNG) over its own keep-alive
connection. Reports images/s, p50/p99/max latency, errors, the server's CPU time per image,
the clients' CPU time per image, the load average, and the server's resident memory after
warm-up and at the end.

What it measures: the whole server path of every request — HTTP, JSON request decoding, the
store read, a full render (layout, rasterization, PNG encoding) and the base64 JSON response —
timed by the client from sending the request to having read the last byte of the response.
By default every request differs (its title carries a counter), so every request is a full
render and no cache helps. `--same` sends one identical widget, as many viewers of one
dashboard do: the server then shares one render among the identical requests of each second
(its render cache).

What it does not measure: a client's own decoding of each image. Clients are separate
processes (Python threads would serialize on the GIL) and, to leave the two cores to the
server, check every response cheaply: status 200, the JSON framing, and the PNG signature at
the start of the base64 image. One response in `--verify-every` (and the first of each client)
is decoded in full: JSON, base64, PNG signature, and the IEND chunk at the end. The clients run
on the same machine as the server, so their CPU time (reported) competes with it.

    scripts/load-test.py                                  # builds nothing; uses .build/release/graphshot
    scripts/load-test.py --binary .build/debug/graphshot --duration 3 --clients 4
    scripts/load-test.py --sweep 1,2,4,8 --duration 10    # one server, one run per client count
    scripts/load-test.py --url http://127.0.0.1:4580      # an already running server (no server figures)

Exit status 1 when any request failed or memory grew by more than --max-growth.
Traffic goes to loopback only; every loop is bounded by --duration.
"""
import argparse
import base64
import gzip
import http.client
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = "GraniteServiceVersion20100801."
# A GetMetricWidgetImage response in awsJson1_0: {"MetricWidgetImage":"<base64 PNG>"}; the
# base64 of the PNG signature (\x89PNG\r\n\x1a\n) starts with "iVBORw0KGgo".
PREFIX = b'{"MetricWidgetImage":"'
PNG_BASE64 = b"iVBORw0KGgo"


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


def cpu_seconds(pid):
    """User + system CPU seconds of a process (all its threads), or None."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def image_ok(body, full):
    """Cheap check of a GetMetricWidgetImage response; `full` decodes JSON, base64 and the PNG ends."""
    if full:
        png = base64.b64decode(json.loads(body)["MetricWidgetImage"], validate=True)
        return png[:8] == b"\x89PNG\r\n\x1a\n" and png[-12:-8] == b"\x00\x00\x00\x00" and png[-8:-4] == b"IEND"
    return body.startswith(PREFIX) and body[len(PREFIX):len(PREFIX) + len(PNG_BASE64)] == PNG_BASE64 and body.endswith(b'"}')


def client(k, host, port, widget, same, start_measure, stop_at, verify_every, results):
    """One client process: requests until `stop_at` (monotonic), latencies kept from `start_measure`."""
    conn = http.client.HTTPConnection(host, port, timeout=30)
    latencies, bad = [], []
    n = 0
    cpu_start = None
    while True:
        t0 = time.monotonic()
        if t0 >= stop_at:
            break
        if cpu_start is None and t0 >= start_measure:
            cpu_start = time.process_time()
        n += 1
        document = widget if same else widget.replace("W2:", f"W2 #{k}.{n}:")
        try:
            status, body = call(conn, "GetMetricWidgetImage", {"MetricWidget": document})
            ok = status == 200 and image_ok(body, full=n == 1 or n % verify_every == 0)
        except Exception as e:  # noqa: BLE001 - every failure is counted and reported
            ok, status, body = False, 0, repr(e).encode()
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=30)
        t1 = time.monotonic()
        if t0 >= start_measure:
            latencies.append(t1 - t0)
            if not ok:
                bad.append((status, body[:200]))
    conn.close()
    results.put((latencies, bad, time.process_time() - (cpu_start if cpu_start is not None else time.process_time())))


def percentile(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))] if xs else float("nan")


def measure(host, port, pid, widget, clients, duration, warmup, same, verify_every):
    """One run with `clients` client processes; returns the figures and the errors."""
    start_measure = time.monotonic() + warmup + 0.2  # + process start-up
    stop_at = start_measure + duration
    results = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=client, args=(k, host, port, widget, same, start_measure, stop_at, verify_every, results))
             for k in range(clients)]
    for p in procs:
        p.start()
    time.sleep(max(0.0, start_measure - time.monotonic()))
    rss_before, cpu_before = (rss_kib(pid), cpu_seconds(pid)) if pid else (None, None)
    time.sleep(max(0.0, stop_at - time.monotonic()))
    cpu_after = cpu_seconds(pid) if pid else None
    load = os.getloadavg()[0]
    latencies, errors, client_cpu = [], [], 0.0
    for _ in procs:
        mine, bad, cpu = results.get(timeout=60)
        latencies += mine
        errors += bad
        client_cpu += cpu
    for p in procs:
        p.join(30)
    rss_after = rss_kib(pid) if pid else None
    n = len(latencies)
    per_image = lambda s: round(s * 1000 / n, 2) if n and s is not None else None  # noqa: E731
    figures = {
        "requests": "identical" if same else "distinct", "clients": clients, "seconds": duration, "images": n,
        "images_per_second": round(n / duration, 1),
        "p50_ms": round(percentile(latencies, 50) * 1000, 1), "p99_ms": round(percentile(latencies, 99) * 1000, 1),
        "max_ms": round(max(latencies, default=float("nan")) * 1000, 1), "errors": len(errors),
        "server_cpu_ms_per_image": per_image(cpu_after - cpu_before if cpu_before is not None and cpu_after is not None else None),
        "client_cpu_ms_per_image": per_image(client_cpu), "load_average_1min": round(load, 2),
        "rss_after_warmup_kib": rss_before, "rss_at_end_kib": rss_after,
    }
    return figures, errors


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "graphshot"))
    ap.add_argument("--url", help="use a running server instead of starting one")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--sweep", help="comma-separated client counts, one run each against the same server (e.g. 1,2,4,8)")
    ap.add_argument("--duration", type=float, default=20.0, help="measured seconds")
    ap.add_argument("--warmup", type=float, default=2.0)
    ap.add_argument("--threads", type=int, help="server render threads (default: one per core)")
    ap.add_argument("--queue", type=int, help="server render queue depth")
    ap.add_argument("--max-growth", type=float, default=0.25, help="allowed RSS growth after warm-up (fraction)")
    ap.add_argument("--same", action="store_true", help="send one identical widget (lets the render cache share renders)")
    ap.add_argument("--verify-every", type=int, default=50, help="decode every Nth response in full (the first always)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON (one line per run)")
    args = ap.parse_args()
    counts = [int(c) for c in args.sweep.split(",")] if args.sweep else [args.clients]

    proc = None
    if args.url:
        u = urllib.parse.urlparse(args.url)
        host, port = u.hostname, u.port
    else:
        cmd = [args.binary, "serve", "--port", "0", "--log-level", "warning"]
        queue = args.queue if args.queue is not None else max(max(counts), 4)
        cmd += ["--queue", str(queue)]
        if args.threads:
            cmd += ["--threads", str(args.threads)]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        line = proc.stdout.readline()
        if "listening on" not in line:
            proc.kill()
            raise SystemExit(f"server did not start: {line!r}")
        host, port = "127.0.0.1", int(line.strip().rsplit(":", 1)[-1])
    runs = []
    try:
        end = int(time.time()) // 3600 * 3600
        publish_w2(host, port, end)
        widget = w2_widget(end)
        for clients in counts:
            runs.append(measure(host, port, proc.pid if proc else None, widget, clients, args.duration, args.warmup,
                                args.same, max(1, args.verify_every)))
    finally:
        if proc:
            proc.send_signal(signal.SIGTERM)
            proc.wait(30)

    failed = False
    for figures, errors in runs:
        if args.json:
            print(json.dumps(figures))
        else:
            print(f"W2 600x400, {figures['requests']} requests, {figures['clients']} clients, {args.duration:.0f} s: "
                  f"{figures['images_per_second']} images/s, p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms, "
                  f"max {figures['max_ms']} ms, {figures['errors']} errors; CPU per image: server {figures['server_cpu_ms_per_image']} ms, "
                  f"clients {figures['client_cpu_ms_per_image']} ms; load average {figures['load_average_1min']}; "
                  f"server RSS {figures['rss_after_warmup_kib']} KiB after warm-up, {figures['rss_at_end_kib']} KiB at the end")
        for e in errors[:5]:
            print("error:", e, file=sys.stderr)
        before, after = figures["rss_after_warmup_kib"], figures["rss_at_end_kib"]
        grew = before and after and after > before * (1 + args.max_growth)
        if grew:
            print(f"memory grew by more than {args.max_growth:.0%}", file=sys.stderr)
        failed = failed or bool(errors) or figures["images"] == 0 or bool(grew)
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
