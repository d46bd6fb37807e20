#!/usr/bin/env python3
"""Makes src/test/resources/reference/inspection/article.json: permutation importance and exact Shapley values of
models of the article's data, computed by ../shared/bench/inspection_reference.py (scikit-learn, numpy) through a
running service's own /predict, for ExplainTest:

  importance: the article's [8, 3] at 300 iterations, trained on seed_train.csv and tested on seed_test.csv, explained
              as a job on its test rows ({"repeats": 2, "seed": 3}); the reference is given the job's permutations
  shapley:    the same network on the first 12 features (x0..x11; exact Shapley enumerates 2^12 coalitions), rows 0 and
              1 of seed_train.csv against its first 100 rows

  /usr/bin/python3 src/test/python/inspection_article_fixtures.py --base http://localhost:8080 > \
      src/test/resources/reference/inspection/article.json
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

REFERENCE = "../shared/bench/inspection_reference.py"
TRAIN = "src/test/resources/article/seed_train.csv"
TEST = "src/test/resources/article/seed_test.csv"


def call(base, method, path, body=None, content_type="application/json"):
    data = body if isinstance(body, bytes) else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Content-Type": content_type} if data is not None else {})
    with urllib.request.urlopen(req, timeout=600) as r:
        return json.loads(r.read()), r.headers.get("Location")


def upload(base, path, name):
    return call(base, "POST", f"/datasets?name={name}", open(path, "rb").read(), "text/csv")[0]["id"]


def wait(base, path):
    while True:
        view = call(base, "GET", path)[0]
        if view["status"] == "SUCCEEDED":
            return view
        if view["status"] in ("FAILED", "CANCELLED"):
            raise SystemExit(f"{path}: {view}")
        time.sleep(0.2)


def reference(base, model, data, *command):
    return json.loads(subprocess.check_output(["/usr/bin/python3", REFERENCE, "--base", base, "--model", model,
                                               "--data", data, "--label", "y", *command]))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", required=True)
    base = ap.parse_args().base.rstrip("/")
    train, test = upload(base, TRAIN, "seed-train"), upload(base, TEST, "seed-test")
    fixture = {"command": "/usr/bin/python3 src/test/python/inspection_article_fixtures.py --base URL"}

    model = call(base, "POST", "/models", {"datasetId": train, "testDatasetId": test,
                                            "network": {"maxIterations": 300}})[0]["id"]
    wait(base, f"/models/{model}")
    _, location = call(base, "POST", f"/models/{model}/explanations", {"repeats": 2, "seed": 3})
    path = location.replace(base, "") if location.startswith("http") else location
    wait(base, path)
    permutations = call(base, "GET", path + "/permutations")[0]
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(permutations, f)
    fixture["importance"] = {
        "reference": "inspection_reference.py --data seed_test.csv importance --repeats 2 --permutations P.json",
        # the service's permutations as compact JSON, by its SHA-256 (and the first feature's in full)
        "permutations": {"sha256": __import__("hashlib").sha256(json.dumps(permutations, separators=(",", ":"))
                                                                  .encode()).hexdigest(),
                         "note": "SHA-256 of the service's permutations as compact JSON (GET .../permutations),"
                                 " the x0 ones in full",
                         "x0": permutations["x0"]},
        "result": reference(base, model, TEST, "importance", "--repeats", "2", "--permutations", f.name)}
    os.unlink(f.name)

    features = [f"x{i}" for i in range(12)]
    model = call(base, "POST", "/models", {"datasetId": train, "features": features,
                                            "network": {"maxIterations": 300}})[0]["id"]
    wait(base, f"/models/{model}")
    fixture["shapley"] = {
        "reference": "inspection_reference.py --data seed_train.csv shapley ROW --max-background 100",
        "features": features,
        "rows": [reference(base, model, TRAIN, "shapley", str(row), "--max-background", "100") for row in (0, 1)]}
    json.dump(fixture, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
