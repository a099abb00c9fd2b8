#!/usr/bin/env bash
# smezo train --parallel under Open MPI on this machine: steps per second and what a step exchanges
# (collectives, bytes, seconds inside them, from rank 0's summary.json), for 1, 2 and 4 ranks, data
# parallel and perturbation parallel (--directions 4), on stories260K and on a synthetic LLaMA-7B
# shape with 2 layers (F16, 1.3 GB). The ranks share this machine's cores (oversubscribed, 1 thread
# each), so wall time does not scale here: the exchange per step is what carries to a cluster. Then
# `smezo mpi-ping` times the all-gather alone at a step's message size.
#
# Usage: benchmarks/mpi.sh [ROW...]   rows: stories 7b2 (default: both)
# Environment: RANKS="1 2 4", WORK=target/mpi-bench, OUT=benchmarks/results/DATE-mpi.md
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
read -r -a ROWS <<<"${*:-stories 7b2}"
RANKS="${RANKS:-1 2 4}"
WORK="${WORK:-$ROOT/target/mpi-bench}"
OUT="${OUT:-benchmarks/results/$(date +%F)-mpi.md}"
command -v mpirun >/dev/null || { echo "mpi.sh: mpirun is absent (apt-get install openmpi-bin)" >&2; exit 2; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1   # the sandbox runs as root
mkdir -p "$WORK"
source benchmarks/lib.sh
snapshot_app "$WORK/app"
S="$WORK/app/smezo"

run() {   # name ranks mode model args...
  local name=$1 ranks=$2 mode=$3 model=$4; shift 4
  local dir="$WORK/$name-$mode-$ranks"
  rm -rf "$dir"
  echo "mpi.sh: $name $mode $ranks rank(s)" >&2
  if (( ranks == 1 )); then "$S" train "$model" "$@" -t 1 --out "$dir" >"$dir.log" 2>&1
  else mpirun --oversubscribe -np "$ranks" "$S" train "$model" "$@" -t 1 --parallel "$mode" --out "$dir" >"$dir.log" 2>&1; fi
}

for row in "${ROWS[@]}"; do
  case "$row" in
    stories)
      m="$ROOT/../shared/models/stories260K.gguf"
      [[ -f "$m" ]] || { echo "mpi.sh: $m is absent" >&2; exit 2; }
      a=(--task tinystories-feelings --lr 3e-4 --batch 16 --steps 40 --eval-every 40 --n-train 200 --n-dev 16 --n-test 16 --max-length 64)
      for r in $RANKS; do run stories "$r" data "$m" "${a[@]}"; run stories "$r" directions "$m" "${a[@]}" --directions 4; done ;;
    7b2)
      m="$WORK/llama-7b-2l-f16.gguf"
      [[ -f "$m" ]] || "$S" synth --shape llama-7b --layers 2 --type f16 -o "$m" >/dev/null
      a=(--task synthetic-keywords --lr 1e-6 --batch 8 --steps 4 --eval-every 4 --n-train 64 --n-dev 8 --n-test 8 --memory-limit none)
      for r in $RANKS; do run 7b2 "$r" data "$m" "${a[@]}"; run 7b2 "$r" directions "$m" "${a[@]}" --directions 4; done ;;
    *) echo "mpi.sh: unknown row $row (stories, 7b2)" >&2; exit 2 ;;
  esac
done

ping=$(for r in 2 4; do mpirun --oversubscribe -np "$r" "$S" mpi-ping --bytes 128; done)

python3 - "$WORK" "$OUT" "$RANKS" "$ping" "${ROWS[@]}" <<'PY'
import json, os, sys, subprocess, platform
work, out, ranks, ping, rows = sys.argv[1], sys.argv[2], sys.argv[3].split(), sys.argv[4], sys.argv[5:]
def same(a, b):
    return open(os.path.join(a, "trajectory.jsonl"), "rb").read() == open(os.path.join(b, "trajectory.jsonl"), "rb").read() \
        and open(os.path.join(a, "model.gguf"), "rb").read() == open(os.path.join(b, "model.gguf"), "rb").read()
lines = ["# smezo train --parallel under Open MPI", "",
         "Command: `benchmarks/mpi.sh %s` (RANKS=\"%s\"), commit %s, on %s, %d cores; Open MPI %s. Ranks share the cores "
         "(`mpirun --oversubscribe`, 1 thread each), so wall time cannot scale here; the exchange per step is what a cluster sees." % (
             " ".join(rows), " ".join(ranks), subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip(),
             platform.processor() or platform.machine(), os.cpu_count(),
             subprocess.run(["mpirun", "--version"], capture_output=True, text=True).stdout.split("\n")[0].split()[-1]), "",
         "Steps/s: the training steps' rate from metrics.jsonl (evaluations excluded). Exchange: rank 0's side, per training step: "
         "collectives (each an all-gather of lengths, then of bytes), bytes sent and received, and seconds inside them "
         "(waiting for the slowest rank included). Same bytes: trajectory.jsonl and model.gguf equal the 1-rank run's.", "",
         "| model | mode | ranks | steps/s | collectives/step | bytes sent/step | bytes received/step | s in collectives/step | same bytes as 1 rank |",
         "|---|---|---|---|---|---|---|---|---|"]
for name in rows:
    for mode in ("data", "directions"):
        for r in ranks:
            d = os.path.join(work, "%s-%s-%s" % (name, mode, r))
            s = json.load(open(os.path.join(d, "summary.json")))
            rates = [json.loads(l)["steps_per_s"] for l in open(os.path.join(d, "metrics.jsonl")) if '"type":"train"' in l.replace(" ", "")]
            p = s.get("parallel") or {}
            f = lambda k, fmt: (fmt % p[k]) if p.get(k) is not None else "0"
            one = os.path.join(work, "%s-%s-1" % (name, mode))
            lines.append("| %s | %s%s | %s | %.2f | %s | %s | %s | %s | %s |" % (
                "stories260K" if name == "stories" else "LLaMA-7B shape, 2 layers, F16", mode, " (4 directions)" if mode == "directions" else "",
                r, sum(rates) / len(rates), f("collectives_per_step", "%.0f"), f("bytes_sent_per_step", "%.0f"),
                f("bytes_received_per_step", "%.0f"), f("comm_seconds_per_step", "%.4f"), "yes" if same(one, d) else "NO"))
lines += ["", "The all-gather alone (`smezo mpi-ping --bytes 128`, 2,000 calls after 100 warm-up):", ""]
lines += ["    " + l for l in ping.strip().split("\n")]
open(out, "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
