#!/usr/bin/env bash
# The article's [8, 3] job through the packaged service, for each way of starting it, side by side in one run:
#   jar-plain    java -jar target/netforge-*.jar           (no JVM options: the service restarts itself with the
#                                                           Vector API module, see VectorModuleStart)
#   jar-readme   the README's JDK_JAVA_OPTIONS + java -jar
#   jar-nd4j     java -jar with NETFORGE_RELAUNCH=false     (what plain java -jar did before: ND4J)
# For each: the first job after the start and a warm one (the third), their training seconds (the loop) and wall
# seconds (submitted to SUCCEEDED), rounds times, alternating. Prints JSON (also target/bench/starts.json).
#   bench/starts.sh [--rounds N] [--skip-build]
# Needs curl and python3. Uses ports 18081-18083 and scratch databases under target/bench/.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=3
build=1
while [[ $# -gt 0 ]]; do
  case $1 in
    --rounds) rounds=$2; shift 2 ;;
    --skip-build) build=0; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
mkdir -p target/bench
if [[ $build == 1 ]]; then
  ./mvnw -o -q -B -DskipTests package >/dev/null 2>&1 || ./mvnw -q -B -DskipTests package >&2
fi
jar=$(ls target/netforge-*.jar | grep -v original | head -n 1)
readme_options="--add-modules=jdk.incubator.vector -XX:+ExplicitGCInvokesConcurrent -XX:ThreadPriorityPolicy=1 -XX:JavaPriority1_To_OSPriority=19 -XX:+ExitOnOutOfMemoryError"
data=src/test/resources/article

json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

run_one() { # way, port -> prints "first_training first_wall warm_training warm_wall trainer"
  local way=$1 port=$2 dir="target/bench/starts-$1"
  rm -rf "$dir"; mkdir -p "$dir"
  local env=(NETFORGE_RELAUNCH=true JDK_JAVA_OPTIONS=)
  case $way in
    jar-readme) env=(JDK_JAVA_OPTIONS="$readme_options") ;;
    jar-nd4j) env=(NETFORGE_RELAUNCH=false JDK_JAVA_OPTIONS=) ;;
  esac
  env "${env[@]}" java -jar "$jar" --server.port="$port" \
    --spring.datasource.url="jdbc:h2:file:$(pwd)/$dir/db;DB_CLOSE_ON_EXIT=FALSE" >"$dir/log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 240); do
    curl -sf "http://localhost:$port/actuator/health/readiness" >/dev/null 2>&1 && break
    sleep 0.25
  done
  local base="http://localhost:$port"
  local train
  train=$(curl -sf -X POST "$base/datasets?name=seed_train" -H 'Content-Type: text/csv' \
    --data-binary @"$data/seed_train.csv" | json 'd["id"]')
  local out=()
  for job in 1 2 3; do
    local id
    id=$(curl -sf -X POST "$base/models" -H 'Content-Type: application/json' -d "{\"datasetId\": \"$train\",
      \"network\": {\"hiddenLayers\": [8, 3], \"learningRate\": 1.0, \"maxIterations\": 2000, \"standardize\": false}}" \
      | json 'd["id"]')
    local status=QUEUED
    while [[ $status == QUEUED || $status == RUNNING ]]; do
      sleep 0.05
      status=$(curl -sf "$base/models/$id" | json 'd["status"]')
    done
    local view
    view=$(curl -sf "$base/models/$id")
    if [[ $job == 1 || $job == 3 ]]; then
      out+=("$(echo "$view" | python3 -c '
import json, sys, datetime
d = json.load(sys.stdin)
t = d["timings"]
p = lambda s: datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))
print(t["trainingSeconds"], (p(t["finishedAt"]) - p(t["createdAt"])).total_seconds(), d["provenance"]["trainer"])')")
    fi
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "${out[0]} ${out[1]}"
}

numpy_seconds() {
  OPENBLAS_NUM_THREADS=1 python3 bench/numpy_reference.py "$data/seed_train.csv" "$data/seed_test.csv" \
    --hidden 8,3 --iters 2000 --lr 1.0 --seed 0 --dtype float64 2>/dev/null | tail -n 1 | json 'd["train_seconds"]'
}

results=()
for round in $(seq 1 "$rounds"); do
  for way in jar-plain jar-readme jar-nd4j; do
    port=$((18080 + ${#results[@]} % 3 + 1))
    echo "round $round: $way" >&2
    results+=("$way $(run_one "$way" "$port")")
  done
  echo "round $round: numpy" >&2
  n=$(numpy_seconds)
  results+=("numpy $n $n numpy $n $n numpy")
done

printf '%s\n' "${results[@]}" | python3 -c '
import json, statistics, sys
rows = {}
for line in sys.stdin:
    way, t1, w1, trainer1, t3, w3, trainer3 = line.split()
    rows.setdefault(way, []).append((float(t1), float(w1), float(t3), float(w3), trainer3))
out = {"workload": "article [8, 3], 2000 iterations, full batch, float64, through HTTP", "ways": {}}
for way, r in rows.items():
    med = lambda i: statistics.median(x[i] for x in r)
    out["ways"][way] = {"firstJobTrainingSeconds": med(0), "firstJobWallSeconds": med(1),
                        "warmJobTrainingSeconds": med(2), "warmJobWallSeconds": med(3),
                        "firstOverWarmTraining": med(0) / med(2), "trainer": r[0][4], "rounds": len(r)}
numpy = out["ways"].pop("numpy")["warmJobTrainingSeconds"]
out["numpyTrainSeconds"] = numpy
for way in out["ways"].values():
    way["warmOverNumpy"] = way["warmJobTrainingSeconds"] / numpy
    way["firstOverNumpy"] = way["firstJobTrainingSeconds"] / numpy
print(json.dumps(out, indent=2))
' | tee target/bench/starts.json
