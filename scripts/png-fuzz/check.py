#!/usr/bin/env python3
"""Checks the PNGs that scripts/png-fuzz/harness.c wrote against the images they encode.

For every NAME.argb (width, height, stride as little-endian uint32, then the premultiplied
ARGB32 rows, native little-endian words) and NAME.png in the directory given: the signature,
each chunk's CRC, IHDR first and IEND last, one run of IDAT chunks; the zlib stream (Python's
zlib, which also checks the Adler-32) inflated and unfiltered must give exactly the expected
pixels: RGB when every pixel is opaque, else RGBA un-premultiplied as Graphshot's encoder does
(round(channel * 255 / alpha), half up). Uses numpy when installed, else plain Python (slower).

    check.py DIR [-v]                 check every case in DIR
    check.py --to-argb IN.png OUT.argb   convert a PNG for bench.c
"""
import struct
import sys
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests-python"))
from pngdecode import chunks, np, unfilter  # noqa: E402  (shared with the client tests)


def expected(argb, width, height, stride):
    """(colour type, bytes) the encoder must produce for these premultiplied pixels."""
    words = []
    for y in range(height):
        words.append(argb[y * stride:y * stride + width * 4])
    rows = b"".join(words)
    if np is not None:
        w = np.frombuffer(rows, dtype="<u4").astype(np.uint32)
        a = (w >> 24) & 255
        rgb = [(w >> s) & 255 for s in (16, 8, 0)]
        if bool((a == 255).all()):
            return 2, np.stack(rgb, axis=1).astype(np.uint8).tobytes()
        safe = np.where(a == 0, 1, a)
        un = [np.where(a == 0, 0, (c * 255 + safe // 2) // safe) for c in rgb]
        return 6, np.stack(un + [a], axis=1).astype(np.uint8).tobytes()
    ws = struct.unpack(f"<{width * height}I", rows)
    if all(v >> 24 == 255 for v in ws):
        return 2, bytes(b for v in ws for b in ((v >> 16) & 255, (v >> 8) & 255, v & 255))
    out = bytearray()
    for v in ws:
        a = v >> 24
        if a == 0:
            out += b"\0\0\0\0"
        else:
            out += bytes([((v >> s & 255) * 255 + a // 2) // a for s in (16, 8, 0)] + [a])
    return 6, bytes(out)


def check(argb_path):
    blob = argb_path.read_bytes()
    width, height, stride = struct.unpack("<III", blob[:12])
    png = argb_path.with_suffix(".png").read_bytes()
    seen = list(chunks(png))
    kinds = [k for k, _ in seen]
    if kinds[0] != b"IHDR" or kinds[-1] != b"IEND" or seen[-1][1]:
        raise ValueError(f"chunk order {kinds}")
    idats = [i for i, k in enumerate(kinds) if k == b"IDAT"]
    if not idats or idats != list(range(idats[0], idats[-1] + 1)):
        raise ValueError(f"IDAT chunks not consecutive: {kinds}")
    w, h, depth, colour, method, filtering, interlace = struct.unpack(">IIBBBBB", seen[0][1])
    if (w, h, depth, method, filtering, interlace) != (width, height, 8, 0, 0, 0):
        raise ValueError(f"IHDR {seen[0][1].hex()}")
    want_colour, want = expected(blob[12:], width, height, stride)
    if colour != want_colour:
        raise ValueError(f"colour type {colour}, want {want_colour}")
    stream = b"".join(seen[i][1] for i in idats)
    inflater = zlib.decompressobj()
    raw = inflater.decompress(stream) + inflater.flush()
    if not inflater.eof or inflater.unused_data:
        raise ValueError("zlib stream not ended exactly at the end of the IDAT data")
    got = unfilter(raw, width, height, 3 if colour == 2 else 4)
    if got != want:
        first = next(i for i in range(len(want)) if got[i] != want[i])
        raise ValueError(f"pixels differ from byte {first}")
    return len(png), len(idats)


def to_argb(png_path, argb_path):
    """Writes a PNG (8-bit RGB or RGBA, not interlaced) as an .argb file of premultiplied pixels
    (the harness's format), for bench.c."""
    png = Path(png_path).read_bytes()
    seen = list(chunks(png))
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", seen[0][1])
    if depth != 8 or colour not in (2, 6) or interlace:
        raise ValueError(f"{png_path}: only 8-bit RGB/RGBA, not interlaced")
    bpp = 3 if colour == 2 else 4
    pixels = unfilter(zlib.decompress(b"".join(d for k, d in seen if k == b"IDAT")), width, height, bpp)
    out = bytearray(struct.pack("<III", width, height, width * 4))
    for i in range(0, len(pixels), bpp):
        r, g, b = pixels[i:i + 3]
        a = pixels[i + 3] if bpp == 4 else 255
        r, g, b = ((c * a + 127) // 255 for c in (r, g, b))
        out += struct.pack("<I", a << 24 | r << 16 | g << 8 | b)
    Path(argb_path).write_bytes(bytes(out))


def main():
    if sys.argv[1] == "--to-argb":
        to_argb(sys.argv[2], sys.argv[3])
        return 0
    directory = Path(sys.argv[1])
    cases = sorted(directory.glob("*.argb"))
    failed = 0
    for path in cases:
        try:
            size, idat_count = check(path)
        except Exception as error:  # report every failing case, not just the first
            failed += 1
            print(f"FAIL {path.stem}: {error}")
            continue
        if "-v" in sys.argv:
            print(f"ok {path.stem}: {size} bytes, {idat_count} IDAT")
    print(f"{len(cases) - failed} passed, {failed} failed")
    return 1 if failed or not cases else 0


if __name__ == "__main__":
    sys.exit(main())
