#!/usr/bin/env bash
# One entry point for the README's Quick start:
#   installer/setup.sh run    install dependencies, build, start the console
#   installer/setup.sh test   install dependencies, build, run every test with ctest
# Builds into ./build (Release with debug info) and reuses it when present.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

mode=${1:-run}
shift || true
case "$mode" in
  run|test) ;;
  *) echo "usage: installer/setup.sh run|test [cabinet arguments]" >&2; exit 2 ;;
esac

installer/install-deps.sh
jobs=$(nproc)
build=${CABINET_BUILD_DIR:-$root/build}
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$build" -j "$jobs"

if [ "$mode" = test ]; then
  cd "$build"
  exec ctest --output-on-failure -j "$jobs" --timeout 600
fi

# With no display, the console says how to run headless instead.
exec "$build/app/cabinet" "$@"
