#!/usr/bin/env python3
"""Writes a synthetic binary-classification CSV, streamed to disk (constant memory).

usage: gen_csv.py OUT TARGET_BYTES [FEATURES] [SEED] [CATEGORICAL]

The label y is 1 when a fixed linear function of the features plus noise is positive, so a network
can learn it. With CATEGORICAL > 0, that many categorical columns c0, c1, ... follow the numeric ones: each
holds one of 40 city names (2% of its cells empty, i.e. missing), and each name shifts the linear function
by a fixed amount. Stops after the first row that reaches TARGET_BYTES; prints "rows bytes" on stdout.
"""
import random
import sys

out, target = sys.argv[1], int(sys.argv[2])
features = int(sys.argv[3]) if len(sys.argv) > 3 else 20
rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 0)
categorical = int(sys.argv[5]) if len(sys.argv) > 5 else 0
weights = [rng.uniform(-1, 1) for _ in range(features)]
cities = [f"city-{i:02d}" for i in range(40)]
shifts = [[rng.uniform(-1, 1) for _ in cities] for _ in range(categorical)]
written = rows = 0
with open(out, "w", buffering=1 << 20) as f:
    header = ",".join([f"x{i}" for i in range(features)] + [f"c{i}" for i in range(categorical)]) + ",y\n"
    f.write(header)
    written += len(header)
    while written < target:
        lines = []
        for _ in range(1000):
            xs = [rng.gauss(0, 1) for _ in range(features)]
            cs = [rng.randrange(len(cities)) for _ in range(categorical)]
            score = sum(w * x for w, x in zip(weights, xs)) + sum(s[c] for s, c in zip(shifts, cs))
            y = 1 if score + rng.gauss(0, 0.5) > 0 else 0
            cells = [f"{x:.9f}" for x in xs] + ["" if rng.random() < 0.02 else cities[c] for c in cs]
            lines.append(",".join(cells) + f",{y}\n")
        chunk = "".join(lines)
        f.write(chunk)
        written += len(chunk)
        rows += 1000
print(rows, written)
