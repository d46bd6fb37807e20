#!/usr/bin/env python3
"""Reference rung schedules from scikit-learn's HalvingRandomSearchCV for HalvingScheduleTest.

For each setting below (factor, min_resources, max_resources, n_candidates, aggressive_elimination), fits
HalvingRandomSearchCV with resource="max_iter" on a trivial estimator whose score is a fixed function of its
parameter (so no fit costs anything and scores never tie) and records the arrays the search leaves:
n_resources_, n_candidates_, min_resources_, max_resources_, n_required_iterations_, n_possible_iterations_,
n_iterations_. The schedule depends only on the settings, never on the scores.

Regenerate from the repository root with Debian's python3 and python3-sklearn (not a pyenv python):

  /usr/bin/python3 src/test/python/halving_fixtures.py

Deterministic for a given scikit-learn; the file records its version.
"""
import json
import os

import numpy as np
import sklearn
from sklearn.base import BaseEstimator
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.model_selection import HalvingRandomSearchCV

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'resources', 'reference', 'halving')


class Trivial(BaseEstimator):
    def __init__(self, a=0, max_iter=1):
        self.a = a
        self.max_iter = max_iter

    def fit(self, X, y):
        return self

    def score(self, X, y):
        return float(np.sin(self.a * 12.9898) * 0.5 + self.max_iter * 1e-6)


SETTINGS = [
    # factor, min_resources, max_resources, n_candidates, aggressive_elimination
    (3, 'smallest', 81, 'exhaust', False),
    (3, 3, 81, 'exhaust', False),
    (3, 'exhaust', 81, 27, False),
    (3, 'exhaust', 100, 50, False),
    (2, 'smallest', 64, 'exhaust', False),
    (2, 4, 100, 'exhaust', False),
    (3, 1, 10, 100, False),
    (3, 1, 10, 100, True),
    (2, 2, 30, 40, True),
    (4, 'smallest', 200, 'exhaust', False),
    (3, 3, 243, 'exhaust', False),
    (3, 'exhaust', 243, 243, False),
    (2.5, 2, 100, 'exhaust', False),
    (1.5, 'smallest', 20, 'exhaust', False),
    (3, 5, 5, 'exhaust', False),
    (3, 'smallest', 1, 7, False),
    (3, 2, 50, 9, False),
    (5, 'exhaust', 1000, 125, True),
]


def main():
    X = np.zeros((30, 1))
    y = np.arange(30) % 2
    cases = []
    for factor, min_r, max_r, n_cand, aggressive in SETTINGS:
        search = HalvingRandomSearchCV(Trivial(), {'a': list(range(10000))}, n_candidates=n_cand, factor=factor,
                                       resource='max_iter', min_resources=min_r, max_resources=max_r,
                                       aggressive_elimination=aggressive, cv=2, random_state=0, refit=False)
        search.fit(X, y)
        cases.append({
            'factor': factor, 'minResources': min_r, 'maxResources': max_r, 'candidates': n_cand,
            'aggressiveElimination': aggressive,
            'n_resources_': [int(v) for v in search.n_resources_],
            'n_candidates_': [int(v) for v in search.n_candidates_],
            'min_resources_': int(search.min_resources_), 'max_resources_': int(search.max_resources_),
            'n_required_iterations_': int(search.n_required_iterations_),
            'n_possible_iterations_': int(search.n_possible_iterations_),
            'n_iterations_': int(search.n_iterations_),
        })
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, 'schedules.json'), 'w') as f:
        json.dump({'sklearn': sklearn.__version__, 'command': '/usr/bin/python3 src/test/python/halving_fixtures.py',
                   'cases': cases}, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
