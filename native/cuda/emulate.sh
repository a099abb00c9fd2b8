#!/usr/bin/env bash
# Host emulation test of the CUDA kernels (no GPU, no nvcc): compiles native/cuda/emulate_test.cpp with
# the kernels' __host__ __device__ code (smezo_cuda_impl.cuh) for the CPU and compares every output bit
# with libsmezo. Usage: native/cuda/emulate.sh [n_cases | --compile-only]   (libsmezo from native/build.sh, cached)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$HERE/../.."
OUT="${SMEZO_EMU_OUT:-$ROOT/target/cuda-emulate}"
NATIVE="${SMEZO_NATIVE_DIR:-$ROOT/target/native}"
[[ -f "$NATIVE/libsmezo.so" ]] || "$ROOT/native/build.sh" "$NATIVE" >&2
mkdir -p "$OUT"
# -ffp-contract=off: no FMA contraction, as in libsmezo and the kernels (--fmad=false, _rn intrinsics).
g++ -O2 -std=c++17 -ffp-contract=off -fno-math-errno -Wall -Wextra -I"$ROOT/native/src" -I"$HERE" \
    -o "$OUT/emulate_test" "$HERE/emulate_test.cpp" -L"$NATIVE" -l:libsmezo.so -Wl,-rpath,"$NATIVE"
[[ "${1:-}" == --compile-only ]] || "$OUT/emulate_test" "$@"
