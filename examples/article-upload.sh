#!/usr/bin/env bash
# The article's first table through netforge's HTTP API from its data files: upload them, train the [8, 3] network and
# the logistic regression (no hidden layer), print the table of figures and call /predict.
#
#   ./mvnw spring-boot:run          # in another terminal
#   examples/article-upload.sh      # NETFORGE_URL=http://host:port to point elsewhere
#
# Needs curl and python3 (for reading JSON).
set -euo pipefail
cd "$(dirname "$0")/.."
base=${NETFORGE_URL:-http://localhost:8080}
data=src/test/resources/article

json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

echo "Uploading the article's data to $base ..."
train=$(curl -sf -X POST "$base/datasets?name=seed_train" -H 'Content-Type: text/csv' \
  --data-binary @"$data/seed_train.csv" | json 'd["id"]')
test=$(curl -sf -X POST "$base/datasets?name=seed_test" -H 'Content-Type: text/csv' \
  --data-binary @"$data/seed_test.csv" | json 'd["id"]')
echo "  train dataset $train, test dataset $test"

submit() { # name, hidden layers
  curl -sf -X POST "$base/models" -H 'Content-Type: application/json' -d "{
    \"datasetId\": \"$train\", \"testDatasetId\": \"$test\", \"name\": \"$1\",
    \"network\": {\"hiddenLayers\": $2, \"learningRate\": 1.0, \"maxIterations\": 2000,
                  \"threshold\": 0.5, \"seed\": 0, \"standardize\": false}}" | json 'd["id"]'
}
nn=$(submit "article [8, 3]" "[8, 3]")
lr=$(submit "logistic regression" "[]")
echo "Training (202 Accepted): [8, 3] is $nn, logistic regression is $lr"

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
wait_for "$nn"
wait_for "$lr"

echo
printf '%-22s %9s %9s %9s %9s %10s\n' network "train acc" "test acc" "test AUC" "log-loss" "seconds"
for id in "$nn" "$lr"; do
  curl -sf "$base/models/$id" | python3 -c '
import json, sys
m = json.load(sys.stdin)
train, test = m["metrics"]["train"], m["metrics"]["test"]
print("%-22s %9.4f %9.4f %9.4f %9.4f %10.3f" % (m["name"], train["accuracy"], test["accuracy"], test["auc"],
      test["logLoss"], m["timings"]["trainingSeconds"]))'
done

echo
echo "Predicting the first three test rows with the [8, 3] network:"
rows=$(python3 -c "
import csv
with open('$data/seed_test.csv') as f:
    r = list(csv.reader(f))[1:4]
print([[float(v) for v in row[:-1]] for row in r])")
curl -sf -X POST "$base/models/$nn/predict" -H 'Content-Type: application/json' -d "{\"rows\": $rows}"
echo
