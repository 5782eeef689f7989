"""PNG decoding for Graphshot's Python checks: the chunks (CRC-checked) and the row filters.

Used by the client tests (gs.py) and the encoder fuzzer (scripts/png-fuzz/check.py). Only
what Graphshot writes needs to be fast (filters SUB and UP, with numpy when installed); every
filter type is decoded.
"""
import struct
import zlib

try:
    import numpy as np
except ImportError:  # plain Python below
    np = None


def chunks(png):
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("bad signature")
    at = 8
    while at < len(png):
        if at + 12 > len(png):
            raise ValueError("truncated chunk")
        length, kind = struct.unpack(">I4s", png[at:at + 8])
        if length > 0x7FFFFFFF:
            raise ValueError("chunk too long")
        data = png[at + 8:at + 8 + length]
        (crc,) = struct.unpack(">I", png[at + 8 + length:at + 12 + length])
        if zlib.crc32(kind + data) != crc:
            raise ValueError(f"bad CRC in {kind!r}")
        yield kind, data
        at += 12 + length


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


def unfilter(raw, width, height, bpp):
    """The image bytes without filter-type bytes."""
    row_bytes = width * bpp
    if len(raw) != height * (row_bytes + 1):
        raise ValueError(f"inflated {len(raw)} bytes, want {height * (row_bytes + 1)}")
    out = bytearray(height * row_bytes)
    previous = bytes(row_bytes)
    for y in range(height):
        kind = raw[y * (row_bytes + 1)]
        row = raw[y * (row_bytes + 1) + 1:(y + 1) * (row_bytes + 1)]
        if kind == 0:
            current = bytes(row)
        elif np is not None and kind in (1, 2):
            r = np.frombuffer(row, dtype=np.uint8)
            if kind == 1:  # SUB: running sum per channel, wrapping at 256
                current = np.cumsum(r.reshape(width, bpp), axis=0, dtype=np.uint8).tobytes()
            else:  # UP
                current = (r + np.frombuffer(previous, dtype=np.uint8)).tobytes()
        else:
            cur = bytearray(row)
            for i in range(row_bytes):
                a = cur[i - bpp] if i >= bpp else 0
                b = previous[i]
                c = previous[i - bpp] if i >= bpp else 0
                if kind == 1:
                    cur[i] = (cur[i] + a) & 255
                elif kind == 2:
                    cur[i] = (cur[i] + b) & 255
                elif kind == 3:
                    cur[i] = (cur[i] + ((a + b) >> 1)) & 255
                elif kind == 4:
                    cur[i] = (cur[i] + paeth(a, b, c)) & 255
                else:
                    raise ValueError(f"filter type {kind} in row {y}")
            current = bytes(cur)
        out[y * row_bytes:(y + 1) * row_bytes] = current
        previous = current
    return bytes(out)
