#!/usr/bin/env bash
# JSON Lines parsing speed, the hand-written parser smezo had against Jackson (issue: JSON on a
# library): writes a ~100 MB JSONL of chat records to /tmp once, then times each way of reading it.
# Usage: benchmarks/json/jsonl.sh [MB]   (results go in benchmarks/json/RESULTS.md by hand)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MB="${1:-100}"
FILE="${TMPDIR:-/tmp}/smezo-bench-chat-${MB}mb.jsonl"
JAVA=""
for c in "${SMEZO_JAVA:-}" "${JAVA_HOME:+$JAVA_HOME/bin/java}" "$(command -v java || true)" /usr/lib/jvm/*/bin/java; do
  [[ -x "$c" ]] && "$c" -version 2>&1 | grep -qE 'version "(2[2-9]|[3-9][0-9])' && { JAVA="$c"; break; }   # JDK >= 22, as ./smezo
done
[[ -n "$JAVA" ]] || { echo "jsonl.sh: no JDK 22 or newer found (set SMEZO_JAVA)" >&2; exit 1; }
(cd "$ROOT" && mvn -q -B -o -DskipTests package) >&2   # the jar (with jackson-core) and the test classes
exec "$JAVA" -Xmx3g -cp "$ROOT/target/smezo.jar:$ROOT/target/test-classes" dev.smezo.json.JsonLinesBenchmark "$FILE" "$MB"
