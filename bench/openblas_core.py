#!/usr/bin/env python3
"""Prints the OPENBLAS_CORETYPE under which this machine's OpenBLAS multiplies fastest ('' when its own detection is
the fastest), so that the benches' references (numpy, PyTorch) run at their best.

OpenBLAS picks its kernels from the CPU's model number, and a release older than the CPU does not know it: Debian's
OpenBLAS 0.3.21 on an Intel Xeon of model 207 (AVX-512) says "Core: Prescott" and multiplies with SSE3 kernels,
14.8 GFLOP/s in float64 on one core against 74-76 with SkylakeX or Cooperlake forced. A machine may also export a
pin of its own (OPENBLAS_CORETYPE=Haswell, for ND4J's bits in the tests), which holds the references to 256-bit
kernels. So each candidate (the machine's detection, then SkylakeX, Cooperlake, Haswell, Zen) multiplies two
1024 x 1024 float64 matrices and two float32 ones on one thread, in a process of its own (a kernel the CPU cannot
run kills only that process), and the one with the best total rate wins.

  /usr/bin/python3 bench/openblas_core.py [--python /usr/bin/python3] [--verbose]
"""
import argparse
import os
import subprocess
import sys

CANDIDATES = ['', 'SkylakeX', 'Cooperlake', 'Haswell', 'Zen']

PROBE = '''
import time
import numpy as np
total = 0.0
for dtype in (np.float64, np.float32):
    a = np.random.default_rng(0).random((1024, 1024)).astype(dtype)
    b = a.copy()
    a @ b
    best = min((lambda t: (a @ b, time.perf_counter() - t)[1])(time.perf_counter()) for _ in range(5))
    total += 2 * 1024 ** 3 / best / 1e9
print(total)
'''


def rate(python, core):
    env = {k: v for k, v in os.environ.items() if not k.startswith('OPENBLAS_')}
    env['OPENBLAS_NUM_THREADS'] = '1'
    if core:
        env['OPENBLAS_CORETYPE'] = core
    try:
        out = subprocess.run([python, '-c', PROBE], env=env, capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        return 0.0
    if out.returncode != 0:
        return 0.0
    try:
        return float(out.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return 0.0


def best_core(python=sys.executable, verbose=False):
    """The fastest candidate ('' for OpenBLAS's own detection), ties going to the earlier one."""
    rates = [(rate(python, core), core) for core in CANDIDATES]
    if verbose:
        for r, core in rates:
            print(f'{core or "(detected)"}: {r:.1f} GFLOP/s (float64 + float32, 1 thread)', file=sys.stderr)
    fastest = max(rates, key=lambda rc: rc[0])
    # a candidate must be clearly faster than the machine's own detection to replace it (timings wander by ~10%)
    return '' if rates[0][0] >= 0.9 * fastest[0] else fastest[1]


_CORES = {}


def reference_env(python, threads):
    """The environment for a reference run under `python` on `threads` threads: no OPENBLAS_* setting of the
    machine's, OPENBLAS_NUM_THREADS = threads, and the interpreter's fastest core (measured once per interpreter)."""
    if python not in _CORES:
        _CORES[python] = best_core(python)
        print(f'references under {python}: OPENBLAS_CORETYPE=' + (_CORES[python] or "(OpenBLAS's own detection)"),
              file=sys.stderr)
    env = {k: v for k, v in os.environ.items() if not k.startswith('OPENBLAS_')}
    env['OPENBLAS_NUM_THREADS'] = str(threads)
    if _CORES[python]:
        env['OPENBLAS_CORETYPE'] = _CORES[python]
    return env


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--python', default=sys.executable)
    p.add_argument('--verbose', action='store_true')
    args = p.parse_args()
    print(best_core(args.python, args.verbose))


if __name__ == '__main__':
    main()
