#!/usr/bin/env python3
"""Reference loss trajectory for LossTrajectoryTest: trains with numpy from initial weights that our Java
initialisation exported, and writes the loss of each iteration's starting parameters.

The arithmetic is numpy_reference.py's (shared/bench): same load, forward pass, backward pass and update,
statement for statement; the only addition is the loss of iteration t, computed from the output logits z_L of
that iteration's forward pass with the stable formula the Java trainer uses,
mean(max(z, 0) - z*y + log1p(exp(-|z|))).

Regenerate (from the repository root; numpy 2.x):

  ./mvnw -q -B -o test -Dtest=LossTrajectoryTest#exportInitialNetwork -Dnetforge.exportInitialNetwork=true
  for dtype in float64 float32; do
    OPENBLAS_NUM_THREADS=1 python3 src/test/python/numpy_trajectory.py \\
        src/test/resources/reference/initial_8_3_seed0.json src/test/resources/article/seed_train.csv \\
        --lr 1.0 --iters 500 --dtype $dtype \\
        --out src/test/resources/reference/trajectory_8_3_seed0_$dtype.json
  done

The first step is only needed when Java's initialisation changes (LossTrajectoryTest fails if it does).
"""
import argparse
import json
import platform

import numpy as np


def load(path, dtype):
    # numpy_reference.load with the label in the last column
    data = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64)
    y = data[:, -1].reshape(-1, 1)
    X = np.delete(data, -1, axis=1)
    return X.astype(dtype), y.astype(dtype)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def forward(X, Ws, bs):
    """numpy_reference.forward, also keeping the logits z of each layer."""
    acts, zs = [X], []
    for W, b in zip(Ws, bs):
        zs.append(acts[-1] @ W + b)
        acts.append(sigmoid(zs[-1]))
    return acts, zs


def stable_loss(z, y):
    return np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))))


def train(X, y, Ws, bs, lr, iters):
    """numpy_reference.train, recording the loss of the parameters each iteration starts from."""
    n = X.shape[0]
    losses = []
    for _ in range(iters):
        acts, zs = forward(X, Ws, bs)
        losses.append(float(stable_loss(zs[-1], y)))
        err = acts[-1] - y  # dJ/dz at the output for sigmoid + log-loss
        for layer in range(len(Ws) - 1, -1, -1):
            a = acts[layer]
            gW = a.T @ err / n
            gb = err.sum(axis=0, keepdims=True) / n
            if layer > 0:
                err = (err @ Ws[layer].T) * (a * (1 - a))
            Ws[layer] -= lr * gW
            bs[layer] -= lr * gb
    return losses


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("init", help="JSON exported by LossTrajectoryTest#exportInitialNetwork")
    ap.add_argument("train", help="training CSV: header, feature columns, 0/1 label last")
    ap.add_argument("--lr", type=float, default=1.0)
    ap.add_argument("--iters", type=int, default=500)
    ap.add_argument("--dtype", default="float64", choices=["float64", "float32"])
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    dtype = np.dtype(args.dtype)
    with open(args.init) as f:
        init = json.load(f)
    sizes = init["layers"]
    # The exported values are doubles; float32 rounds them, as Java's FLOAT32 initialisation does.
    Ws = [np.array(w, dtype=np.float64).reshape(n_in, n_out).astype(dtype)
          for w, n_in, n_out in zip(init["weights"], sizes, sizes[1:])]
    bs = [np.array(b, dtype=np.float64).reshape(1, n_out).astype(dtype)
          for b, n_out in zip(init["biases"], sizes[1:])]
    X, y = load(args.train, dtype)
    if X.shape[1] != sizes[0]:
        raise SystemExit(f"{args.train} has {X.shape[1]} features but the network has {sizes[0]} inputs")

    losses = train(X, y, Ws, bs, args.lr, args.iters)
    out = {
        "about": "loss of iterations 1..n (the parameters each starts from), numpy full-batch gradient descent "
                 "from the exported initial network; made by src/test/python/numpy_trajectory.py",
        "layers": sizes,
        "seed": init.get("seed"),
        "dtype": args.dtype,
        "learning_rate": args.lr,
        "iterations": args.iters,
        "rows": int(X.shape[0]),
        "numpy": np.__version__,
        "python": platform.python_version(),
        "losses": losses,
    }
    with open(args.out, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
