#!/usr/bin/env bash
# Speed, measured: smezo's forward beside libllama's llama_decode (same file, tokens, threads and ggml
# build), and one zeroth-order step (two perturbed forwards + the in-place update) over two plain
# forwards of the same batch. Writes benchmarks/results/DATE-speed.md.
#
# Usage: benchmarks/speed.sh [ROW...]     rows: stories 7b2 families (default: stories 7b2)
#   stories  stories260K from ../shared/models (or $STORIES), F32
#   7b2      synthetic LLaMA-7B shape, 2 layers, F16 (1.3 GB; deleted afterwards unless KEEP=1)
#   families one synthetic model per family (smezo synth --arch A: llama3 qwen2 qwen3 gemma2 gemma3
#            phi3) of the TinyLlama-1.1B shape, 2 layers, vocabulary 4096, F16, at 1 x 128 and 4 x 128
# Environment: WORK=/tmp/smezo-speed, THREADS=$(nproc), OUT=benchmarks/results/$(date +%F)-speed.md
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
read -r -a ROWS <<<"${*:-stories 7b2}"
WORK="${WORK:-/tmp/smezo-speed}"
THREADS="${THREADS:-$(nproc)}"
STORIES="${STORIES:-$ROOT/../shared/models/stories260K.gguf}"
OUT="${OUT:-benchmarks/results/$(date +%F)-speed.md}"
mkdir -p "$WORK" "$(dirname "$OUT")"
./smezo --version >/dev/null   # builds the jar if needed

jnum() { grep -o "\"$2\":[^,}]*" "$1" | head -1 | cut -d: -f2; }
CMDS=() FWD=() STEP=()

run() { # name model batch seq runs
  local name="$1" model="$2" b="$3" t="$4" runs="$5" out="$WORK/$1-$3x$4.json"
  local cmd=(./smezo bench "$model" --batch "$b" --seq "$t" --scored 4 --method smezo --runs "$runs" --steps "$runs"
             --warmup 1 -t "$THREADS" --device cpu --llama --json)
  CMDS+=("${cmd[*]}")
  echo "[speed] ${cmd[*]}" >&2
  "${cmd[@]}" >"$out"
  FWD+=("| $name | $b x $t | $THREADS | $(jnum "$out" all_positions_forward_s) s | $(jnum "$out" llama_decode_s) s | $(jnum "$out" forward_over_llama_speed) |")
  STEP+=("| $name | $b x $t (4 scored per sequence) | $(jnum "$out" forward_s) s | $(jnum "$out" step_s) s | $(jnum "$out" step_over_two_forwards) |")
}

for row in "${ROWS[@]}"; do
  case "$row" in
    stories) run stories260K "$STORIES" 16 128 9 ;;
    7b2)
      m="$WORK/llama-7b-2l-f16.gguf"
      [[ -f "$m" ]] || ./smezo synth --shape llama-7b --layers 2 --type f16 -o "$m"
      run "LLaMA-7B shape, 2 layers, F16" "$m" 1 128 3
      run "LLaMA-7B shape, 2 layers, F16" "$m" 16 128 3
      [[ "${KEEP:-0}" == 1 ]] || rm -f "$m" ;;
    families)
      for a in llama3 qwen2 qwen3 gemma2 gemma3 phi3; do
        m="$WORK/$a-1.1b-2l-f16.gguf"
        [[ -f "$m" ]] || ./smezo synth --arch "$a" --shape tinyllama-1.1b --layers 2 --vocab 4096 --type f16 -o "$m"
        run "$a (TinyLlama-1.1B shape, 2 layers, vocab 4096, F16)" "$m" 1 128 5
        run "$a (TinyLlama-1.1B shape, 2 layers, vocab 4096, F16)" "$m" 4 128 5
        [[ "${KEEP:-0}" == 1 ]] || rm -f "$m"
      done ;;
    *) echo "unknown row $row" >&2; exit 2 ;;
  esac
done

{
  echo "# Speed: forward beside llama.cpp, step over two forwards ($(date +%F))"
  echo
  echo "- Machine: $(lscpu | awk -F': +' '/^Model name/{print $2}'), $(nproc) CPUs, $(free -m | awk '/^Mem:/{print $2}') MiB; shared with other jobs, so timings carry noise (medians of the runs)."
  echo "- Commit: $(git rev-parse --short HEAD); ggml and libllama from the same pinned build (native/build.sh)."
  echo
  echo "## Forward: smezo vs libllama's llama_decode (all positions' logits; ratio = smezo tokens/s over llama.cpp's, target >= 0.9)"
  echo
  echo "| model | batch x seq | threads | smezo forward | llama_decode | ratio |"
  echo "|---|---|---|---|---|---|"
  printf '%s\n' "${FWD[@]}"
  echo
  echo "## One S-MeZO step (sparsity 0.8) over two plain forwards of the same batch (target <= 1.15)"
  echo
  echo "| model | batch x seq | plain forward | step | step / 2 forwards |"
  echo "|---|---|---|---|---|"
  printf '%s\n' "${STEP[@]}"
  echo
  echo "## Commands"
  echo
  echo '```'
  printf '%s\n' "${CMDS[@]}"
  echo '```'
} >"$OUT"
echo "[speed] wrote $OUT" >&2
