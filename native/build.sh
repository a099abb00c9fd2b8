#!/usr/bin/env bash
# Builds smezo's native layer: ggml + libllama from the pinned llama.cpp source, and libsmezo
# (our own kernels), then copies the shared libraries into $1 (default target/native).
#
# The pinned source (native/pin.sh) is the npm package node-llama-cpp@3.22.1, whose
# llama/gitRelease.bundle is llama.cpp commit de3ff815... (ggml 0.25.1). Both the tarball and the
# bundle are checked by sha256 before use.
#
# Everything expensive is cached under ${SMEZO_CACHE:-~/.cache/smezo}, keyed by the source pin, the
# CMake options, the patches and this script, so a rebuild with nothing changed takes seconds.
#
# Environment:
#   SMEZO_CUDA=1        also build ggml's CUDA backend (needs nvcc and cuBLAS; sm_${SMEZO_CUDA_ARCH:-90}), patched by
#                       native/patches/*.patch, and libsmezo_cuda (native/cuda); without SMEZO_TOOLS it builds
#                       only ggml, libllama and libllama-common (no tools or examples), and no FlashAttention
#                       kernels unless SMEZO_CUDA_FA=1 (smezo's graphs do not use them; they are most of the build time)
#   SMEZO_CMAKE_EXTRA   extra CMake arguments, word-split (e.g. cuBLAS or libcuda paths on an unusual install)
#   SMEZO_TOOLS="..."   extra llama.cpp targets to build (benchmarks use llama-perplexity, llama-finetune)
#   SMEZO_JOBS=N        parallel build jobs (default: nproc)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="${1:-$HERE/../target/native}"
CACHE="${SMEZO_CACHE:-$HOME/.cache/smezo}"
JOBS="${SMEZO_JOBS:-$(nproc)}"
CUDA="${SMEZO_CUDA:-0}"
CUDA_ARCH="${SMEZO_CUDA_ARCH:-90}"
PORTABLE="${SMEZO_PORTABLE:-0}"

# shellcheck source=native/pin.sh
source "$HERE/pin.sh"   # NPM_PKG, TGZ_NAME, TGZ_SHA256, BUNDLE_SHA256, COMMIT

log() { echo "[native] $*" >&2; }
die() { echo "[native] error: $*" >&2; exit 1; }
sha() { sha256sum "$1" | cut -d' ' -f1; }

mkdir -p "$CACHE" "$OUT"

# 1. The pinned source tree (shared by every build configuration).
SRC="$PIN_SRC"
if [[ ! -f "$SRC/.smezo-ok" ]]; then
  DL="$CACHE/download"; mkdir -p "$DL"
  if [[ ! -f "$DL/$TGZ_NAME" ]] || [[ "$(sha "$DL/$TGZ_NAME")" != "$TGZ_SHA256" ]]; then
    command -v npm >/dev/null || die "npm is needed to fetch $NPM_PKG from the npm registry"
    log "fetching $NPM_PKG from the npm registry"
    (cd "$DL" && rm -f "$TGZ_NAME" && npm pack --silent "$NPM_PKG" >/dev/null)
  fi
  [[ "$(sha "$DL/$TGZ_NAME")" == "$TGZ_SHA256" ]] || die "$DL/$TGZ_NAME: sha256 mismatch (expected $TGZ_SHA256)"
  tar -xzf "$DL/$TGZ_NAME" -C "$DL" package/llama/gitRelease.bundle
  [[ "$(sha "$DL/package/llama/gitRelease.bundle")" == "$BUNDLE_SHA256" ]] \
    || die "gitRelease.bundle: sha256 mismatch (expected $BUNDLE_SHA256)"
  rm -rf "$SRC.tmp"
  git clone --quiet "$DL/package/llama/gitRelease.bundle" "$SRC.tmp" 2>/dev/null
  (cd "$SRC.tmp" && git -c advice.detachedHead=false checkout --quiet "$COMMIT" 2>/dev/null || true)
  [[ "$(git -C "$SRC.tmp" rev-parse HEAD)" == "$COMMIT" || -f "$SRC.tmp/CMakeLists.txt" ]] || die "bundle does not hold $COMMIT"
  rm -rf "$SRC"; mv "$SRC.tmp" "$SRC"; touch "$SRC/.smezo-ok"
fi

# 2. ggml + libllama, one build directory per configuration.
CMAKE_OPTS=(-DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=ON -DLLAMA_OPENSSL=OFF -DLLAMA_BUILD_TESTS=OFF
  -DLLAMA_BUILD_SERVER=OFF -DLLAMA_BUILD_APP=OFF -DLLAMA_BUILD_EXAMPLES=ON -DLLAMA_BUILD_TOOLS=ON
  -DGGML_NATIVE=ON -DCMAKE_BUILD_WITH_INSTALL_RPATH=ON "-DCMAKE_INSTALL_RPATH=\$ORIGIN")
PATCHES=()
if [[ "$PORTABLE" == 1 ]]; then
  # As llama.cpp builds its release binaries: every x86-64 CPU variant as a dynamically loaded backend
  # (libggml-cpu-<variant>.so), the best one for the running CPU chosen at start (NativeLibraries); the
  # rest of ggml, libllama and libllama-common for baseline x86-64.
  CMAKE_OPTS=("${CMAKE_OPTS[@]/-DGGML_NATIVE=ON/-DGGML_NATIVE=OFF}" -DGGML_BACKEND_DL=ON -DGGML_CPU_ALL_VARIANTS=ON)
  [[ -n "${SMEZO_TOOLS:-}" ]] || CMAKE_OPTS+=(-DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=OFF)
fi
if [[ "$CUDA" == 1 ]]; then
  CMAKE_OPTS+=(-DGGML_CUDA=ON "-DCMAKE_CUDA_ARCHITECTURES=$CUDA_ARCH" -DGGML_CUDA_NCCL=OFF)
  [[ "${SMEZO_CUDA_FA:-0}" == 1 ]] || CMAKE_OPTS+=(-DGGML_CUDA_FA=OFF)
  # common stays on: libsmezo's chat templates need libllama-common (~2 min of the build on 2 cores)
  [[ -n "${SMEZO_TOOLS:-}" ]] || CMAKE_OPTS+=(-DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=OFF)
  PATCHES=("$HERE"/patches/*.patch)
fi
# shellcheck disable=SC2206
[[ -n "${SMEZO_CMAKE_EXTRA:-}" ]] && CMAKE_OPTS+=(${SMEZO_CMAKE_EXTRA})
KEY="$( { echo "$COMMIT ${CMAKE_OPTS[*]}"; [[ "$PORTABLE" == 1 ]] || grep -m1 -o 'avx512[a-z]*' /proc/cpuinfo | sort -u; \
          for p in "${PATCHES[@]}"; do [[ -f "$p" ]] && cat "$p"; done; } | sha256sum | cut -c1-16)"
BUILD="$CACHE/build-$KEY"
# llama-common: llama.cpp's chat templates (common/chat.cpp, its Jinja engine), as llama-server renders them
TARGETS=(ggml llama llama-common ${SMEZO_TOOLS:-})
# Patches apply to a private copy of the tree so the shared source stays pristine.
TREE="$SRC"
[[ ${#PATCHES[@]} -gt 0 && -f "${PATCHES[0]}" ]] && TREE="$BUILD/src"
if [[ ! -f "$BUILD/.configured" ]]; then
  log "configuring ggml/llama.cpp ($BUILD); the first build takes several minutes"
  rm -rf "$BUILD"; mkdir -p "$BUILD"
  if [[ "$TREE" != "$SRC" ]]; then
    cp -a "$SRC" "$TREE"
    # The ceiling keeps git from taking an enclosing repository (the cache may live inside one) for the
    # tree's: paths in the patch are relative to the tree.
    for p in "${PATCHES[@]}"; do
      log "applying $(basename "$p")"
      (cd "$TREE" && GIT_CEILING_DIRECTORIES="$(dirname "$TREE")" git apply "$p") || die "patch $(basename "$p") does not apply"
    done
  fi
  cmake -S "$TREE" -B "$BUILD" "${CMAKE_OPTS[@]}" >"$BUILD/configure.log" 2>&1 \
    || { tail -30 "$BUILD/configure.log" >&2; die "cmake configure failed (log: $BUILD/configure.log)"; }
  touch "$BUILD/.configured"
fi
STAMP="$BUILD/.built-$(echo "${TARGETS[*]}" | sha256sum | cut -c1-8)"
if [[ ! -f "$STAMP" ]]; then
  log "building ${TARGETS[*]} with $JOBS jobs"
  cmake --build "$BUILD" -j "$JOBS" --target "${TARGETS[@]}" >"$BUILD/build.log" 2>&1 \
    || { tail -40 "$BUILD/build.log" >&2; die "build failed (log: $BUILD/build.log)"; }
  touch "$STAMP"
fi
LIBDIR="$BUILD/bin"

# 3. libsmezo: our kernels, linked against ggml so it can implement ggml custom ops; and a C++ shim over
# llama.cpp's chat templates (src/*.cpp, linked against libllama-common). Portable in every build: the
# kernels (smezo_kernels.c, smezo_quant.c) are compiled once per instruction set and chosen at load
# (src/smezo_isa.h); everything else for baseline x86-64. It does not link the CPU backend (a portable
# build loads that at run time).
KERNEL_SRCS=("$HERE/src/smezo_kernels.c" "$HERE/src/smezo_quant.c")
SMEZO_SRCS=()
for f in "$HERE"/src/*.c; do [[ " ${KERNEL_SRCS[*]} " == *" $f "* ]] || SMEZO_SRCS+=("$f"); done
SMEZO_CXX=("$HERE"/src/*.cpp)
INC=(-I"$TREE/ggml/include" -I"$TREE/include")
# -ffp-contract=off: no fused multiply-add, so the kernels agree bit for bit with the Java reference.
CFLAGS=(-O3 -ffp-contract=off -fno-math-errno -fPIC -std=c11 -Wall -Wextra -fopenmp-simd "${INC[@]}")
ISAS=("_avx512 -march=x86-64-v4" "_avx2 -march=x86-64-v3" "_c -march=x86-64 -mtune=generic")
SMEZO_KEY="$( { cat "$HERE"/src/*.c "${SMEZO_CXX[@]}" "$HERE"/src/*.h 2>/dev/null; echo "$KEY ${CFLAGS[*]} ${ISAS[*]}"; } \
              | sha256sum | cut -c1-16)"
SMEZO_SO="$CACHE/libsmezo-$SMEZO_KEY.so"
if [[ ! -f "$SMEZO_SO" ]]; then
  log "compiling libsmezo"
  OBJDIR="$(mktemp -d)"
  for f in "${SMEZO_CXX[@]}"; do
    # -isystem: the common headers define unused static helpers; their warnings are not ours
    g++ -O2 -std=c++17 -fPIC -Wall -Wextra -march=x86-64 -mtune=generic "${INC[@]}" -isystem "$TREE/common" \
        -isystem "$TREE/src" -c "$f" -o "$OBJDIR/$(basename "$f" .cpp).o" \
      || { rm -rf "$OBJDIR"; die "$(basename "$f") failed to compile"; }
  done
  for isa in "${ISAS[@]}"; do
    read -r suffix march <<<"$isa"
    for f in "${KERNEL_SRCS[@]}"; do
      gcc "${CFLAGS[@]}" $march -DSMZ_ISA="$suffix" -c "$f" -o "$OBJDIR/$(basename "$f" .c)$suffix.o" \
        || { rm -rf "$OBJDIR"; die "$(basename "$f") ($suffix) failed to compile"; }
    done
  done
  gcc "${CFLAGS[@]}" -march=x86-64 -mtune=generic -shared -o "$SMEZO_SO.tmp.$$" "${SMEZO_SRCS[@]}" "$OBJDIR"/*.o \
      -L"$LIBDIR" -lllama-common -lllama -lggml -lggml-base -lstdc++ -lm -lpthread -Wl,--no-undefined \
      -Wl,-rpath,'$ORIGIN' \
    || { rm -rf "$OBJDIR"; die "libsmezo failed to link"; }
  rm -rf "$OBJDIR"
  mv "$SMEZO_SO.tmp.$$" "$SMEZO_SO"
fi

# 3b. libsmezo_cuda: the CUDA twins of libsmezo's ops, registered with the patched ggml-cuda. Its own
# flags: --fmad=false and no fast math (the ops must equal libsmezo bit for bit; ggml-cuda itself is
# built with --use_fast_math), the shared cudart (the one ggml-cuda uses).
if [[ "$CUDA" == 1 ]]; then
  CU_SRCS=("$HERE"/cuda/*.cu)
  CU_KEY="$( { cat "${CU_SRCS[@]}" "$HERE"/cuda/*.h "$HERE"/cuda/*.cuh; echo "$SMEZO_KEY $CUDA_ARCH"; } | sha256sum | cut -c1-16)"
  SMEZO_CUDA_SO="$CACHE/libsmezo_cuda-$CU_KEY.so"
  if [[ ! -f "$SMEZO_CUDA_SO" ]]; then
    log "compiling libsmezo_cuda (sm_$CUDA_ARCH)"
    LINKDIR="$(mktemp -d)"; ln -s "$SMEZO_SO" "$LINKDIR/libsmezo.so"   # DT_NEEDED libsmezo.so, found by $ORIGIN
    nvcc -O3 -std=c++17 -arch="sm_$CUDA_ARCH" --fmad=false -cudart shared -Xcompiler -fPIC,-Wall -shared \
        -I"$HERE/src" -I"$HERE/cuda" -I"$TREE/ggml/include" -o "$SMEZO_CUDA_SO.tmp.$$" "${CU_SRCS[@]}" \
        -L"$LIBDIR" -lggml-cuda -lggml-base -L"$LINKDIR" -lsmezo -Xlinker -rpath -Xlinker '$ORIGIN' \
      || { rm -rf "$LINKDIR"; die "libsmezo_cuda failed to compile"; }
    rm -rf "$LINKDIR"
    mv "$SMEZO_CUDA_SO.tmp.$$" "$SMEZO_CUDA_SO"
  fi
fi

# 4. Collect the libraries (real files, soname names) for the jar.
rm -rf "$OUT"; mkdir -p "$OUT"
LIBS=(libggml-base libggml libllama libllama-common)
[[ "$PORTABLE" == 1 ]] || LIBS+=(libggml-cpu)
[[ "$CUDA" == 1 ]] && LIBS+=(libggml-cuda)
for lib in "${LIBS[@]}"; do
  f="$(ls "$LIBDIR/$lib.so".* 2>/dev/null | head -1 || true)"; [[ -n "$f" ]] || f="$LIBDIR/$lib.so"
  [[ -f "$f" ]] || die "missing $lib.so in $LIBDIR"
  soname="$(objdump -p "$f" | awk '/SONAME/{print $2}')"; cp -L "$f" "$OUT/${soname:-$lib.so}"
done
if [[ "$PORTABLE" == 1 ]]; then
  # The CPU variants are modules loaded by path (no soname); NativeLibraries picks one at start.
  n=0; for f in "$LIBDIR"/libggml-cpu-*.so; do [[ -f "$f" ]] && { cp -L "$f" "$OUT/"; n=$((n + 1)); }; done
  (( n > 0 )) || die "no libggml-cpu-<variant>.so in $LIBDIR"
fi
cp "$SMEZO_SO" "$OUT/libsmezo.so"
[[ "$CUDA" == 1 ]] && cp "$SMEZO_CUDA_SO" "$OUT/libsmezo_cuda.so"
GGML_VERSION="$(sed -n 's/^ *set(GGML_VERSION_\(MAJOR\|MINOR\|PATCH\) *\([0-9]*\).*/\2/p' "$TREE/ggml/CMakeLists.txt" | paste -sd.)"
{ echo "llama.cpp $COMMIT"; echo "ggml ${GGML_VERSION:-?}"; echo "flavour $([[ "$PORTABLE" == 1 ]] && echo portable || echo native)"
  echo "cuda $CUDA"; } > "$OUT/build-info.txt"
# The index the jar's loader reads: a content key (so a run finds its extracted copy without reading
# or hashing the libraries again), then the file names in load order's superset.
NAMES="$(cd "$OUT" && ls)"
LIBKEY="$(cd "$OUT" && sha256sum $NAMES | sha256sum | cut -c1-20)"
{ echo "key $LIBKEY"; echo "$NAMES"; } > "$OUT/libraries.txt"
echo "$LIBDIR" > "$OUT/build-dir.txt"
echo "$TREE" > "$OUT/source-dir.txt"   # the (patched) source the libraries were built from; tests read its headers
log "native libraries ready in $OUT"
