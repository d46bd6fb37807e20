#!/usr/bin/env bash
# Load test of /predict while two training jobs run on the same server.
#
#  1. Starts the jar (2 training workers) on a throwaway PostgreSQL database (--h2: an H2 file under /tmp),
#     uploads the article data, trains a model, and starts two long training jobs that run throughout.
#  2. Steady rate: POST /models/{id}/predict with a one-row body at --rate requests/s for --duration
#     seconds, open loop (scripts/PredictLoad.java: latency from each request's scheduled send time, so
#     stalls are not hidden by coordinated omission). Reports rps, p50/p90/p99/max latency and errors, and
#     (on PostgreSQL) the database transactions and rows read during that time, next to the same figures for
#     an equally long quiet period just before (training only, no /predict): whether /predict reads the
#     database per request or serves the cached model.
#  3. Maximum throughput, closed loop, same client and connections, interleaved rounds: /predict vs the
#     trivial GET /actuator/health/liveness (no database) and GET /actuator/health (which runs the
#     database health check, one query per call), and the ratios; wrk (Debian's package) as a cross-check;
#     then, after the training jobs were cancelled, the throughput comparison and the steady rate once more
#     on the idle server, to tell what the training jobs cost.
# Prints one JSON document on stdout (progress on stderr).
#
# usage: scripts/load-test.sh [--h2] [--rate 500] [--duration 30] [--rounds 3] [--round-seconds 10]
#                             [--connections 16] [--compare-connections 8] [--omp-threads N] [--no-wrk]
#                             [--port 18131] [--keep]
# The load client runs on the same 2 cores as the server and its two training jobs: the figures are for
# this whole machine, and vary with whatever else runs on it (the load average is reported).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$NF_ROOT"

DB=postgres
RATE=500
DURATION=30
ROUNDS=3
ROUND_SECONDS=10
CONNECTIONS=16          # open-loop connections: enough that a slow answer does not hold up the schedule
COMPARE_CONNECTIONS=8   # closed-loop connections, the same for /predict and /actuator/health
OMP_THREADS=default
USE_WRK=1
PORT=18131
while [[ $# -gt 0 ]]; do
    case "$1" in
        --h2) DB=h2; shift ;;
        --rate) RATE="$2"; shift 2 ;;
        --duration) DURATION="$2"; shift 2 ;;
        --rounds) ROUNDS="$2"; shift 2 ;;
        --round-seconds) ROUND_SECONDS="$2"; shift 2 ;;
        --connections) CONNECTIONS="$2"; shift 2 ;;
        --compare-connections) COMPARE_CONNECTIONS="$2"; shift 2 ;;
        --omp-threads) OMP_THREADS="$2"; shift 2 ;;
        --no-wrk) USE_WRK=0; shift ;;
        --port) PORT="$2"; shift 2 ;;
        --keep) NF_KEEP=1; shift ;;
        *) nf_die "unknown argument $1" ;;
    esac
done

trap nf_cleanup EXIT
[[ "$OMP_THREADS" == default ]] || export OMP_NUM_THREADS="$OMP_THREADS"
nf_build_jar
nf_make_tmp load
if [[ "$USE_WRK" == 1 ]] && ! command -v wrk >/dev/null; then
    nf_log "installing wrk from Debian's packages"
    apt-get install -y -qq wrk >/dev/null 2>&1 || { nf_log "wrk could not be installed; skipping the cross-check"; USE_WRK=0; }
fi

APP_ARGS=(--netforge.training.workers=2)
nf_database_args "$DB" load
APP_ARGS+=("${NF_DB_ARGS[@]}")
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
nf_start "$NF_TMP/service.log" "$PORT" -Xmx1g -- "${APP_ARGS[@]}"
JVM=$NF_LAST_PID
nf_wait_healthy "$PORT" "$JVM"
BASE="http://127.0.0.1:$PORT"

DATASET="$(nf_upload "$PORT" "$NF_ARTICLE_TRAIN" article)"
MODEL="$(nf_submit "$PORT" "$DATASET" 500)"
[[ "$(nf_wait_model "$PORT" "$MODEL" 600)" == SUCCEEDED* ]] || nf_die "the model to serve did not train"
nf_predict_body 1 "$NF_TMP/one-row.json"
nf_log "serving model $MODEL; starting two long training jobs"
JOB1="$(nf_submit "$PORT" "$DATASET" 1000000)"
JOB2="$(nf_submit "$PORT" "$DATASET" 1000000)"
jobs_state() {
    for job in "$JOB1" "$JOB2"; do
        nf_model "$PORT" "$job" | jget '"%s:%d" % (d["status"], d["progress"]["iteration"])'
    done | paste -sd' '
}
for _ in $(seq 100); do
    [[ "$(jobs_state)" =~ ^RUNNING:[1-9][0-9]*\ RUNNING:[1-9] ]] && break
    sleep 0.2
done
JOBS_AT_START="$(jobs_state)"
[[ "$JOBS_AT_START" =~ ^RUNNING.*RUNNING ]] || nf_die "the two training jobs are not both running: $JOBS_AT_START"

load() { (cd "$NF_ROOT/scripts" && java -Xmx512m PredictLoad.java "$@"); }
PREDICT_URL="$BASE/models/$MODEL/predict"
LIVENESS_URL="$BASE/actuator/health/liveness"
HEALTH_URL="$BASE/actuator/health"
[[ "$(curl -sS "$LIVENESS_URL")" == *UP* ]] || nf_die "$LIVENESS_URL does not answer UP"
compare() { # ROUNDS SECONDS: closed loop, interleaved, on /predict, liveness and health
    load compare "$PREDICT_URL" "$LIVENESS_URL" "$HEALTH_URL" --body-0 "$NF_TMP/one-row.json" --rounds "$1" \
        --duration "$2" --connections "$COMPARE_CONNECTIONS"
}

nf_log "warm-up (JIT): 5 s closed loop on each endpoint"
compare 1 5 >"$NF_TMP/warmup.json"

pg_stats() {
    if [[ "$DB" == postgres ]]; then
        sleep 1.2 # PostgreSQL publishes a backend's counters within a second
        psql -qtA -h "$NF_PG_HOST" -p "$NF_PG_PORT" -U "$NF_PG_USER" -d postgres -c \
            "SELECT xact_commit + xact_rollback, tup_returned FROM pg_stat_database WHERE datname = '$NF_PG_DB'"
    else
        echo "0|0"
    fi
}

# The service's own database traffic without /predict load, over the same time, for comparison.
STATS_QUIET_BEFORE="$(pg_stats)"
sleep "$DURATION"
STATS_QUIET_AFTER="$(pg_stats)"
nf_log "steady rate: $RATE/s for ${DURATION}s with two jobs training ($(jobs_state))"
STATS_BEFORE="$(pg_stats)"
load rate "$PREDICT_URL" --body "$NF_TMP/one-row.json" --rate "$RATE" --duration "$DURATION" \
    --connections "$CONNECTIONS" >"$NF_TMP/steady.json"
STATS_AFTER="$(pg_stats)"
JOBS_AFTER_STEADY="$(jobs_state)"
nf_log "steady: $(cat "$NF_TMP/steady.json")"

nf_log "max throughput, busy server: $ROUNDS rounds of ${ROUND_SECONDS}s on /predict, liveness, health"
compare "$ROUNDS" "$ROUND_SECONDS" >"$NF_TMP/busy.json"
nf_log "busy: $(jget '[t["rps"] for t in d["targets"]] + d["firstOverEach"]' <"$NF_TMP/busy.json")"

wrk_one() { # PHASE NAME URL [wrk options]
    local phase="$1" name="$2" url="$3"
    shift 3
    wrk -t1 "-c$COMPARE_CONNECTIONS" "-d${ROUND_SECONDS}s" "$@" "$url" >"$NF_TMP/wrk-$phase-$name.out" 2>&1
}
wrk_all() { # PHASE: wrk on the three endpoints, one JSON object
    wrk_one "$1" predict "$PREDICT_URL" -s "$NF_TMP/post.lua"
    wrk_one "$1" liveness "$LIVENESS_URL"
    wrk_one "$1" health "$HEALTH_URL"
    python3 scripts/load_report.py wrk "$NF_TMP" "$1"
}
if [[ "$USE_WRK" == 1 ]]; then
    # io.open: the JSON body holds "]]", which would end a Lua long string.
    printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = io.open("%s"):read("*a")\n' \
        "$NF_TMP/one-row.json" >"$NF_TMP/post.lua"
    nf_log "wrk cross-check, busy server: ${ROUND_SECONDS}s on each endpoint"
    wrk_all busy >"$NF_TMP/wrk-busy.json"
fi

JOBS_AT_END="$(jobs_state)"
for job in "$JOB1" "$JOB2"; do
    curl -sS -X POST "$BASE/models/$job/cancel" >/dev/null
done
sleep 1
nf_log "training jobs at the end: $JOBS_AT_END; cancelled. Idle server: 2 rounds of 5s on each endpoint"
compare 2 5 >"$NF_TMP/idle.json"
nf_log "steady rate on the idle server: $RATE/s for ${DURATION}s"
load rate "$PREDICT_URL" --body "$NF_TMP/one-row.json" --rate "$RATE" --duration "$DURATION" \
    --connections "$CONNECTIONS" >"$NF_TMP/steady-idle.json"
nf_log "steady, idle: $(cat "$NF_TMP/steady-idle.json")"
if [[ "$USE_WRK" == 1 ]]; then
    wrk_all idle >"$NF_TMP/wrk-idle.json"
fi
grep -E ' (ERROR|WARN) ' "$NF_TMP/service.log" >"$NF_TMP/service-warnings.log" || true
nf_stop "$JVM"

cat >"$NF_TMP/setup.json" <<EOF
{"database": "$DB", "trainingWorkers": 2, "ompNumThreads": "${OMP_NUM_THREADS:-default}", "cores": $(getconf _NPROCESSORS_ONLN),
 "loadAverageBefore": "$LOAD_BEFORE", "loadAverageAfter": "$(cut -d' ' -f1-3 /proc/loadavg)", "model": "$MODEL",
 "trainingJobs": {"atStart": "$JOBS_AT_START", "afterSteady": "$JOBS_AFTER_STEADY", "atEnd": "$JOBS_AT_END"},
 "openLoopConnections": $CONNECTIONS, "closedLoopConnections": $COMPARE_CONNECTIONS,
 "dbStatsBefore": "$STATS_BEFORE", "dbStatsAfter": "$STATS_AFTER",
 "dbStatsQuietBefore": "$STATS_QUIET_BEFORE", "dbStatsQuietAfter": "$STATS_QUIET_AFTER"}
EOF
python3 scripts/load_report.py report "$NF_TMP"
