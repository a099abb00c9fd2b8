#!/usr/bin/env bash
# Builds perturb_bench against libsmezo (compiled from native/src with the flags of native/build.sh)
# and prints a markdown table. Usage: benchmarks/kernels/run.sh [n_elements] [reps]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$HERE/../.."
OUT="${SMEZO_BENCH_OUT:-$ROOT/target/bench-kernels}"
mkdir -p "$OUT"
# The same flags as native/build.sh's libsmezo (which also links ggml for the custom ops' helpers).
source "$ROOT/native/pin.sh"   # PIN_SRC: the pinned tree native/build.sh keeps
SRC="$PIN_SRC"
LIBDIR="$(ls -d "${SMEZO_CACHE:-$HOME/.cache/smezo}"/build-*/bin | head -1)"
gcc -O3 -march=native -ffp-contract=off -fno-math-errno -fPIC -shared -std=c11 -Wall -Wextra -fopenmp-simd \
    -I"$SRC/ggml/include" -I"$SRC/include" -o "$OUT/libsmezo.so" "$ROOT"/native/src/*.c \
    -L"$LIBDIR" -lggml -lggml-base -lggml-cpu -lm
gcc -O2 -march=native -std=c11 -Wall -I"$ROOT/native/src" -o "$OUT/perturb_bench" "$HERE/perturb_bench.c" \
    -L"$OUT" -lsmezo -L"$LIBDIR" -lggml -lggml-base -lggml-cpu -lm -lpthread -Wl,-rpath,"$OUT:$LIBDIR"
echo "machine: $(lscpu | grep "Model name" | sed "s/Model name: *//"), $(nproc) cores; load average $(cut -d" " -f1-3 /proc/loadavg); gcc $(gcc -dumpfullversion)"
LD_LIBRARY_PATH="$OUT:$LIBDIR" "$OUT/perturb_bench" "$@"
