#!/usr/bin/env python3
"""Reference loss trajectories for TorchTrajectoryTest, made by PyTorch (autograd and torch.optim).

For every configuration below and both precisions, runs bench/torch_reference.py (an unchanged copy of the
team's yardstick, shared/bench) on the article's training set (binary) or on two small datasets this script
writes once into src/test/resources/reference/torch-data (three classes; a numeric target), from initial
weights drawn by its own port of
java.util.Random (java_random.py) in netforge's order, and with mini-batches in its port of
Collections.shuffle (--shuffle), and writes src/test/resources/reference/torch/<name>_<dtype>.json: the
configuration, the exact command, the initial weights it started from (TorchTrajectoryTest builds netforge's
network from these, and checks that netforge's own initialisation draws the same), and the loss of every epoch.

torch_reference.py has no leaky ReLU; for configurations that use it this script runs the same file with one
entry added to its table of activations, torch.nn.functional.leaky_relu with slope 0.01 (the only change).

Regenerate from the repository root with Debian's python3 and python3-torch (not a pyenv python):

  /usr/bin/python3 src/test/python/torch_fixtures.py [name ...]

(names: only those configurations; none: all of them).

The output is deterministic for a given PyTorch build (one thread); the files record its version.
"""
import json
import os
import shlex
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
BENCH = os.path.join(ROOT, 'bench')
DATA = {
    'article': os.path.join('src', 'test', 'resources', 'article', 'seed_train.csv'),
    'multiclass': os.path.join('src', 'test', 'resources', 'reference', 'torch-data', 'multiclass.csv'),
    'regression': os.path.join('src', 'test', 'resources', 'reference', 'torch-data', 'regression.csv'),
}
OUT = os.path.join(ROOT, 'src', 'test', 'resources', 'reference', 'torch')
sys.path.insert(0, BENCH)
import torch_reference  # noqa: E402

# name: settings (defaults below); every name is a file pair <name>_float64.json and <name>_float32.json
DEFAULTS = dict(task='binary', data='article', hidden=[8, 3], activation='sigmoid', optimizer='gd', lr=1.0,
                epochs=300, batch=0, l2=0.0, class_weights=None, init='normal', seed=0, momentum=0.9, beta1=0.9,
                beta2=0.999, eps=1e-8)
CONFIGS = {
    # each activation, full-batch gradient descent
    'sigmoid-gd': dict(),
    'tanh-gd': dict(activation='tanh', lr=0.1),
    'relu-gd': dict(activation='relu', lr=0.1),
    'leakyrelu-gd': dict(activation='leakyRelu', lr=0.1),
    'identity-gd': dict(activation='identity', lr=0.02),
    'relu-tanh-gd': dict(activation=['relu', 'tanh'], lr=0.1),
    # the initialisations
    'he-relu-gd': dict(activation='relu', init='he', lr=0.05, seed=3),
    'xavier-tanh-gd': dict(activation='tanh', init='xavier', lr=0.1, seed=4),
    # each optimiser on mini-batches of 256 rows (15 of them and one of 160 per epoch)
    'relu-gd-batch256': dict(activation='relu', lr=0.1, batch=256, epochs=20),
    'relu-momentum-batch256': dict(activation='relu', optimizer='momentum', lr=0.05, batch=256, epochs=20),
    'relu-nesterov-batch256': dict(activation='relu', optimizer='nesterov', lr=0.05, batch=256, epochs=20),
    'relu-adam-batch256': dict(activation='relu', optimizer='adam', lr=0.01, batch=256, epochs=20),
    'tanh-adam-batch32': dict(activation='tanh', optimizer='adam', lr=0.001, batch=32, epochs=3, beta1=0.8,
                              beta2=0.99, eps=1e-7),
    # full-batch momentum and Adam
    'sigmoid-nesterov': dict(optimizer='nesterov', lr=0.1, momentum=0.8),
    'sigmoid-adam': dict(optimizer='adam', lr=0.01),
    # L2, and class weights
    'sigmoid-gd-l2': dict(l2=0.001),
    'relu-adam-batch256-l2': dict(activation='relu', optimizer='adam', lr=0.01, batch=256, epochs=20, l2=0.001),
    'sigmoid-gd-weights': dict(class_weights={'0': 1.0, '1': 3.0}),
    'relu-adam-batch256-balanced': dict(activation='relu', optimizer='adam', lr=0.01, batch=256, epochs=20,
                                        class_weights='balanced'),
    # three classes: softmax and cross-entropy
    'mc-tanh-gd': dict(task='multiclass', data='multiclass', hidden=[8], activation='tanh', lr=0.5, epochs=200),
    'mc-relu-adam-batch64': dict(task='multiclass', data='multiclass', hidden=[16, 8], activation='relu',
                                 optimizer='adam', lr=0.01, batch=64, epochs=15),
    'mc-sigmoid-gd-weights-l2': dict(task='multiclass', data='multiclass', hidden=[8], lr=1.0, epochs=200, l2=0.001,
                                     class_weights={'0': 1.0, '1': 2.0, '2': 0.5}),
    'mc-leakyrelu-nesterov-balanced-batch100': dict(task='multiclass', data='multiclass', hidden=[8],
                                                    activation='leakyRelu', optimizer='nesterov', lr=0.05, batch=100,
                                                    epochs=10, class_weights='balanced', init='he', seed=2),
    # a numeric target: identity output and squared error
    'reg-tanh-gd': dict(task='regression', data='regression', hidden=[8], activation='tanh', lr=0.05, epochs=300),
    'reg-relu-adam-batch32': dict(task='regression', data='regression', hidden=[16, 8], activation='relu',
                                  optimizer='adam', lr=0.003, batch=32, epochs=10, init='he', seed=1),
    'reg-identity-momentum-l2': dict(task='regression', data='regression', hidden=[4], activation='identity',
                                     optimizer='momentum', lr=0.01, epochs=200, l2=0.01, init='xavier'),
    # networks above 8192 parameters (netforge's wide kernel), on mini-batches
    'wide-relu-adam-batch64': dict(hidden=[128, 64], activation='relu', optimizer='adam', lr=0.003, batch=64,
                                   epochs=6, init='he', seed=5),
    'mc-wide-tanh-nesterov-l2-batch32': dict(task='multiclass', data='multiclass', hidden=[96, 96], activation='tanh',
                                             optimizer='nesterov', lr=0.02, batch=32, epochs=6, l2=0.001,
                                             init='xavier', seed=6),
    'reg-wide-relu-adam-batch128': dict(task='regression', data='regression', hidden=[100, 80], activation='relu',
                                        optimizer='adam', lr=0.002, batch=128, epochs=4, init='he', seed=7),
}


def write_data():
    """The multi-class and regression datasets, written once (numpy's generator for a fixed seed)."""
    folder = os.path.join(ROOT, 'src', 'test', 'resources', 'reference', 'torch-data')
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(ROOT, DATA['multiclass'])
    if not os.path.exists(path):
        rng = np.random.default_rng(11)
        centers = rng.normal(0, 1.5, size=(3, 6))
        labels = rng.integers(0, 3, size=1200)
        x = centers[labels] + rng.normal(0, 1.0, size=(1200, 6))
        with open(path, 'w') as f:
            f.write(','.join(f'x{k}' for k in range(6)) + ',y\n')
            for row, label in zip(x, labels):
                f.write(','.join(repr(float(v)) for v in row) + f',{label}\n')
    path = os.path.join(ROOT, DATA['regression'])
    if not os.path.exists(path):
        rng = np.random.default_rng(12)
        x = rng.normal(0, 1, size=(1000, 5))
        y = 2 * np.sin(x[:, 0]) + x[:, 1] * x[:, 2] - 0.5 * x[:, 3] + 0.3 * rng.normal(size=1000)
        with open(path, 'w') as f:
            f.write(','.join(f'x{k}' for k in range(5)) + ',y\n')
            for row, target in zip(x, y):
                f.write(','.join(repr(float(v)) for v in row) + f',{float(target)!r}\n')


def shape(config):
    """[inputs, hidden..., outputs] of a configuration's network."""
    with open(os.path.join(ROOT, DATA[config['data']])) as f:
        header = f.readline().strip().split(',')
        labels = {line.strip().split(',')[-1] for line in f if line.strip()}
    outputs = len(labels) if config['task'] == 'multiclass' else 1
    return [len(header) - 1] + config['hidden'] + [outputs]


def command(config, dtype, init_file):
    activation = config['activation']
    args = [DATA[config['data']], '--task', config['task'], '--hidden', ','.join(map(str, config['hidden'])),
            '--activation', activation if isinstance(activation, str) else ','.join(activation),
            '--optimizer', config['optimizer'], '--lr', repr(config['lr']), '--epochs', str(config['epochs']),
            '--batch-size', str(config['batch']), '--momentum', repr(config['momentum']),
            '--beta1', repr(config['beta1']), '--beta2', repr(config['beta2']), '--eps', repr(config['eps']),
            '--l2', repr(config['l2']), '--init', config['init'], '--seed', str(config['seed']),
            '--init-file', init_file, '--dtype', dtype, '--threads', '1']
    if config['batch'] > 0:
        args.append('--shuffle')
    weights = config['class_weights']
    if weights == 'balanced':
        args += ['--class-weights', 'balanced']
    elif weights:
        args += ['--class-weights', ','.join(f'{k}={v!r}' for k, v in weights.items())]
    return args


def run(args, leaky):
    script = os.path.join(BENCH, 'torch_reference.py')
    if leaky:
        code = ('import sys, torch; sys.path.insert(0, %r); import torch_reference as t; '
                't.ACTIVATIONS["leakyRelu"] = lambda z: torch.nn.functional.leaky_relu(z, 0.01); '
                'sys.argv = [%r] + sys.argv[1:]; t.main()') % (BENCH, script)
        cmd = [sys.executable, '-c', code] + args
    else:
        cmd = [sys.executable, script] + args
    out = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1]), cmd


def main(only):
    os.makedirs(OUT, exist_ok=True)
    write_data()
    for name, overrides in CONFIGS.items():
        if only and name not in only:
            continue
        config = dict(DEFAULTS, **overrides)
        sizes = shape(config)
        weights, biases = torch_reference.initial(sizes, config['init'], config['seed'], None)
        activation = config['activation']
        leaky = 'leakyRelu' in (activation if isinstance(activation, list) else [activation])
        for dtype in ('float64', 'float32'):
            with tempfile.TemporaryDirectory() as tmp:
                init_file = os.path.join(tmp, 'initial.npz')
                np.savez(init_file, **{f'W{l}': w for l, w in enumerate(weights)},
                         **{f'b{l}': b for l, b in enumerate(biases)})
                args = command(config, dtype, init_file)
                result, cmd = run(args, leaky)
            shown = ['python3'] + [('<initial.npz: the "initial" arrays below>' if a == init_file
                                    else a.replace(ROOT + os.sep, '')) for a in cmd[1:]]
            fixture = {
                'about': 'losses of epochs 1..n by bench/torch_reference.py (PyTorch autograd and torch.optim) '
                         'from the initial weights below; made by src/test/python/torch_fixtures.py',
                'name': name, 'dtype': dtype, 'config': config, 'sizes': sizes,
                'command': ' '.join(shlex.quote(a) for a in shown) + (
                    '  (with ACTIVATIONS["leakyRelu"] added, see the script)' if leaky else ''),
                'torch': result['torch'], 'numpy': np.__version__,
                'initial': {'weights': [w.reshape(-1).tolist() for w in weights],
                            'biases': [b.reshape(-1).tolist() for b in biases]},
                'losses': result['losses'], 'train': result['train'],
            }
            path = os.path.join(OUT, f'{name}_{dtype}.json')
            with open(path, 'w') as f:
                json.dump(fixture, f, indent=1)
                f.write('\n')
            quality = result["train"].get("accuracy", result["train"].get("r2"))
            print(f'{path}: {len(result["losses"])} epochs, final loss {result["losses"][-1]:.6g}, '
                  f'train accuracy or R^2 {quality:.4f}')


if __name__ == '__main__':
    main(set(sys.argv[1:]))
