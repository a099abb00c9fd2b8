#!/usr/bin/env bash
# Soak: one long training run (default 100,000 steps of S-MeZO on stories260K, evaluating and writing
# the best checkpoint every 2,000 steps, thresholds refreshed every 5,000), its memory sampled
# throughout: the run's own metrics.jsonl (rss_bytes and c_heap_bytes, glibc mallinfo2's bytes in use,
# every 10 steps) and, independently, /proc/PID/status (VmRSS) every 5 s by this script. Writes OUT:
# the samples every tenth of the run and the growth from the end of the warm-up (the first tenth) to
# the end, with a least-squares slope.
#
# Usage: benchmarks/reliability/soak.sh     Environment: STEPS=100000, THREADS=1, WORK=/tmp/smezo-soak,
#   MODEL=../shared/models/stories260K.gguf, OUT=benchmarks/results/DATE-soak.md, REPORT_ONLY=1 (rewrite OUT
#   from the run in WORK)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
STEPS="${STEPS:-100000}"
THREADS="${THREADS:-1}"
WORK="${WORK:-/tmp/smezo-soak}"
MODEL="${MODEL:-$ROOT/../shared/models/stories260K.gguf}"
OUT="${OUT:-benchmarks/results/$(date +%F)-soak.md}"
[[ -f "$MODEL" ]] || { echo "soak: $MODEL is absent" >&2; exit 2; }
ARGS=(train "$MODEL" --task tinystories-feelings --method smezo --lr 1e-4 --batch 1 --steps "$STEPS"
      --eval-every $((STEPS / 50)) --refresh-every $((STEPS / 20)) --n-dev 64 --n-test 64 --seed 1 -t "$THREADS")
if [[ -z "${REPORT_ONLY:-}" ]]; then
rm -rf "$WORK"; mkdir -p "$WORK"
# a copy of the launcher and the jar: a rebuild in this tree during the run must not change what it loads
source benchmarks/lib.sh
snapshot_app "$WORK/app"
echo "$(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with uncommitted changes)')" >"$WORK/commit"
start=$(date +%s)
"$WORK/app/smezo" "${ARGS[@]}" --out "$WORK/run" >"$WORK/log" 2>&1 &
pid=$!
# the launcher execs java, so $pid is the JVM once it runs
echo -e "seconds\tvmrss_kb" >"$WORK/proc-samples.tsv"
while kill -0 "$pid" 2>/dev/null; do
  rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
  [[ -n "$rss" ]] && echo -e "$(( $(date +%s) - start ))\t$rss" >>"$WORK/proc-samples.tsv"
  sleep 5
done
wait "$pid" || { echo "soak: the run failed (exit $?); $WORK/log:" >&2; tail -20 "$WORK/log" >&2; exit 1; }
seconds=$(( $(date +%s) - start ))
echo "$seconds" >"$WORK/seconds"
fi
seconds=$(cat "$WORK/seconds")

python3 - "$WORK" "$OUT" "$STEPS" "$seconds" "$(cat "$WORK/commit")" \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) CPUs" "./smezo ${ARGS[*]} --out RUN" <<'PY'
import json, sys
work, out, steps, seconds, commit, machine, command = sys.argv[1:]
steps, seconds = int(steps), int(seconds)
train, evals = [], 0
for line in open(f"{work}/run/metrics.jsonl"):
    m = json.loads(line)
    if m["type"] == "train": train.append(m)
    else: evals += 1
proc = [tuple(map(int, l.split("\t"))) for l in open(f"{work}/proc-samples.tsv").read().split("\n")[1:] if l]
summary = json.load(open(f"{work}/run/summary.json"))
def slope(xs, ys):
    n = len(xs); mx = sum(xs) / n; my = sum(ys) / n
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
mib = lambda b: b / 2**20
warm = [m for m in train if m["step"] > steps // 10]
rows = []
half = [m for m in train if m["step"] > steps // 2]
for key, name in (("rss_bytes", "RSS (metrics.jsonl)"), ("c_heap_bytes", "C heap in use (mallinfo2)")):
    for part, label in ((warm, ""), (half, ", second half")):
        xs = [m["step"] for m in part]; ys = [m[key] for m in part]
        rows.append((name + label, mib(ys[0]), mib(ys[-1]), mib(min(ys)), mib(max(ys)), mib(ys[-1] - ys[0]), slope(xs, ys) * 10000 / 2**20))
pw = [p for p in proc if p[0] > seconds // 10]
if len(pw) > 2:
    ys = [p[1] * 1024 for p in pw]
    rows.append(("VmRSS (/proc, every 5 s)", mib(ys[0]), mib(ys[-1]), mib(min(ys)), mib(max(ys)), mib(ys[-1] - ys[0]),
                 slope([p[0] for p in pw], ys) * (seconds / steps) * 10000 / 2**20))
with open(out, "w") as f:
    f.write(f"# Soak: {steps:,} training steps, memory sampled throughout\n\n")
    f.write(f"- Machine: {machine}; shared with other jobs (the time is not a speed figure).\n- Commit: {commit}.\n")
    f.write(f"- Run: {steps:,} steps in {seconds:,} s, {evals} evaluations (dev and test) with the best checkpoint written on each "
            f"improvement, thresholds refreshed every {steps // 20:,} steps; {summary['skipped_steps']} skipped steps; "
            f"final test accuracy {summary['final_test_accuracy']}; peak RSS {mib(summary['peak_rss_bytes']):.1f} MiB.\n")
    f.write(f"- Growth is measured from the end of the warm-up (step {steps // 10:,}) to the end, and over the second half "
            f"(a leak grows alike in both; a process settling into its working set grows less and less); slope: least "
            f"squares, per 10,000 steps.\n\n")
    f.write("| memory | from MiB | end MiB | min MiB | max MiB | growth MiB | slope MiB / 10k steps |\n|---|---|---|---|---|---|---|\n")
    for r in rows: f.write("| %s | %.1f | %.1f | %.1f | %.1f | %+.2f | %+.3f |\n" % r)
    f.write("\n## Samples every tenth of the run (metrics.jsonl)\n\n| step | RSS MiB | C heap MiB | steps/s |\n|---|---|---|---|\n")
    for m in train:
        if m["step"] % (steps // 10) == 0 or m["step"] == 10:
            f.write(f"| {m['step']:,} | {mib(m['rss_bytes']):.1f} | {mib(m['c_heap_bytes']):.2f} | {m['steps_per_s']:.0f} |\n")
    f.write(f"\n## Command\n\n```\nbenchmarks/reliability/soak.sh   # runs: {command}\n```\n")
print(open(out).read())
PY
