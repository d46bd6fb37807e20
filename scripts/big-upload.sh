#!/usr/bin/env bash
# A ~200 MB CSV is uploaded and trained on by a service whose heap is capped well below the CSV's size:
# the upload is parsed as a stream (never held whole), and training reads the stored rows chunk by chunk
# straight into the (off-heap) ND4J matrix.
#
#  1. Generates the CSV on disk (streamed; 20 numeric features and --categorical categorical ones, default 3, with
#     2% missing cells; a learnable 0/1 label).
#  2. Starts the service with -Xmx$XMX (default 128m: less than the CSV text alone, and less than the CSV
#     plus its float64 matrix), GC logging on.
#  3. Uploads the file as text/csv (curl -T streams it from disk), trains a small network on it (a few
#     iterations, standardize on; the categorical columns one-hot encoded), checks it SUCCEEDED and predicts the
#     file's first rows by name (a missing cell as null).
#  4. Reports the heap cap, the peak heap occupancy (from the GC log), the peak RSS (VmHWM) and timings.
#
# usage: scripts/big-upload.sh [--size-mb 200] [--xmx 128m] [--iterations 5] [--categorical 3] [--postgres]
#                              [--port 18141] [--keep]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$NF_ROOT"

SIZE_MB=200
XMX=128m
ITERATIONS=5
CATEGORICAL=3
DB=h2
PORT=18141
# ND4J allocates its arrays off the heap through JavaCPP, which by default caps them at the heap's size
# (-Xmx) and the whole process's RSS at 4 x -Xmx: with -Xmx128m the 127 MB matrix and the JVM around it do
# not fit ("Physical memory usage is too high: physicalBytes (559M) > maxPhysicalBytes (512M)", the job
# FAILED: "training ran out of memory"). These lift the off-heap caps only; --default-offheap shows that.
OFFHEAP_OPTS=(-Dorg.bytedeco.javacpp.maxBytes=2g -Dorg.bytedeco.javacpp.maxPhysicalBytes=4g)
while [[ $# -gt 0 ]]; do
    case "$1" in
        --size-mb) SIZE_MB="$2"; shift 2 ;;
        --xmx) XMX="$2"; shift 2 ;;
        --iterations) ITERATIONS="$2"; shift 2 ;;
        --categorical) CATEGORICAL="$2"; shift 2 ;;
        --postgres) DB=postgres; shift ;;
        --port) PORT="$2"; shift 2 ;;
        --default-offheap) OFFHEAP_OPTS=(); shift ;;
        --keep) NF_KEEP=1; shift ;;
        *) nf_die "unknown argument $1" ;;
    esac
done

trap nf_cleanup EXIT
nf_build_jar
nf_make_tmp big
CSV="$NF_TMP/big.csv"

t0=$(nf_now_ms)
read -r ROWS BYTES < <(python3 scripts/gen_csv.py "$CSV" $((SIZE_MB * 1000 * 1000)) 20 7 "$CATEGORICAL")
GEN_S="$(python3 -c "print(f'{($(nf_now_ms) - $t0) / 1000:.1f}')")"
MATRIX_BYTES=$((ROWS * (20 + CATEGORICAL) * 8))
nf_log "generated $CSV: $ROWS rows, $BYTES bytes in ${GEN_S}s; its float64 feature matrix is $MATRIX_BYTES bytes"

APP_ARGS=(--netforge.training.workers=1)
nf_database_args "$DB" big
APP_ARGS+=("${NF_DB_ARGS[@]}")
nf_start "$NF_TMP/service.log" "$PORT" "-Xmx$XMX" "${OFFHEAP_OPTS[@]}" "-Xlog:gc:file=$NF_TMP/gc.log" \
    -- "${APP_ARGS[@]}"
JVM=$NF_LAST_PID
nf_wait_healthy "$PORT" "$JVM"
RSS_IDLE_KB="$(awk '/^VmRSS/ {print $2}' "/proc/$JVM/status")"

nf_log "uploading (text/csv, streamed from disk)"
t0=$(nf_now_ms)
HTTP="$(curl -sS -o "$NF_TMP/upload.json" -w '%{http_code}' -X POST -T "$CSV" -H 'Content-Type: text/csv' \
    "http://127.0.0.1:$PORT/datasets?name=big")"
UPLOAD_S="$(python3 -c "print(f'{($(nf_now_ms) - $t0) / 1000:.1f}')")"
[[ "$HTTP" == 201 ]] || nf_die "upload answered $HTTP: $(head -c 500 "$NF_TMP/upload.json")"
DATASET="$(jget 'd["id"]' <"$NF_TMP/upload.json")"
STORED_ROWS="$(jget 'd["rows"]' <"$NF_TMP/upload.json")"
RSS_AFTER_UPLOAD_KB="$(awk '/^VmHWM/ {print $2}' "/proc/$JVM/status")"
nf_log "stored dataset $DATASET: $STORED_ROWS rows in ${UPLOAD_S}s; training $ITERATIONS iterations"

t0=$(nf_now_ms)
MODEL="$(nf_submit "$PORT" "$DATASET" "$ITERATIONS" '[8]')"
OUTCOME="$(nf_wait_model "$PORT" "$MODEL" 1800)"
TRAIN_WALL_S="$(python3 -c "print(f'{($(nf_now_ms) - $t0) / 1000:.1f}')")"
nf_model "$PORT" "$MODEL" >"$NF_TMP/model.json"
python3 - "$CSV" "$NF_TMP/predict-body.json" <<'PY'
import csv, json, sys
with open(sys.argv[1]) as f:
    reader = csv.DictReader(f)
    rows = [row for _, row in zip(range(3), reader)]
def value(name, text):
    if text == "":
        return None
    return text if name.startswith("c") else float(text)
with open(sys.argv[2], "w") as out:
    json.dump({"instances": [{k: value(k, v) for k, v in row.items() if k != "y"} for row in rows]}, out)
PY
nf_predict "$PORT" "$MODEL" "$NF_TMP/predict-body.json" >"$NF_TMP/predict.txt" 2>&1 || true
PEAK_RSS_KB="$(awk '/^VmHWM/ {print $2}' "/proc/$JVM/status")"
OOM="$(grep -c 'OutOfMemoryError' "$NF_TMP/service.log" || true)"
nf_stop "$JVM"

python3 - "$NF_TMP" <<PY
import json, os, re, sys
d = sys.argv[1]
model = json.load(open(os.path.join(d, "model.json")))
# Heap occupancy from the GC log: the most ever in use (just before a collection), and the most still
# live right after a young, mixed or full collection (what the service really held).
peak_before_gc = peak_after_gc = collections = full = 0
for line in open(os.path.join(d, "gc.log")):
    m = re.search(r"Pause (Young|Full).* (\d+)M->(\d+)M\((\d+)M\)", line)
    if m:
        collections += 1
        full += m.group(1) == "Full"
        peak_before_gc = max(peak_before_gc, int(m.group(2)))
        peak_after_gc = max(peak_after_gc, int(m.group(3)))
report = {
    "csv": {"bytes": $BYTES, "rows": $ROWS, "storedRows": $STORED_ROWS, "features": 20,
            "categoricalColumns": $CATEGORICAL, "inputs": len(model.get("inputs") or []),
            "float64MatrixBytes": $MATRIX_BYTES, "generateSeconds": $GEN_S},
    "jvm": {"xmx": "$XMX", "offHeapOptions": "${OFFHEAP_OPTS[*]}", "database": "$DB",
            "peakHeapUsedMB_beforeGC": peak_before_gc, "peakHeapLiveMB_afterGC": peak_after_gc,
            "collections": collections, "fullCollections": full,
            "rssIdleMB": round($RSS_IDLE_KB / 1024), "peakRssAfterUploadMB": round($RSS_AFTER_UPLOAD_KB / 1024),
            "peakRssMB": round($PEAK_RSS_KB / 1024), "outOfMemoryErrorsInLog": $OOM},
    "upload": {"seconds": $UPLOAD_S, "MBperSecond": round($BYTES / 1e6 / $UPLOAD_S, 1)},
    "training": {"status": model["status"], "attempts": model["attempts"], "error": model["error"],
                 "iterations": model["progress"]["iteration"], "trainingSeconds": model["timings"]["trainingSeconds"],
                 "submitToDoneSeconds": $TRAIN_WALL_S,
                 "trainAccuracy": (model.get("metrics") or {}).get("train", {}).get("accuracy")},
    "predict": open(os.path.join(d, "predict.txt")).read()[:300],
}
print(json.dumps(report, indent=2))
ok = model["status"] == "SUCCEEDED" and "probability" in report["predict"]
print("RESULT:", "PASS" if ok else "FAIL")
sys.exit(0 if ok else 1)
PY
