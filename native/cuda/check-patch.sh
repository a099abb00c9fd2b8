#!/usr/bin/env bash
# Checks, on a machine with nvcc but without cuBLAS or a GPU, that native/patches/*.patch applies to the
# pinned llama.cpp and that the patched ggml-cuda.cu compiles for sm_90 with ggml's own CUDA flags
# (CMake configured with GGML_CUDA=ON; cuBLAS and libcuda replaced by COMPILE-ONLY stubs:
# native/cuda/stub/cublas_v2.h and empty libraries). Also compiles libsmezo_cuda's sources.
# Nothing built here is linked into smezo or run. Usage: native/cuda/check-patch.sh   (~1 min)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/../pin.sh"   # PIN_SRC
SRC="$PIN_SRC"
[[ -f "$SRC/.smezo-ok" ]] || { echo "no pinned source at $SRC: run native/build.sh first" >&2; exit 1; }
W="${SMEZO_CHECK_DIR:-/tmp/smezo-check-patch}"
rm -rf "$W"; mkdir -p "$W/stublib"
echo "== git apply --check (pristine tree)"
(cd "$SRC" && GIT_CEILING_DIRECTORIES="$(dirname "$SRC")" git apply --check "$HERE"/../patches/*.patch)
cp -a "$SRC/." "$W/tree"
for p in "$HERE"/../patches/*.patch; do (cd "$W/tree" && GIT_CEILING_DIRECTORIES="$W" git apply "$p"); done
echo 'void smezo_stub(void) {}' > "$W/stublib/s.c"
for l in cublas cublasLt cuda; do gcc -shared -fPIC -o "$W/stublib/lib$l.so" "$W/stublib/s.c"; done
echo "== cmake configure, GGML_CUDA=ON sm_90, stub cuBLAS/libcuda"
cmake -S "$W/tree" -B "$W/build" -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=ON -DLLAMA_OPENSSL=OFF \
  -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_SERVER=OFF -DLLAMA_BUILD_APP=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
  -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_COMMON=OFF -DGGML_NATIVE=ON -DGGML_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=90 \
  -DGGML_CUDA_NCCL=OFF -DGGML_CUDA_FA=OFF -DCUDA_cublas_LIBRARY="$W/stublib/libcublas.so" \
  -DCUDA_cublasLt_LIBRARY="$W/stublib/libcublasLt.so" -DCUDA_cuda_driver_LIBRARY="$W/stublib/libcuda.so" \
  "-DCMAKE_CUDA_FLAGS=-I$HERE/stub" > "$W/configure.log" 2>&1 || { tail -30 "$W/configure.log"; exit 1; }
echo "== compile the patched ggml-cuda.cu (ggml's flags, incl. GGML_CUDA_USE_GRAPHS)"
make -C "$W/build/ggml/src/ggml-cuda" ggml-cuda.cu.o > "$W/compile.log" 2>&1 || { tail -30 "$W/compile.log"; exit 1; }
SYMS="$(nm -C "$W/build/ggml/src/ggml-cuda/CMakeFiles/ggml-cuda.dir/ggml-cuda.cu.o")"
grep "T ggml_backend_cuda_register_custom_op" <<<"$SYMS" || { echo "register function missing"; exit 1; }
echo "== compile libsmezo_cuda (sm_90, --fmad=false)"
nvcc -O3 -std=c++17 -arch=sm_90 --fmad=false -Xcompiler -fPIC,-Wall,-Wextra -I"$HERE/../src" -I"$HERE" \
  -I"$W/tree/ggml/include" -c "$HERE/smezo_cuda.cu" -o "$W/smezo_cuda.o"
nvcc -O3 -std=c++17 -arch=sm_90 --fmad=false -I"$HERE/../src" -I"$HERE" -I"$W/tree/ggml/include" -ptx \
  "$HERE/smezo_cuda.cu" -o "$W/smezo_cuda.ptx"
echo "PTX: $(grep -cE '\bfma\.' "$W/smezo_cuda.ptx") fma, $(grep -c 'ftz' "$W/smezo_cuda.ptx") ftz, $(grep -c 'div.rn.f32' "$W/smezo_cuda.ptx") div.rn, $(grep -c 'sqrt.rn.f32' "$W/smezo_cuda.ptx") sqrt.rn"
echo "patch check ok"
