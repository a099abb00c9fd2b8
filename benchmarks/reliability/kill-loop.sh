#!/usr/bin/env bash
# Crash safety of a run directory: N times, a training run is killed with SIGKILL, half of the time
# at a random moment and half the instant a checkpoint's temp file appears (so the kill lands in or
# right around the write), then resumed (--resume; started again when killed before its first step)
# to the end; its model.gguf, best.gguf and trajectory must equal an uninterrupted run's byte for
# byte. Writes benchmarks/results/DATE-kill-loop.md with where each kill landed.
#
# Usage: benchmarks/reliability/kill-loop.sh      Environment: N=100, TYPE=f32 (a synth --type: q8_0 trains
#   the block scales in place), WORK=/tmp/smezo-kill, OUT=...
# Needs inotifywait (Debian: inotify-tools).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
N="${N:-100}"
WORK="${WORK:-/tmp/smezo-kill}"
OUT="${OUT:-benchmarks/results/$(date +%F)-kill-loop.md}"
command -v inotifywait >/dev/null || { echo "kill-loop: needs inotifywait (apt-get install inotify-tools)" >&2; exit 2; }
rm -rf "$WORK"; mkdir -p "$WORK"
# a 16k vocabulary makes each checkpoint 8.6 MB, so a write (and its fsync) lasts long enough to be hit
./smezo synth --shape tiny --vocab 16384 --seed 1 --type "${TYPE:-f32}" -o "$WORK/base.gguf" 2>/dev/null
ARGS=(train "$WORK/base.gguf" --task synthetic-keywords --method smezo --lr 1e-2 --steps 150 --eval-every 5
      --refresh-every 20 --n-train 64 --n-dev 16 --n-test 16 --seed 1 -t 2)
./smezo "${ARGS[@]}" --out "$WORK/ref" >/dev/null 2>&1

same() { # run dir vs the reference
  cmp -s "$WORK/ref/model.gguf" "$1/model.gguf" && cmp -s "$WORK/ref/best.gguf" "$1/best.gguf" \
    && cmp -s "$WORK/ref/trajectory.jsonl" "$1/trajectory.jsonl"
}

ROWS=() PASS=0 MIDWRITE=0 EARLY=0
for ((i = 1; i <= N; i++)); do
  run="$WORK/run"; rm -rf "$run"; mkdir -p "$run"
  if (( i % 2 )); then mode=random; else mode=on-write; fi
  ./smezo "${ARGS[@]}" --out "$run" >"$WORK/log" 2>&1 &
  pid=$!
  if [[ $mode == random ]]; then
    sleep "$(awk -v s="$i" 'BEGIN { srand(s); printf "%.2f", 1.0 + 4.0 * rand() }')"
  else
    # the n-th checkpoint temp file created (n = 1 or 2), then kill at once
    nth=$(( (i / 2) % 2 + 1 ))
    timeout 30 inotifywait -q -m -e create --format '%f' "$run" 2>/dev/null | grep --line-buffered -m "$nth" '\.gguf\..*\.tmp$' >/dev/null || true
  fi
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  steps=$(( $( [[ -f "$run/trajectory.jsonl" ]] && wc -l <"$run/trajectory.jsonl" || echo 1) - 1 ))
  tmps=$(find "$run" -name '*.tmp' | wc -l)
  (( tmps > 0 )) && MIDWRITE=$((MIDWRITE + 1))
  if [[ -f "$run/trajectory.jsonl" ]]; then
    ./smezo "${ARGS[@]}" --out "$run" --resume "$run" >"$WORK/resume.log" 2>&1 || true
  else
    EARLY=$((EARLY + 1))
    ./smezo "${ARGS[@]}" --out "$run" --overwrite >"$WORK/resume.log" 2>&1 || true
  fi
  left=$(find "$run" -name '*.tmp' | wc -l)
  if same "$run" && (( left == 0 )); then ok=yes; PASS=$((PASS + 1)); else ok=NO; cp "$WORK/resume.log" "$WORK/failed-$i.log"; fi
  ROWS+=("| $i | $mode | $steps | $tmps | $left | $ok |")
  echo "[kill-loop] $i/$N $mode: killed after $steps steps, temp files left $tmps, identical after resume: $ok" >&2
done

{
  echo "# Kill loop: SIGKILL mid-run, resume, compare ($(date +%F))"
  echo
  echo "- Machine: $(lscpu | awk -F': +' '/^Model name/{print $2}'), $(nproc) CPUs; commit $(git rev-parse --short HEAD)."
  echo "- Run: \`./smezo ${ARGS[*]}\` (tiny synthetic model, type ${TYPE:-f32}, with a 16,384-token vocabulary: $(du -h "$WORK/ref/model.gguf" | cut -f1) checkpoints; 150 steps, an evaluation and a possible best.gguf every 5 steps, model.gguf at the end)."
  echo "- Each kill: SIGKILL at a random moment (1.0-5.0 s after start, odd rows) or the instant the n-th checkpoint temp file is created (even rows); then \`--resume\` to the end (or a fresh start when killed before the first step), and model.gguf, best.gguf and trajectory.jsonl compared with an uninterrupted run's; a row passes when they are identical and no temp file is left (the resumed run removes a killed run's)."
  echo
  echo "**$PASS of $N kills resumed to byte-identical output.** Kills that left a checkpoint temp file behind (the kill landed inside a write): $MIDWRITE; killed before the first step: $EARLY."
  echo
  echo "| kill | when | steps logged at the kill | temp files left by the kill | after resume | identical after resume |"
  echo "|---|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
} >"$OUT"
echo "[kill-loop] $PASS/$N identical; wrote $OUT" >&2
