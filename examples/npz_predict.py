#!/usr/bin/env python3
"""Predict with a model exported by netforge (GET /models/{id}/export?format=npz), with numpy alone.

    python3 examples/npz_predict.py model.npz rows.csv      # a CSV with a header naming the features

Prints one JSON prediction per row, as /predict answers them ({"probability", "label"}, {"label",
"probabilities"} or {"value"}). The arithmetic is netforge's: encode the features (one-hot levels, booleans as
0/1, dates as their calendar parts, filled missing values, missing indicators), standardise, then each layer
a = f(a W + b).
"""
import csv
import datetime
import json
import math
import sys

import numpy as np

MISSING = {"", "na", "n/a", "null", "nan", "?"}
TRUE = {"true", "yes", "t", "y", "1"}
FALSE = {"false", "no", "f", "n", "0"}


def seconds(text, fmt):
    """A date's seconds since 1970 UTC (wall-clock time without an offset is UTC), in a built-in format."""
    t = text.strip()
    if fmt.startswith("pattern:"):
        raise ValueError("dates in a named pattern (%s): convert them to ISO 8601 first" % fmt[8:])
    for candidate in (t, t.replace("/", "-", 2)):
        try:
            d = datetime.datetime.fromisoformat(candidate.replace("Z", "+00:00"))
            break
        except ValueError:
            d = None
    if d is None:
        for pattern in ("%b %d %Y", "%b %d, %Y", "%d %b %Y"):
            try:
                d = datetime.datetime.strptime(t.replace(".", ""), pattern)
                break
            except ValueError:
                pass
    if d is None:
        raise ValueError("not a date: %r" % text)
    if d.tzinfo is None:
        d = d.replace(tzinfo=datetime.timezone.utc)
    return d.timestamp()


def date_parts(f, s):
    d = datetime.datetime.fromtimestamp(s, datetime.timezone.utc)
    weekday = d.isoweekday()
    parts = [d.year, d.month, d.day, weekday, d.timetuple().tm_yday]
    if f["hours"]:
        parts.append(d.hour + d.minute / 60 + d.second / 3600)
    parts += [math.sin(2 * math.pi * (d.month - 1) / 12), math.cos(2 * math.pi * (d.month - 1) / 12),
              math.sin(2 * math.pi * (weekday - 1) / 7), math.cos(2 * math.pi * (weekday - 1) / 7),
              (s - f["origin"]) / 86400]
    return parts


def encode(header, record):
    """One row of raw CSV cells (by feature name) as the network's inputs."""
    out = []
    for f in header["preprocessing"]["features"]:
        cell = record[f["name"]].strip()
        missing = cell.lower() in MISSING
        if f["type"] == "categorical":
            levels = [lv["value"] for lv in f["levels"]]
            numbers = [lv.get("number") for lv in f["levels"]]
            onehot = [0.0] * (len(levels) + (1 if f.get("missingLevel") else 0))
            if missing:
                if f.get("missingLevel"):
                    onehot[len(levels)] = 1.0
            elif cell in levels and numbers[levels.index(cell)] is None:
                onehot[levels.index(cell)] = 1.0
            else:
                try:  # numbers match numeric levels by value
                    v = float(cell)
                    hits = [i for i, n in enumerate(numbers) if n is not None and n == v]
                    if hits:
                        onehot[hits[0]] = 1.0
                except ValueError:
                    pass  # an unseen level: all zeros
            out += onehot
        elif f["type"] == "boolean":
            out.append(f["fill"] if missing else 1.0 if cell.lower() in TRUE else 0.0 if cell.lower() in FALSE
                       else float("nan"))
            if f.get("indicator"):
                out.append(1.0 if missing else 0.0)
        elif f["type"] == "datetime":
            out += date_parts(f, f["fill"] if missing else seconds(cell, f["format"]))
            if f.get("indicator"):
                out.append(1.0 if missing else 0.0)
        else:
            out.append(f["fill"] if missing else float(cell))
            if f.get("indicator"):
                out.append(1.0 if missing else 0.0)
    return out


ACTIVATIONS = {
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0),
    "identity": lambda z: z,
    "softmax": lambda z: np.exp(z - z.max(axis=1, keepdims=True)) / np.exp(z - z.max(axis=1, keepdims=True)).sum(axis=1, keepdims=True),
}


def predict(npz_path, csv_path):
    z = np.load(npz_path)
    h = json.loads(z["header"].astype(np.uint8).tobytes())
    acts = dict(ACTIVATIONS, leakyRelu=lambda x: np.where(x < 0, h["leakyReluSlope"] * x, x))
    with open(csv_path, newline="") as f:
        rows = [encode(h, r) for r in csv.DictReader(f)]
    a = np.asarray(rows, dtype=np.float64)
    if h["standardize"]:
        a = (a - z["mean"]) / z["sd"]
    for layer in h["layers"]:
        a = acts[layer["activation"]](a @ z[layer["weights"]] + z[layer["bias"]])
    classes = h["classes"]
    for out in a:
        if h["task"] == "binary":
            p = float(out[0])
            yield {"probability": p, "label": classes[1] if p >= h["threshold"] else classes[0]}
        elif h["task"] == "multiclass":
            yield {"label": classes[int(np.argmax(out))], "probabilities": {str(c): float(p) for c, p in zip(classes, out)}}
        else:
            yield {"value": float(out[0]) * h["target"]["sd"] + h["target"]["mean"]}


if __name__ == "__main__":
    for prediction in predict(sys.argv[1], sys.argv[2]):
        print(json.dumps(prediction))
