#!/usr/bin/env bash
# A bounded soak: two instances on one PostgreSQL database, several clients sending a steady mix of uploads,
# trainings, predictions, cancels and deletes (scripts/soak_clients.py) for --minutes; meanwhile each instance's
# resident memory, open files and the database's connections are sampled every 10 s. At the end:
#   - every accepted job that was not deleted is in a final state, run once, the same on both instances;
#   - no model is missing; no FAILED job;
#   - no answer but the expected 4xx (predicting or cancelling a finished or deleted model...);
#   - resident memory and connections flat: the slope of a line fitted to the samples after the first fifth
#     (warm-up), reported in MB and connections per hour, with first, last and largest values.
#
# usage: scripts/soak.sh [--minutes 30] [--clients 4] [--ports 18151,18152] [--keep]
# Uses a throwaway database on the PostgreSQL server at 127.0.0.1:5432 (user postgres, trust auth).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$NF_ROOT"

MINUTES=30
CLIENTS=4
PORTS=(18151 18152)
while [[ $# -gt 0 ]]; do
    case "$1" in
        --minutes) MINUTES="$2"; shift 2 ;;
        --clients) CLIENTS="$2"; shift 2 ;;
        --ports) IFS=, read -r -a PORTS <<<"$2"; shift 2 ;;
        --keep) NF_KEEP=1; shift ;;
        *) nf_die "unknown argument $1" ;;
    esac
done

trap nf_cleanup EXIT
export OMP_NUM_THREADS=1   # two JVMs share the cores (see scripts/two-instances.sh)
nf_build_jar
nf_make_tmp soak
nf_database_args postgres soak
PIDS=()
for i in 0 1; do
    nf_start "$NF_TMP/instance-$i.log" "${PORTS[$i]}" -Xmx768m -- --netforge.training.workers=1 "${NF_DB_ARGS[@]}"
    PIDS+=("$NF_LAST_PID")
done
for i in 0 1; do
    nf_wait_healthy "${PORTS[$i]}" "${PIDS[$i]}"
done
python3 scripts/gen_csv.py "$NF_TMP/data.csv" 60000 10 3 >/dev/null

SAMPLES="$NF_TMP/samples.tsv"
: >"$SAMPLES"
sample() {
    while true; do
        local line
        line="$(date +%s)"
        for pid in "${PIDS[@]}"; do
            local rss fds
            rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
            fds=$(ls "/proc/$pid/fd" 2>/dev/null | wc -l)
            line="$line $rss $fds"
        done
        local connections
        connections=$(psql -At -h "$NF_PG_HOST" -p "$NF_PG_PORT" -U "$NF_PG_USER" -d postgres \
            -c "SELECT count(*) FROM pg_stat_activity WHERE datname = '$NF_PG_DB'" 2>/dev/null || echo -1)
        echo "$line $connections" >>"$SAMPLES"
        sleep 10
    done
}
sample &
SAMPLER=$!
nf_log "soak: $MINUTES min, $CLIENTS clients, instances on ${PORTS[*]}, $NF_DB_DESCRIPTION"
python3 scripts/soak_clients.py $((MINUTES * 60)) "$CLIENTS" "$NF_TMP/data.csv" \
    "http://127.0.0.1:${PORTS[0]}" "http://127.0.0.1:${PORTS[1]}" >"$NF_TMP/clients.json"
kill "$SAMPLER" 2>/dev/null || true
wait "$SAMPLER" 2>/dev/null || true
ERRORS=$(cat "$NF_TMP"/instance-*.log | grep -c ' ERROR ' || true)

python3 - "$NF_TMP/clients.json" "$SAMPLES" "$ERRORS" <<'PY' | tee "$NF_TMP/report.json"
import json, sys
clients = json.load(open(sys.argv[1]))
rows = [list(map(float, l.split())) for l in open(sys.argv[2]) if l.strip()]
def trend(column, scale):
    pts = [(r[0], r[column] * scale) for r in rows if len(r) > column and r[column] >= 0]
    if len(pts) < 3:
        return None
    warm = pts[len(pts) // 5:]
    t0 = warm[0][0]
    xs = [(t - t0) / 3600 for t, _ in warm]
    ys = [v for _, v in warm]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    den = sum((x - mx) ** 2 for x in xs) or 1
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den
    return {"first": round(pts[0][1], 1), "afterWarmUp": round(warm[0][1], 1), "last": round(pts[-1][1], 1),
            "max": round(max(v for _, v in pts), 1), "slopePerHour": round(slope, 1)}
report = {"clients": clients,
          "rssMb": [trend(1, 1 / 1024), trend(3, 1 / 1024)],
          "openFiles": [trend(2, 1), trend(4, 1)],
          "databaseConnections": trend(5, 1),
          "samples": len(rows), "serviceErrorLogLines": int(sys.argv[3])}
report["ok"] = clients["ok"]
print(json.dumps(report, indent=2))
PY
python3 -c "import json,sys; sys.exit(0 if json.load(open('$NF_TMP/report.json'))['ok'] else 1)"
