#!/usr/bin/env python3
"""Writes a synthetic binary-classification CSV, streamed to disk (constant memory).

usage: gen_csv.py OUT TARGET_BYTES [FEATURES] [SEED]

The label y is 1 when a fixed linear function of the features plus noise is positive, so a network
can learn it. Stops after the first row that reaches TARGET_BYTES; prints "rows bytes" on stdout.
"""
import random
import sys

out, target = sys.argv[1], int(sys.argv[2])
features = int(sys.argv[3]) if len(sys.argv) > 3 else 20
rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 0)
weights = [rng.uniform(-1, 1) for _ in range(features)]
written = rows = 0
with open(out, "w", buffering=1 << 20) as f:
    header = ",".join(f"x{i}" for i in range(features)) + ",y\n"
    f.write(header)
    written += len(header)
    while written < target:
        lines = []
        for _ in range(1000):
            xs = [rng.gauss(0, 1) for _ in range(features)]
            y = 1 if sum(w * x for w, x in zip(weights, xs)) + rng.gauss(0, 0.5) > 0 else 0
            lines.append(",".join(f"{x:.9f}" for x in xs) + f",{y}\n")
        chunk = "".join(lines)
        f.write(chunk)
        written += len(chunk)
        rows += 1000
print(rows, written)
