#!/usr/bin/env python3
"""The metric-math benchmark cases of graphshot-math-bench, written with numpy.

Run on the same machine, right after the Swift benchmark, so the ratios compare like with
like:

    swift run -c release graphshot-math-bench --json /tmp/ours.json
    python3 scripts/bench-math-numpy.py --ours /tmp/ours.json

Two numpy columns:
- "numpy": the same CloudWatch semantics as Graphshot (missing values as NaN; union with
  missing-as-0 for m1+m2*2; SUM/AVG over an array missing where every member is missing;
  RATE/RUNNING_SUM over present points only; IF keeps the condition's timestamps). This is
  what a numpy implementation of metric math has to do, and what the ratio is taken against.
- "numpy plain": the nearest one-call numpy operation without those rules (a + b*2, nansum,
  cumsum, ...), for reference; it computes something simpler.

numpy runs single-threaded (OMP/OPENBLAS/MKL threads = 1). Both benchmarks time with the
thread's CPU clock (user + system time of the measuring thread), so a busy machine changes
the figures less than wall-clock timing would. Points are counted exactly as in
the Swift benchmark: input points for SUM/AVG/SORT over the array, output points otherwise.
"""
import argparse
import json
import os
import sys
import time

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[var] = "1"

try:
    import numpy as np
except ImportError:
    import subprocess
    subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", "numpy"])
    import numpy as np

import warnings
warnings.filterwarnings("ignore")

PERIOD = 60.0


def measure(fn, min_time):
    fn()
    best = float("inf")
    start = time.thread_time()
    runs = 0
    while runs < 3 or time.thread_time() - start < min_time:
        t = time.thread_time()
        fn()
        best = min(best, time.thread_time() - t)
        runs += 1
    return best


def make_data(series, points):
    rng = np.random.default_rng(42)
    values = np.floor(rng.random((series, points)) * 100) + 0.25
    missing = rng.random((series, points)) < 0.1
    x = values.copy()
    x[missing] = np.nan
    return x


def union_add(a, b):
    """m1 + m2*2 with CloudWatch rules: union of timestamps, a missing side counts as 0."""
    r = np.nan_to_num(a) + np.nan_to_num(b) * 2
    r[np.isnan(a) & np.isnan(b)] = np.nan
    return r


def array_sum(x):
    present = ~np.isnan(x)
    s = np.nansum(x, axis=0)
    s[~present.any(axis=0)] = np.nan
    return s


def array_avg(x):
    present = ~np.isnan(x)
    s = np.nansum(x, axis=0) / x.shape[0]
    s[~present.any(axis=0)] = np.nan
    return s


def rate(x, t):
    out = np.full(x.shape, np.nan)
    for k in range(x.shape[0]):
        idx = np.flatnonzero(~np.isnan(x[k]))
        v = x[k, idx]
        out[k, idx[1:]] = np.diff(v) / np.diff(t[idx])
    return out


def fill_zero(x):
    return np.where(np.isnan(x), 0.0, x)


def fill_repeat(x):
    n = x.shape[1]
    idx = np.where(np.isnan(x), 0, np.arange(n))
    np.maximum.accumulate(idx, axis=1, out=idx)
    return np.take_along_axis(x, idx, axis=1)


def running_sum(x):
    cs = np.cumsum(np.nan_to_num(x), axis=1)
    cs[np.isnan(x)] = np.nan
    return cs


def if_threshold(x):
    return np.where(x > 50, x, np.where(np.isnan(x), np.nan, 0.0))


def sort_top(x):
    keys = np.nanmean(x, axis=1)
    order = np.argsort(-keys, kind="stable")[:10]
    return x[order]


def cases(x, t):
    s, n = x.shape
    half = s // 2
    a, b = x[0::2][:half], x[1::2][:half]
    return [
        ("m1+m2*2", half * n, lambda: union_add(a, b), lambda: a + b * 2),
        ("SUM(METRICS())", s * n, lambda: array_sum(x), lambda: np.nansum(x, axis=0)),
        ("AVG(METRICS())", s * n, lambda: array_avg(x), lambda: np.nanmean(x, axis=0)),
        ("RATE(m1)", s * n, lambda: rate(x, t), lambda: np.diff(x, axis=1) / PERIOD),
        ("FILL(m1, 0)", s * n, lambda: fill_zero(x), lambda: np.nan_to_num(x)),
        ("FILL(m1, REPEAT)", s * n, lambda: fill_repeat(x), None),
        ("RUNNING_SUM(m1)", s * n, lambda: running_sum(x), lambda: np.cumsum(x, axis=1)),
        ("IF(m1 > 50, m1, 0)", s * n, lambda: if_threshold(x), lambda: np.where(x > 50, x, 0.0)),
        ("SORT(METRICS(), AVG, DESC, 10)", s * n, lambda: sort_top(x),
         lambda: np.argsort(-np.mean(x, axis=1))[:10]),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ours", help="JSON written by graphshot-math-bench --json")
    parser.add_argument("--quick", action="store_true", help="shorter runs")
    args = parser.parse_args()
    min_time = 0.2 if args.quick else 1.0
    ours = {}
    if args.ours:
        with open(args.ours) as f:
            for row in json.load(f):
                ours[(row["case"], row["shape"])] = row["value"]

    print(f"numpy {np.__version__}, single-threaded; million points per second")
    header = f"{'case':34}{'shape':16}{'Graphshot':>10}{'numpy':>10}{'ratio':>8}{'np plain':>10}"
    print(header)
    print("-" * len(header))
    for series, points in ((100, 10_000), (10, 1_000_000)):
        x = make_data(series, points)
        t = np.arange(points) * PERIOD
        shape = f"{series} x {points}"
        for name, count, semantic, plain in cases(x, t):
            numpy_rate = count / measure(semantic, min_time) / 1e6
            plain_rate = count / measure(plain, min_time) / 1e6 if plain else float("nan")
            ours_rate = ours.get((name, shape))
            ratio = f"{ours_rate / numpy_rate:7.1f}x" if ours_rate else "       -"
            ours_text = f"{ours_rate:10.0f}" if ours_rate else "         -"
            print(f"{name:34}{shape:16}{ours_text}{numpy_rate:10.0f}{ratio}{plain_rate:10.0f}")
    widget = ours.get(("parse+check 100-row widget", "100 rows"))
    if widget:
        print(f"{'parse+check 100-row widget':34}{'100 rows':16}{1e6 / widget:8.1f} µs (no numpy equivalent)")


if __name__ == "__main__":
    main()
