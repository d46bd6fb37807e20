#!/usr/bin/env bash
# Coverage-guided fuzzing of the three input surfaces with Jazzer, one target at a time (a JVM fuzzes one):
#   scripts/fuzz.sh                  # each target for one 30 s run (@FuzzTest's maxDuration)
#   scripts/fuzz.sh --rounds 10      # each for ten runs in a row (5 minutes), each starting from the last's corpus
#   scripts/fuzz.sh --keep           # and add the inputs that reached new coverage to the committed corpus
# Every build runs the committed corpus (regression mode); this script searches for new inputs. A finding (an
# exception other than a 4xx refusal, a failed invariant, a timeout or memory beyond libFuzzer's limit) stops the
# target and leaves its input in src/test/resources/<package>/<Test>Inputs/<method>/ for the regression run.
# Prints, per target: executions, executions per second, edges covered, corpus size.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=1
keep=
while [[ $# -gt 0 ]]; do
  case $1 in
    --rounds) rounds=$2; shift 2 ;;
    --keep) keep=--keep; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
targets=(
  "io.netforge.dataset.CsvParserFuzzTest parsesOrRefuses"
  "io.netforge.network.NetworkRequestFuzzTest validatesOrRefuses"
  "io.netforge.prediction.PredictBodyFuzzTest readsOrRefuses"
)
./mvnw -o -q -B test-compile >/dev/null 2>&1 || ./mvnw -q -B test-compile >&2
mkdir -p target/fuzz
for target in "${targets[@]}"; do
  read -r class method <<<"$target"
  log="target/fuzz/${class##*.}.log"
  status=0
  : >"$log"
  for round in $(seq 1 "$rounds"); do
    echo "fuzzing $class.$method, round $round of $rounds (30 s)" >&2
    # the project's classes and Jackson instrumented: coverage of the JSON parser guides inputs past it
    JAZZER_FUZZ=1 JAZZER_INSTRUMENTATION_INCLUDES="io.netforge.**:tools.jackson.**" ./mvnw -o -B test-compile surefire:test@fuzz-corpus \
      -Dtest="${class##*.}" -Dsurefire.failIfNoSpecifiedTests=false >>"$log" 2>&1 || status=$?
    [[ $status == 0 ]] || break
  done
  python3 - "$class" "$method" "$status" "$log" <<'PY'
import json, re, sys
cls, method, status, log = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
done = [l for l in open(log, errors="replace") if re.match(r"^#\d+\s+DONE", l)]
last = done[-1] if done else ""
m = lambda p: (re.search(p, last) or [None, None])[1]
print(json.dumps({"target": f"{cls}.{method}", "ok": status == 0, "runs": len(done),
                  "executions": sum(int(re.match(r"^#(\d+)", l).group(1)) for l in done),
                  "execsPerSecond": int(m(r"exec/s: (\d+)") or 0), "edgesCovered": int(m(r"cov: (\d+)") or 0),
                  "features": int(m(r"ft: (\d+)") or 0), "corpus": m(r"corp: (\S+)")}))
PY
  if [[ "$keep" == "--keep" ]]; then
    src=".cifuzz-corpus/$class/$method"
    dest="src/test/resources/${class%.*}"; dest="${dest//.//}/${class##*.}Inputs/$method"
    mkdir -p "$dest"
    [[ -d "$src" ]] && cp -n "$src"/* "$dest"/ 2>/dev/null || true
  fi
  [[ $status == 0 ]] || { echo "finding in $class.$method: see $log" >&2; exit 1; }
done
