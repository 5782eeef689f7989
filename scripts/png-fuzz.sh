#!/usr/bin/env bash
# Randomized round trips of Graphshot's PNG writers (Sources/CPNG/cpng.c) under AddressSanitizer
# and UndefinedBehaviorSanitizer, checked by an independent decoder (Python's zlib plus the PNG
# row filters, scripts/png-fuzz/check.py). Not part of scripts/test.sh; run it after changing
# cpng.c:
#
#   scripts/png-fuzz.sh [SEED [COUNT]]     (defaults: a random seed, 200 images per build)
#
# Two builds run: the real one, and one with IDAT chunks capped at 977 bytes, deflate blocks at
# about 3000 bytes, and no use of the size estimate, so the writer's multi-chunk, multi-block,
# buffer-growth and give-up-for-stored-blocks paths run on small images. Every tenth image or so is an edge size (1x1, 1xN,
# Nx1), one per run is 2000x2000. Needs a C compiler, libdeflate, libpng and zlib headers
# (scripts/setup-system.sh installs them) and python3 (numpy makes the checker faster).
# Also: scripts/png-fuzz/bench.c times the flat writer against the libdeflate one.
set -euo pipefail
cd "$(dirname "$0")/.."
seed="${1:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}"
count="${2:-200}"
cc="${CC:-cc}"
work="$(mktemp -d "${TMPDIR:-/tmp}/graphshot-png-fuzz.XXXXXX")"
trap 'rm -rf "$work"' EXIT

flags=(-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
       -I Sources/CPNG/include)
libs=(-ldeflate -lpng16 -lz)
"$cc" "${flags[@]}" scripts/png-fuzz/harness.c -o "$work/harness" "${libs[@]}"
"$cc" "${flags[@]}" -DCPNG_IDAT_CHUNK_MAX=977 -DCPNG_BLOCK_BYTES=3000 -DCPNG_USE_ESTIMATE=0 scripts/png-fuzz/harness.c \
    -o "$work/harness-small-chunks" "${libs[@]}"

echo "png-fuzz: seed $seed, $count images per build"
status=0
for build in harness harness-small-chunks; do
    mkdir "$work/$build.out"
    ASAN_OPTIONS=detect_leaks=1 "$work/$build" "$work/$build.out" "$seed" "$count"
    echo "png-fuzz: $build"
    python3 scripts/png-fuzz/check.py "$work/$build.out" || status=1
    rm -rf "$work/$build.out"
done
exit $status
