#!/usr/bin/env bash
# Sets up a fresh machine (system libraries) and runs Graphshot's whole test suite.
# Golden files: RECORD_GOLDENS=1 scripts/test.sh rewrites them (and fails, on purpose).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-system.sh
swift build --build-tests
swift test --skip-build "$@"
