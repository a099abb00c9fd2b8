#!/usr/bin/env bash
# The one-file artifact on a machine with nothing installed: copied to an empty directory and run with
# an empty HOME and `env -i`, inside a private mount namespace where /usr/lib/jvm is an empty tmpfs and
# java, javac, jlink, gcc, cc, g++, cmake, make, mvn, npm and node are covered by /dev/null (not
# executable), so are the host's libstdc++ and libgomp, and the repository, ~/.m2 and ~/.cache are hidden. There it runs --version, info, score,
# eval, train (20 steps) and replay on stories260K and compares them with the developer build
# (./smezo, -march=native) run outside:
#   - replay of the developer run's trajectory: byte-identical checkpoint, on every CPU variant this
#     machine runs (SMEZO_CPU_VARIANT), with each libsmezo instruction-set copy (SMEZO_ISA), and under
#     QEMU user-mode emulation of CPUs without AVX-512 (Haswell) and without AVX (Nehalem);
#   - its own train: byte-identical checkpoint, or else losses within LOSS_BOUND (matmul summation
#     order differs between SIMD widths);
#   - score: mean log-likelihood within SCORE_BOUND of the developer build's; eval: the same accuracy;
#   - a truncated or corrupt artifact, an unwritable cache and a cache on a full disk: exit 3 with a
#     message, and no cache directory a later run would trust.
# Writes benchmarks/results/DATE-dist.md. Needs root (unshare --mount), qemu-user (Debian qemu-user).
#
# Usage: benchmarks/dist/check.sh [ARTIFACT]   (default target/dist/smezo-VERSION-linux-x86_64; ./smezo dist)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
VERSION="$(sed -n 's:^  <version>\(.*\)</version>:\1:p' pom.xml | head -1)"
ART="$(readlink -f "${1:-target/dist/smezo-$VERSION-linux-x86_64}")"
MODEL="$(readlink -f "${MODEL:-$ROOT/../shared/models/stories260K.gguf}")"
W="${WORK:-/tmp/smezo-dist-check}"
OUT="${OUT:-benchmarks/results/$(date +%F)-dist.md}"
LOSS_BOUND="${LOSS_BOUND:-1e-5}"     # |loss difference| per step, train on another variant
SCORE_BOUND="${SCORE_BOUND:-1e-5}"   # |mean log-likelihood difference|
[[ -f "$ART" ]] || { echo "check: no artifact $ART (run ./smezo dist)" >&2; exit 2; }
[[ -f "$MODEL" ]] || { echo "check: no model $MODEL" >&2; exit 2; }
command -v qemu-x86_64 >/dev/null || { echo "check: needs qemu-x86_64 (apt-get install qemu-user)" >&2; exit 2; }
[[ "$(id -u)" == 0 ]] || { echo "check: needs root for unshare --mount" >&2; exit 2; }

rm -rf "$W"; mkdir -p "$W/dev" "$W/empty" "$W/home" "$W/out"
cp "$ART" "$W/empty/smezo"; cp "$MODEL" "$W/model.gguf"
cat > "$W/text.txt" <<'EOF'
Once upon a time, there was a little girl named Lily. She loved to play outside in the sun. One day,
she saw a big red ball in the park. She ran to it and kicked it high into the sky. Her friend Tom
laughed and clapped. They played all day until the sun went down, and then they went home happy.
EOF
TRAIN=(--task tinystories-feelings --method smezo --lr 3e-4 --steps 20 --eval-every 10 --n-train 64 --n-dev 32
       --n-test 32 --seed 1 -t 2)

echo "[check] developer build (./smezo)" >&2
./smezo train "$W/model.gguf" "${TRAIN[@]}" --out "$W/dev/train" >/dev/null 2>"$W/dev/train.log"
./smezo score "$W/model.gguf" --file "$W/text.txt" --json -t 2 >"$W/dev/score.json" 2>/dev/null
./smezo eval "$W/model.gguf" --task tinystories-feelings --n-test 64 --json -t 2 >"$W/dev/eval.json" 2>/dev/null
./smezo --version >"$W/dev/version.txt" 2>/dev/null

# Everything below runs in the sandbox; each line of $W/out/rows.md is a result row.
cat > "$W/inner.sh" <<EOF
#!/bin/bash
set -uo pipefail
W=$W; LOSS_BOUND=$LOSS_BOUND; SCORE_BOUND=$SCORE_BOUND
TRAIN=(${TRAIN[*]})
EOF
cat >> "$W/inner.sh" <<'EOF'
mount --make-rprivate /
hidden=()
for t in java javac jlink gcc cc g++ c++ cmake make mvn npm node; do
  p=$(command -v "$t" 2>/dev/null) || continue
  mount --bind /dev/null "$(readlink -f "$p")" && hidden+=("$t")
done
mount -t tmpfs tmpfs /usr/lib/jvm
# the C++ and OpenMP runtimes too: the artifact brings its own (glibc and libgcc_s are the host's)
for rt in libstdc++.so.6 libgomp.so.1; do
  for f in /usr/lib/x86_64-linux-gnu/$rt /lib/x86_64-linux-gnu/$rt; do
    [[ -e $f ]] && mount --bind /dev/null "$(readlink -f "$f")" && hidden+=("$f")
  done
done
for d in /root /work/main /home; do [[ -d $d ]] && mount -t tmpfs tmpfs "$d"; done
row() { echo "$*" >> "$W/out/rows.md"; }
present=""; for t in java javac jlink gcc cc cmake mvn npm; do "$t" --version >/dev/null 2>&1 && present+=" $t"; done
row "| sandbox | covered: ${hidden[*]}; /usr/lib/jvm: $(ls -A /usr/lib/jvm | wc -l) entries; of java javac jlink gcc cc cmake mvn npm, these still run:${present:- none} | $([[ -z $present ]] && echo pass || echo FAIL) |"

S="env -i HOME=$W/home PATH=/usr/bin:/bin"
cd "$W/empty"
t0=$(date +%s.%N); $S ./smezo --version > "$W/out/version.txt" 2>"$W/out/version.err"; rc=$?; t1=$(date +%s.%N)
row "| first run (unpack + --version) | exit $rc, $(awk -v a=$t0 -v b=$t1 'BEGIN{printf "%.2f", b-a}') s; $(sed -n 3p "$W/out/version.txt") | $([[ $rc == 0 ]] && echo pass || echo FAIL) |"
times=()
for i in 1 2 3 4 5 6 7; do
  t0=$(date +%s.%N); $S ./smezo --version >/dev/null 2>&1; t1=$(date +%s.%N)
  times+=("$(awk -v a=$t0 -v b=$t1 'BEGIN{printf "%.3f", b-a}')")
done
med=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 4p)
row "| --version, warm cache (median of 7) | ${med} s (all: ${times[*]}) | $(awk -v m=$med 'BEGIN{print (m < 0.5) ? "pass" : "FAIL"}') |"
TREE=$(ls -d "$W"/home/.cache/smezo/dist/*/)
row "| unpacked tree | $(du -sh "$TREE" | cut -f1) in $TREE | info |"

$S ./smezo info "$W/model.gguf" > "$W/out/info.txt" 2>&1; rc=$?
row "| info | exit $rc: $(grep -m1 -i param "$W/out/info.txt" | tr -s ' ' | cut -c1-80) | $([[ $rc == 0 ]] && echo pass || echo FAIL) |"

ll() { sed 's/.*"mean_log_likelihood":\([-0-9.eE]*\).*/\1/' "$1"; }
acc() { sed 's/.*"accuracy":\([-0-9.eE]*\).*/\1/' "$1"; }
dev_ll=$(ll "$W/dev/score.json"); dev_acc=$(acc "$W/dev/eval.json")
cmp_score() { # label file
  local d; d=$(awk -v a="$dev_ll" -v b="$(ll "$2")" 'BEGIN{d=a-b; if(d<0)d=-d; printf "%.3g", d}')
  row "| score $1 | mean log-likelihood $(ll "$2") vs developer build $dev_ll: diff $d (bound $SCORE_BOUND) | $(awk -v d=$d -v b=$SCORE_BOUND 'BEGIN{print (d <= b) ? "pass" : "FAIL"}') |"
}
losses() { grep -o '"loss_\(plus\|minus\)":[-0-9.eE]*' "$1" | cut -d: -f2; }
cmp_train() { # label dir
  if cmp -s "$W/dev/train/model.gguf" "$2/model.gguf" && cmp -s "$W/dev/train/trajectory.jsonl" "$2/trajectory.jsonl"; then
    row "| train 20 steps $1 | model.gguf and trajectory byte-identical to the developer build's | pass |"
  else
    local d; d=$(paste <(losses "$W/dev/train/trajectory.jsonl") <(losses "$2/trajectory.jsonl") \
      | awk '{d=$1-$2; if(d<0)d=-d; if(d>m)m=d; n++} END{printf "%.3g %d", m, n}')
    set -- "$1" "$2" $d
    row "| train 20 steps $1 | not byte-identical; max loss diff over $4 losses: $3 (bound $LOSS_BOUND) | $(awk -v d=$3 -v b=$LOSS_BOUND -v n=$4 'BEGIN{print (n == 40 && d <= b) ? "pass" : "FAIL"}') |"
  fi
}
cmp_replay() { # label file
  row "| replay $1 | $(cmp -s "$W/dev/train/model.gguf" "$2" && echo "byte-identical to the developer run's model.gguf" || echo "DIFFERS from the developer run's model.gguf") | $(cmp -s "$W/dev/train/model.gguf" "$2" && echo pass || echo FAIL) |"
}

$S ./smezo score "$W/model.gguf" --file "$W/text.txt" --json -t 2 > "$W/out/score.json" 2>/dev/null
cmp_score "(best variant)" "$W/out/score.json"
$S ./smezo eval "$W/model.gguf" --task tinystories-feelings --n-test 64 --json -t 2 > "$W/out/eval.json" 2>/dev/null
row "| eval tinystories-feelings, 64 examples | accuracy $(acc "$W/out/eval.json") vs developer build $dev_acc | $([[ $(acc "$W/out/eval.json") == "$dev_acc" ]] && echo pass || echo FAIL) |"
$S ./smezo train "$W/model.gguf" "${TRAIN[@]}" --out "$W/out/train" > /dev/null 2>&1
cmp_train "(best variant)" "$W/out/train"
$S ./smezo replay "$W/model.gguf" "$W/dev/train/trajectory.jsonl" -o "$W/out/replay.gguf" -t 2 > /dev/null 2>&1
cmp_replay "(best variant)" "$W/out/replay.gguf"

# Every CPU variant this machine runs, and each libsmezo copy.
for v in $(ls "$TREE/native" | sed -n 's/^libggml-cpu-\(.*\)\.so$/\1/p'); do
  $S SMEZO_CPU_VARIANT=$v ./smezo --version > "$W/out/v.txt" 2>&1
  grep -q "cpu: $v " "$W/out/v.txt" || continue   # this CPU lacks its instructions
  $S SMEZO_CPU_VARIANT=$v ./smezo replay "$W/model.gguf" "$W/dev/train/trajectory.jsonl" -o "$W/out/replay-$v.gguf" -t 2 > /dev/null 2>&1
  cmp_replay "SMEZO_CPU_VARIANT=$v" "$W/out/replay-$v.gguf"
  $S SMEZO_CPU_VARIANT=$v ./smezo score "$W/model.gguf" --file "$W/text.txt" --json -t 2 > "$W/out/score-$v.json" 2>/dev/null
  cmp_score "SMEZO_CPU_VARIANT=$v" "$W/out/score-$v.json"
  $S SMEZO_CPU_VARIANT=$v ./smezo train "$W/model.gguf" "${TRAIN[@]}" --out "$W/out/train-$v" > /dev/null 2>&1
  cmp_train "SMEZO_CPU_VARIANT=$v" "$W/out/train-$v"
done
for isa in c avx2 avx512; do
  $S SMEZO_ISA=$isa ./smezo replay "$W/model.gguf" "$W/dev/train/trajectory.jsonl" -o "$W/out/replay-isa-$isa.gguf" -t 2 > /dev/null 2>&1
  cmp_replay "SMEZO_ISA=$isa ($($S SMEZO_ISA=$isa ./smezo --version | sed -n 's/.*kernels: \([a-z0-9]*\).*/\1/p') ran)" "$W/out/replay-isa-$isa.gguf"
done

# Emulated CPUs without AVX-512 and without AVX: the runtime's java under qemu-x86_64.
for cpu in Haswell Nehalem; do
  # (bin/smezo's choice of runtimes, made by hand: the host's libstdc++ and libgomp are hidden here)
  Q="$S LD_LIBRARY_PATH=$TREE/native/fallback qemu-x86_64 -cpu $cpu $TREE/runtime/bin/java -Xshare:auto -Dsmezo.native.dir=$TREE/native -jar $TREE/lib/smezo.jar"
  ran=$($Q --version 2>/dev/null | grep "^cpu:")
  $Q replay "$W/model.gguf" "$W/dev/train/trajectory.jsonl" -o "$W/out/replay-$cpu.gguf" -t 2 > /dev/null 2>&1
  cmp_replay "QEMU -cpu $cpu ($ran)" "$W/out/replay-$cpu.gguf"
  $Q score "$W/model.gguf" --file "$W/text.txt" --json -t 2 > "$W/out/score-$cpu.json" 2>/dev/null
  cmp_score "QEMU -cpu $cpu ($ran)" "$W/out/score-$cpu.json"
done

# Bad artifacts and caches: exit 3, a message, nothing a later run trusts.
bad() { # label expected-message-part cache command...
  local label=$1 want=$2 cache=$3; shift 3
  local msg; msg=$($S SMEZO_CACHE="$cache" "$@" --version 2>&1 >/dev/null); local rc=$?
  local trusted; trusted=$(find "$cache/dist" -maxdepth 2 -name .complete 2>/dev/null | wc -l)
  row "| $label | exit $rc: \`${msg//|/\\|}\`; complete trees left: $trusted | $([[ $rc == 3 && $msg == *"$want"* && $trusted == 0 ]] && echo pass || echo FAIL) |"
}
size=$(stat -c %s ./smezo)
head -c $((size - 1000)) ./smezo > "$W/art-short"; chmod +x "$W/art-short"
bad "truncated artifact (last 1000 bytes cut)" "is truncated" "$W/c1" "$W/art-short"
cp ./smezo "$W/art-flipped"; printf 'x' | dd of="$W/art-flipped" bs=1 seek=$((size - 5000000)) conv=notrunc 2>/dev/null
bad "corrupt artifact (one byte changed)" "is corrupt" "$W/c2" "$W/art-flipped"
mkdir -p "$W/ro"; mount --bind "$W/ro" "$W/ro"; mount -o remount,ro,bind "$W/ro"
bad "cache on a read-only directory" "cannot" "$W/ro" ./smezo
mkdir -p "$W/full"
for mb in 24 80; do   # 24: the payload copy fails; 80: the payload fits, the tree does not (tar fails)
  mount -t tmpfs -o size=${mb}m tmpfs "$W/full"
  bad "cache on a $mb MB file system (fills mid-unpack)" "disk full" "$W/full" ./smezo
  left=$(find "$W/full/dist" -mindepth 1 -maxdepth 1 | wc -l)
  row "| the $mb MB cache afterwards | $left entries left in dist/ | $([[ $left == 0 ]] && echo pass || echo FAIL) |"
  umount "$W/full"
done
mount -t tmpfs -o size=400m tmpfs "$W/full"
$S SMEZO_CACHE="$W/full" ./smezo --version > /dev/null 2>&1; rc=$?
row "| same cache with space | exit $rc | $([[ $rc == 0 ]] && echo pass || echo FAIL) |"
EOF
chmod +x "$W/inner.sh"
echo "[check] sandbox" >&2
unshare --mount --fork "$W/inner.sh"

FAILS=$(grep -c '| FAIL |' "$W/out/rows.md" || true)
B='`'
{
  echo "# One-file artifact on a bare machine ($(date +%F))"
  echo
  echo "- Machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) CPUs; commit $(git rev-parse --short HEAD)."
  echo "- Command: ${B}./smezo dist && benchmarks/dist/check.sh${B}. Artifact: $(basename "$ART"), $(stat -c %s "$ART") bytes ($(du -h "$ART" | cut -f1))."
  echo "- Developer build: $(sed -n 3p "$W/dev/version.txt") (-march=native). Artifact: $(sed -n 2,3p "$W/out/version.txt" | tr '\n' ' ')"
  echo "- Runs: ${B}train stories260K.gguf ${TRAIN[*]}${B}; ${B}score --file${B} (a 70-word TinyStories-style text); ${B}eval --task tinystories-feelings --n-test 64${B}; ${B}replay${B} of the developer run's trajectory, all with an empty HOME under ${B}env -i${B}."
  echo
  echo "**$(grep -c '| pass |' "$W/out/rows.md") passed, $FAILS failed.**"
  echo
  echo "| check | result | |"
  echo "|---|---|---|"
  cat "$W/out/rows.md"
} > "$OUT"
cat "$OUT"
[[ "$FAILS" == 0 ]]
