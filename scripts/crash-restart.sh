#!/usr/bin/env bash
# Crash and restart, N times: SIGKILL the service while a training job runs and an upload is half
# received, start it again on the same database, and check that
#   - the killed job runs again (attempt 2) and SUCCEEDS,
#   - the half-received upload left no dataset behind,
#   - every model that was SUCCEEDED before the kill is still there and predicts byte-identical JSON.
#
# usage: scripts/crash-restart.sh [--trials N] [--postgres] [--lease 3s] [--port 18110] [--keep]
#
# Default database: a throwaway H2 file under /tmp. --postgres: a throwaway database on the PostgreSQL
# server at 127.0.0.1:5432 (user postgres, trust auth), dropped at the end.
# The lease is short (3s by default, the service's default is 15s) so that a restarted instance takes the
# killed job over quickly; the restart itself (JVM start, ~10s here) already outlasts it.
# Prints one line per trial and "passed X/N"; exits non-zero unless every trial passed.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$NF_ROOT"

TRIALS=10
DB=h2
LEASE=3s
PORT=18110
SMALL_ITERATIONS=40     # the model trained to SUCCEEDED in each trial
LONG_ITERATIONS=50000   # the killed job: the article's 8-3 network, long enough (~8 s) to be killed mid-run
UPLOAD_RATE=1M          # the half upload: 16 MB at 1 MB/s, killed after ~2 s
while [[ $# -gt 0 ]]; do
    case "$1" in
        --trials) TRIALS="$2"; shift 2 ;;
        --postgres) DB=postgres; shift ;;
        --lease) LEASE="$2"; shift 2 ;;
        --port) PORT="$2"; shift 2 ;;
        --long-iterations) LONG_ITERATIONS="$2"; shift 2 ;;
        --keep) NF_KEEP=1; shift ;;
        *) nf_die "unknown argument $1" ;;
    esac
done

trap nf_cleanup EXIT
nf_build_jar
nf_make_tmp crash
mkdir -p "$NF_TMP/predictions"

APP_ARGS=(--netforge.training.workers=1 "--netforge.training.lease=$LEASE")
nf_database_args "$DB" crash
APP_ARGS+=("${NF_DB_ARGS[@]}")
nf_log "database: $NF_DB_DESCRIPTION"

UPLOAD_CSV="$NF_TMP/upload.csv"
python3 scripts/gen_csv.py "$UPLOAD_CSV" 16000000 >/dev/null
nf_predict_body 20 "$NF_TMP/predict-body.json"

RUN=0
JVM=""
LOG=""
start_service() {
    RUN=$((RUN + 1))
    LOG="$NF_TMP/run-$RUN.log"
    nf_start "$LOG" "$PORT" -Xmx1g -- "${APP_ARGS[@]}"
    JVM=$NF_LAST_PID
    nf_wait_healthy "$PORT" "$JVM"
}

start_service
DATASET="$(nf_upload "$PORT" "$NF_ARTICLE_TRAIN" article)"
nf_log "run logs and files in $NF_TMP; article dataset $DATASET"

KNOWN=()   # models that were SUCCEEDED at some point, with their recorded predictions
record_prediction() {
    nf_predict "$PORT" "$1" "$NF_TMP/predict-body.json" >"$NF_TMP/predictions/$1.json"
    KNOWN+=("$1")
}

PASSED=0
for ((trial = 1; trial <= TRIALS; trial++)); do
    problems=()

    # 1. A model trained to SUCCEEDED, and its answer for 20 fixed rows.
    small="$(nf_submit "$PORT" "$DATASET" "$SMALL_ITERATIONS")"
    outcome="$(nf_wait_model "$PORT" "$small" 300)"
    if [[ "$outcome" == SUCCEEDED* ]]; then
        record_prediction "$small"
    else
        problems+=("small model $small ended $outcome")
    fi

    # 2. An upload in flight: 16 MB sent at 1 MB/s, so it is still being received at the kill.
    datasets_before="$(nf_dataset_count "$PORT")"
    curl -sS -o "$NF_TMP/upload-$trial.out" -w '%{http_code}' --limit-rate "$UPLOAD_RATE" \
        -H 'Content-Type: text/csv' --data-binary "@$UPLOAD_CSV" \
        "http://127.0.0.1:$PORT/datasets?name=half-upload-$trial" >"$NF_TMP/upload-$trial.code" 2>&1 &
    upload_pid=$!
    NF_PIDS+=("$upload_pid")
    sleep 1.5   # more than one stored chunk (~1.2 MB of this CSV) has arrived

    # 3. A longer job, running (past its first iteration).
    long="$(nf_submit "$PORT" "$DATASET" "$LONG_ITERATIONS")"
    deadline=$((SECONDS + 120))
    while :; do
        state="$(nf_model "$PORT" "$long" | jget '"%s %d" % (d["status"], d["progress"]["iteration"])')"
        [[ "$state" == RUNNING* && "${state#* }" -gt 0 ]] && break
        [[ "$state" == QUEUED* || "$state" == RUNNING* ]] || break
        ((SECONDS < deadline)) || break
        sleep 0.1
    done

    # 4. SIGKILL the JVM with both in flight.
    state="$(nf_model "$PORT" "$long" | jget '"%s %d" % (d["status"], d["progress"]["iteration"])')"
    kill -0 "$upload_pid" 2>/dev/null && upload_alive=yes || upload_alive=no
    [[ "$state" == RUNNING* ]] || problems+=("the long job was not RUNNING at the kill: $state")
    [[ "$upload_alive" == yes ]] || problems+=("the upload was not in flight at the kill (it ended first)")
    kill_ms="$(nf_now_ms)"
    nf_kill9 "$JVM"
    upload_rc=0
    wait "$upload_pid" || upload_rc=$?
    nf_forget_pid "$upload_pid"
    [[ "$upload_rc" != 0 ]] || problems+=("curl said the upload completed: $(cat "$NF_TMP/upload-$trial.code")")

    # 5. Restart on the same database.
    start_service

    # 6. The half upload left nothing.
    datasets_after="$(nf_dataset_count "$PORT")"
    [[ "$datasets_after" == "$datasets_before" ]] \
        || problems+=("datasets before the upload $datasets_before, after the restart $datasets_after")
    if curl -sS "http://127.0.0.1:$PORT/datasets" | jget 'any(x["name"].startswith("half-upload") for x in d)' | grep -q True; then
        problems+=("a half-upload dataset exists after the restart")
    fi

    # 7. The killed job runs again and succeeds.
    outcome="$(nf_wait_model "$PORT" "$long" 600)"
    [[ "$outcome" == "SUCCEEDED 2" ]] || problems+=("long job $long ended '$outcome', expected 'SUCCEEDED 2'")
    grep -q "Training model $long (attempt 2)" "$LOG" || problems+=("no 'attempt 2' log line for $long")
    retaken_ms="$(nf_attempt_started_ms "$LOG" "$long" 2)"

    # 8. Every model SUCCEEDED before is still there and answers byte for byte the same.
    identical=0
    checked=${#KNOWN[@]}
    for model in "${KNOWN[@]}"; do
        status="$(nf_model "$PORT" "$model" | jget 'd["status"]' 2>/dev/null || echo MISSING)"
        if [[ "$status" != SUCCEEDED ]]; then
            problems+=("model $model is $status after the restart")
            continue
        fi
        if nf_predict "$PORT" "$model" "$NF_TMP/predict-body.json" | cmp -s - "$NF_TMP/predictions/$model.json"; then
            identical=$((identical + 1))
        else
            problems+=("model $model predicts differently after the restart")
        fi
    done
    if [[ "$outcome" == SUCCEEDED* ]]; then
        record_prediction "$long"
        # A rerun after a crash starts again from the stored rows and the seed: every trial's killed-and-rerun
        # job (same spec, same data) must give the same probabilities as the first one.
        probabilities() { python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["predictions"]))' "$1"; }
        if [[ -z "${FIRST_LONG:-}" ]]; then
            FIRST_LONG="$long"
        elif [[ "$(probabilities "$NF_TMP/predictions/$long.json")" != "$(probabilities "$NF_TMP/predictions/$FIRST_LONG.json")" ]]; then
            problems+=("the rerun job $long predicts differently from trial 1's rerun job $FIRST_LONG")
        fi
    fi

    summary="killed at iteration ${state#* } of $LONG_ITERATIONS, upload curl rc=$upload_rc, datasets $datasets_before->$datasets_after, long job '$outcome' (attempt 2 began $(( retaken_ms > 0 ? retaken_ms - kill_ms : -1 )) ms after the kill), $identical/$checked earlier models identical"
    if [[ ${#problems[@]} -eq 0 ]]; then
        PASSED=$((PASSED + 1))
        echo "trial $trial/$TRIALS: PASS  $summary"
    else
        NF_KEEP=1
        echo "trial $trial/$TRIALS: FAIL  $summary"
        for p in "${problems[@]}"; do echo "    - $p"; done
    fi
done

nf_stop "$JVM"
echo "passed $PASSED/$TRIALS ($DB, lease $LEASE)"
[[ "$PASSED" == "$TRIALS" ]]
