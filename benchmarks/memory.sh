#!/usr/bin/env bash
# Inference-level memory, measured: smezo training (S-MeZO steps) beside llama.cpp built from the same
# pinned source (native/build.sh): llama-perplexity (inference at the same batch and context) and,
# for F32 models, llama-finetune (first-order AdamW). Every process runs alone under /usr/bin/time -v;
# its "Maximum resident set size" is the figure. Writes benchmarks/results/DATE-memory.md.
#
# Usage: benchmarks/memory.sh [ROW...]       rows: stories f32 7b q4_0 q4_K_M q4_0-2l q4_K_M-2l (default: the first three)
#   stories  /work/shared/models/stories260K.gguf (or $STORIES), F32; also llama-finetune
#   f32      synthetic LLaMA-7B shape, $F32_LAYERS (2) layers, F32 (~2.7 GB); also llama-finetune
#   7b       synthetic LLaMA-7B shape, all 32 layers, F16 (~13.5 GB on disk, ~13 GB of memory;
#            one forward and one step: minutes on 2 cores). Deleted afterwards unless KEEP=1.
#   q4_0, q4_K_M   the 7B shape, 32 layers, synthesized in F16 and quantized by `smezo quantize`
#            (llama.cpp's quantizer): training trains the block scales in place (~3.6 / 3.9 GB)
#   q4_0-2l, q4_K_M-2l   the same with 2 layers (fast enough for BATCH=16 on 2 cores)
# Environment:
#   WORK=/tmp/smezo-bench    scratch: synthetic models, texts, raw outputs
#   THREADS=$(nproc)         threads for every program
#   BATCH=1 SEQ=128          smezo batch x seq; llama.cpp gets -c SEQ -b BATCH*SEQ (-ub the same)
#   SMEZO_JAVA_OPTS          JVM flags (default below: a small heap, serial GC, C1 only)
#   OUT=benchmarks/results/$(date +%F)-memory.md
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
ROWS=("${@:-stories f32 7b}")
# quantized 7B shapes: synthesize F16 once per layer count, quantize with llama.cpp's own quantizer
quantized() { # quantized LAYERS TYPE -> path
  local f16="$WORK/llama7b-$1l-f16.gguf" q="$WORK/llama7b-$1l-$2.gguf"
  if [[ ! -f "$q" ]]; then
    [[ -f "$f16" ]] || ./smezo synth --shape llama-7b --layers "$1" --type f16 -o "$f16" >&2
    ./smezo quantize "$f16" --type "$2" -o "$q" >&2
  fi
  echo "$q"
}
read -r -a ROWS <<<"${ROWS[*]}"
WORK="${WORK:-/tmp/smezo-bench}"
THREADS="${THREADS:-$(nproc)}"
BATCH="${BATCH:-1}"
SEQ="${SEQ:-128}"
F32_LAYERS="${F32_LAYERS:-2}"
STORIES="${STORIES:-$ROOT/../shared/models/stories260K.gguf}"
[[ -f "$STORIES" ]] || STORIES=/work/shared/models/stories260K.gguf
STORIES="$(realpath "$STORIES")"
export SMEZO_JAVA_OPTS="${SMEZO_JAVA_OPTS:--Xmx32m -Xss512k -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=16m}"
OUT="${OUT:-$ROOT/benchmarks/results/$(date +%F)-memory.md}"
mkdir -p "$WORK" "$(dirname "$OUT")"
log() { echo "[memory] $*" >&2; }

# 1. smezo's jar, and llama-perplexity / llama-finetune from the same pinned llama.cpp (cached build).
./smezo --version >/dev/null
SMEZO_TOOLS="llama-perplexity llama-finetune" bash native/build.sh "$WORK/native" 2>&2
BIN="$(cat "$WORK/native/build-dir.txt")"
PPL="$BIN/llama-perplexity"; FT="$BIN/llama-finetune"

# 2. Texts: seeded words (a bash LCG, the same everywhere). Perplexity reads one chunk of SEQ tokens
#    per sequence; finetune trains on windows of SEQ tokens, one optimizer step each.
text() {
  local n=$1 s=1 i words=(the a of and model small large memory weight step forward batch token layer
    sequence train test value loss update sparse noise)
  for ((i = 0; i < n; i++)); do s=$(( (s * 1103515245 + 12345) % 2147483648 )); printf '%s ' "${words[s % ${#words[@]}]}"; done
}
[[ -s "$WORK/text.txt" ]] || text 3000 >"$WORK/text.txt"
[[ -s "$WORK/text-finetune.txt" ]] || text 600 >"$WORK/text-finetune.txt"

# /usr/bin/time -v NAME CMD...: runs CMD alone, keeps stdout in NAME.out, stderr+time in NAME.time.
timed() {
  local name=$1; shift
  log "$name: $*"
  /usr/bin/time -v "$@" >"$WORK/$name.out" 2>"$WORK/$name.time" || { tail -20 "$WORK/$name.time" >&2; return 1; }
}
peak_kib() { awk -F': ' '/Maximum resident set size/{print $2}' "$WORK/$1.time"; }
wall() { awk -F': ' '/Elapsed \(wall clock\)/{print $2}' "$WORK/$1.time"; }
jnum() { grep -o "\"$2\":[^,}]*" "$WORK/$1.out" | head -1 | cut -d: -f2; }
mib() { awk -v b="$1" 'BEGIN{printf "%\047.1f", b/1048576}'; }
kmib() { awk -v k="$1" 'BEGIN{printf "%\047.1f", k/1024}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.3f", a/b}'; }

declare -a TABLE CMDS SPEED
CREATED=()

row() { # row NAME MODEL FINETUNE(0/1) RUNS STEPS WARMUP
  local name=$1 model=$2 ft=$3 runs=$4 steps=$5 warmup=$6 n=$((BATCH * SEQ))
  local bench=(./smezo bench "$model" --batch "$BATCH" --seq "$SEQ" --scored 4 --method smezo --runs "$runs"
    --steps "$steps" --warmup "$warmup" -t "$THREADS" --device cpu --json)
  local info=(./smezo info "$model" --batch "$BATCH" --seq "$SEQ" --no-tensors)
  local ppl=("$PPL" -m "$model" -f "$WORK/text.txt" -c "$SEQ" -b "$n" -ub "$n" --chunks "$BATCH" -t "$THREADS" -fit off)
  local pplnm=("${ppl[@]}" -lm none)
  local ftc=("$FT" -m "$model" -f "$WORK/text-finetune.txt" -c "$SEQ" -b "$n" -ub "$n" -epochs 1 -opt adamw
    -t "$THREADS" -fit off -o "$WORK/finetuned.gguf")
  "${info[@]}" >"$WORK/$name-info.out"
  timed "$name-smezo" "${bench[@]}"
  timed "$name-perplexity" "${ppl[@]}"
  timed "$name-perplexity-nommap" "${pplnm[@]}"
  CMDS+=("${info[*]}" "${bench[*]}" "${ppl[*]}" "${pplnm[*]}")
  local predicted; predicted="$(awk '/^  total/{gsub(",","",$2); print $2}' "$WORK/$name-info.out")"
  local peak base fwd step; peak="$(jnum "$name-smezo" peak_rss_bytes)"; base="$(jnum "$name-smezo" baseline_rss_bytes)"
  fwd="$(jnum "$name-smezo" forward_s)"; step="$(jnum "$name-smezo" step_s)"
  local pk; pk="$(peak_kib "$name-smezo")"
  # llama.cpp's inference footprint: the smaller of its two loading modes. With mmap (the default),
  # weights that a CPU extra buffer type (AMX, repack) copies stay mapped too, and count twice.
  local ppm ppn ppk; ppm="$(peak_kib "$name-perplexity")"; ppn="$(peak_kib "$name-perplexity-nommap")"
  ppk=$(( ppm < ppn ? ppm : ppn ))
  local ftk="" ftcell="-" ftratio="-" ftwall="-"
  if [[ "$ft" == 1 ]]; then
    timed "$name-finetune" "${ftc[@]}"
    grep -q "^train: " "$WORK/$name-finetune.time" || { echo "llama-finetune ran no training step" >&2; exit 1; }
    rm -f "$WORK/finetuned.gguf"
    CMDS+=("${ftc[*]}")
    ftk="$(peak_kib "$name-finetune")"; ftcell="$(kmib "$ftk") MiB"; ftratio="$(ratio "$pk" "$ftk")"; ftwall="$(wall "$name-finetune")"
  fi
  local weights; weights="$(jnum "$name-smezo" weights_bytes)"
  local compute; compute="$(jnum "$name-smezo" compute_buffer_bytes)"
  TABLE+=("| $name | $(basename "$model") | $(mib "$weights") | $(mib "$compute") | $predicted | $(kmib "$pk") | $(ratio "$((pk * 1024))" "$(awk -v p="$predicted" 'BEGIN{printf "%.0f", p*1048576}')") | $(mib "$base") | $(mib "$((pk * 1024 - base))") | $(kmib "$ppm") / $(kmib "$ppn") | $(ratio "$pk" "$ppk") | $ftcell | $ftratio |")
  SPEED+=("| $name | $fwd s | $step s | $(awk -v s="$step" -v f="$fwd" 'BEGIN{printf "%.3f", s/(2*f)}') | $(awk -v n="$n" -v t="$fwd" 'BEGIN{printf "%.1f", n/t}') | $(awk -v n="$n" -v t="$step" 'BEGIN{printf "%.1f", n/t}') | $(wall "$name-perplexity") / $(wall "$name-perplexity-nommap") | $ftwall |")
}

for r in "${ROWS[@]}"; do
  case "$r" in
    stories) row stories260K "$STORIES" 1 5 5 1 ;;
    f32)
      m="$WORK/llama7b-${F32_LAYERS}l-f32.gguf"
      [[ -f "$m" ]] || { ./smezo synth --shape llama-7b --layers "$F32_LAYERS" --type f32 -o "$m"; CREATED+=("$m"); }
      row "llama7b-shape-${F32_LAYERS}l-f32" "$m" 1 3 3 1 ;;
    7b)
      m="$WORK/llama7b-32l-f16.gguf"
      [[ -f "$m" ]] || { ./smezo synth --shape llama-7b --layers 32 --type f16 -o "$m"; CREATED+=("$m"); }
      row "llama7b-shape-32l-f16" "$m" 0 1 1 0 ;;
    q4_0|q4_K_M) m="$(quantized 32 "$r")"; CREATED+=("$m"); row "llama7b-shape-32l-$r" "$m" 0 1 1 0 ;;
    q4_0-2l|q4_K_M-2l) m="$(quantized 2 "${r%-2l}")"; row "llama7b-shape-2l-${r%-2l}" "$m" 0 3 3 1 ;;
    *) echo "unknown row '$r' (stories, f32, 7b, q4_0, q4_K_M, q4_0-2l, q4_K_M-2l)" >&2; exit 2 ;;
  esac
done
[[ "${KEEP:-0}" == 1 ]] || for f in "${CREATED[@]}" "$WORK/llama7b-32l-f16.gguf"; do [[ "$f" == *7b-32l* ]] && rm -f "$f"; done

{
  echo "# Memory: smezo training vs llama.cpp ($(date +%F))"
  echo
  echo "Made by \`benchmarks/memory.sh ${ROWS[*]}\` at commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src native || echo ' (with uncommitted changes)')."
  echo
  echo "- Machine: $(lscpu | awk -F': +' '/^Model name/{print $2}'), $(nproc) CPUs, $(free -m | awk '/^Mem:/{printf "%\047d MiB", $2}') memory ($(uname -sr))"
  echo "- Java: $(grep -o '"java":"[^"]*"' "$WORK/$(ls -t "$WORK" | grep -m1 -- '-smezo.out$')" | cut -d'"' -f4); SMEZO_JAVA_OPTS=\`$SMEZO_JAVA_OPTS\`"
  echo "- llama.cpp: $(basename "$(dirname "$BIN")") (native/build.sh pin), threads $THREADS"
  echo "- Batch: $BATCH x $SEQ tokens. smezo: S-MeZO (sparsity 0.8), logits at the last 4 positions of each sequence;"
  echo "  llama-perplexity: \`-c $SEQ -b $((BATCH * SEQ))\`, $BATCH chunk(s), with mmap (default) and with \`-lm none\` (loaded into"
  echo "  memory): the ratio uses the smaller peak. With mmap, llama.cpp copies F16 matrices into its AMX buffer"
  echo "  and the mapped pages of the file stay resident too (2x). llama-finetune: AdamW, \`-c $SEQ -b $((BATCH * SEQ))\`, 1 epoch."
  echo "- Peak RSS = \"Maximum resident set size\" of \`/usr/bin/time -v\` (the whole process). Baseline = smezo's own"
  echo "  VmRSS before the model is loaded (JVM + native libraries). Predicted = \`smezo info\` (a separate process)."
  echo
  echo "| row | model | weights MiB | compute buffer MiB | predicted (info) MiB | smezo peak MiB | peak / predicted | baseline MiB | peak - baseline MiB | llama-perplexity peak MiB (mmap / \`-lm none\`) | smezo / perplexity (the smaller) | llama-finetune peak | smezo / finetune |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${TABLE[@]}"
  echo
  echo "Speed (noisy: the machine's cores are shared; memory is the point here):"
  echo
  echo "| row | smezo forward | smezo step | step / 2 forwards | forward tok/s | train tok/s | llama-perplexity wall (mmap / none) | llama-finetune wall |"
  echo "|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${SPEED[@]}"
  echo
  echo "Commands (from the repository root; \$BIN = $BIN):"
  echo
  echo '```'
  printf '%s\n' "${CMDS[@]}" | sed "s|$BIN|\$BIN|g"
  echo '```'
} >"$OUT"
log "wrote $OUT"
cat "$OUT"
