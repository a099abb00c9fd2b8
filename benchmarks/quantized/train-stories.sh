#!/usr/bin/env bash
# Quantized in place: stories260K quantized by libllama's own quantizer (`smezo quantize`, that is
# llama_model_quantize) to Q8_0 and to Q4_K_M, then S-MeZO and MeZO on tinystories-feelings
# with only the quantized tensors trained (--exclude ffn_down: llama.cpp keeps the 172-wide ffn_down in
# F16 in both files). Writes benchmarks/results/DATE-quantized-training.md with every eval point.
#
# Usage: benchmarks/quantized/train-stories.sh [FILE:METHOD:LR ...]   (about 1 minute a run on 2 cores)
#   default rows: S-MeZO at lr 3e-4 and MeZO at 1e-4 (its dense steps diverge at 3e-4: measured), on each file;
#   each row is run with the seeds in $SEEDS and reported per seed and as the mean lift
# Environment: STEPS=150 SEEDS="0 1 2" WORK=/tmp/smezo-quant THREADS=$(nproc) GAIN=10
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
STEPS="${STEPS:-150}"; SEEDS="${SEEDS:-0 1 2}"; GAIN="${GAIN:-10}"; THREADS="${THREADS:-$(nproc)}"
WORK="${WORK:-/tmp/smezo-quant}"; mkdir -p "$WORK"
STORIES="${STORIES:-$ROOT/../shared/models/stories260K.gguf}"
OUT="${OUT:-$ROOT/benchmarks/results/$(date +%F)-quantized-training.md}"
./smezo --version >/dev/null
./smezo quantize "$STORIES" --type q8_0 -o "$WORK/stories260K-q8_0.gguf" 2>/dev/null
./smezo quantize "$STORIES" --type q4_K_M -o "$WORK/stories260K-q4_K_M.gguf" 2>/dev/null
SPECS=("${@:-q8_0:smezo:3e-4 q8_0:mezo:1e-4 q4_K_M:smezo:3e-4 q4_K_M:mezo:1e-4}")
read -r -a SPECS <<<"${SPECS[*]}"
ROWS=(); MEANS=()
for spec in "${SPECS[@]}"; do
  IFS=: read -r m method LR <<<"$spec"
  lifts=()
  for seed in $SEEDS; do
    run="$WORK/run-$m-$method-$LR-s$seed"
    cmd=(./smezo train "$WORK/stories260K-$m.gguf" --task tinystories-feelings --method "$method" --steps "$STEPS" --lr "$LR"
         --seed "$seed" --scale-gain "$GAIN" --eval-every 25 --n-dev 200 --n-test 500 --exclude ffn_down --out "$run" --overwrite
         -t "$THREADS")
    echo "[quantized] ${cmd[*]}" >&2
    "${cmd[@]}" >"$run.log" 2>&1 || { tail -5 "$run.log" >&2; exit 1; }
    curve="$(grep -o 'eval @ [0-9]*: dev acc [0-9.]*% loss [0-9.]* | test acc [0-9.]*%' "$run.log" \
      | sed -E 's/eval @ ([0-9]+): dev acc ([0-9.]+)% loss ([0-9.]+) \| test acc ([0-9.]+)%/\1:\4/' | paste -sd' ')"
    zero="$(echo "$curve" | cut -d' ' -f1 | cut -d: -f2)"
    best="$(grep -o 'test accuracy  [0-9.]* at the best' "$run.log" | awk '{print $3*100}')"
    lift="$(awk -v a="$best" -v b="$zero" 'BEGIN{printf "%+.1f", a-b}')"
    lifts+=("$lift")
    ROWS+=("| $m | $method | $LR | $seed | $zero% | $best% | $lift | $curve |")
  done
  MEANS+=("| $m | $method | $LR | ${lifts[*]} | $(printf '%s\n' "${lifts[@]}" | awk '{s+=$1} END{printf "%+.1f", s/NR}') |")
done
{
  echo "# Quantized in place: stories260K Q8_0 and Q4_K_M on tinystories-feelings ($(date +%F))"
  echo
  echo "Made by \`benchmarks/quantized/train-stories.sh\` at commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src native || echo ' (with uncommitted changes)')."
  echo "Machine: $(lscpu | awk -F': +' '/^Model name/{print $2}'), $(nproc) CPUs. Files: \`smezo quantize\` (libllama's llama_model_quantize) of ../shared/models/stories260K.gguf."
  echo "Only quantized tensors train (their block scales; ffn_down is F16 in both files and excluded); relative scale steps, gain $GAIN, eps 1e-3, batch 16, clip |g| <= 100."
  echo "Test accuracy on 500 held-out examples; best = at the best dev loss (200 dev examples, checked every 25 steps)."
  echo
  echo "Lift = test accuracy at the best dev loss minus zero-shot (step 0), in points; $STEPS steps, seeds $SEEDS."
  echo
  echo "| file | method | lr | lift per seed | mean lift |"
  echo "|---|---|---|---|---|"
  printf '%s\n' "${MEANS[@]}"
  echo
  echo "Per run (curve: step:test accuracy %):"
  echo
  echo "| file | method | lr | seed | zero-shot test | best-dev test | lift | curve |"
  echo "|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "Command of each run: \`./smezo train FILE --task tinystories-feelings --method METHOD --steps $STEPS --lr LR --seed SEED --scale-gain $GAIN --eval-every 25 --n-dev 200 --n-test 500 --exclude ffn_down --out RUN -t $THREADS\`."
  echo
  echo "What trains (from each file's first run's log):"
  echo
  for m in q8_0 q4_K_M; do echo "    $m: $(grep -ho 'training .*' "$WORK"/run-$m-*.log | head -1)"; done
} >"$OUT"
cat "$OUT"
