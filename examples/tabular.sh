#!/usr/bin/env bash
# The README's walkthrough, part 2: real tabular data through netforge's HTTP API with curl.
#
#  1. customers: a three-class string label (plan), a categorical column (country, some cells empty), numeric
#     columns with missing cells (age empty, income "NA"), an id column left out at upload. Trained on
#     customers-train.csv, tested on customers-test.csv (which has a country the training file lacks).
#  2. houses: a regression (price, in euros) with a categorical city and "?" for unknown years.
#
#   ./mvnw spring-boot:run          # in another terminal
#   examples/tabular.sh             # NETFORGE_URL=http://host:port to point elsewhere
#
# Prints each model's test metrics and a few predictions; with scikit-learn installed (Debian's python3-sklearn),
# examples/sklearn_compare.py then fits MLPClassifier / MLPRegressor on the same files beside them.
set -euo pipefail
cd "$(dirname "$0")/.."
base=${NETFORGE_URL:-http://localhost:8080}
data=examples/data

json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
upload() { # file, query
  curl -sf -X POST "$base/datasets?$2" -H 'Content-Type: text/csv' --data-binary @"$data/$1" | json 'd["id"]'
}
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

echo "== customers: three classes, a categorical column, missing cells"
customers=$(upload customers-train.csv 'name=customers-train&ignore=customer_id')
customers_test=$(upload customers-test.csv 'name=customers-test&ignore=customer_id')
curl -sf "$base/datasets/$customers" | json '"\n".join("  %-8s %-12s missing %3d  distinct %s" % (c["name"], c["type"], c["missing"], c["distinct"] if c["distinctExact"] else "more than %d" % (c["distinct"] - 1)) for c in d["columns"])'
plan=$(curl -sf -X POST "$base/models" -H 'Content-Type: application/json' -d "{
  \"datasetId\": \"$customers\", \"testDatasetId\": \"$customers_test\", \"name\": \"plans\",
  \"preprocessing\": {\"missingIndicators\": true},
  \"network\": {\"hiddenLayers\": [16], \"activation\": \"relu\", \"optimizer\": {\"type\": \"adam\"},
                \"learningRate\": 0.01, \"batchSize\": 64, \"maxIterations\": 150}}" | json 'd["id"]')
wait_for "$plan"
curl -sf "$base/models/$plan" | json '"  task %s, inputs %s\n  test: accuracy %.4f, log-loss %.4f, macro F1 %.4f, weighted F1 %.4f, AUC (ovr) %.4f" % (d["task"], d["inputs"], d["metrics"]["test"]["accuracy"], d["metrics"]["test"]["logLoss"], d["metrics"]["test"]["macroF1"], d["metrics"]["test"]["weightedF1"], d["metrics"]["test"]["auc"])'
curl -sf -X POST "$base/models/$plan/predict" -H 'Content-Type: application/json' -d '{"instances": [
  {"age": 30, "income": 90000, "country": "Germany", "visits": 12},
  {"age": null, "income": null, "country": null, "visits": 1},
  {"age": 55, "income": 40000, "country": "Portugal", "visits": 6}]}' | json '"\n".join("  " + json.dumps(p) for p in d["predictions"])'

echo "== houses: a regression"
houses=$(upload houses-train.csv 'name=houses-train')
houses_test=$(upload houses-test.csv 'name=houses-test')
price=$(curl -sf -X POST "$base/models" -H 'Content-Type: application/json' -d "{
  \"datasetId\": \"$houses\", \"testDatasetId\": \"$houses_test\", \"name\": \"prices\",
  \"network\": {\"hiddenLayers\": [16], \"activation\": \"relu\", \"optimizer\": {\"type\": \"adam\"},
                \"learningRate\": 0.01, \"batchSize\": 50, \"maxIterations\": 200}}" | json 'd["id"]')
wait_for "$price"
curl -sf "$base/models/$price" | json '"  task %s, label %s\n  test: RMSE %.0f, MAE %.0f, R2 %.4f" % (d["task"], d["label"], d["metrics"]["test"]["rmse"], d["metrics"]["test"]["mae"], d["metrics"]["test"]["r2"])'
curl -sf -X POST "$base/models/$price/predict" -H 'Content-Type: application/json' -d '{"instances": [
  {"area": 100, "rooms": 4, "city": "north", "year_built": 1995},
  {"area": 100, "rooms": 4, "city": "east", "year_built": null}]}' | json '"\n".join("  " + json.dumps(p) for p in d["predictions"])'

for python in /usr/bin/python3 python3; do
  if "$python" -c 'import sklearn' 2>/dev/null; then
    echo "== scikit-learn on the same files (examples/sklearn_compare.py)"
    NETFORGE_URL=$base "$python" examples/sklearn_compare.py "$plan" "$price"
    break
  fi
done
