#!/usr/bin/env bash
# Builds the scenario engine on its own (gpu/, Release, no Qt needed) if
# needed, runs its benchmark (CPU on one thread and on all cores, CUDA when a
# device exists) and the NumPy version of the same model, and prints a table.
#
#   tests/bench/gpu/run.sh [bench_scenarios options...]
#
# Environment: CABINET_BENCH_BUILD (build directory, default
# ${TMPDIR:-/tmp}/cabinet-bench-gpu), CABINET_CUDA (AUTO/ON/OFF, default AUTO),
# PYTHON (an interpreter with NumPy; default: the first of /usr/bin/python3
# and python3 that imports numpy), CABINET_CPU_ISA (generic/avx2/avx512, to
# force a narrower CPU kernel). Numbers: docs/scenario-engine.md.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
build=${CABINET_BENCH_BUILD:-${TMPDIR:-/tmp}/cabinet-bench-gpu}
jobs=${CABINET_BENCH_JOBS:-2}

if [ ! -f "$build/build.ninja" ] && [ ! -f "$build/Makefile" ]; then
  generator=()
  command -v ninja >/dev/null && generator=(-G Ninja)
  cmake -S "$root/gpu" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
    -DCABINET_CUDA="${CABINET_CUDA:-AUTO}" >/dev/null
fi
cmake --build "$build" --target bench_scenarios -j "$jobs" >/dev/null

results=$(mktemp)
trap 'rm -f "$results"' EXIT

echo "== machine: $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ //'), $(nproc) hardware threads"
"$build/tests/bench/gpu/bench_scenarios" "$@" | tee -a "$results"

python=${PYTHON:-}
if [ -z "$python" ]; then
  for candidate in /usr/bin/python3 python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import numpy' 2>/dev/null; then
      python=$candidate
      break
    fi
  done
fi
if [ -n "$python" ]; then
  "$python" "$here/scenario_numpy.py" --scenarios 10000 --days 365 | tee -a "$results"
else
  echo "RESULT backend=numpy skipped=1 reason=\"no python3 with numpy (Debian: python3-numpy)\"" | tee -a "$results"
fi

echo
awk '
  /^RESULT/ {
    delete kv
    line = $0
    sub(/^RESULT /, "", line)
    # key=value pairs; values may be "quoted with spaces"
    while (match(line, /^[a-z_0-9]+=("[^"]*"|[^ ]*)/)) {
      pair = substr(line, 1, RLENGTH)
      eq = index(pair, "=")
      key = substr(pair, 1, eq - 1)
      value = substr(pair, eq + 1)
      gsub(/"/, "", value)
      kv[key] = value
      line = substr(line, RLENGTH + 1)
      sub(/^ +/, "", line)
    }
    n++
    backend[n] = kv["backend"]
    device[n] = kv["device"]
    skipped[n] = kv["skipped"]
    reason[n] = kv["reason"]
    size[n] = kv["scenarios"] " x " kv["days"]
    threads[n] = kv["threads"]
    ms[n] = kv["best_run_ms"]
    rate[n] = kv["run_rate"]
    per[n] = kv["run_rate_per_thread"]
    if (kv["backend"] == "numpy" && kv["skipped"] == "") numpy = kv["run_rate"]
  }
  END {
    printf "%-7s %-28s %-16s %8s %10s %14s %14s %10s\n", "backend", "device", "size", "threads", "best ms", "steps/s", "steps/s/thread", "x numpy"
    for (i = 1; i <= n; i++) {
      if (skipped[i] != "") {
        printf "%-7s skipped: %s\n", backend[i], reason[i]
        continue
      }
      ratio = (numpy > 0 && rate[i] > 0) ? sprintf("%.1f", rate[i] / numpy) : "-"
      printf "%-7s %-28s %-16s %8s %10.1f %14.3g %14.3g %10s\n", backend[i], substr(device[i], 1, 28), size[i], threads[i], ms[i], rate[i], per[i], ratio
    }
    print ""
    print "steps/s = scenario-steps per second over the whole run (simulation and statistics), best of the repeats."
  }
' "$results"
