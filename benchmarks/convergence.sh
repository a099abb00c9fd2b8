#!/usr/bin/env bash
# Convergence of the zeroth-order methods on stories260K (PROTOCOL.md's setting scaled to a tiny model):
# per task, each arm (MeZO; S-MeZO at sparsity 0.5 and 0.8, thresholds fixed and refreshed every 100
# steps; R-MeZO; the paper's control, the largest weights) at its best lr from a small grid, then 3 seeds.
#
#   1. grid: every arm at every lr of LRS, seed 0; the best lr is the one with the lowest final dev loss;
#      when it sits at an edge of the grid the grid grows by one value past it (at most twice);
#   2. seeds: the best lr with the other SEEDS.
#
# Every run is a normal run directory under WORK/TASK/ARM/lr-LR-sSEED: a finished one (summary.json) is
# skipped, a stopped one resumed, so the script may be stopped and rerun over several sittings. The
# finished runs' records are kept in benchmarks/results/convergence-runs.tar.gz (update it with
# `cd WORK && tar -czf ARCHIVE $(find . -name metrics.jsonl -o -name summary.json -o -name config.json
# -o -name '*.failed')`), which the script unpacks first. Then
# writes OUT (a table: final and best test accuracy, mean and spread over the seeds, steps to ACC_TARGET,
# the trained fraction) and OUT's .svg (test accuracy against steps, seed bands) with the hidden
# `smezo convergence-report`.
#
# Usage: benchmarks/convergence.sh [TASK...]   (default: tinystories-feelings tinystories-sentiment sst2)
# Environment: STEPS=1000, LRS="3e-5 1e-4 3e-4 1e-3", SEEDS="0 1 2", JOBS=2 (runs at a time, 1 thread
#   each), WORK=target/convergence, OUT=benchmarks/results/convergence.md, REPORT_ONLY=1 (only the report),
#   MODEL=../shared/models/stories260K.gguf
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
STEPS="${STEPS:-1000}"
LRS="${LRS:-3e-5 1e-4 3e-4 1e-3}"
SEEDS="${SEEDS:-0 1 2}"
JOBS="${JOBS:-2}"
WORK="${WORK:-$ROOT/target/convergence}"
OUT="${OUT:-benchmarks/results/convergence.md}"
MODEL="${MODEL:-$ROOT/../shared/models/stories260K.gguf}"
TASKS=("$@")
(( ${#TASKS[@]} )) || TASKS=(tinystories-feelings tinystories-sentiment sst2)
# arm: name method sparsity refresh-every (0: thresholds fixed, as in the paper)
ARMS=("mezo mezo 0 0" "smezo-0.5 smezo 0.5 0" "smezo-0.5-refresh smezo 0.5 100" "smezo-0.8 smezo 0.8 0"
      "smezo-0.8-refresh smezo 0.8 100" "rmezo-0.8 rmezo 0.8 0" "large-0.8 smezo-large 0.8 0")
[[ -f "$MODEL" ]] || { echo "convergence: $MODEL is absent" >&2; exit 2; }
mkdir -p "$WORK"
# finished runs of earlier sittings (their metrics, summaries and configs; committed), so a fresh clone
# continues where they stopped and the report covers them
ARCHIVE="$ROOT/benchmarks/results/convergence-runs.tar.gz"
[[ -f "$ARCHIVE" ]] && tar -xzf "$ARCHIVE" -C "$WORK" --skip-old-files

# A copy of the launcher and the jar: a rebuild of this tree during a sitting must not change what runs.
source benchmarks/lib.sh
APP="$WORK/app"
snapshot_app "$APP"

# the 1-3 series around a value: prev/next of 1e-4 are 3e-5 and 3e-4
lr_step() { python3 -c "import math,sys; v=float(sys.argv[1]); d=int(sys.argv[2]); m=round(math.log10(v)*2)+d; print(('%.0e' % (10**(m//2)*(3 if m%2 else 1))).replace('e-0', 'e-'))" "$1" "$2"; }

run_dir() { echo "$WORK/$1/$2/lr-$3-s$4"; }   # task arm lr seed

# Runs one (task, arm, lr, seed) unless it finished; resumes it when it stopped.
run_one() {
  local task=$1 name=$2 method=$3 sparsity=$4 refresh=$5 lr=$6 seed=$7 dir
  dir=$(run_dir "$task" "$name" "$lr" "$seed")
  [[ -f "$dir/summary.json" || -f "$dir.failed" ]] && return 0
  local args=(train "$MODEL" --task "$task" --method "$method" --lr "$lr" --batch 16 --steps "$STEPS"
              --eval-every $((STEPS / 10)) --n-dev 200 --n-test 500 --seed "$seed" -t 1)
  [[ "$method" != mezo ]] && args+=(--sparsity "$sparsity")
  args+=(--refresh-every "$refresh")   # explicit: 0 is the paper's fixed thresholds, whatever train's default
  mkdir -p "$(dirname "$dir")"
  if [[ -f "$dir/trajectory.jsonl" ]]; then args=(train "$MODEL" --resume "$dir" -t 1); else args+=(--out "$dir" --overwrite); fi
  echo "convergence: $task $name lr $lr seed $seed"
  local rc=0
  "$APP/smezo" "${args[@]}" >"$dir.log" 2>&1 || rc=$?
  # exit 4: diverged, a result (the lr is too large), kept so a later sitting does not redo it; else a fault
  if (( rc == 4 )); then echo "diverged" >"$dir.failed"; elif (( rc != 0 )); then echo "convergence: FAILED (exit $rc) $task $name lr $lr seed $seed: $dir.log" >&2; fi
}

running=0
queue() { run_one "$@" & running=$((running + 1)); if (( running >= JOBS )); then wait -n || true; running=$((running - 1)); fi; }
drain() { wait || true; running=0; }

# The lr of an arm's grid runs with the lowest final dev loss, and whether it sits at the grid's low or high edge.
best_lr() {   # task arm -> "lr edge" (edge: -1, 0 or 1)
  python3 - "$WORK/$1/$2" <<'PY'
import glob, json, os, sys
runs = []
for d in glob.glob(os.path.join(sys.argv[1], "lr-*-s0")) + [f[:-7] for f in glob.glob(os.path.join(sys.argv[1], "lr-*-s0.failed"))]:
    if os.path.exists(d + ".failed"):   # diverged: the worst loss, but its lr counts for the grid's edges
        runs.append((float("inf"), float(os.path.basename(d).split("-s0")[0][3:]), os.path.basename(d).split("-s0")[0][3:]))
        continue
    if not os.path.exists(os.path.join(d, "summary.json")): continue
    lr = float(os.path.basename(d).split("-s0")[0][3:])
    dev = None   # the last evaluation's dev loss; null (not finite) counts as the worst, as in the report
    for line in open(os.path.join(d, "metrics.jsonl")):
        m = json.loads(line)
        if m.get("type") == "eval": dev = m.get("dev_loss")
    runs.append((float("inf") if dev is None else dev, lr, os.path.basename(d).split("-s0")[0][3:]))
if not runs: print("none 0 -"); sys.exit()
runs.sort()
lrs = sorted(r[1] for r in runs)
best = runs[0]
edge = -1 if best[1] == lrs[0] else 1 if best[1] == lrs[-1] else 0
if best[0] == float("inf"):   # every lr diverged: grow the grid downwards, and no seeds at a diverging lr
    print("none", -1 if edge == -1 or len(lrs) == 1 else 0, ("%.0e" % lrs[0]).replace("e-0", "e-")); sys.exit()
print(best[2], edge)
PY
}

if [[ -z "${REPORT_ONLY:-}" ]]; then
  for task in "${TASKS[@]}"; do
    for arm in "${ARMS[@]}"; do
      read -r name method sparsity refresh <<<"$arm"
      for lr in $LRS; do queue "$task" "$name" "$method" "$sparsity" "$refresh" "$lr" 0; done
    done
    drain
    for round in 1 2; do   # grow the grid past an edge best, at most twice
      for arm in "${ARMS[@]}"; do
        read -r name method sparsity refresh <<<"$arm"
        read -r lr edge lowest <<<"$(best_lr "$task" "$name")"
        [[ -n "$lr" ]] || { echo "convergence: could not rank $task $name" >&2; exit 1; }
        if [[ "$lr" == none && "$edge" == -1 ]]; then
          queue "$task" "$name" "$method" "$sparsity" "$refresh" "$(lr_step "$lowest" -1)" 0
        elif [[ "$lr" != none && "$edge" != 0 ]]; then
          queue "$task" "$name" "$method" "$sparsity" "$refresh" "$(lr_step "$lr" "$edge")" 0
        fi
      done
      drain
    done
    for arm in "${ARMS[@]}"; do
      read -r name method sparsity refresh <<<"$arm"
      read -r lr edge lowest <<<"$(best_lr "$task" "$name")"
      [[ -n "$lr" && "$lr" != none ]] || continue
      for seed in $SEEDS; do queue "$task" "$name" "$method" "$sparsity" "$refresh" "$lr" "$seed"; done
    done
    drain
  done
fi

"$APP/smezo" convergence-report --work "$WORK" --out "$OUT" --steps "$STEPS" --command "benchmarks/convergence.sh ${TASKS[*]} (STEPS=$STEPS LRS=\"$LRS\" SEEDS=\"$SEEDS\")" \
  "${TASKS[@]}"
