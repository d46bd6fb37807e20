#!/usr/bin/env python3
"""Makes src/test/resources/reference/inspection/calibration.json: what calibration on held-out rows must give,
computed by ../shared/bench/inspection_reference.py (scikit-learn, scipy, numpy) through a running service's own
/predict, for the two models CalibrationTest trains:

  article:   the article's data, [8, 3] sigmoid, 300 iterations, trained on seed_train.csv; held out: seed_test.csv
             (binary: Platt, isotonic, temperature; and the max-F1 and Youden thresholds there)
  customers: examples/data/customers-train.csv (a categorical feature, missing values), the model ExplainTest trains;
             held out: customers-test.csv (three classes: temperature)
  customers-pro: the same tables with the label "pro" or "other" (binary: Platt, isotonic, temperature, thresholds)

The models are trained here without calibration; calibration never changes the network's weights, so CalibrationTest's
calibrated models have the same probabilities before calibration. Besides the reference's own output, this records, with
scikit-learn, the isotonic fit's points (IsotonicRegression.X_thresholds_, y_thresholds_) and the calibrated
probabilities of the first 20 held-out rows under each method, so the test can check the service's answers row by row.

  /usr/bin/python3 src/test/python/calibration_fixtures.py --base http://localhost:8080 > \
      src/test/resources/reference/inspection/calibration.json
"""
import argparse
import json
import subprocess
import sys
import time
import urllib.request

import numpy as np

REFERENCE = "../shared/bench/inspection_reference.py"
sys.path.insert(0, "../shared/bench")
import inspection_reference as ref  # noqa: E402


def call(base, method, path, body=None, content_type="application/json"):
    data = body if isinstance(body, bytes) else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Content-Type": content_type} if data is not None else {})
    with urllib.request.urlopen(req, timeout=600) as r:
        return json.loads(r.read())


def upload(base, path, name, ignore=None):
    query = f"/datasets?name={name}" + (f"&ignore={ignore}" if ignore else "")
    return call(base, "POST", query, open(path, "rb").read(), "text/csv")["id"]


def train(base, body):
    model = call(base, "POST", "/models", body)["id"]
    while True:
        status = call(base, "GET", f"/models/{model}")["status"]
        if status == "SUCCEEDED":
            return model
        if status in ("FAILED", "CANCELLED"):
            raise SystemExit(f"model {model}: {status}")
        time.sleep(0.2)


def reference(base, model, data, holdout, command="calibration"):
    args = ["/usr/bin/python3", REFERENCE, "--base", base, "--model", model, "--data", data, command]
    if command == "calibration":
        args += ["--holdout", holdout]
    return json.loads(subprocess.check_output(args))


def calibrated_rows(base, model, holdout, result, rows=20):
    """The first rows' probabilities under each fitted method, computed here from the reference's parameters."""
    from sklearn.isotonic import IsotonicRegression
    svc = ref.Service(base, model)
    frame = ref.read(holdout, svc.features)
    label = frame.columns[-1]
    p = svc.outputs(frame)
    idx = {c: i for i, c in enumerate(svc.classes)}
    y = np.asarray([idx[v] for v in frame[label].astype(str)])
    out = {"raw": p[:rows].tolist()}
    if len(svc.classes) == 2:
        a, b = result["platt"]["a"], result["platt"]["b"]
        out["platt"] = (1 / (1 + np.exp(a * p[:rows, 1] + b))).tolist()
        iso = IsotonicRegression(out_of_bounds="clip", y_min=0, y_max=1).fit(p[:, 1], (y == 1).astype(float))
        out["isotonic"] = iso.predict(p[:rows, 1]).tolist()
        out["isotonicPoints"] = {"x": iso.X_thresholds_.tolist(), "y": iso.y_thresholds_.tolist()}
        # Platt's optimum to the last bits (Newton's method from scikit-learn's answer): scikit-learn's BFGS stops
        # at a gradient of 1e-5, ~1e-8 from it
        prior1 = float((y == 1).sum())
        prior0 = len(y) - prior1
        t = np.where(y == 1, (prior1 + 1) / (prior1 + 2), 1 / (prior0 + 2))
        f = p[:, 1]
        ab = np.array([a, b])
        for _ in range(50):
            q = 1 / (1 + np.exp(ab[0] * f + ab[1]))
            g = np.array([((t - q) * f).sum(), (t - q).sum()])
            w = q * (1 - q)
            h = np.array([[(w * f * f).sum(), (w * f).sum()], [(w * f).sum(), w.sum()]])
            ab = ab - np.linalg.solve(h, g)
        out["plattExact"] = {"a": float(ab[0]), "b": float(ab[1])}
        out["plattExactRows"] = (1 / (1 + np.exp(ab[0] * p[:rows, 1] + ab[1]))).tolist()
    # the temperature to the last bits (Newton's method on s = 1/t from scipy's answer, which stops at ~1.5e-8 of t)
    logs = np.log(np.clip(p, 1e-300, None))
    s = 1 / result["temperature"]["t"]
    for _ in range(50):
        z = s * logs
        q = np.exp(z - z.max(axis=1, keepdims=True))
        q /= q.sum(axis=1, keepdims=True)
        mean = (q * logs).sum(axis=1)
        first = (mean - logs[np.arange(len(y)), y]).mean()
        second = ((q * logs * logs).sum(axis=1) - mean * mean).mean()
        s = s - first / second
    out["temperatureExact"] = float(1 / s)
    z = logs[:rows] * s
    pz = np.exp(z - z.max(axis=1, keepdims=True))
    out["temperatureExactRows"] = (pz / pz.sum(axis=1, keepdims=True)).tolist()
    tt = result["temperature"]["t"]
    z = np.log(np.clip(p[:rows], 1e-300, None)) / tt
    pz = np.exp(z - z.max(axis=1, keepdims=True))
    out["temperature"] = (pz / pz.sum(axis=1, keepdims=True)).tolist()
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", required=True)
    a = ap.parse_args()
    base = a.base.rstrip("/")
    fixture = {"command": "/usr/bin/python3 src/test/python/calibration_fixtures.py --base URL",
               "reference": "/usr/bin/python3 ../shared/bench/inspection_reference.py --base URL --model ID"
                            " --data HELD_OUT calibration --holdout HELD_OUT"}

    train_article = "src/test/resources/article/seed_train.csv"
    held_article = "src/test/resources/article/seed_test.csv"
    article = train(base, {"datasetId": upload(base, train_article, "seed-train"), "name": "article-uncalibrated",
                           "network": {"maxIterations": 300}})
    result = reference(base, article, held_article, held_article)
    fixture["article"] = {"model": "seed_train.csv, network {\"maxIterations\": 300}", "heldOut": held_article,
                          "reference": result,
                          "thresholds": reference(base, article, held_article, None, "threshold"),
                          "rows": calibrated_rows(base, article, held_article, result)}

    train_customers = "examples/data/customers-train.csv"
    held_customers = "examples/data/customers-test.csv"
    customers = train(base, {"datasetId": upload(base, train_customers, "customers", "customer_id"),
                             "name": "customers-uncalibrated",
                             "network": {"hiddenLayers": [8], "activation": "tanh", "optimizer": {"type": "adam"},
                                         "learningRate": 0.01, "batchSize": 64, "maxIterations": 30}})
    result = reference(base, customers, held_customers, held_customers)
    fixture["customers"] = {"model": "customers-train.csv (ignore customer_id), ExplainTest's network",
                            "heldOut": held_customers, "reference": result,
                            "rows": calibrated_rows(base, customers, held_customers, result)}

    # binary: is the plan "pro"? (the same files CalibrationTest writes)
    import tempfile, os
    tmp = tempfile.mkdtemp()
    paths = []
    for source in (train_customers, held_customers):
        lines = open(source).read().splitlines()
        out = [lines[0]] + [l[:l.rindex(",") + 1] + ("pro" if l.endswith(",pro") else "other") for l in lines[1:]]
        path = os.path.join(tmp, os.path.basename(source).replace("customers", "customers-pro"))
        open(path, "w").write("\n".join(out) + "\n")
        paths.append(path)
    pro = train(base, {"datasetId": upload(base, paths[0], "customers-pro", "customer_id"),
                       "name": "customers-pro-uncalibrated",
                       "network": {"hiddenLayers": [8], "activation": "tanh", "optimizer": {"type": "adam"},
                                   "learningRate": 0.01, "batchSize": 64, "maxIterations": 30}})
    result = reference(base, pro, paths[1], paths[1])
    fixture["customersPro"] = {"model": "customers-train.csv with plan 'pro' or 'other' (ignore customer_id),"
                                        " ExplainTest's network", "heldOut": "customers-test.csv, the same labels",
                               "reference": result, "thresholds": reference(base, pro, paths[1], None, "threshold"),
                               "rows": calibrated_rows(base, pro, paths[1], result)}
    json.dump(fixture, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
