#!/usr/bin/env bash
# Builds smezo's one-file distribution (`./smezo dist [--cuda]`):
#   target/dist/smezo-VERSION-linux-x86_64          one executable file (a shell header + a .tar.gz)
#   target/dist/smezo-VERSION-linux-x86_64.tar.gz   the same tree, to unpack by hand (run bin/smezo)
# The tree: runtime/ (a jlink'd Java runtime with only the modules smezo uses), lib/smezo.jar (the
# application, without the developer build's native libraries), native/ (ggml with every x86-64 CPU
# variant as a run-time-loaded backend, libllama, libllama-common, libsmezo with its kernels in three
# instruction-set copies: native/build.sh with SMEZO_PORTABLE=1) and bin/smezo.
# --cuda adds ggml-cuda and libsmezo_cuda (the CUDA runtime and cuBLAS come from the host) and names
# the files ...-linux-x86_64-cuda.
# Needs what the developer build needs (JDK 22+ with jlink, Maven, gcc, cmake, npm for the source).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CUDA=0
for a in "$@"; do
  case "$a" in
    --cuda) CUDA=1 ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "smezo dist: unknown option $a (try --help)" >&2; exit 2 ;;
  esac
done
log() { echo "[dist] $*" >&2; }
die() { echo "[dist] error: $*" >&2; exit 1; }

JAVA="${SMEZO_JAVA:-$(command -v java || true)}"
JAVA_HOME_DIR="$(cd "$(dirname "$(readlink -f "$JAVA")")/.." && pwd)"
JLINK="$JAVA_HOME_DIR/bin/jlink"; JDEPS="$JAVA_HOME_DIR/bin/jdeps"; JAR_TOOL="$JAVA_HOME_DIR/bin/jar"
[[ -x "$JLINK" && -x "$JDEPS" && -x "$JAR_TOOL" ]] || die "no jlink/jdeps/jar beside $JAVA: a JDK 22+ is needed (SMEZO_JAVA=.../bin/java)"

VERSION="$(sed -n 's:^  <version>\(.*\)</version>:\1:p' "$ROOT/pom.xml" | head -1)"
NAME="smezo-$VERSION-linux-x86_64$([[ "$CUDA" == 1 ]] && echo -cuda || true)"
OUTDIR="$ROOT/target/dist"
STAGE="$ROOT/target/dist-stage"
TREE="$STAGE/$NAME"
rm -rf "$STAGE"; mkdir -p "$TREE/bin" "$TREE/lib" "$OUTDIR"

log "application jar (mvn package)"
(cd "$ROOT" && mvn -q -B -DskipTests package) >&2 || die "mvn package failed"
# The developer jar carries libraries built for this machine (-march=native): the distribution's jar
# has none (they come from native/ of the tree).
UNPACK="$STAGE/jar"; mkdir -p "$UNPACK"
(cd "$UNPACK" && "$JAR_TOOL" --extract --file "$ROOT/target/smezo.jar")
rm -rf "$UNPACK/native"; mv "$UNPACK/META-INF/MANIFEST.MF" "$STAGE/MANIFEST.MF"
"$JAR_TOOL" --create --file "$TREE/lib/smezo.jar" --manifest "$STAGE/MANIFEST.MF" -C "$UNPACK" .
rm -f "$STAGE/MANIFEST.MF"
rm -rf "$UNPACK"

log "portable native libraries (every CPU variant; the first build takes a while)"
SMEZO_PORTABLE=1 SMEZO_CUDA="$CUDA" "$ROOT/native/build.sh" "$TREE/native"
rm -f "$TREE/native/build-dir.txt" "$TREE/native/source-dir.txt"
# The C++ and OpenMP runtimes ggml and libllama need, from the compiler that built them, in
# native/fallback/: bin/smezo puts them on the library path only where the host lacks them or has a
# libstdc++ older than the build's (GLIBCXX below), since this libstdc++ itself needs a newer glibc
# than the rest (2.36 against 2.34). glibc and libgcc_s always come from the host.
mkdir -p "$TREE/native/fallback"
for rt in libstdc++.so.6 libgomp.so.1; do
  f="$(readlink -f "$(${CC:-gcc} -print-file-name="$rt")")"
  [[ -f "$f" ]] || die "cannot find $rt of ${CC:-gcc}"
  cp "$f" "$TREE/native/fallback/$rt"; chmod 644 "$TREE/native/fallback/$rt"
done
GLIBCXX="$(objdump -T "$TREE"/native/*.so* | grep -o 'GLIBCXX_3\.4\.[0-9]*' | sort -V | tail -1)"
[[ -n "$GLIBCXX" ]] || die "cannot tell which libstdc++ the native libraries need"
echo "$GLIBCXX" > "$TREE/native/fallback/needs-glibcxx.txt"

log "Java runtime (jlink)"
MODULES="$("$JDEPS" --print-module-deps --ignore-missing-deps --multi-release "$("$JAVA" -XshowSettings:properties -version 2>&1 \
           | awk -F'= ' '/java.specification.version/{print $2; exit}')" "$TREE/lib/smezo.jar")"
# (--generate-cds-archive warns about classes of modules left out: noise, kept in a log)
"$JLINK" --add-modules "$MODULES" --strip-debug --no-man-pages --no-header-files --compress=zip-9 \
    --strip-native-debug-symbols=objcopy=/usr/bin/objcopy --generate-cds-archive --output "$TREE/runtime" \
    > "$STAGE/jlink.log" 2>&1 || { cat "$STAGE/jlink.log" >&2; die "jlink failed"; }
log "runtime modules: $MODULES"

cp "$HERE/launcher.sh" "$TREE/bin/smezo"; chmod 755 "$TREE/bin/smezo"
mkdir -p "$TREE/licenses"
SRC="$(cat "$ROOT/target/classes/native/linux-x86_64/source-dir.txt" 2>/dev/null || true)"
[[ -n "$SRC" && -f "$SRC/LICENSE" ]] && cp "$SRC/LICENSE" "$TREE/licenses/llama.cpp-ggml-MIT.txt"
{ echo "smezo $VERSION for x86-64 Linux (glibc)."
  echo "runtime/: a Java runtime made by jlink from $("$JAVA" -version 2>&1 | head -1); its licences are in runtime/legal/."
  echo "native/: ggml and llama.cpp (MIT, licenses/), libsmezo; libstdc++ and libgomp from $(${CC:-gcc} --version | head -1)"
  echo "  (GPL 3 with the GCC Runtime Library Exception). lib/smezo.jar holds picocli and jackson-core (Apache 2.0)."
} > "$TREE/licenses/README"

log "archives"
"$HERE/pack.sh" "$STAGE" "$NAME" "$VERSION" "$OUTDIR"
rm -rf "$STAGE"
log "$(du -h "$OUTDIR/$NAME" | cut -f1)  $OUTDIR/$NAME"
log "$(du -h "$OUTDIR/$NAME.tar.gz" | cut -f1)  $OUTDIR/$NAME.tar.gz"
