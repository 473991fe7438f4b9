#!/usr/bin/env bash
# One entry point for the README's Quick start:
#   installer/setup.sh run    install dependencies, build, start the console
#   installer/setup.sh test   install dependencies, build, run every test with ctest,
#                             then the sanitizer pass (below)
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
  ctest --test-dir "$build" --output-on-failure -j "$jobs" --timeout 600
  # The sanitizer pass: the `asan` preset (AddressSanitizer and UBSan, UB
  # fatal; no GUI, no CUDA) in a directory of its own, building and running
  # only the tests labelled `sanitize` (tests/CMakeLists.txt).
  asan=${CABINET_ASAN_BUILD_DIR:-$root/build-asan}
  cmake --preset asan -B "$asan"
  cmake --build "$asan" -j "$jobs" --target sanitize_tests
  exec ctest --test-dir "$asan" -L sanitize --output-on-failure -j "$jobs" --timeout 600
fi

# With no display, the console says how to run headless instead.
exec "$build/app/cabinet" "$@"
