#!/usr/bin/env bash
# Hostile clients against the packaged jar at -Xmx1g (what the Dockerfile gives a 2.5 GiB container), API keys on,
# on a throwaway PostgreSQL database (--h2: an H2 file). scripts/hostile.py runs the attacks, one phase after
# another, and after each checks that /actuator/health answers within a second, /predict's p99 is within 2x its
# baseline, the heap after a full GC is back near its baseline, and nothing stored was lost or changed:
#   oversized  concurrent bodies over every route's limit (JSON, CSV, npz, multipart; declared and chunked)
#   slow       40 uploads trickling 10 bytes/s (the pool has 10 connections) for 40 s, a usual client beside them
#   streams    3,000 event streams from 150 addresses; more from one address
#   bombs      npz members unpacking to 64 MiB, 5,000 members, endless CSV cells, nested JSON, a gzip bomb,
#              10,001 rows, twenty 4000x4000 plots at once
#   spellings  every protected operation of openapi.yaml in eleven spellings of its path, without a key
# A training job runs throughout (at nice 19, as on a busy instance) and another waits behind it.
# Prints the figures as JSON on stdout (progress on stderr); exits 1 when a check failed.
#
# usage: scripts/hostile.sh [--h2] [--port 18141] [--keep]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$NF_ROOT"

DB=postgres
PORT=18141
while [[ $# -gt 0 ]]; do
    case "$1" in
        --h2) DB=h2; shift ;;
        --port) PORT="$2"; shift 2 ;;
        --keep) NF_KEEP=1; shift ;;
        *) nf_die "unknown argument $1" ;;
    esac
done

trap nf_cleanup EXIT
nf_build_jar
nf_make_tmp hostile
KEY="hostile-admin-$$"
nf_database_args "$DB" hostile
nf_start "$NF_TMP/service.log" "$PORT" -Xmx1g -- "${NF_DB_ARGS[@]}" --netforge.training.workers=1 \
    --netforge.security.enabled=true "--netforge.security.api-keys=$KEY" --netforge.security.protect-metrics=true
JVM=$NF_LAST_PID
nf_wait_healthy "$PORT" "$JVM"
nf_log "netforge on port $PORT (pid $JVM, -Xmx1g, $NF_DB_DESCRIPTION)"

status=0
python3 "$NF_ROOT/scripts/hostile.py" "$PORT" "$JVM" "$KEY" "$NF_ARTICLE_TRAIN" "$NF_ARTICLE_TEST" || status=$?
if grep -q "OutOfMemoryError\|Terminating due to java.lang.OutOfMemoryError" "$NF_TMP/service.log"; then
    nf_log "the service ran out of memory: see $NF_TMP/service.log"
    status=1
fi
if ! kill -0 "$JVM" 2>/dev/null; then
    nf_log "the service is gone"
    status=1
fi
exit "$status"
