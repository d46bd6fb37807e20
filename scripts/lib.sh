# Shared helpers of the reliability scripts (crash-restart.sh, two-instances.sh, load-test.sh,
# big-upload.sh). Sourced, not run. Needs bash, curl, python3, java and, for PostgreSQL, psql.
#
# Every process a script starts is recorded in NF_PIDS and killed by nf_cleanup (by its pid, never by
# name); every throwaway PostgreSQL database is recorded in NF_PG_DBS and dropped there too.

NF_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NF_JAR="$NF_ROOT/target/netforge-0.1.0-SNAPSHOT.jar"
NF_ARTICLE_TRAIN="$NF_ROOT/src/test/resources/article/seed_train.csv"
NF_ARTICLE_TEST="$NF_ROOT/src/test/resources/article/seed_test.csv"
# The service's JVM options, as pom.xml's service.jvm.options; NF_JAVA_OPTS overrides them (NF_JAVA_OPTS= for none).
NF_SERVICE_JVM_OPTS="--add-modules=jdk.incubator.vector -XX:+ExplicitGCInvokesConcurrent -XX:ThreadPriorityPolicy=1 -XX:JavaPriority1_To_OSPriority=19 -XX:+ExitOnOutOfMemoryError"
NF_PG_HOST="${NF_PG_HOST:-127.0.0.1}"
NF_PG_PORT="${NF_PG_PORT:-5432}"
NF_PG_USER="${NF_PG_USER:-postgres}"
NF_PIDS=()
NF_PG_DBS=()
NF_TMP=""
# An interrupted or terminated script exits through its EXIT trap (nf_cleanup), like a finished one.
trap 'exit 130' INT
trap 'exit 143' TERM

nf_log() {
    printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2
}

nf_die() {
    nf_log "ERROR: $*"
    exit 1
}

# Builds the jar unless it is there already (NF_REBUILD=1 forces a build).
nf_build_jar() {
    if [[ -f "$NF_JAR" && "${NF_REBUILD:-0}" != 1 ]]; then
        return
    fi
    nf_log "building $NF_JAR"
    (cd "$NF_ROOT" && { ./mvnw -q -B -o package -DskipTests || ./mvnw -q -B package -DskipTests; }) >&2
    [[ -f "$NF_JAR" ]] || nf_die "the build did not produce $NF_JAR"
}

# A fresh temporary directory for this run (NF_TMP), removed at exit unless NF_KEEP=1.
nf_make_tmp() {
    NF_TMP="$(mktemp -d "/tmp/netforge-$1.XXXXXX")"
}

# Kills every process this script started, drops its databases, removes its files.
nf_cleanup() {
    local pid
    for pid in "${NF_PIDS[@]}"; do
        if kill -0 "$pid" 2>/dev/null; then
            kill -9 "$pid" 2>/dev/null || true
        fi
    done
    for pid in "${NF_PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    local db
    for db in "${NF_PG_DBS[@]}"; do
        psql -q -h "$NF_PG_HOST" -p "$NF_PG_PORT" -U "$NF_PG_USER" -d postgres \
            -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
    done
    if [[ -n "$NF_TMP" && -d "$NF_TMP" ]]; then
        if [[ "${NF_KEEP:-0}" == 1 ]]; then
            nf_log "kept $NF_TMP"
        else
            rm -rf "$NF_TMP"
        fi
    fi
}

# Forgets a pid that is known dead (after a SIGKILL that was waited for).
nf_forget_pid() {
    local keep=() p
    for p in "${NF_PIDS[@]}"; do
        [[ "$p" == "$1" ]] || keep+=("$p")
    done
    NF_PIDS=("${keep[@]}")
}

# Creates a throwaway PostgreSQL database, dropped by nf_cleanup.
nf_pg_create() {
    local db="$1"
    psql -q -h "$NF_PG_HOST" -p "$NF_PG_PORT" -U "$NF_PG_USER" -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1
    psql -q -h "$NF_PG_HOST" -p "$NF_PG_PORT" -U "$NF_PG_USER" -d postgres -c "CREATE DATABASE $db" >/dev/null
    NF_PG_DBS+=("$db")
}

nf_pg_url() {
    echo "jdbc:postgresql://$NF_PG_HOST:$NF_PG_PORT/$1"
}

# nf_database_args h2|postgres NAME
# Sets NF_DB_ARGS to the application arguments for a throwaway database: a new PostgreSQL database
# netforge_NAME_<pid> (its name in NF_PG_DB), or an H2 file under NF_TMP; NF_DB_DESCRIPTION says which.
nf_database_args() {
    if [[ "$1" == postgres ]]; then
        NF_PG_DB="netforge_$2_$$"
        nf_pg_create "$NF_PG_DB"
        NF_DB_ARGS=(--spring.profiles.active=postgres "--spring.datasource.url=$(nf_pg_url "$NF_PG_DB")"
            "--spring.datasource.username=$NF_PG_USER" --spring.datasource.password=)
        NF_DB_DESCRIPTION="PostgreSQL $NF_PG_DB"
    else
        NF_PG_DB=""
        NF_DB_ARGS=("--spring.datasource.url=jdbc:h2:file:$NF_TMP/h2/netforge;WRITE_DELAY=0")
        NF_DB_DESCRIPTION="H2 file $NF_TMP/h2"
    fi
}

# nf_start LOG PORT [JVM options...] -- [application arguments...]
# Starts the jar in the background; the JVM's own pid (no wrapper) is left in NF_LAST_PID.
nf_start() {
    local log="$1" port="$2"
    shift 2
    local jvm=() app=()
    while [[ $# -gt 0 && "$1" != "--" ]]; do
        jvm+=("$1")
        shift
    done
    [[ $# -gt 0 ]] && shift
    app=("$@")
    # A simple command in the background: bash execs java in the forked child, so $! is the JVM's
    # own pid (no wrapper shell) and kill -9 hits the JVM itself.
    # NF_JAVA_OPTS: JVM options for every instance; by default the service's own (pom.xml's
    # service.jvm.options): the Vector API, concurrent explicit GCs, training threads at nice 19.
    local extra=()
    read -r -a extra <<<"${NF_JAVA_OPTS-$NF_SERVICE_JVM_OPTS}"
    java "${extra[@]}" "${jvm[@]}" -jar "$NF_JAR" "--server.port=$port" "${app[@]}" </dev/null >>"$log" 2>&1 &
    NF_LAST_PID=$!
    NF_PIDS+=("$NF_LAST_PID")
}

# nf_wait_healthy PORT PID [TIMEOUT_SECONDS]: until /actuator/health is UP; fails if the JVM died.
nf_wait_healthy() {
    local port="$1" pid="$2" timeout="${3:-120}" start=$SECONDS
    while ((SECONDS - start < timeout)); do
        if ! kill -0 "$pid" 2>/dev/null; then
            nf_die "the service on port $port (pid $pid) died while starting"
        fi
        if curl -sf "http://127.0.0.1:$port/actuator/health" 2>/dev/null | grep -q '"UP"'; then
            return 0
        fi
        sleep 0.25
    done
    nf_die "the service on port $port did not become healthy in ${timeout}s"
}

# SIGKILLs a JVM and waits until it is gone.
nf_kill9() {
    local pid="$1"
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    nf_forget_pid "$pid"
}

# Stops a JVM gracefully (SIGTERM) and waits for it.
nf_stop() {
    local pid="$1"
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    nf_forget_pid "$pid"
}

# jget EXPR: evaluates a Python expression over the JSON document on stdin, bound to d.
jget() {
    python3 -c 'import json, sys
d = json.load(sys.stdin)
v = eval(sys.argv[1])
print(json.dumps(v) if isinstance(v, (dict, list)) else v)' "$1"
}

# nf_upload PORT FILE NAME: uploads a CSV as text/csv, prints the dataset id.
nf_upload() {
    local out
    out="$(curl -sS --fail-with-body -H 'Content-Type: text/csv' --data-binary "@$2" \
        "http://127.0.0.1:$1/datasets?name=$3")" || nf_die "upload of $2 failed: $out"
    echo "$out" | jget 'd["id"]'
}

# nf_submit PORT DATASET ITERATIONS [HIDDEN_JSON] [EXTRA_NETWORK_JSON]: queues a job, prints the model id.
nf_submit() {
    local port="$1" dataset="$2" iterations="$3" hidden="${4:-[8,3]}" extra="${5:-}"
    local body out
    body="{\"datasetId\":\"$dataset\",\"network\":{\"hiddenLayers\":$hidden,\"learningRate\":1.0,\"maxIterations\":$iterations,\"seed\":0,\"standardize\":true${extra:+,$extra}}}"
    out="$(curl -sS --fail-with-body -H 'Content-Type: application/json' -d "$body" \
        "http://127.0.0.1:$port/models")" || nf_die "submit failed: $out"
    echo "$out" | jget 'd["id"]'
}

# nf_model PORT ID: the model's JSON.
nf_model() {
    curl -sS --fail-with-body "http://127.0.0.1:$1/models/$2"
}

# nf_wait_model PORT ID [TIMEOUT]: waits for a terminal status and prints "STATUS ATTEMPTS".
nf_wait_model() {
    local port="$1" id="$2" timeout="${3:-600}" start=$SECONDS line
    while ((SECONDS - start < timeout)); do
        line="$(nf_model "$port" "$id" | jget '"%s %s" % (d["status"], d["attempts"])')" || line="UNREACHABLE -"
        case "$line" in
            SUCCEEDED* | FAILED* | CANCELLED*) echo "$line"; return 0 ;;
        esac
        sleep 0.5
    done
    echo "TIMEOUT ${line#* }"
}

# nf_predict PORT ID BODY_FILE: the raw JSON text of a prediction (bytes as the server sent them).
nf_predict() {
    curl -sS --fail-with-body -H 'Content-Type: application/json' --data-binary "@$3" \
        "http://127.0.0.1:$1/models/$2/predict"
}

# nf_predict_body ROWS OUT: a predict body with the first ROWS rows of the article's test set.
nf_predict_body() {
    python3 - "$NF_ARTICLE_TEST" "$1" "$2" <<'PY'
import csv, json, sys
with open(sys.argv[1]) as f:
    reader = csv.reader(f)
    header = next(reader)
    rows = [[float(v) for v in row[:-1]] for _, row in zip(range(int(sys.argv[2])), reader)]
with open(sys.argv[3], "w") as out:
    json.dump({"rows": rows}, out)
PY
}

# nf_dataset_count PORT
nf_dataset_count() {
    curl -sS --fail-with-body "http://127.0.0.1:$1/datasets" | jget 'len(d)'
}

# Milliseconds since the epoch.
nf_now_ms() {
    date +%s%3N
}

# nf_attempt_started_ms LOG ID N
# When the service log LOG says "Training model ID (attempt N)", in milliseconds since the epoch; 0 if never.
nf_attempt_started_ms() {
    python3 - "$1" "$2" "$3" <<'PY'
import datetime, sys
for line in open(sys.argv[1]):
    if f"Training model {sys.argv[2]} (attempt {sys.argv[3]})" in line:
        t = datetime.datetime.fromisoformat(line.split()[0].replace("Z", "+00:00"))
        print(int(t.timestamp() * 1000)); break
else:
    print(0)
PY
}
