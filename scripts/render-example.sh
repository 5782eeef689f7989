#!/usr/bin/env bash
# Sets up a fresh machine (system libraries), builds the graphshot CLI and renders an
# example graph from the bundled example data to out/checkout-health.png.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-system.sh
swift build -c release --product graphshot
mkdir -p out
.build/release/graphshot render examples/checkout-health.json \
    --data examples/data/shop-metrics.json -o out/checkout-health.png
echo "wrote out/checkout-health.png"
