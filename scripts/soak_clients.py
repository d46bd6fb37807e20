#!/usr/bin/env python3
"""The clients of scripts/soak.sh: a steady mix of uploads, trainings, predictions, cancels and deletes from several
threads against several instances, for a bounded time; then every accepted job is waited for and checked.

    soak_clients.py SECONDS CLIENTS CSV URL [URL ...]

Prints one JSON report: requests by action and status, the unexpected answers (a 5xx, a failed connection, a
4xx no action of this mix should get), and the end state of every job the service accepted.
"""
import json
import random
import sys
import threading
import time
import urllib.error
import urllib.request

seconds, clients, csv_path, urls = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4:]
csv = open(csv_path, "rb").read()
lock = threading.Lock()
counts = {}          # "action status" -> n
unexpected = []      # (action, status, detail)
accepted = set()     # model ids the service accepted (202)
deleted = set()      # model ids deleted (204)
datasets = []        # dataset ids
succeeded = []       # model ids seen SUCCEEDED
# 4xx answers this mix expects: predicting a deleted or unfinished model, cancelling a finished or deleted one,
# deleting one deleted by another client, training on a dataset another client... (none deleted: datasets stay)
EXPECTED = {"predict": {404, 409}, "cancel": {404, 409}, "delete": {404}, "get": {404}}


def call(method, url, body=None, content_type=None, timeout=60):
    request = urllib.request.Request(url, data=body, method=method)
    if content_type:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except Exception as e:  # a refused or broken connection, a timeout
        return 0, str(e).encode()


def record(action, status, body):
    with lock:
        counts[f"{action} {status}"] = counts.get(f"{action} {status}", 0) + 1
        if status == 0 or status >= 500 or (400 <= status < 500 and status not in EXPECTED.get(action, set())):
            unexpected.append((action, status, body[:300].decode(errors="replace")))


def pick(items):
    with lock:
        return random.choice(items) if items else None


def client(seed, deadline):
    rng = random.Random(seed)
    while time.time() < deadline:
        base = rng.choice(urls)
        roll = rng.random()
        if roll < 0.08 or not datasets:
            status, body = call("POST", f"{base}/datasets?name=soak-{seed}", csv, "text/csv")
            record("upload", status, body)
            if status == 201:
                with lock:
                    datasets.append(json.loads(body)["id"])
        elif roll < 0.30:
            dataset = pick(datasets)
            spec = {"datasetId": dataset, "network": {"hiddenLayers": [rng.choice([2, 4, 8])],
                                                      "maxIterations": rng.choice([20, 50, 200, 2000])}}
            status, body = call("POST", f"{base}/models", json.dumps(spec).encode(), "application/json")
            record("train", status, body)
            if status == 202:
                with lock:
                    accepted.add(json.loads(body)["id"])
        elif roll < 0.75:
            model = pick(succeeded) or pick(sorted(accepted))
            if model:
                status, body = call("POST", f"{base}/models/{model}/predict",
                                    json.dumps({"rows": [[rng.uniform(-2, 2) for _ in range(10)]]}).encode(),
                                    "application/json")
                record("predict", status, body)
        elif roll < 0.85:
            model = pick(sorted(accepted))
            if model:
                status, body = call("GET", f"{base}/models/{model}")
                record("get", status, body)
                if status == 200 and json.loads(body)["status"] == "SUCCEEDED":
                    with lock:
                        succeeded.append(model)
        elif roll < 0.93:
            model = pick(sorted(accepted))
            if model:
                status, body = call("POST", f"{base}/models/{model}/cancel", b"{}", "application/json")
                record("cancel", status, body)
        else:
            model = pick(sorted(accepted))
            if model:
                status, body = call("DELETE", f"{base}/models/{model}")
                record("delete", status, body)
                if status == 204:
                    with lock:
                        deleted.add(model)
                        while model in succeeded:
                            succeeded.remove(model)
        time.sleep(rng.uniform(0.02, 0.1))


deadline = time.time() + seconds
threads = [threading.Thread(target=client, args=(i, deadline)) for i in range(clients)]
for t in threads:
    t.start()
for t in threads:
    t.join()

# every accepted job that was not deleted: in a final state, on every instance alike
final = {}
wait_until = time.time() + 600
for model in sorted(accepted - deleted):
    while True:
        views = []
        for base in urls:
            status, body = call("GET", f"{base}/models/{model}")
            views.append(json.loads(body) if status == 200 else {"status": f"HTTP {status}"})
        state = views[0]["status"]
        if state in ("SUCCEEDED", "FAILED", "CANCELLED") or time.time() > wait_until:
            break
        time.sleep(1)
    same = all(v.get("status") == state and v.get("attempts") == views[0].get("attempts") for v in views)
    final[model] = {"status": state, "attempts": views[0].get("attempts"), "sameOnEveryInstance": same}

states = {}
for v in final.values():
    states[v["status"]] = states.get(v["status"], 0) + 1
report = {
    "seconds": seconds, "clients": clients, "instances": len(urls),
    "requests": sum(counts.values()), "byActionAndStatus": dict(sorted(counts.items())),
    "unexpected": len(unexpected), "unexpectedSample": unexpected[:10],
    "jobsAccepted": len(accepted), "jobsDeleted": len(deleted & accepted), "jobsChecked": len(final),
    "jobStates": states,
    "jobsNotFinal": [m for m, v in final.items() if v["status"] not in ("SUCCEEDED", "FAILED", "CANCELLED")],
    "jobsMissing": [m for m, v in final.items() if v["status"].startswith("HTTP")],
    "jobsRunMoreThanOnce": [m for m, v in final.items() if (v["attempts"] or 0) > 1],
    "jobsDifferingBetweenInstances": [m for m, v in final.items() if not v["sameOnEveryInstance"]],
}
report["ok"] = (report["unexpected"] == 0 and not report["jobsNotFinal"] and not report["jobsMissing"]
                and not report["jobsRunMoreThanOnce"] and not report["jobsDifferingBetweenInstances"]
                and states.get("FAILED", 0) == 0)
print(json.dumps(report, indent=2))
