#!/usr/bin/env bash
# Coverage-guided fuzzing of every parser of a user's file (the targets in
# src/test/java/dev/smezo/fuzz/FuzzTargets.java) under Jazzer's libFuzzer driver, each for MINUTES,
# JOBS targets at a time. Corpora grow in target/fuzz/NAME/corpus and every sitting's log is kept, so
# reruns add up ("in all"); findings (crash-*, timeout-*, oom-* and a Java reproducer) land in
# target/fuzz/NAME/findings and the run goes on (--keep_going). Then writes OUT: per target the
# seconds, executions, coverage (libFuzzer's edges "cov" and features "ft"), corpus size, peak RSS and
# findings summed over every sitting's log.
#
# Usage: benchmarks/reliability/fuzz.sh [TARGET_SIMPLE_NAME...]
# Environment: MINUTES=30, JOBS=2, OUT=benchmarks/results/DATE-fuzz.md, SUMMARY_ONLY=1 (only rewrite OUT)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
MINUTES="${MINUTES:-30}"
JOBS="${JOBS:-2}"
OUT="${OUT:-benchmarks/results/$(date +%F)-fuzz.md}"
WORK="$ROOT/target/fuzz"
# the targets are FuzzTargets.ALL's, in its order: NAME -> class
declare -A CLASS=()
TARGETS=()
while read -r c; do CLASS[${c##*.}]=$c; TARGETS+=("${c##*.}"); done \
  < <(grep -o '"dev\.smezo\.[a-z.]*\.[A-Za-z]*Fuzzer"' src/test/java/dev/smezo/fuzz/FuzzTargets.java | tr -d '"')
(( $# )) && TARGETS=("$@")

if [[ -z "${SUMMARY_ONLY:-}" ]]; then
  JAVA_HOME="${JAVA_HOME:-$(ls -d /usr/lib/jvm/temurin-2[2-9]* /usr/lib/jvm/*-2[2-9]* 2>/dev/null | head -1)}"
  [[ -x "$JAVA_HOME/bin/java" ]] || { echo "fuzz: needs a JDK 22+ (set JAVA_HOME)" >&2; exit 2; }
  mvn -B -q -DskipTests package >/dev/null
  mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/classpath.txt" >/dev/null
  # a snapshot of the classes, so a rebuild during a long sitting does not change what the fuzzers load
  rm -rf "$WORK/classes"; mkdir -p "$WORK/classes"
  cp -r "$ROOT/target/classes" "$WORK/classes/main"; cp -r "$ROOT/target/test-classes" "$WORK/classes/test"
  # what this sitting ran, for the report (a summary written later must not name a later commit)
  echo "$(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with uncommitted changes)')" >"$WORK/sitting-commit"
  echo "MINUTES=$MINUTES JOBS=$JOBS benchmarks/reliability/fuzz.sh ${*:-}" >"$WORK/sitting-command"
  CP="$WORK/classes/test:$WORK/classes/main:$(cat "$WORK/classpath.txt")"
  run_one() {
    local name=$1 dir="$WORK/$1"
    mkdir -p "$dir/corpus" "$dir/findings"
    local n; n=$(find "$dir" -maxdepth 1 -name 'run-*.log' | wc -l)
    echo "fuzz: $name for $MINUTES min (log $dir/run-$((n + 1)).log)"
    # a finding is reported and the run goes on; exit status is libFuzzer's, summarized below
    (cd "$dir" && "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -XX:+EnableDynamicAgentLoading -Xmx2g -Xss8m \
      -Dsmezo.native.dir="$WORK/classes/main/native/linux-x86_64" -Dsmezo.shared="$ROOT/../shared" \
      -cp "$CP" com.code_intelligence.jazzer.Jazzer --target_class="${CLASS[$name]}" \
      --instrumentation_includes='dev.smezo.**' --keep_going=1000 --reproducer_path="$dir/findings" \
      -artifact_prefix="$dir/findings/" -max_total_time=$((MINUTES * 60)) -timeout=20 -rss_limit_mb=3072 \
      -print_final_stats=1 "$dir/corpus" "$ROOT/src/test/resources/fuzz/$name" >"$dir/run-$((n + 1)).log" 2>&1) || true
  }
  running=0
  for t in "${TARGETS[@]}"; do
    [[ -n "${CLASS[$t]:-}" ]] || { echo "fuzz: unknown target $t (${!CLASS[*]})" >&2; exit 2; }
    run_one "$t" &
    running=$((running + 1))
    if (( running >= JOBS )); then wait -n; running=$((running - 1)); fi
  done
  wait
fi

{
  echo "# Coverage-guided fuzzing (Jazzer $(sed -n 's/.*<jazzer.version>\(.*\)<.*/\1/p' pom.xml), libFuzzer driver) ($(date +%F))"
  echo
  echo "- Machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) CPUs; targets ran $JOBS at a time, so each had about $(( 200 / JOBS > 100 ? 100 : 200 / JOBS ))% of a core."
  echo "- Commit of the last sitting: $(cat "$WORK/sitting-commit" 2>/dev/null || echo unknown). Targets: src/test/java/dev/smezo/fuzz/FuzzTargets.java; seeds: src/test/resources/fuzz/."
  echo "- cov and ft are libFuzzer's counts at the end of the last sitting (edges and features of the instrumented dev.smezo classes)."
  echo "- A finding is an uncaught exception other than the reader's documented refusal naming the file, an assertion of the target (accepted input not usable), a JVM abort in native code, an input over 20 s or 3 GiB."
  echo
  echo "| target | sittings | seconds | executions | exec/s | cov | ft | corpus | peak RSS MB | findings |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  for t in "${TARGETS[@]}"; do
    dir="$WORK/$t"; logs=("$dir"/run-*.log)
    [[ -e "${logs[0]}" ]] || continue
    awk -v name="$t" -v corpus="$(ls "$dir/corpus" | wc -l)" -v findings="$(ls "$dir/findings" | grep -vc '\.java$' || true)" '
      /stat::number_of_executed_units:/ { execs += $2 }
      /stat::peak_rss_mb:/ { if ($2 > rss) rss = $2 }
      /Done [0-9]+ runs in [0-9]+ second/ { for (i = 1; i <= NF; i++) if ($i == "in") secs += $(i + 1) }
      /(DONE|pulse|NEW|REDUCE)[ \t]+cov: / { for (i = 1; i <= NF; i++) { if ($i == "cov:") cov = $(i + 1); if ($i == "ft:") ft = $(i + 1) } }
      FNR == 1 { sittings++ }
      END { printf "| %s | %d | %d | %d | %.0f | %s | %s | %d | %d | %d |\n", name, sittings, secs, execs,
            secs ? execs / secs : 0, cov, ft, corpus, rss, findings }' "${logs[@]}"
  done
  echo
  echo "## Findings"
  echo
  found=0
  for t in "${TARGETS[@]}"; do
    for f in "$WORK/$t"/findings/*; do
      [[ -e "$f" && "$f" != *.java ]] || continue
      found=1; echo "- $t: $(basename "$f") ($(stat -c %s "$f") bytes)"
    done
    grep -h "^== Java Exception\|^==[0-9]*== ERROR" "$WORK/$t"/run-*.log 2>/dev/null | sort | uniq -c | sed "s/^/  - $t: /" || true
  done
  (( found )) || echo "None."
  echo
  echo "## Command"
  echo
  echo '```'
  cat "$WORK/sitting-command" 2>/dev/null || echo "MINUTES=$MINUTES JOBS=$JOBS benchmarks/reliability/fuzz.sh ${*:-}"
  echo '```'
} >"$OUT"
echo "fuzz: wrote $OUT"
