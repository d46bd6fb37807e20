#!/usr/bin/env bash
# The whole article through netforge's HTTP API: generate its data with make_classification's parameters,
# train the logistic regression and the [8, 3] network, fetch both ROC plots, sweep the number of hidden
# nodes (three seeds each), fetch the figure of test AUC against hidden nodes, and print the tables.
#
#   ./mvnw spring-boot:run          # in another terminal
#   examples/article.sh             # NETFORGE_URL=http://host:port to point elsewhere; OUT=dir for the images
#
# Needs curl and python3 (for reading JSON). Writes roc-logistic.png, roc-8-3.png, loss-8-3.png,
# confusion-8-3.png and auc-vs-nodes.png (and their SVGs) to $OUT (default article-output/).
set -euo pipefail
cd "$(dirname "$0")/.."
base=${NETFORGE_URL:-http://localhost:8080}
out=${OUT:-article-output}
mkdir -p "$out"

json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
post() { curl -sS --fail-with-body -X POST "$base$1" -H 'Content-Type: application/json' -d "$2"; }

echo "Generating the article's data at $base (make_classification, 5000 rows, 20 features, seed 42) ..."
made=$(post /datasets/synthetic '{"samples": 5000, "features": 20, "informative": 15, "redundant": 3,
  "repeated": 0, "classes": 2, "flipY": 0.05, "classSep": 1.0, "seed": 42, "testFraction": 0.2,
  "name": "article"}')
train=$(echo "$made" | json 'd["train"]["id"]')
test=$(echo "$made" | json 'd["test"]["id"]')
echo "  train dataset $train (4000 rows), test dataset $test (1000 rows)"

# The article's settings: sigmoid units, N(0, 0.1²) weights, full-batch gradient descent, no standardisation.
network='"learningRate": 1.0, "maxIterations": 2000, "threshold": 0.5, "seed": 0, "standardize": false'
submit() { # name, hidden layers
  post /models "{\"datasetId\": \"$train\", \"testDatasetId\": \"$test\", \"name\": \"$1\",
    \"network\": {\"hiddenLayers\": $2, $network}}" | json 'd["id"]'
}
lr=$(submit "logistic regression" "[]")
nn=$(submit "article [8, 3]" "[8, 3]")
echo "Training (202 Accepted): logistic regression $lr, [8, 3] $nn"

wait_for() { # path
  while true; do
    status=$(curl -sS --fail-with-body "$base$1" | json 'd["status"]')
    case $status in
      SUCCEEDED) return 0 ;;
      FAILED|CANCELLED) echo "$1 ended $status" >&2; curl -s "$base$1" >&2; exit 1 ;;
    esac
    sleep 0.5
  done
}
wait_for "/models/$lr"
wait_for "/models/$nn"

echo
printf '%-22s %9s %9s %9s %9s %10s\n' network "train acc" "test acc" "test AUC" "log-loss" "seconds"
for id in "$lr" "$nn"; do
  curl -sS --fail-with-body "$base/models/$id" | python3 -c '
import json, sys
m = json.load(sys.stdin)
train, test = m["metrics"]["train"], m["metrics"]["test"]
print("%-22s %9.4f %9.4f %9.4f %9.4f %10.3f" % (m["name"], train["accuracy"], test["accuracy"], test["auc"],
      test["logLoss"], m["timings"]["trainingSeconds"]))'
done

fetch() { # path, file stem
  curl -sS --fail-with-body -H 'Accept: image/png' "$base$1" -o "$out/$2.png"
  curl -sS --fail-with-body "$base$1" -o "$out/$2.svg"
}
fetch "/models/$lr/plots/roc" roc-logistic
fetch "/models/$nn/plots/roc" roc-8-3
fetch "/models/$nn/plots/loss" loss-8-3
fetch "/models/$nn/plots/confusion" confusion-8-3
echo
echo "ROC curves: $out/roc-logistic.png, $out/roc-8-3.png; [8, 3]'s loss and confusion: $out/loss-8-3.png,"
echo "$out/confusion-8-3.png (and .svg)"

echo
echo "Sweeping the hidden nodes: [1], [2], [4], [8], [16], [32] and [8, 3], seeds 0, 1, 2 (21 runs) ..."
experiment=$(post /experiments "{\"name\": \"article: AUC against hidden nodes\", \"metric\": \"auc\",
  \"request\": {\"datasetId\": \"$train\", \"testDatasetId\": \"$test\", \"network\": {$network}},
  \"grid\": {\"hiddenLayers\": [[1], [2], [4], [8], [16], [32], [8, 3]], \"seed\": [0, 1, 2]}}" | json 'd["id"]')
start=$(date +%s)
wait_for "/experiments/$experiment"
echo "  experiment $experiment finished in $(( $(date +%s) - start )) s"
fetch "/experiments/$experiment/plots/auc" auc-vs-nodes
echo
curl -sS --fail-with-body "$base/experiments/$experiment" | python3 -c '
import json, sys
e = json.load(sys.stdin)
print("%-12s %6s %16s %16s %5s" % ("hidden", "nodes", "test AUC", "test accuracy", "runs"))
for p in e["series"]:
    entry = next(x for x in e["leaderboard"] if x["configuration"] == p["configuration"])
    acc = entry["metrics"]["accuracy"]
    print("%-12s %6d %8.4f ± %.4f %8.4f ± %.4f %5d" % (json.dumps(p["hiddenLayers"]), p["hiddenNodes"], p["mean"],
          p["sd"] or 0, acc["mean"], acc["sd"] or 0, p["n"]))
print("best: %s" % json.dumps(e["best"]["hiddenLayers"]))'
echo "The figure: $out/auc-vs-nodes.png (and .svg)"
