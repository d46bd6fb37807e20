#!/usr/bin/env python3
"""The figures of scripts/db-outage.sh.

    outage_report.py repeat R DOWN_MS RESTART_MS UP_MS DIR STATUS1 STATUS2 ATTEMPTS1 ATTEMPTS2 UPLOAD_STATUS DATASETS_JSON CSV
        one repeat's JSON line, from the pollers' files in DIR (ready-R.poll, live-R.poll, read-R.poll) and the
        load generator's report (load-R.json)
    outage_report.py summary REPEATS.jsonl FINALS.jsonl ERROR_LINES
        the whole report, with "ok" true when every expectation held
"""
import json
import sys


def lines(path):
    out = []
    try:
        with open(path) as f:
            for line in f:
                parts = line.split()
                if len(parts) == 3:
                    out.append((int(parts[0]), parts[1], float(parts[2])))
    except FileNotFoundError:
        pass
    return out


def repeat(args):
    r, down, restart, up, d, s1, s2, a1, a2, upload_status, datasets, csv = args
    r, down, restart, up = int(r), int(down), int(restart), int(up)
    ready = lines(f"{d}/ready-{r}.poll")
    live = lines(f"{d}/live-{r}.poll")
    read = lines(f"{d}/read-{r}.poll")
    # polls sent while the database was certainly away: from a second after it was told to stop until it was
    # told to start again (it accepts connections before pg_ctl returns)
    during = lambda polls: [p for p in polls if down + 1000 <= p[0] and p[0] + p[2] * 1000 <= restart]
    after = lambda polls: [p for p in polls if p[0] >= up + 15000]
    ready_down = [p for p in during(ready) if p[1] == "503"]
    first_down = min((p[0] for p in ready if p[0] >= down and p[1] == "503"), default=None)
    back_up = min((p[0] for p in ready if p[0] >= up and p[1] == "200"), default=None)
    read_during = during(read)
    load = {}
    try:
        with open(f"{d}/load-{r}.json") as f:
            load = json.load(f)
    except (FileNotFoundError, json.JSONDecodeError):
        pass
    with open(csv) as f:
        csv_rows = sum(1 for _ in f) - 1
    stored = json.loads(datasets) if datasets else []
    upload_ok = (upload_status == "201" and stored == [csv_rows]) or (upload_status != "201" and stored == [])
    out = {
        "repeat": r,
        "outageSeconds": round((restart - down) / 1000, 1),
        "predict": {"requests": load.get("requests"), "errors": load.get("errors"),
                    "errorKinds": load.get("errorKinds"), "p50Ms": (load.get("latencyMs") or {}).get("p50"),
                    "p99Ms": (load.get("latencyMs") or {}).get("p99"), "maxMs": (load.get("latencyMs") or {}).get("max")},
        "readinessDownAfterSeconds": None if first_down is None else round((first_down - down) / 1000, 1),
        "readinessUpAfterSeconds": None if back_up is None else round((back_up - up) / 1000, 1),
        "readinessPollsDownDuringOutage": f"{len(ready_down)}/{len(during(ready))}",
        "livenessNot200": sum(1 for p in live if p[1] != "200"),
        "databaseReadDuringOutage": sorted(set(p[1] for p in read_during)),
        "databaseReadMaxSecondsDuringOutage": max((p[2] for p in read_during), default=0),
        "databaseRead500s": sum(1 for p in read if p[1] == "500"),
        "databaseReadAfter": sorted(set(p[1] for p in after(read))),
        "jobs": [s1, s2], "attempts": [int(a1), int(a2)],
        "upload": {"status": upload_status, "storedRows": stored, "csvRows": csv_rows, "allOrNothing": upload_ok},
    }
    out["ok"] = bool(
        (load.get("errors") == 0 if load else False)
        and first_down is not None and back_up is not None and out["livenessNot200"] == 0
        and set(out["databaseReadDuringOutage"]) <= {"503"} and out["databaseRead500s"] == 0
        and out["databaseReadMaxSecondsDuringOutage"] < 10
        and out["databaseReadAfter"] == ["200"]
        and s1 == "SUCCEEDED" and s2 == "SUCCEEDED" and upload_ok)
    print(json.dumps(out))


def summary(args):
    repeats_path, finals_path, errors = args
    repeats = [json.loads(l) for l in open(repeats_path) if l.strip()]
    finals = [json.loads(l) for l in open(finals_path) if l.strip()]
    p99 = [x["predict"]["p99Ms"] for x in repeats if x["predict"].get("p99Ms") is not None]
    report = {
        "repeats": len(repeats),
        "repeatsOk": sum(1 for x in repeats if x["ok"]),
        "predictRequests": sum(x["predict"].get("requests") or 0 for x in repeats),
        "predictErrors": sum(x["predict"].get("errors") or 0 for x in repeats),
        "predictP99MsWorst": max(p99, default=None),
        "readinessDownAfterSeconds": [x["readinessDownAfterSeconds"] for x in repeats],
        "readinessUpAfterSeconds": [x["readinessUpAfterSeconds"] for x in repeats],
        "databaseReadMaxSecondsDuringOutage": max((x["databaseReadMaxSecondsDuringOutage"] for x in repeats), default=0),
        "jobsSucceeded": sum(x["jobs"].count("SUCCEEDED") for x in repeats),
        "jobsRunAgain": sum(1 for x in repeats for a in x["attempts"] if a > 1),
        "uploads": {"completed": sum(1 for x in repeats if x["upload"]["status"] == "201"),
                    "leftNothing": sum(1 for x in repeats if x["upload"]["status"] != "201" and x["upload"]["allOrNothing"]),
                    "allOrNothing": sum(1 for x in repeats if x["upload"]["allOrNothing"])},
        "finalWrite": finals,
        "serviceErrorLogLines": int(errors),
        "details": repeats,
    }
    report["ok"] = (report["repeatsOk"] == len(repeats)
                    and all(f["status"] == "SUCCEEDED" for f in finals))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    {"repeat": repeat, "summary": summary}[sys.argv[1]](sys.argv[2:])
