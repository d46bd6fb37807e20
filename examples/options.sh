#!/usr/bin/env bash
# A few of the network options on the article's data through netforge's HTTP API, and, when Debian's
# python3-torch is installed, the same runs by bench/torch_reference.py (PyTorch autograd and torch.optim,
# from the same seed's initial weights and, for mini-batches, the same row order) beside them.
#
#   ./mvnw spring-boot:run          # in another terminal
#   examples/options.sh             # NETFORGE_URL=http://host:port to point elsewhere
#
# Needs curl and python3 (for reading JSON). Features are not standardised, as in the article.
set -euo pipefail
cd "$(dirname "$0")/.."
base=${NETFORGE_URL:-http://localhost:8080}
data=src/test/resources/article

json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

train=$(curl -sf -X POST "$base/datasets?name=seed_train" -H 'Content-Type: text/csv' \
  --data-binary @"$data/seed_train.csv" | json 'd["id"]')
test=$(curl -sf -X POST "$base/datasets?name=seed_test" -H 'Content-Type: text/csv' \
  --data-binary @"$data/seed_test.csv" | json 'd["id"]')

# name | network JSON (besides standardize false) | torch_reference.py arguments
runs=(
  "sigmoid, gd (the article)|\"hiddenLayers\": [8, 3], \"maxIterations\": 2000|--hidden 8,3 --epochs 2000"
  "relu, adam, batch 32|\"hiddenLayers\": [8, 3], \"activation\": \"relu\", \"optimizer\": {\"type\": \"adam\"}, \"batchSize\": 32, \"maxIterations\": 200|--hidden 8,3 --activation relu --optimizer adam --lr 0.001 --batch-size 32 --epochs 200 --shuffle"
  "tanh, xavier, momentum, 64|\"hiddenLayers\": [16], \"activation\": \"tanh\", \"initialization\": \"xavier\", \"optimizer\": {\"type\": \"momentum\"}, \"learningRate\": 0.05, \"batchSize\": 64, \"maxIterations\": 100|--hidden 16 --activation tanh --init xavier --optimizer momentum --lr 0.05 --batch-size 64 --epochs 100 --shuffle"
  "relu/tanh, he, nesterov, l2|\"hiddenLayers\": [16, 8], \"activation\": [\"relu\", \"tanh\"], \"initialization\": \"he\", \"optimizer\": {\"type\": \"nesterov\"}, \"learningRate\": 0.02, \"batchSize\": 128, \"l2\": 0.001, \"maxIterations\": 100|--hidden 16,8 --activation relu,tanh --init he --optimizer nesterov --lr 0.02 --batch-size 128 --l2 0.001 --epochs 100 --shuffle"
  "sigmoid, adam, weights 1:3|\"hiddenLayers\": [8, 3], \"optimizer\": {\"type\": \"adam\"}, \"learningRate\": 0.01, \"classWeights\": {\"1\": 3}, \"maxIterations\": 500|--hidden 8,3 --optimizer adam --lr 0.01 --class-weights 1=3 --epochs 500"
)

ids=()
for run in "${runs[@]}"; do
  IFS='|' read -r name network _ <<< "$run"
  ids+=("$(curl -sf -X POST "$base/models" -H 'Content-Type: application/json' -d "{
    \"datasetId\": \"$train\", \"testDatasetId\": \"$test\", \"name\": \"$name\",
    \"network\": {$network, \"standardize\": false}}" | json 'd["id"]')")
done

wait_for() {
  while true; do
    status=$(curl -sf "$base/models/$1" | json 'd["status"]')
    case $status in
      SUCCEEDED) return 0 ;;
      FAILED|CANCELLED) echo "model $1 ended $status" >&2; curl -s "$base/models/$1" >&2; exit 1 ;;
    esac
    sleep 0.5
  done
}

torch=""
for python in /usr/bin/python3 python3; do
  if "$python" -c 'import torch' 2>/dev/null; then torch=$python; break; fi
done

printf '%-28s %10s %10s %10s %10s %9s\n' run "test acc" "test AUC" "torch acc" "torch AUC" seconds
for i in "${!runs[@]}"; do
  IFS='|' read -r name _ arguments <<< "${runs[$i]}"
  wait_for "${ids[$i]}"
  ours=$(curl -sf "$base/models/${ids[$i]}" | python3 -c '
import json, sys
m = json.load(sys.stdin)
t = m["metrics"]["test"]
print("%10.4f %10.4f" % (t["accuracy"], t["auc"]), "%9.3f" % m["timings"]["trainingSeconds"])')
  theirs="%10s %10s"
  if [[ -n $torch ]]; then
    # shellcheck disable=SC2086
    theirs=$("$torch" bench/torch_reference.py "$data/seed_train.csv" --test "$data/seed_test.csv" --seed 0 \
      --threads 1 $arguments | python3 -c '
import json, sys
t = json.load(sys.stdin)["test"]
print("%10.4f %10.4f" % (t["accuracy"], t["auc"]))')
  else
    theirs=$(printf '%10s %10s' - -)
  fi
  read -r acc auc seconds <<< "$ours"
  printf '%-28s %10s %10s %s %9s\n' "$name" "$acc" "$auc" "$theirs" "$seconds"
done
