#!/usr/bin/env bash
# Prepares .device/ (ignored by git) for a GPU machine that has nvcc and cuBLAS but no JDK, no Maven and
# no network: a jlink'd Java runtime, the smezo jar without native libraries (they are built there, with
# CUDA), and the subset of the pinned llama.cpp source that CMake needs for ggml, ggml-cuda and libllama.
# Then: device `run` with carry [".device"] and command `benchmarks/gpu/run-on-gpu.sh build` (and then
# `check`, `bench`): see run-on-gpu.sh. Everything carried must stay under 64 MiB (checked here).
# Usage: benchmarks/gpu/pack.sh [--verify]   (--verify: CMake-configures the source subset here)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
D="$ROOT/.device"
JDK="${SMEZO_PACK_JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}"
source "$ROOT/native/pin.sh"   # COMMIT, PIN_SRC
SRC="$PIN_SRC"
log() { echo "[pack] $*" >&2; }

[[ -f "$SRC/.smezo-ok" ]] || "$ROOT/native/build.sh" >/dev/null   # fetches and checks the pinned source
rm -rf "$D"; mkdir -p "$D"

# 1. The jar, without native libraries (the GPU machine builds its own, CUDA included).
log "building the jar"
(cd "$ROOT" && mvn -o -B -q -DskipTests package) >&2
python3 - "$ROOT/target/smezo.jar" "$D/smezo.jar" <<'PY'
import sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(src) as zi, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zo:
    for item in zi.infolist():
        if not item.filename.startswith("native/"):
            zo.writestr(item, zi.read(item.filename))
PY

# 2. A Java runtime with the modules the jar needs.
MODS="$("$JDK/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 25 "$D/smezo.jar" 2>/dev/null || echo java.base)"
MODS="$(echo "$MODS,java.base,jdk.unsupported" | tr ',' '\n' | sort -u | paste -sd, -)"
log "jlink $MODS"
"$JDK/bin/jlink" --add-modules "$MODS" --strip-debug --no-man-pages --no-header-files --compress=zip-9 \
    --output "$D/jdk"

# 3. The llama.cpp source subset: top-level CMake, cmake/, include/, src/ (libllama), vendor/ (added
#    unconditionally), ggml/ without the backends smezo does not build. No .git, tools, tests, examples.
log "packing the llama.cpp source subset"
tar -C "$SRC" -cJf "$D/llama-src.tar.xz" \
    --exclude='ggml/src/ggml-vulkan' --exclude='ggml/src/ggml-sycl' --exclude='ggml/src/ggml-opencl' \
    --exclude='ggml/src/ggml-metal' --exclude='ggml/src/ggml-hexagon' --exclude='ggml/src/ggml-cann' \
    --exclude='ggml/src/ggml-webgpu' --exclude='ggml/src/ggml-openvino' --exclude='ggml/src/ggml-et' \
    --exclude='ggml/src/ggml-virtgpu' --exclude='ggml/src/ggml-musa' --exclude='ggml/src/ggml-hip' \
    --exclude='ggml/src/ggml-zdnn' --exclude='ggml/src/ggml-rpc' \
    CMakeLists.txt LICENSE cmake include src vendor ggml
echo "$COMMIT" > "$D/llama-src.commit"

if [[ "${1:-}" == "--verify" ]]; then
  log "verifying: CMake configure of the subset (CPU, as run-on-gpu.sh configures it, without CUDA)"
  V="$(mktemp -d)"; mkdir -p "$V/src"; tar -C "$V/src" -xJf "$D/llama-src.tar.xz"
  cmake -S "$V/src" -B "$V/build" -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=ON -DLLAMA_OPENSSL=OFF \
      -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_SERVER=OFF -DLLAMA_BUILD_APP=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
      -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_COMMON=OFF -DGGML_NATIVE=ON >"$V/configure.log" 2>&1 \
    && log "subset configures" || { tail -20 "$V/configure.log" >&2; exit 1; }
  rm -rf "$V"
fi

du -sh "$D"/* >&2
TOTAL="$(du -sb "$D" | cut -f1)"
TREE="$(cd "$ROOT" && git ls-files -co --exclude-standard -z | xargs -0 du -cb 2>/dev/null | tail -1 | cut -f1)"
log "carry .device: $((TOTAL / 1048576)) MiB; working tree: $((TREE / 1048576)) MiB; limit 64 MiB together"
(( TOTAL + TREE < 64 * 1048576 )) || { log "too big"; exit 1; }
