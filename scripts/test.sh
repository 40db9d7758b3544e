#!/usr/bin/env bash
# Sets up and builds PromoDesk, then runs the whole test suite through CTest
# (GUI tests on the offscreen platform). Benchmarks are not run here: see docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export QT_QPA_PLATFORM=offscreen
ctest --preset release --parallel 2 --timeout 900
