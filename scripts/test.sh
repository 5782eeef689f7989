#!/usr/bin/env bash
# Sets up a fresh machine (system libraries) and runs Graphshot's whole test suite.
# Golden files: RECORD_GOLDENS=1 scripts/test.sh rewrites them (and fails, on purpose).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-system.sh
swift build --build-tests
swift test --skip-build "$@"
# The service with the real clients: boto3 and the aws CLI against `graphshot serve`
# (installed by setup-system.sh). GRAPHSHOT_SKIP_CLIENT_TESTS=1 skips them.
if [ "${GRAPHSHOT_SKIP_CLIENT_TESTS:-0}" != 1 ]; then
    GRAPHSHOT_BIN="$PWD/.build/debug/graphshot" python3 -m pytest -q -p no:cacheprovider tests-python
fi
