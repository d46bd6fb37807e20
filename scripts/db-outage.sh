#!/usr/bin/env bash
# The database goes away and comes back, under work, on a PostgreSQL cluster of the script's own (initdb in a
# scratch folder, its own port: nothing else on the machine is disturbed).
#
# Each repeat: two training jobs running, one slow upload in flight (a CSV sent at a limited rate), /predict of a
# loaded model under steady load (PredictLoad, open loop), readiness and a database read (GET /models/{id})
# polled; then PostgreSQL is stopped for --outage seconds and started again. Expected, and checked:
#   - /predict of the loaded model: no errors during or after;
#   - readiness DOWN while the database is away, UP after; liveness always UP;
#   - a request that needs the database: 503 problem+json with Retry-After while it is away, never a 500,
#     answered within a bounded time;
#   - both jobs end SUCCEEDED (their final write retried, or the job run again after its lease);
#   - the upload either completed (201, all its rows) or left no dataset;
#   - no job or dataset lost: every model and dataset accepted before is still there.
# Then --final-write trials: PostgreSQL restarted (immediate stop) just as a job finishes training, when it
# writes its model: the job still ends SUCCEEDED.
#
# usage: scripts/db-outage.sh [--repeats 10] [--outage 30] [--final-write 3] [--pg-port 18432]
#                             [--port 18141] [--keep]
# Prints one JSON report (also in $NF_TMP/report.json with --keep). Needs initdb/pg_ctl (Debian's PostgreSQL
# server package); as root, the cluster runs as the postgres user.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$NF_ROOT"

REPEATS=10
OUTAGE=30
FINAL_WRITE=3
PG_PORT=18432
PORT=18141
while [[ $# -gt 0 ]]; do
    case "$1" in
        --repeats) REPEATS="$2"; shift 2 ;;
        --outage) OUTAGE="$2"; shift 2 ;;
        --final-write) FINAL_WRITE="$2"; shift 2 ;;
        --pg-port) PG_PORT="$2"; shift 2 ;;
        --port) PORT="$2"; shift 2 ;;
        --keep) NF_KEEP=1; shift ;;
        *) nf_die "unknown argument $1" ;;
    esac
done

PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[[ -x "$PG_BIN/initdb" ]] || nf_die "no initdb under /usr/lib/postgresql/*/bin (install Debian's postgresql)"
as_pg() { if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }

stop_pg() { as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR" -m "${1:-fast}" -w stop >/dev/null 2>&1 || true; }
start_pg() {
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR" -l "$PG_DIR.log" -w -t 60 \
        -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $PG_SOCKETS" start >/dev/null
}
cleanup() {
    [[ -n "${PG_DIR:-}" && -d "${PG_DIR:-}" ]] && stop_pg immediate
    nf_cleanup
}
trap cleanup EXIT

nf_build_jar
nf_make_tmp outage
PG_DIR="$NF_TMP/pg"
PG_SOCKETS="$NF_TMP/sockets"
mkdir -p "$PG_DIR" "$PG_SOCKETS"
[[ $(id -u) == 0 ]] && chown -R postgres "$NF_TMP"
chmod 700 "$PG_DIR"
as_pg "$PG_BIN/initdb" -D "$PG_DIR" -U postgres --auth=trust -E UTF8 >/dev/null
start_pg
psql -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -c 'CREATE DATABASE netforge' >/dev/null
nf_log "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on port $PG_PORT, data in $PG_DIR"

LOG="$NF_TMP/service.log"
nf_start "$LOG" "$PORT" -Xmx1g -- --spring.profiles.active=postgres \
    "--spring.datasource.url=jdbc:postgresql://127.0.0.1:$PG_PORT/netforge" \
    --spring.datasource.username=postgres --spring.datasource.password= \
    --netforge.training.workers=2 --netforge.training.lease=5s --netforge.training.heartbeat=1s
SERVICE_PID=$NF_LAST_PID
nf_wait_healthy "$PORT" "$SERVICE_PID"
BASE="http://127.0.0.1:$PORT"

# a loaded model for /predict, and the data the jobs train on
python3 scripts/gen_csv.py "$NF_TMP/train.csv" 400000 10 1 >/dev/null
python3 scripts/gen_csv.py "$NF_TMP/upload.csv" 12000000 10 2 >/dev/null
TRAIN=$(nf_upload "$PORT" "$NF_TMP/train.csv" outage-train)
LOADED=$(nf_submit "$PORT" "$TRAIN" 50 "[4]")
nf_wait_model "$PORT" "$LOADED" >/dev/null
BODY="$NF_TMP/predict.json"
python3 -c "import json; print(json.dumps({'rows': [[0.1 * i for i in range(10)]]}))" >"$BODY"
curl -sf -H 'Content-Type: application/json' --data-binary "@$BODY" "$BASE/models/$LOADED/predict" >/dev/null

poll() { # name url interval -> lines "ms status seconds"
    local out="$NF_TMP/$1.poll" url="$2" interval="$3"
    : >"$out"
    while true; do
        curl -s -o /dev/null -m 20 -w "$(nf_now_ms) %{http_code} %{time_total}\n" "$url" >>"$out" 2>/dev/null || true
        sleep "$interval"
    done
}

repeat_once() { # repeat number -> one JSON line on stdout
    local r=$1 job1 job2 upload_pid upload_status
    job1=$(nf_submit "$PORT" "$TRAIN" 6000 "[16,8]")
    job2=$(nf_submit "$PORT" "$TRAIN" 6000 "[16,8]")
    java scripts/PredictLoad.java rate "$BASE/models/$LOADED/predict" --body "$BODY" --rate 50 \
        --duration $((OUTAGE + 25)) --connections 4 >"$NF_TMP/load-$r.json" 2>"$NF_TMP/load-$r.err" &
    local load_pid=$!
    poll "ready-$r" "$BASE/actuator/health/readiness" 0.5 & local ready_pid=$!
    poll "live-$r" "$BASE/actuator/health/liveness" 1 & local live_pid=$!
    poll "read-$r" "$BASE/models/$LOADED" 1 & local read_pid=$!
    # the upload, at 300 KB/s: about 40 s, spanning the outage
    local upload_name="outage-upload-$r"
    (curl -s -o "$NF_TMP/upload-$r.out" -w '%{http_code}' --limit-rate 300K -H 'Content-Type: text/csv' \
        --data-binary "@$NF_TMP/upload.csv" "$BASE/datasets?name=$upload_name" >"$NF_TMP/upload-$r.status" || true) &
    upload_pid=$!
    sleep 4
    local down_ms up_ms
    down_ms=$(nf_now_ms)
    stop_pg fast
    sleep "$OUTAGE"
    local restart_ms
    restart_ms=$(nf_now_ms)
    start_pg
    up_ms=$(nf_now_ms)
    wait "$load_pid" || true
    wait "$upload_pid" || true
    local deadline=$((SECONDS + 300)) s1=QUEUED s2=QUEUED
    while ((SECONDS < deadline)); do
        s1=$(curl -sf "$BASE/models/$job1" | jget 'd["status"]' || echo "?")
        s2=$(curl -sf "$BASE/models/$job2" | jget 'd["status"]' || echo "?")
        [[ "$s1" =~ ^(SUCCEEDED|FAILED|CANCELLED)$ && "$s2" =~ ^(SUCCEEDED|FAILED|CANCELLED)$ ]] && break
        sleep 1
    done
    sleep 2
    kill "$ready_pid" "$live_pid" "$read_pid" 2>/dev/null || true
    wait "$ready_pid" "$live_pid" "$read_pid" 2>/dev/null || true
    upload_status=$(cat "$NF_TMP/upload-$r.status" 2>/dev/null || echo 000)
    local datasets
    datasets=$(curl -sf "$BASE/datasets?limit=1000" | jget "json.dumps([x['rows'] for x in d if x['name'] == '$upload_name'])")
    local a1 a2
    a1=$(curl -sf "$BASE/models/$job1" | jget 'd["attempts"]')
    a2=$(curl -sf "$BASE/models/$job2" | jget 'd["attempts"]')
    python3 scripts/outage_report.py repeat "$r" "$down_ms" "$restart_ms" "$up_ms" "$NF_TMP" "$s1" "$s2" "$a1" "$a2" \
        "$upload_status" "$datasets" "$NF_TMP/upload.csv"
}

final_write_once() { # trial -> one JSON line
    local t=$1 job iteration max
    job=$(nf_submit "$PORT" "$TRAIN" 3000 "[16,8]")
    max=3000
    local deadline=$((SECONDS + 300))
    # wait until the training loop is done: the job then evaluates and writes its model
    while ((SECONDS < deadline)); do
        iteration=$(curl -sf "$BASE/models/$job" | jget 'd["progress"]["iteration"]' || echo 0)
        [[ "$iteration" -ge $((max - 100)) ]] && break
        sleep 0.05
    done
    stop_pg immediate
    sleep 3
    start_pg
    local status=QUEUED
    while ((SECONDS < deadline)); do
        status=$(curl -sf "$BASE/models/$job" | jget 'd["status"]' || echo "?")
        [[ "$status" =~ ^(SUCCEEDED|FAILED|CANCELLED)$ ]] && break
        sleep 0.5
    done
    local attempts
    attempts=$(curl -sf "$BASE/models/$job" | jget 'd["attempts"]' || echo 0)
    echo "{\"trial\": $t, \"status\": \"$status\", \"attempts\": $attempts, \"restartedAtIteration\": $iteration}"
}

REPORT="$NF_TMP/repeats.jsonl"
: >"$REPORT"
for r in $(seq 1 "$REPEATS"); do
    nf_log "repeat $r of $REPEATS: PostgreSQL away for ${OUTAGE}s"
    repeat_once "$r" | tee -a "$REPORT" >&2
done
FINALS="$NF_TMP/final.jsonl"
: >"$FINALS"
for t in $(seq 1 "$FINAL_WRITE"); do
    nf_log "final write $t of $FINAL_WRITE: PostgreSQL restarted as a job writes its model"
    final_write_once "$t" | tee -a "$FINALS" >&2
done
ERRORS=$(grep -c ' ERROR ' "$LOG" || true)
python3 scripts/outage_report.py summary "$REPORT" "$FINALS" "$ERRORS" | tee "$NF_TMP/report.json"
python3 -c "import json,sys; sys.exit(0 if json.load(open('$NF_TMP/report.json'))['ok'] else 1)"
