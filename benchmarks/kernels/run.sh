#!/usr/bin/env bash
# Builds perturb_bench against libsmezo (native/build.sh's, cached in target/native)
# and prints a markdown table. Usage: benchmarks/kernels/run.sh [n_elements] [reps]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$HERE/../.."
OUT="${SMEZO_BENCH_OUT:-$ROOT/target/bench-kernels}"
mkdir -p "$OUT"
# libsmezo as native/build.sh builds it (every ISA, dispatched at load; it needs libllama's symbols, so
# it is linked where the build put it, beside libllama and ggml) rather than recompiled here.
NATIVE="${SMEZO_NATIVE_DIR:-$ROOT/target/native}"
[[ -f "$NATIVE/libsmezo.so" ]] || "$ROOT/native/build.sh" "$NATIVE" >&2
gcc -O2 -march=native -std=c11 -Wall -I"$ROOT/native/src" -o "$OUT/perturb_bench" "$HERE/perturb_bench.c" \
    -L"$NATIVE" -l:libsmezo.so -lm -lpthread -Wl,-rpath,"$NATIVE"
echo "machine: $(lscpu | grep "Model name" | sed "s/Model name: *//"), $(nproc) cores; load average $(cut -d" " -f1-3 /proc/loadavg); gcc $(gcc -dumpfullversion)"
"$OUT/perturb_bench" "$@"
