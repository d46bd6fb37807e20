#!/usr/bin/env python3
"""The speed issue's workloads through HTTP on the packaged service, side by side with PyTorch in one run.

For each workload (synthetic rows of the issue's shapes, seeded): the CSV is uploaded once, then, round by round
and alternating, netforge trains it (POST /models, polled until SUCCEEDED; the model's timings.trainingSeconds is
the training loop, the wall time is submitted-to-SUCCEEDED) and bench/torch_reference.py trains the same rows
(one-hot encoded where netforge one-hot encodes, standardised as netforge standardises), with 1 and 2 threads.
With --against-jar, an older build of the service trains the same jobs in the same rounds.

Also the first job after a start, per task: a binary, a multi-class and a regression job
(mini-batch and full batch), each on an instance of its own started for it: its first job against the same job
run a third time (warm), on --first-rounds fresh instances per kind (medians: a job of a few milliseconds is
moved by anything else the machine does).

  /usr/bin/python3 bench/http_workloads.py [--jar target/netforge-0.1.0-SNAPSHOT.jar] [--against-jar OLD.jar]
                                           [--rounds 3] [--only NAME,...] [--skip-first-jobs]
                                           [--skip-workloads] [--first-rounds 3] [--out FILE]

Needs Debian's python3 with python3-torch (torch_reference.py) and numpy. Prints JSON (also --out).
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
TORCH = os.path.join(ROOT, 'bench', 'torch_reference.py')
sys.path.insert(0, os.path.join(ROOT, 'bench'))
import openblas_core  # noqa: E402

# name: rows, numeric inputs, categorical columns x levels, classes (1: regression), network, torch settings
WORKLOADS = {
    'digits-8-3-sigmoid-full': dict(rows=1797, numeric=64, categorical=(0, 0), classes=10, hidden=[8, 3],
                                    activation='sigmoid', optimizer='gd', lr=1.0, batch=0, epochs=2000),
    'digits-64-32-adam-b32': dict(rows=1797, numeric=64, categorical=(0, 0), classes=10, hidden=[64, 32],
                                  activation='relu', optimizer='adam', lr=0.001, batch=32, epochs=30),
    'regression-20000x30-adam-b64': dict(rows=20000, numeric=30, categorical=(0, 0), classes=1, hidden=[64, 32],
                                         activation='relu', optimizer='adam', lr=0.001, batch=64, epochs=10),
    'onehot-5000x300-adam-b32': dict(rows=5000, numeric=20, categorical=(4, 70), classes=5, hidden=[64, 32],
                                     activation='relu', optimizer='adam', lr=0.001, batch=32, epochs=10),
    'binary-100000x50-adam-b256': dict(rows=100000, numeric=50, categorical=(0, 0), classes=2, hidden=[128, 64],
                                       activation='relu', optimizer='adam', lr=0.001, batch=256, epochs=3),
}

FIRST_JOBS = {
    'binary-full': dict(rows=4000, numeric=20, categorical=(0, 0), classes=2, hidden=[8, 3], activation='sigmoid',
                        optimizer='gd', lr=1.0, batch=0, epochs=2000),
    'binary-minibatch': dict(rows=4000, numeric=20, categorical=(0, 0), classes=2, hidden=[16], activation='relu',
                             optimizer='adam', lr=0.01, batch=64, epochs=40),
    'multiclass-full': dict(rows=3000, numeric=12, categorical=(1, 6), classes=4, hidden=[16], activation='tanh',
                            optimizer='gd', lr=0.5, batch=0, epochs=500),
    'multiclass-minibatch': dict(rows=3000, numeric=12, categorical=(1, 6), classes=4, hidden=[32, 16],
                                 activation='relu', optimizer='adam', lr=0.01, batch=32, epochs=20),
    'regression-full': dict(rows=3000, numeric=10, categorical=(0, 0), classes=1, hidden=[16], activation='tanh',
                            optimizer='gd', lr=0.05, batch=0, epochs=500),
    'regression-minibatch': dict(rows=3000, numeric=10, categorical=(0, 0), classes=1, hidden=[32],
                                 activation='relu', optimizer='adam', lr=0.01, batch=64, epochs=20),
    'wide-full': dict(rows=3000, numeric=60, categorical=(2, 20), classes=3, hidden=[128, 64], activation='relu',
                      optimizer='adam', lr=0.001, batch=0, epochs=100),
    'wide-minibatch': dict(rows=3000, numeric=60, categorical=(2, 20), classes=2, hidden=[128, 64],
                           activation='relu', optimizer='adam', lr=0.001, batch=64, epochs=10),
}


def write_data(folder, name, w):
    """netforge's CSV (categorical columns as text) and torch's (one-hot, as netforge encodes them)."""
    rng = np.random.default_rng(sum(map(ord, name)))
    rows, numeric, (cats, levels), classes = w['rows'], w['numeric'], w['categorical'], w['classes']
    x = rng.normal(size=(rows, numeric))
    codes = rng.integers(0, levels, size=(rows, cats)) if cats else np.zeros((rows, 0), dtype=int)
    weights = np.where(np.arange(numeric) % 3 == 0, 1.0, -0.5) / np.sqrt(numeric)
    score = x @ weights + sum(((codes[:, c] % 3) - 1) * 0.5 for c in range(cats))
    if classes == 1:
        y = score + 0.1 * rng.normal(size=rows)
    elif classes == 2:
        y = (score + 0.3 * rng.normal(size=rows) > 0).astype(int)
    else:
        y = np.floor(score * 2 + classes / 2).astype(int) % classes
    ours = os.path.join(folder, name + '.csv')
    theirs = os.path.join(folder, name + '-onehot.csv')
    header = [f'x{k}' for k in range(numeric)] + [f'c{c}' for c in range(cats)] + ['y']
    with open(ours, 'w') as f:
        f.write(','.join(header) + '\n')
        for r in range(rows):
            cells = [f'{v:.6g}' for v in x[r]] + [f'L{codes[r, c]}' for c in range(cats)]
            cells.append(f'{y[r]:.6g}' if classes == 1 else str(int(y[r])))
            f.write(','.join(cells) + '\n')
    onehot = [np.eye(levels)[codes[:, c]] for c in range(cats)]
    z = np.column_stack([x] + onehot) if cats else x
    with open(theirs, 'w') as f:
        f.write(','.join(f'x{k}' for k in range(z.shape[1])) + ',y\n')
        for r in range(rows):
            f.write(','.join(f'{v:.6g}' for v in z[r]) + ',' + (f'{y[r]:.6g}' if classes == 1 else str(int(y[r]))) + '\n')
    return ours, theirs


def task_of(classes):
    return 'regression' if classes == 1 else 'binary' if classes == 2 else 'multiclass'


class Service:
    def __init__(self, jar, port, folder, label):
        self.port = port
        self.label = label
        self.base = f'http://localhost:{port}'
        db = os.path.join(folder, f'db-{label}-{port}')
        self.log = open(os.path.join(folder, f'{label}-{port}.log'), 'w')
        env = dict(os.environ)
        self.process = subprocess.Popen(['java', '-jar', jar, f'--server.port={port}',
                                         f'--spring.datasource.url=jdbc:h2:file:{db};DB_CLOSE_ON_EXIT=FALSE'],
                                        stdout=self.log, stderr=subprocess.STDOUT, env=env,
                                        start_new_session=True)
        deadline = time.time() + 180
        while time.time() < deadline:
            try:
                if self.request('GET', '/actuator/health/readiness')[0] == 200:
                    return
            except OSError:
                pass
            if self.process.poll() is not None:
                raise SystemExit(f'{label} service on {port} exited while starting; see its log')
            time.sleep(0.5)
        raise SystemExit(f'{label} service on {port} did not become ready')

    def request(self, method, path, body=None, content_type='application/json'):
        data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            req.add_header('Content-Type', content_type)
        try:
            with urllib.request.urlopen(req, timeout=600) as r:
                return r.status, json.loads(r.read() or b'null')
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b'null')

    def upload(self, path, name):
        with open(path, 'rb') as f:
            status, body = self.request('POST', f'/datasets?name={name}&label=y', f.read(), 'text/csv')
        if status != 201:
            raise SystemExit(f'upload of {name}: {status} {body}')
        return body['id']

    def train(self, dataset, w, name):
        network = {'hiddenLayers': w['hidden'], 'activation': w['activation'], 'learningRate': w['lr'],
                   'maxIterations': w['epochs'], 'batchSize': w['batch'], 'seed': 0}
        if w['optimizer'] == 'adam':
            network['optimizer'] = {'type': 'adam'}
        spec = {'datasetId': dataset, 'name': name, 'task': task_of(w['classes']), 'network': network}
        start = time.perf_counter()
        status, body = self.request('POST', '/models', spec)
        if status != 202:
            raise SystemExit(f'training {name}: {status} {body}')
        model = body['id']
        while True:
            status, body = self.request('GET', f'/models/{model}')
            if body['status'] in ('SUCCEEDED', 'FAILED', 'CANCELLED'):
                break
            time.sleep(0.02)
        wall = time.perf_counter() - start
        if body['status'] != 'SUCCEEDED':
            raise SystemExit(f'{name} ended {body["status"]}: {body.get("error")}')
        return {'training_seconds': body['timings']['trainingSeconds'], 'wall_seconds': round(wall, 4),
                'trainer': body.get('provenance', {}).get('trainer')}

    def stop(self):
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=60)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.log.close()


def torch_run(path, w, threads):
    args = ['/usr/bin/python3', TORCH, path, '--task', task_of(w['classes']), '--hidden',
            ','.join(map(str, w['hidden'])), '--activation', w['activation'], '--optimizer', w['optimizer'],
            '--lr', repr(w['lr']), '--epochs', str(w['epochs']), '--batch-size', str(w['batch']), '--shuffle',
            '--standardize', '--threads', str(threads), '--dtype', 'float64', '--warm-up', '2']
    # PyTorch at its best: no OPENBLAS_CORETYPE pin a machine may set for ND4J's bits (it holds OpenBLAS to 256-bit
    # kernels) but the core its OpenBLAS multiplies fastest on (bench/openblas_core.py: Debian's 0.3.21 runs SSE3
    # kernels on CPUs newer than itself), and one thread meaning one for OpenBLAS too (torch.set_num_threads does
    # not limit its threads)
    env = openblas_core.reference_env(args[0], threads)
    out = subprocess.run(args, check=True, capture_output=True, text=True, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])['train_seconds']


def median(values):
    s = sorted(values)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--jar', default=os.path.join(ROOT, 'target', 'netforge-0.1.0-SNAPSHOT.jar'))
    p.add_argument('--against-jar')
    p.add_argument('--rounds', type=int, default=3)
    p.add_argument('--only')
    p.add_argument('--skip-first-jobs', action='store_true')
    p.add_argument('--skip-workloads', action='store_true')
    p.add_argument('--first-rounds', type=int, default=3)
    p.add_argument('--out')
    a = p.parse_args()
    folder = tempfile.mkdtemp(prefix='netforge-http-bench-')
    result = {'machine': {'cores': os.cpu_count(), 'load_average_at_start': open('/proc/loadavg').read().strip()},
              'jar': os.path.relpath(a.jar, ROOT), 'against_jar': a.against_jar, 'rounds': a.rounds,
              'workloads': [], 'first_jobs': []}
    services = []
    try:
        ours = Service(a.jar, 18191, folder, 'netforge')
        services.append(ours)
        old = Service(a.against_jar, 18192, folder, 'against') if a.against_jar else None
        if old:
            services.append(old)
        names = [] if a.skip_workloads else a.only.split(',') if a.only else list(WORKLOADS)
        for name in names:
            w = WORKLOADS[name]
            csv, onehot = write_data(folder, name, w)
            ids = {'netforge': ours.upload(csv, name)}
            if old:
                ids['against'] = old.upload(csv, name)
            ours.train(ids['netforge'], w, name + '-warm-up')
            runs = {'netforge': [], 'netforge_wall': [], 'torch1': [], 'torch2': [], 'against': []}
            trainer = None
            for r in range(a.rounds):
                t = ours.train(ids['netforge'], w, f'{name}-{r}')
                trainer = t['trainer']
                runs['netforge'].append(t['training_seconds'])
                runs['netforge_wall'].append(t['wall_seconds'])
                runs['torch1'].append(torch_run(onehot, w, 1))
                runs['torch2'].append(torch_run(onehot, w, 2))
                if old:
                    runs['against'].append(old.train(ids['against'], w, f'{name}-{r}')['training_seconds'])
                print(f'{name} round {r + 1}: netforge {runs["netforge"][-1]} s ({trainer}), torch 1 thread '
                      f'{runs["torch1"][-1]} s, 2 threads {runs["torch2"][-1]} s'
                      + (f', against {runs["against"][-1]} s' if old else ''), file=sys.stderr)
            entry = {'workload': name, 'settings': w, 'trainer': trainer}
            for k, v in runs.items():
                if v:
                    entry[k + '_seconds_median'] = round(median(v), 4)
                    entry[k + '_seconds_each'] = v
            best_torch = min(entry['torch1_seconds_median'], entry['torch2_seconds_median'])
            entry['ratio_to_torch_1_thread'] = round(entry['netforge_seconds_median'] / entry['torch1_seconds_median'], 4)
            entry['ratio_to_faster_torch'] = round(entry['netforge_seconds_median'] / best_torch, 4)
            if old:
                entry['ratio_to_against'] = round(entry['netforge_seconds_median'] / entry['against_seconds_median'], 4)
            result['workloads'].append(entry)
        if not a.skip_first_jobs:
            for s in services:
                s.stop()
            services = []
            # for each kind of job, fresh instances: the first job after the start, then the same job warm
            for i, (name, w) in enumerate(FIRST_JOBS.items()):
                firsts, warms, walls = [], [], []
                trainer = None
                for r in range(a.first_rounds):
                    fresh = Service(a.jar, 18193 + i, folder, f'fresh-{r}')
                    services.append(fresh)
                    csv, _ = write_data(folder, name, w)
                    dataset = fresh.upload(csv, name)
                    first = fresh.train(dataset, w, name + '-first')
                    fresh.train(dataset, w, name + '-second')
                    warm = fresh.train(dataset, w, name + '-warm')
                    fresh.stop()
                    services.remove(fresh)
                    trainer = first['trainer']
                    firsts.append(first['training_seconds'])
                    warms.append(warm['training_seconds'])
                    walls.append((first['wall_seconds'], warm['wall_seconds']))
                ratios = [f / m for f, m in zip(firsts, warms)]
                entry = {'job': name, 'trainer': trainer, 'first_seconds_median': round(median(firsts), 4),
                         'warm_seconds_median': round(median(warms), 4),
                         'ratio_of_medians': round(median(firsts) / median(warms), 3),
                         'ratio_median': round(median(ratios), 3), 'ratios': [round(x, 3) for x in ratios],
                         'first_seconds_each': firsts, 'warm_seconds_each': warms,
                         'wall_seconds_first_and_warm_each': walls}
                print(f'first job {name}: {entry}', file=sys.stderr)
                result['first_jobs'].append(entry)
    finally:
        for s in services:
            s.stop()
        shutil.rmtree(folder, ignore_errors=True)
    text = json.dumps(result, indent=1)
    if a.out:
        with open(a.out, 'w') as f:
            f.write(text + '\n')
    print(text)


if __name__ == '__main__':
    main()
