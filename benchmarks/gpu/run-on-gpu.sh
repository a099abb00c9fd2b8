#!/usr/bin/env bash
# Runs on the GPU machine (device tool), from the repository root, with .device/ carried (made here by
# benchmarks/gpu/pack.sh). Phases, one per device call (each call is limited to 10 minutes; the machine
# stays warm only ~30 s between calls, and what a phase leaves under .device/ is kept while warm):
#
#   build   extract the llama.cpp subset, build ggml + ggml-cuda (patched, sm_90, -j16) + libllama +
#           libsmezo + libsmezo_cuda with native/build.sh SMEZO_CUDA=1, then the native check programs.
#           Resumable: if the call is cut at its limit, call `build` again at once (make continues).
#   check   bit-exactness of the CUDA kernels and of the ops through ggml-cuda against the CPU
#           (native/cuda/gpu_check), the host emulation test, kernel throughput, then the Java layer on the
#           GPU (dev.smezo.bench.CudaCheck: op, forward logits GPU vs CPU, 20 S-MeZO steps CPU vs GPU),
#           with the patched default (F16 GEMMs accumulate in F32), with ggml's own half accumulation
#           (GGML_CUDA_F16_ACCUMULATE=f16) and with F32 GEMMs throughout (GGML_CUDA_CUBLAS_COMPUTE_TYPE=f32).
#   bench   `smezo bench --shape ... --device cuda` at the paper's batch (16 x 128): the LLaMA-7B shape in
#           F16 (step / 2 forwards) and the LLaMA-30B shape in F16 (60 layers, built in host memory, uploaded
#           once: device memory in use over the weights, step time). JSON per model.
#   bench-native  native/cuda/llama_bench, the same graphs from C (no JVM): a cross-check.
#   all     build, check and bench (only if the build is already cached: it will not fit in one call).
#   env     only detect and print the CUDA installation (nvcc, cuBLAS, libcuda, GPU).
#
# Every figure goes to $OUT (at most 8 files come back): build.txt, check.txt, java.txt, bench.txt,
# bench-7b.json, bench-30b.json, bench-native.txt, env.txt.
# Example device call: run(command="benchmarks/gpu/run-on-gpu.sh build", carry=[".device"], timeout_s=600)
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
PHASE="${1:-all}"
OUT="${OUT:-$ROOT/.device/out}"; mkdir -p "$OUT"
D="$ROOT/.device"
export SMEZO_CACHE="$D/cache"
NATIVE="$D/native-cuda"
BIN="$D/bin"
source "$ROOT/native/pin.sh"   # COMMIT, PIN_SRC
JOBS="${SMEZO_JOBS:-$(nproc)}"
say() { echo "== $*"; }

# ---- the CUDA installation: nvcc, cudart, cuBLAS (toolkit or the pip wheel), libcuda ----
cuda_env() {
  # CUDA_HOME: the environment's, else /usr/local/cuda, else where the nvcc on PATH really lives
  if [[ -z "${CUDA_HOME:-}" || ! -x "${CUDA_HOME:-}/bin/nvcc" ]]; then
    if [[ -x /usr/local/cuda/bin/nvcc ]]; then CUDA_HOME=/usr/local/cuda
    else
      local n; n="$(readlink -f "$(command -v nvcc)" 2>/dev/null)"
      [[ -n "$n" ]] || { echo "no nvcc"; return 1; }
      CUDA_HOME="$(cd "$(dirname "$n")/.." && pwd)"
    fi
  fi
  NVCC="$CUDA_HOME/bin/nvcc"
  export CUDA_HOME PATH="$CUDA_HOME/bin:$PATH"
  LIBDIRS=("$CUDA_HOME/lib64" "$CUDA_HOME/lib" "$CUDA_HOME/targets/x86_64-linux/lib")
  EXTRA=""
  CUBLAS_H="$(ls "$CUDA_HOME"/include/cublas_v2.h "$CUDA_HOME"/targets/x86_64-linux/include/cublas_v2.h 2>/dev/null | head -1)"
  if [[ -z "$CUBLAS_H" ]]; then
    # cuBLAS from the nvidia-cublas Python wheel (include/ and lib/ side by side)
    CUBLAS_H="$(find /opt /usr/local /usr/lib -path '*nvidia/cublas/include/cublas_v2.h' 2>/dev/null | head -1)"
    [[ -n "$CUBLAS_H" ]] || { echo "no cublas_v2.h found"; return 1; }
    CB="$(dirname "$(dirname "$CUBLAS_H")")"
    LIBDIRS+=("$CB/lib")
    EXTRA+=" -DCUDA_cublas_LIBRARY=$(ls "$CB"/lib/libcublas.so* | head -1)"
    EXTRA+=" -DCUDA_cublasLt_LIBRARY=$(ls "$CB"/lib/libcublasLt.so* | head -1)"
    EXTRA+=" -DCMAKE_CUDA_FLAGS=-I$CB/include"
  fi
  if ! ls "$CUDA_HOME"/lib64/stubs/libcuda.so "$CUDA_HOME"/lib64/libcuda.so "$CUDA_HOME"/targets/x86_64-linux/lib/stubs/libcuda.so >/dev/null 2>&1; then
    LIBCUDA="$(ldconfig -p 2>/dev/null | awk '/libcuda\.so(\.1)? /{print $NF; exit}')"
    [[ -n "$LIBCUDA" ]] || LIBCUDA="$(ls /usr/local/nvidia/lib64/libcuda.so* /usr/lib/x86_64-linux-gnu/libcuda.so* 2>/dev/null | head -1)"
    if [[ -n "$LIBCUDA" ]]; then EXTRA+=" -DCUDA_cuda_driver_LIBRARY=$LIBCUDA"; else EXTRA+=" -DGGML_CUDA_NO_VMM=ON"; fi
  fi
  export SMEZO_CMAKE_EXTRA="${EXTRA# }"
  local ld; ld="$(IFS=:; echo "${LIBDIRS[*]}")"
  export LD_LIBRARY_PATH="$NATIVE:$ld:/usr/local/nvidia/lib64:${LD_LIBRARY_PATH:-}"
  {
    echo "nvcc $NVCC"; "$NVCC" --version | tail -2
    echo "cublas_v2.h $CUBLAS_H"; echo "SMEZO_CMAKE_EXTRA $SMEZO_CMAKE_EXTRA"; echo "LD_LIBRARY_PATH $LD_LIBRARY_PATH"
    nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>&1
    echo "cores $(nproc)"; command -v ccache cmake ninja gcc | tr '\n' ' '; echo
  } > "$OUT/env.txt" 2>&1
}

phase_build() {
  say "build ($JOBS jobs)"
  SRC="$PIN_SRC"
  if [[ ! -f "$SRC/.smezo-ok" ]]; then
    [[ "$(cat "$D/llama-src.commit" 2>/dev/null)" == "$COMMIT" ]] || { echo "no .device/llama-src.tar.xz for $COMMIT: run pack.sh"; return 1; }
    mkdir -p "$SRC.tmp" && tar -C "$SRC.tmp" -xJf "$D/llama-src.tar.xz" && rm -rf "$SRC" && mv "$SRC.tmp" "$SRC" && touch "$SRC/.smezo-ok"
  fi
  local t0=$SECONDS
  SMEZO_CUDA=1 SMEZO_JOBS="$JOBS" native/build.sh "$NATIVE" > "$OUT/build.txt" 2>&1
  local rc=$?
  echo "native/build.sh rc $rc in $((SECONDS - t0)) s" | tee -a "$OUT/build.txt"
  [[ $rc == 0 ]] || { tail -40 "$OUT/build.txt"; cat "$(ls -d "$SMEZO_CACHE"/build-*/ | head -1)/build.log" 2>/dev/null | grep -iE "error" | head -20; return 1; }
  ls -la "$NATIVE" >> "$OUT/build.txt"
  local INC=(-Inative/src -Inative/cuda -I"$(cat "$NATIVE/source-dir.txt")/ggml/include")
  mkdir -p "$BIN"
  gcc -std=c11 -O2 -Wall "${INC[@]}" -I"$CUDA_HOME/include" -I"$CUDA_HOME/targets/x86_64-linux/include" -o "$BIN/gpu_check" native/cuda/gpu_check.c \
      -L"$NATIVE" -lsmezo_cuda -l:libsmezo.so -l:libggml-cuda.so.0 -l:libggml.so.0 -l:libggml-base.so.0 \
      -L"$CUDA_HOME/lib64" -L"$CUDA_HOME/targets/x86_64-linux/lib" -lcudart -lm -Wl,-rpath,"$NATIVE" \
    && gcc -std=c11 -O2 -Wall -DSMEZO_WITH_CUDA "${INC[@]}" -o "$BIN/llama_bench" native/cuda/llama_bench.c \
      -L"$NATIVE" -lsmezo_cuda -l:libsmezo.so -l:libggml-cuda.so.0 -l:libggml.so.0 -l:libggml-base.so.0 \
      -l:libggml-cpu.so.0 -lm -Wl,-rpath,"$NATIVE" \
    && SMEZO_NATIVE_DIR="$NATIVE" SMEZO_EMU_OUT="$BIN" native/cuda/emulate.sh --compile-only \
    && echo "check programs built" | tee -a "$OUT/build.txt"
}

phase_check() {
  say "native checks"
  {
    echo "## emulation (host, the kernels' code vs libsmezo)"; "$BIN/emulate_test" 300 2>&1 | tail -3
    echo "## gpu_check (CUDA kernels and ggml-cuda ops vs libsmezo, bit for bit; throughput)"
    "$BIN/gpu_check" --bench 2>&1
  } > "$OUT/check.txt"
  cat "$OUT/check.txt"
  say "Java layer on the GPU"
  local JAVA=("$D/jdk/bin/java" --enable-native-access=ALL-UNNAMED -Xmx96g -Dsmezo.native.dir="$NATIVE" -cp "$D/smezo.jar" dev.smezo.bench.CudaCheck)
  {
    echo "## CudaCheck tiny (patched default: F16 GEMMs accumulate in F32)"; "${JAVA[@]}" --shape tiny --steps 20 2>&1
    echo "## CudaCheck llama-7b widths, 2 layers, F16 (patched default: F32 accumulation)"
    "${JAVA[@]}" --shape llama-7b --layers 2 --steps 20 --seqs 2 --len 128 2>&1
    echo "## the same with ggml's half accumulation (GGML_CUDA_F16_ACCUMULATE=f16)"
    GGML_CUDA_F16_ACCUMULATE=f16 "${JAVA[@]}" --shape llama-7b --layers 2 --steps 20 --seqs 2 --len 128 2>&1
    echo "## the same with F32 GEMMs throughout (GGML_CUDA_CUBLAS_COMPUTE_TYPE=f32)"
    GGML_CUDA_CUBLAS_COMPUTE_TYPE=f32 "${JAVA[@]}" --shape llama-7b --layers 2 --steps 20 --seqs 2 --len 128 2>&1
  } > "$OUT/java.txt"
  grep -E "passed|FAILED|forward c=|train_|device " "$OUT/java.txt"
}

phase_bench() {
  say "smezo bench on the GPU (models built in memory: the 30B shape is 61 GiB, the disk 64 GiB)"
  local JAVA=("$D/jdk/bin/java" --enable-native-access=ALL-UNNAMED -Xmx8g -Dsmezo.native.dir="$NATIVE" -jar "$D/smezo.jar")
  local COMMON=(--type f16 --batch 16 --seq 128 --device cuda --json)
  {
    echo "## ${JAVA[*]} bench --shape llama-7b ${COMMON[*]} --runs 5 --steps 5"
    "${JAVA[@]}" bench --shape llama-7b "${COMMON[@]}" --runs 5 --steps 5 > "$OUT/bench-7b.json"
    echo "rc $?"; cat "$OUT/bench-7b.json"
    echo "## ${JAVA[*]} bench --shape llama-30b ${COMMON[*]} --runs 3 --steps 3"
    "${JAVA[@]}" bench --shape llama-30b "${COMMON[@]}" --runs 3 --steps 3 > "$OUT/bench-30b.json"
    echo "rc $?"; cat "$OUT/bench-30b.json"
  } > "$OUT/bench.txt" 2>&1
  grep -E "^## |^rc |step_over_two_forwards|device_used_over_weights" "$OUT/bench.txt"
}

# The native C driver of the same graphs (no JVM), kept as a cross-check of the Java figures.
phase_bench_native() {
  say "llama_bench"
  local LB="$BIN/llama_bench"
  {
    echo "## 7B shape F16, 16 x 128 tokens, 64 outputs, W_eff ordered by dependency"; $LB --backend cuda --shape 7b --seqs 16 --len 128 --outputs 64 --steps 5 --dep 1
    echo "## 30B shape F16 (60 layers), 16 x 128 tokens"; $LB --backend cuda --shape 30b --seqs 16 --len 128 --outputs 64 --steps 5 --dep 1
    echo "## 30B shape, plan only without the dependency"; $LB --backend cuda --shape 30b --seqs 16 --len 128 --outputs 64 --dep 0 --plan
  } > "$OUT/bench-native.txt" 2>&1
  grep -vE "^step " "$OUT/bench-native.txt"
}

cuda_env || { cat "$OUT/env.txt" 2>/dev/null; exit 1; }
cat "$OUT/env.txt"
case "$PHASE" in
  env) ;;
  build) phase_build ;;
  check) phase_check ;;
  bench) phase_bench ;;
  bench-native) phase_bench_native ;;
  all) phase_build && phase_check && phase_bench ;;
  *) echo "usage: $0 env|build|check|bench|bench-native|all"; exit 2 ;;
esac
