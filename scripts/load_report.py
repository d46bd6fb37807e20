#!/usr/bin/env python3
"""Helpers of load-test.sh.

load_report.py wrk DIR PHASE   parses DIR/wrk-PHASE-{predict,liveness,health}.out into one JSON object
load_report.py report DIR      combines DIR's *.json files into the load test's report (stdout)
"""
import json
import os
import re
import sys


def wrk(directory, phase):
    out = {}
    for name in ("predict", "liveness", "health"):
        text = open(os.path.join(directory, f"wrk-{phase}-{name}.out")).read()
        rps = re.search(r"Requests/sec:\s*([\d.]+)", text)
        non2xx = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", text)
        sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
        errors = (int(non2xx.group(1)) if non2xx else 0) + (sum(map(int, sock.groups())) if sock else 0)
        out[name] = {"rps": float(rps.group(1)) if rps else 0.0, "errors": errors}
    print(json.dumps(out))


def load(directory, name):
    path = os.path.join(directory, name)
    return json.load(open(path)) if os.path.exists(path) else None


def throughput(compare, wrk_result):
    predict, liveness, health = compare["targets"]
    out = {
        "predictRps": predict["rps"], "livenessRps": liveness["rps"], "healthRps": health["rps"],
        "ratioPredictOverLiveness": float(compare["firstOverEach"][1]),
        "ratioPredictOverHealth": float(compare["firstOverEach"][2]),
        "roundsRps": dict(zip(("predict", "liveness", "health"), compare["rounds"])),
        "errors": {"predict": predict["errors"], "liveness": liveness["errors"], "health": health["errors"]},
        "latencyMs": {"predict": predict["latencyMs"], "liveness": liveness["latencyMs"],
                      "health": health["latencyMs"]},
    }
    if wrk_result:
        out["wrk"] = wrk_result
        out["wrkRatioPredictOverLiveness"] = round(wrk_result["predict"]["rps"] / max(wrk_result["liveness"]["rps"], 1e-9), 2)
        out["wrkRatioPredictOverHealth"] = round(wrk_result["predict"]["rps"] / max(wrk_result["health"]["rps"], 1e-9), 2)
    return out


def report(directory):
    setup = load(directory, "setup.json")
    steady, busy, idle = load(directory, "steady.json"), load(directory, "busy.json"), load(directory, "idle.json")
    wrk_busy, wrk_idle = load(directory, "wrk-busy.json"), load(directory, "wrk-idle.json")
    before = [int(x) for x in setup.pop("dbStatsBefore").split("|")]
    after = [int(x) for x in setup.pop("dbStatsAfter").split("|")]
    quiet_before = [int(x) for x in setup.pop("dbStatsQuietBefore").split("|")]
    quiet_after = [int(x) for x in setup.pop("dbStatsQuietAfter").split("|")]
    warnings = open(os.path.join(directory, "service-warnings.log")).read().splitlines()
    result = {
        "setup": setup,
        "steadyRate": steady,
        "steadyRateIdleServer": load(directory, "steady-idle.json"),
        "databaseDuringSteadyRate": None if setup["database"] != "postgres" else {
            "withPredictLoad": {"transactions": after[0] - before[0], "tuplesReturned": after[1] - before[1]},
            "quietSameDuration": {"transactions": quiet_after[0] - quiet_before[0],
                                  "tuplesReturned": quiet_after[1] - quiet_before[1]},
            "predicts": steady["ok"],
            "extraTransactionsPerPredict": round(((after[0] - before[0]) - (quiet_after[0] - quiet_before[0]))
                                                 / max(steady["ok"], 1), 4),
            "note": "all of the service's database work; the quiet period has the same two training jobs"},
        "throughputWhileTraining": throughput(busy, wrk_busy),
        "throughputIdle": throughput(idle, wrk_idle),
        "serviceLogWarningsAndErrors": len(warnings),
        "firstServiceWarnings": [w[:300] for w in warnings[:3]],
    }
    wrk_errors = sum(v["errors"] for w in (wrk_busy, wrk_idle) if w for v in w.values())
    result["goals"] = {
        "zeroErrors": steady["errors"] == 0 and wrk_errors == 0
        and all(t["errors"] == 0 for c in (busy, idle) for t in c["targets"]),
        "p99Under20msAtTargetRate": steady["latencyMs"]["p99"] < 20 and steady["rps"] >= 0.99 * steady["targetRps"],
        "ratioAtLeast0.5WhileTraining": result["throughputWhileTraining"]["ratioPredictOverLiveness"] >= 0.5,
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    if sys.argv[1] == "wrk":
        wrk(sys.argv[2], sys.argv[3])
    else:
        report(sys.argv[2])
