#!/usr/bin/env bash
# Builds the libFuzzer CSV harness with clang (ASan + UBSan) and runs it for a bounded time.
#   tests/fuzz/run_fuzz.sh [SECONDS]        (default 60; CI passes CX_FUZZ_SECONDS)
# Works on a copy of the seed corpus (build/fuzz/corpus), so the repository is not touched;
# crashes are written as build/fuzz/crash-* and make the script fail. To keep a crash as a
# regression input, copy it into tests/fuzz/corpus/csv/ (the ctest fuzz.csv.replay runs them).
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-${CX_FUZZ_SECONDS:-60}}"
build="${CX_FUZZ_BUILD_DIR:-build/fuzz}"
if [ ! -f "$build/CMakeCache.txt" ]; then
  CC=clang cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug -DCX_BUILD_FUZZERS=ON \
    -DCX_BUILD_EXAMPLES=OFF -DCX_BUILD_TOOLS=OFF -DCX_BUILD_PYTHON=OFF -DCX_BUILD_LUA=OFF >/dev/null
fi
cmake --build "$build" -j"${CX_JOBS:-2}" --target fuzz_csv >/dev/null
work="$build/corpus"
mkdir -p "$work"
cp -n tests/fuzz/corpus/csv/* "$work"/ 2>/dev/null || true
echo "fuzzing the CSV readers for ${seconds}s"
"$build/tests/fuzz/fuzz_csv" "$work" -dict=tests/fuzz/csv.dict -max_total_time="$seconds" \
  -max_len=4096 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$build/" 2>&1 | tail -n 15
