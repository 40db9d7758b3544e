#!/usr/bin/env bash
# Sets up and builds PromoDesk, creates a demo workspace on first use, and opens the dashboard on it.
#   scripts/run.sh [WORKSPACE]        (default: the medium demo workspace)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

workspace="${1:-}"
if [ -z "$workspace" ]; then
  data="${XDG_DATA_HOME:-$HOME/.local/share}/PromoDesk"
  workspace="$data/demo.promodesk"
  if [ ! -f "$workspace" ]; then
    mkdir -p "$data"
    echo "run: creating the demo workspace $workspace (100 000 members and a year of redemptions, about 20 seconds)…"
    build/release/app/promodesk-cli init --demo medium --workspace "$workspace" --quiet >/dev/null
  fi
fi

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
  echo "run: no display found — run it under a virtual one: xvfb-run -a $0 ${1:-}" >&2
  exit 1
fi
exec build/release/app/promodesk "$workspace"
