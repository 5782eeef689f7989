"""A short run of scripts/load-test.py: concurrent clients for a fixed time, no errors, flat memory.
(The figures in the README come from a longer run against a release build.)"""
import json
import os
import subprocess
import sys

from gs import BINARY, ROOT


def test_load_smoke():
    r = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "load-test.py"), "--binary", BINARY,
                        "--clients", "3", "--duration", "3", "--warmup", "1", "--max-growth", "0.5", "--json"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    figures = json.loads(r.stdout.strip().splitlines()[-1])
    assert figures["errors"] == 0 and figures["images"] > 0, figures
