#!/usr/bin/env bash
# Does `smezo sweep` find the lr of a full grid search? For each task and arm of benchmarks/convergence.sh
# whose seed-0 grid has finished there: a sweep over a wide grid (LRS, independent of smezo's defaults) of
# short probes with the grid runs' settings, then its pick beside the grid's best lr (lowest final dev
# loss), their ratio, and the sweep's steps as a fraction of the grid's. Writes OUT.
#
# Usage: benchmarks/sweep.sh [TASK...]   (default: tinystories-feelings tinystories-sentiment)
# Environment: LRS=1e-5,3e-5,1e-4,3e-4,1e-3,3e-3, STEPS=60 (per probe), ARMS="mezo smezo-0.8 smezo-0.8-refresh",
#   (ARMS default: mezo smezo-0.8 smezo-0.5) CONVERGENCE=target/convergence (the grid's runs), CONV_STEPS=1000 (their steps), WORK=target/sweep, OUT=benchmarks/results/sweep.md
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
LRS="${LRS:-1e-5,3e-5,1e-4,3e-4,1e-3,3e-3}"
STEPS="${STEPS:-60}"
# (not the refreshed arms: probes shorter than the refresh period of 100 steps are the fixed arms' probes)
ARMS="${ARMS:-mezo smezo-0.8 smezo-0.5}"
CONVERGENCE="${CONVERGENCE:-$ROOT/target/convergence}"
WORK="${WORK:-$ROOT/target/sweep}"
OUT="${OUT:-benchmarks/results/sweep.md}"
MODEL="${MODEL:-$ROOT/../shared/models/stories260K.gguf}"
TASKS=("$@")
(( ${#TASKS[@]} )) || TASKS=(tinystories-feelings tinystories-sentiment)
source benchmarks/lib.sh
APP="$WORK/app"; snapshot_app "$APP"

# arm -> the sweep's options, as benchmarks/convergence.sh trains it
arm_options() {
  case "$1" in
    mezo) echo "--method mezo -- --refresh-every 0" ;;
    smezo-0.5) echo "--method smezo -- --sparsity 0.5 --refresh-every 0" ;;
    smezo-0.5-refresh) echo "--method smezo -- --sparsity 0.5 --refresh-every 100" ;;
    smezo-0.8) echo "--method smezo -- --sparsity 0.8 --refresh-every 0" ;;
    smezo-0.8-refresh) echo "--method smezo -- --sparsity 0.8 --refresh-every 100" ;;
    rmezo-0.8) echo "--method rmezo -- --sparsity 0.8 --refresh-every 0" ;;
    large-0.8) echo "--method smezo-large -- --sparsity 0.8 --refresh-every 0" ;;
    *) echo "sweep.sh: unknown arm $1" >&2; exit 2 ;;
  esac
}

for task in "${TASKS[@]}"; do
  for arm in $ARMS; do
    [[ -d "$CONVERGENCE/$task/$arm" ]] || { echo "sweep.sh: no grid for $task $arm in $CONVERGENCE; skipped" >&2; continue; }
    opts_line="$(arm_options "$arm")" || exit 2
    read -r -a opts <<<"$opts_line"
    [[ " ${opts[*]} " == *" -- "* ]] || opts+=(--)
    echo "sweep.sh: $task $arm" >&2
    "$APP/smezo" sweep "$MODEL" --task "$task" --lr "$LRS" --steps "$STEPS" --run-steps "${CONV_STEPS:-1000}" --out "$WORK/$task/$arm" -t 1 "${opts[@]}" \
      --batch 16 --n-dev 200 --n-test 500 --seed 0 >"$WORK/$task-$arm.log" 2>&1 || true
  done
done

python3 - "$CONVERGENCE" "$WORK" "$OUT" "$STEPS" "$LRS" "${TASKS[*]}" "$ARMS" \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) CPUs" <<'PY'
import glob, json, math, os, sys
conv, work, out, steps, lrs, tasks, arms, machine = sys.argv[1:]
rows = []
for task in tasks.split():
    for arm in arms.split():
        grid = {}
        for d in glob.glob(f"{conv}/{task}/{arm}/lr-*-s0") + [f[:-7] for f in glob.glob(f"{conv}/{task}/{arm}/lr-*-s0.failed")]:
            lr = float(os.path.basename(d)[3:-3])
            if os.path.exists(d + ".failed"): grid[lr] = (math.inf, 0); continue
            if not os.path.exists(f"{d}/summary.json"): continue
            evals = [json.loads(l) for l in open(f"{d}/metrics.jsonl") if '"eval"' in l]
            dev = evals[-1].get("dev_loss")   # null (not finite): the worst, as in the report
            grid[lr] = (math.inf if dev is None else dev, evals[-1]["step"])
        sw = f"{work}/{task}/{arm}/sweep.json"
        if not grid or not os.path.exists(sw): continue
        s = json.load(open(sw))
        best_grid = min(grid, key=lambda k: grid[k][0])
        grid_steps = sum(v[1] for v in grid.values() if v[1]) + sum(int(os.environ.get("CONV_STEPS", "1000")) for v in grid.values() if not v[1])
        sweep_steps = sum(p["steps"] for p in s["probes"])
        pick = s.get("recommended_lr")   # the best probe's lr scaled to the grid runs' length
        ratio = max(pick, best_grid) / min(pick, best_grid) if pick else math.inf
        probe = s["best"]["lr"] if s["best"] else None
        rows.append((task, arm, pick, probe, best_grid, ratio, sweep_steps, grid_steps, len(grid)))
with open(out, "w") as f:
    f.write("# `smezo sweep` against the full lr grid of benchmarks/convergence.sh\n\n")
    f.write(f"- Machine: {machine}. stories260K, batch 16, eps 1e-3, seed 0, 200 dev examples, as the grid's runs.\n")
    f.write(f"- Sweep: `smezo sweep MODEL --task T --lr {lrs} --steps {steps}` (probes stopped when the dev loss rises 2% "
            f"above the start), ranked by dev loss after {steps} steps, the best probe's lr scaled by sqrt({steps} / run steps) to the grid runs' "
            f"length (`--run-steps`, SGD's step size for a fixed horizon); grid: the benchmark's seed-0 runs, best by final dev loss.\n")
    f.write("- Steps: the sweep's probes' steps (early stops count what they ran) against the grid's runs' steps "
            "(diverged runs counted in full). Done when: the pick within a factor of 3 of the grid's best, in at most a tenth of its steps.\n\n")
    f.write("| task | arm | sweep's lr (best probe's) | grid's best lr | factor | sweep steps | grid steps (runs) | fraction | holds |\n|---|---|---|---|---|---|---|---|---|\n")
    for t, a, p, pb, g, r, ss, gs, n in rows:
        ok = r <= 3.0001 and ss <= gs / 10
        f.write(f"| {t} | {a} | {'-' if p is None else format(p, 'g')} ({'-' if pb is None else format(pb, 'g')}) | {g:g} | {r:.2f} | {ss:,} | {gs:,} ({n}) | {ss / gs:.3f} | {'yes' if ok else 'no'} |\n")
    f.write(f"\n## Command\n\n```\nbenchmarks/sweep.sh {tasks}   # ARMS=\"{arms}\" LRS={lrs} STEPS={steps}\n```\n")
print(open(out).read())
PY
