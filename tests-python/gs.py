"""Helpers for driving `graphshot serve` with the real AWS clients."""
import copy
import json
import os
import signal
import socket
import struct
import subprocess
import tempfile
import time
import zlib

import boto3
import botocore.session
from botocore.config import Config
from pngdecode import chunks, unfilter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.environ.get("GRAPHSHOT_BIN", os.path.join(ROOT, ".build", "debug", "graphshot"))
KEY_ID, SECRET = "AKIDGRAPHSHOTTEST", "graphshot/test+secret"


class Server:
    """A `graphshot serve` process on a free loopback port."""

    def __init__(self, *args):
        self.proc = subprocess.Popen(
            [BINARY, "serve", "--port", "0", "--log-level", "warning", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if "listening on" not in line:
            self.proc.kill()
            raise RuntimeError(f"server did not start: {line!r} {self.proc.stderr.read()}")
        self.url = line.strip().rsplit(" ", 1)[-1]
        self.port = int(self.url.rsplit(":", 1)[-1])

    def health(self):
        import urllib.request
        with urllib.request.urlopen(self.url + "/health") as r:
            return json.load(r)

    def rss_kib(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def stop(self, timeout=20):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


_model_dirs = {}


def _model_dir(protocol):
    """A botocore data directory whose CloudWatch model speaks only `protocol`."""
    if protocol not in _model_dirs:
        loader = botocore.session.get_session().get_component("data_loader")
        model = copy.deepcopy(loader.load_service_model("cloudwatch", "service-2"))
        model["metadata"]["protocol"] = protocol
        model["metadata"]["protocols"] = [protocol]
        d = tempfile.mkdtemp(prefix=f"cw-{protocol}-")
        version = model["metadata"]["apiVersion"]
        os.makedirs(os.path.join(d, "cloudwatch", version))
        with open(os.path.join(d, "cloudwatch", version, "service-2.json"), "w") as f:
            json.dump(model, f)
        _model_dirs[protocol] = d
    return _model_dirs[protocol]


def client(server, protocol=None, key=KEY_ID, secret=SECRET, retries=0, **config):
    """A boto3 CloudWatch client for `server`; `protocol` forces botocore onto
    "query" or "smithy-rpc-v2-cbor" (default: what botocore picks, awsJson1_0)."""
    session = botocore.session.get_session()
    if protocol:
        session.get_component("data_loader").search_paths.insert(0, _model_dir(protocol))
    cfg = Config(retries={"total_max_attempts": retries + 1, "mode": "standard"}, **config)
    return boto3.Session(botocore_session=session).client(
        "cloudwatch", endpoint_url=server.url, region_name="us-east-1",
        aws_access_key_id=key, aws_secret_access_key=secret, config=cfg)


def png_info(data):
    """(width, height) of a PNG, asserting the signature."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", data[:16]
    return struct.unpack(">II", data[16:24])


def png_pixels(data):
    """Decodes an 8-bit RGBA or RGB, non-interlaced PNG into rows of (r, g, b) tuples."""
    width, height = png_info(data)
    depth, colour, interlace = data[24], data[25], data[28]
    assert depth == 8 and colour in (2, 6) and interlace == 0, (depth, colour, interlace)
    bpp = 4 if colour == 6 else 3
    idat = b"".join(chunk for kind, chunk in chunks(data) if kind == b"IDAT")
    pixels = unfilter(zlib.decompress(idat), width, height, bpp)
    stride = width * bpp
    return [[tuple(pixels[y * stride + x:y * stride + x + 3]) for x in range(0, stride, bpp)] for y in range(height)]


def count_near(rows, rgb, tolerance=40):
    """Pixels within `tolerance` (per channel) of `rgb`."""
    return sum(1 for row in rows for p in row if all(abs(p[k] - rgb[k]) <= tolerance for k in range(3)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
