#!/usr/bin/env bash
# Two service instances on one PostgreSQL database share the training queue.
#
#  1. 20 jobs, submitted alternately to instance A and instance B, each run exactly once: the
#     "Training model <id> (attempt N)" lines of both logs hold exactly one line per job, all attempt 1,
#     and every job SUCCEEDED with attempts = 1.
#  2. Either instance answers /predict for every model, byte for byte the same.
#  3. Kill test (--kills times, default 3): a long job is started, the instance running it is SIGKILLed,
#     and the other instance takes the job over once the lease expires (the delay from the kill to the
#     survivor's "attempt 2" log line is measured) and finishes it: SUCCEEDED with attempts = 2. The killed
#     instance is then started again for the next round.
#
# usage: scripts/two-instances.sh [--jobs 20] [--kills 3] [--lease 3s] [--ports 18121,18122]
#                                 [--omp-threads 1|default] [--keep]
# Uses a throwaway database on the PostgreSQL server at 127.0.0.1:5432 (user postgres, trust auth).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$NF_ROOT"

JOBS=20
KILLS=3
LEASE=3s
PORTS=(18121 18122)
JOB_ITERATIONS=150      # each of the shared-queue jobs
LONG_ITERATIONS=50000   # the job whose instance is killed (~8 s, so the kill lands mid-run)
# Both instances share this machine's 2 cores: each gets one ND4J/OpenMP thread, as if each had its own
# core. With the default (one OpenMP thread per core in each JVM) the two instances' spinning OpenMP
# threads oversubscribe the cores and training is many times slower (see docs/reliability.md).
OMP_THREADS=1
while [[ $# -gt 0 ]]; do
    case "$1" in
        --jobs) JOBS="$2"; shift 2 ;;
        --kills) KILLS="$2"; shift 2 ;;
        --lease) LEASE="$2"; shift 2 ;;
        --omp-threads) OMP_THREADS="$2"; shift 2 ;;
        --ports) IFS=, read -r -a PORTS <<<"$2"; shift 2 ;;
        --keep) NF_KEEP=1; shift ;;
        *) nf_die "unknown argument $1" ;;
    esac
done

trap nf_cleanup EXIT
if [[ "$OMP_THREADS" != default ]]; then
    export OMP_NUM_THREADS="$OMP_THREADS"
fi
nf_log "load average before: $(cut -d' ' -f1-3 /proc/loadavg); OMP_NUM_THREADS=${OMP_NUM_THREADS:-unset}"
nf_build_jar
nf_make_tmp two
nf_database_args postgres two
APP_ARGS=(--netforge.training.workers=1 "--netforge.training.lease=$LEASE" "${NF_DB_ARGS[@]}")
NAMES=(A B)
PIDS=("" "")
RUNS=(0 0)
log_of() { echo "$NF_TMP/${NAMES[$1]}-${RUNS[$1]}.log"; }
start_instance() {
    RUNS[$1]=$((RUNS[$1] + 1))
    nf_start "$(log_of "$1")" "${PORTS[$1]}" -Xmx1g -- "${APP_ARGS[@]}"
    PIDS[$1]=$NF_LAST_PID
}
all_logs() { cat "$NF_TMP"/*.log; }

# Both at once on the empty database, as in a deploy: Flyway must migrate it once.
start_instance 0
start_instance 1
nf_wait_healthy "${PORTS[0]}" "${PIDS[0]}"
nf_wait_healthy "${PORTS[1]}" "${PIDS[1]}"
nf_log "instances A :${PORTS[0]} (pid ${PIDS[0]}) and B :${PORTS[1]} (pid ${PIDS[1]}) on PostgreSQL $NF_PG_DB; files in $NF_TMP"
FAILURES=()
fail() { FAILURES+=("$*"); echo "  FAIL: $*"; }

DATASET="$(nf_upload "${PORTS[0]}" "$NF_ARTICLE_TRAIN" article)"
nf_predict_body 20 "$NF_TMP/predict-body.json"

# 1. The shared queue.
echo "== $JOBS jobs submitted alternately to A and B"
IDS=()
t0=$SECONDS
for ((k = 0; k < JOBS; k++)); do
    IDS+=("$(nf_submit "${PORTS[$((k % 2))]}" "$DATASET" "$JOB_ITERATIONS")")
done
succeeded=0
for ((k = 0; k < JOBS; k++)); do
    outcome="$(nf_wait_model "${PORTS[$((k % 2))]}" "${IDS[$k]}" 900)"
    if [[ "$outcome" == "SUCCEEDED 1" ]]; then
        succeeded=$((succeeded + 1))
    else
        fail "job ${IDS[$k]} ended '$outcome', expected 'SUCCEEDED 1'"
    fi
done
echo "  all finished in $((SECONDS - t0)) s; SUCCEEDED with attempts=1: $succeeded/$JOBS"
# Every start of a job is logged by the instance that starts it.
python3 - "$NF_TMP" "${IDS[@]}" >"$NF_TMP/starts.txt" <<'PY'
import collections, glob, os, re, sys
directory, ids = sys.argv[1], sys.argv[2:]
starts = collections.defaultdict(list)
for path in sorted(glob.glob(os.path.join(directory, "*.log"))):
    for line in open(path):
        m = re.search(r"Training model (\S+) \(attempt (\d+)\)", line)
        if m:
            starts[m.group(1)].append((os.path.basename(path).split("-")[0], int(m.group(2))))
by_instance = collections.Counter()
bad = 0
for i in ids:
    s = starts.get(i, [])
    if len(s) != 1 or s[0][1] != 1:
        bad += 1
        print(f"BAD {i} started {len(s)} times: {s}")
    for name, _ in s:
        by_instance[name] += 1
print(f"SUMMARY starts_ok={len(ids) - bad}/{len(ids)} by_instance={dict(sorted(by_instance.items()))}")
PY
{ grep '^BAD' "$NF_TMP/starts.txt" || true; } | sed 's/^/  /'
bad_starts="$(grep -c '^BAD' "$NF_TMP/starts.txt" || true)"
[[ "$bad_starts" == 0 ]] || fail "$bad_starts jobs were not started exactly once (see above)"
echo "  log lines 'Training model <id> (attempt N)': $(sed -n 's/^SUMMARY //p' "$NF_TMP/starts.txt")"
in_db="$(psql -qtA -h "$NF_PG_HOST" -p "$NF_PG_PORT" -U "$NF_PG_USER" -d "$NF_PG_DB" \
    -c "SELECT status || ' attempts=' || attempts || ': ' || count(*) FROM jobs WHERE kind = 'training' GROUP BY status, attempts ORDER BY 1" | paste -sd';')"
echo "  jobs table (training): $in_db"

# 2. Either instance answers for every model.
echo "== /predict for every model on both instances"
same=0
for id in "${IDS[@]}"; do
    a="$(nf_predict "${PORTS[0]}" "$id" "$NF_TMP/predict-body.json" || echo "error from A")"
    b="$(nf_predict "${PORTS[1]}" "$id" "$NF_TMP/predict-body.json" || echo "error from B")"
    if [[ "$a" == "$b" && "$a" == *probability* ]]; then
        same=$((same + 1))
    else
        fail "model $id: A answered '${a:0:120}', B answered '${b:0:120}'"
    fi
done
echo "  identical answers (20 rows each) from A and B: $same/${#IDS[@]}"

# 3. Kill the instance running a job; the other takes it over.
echo "== kill test: SIGKILL the instance running a $LONG_ITERATIONS-iteration job, lease $LEASE"
DELAYS=()
for ((round = 1; round <= KILLS; round++)); do
    submit_to=$(((round - 1) % 2))
    id="$(nf_submit "${PORTS[$submit_to]}" "$DATASET" "$LONG_ITERATIONS")"
    deadline=$((SECONDS + 120))
    runner=""
    while ((SECONDS < deadline)); do
        state="$(nf_model "${PORTS[$submit_to]}" "$id" | jget '"%s %d" % (d["status"], d["progress"]["iteration"])')"
        if [[ "$state" == RUNNING* && "${state#* }" -gt 0 ]]; then
            for i in 0 1; do
                grep -q "Training model $id (attempt 1)" "$(log_of "$i")" && runner=$i
            done
            break
        fi
        sleep 0.1
    done
    if [[ -z "$runner" ]]; then
        fail "round $round: job $id never ran (state $state)"
        continue
    fi
    survivor=$((1 - runner))
    kill_ms="$(nf_now_ms)"
    nf_kill9 "${PIDS[$runner]}"
    # Until the lease runs out the job stays RUNNING under the dead owner; then the survivor claims it.
    outcome="$(nf_wait_model "${PORTS[$survivor]}" "$id" 900)"
    taken_ms="$(nf_attempt_started_ms "$(log_of "$survivor")" "$id" 2)"
    delay="-"
    if [[ "$taken_ms" != 0 ]]; then
        delay="$(python3 -c "print(f'{($taken_ms - $kill_ms) / 1000:.2f}')")"
        DELAYS+=("$delay")
    fi
    predicted="$(nf_predict "${PORTS[$survivor]}" "$id" "$NF_TMP/predict-body.json" 2>/dev/null | grep -c probability || true)"
    echo "  round $round: job ran on ${NAMES[$runner]} (killed at iteration ${state#* }), ${NAMES[$survivor]} took it over ${delay} s after the kill, outcome '$outcome', predicts: $([[ "$predicted" == 1 ]] && echo yes || echo no)"
    [[ "$outcome" == "SUCCEEDED 2" ]] || fail "round $round: job $id ended '$outcome', expected 'SUCCEEDED 2'"
    [[ "$delay" != "-" ]] || fail "round $round: no 'attempt 2' line in ${NAMES[$survivor]}'s log"
    [[ "$predicted" == 1 ]] || fail "round $round: ${NAMES[$survivor]} does not predict with job $id"
    starts="$(all_logs | grep -c "Training model $id (attempt" || true)"
    [[ "$starts" == 2 ]] || fail "round $round: job $id was started $starts times, expected 2"
    # The killed instance comes back for the next round.
    start_instance "$runner"
    nf_wait_healthy "${PORTS[$runner]}" "${PIDS[$runner]}"
done

echo "== summary (load average now: $(cut -d' ' -f1-3 /proc/loadavg); OMP_NUM_THREADS=${OMP_NUM_THREADS:-unset})"
echo "  shared queue: $succeeded/$JOBS jobs SUCCEEDED with attempts=1; $(sed -n 's/^SUMMARY //p' "$NF_TMP/starts.txt")"
echo "  cross-instance /predict identical: $same/${#IDS[@]}"
echo "  takeover after SIGKILL (lease $LEASE): ${DELAYS[*]:-none} s"
if [[ ${#FAILURES[@]} -eq 0 ]]; then
    echo "RESULT: PASS"
else
    NF_KEEP=1
    echo "RESULT: FAIL (${#FAILURES[@]} problems)"
    for f in "${FAILURES[@]}"; do echo "  - $f"; done
fi
for i in 0 1; do nf_stop "${PIDS[$i]}"; done
[[ ${#FAILURES[@]} -eq 0 ]]
