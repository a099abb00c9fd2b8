#!/usr/bin/env bash
# Memory of JSONL training with micro-batches, measured against the memory plan: `smezo train --data`
# on the LLaMA-7B shape (synthesized, F16, $LAYERS layers) at --batch 16 x --max-length 512, one step,
# with --micro-batch 1 (and, for contrast, the whole batch in one forward). Each run is alone under
# /usr/bin/time -v; its "Maximum resident set size" is set against the plan the run itself printed
# (summary.json's predicted_peak_rss_bytes: model file + compute buffer + host buffers + runtime).
# Writes benchmarks/results/DATE-memory-micro-batch.md.
#
# Usage: benchmarks/chat/memory-micro-batch.sh [MICRO...]   (default: 1 16)
# Environment: WORK=/tmp/smezo-bench  LAYERS=2  THREADS=$(nproc)  OUT=...
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
MICROS=("${@:-1 16}"); read -r -a MICROS <<<"${MICROS[*]}"
WORK="${WORK:-/tmp/smezo-bench}"; LAYERS="${LAYERS:-2}"; THREADS="${THREADS:-$(nproc)}"
OUT="${OUT:-$ROOT/benchmarks/results/$(date +%F)-memory-micro-batch.md}"
# the benchmark JVM flags (benchmarks/README.md), which the plan's runtime estimate assumes
export SMEZO_JAVA_OPTS="${SMEZO_JAVA_OPTS:--Xmx32m -Xss512k -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=16m}"
mkdir -p "$WORK" "$(dirname "$OUT")"
log() { echo "[micro-batch] $*" >&2; }

MODEL="$WORK/llama7b-${LAYERS}l-f16.gguf"
[[ -f "$MODEL" ]] || ./smezo synth --shape llama-7b --layers "$LAYERS" --type f16 -o "$MODEL" >&2
# 18 text records of ~1,000 seeded words: longer than 512 tokens, so every sequence is cut to 512
python3 - "$WORK" <<'PY'
import json, random, sys
words = "the a of and model small large memory weight step forward batch token layer sequence train test value loss update sparse noise".split()
r = random.Random(1)
for name, n in (("micro-train.jsonl", 16), ("micro-dev.jsonl", 2)):
    with open(f"{sys.argv[1]}/{name}", "w") as f:
        for _ in range(n):
            f.write(json.dumps({"text": " ".join(r.choice(words) for _ in range(1000))}) + "\n")
PY
ROWS=()
for mb in "${MICROS[@]}"; do
  run="$WORK/micro-run-$mb"
  cmd=(./smezo train "$MODEL" --data "$WORK/micro-train.jsonl" --dev "$WORK/micro-dev.jsonl" --batch 16 --micro-batch "$mb"
       --max-length 512 --steps 1 --eval-every 1 --lr 1e-6 -t "$THREADS" --out "$run" --overwrite)
  log "${cmd[*]}"
  /usr/bin/time -v "${cmd[@]}" >"$WORK/micro-$mb.out" 2>"$WORK/micro-$mb.time" || { tail -20 "$WORK/micro-$mb.time" >&2; exit 1; }
  peak_kib="$(awk -F': ' '/Maximum resident set size/{print $2}' "$WORK/micro-$mb.time")"
  wall="$(awk -F': ' '/Elapsed \(wall clock\)/{print $2}' "$WORK/micro-$mb.time")"
  j() { grep -o "\"$1\": *[^,}]*" "$run/summary.json" | head -1 | sed 's/.*: *//'; }
  pred="$(j predicted_peak_rss_bytes)"; comp="$(j compute_buffer_bytes)"
  ROWS+=("| $mb | $(awk -v b="$comp" 'BEGIN{printf "%\047.1f", b/1048576}') | $(awk -v b="$pred" 'BEGIN{printf "%\047.1f", b/1048576}') | $(awk -v k="$peak_kib" 'BEGIN{printf "%\047.1f", k/1024}') | $(awk -v k="$peak_kib" -v p="$pred" 'BEGIN{printf "%.3f", k*1024/p}') | $wall |")
  CMDS+=("${cmd[*]}")
done
{
  echo "# Memory of JSONL training with micro-batches ($(date +%F))"
  echo
  echo "Made by \`benchmarks/chat/memory-micro-batch.sh ${MICROS[*]}\` at commit $(git rev-parse --short HEAD)."
  echo
  echo "- Machine: $(lscpu | awk -F': +' '/^Model name/{print $2}'), $(nproc) CPUs, $(free -m | awk '/^Mem:/{printf "%\047d MiB", $2}') memory"
  echo "- Model: \`smezo synth --shape llama-7b --layers $LAYERS --type f16\` ($(du -m "$MODEL" | cut -f1) MB); data: 16 training and 2 dev"
  echo "  text records of 1,000 seeded words, each cut to 512 tokens; one S-MeZO step at --batch 16, with dev loss at steps 0 and 1."
  echo "- JVM: SMEZO_JAVA_OPTS=\`$SMEZO_JAVA_OPTS\`"
  echo "- Predicted = the run's own memory plan (summary.json \`predicted_peak_rss_bytes\`); peak = \`/usr/bin/time -v\` maximum RSS."
  echo
  echo "| --micro-batch | compute buffer MiB | predicted MiB | peak MiB | peak / predicted | wall |"
  echo "|---|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo '```'
  printf '%s\n' "${CMDS[@]}"
  echo '```'
} >"$OUT"
log "wrote $OUT"; cat "$OUT"
