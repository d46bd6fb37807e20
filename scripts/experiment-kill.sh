#!/usr/bin/env bash
# An experiment survives SIGKILLs of its instance: start a sweep (hidden layers x seeds, cross-validated),
# SIGKILL the service while runs are in flight, start it again on the same database, repeat, and check that
#   - the experiment completes SUCCEEDED with every run SUCCEEDED exactly once: as many runs as the grid asks
#     for, one per configuration x seed x fold, each with one stored model;
#   - the runs that were killed were run again (attempts > 1), and no run was lost or duplicated.
#
# usage: scripts/experiment-kill.sh [--kills N] [--postgres] [--lease 3s] [--port 18120] [--keep]
#
# Prints the kills, the runs' attempts and "passed" or the problems; exits non-zero on any problem.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$NF_ROOT"

KILLS=3
DB=h2
LEASE=3s
PORT=18120
while [[ $# -gt 0 ]]; do
    case "$1" in
        --kills) KILLS="$2"; shift 2 ;;
        --postgres) DB=postgres; shift ;;
        --lease) LEASE="$2"; shift 2 ;;
        --port) PORT="$2"; shift 2 ;;
        --keep) NF_KEEP=1; shift ;;
        *) nf_die "unknown argument $1" ;;
    esac
done

trap nf_cleanup EXIT
nf_build_jar
nf_make_tmp experiment-kill
APP_ARGS=(--netforge.training.workers=2 "--netforge.training.lease=$LEASE" --netforge.training.max-attempts=10)
nf_database_args "$DB" expkill
APP_ARGS+=("${NF_DB_ARGS[@]}")
nf_log "database: $NF_DB_DESCRIPTION; logs in $NF_TMP"

RUN=0
JVM=""
start_service() {
    RUN=$((RUN + 1))
    nf_start "$NF_TMP/run-$RUN.log" "$PORT" -Xmx1g -- "${APP_ARGS[@]}"
    JVM=$NF_LAST_PID
    nf_wait_healthy "$PORT" "$JVM"
}
api() {
    curl -sS --fail-with-body "$@"
}

start_service
DATASET="$(api -H 'Content-Type: application/json' -d '{"samples": 4000, "features": 20, "informative": 15,
    "redundant": 3, "flipY": 0.05, "seed": 42}' "http://127.0.0.1:$PORT/datasets/synthetic" | jget 'd["id"]')"
# 4 configurations x 2 seeds x 3 folds = 24 runs of 3000 iterations: long enough to be killed mid-run
EXPERIMENT="$(api -H 'Content-Type: application/json' -d "{\"name\": \"kill test\", \"folds\": 3,
    \"request\": {\"datasetId\": \"$DATASET\", \"network\": {\"maxIterations\": 3000}},
    \"grid\": {\"hiddenLayers\": [[2], [4], [8], [8, 3]], \"seed\": [0, 1]}}" \
    "http://127.0.0.1:$PORT/experiments" | jget 'd["id"]')"
nf_log "experiment $EXPERIMENT"

for ((kill = 1; kill <= KILLS; kill++)); do
    # wait until a run is in flight on this instance and a few more have finished than before
    start=$SECONDS
    while true; do
        progress="$(api "http://127.0.0.1:$PORT/experiments/$EXPERIMENT" | jget '"%d %d %d" % (d["progress"]["running"], d["progress"]["succeeded"], d["progress"]["runs"])')"
        read -r running succeeded runs <<<"$progress"
        if ((running > 0 && succeeded >= kill * 3)); then
            break
        fi
        ((SECONDS - start < 300)) || nf_die "no progress before kill $kill: $progress"
        sleep 0.2
    done
    nf_kill9 "$JVM"
    nf_log "kill $kill: SIGKILL with $running running, $succeeded of $runs succeeded"
    start_service
done

start=$SECONDS
while true; do
    status="$(api "http://127.0.0.1:$PORT/experiments/$EXPERIMENT" | jget 'd["status"]')"
    [[ "$status" == SUCCEEDED || "$status" == FAILED || "$status" == CANCELLED ]] && break
    ((SECONDS - start < 900)) || nf_die "experiment still $status after 900 s"
    sleep 1
done
api "http://127.0.0.1:$PORT/experiments/$EXPERIMENT" >"$NF_TMP/experiment.json"
api "http://127.0.0.1:$PORT/models?experimentId=$EXPERIMENT&limit=1000" >"$NF_TMP/runs.json"
python3 - "$NF_TMP/experiment.json" "$NF_TMP/runs.json" <<'PY'
import collections, json, sys
experiment = json.load(open(sys.argv[1]))
runs = json.load(open(sys.argv[2]))
problems = []
if experiment["status"] != "SUCCEEDED":
    problems.append("experiment " + experiment["status"])
expected = experiment["configurations"] * len(experiment["seeds"]) * experiment["folds"]
cells = collections.Counter((json.dumps(r["network"]["hiddenLayers"]), r["network"]["seed"], r["fold"]["index"]) for r in runs)
if len(runs) != expected or len(cells) != expected or max(cells.values()) != 1:
    problems.append("%d runs for %d cells, expected %d, each once" % (len(runs), len(cells), expected))
not_done = [r["name"] for r in runs if r["status"] != "SUCCEEDED" or r["metrics"] is None]
if not_done:
    problems.append("not SUCCEEDED with a model: " + ", ".join(not_done))
attempts = collections.Counter(r["attempts"] for r in runs)
print("runs: %d, all SUCCEEDED once: %s; attempts: %s" % (len(runs), not not_done and len(cells) == expected,
      ", ".join("%d run(s) x %d" % (n, a) for a, n in sorted(attempts.items()))))
best = experiment["best"]
print("best: %s, auc %.4f ± %.4f over %d runs" % (best["hiddenLayers"], best["metrics"]["auc"]["mean"],
      best["metrics"]["auc"]["sd"], best["metrics"]["auc"]["n"]))
if max(attempts) < 2:
    problems.append("no run was ever re-run: the kills hit nothing")
print("passed" if not problems else "FAILED: " + "; ".join(problems))
sys.exit(1 if problems else 0)
PY
