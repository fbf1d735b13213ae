#!/usr/bin/env bash
# Builds every libFuzzer harness (tests/fuzz/fuzz_<name>.c) with clang (ASan + UBSan) and runs
# each for a bounded time, the total split between them.
#   tests/fuzz/run_fuzz.sh [SECONDS]     (total; default 60; CI passes CX_FUZZ_SECONDS)
#   CX_FUZZ_ONLY=csv tests/fuzz/run_fuzz.sh 60    (one harness)
# Works on copies of the seed corpora (build/fuzz/corpus/<name>), so the repository is not
# touched; crashes are written as build/fuzz/crash-* and make the script fail. To keep a crash
# as a regression input, copy it into tests/fuzz/corpus/<name>/ (ctest fuzz.<name>.replay).
set -euo pipefail
cd "$(dirname "$0")/../.."
total="${1:-${CX_FUZZ_SECONDS:-60}}"
build="${CX_FUZZ_BUILD_DIR:-build/fuzz}"
names=()
for src in tests/fuzz/fuzz_*.c; do
  n="$(basename "$src" .c)"; n="${n#fuzz_}"
  if [ -z "${CX_FUZZ_ONLY:-}" ] || [ "$CX_FUZZ_ONLY" = "$n" ]; then names+=("$n"); fi
done
[ "${#names[@]}" -gt 0 ] || { echo "no fuzz harness selected" >&2; exit 2; }
if [ ! -f "$build/CMakeCache.txt" ]; then
  CC=clang cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug -DCX_BUILD_FUZZERS=ON \
    -DCX_BUILD_EXAMPLES=OFF -DCX_BUILD_TOOLS=OFF -DCX_BUILD_PYTHON=OFF -DCX_BUILD_LUA=OFF >/dev/null
fi
each=$(( total / ${#names[@]} )); [ "$each" -ge 1 ] || each=1
for n in "${names[@]}"; do
  cmake --build "$build" -j"${CX_JOBS:-2}" --target "fuzz_$n" >/dev/null
  work="$build/corpus/$n"
  mkdir -p "$work"
  if [ -d "tests/fuzz/corpus/$n" ]; then cp -n "tests/fuzz/corpus/$n"/* "$work"/ 2>/dev/null || true; fi
  dict=()
  if [ -f "tests/fuzz/$n.dict" ]; then dict=(-dict="tests/fuzz/$n.dict"); fi
  echo "=== fuzz_$n for ${each}s"
  "$build/tests/fuzz/fuzz_$n" "$work" "${dict[@]}" -max_total_time="$each" -max_len=4096 \
    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$build/" 2>&1 | tail -n 8
done
