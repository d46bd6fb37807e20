#!/usr/bin/env python3
"""Reference values from scikit-learn for SklearnReferenceTest: metrics and preprocessing on fixed inputs.

metrics.json: for seeded random probabilities and labels, scikit-learn's
  binary      roc_auc_score, average_precision_score, log_loss(eps=1e-12), accuracy at 0.5
  multiclass  accuracy_score, log_loss(eps=1e-12), f1_score(average=macro|weighted), precision_score and
              recall_score per class (zero_division=0), confusion_matrix, roc_auc_score(multi_class="ovr")
  regression  mean_squared_error ** 0.5, mean_absolute_error, r2_score
preprocessing.json: a small table with missing numbers and categories, split into training and test rows, and
  what SimpleImputer (mean, median, constant), MissingIndicator(features="missing-only") and
  OneHotEncoder(handle_unknown="ignore") after a constant "<missing>" fill make of the test rows when fitted on
  the training rows. OneHotEncoder sorts "<missing>" before the letters; netforge puts the missing level last,
  so this script moves that one column to the end of its feature's block (the only rearrangement).

Regenerate from the repository root with Debian's python3 and python3-sklearn (not a pyenv python):

  /usr/bin/python3 src/test/python/sklearn_fixtures.py

Deterministic for a given scikit-learn and numpy; the files record their versions.
"""
import json
import os

import numpy as np
import sklearn
from sklearn.impute import MissingIndicator, SimpleImputer
from sklearn.metrics import (accuracy_score, average_precision_score, confusion_matrix, f1_score, log_loss,
                             mean_absolute_error, mean_squared_error, precision_score, r2_score, recall_score,
                             roc_auc_score)
from sklearn.preprocessing import OneHotEncoder

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'resources', 'reference', 'sklearn')


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def binary_case(rng, n, decimals):
    y = rng.integers(0, 2, n)
    p = np.clip(0.5 + 0.3 * (y - 0.5) + rng.normal(0, 0.25, n), 0.001, 0.999).round(decimals)  # ties when rounded
    return {'probabilities': p.tolist(), 'labels': y.tolist(),
            'auc': roc_auc_score(y, p), 'averagePrecision': average_precision_score(y, p),
            'logLoss': log_loss(y, p, eps=1e-12), 'accuracy': accuracy_score(y, (p >= 0.5).astype(int))}


def multiclass_case(rng, n, k, never_predicted=None):
    y = rng.integers(0, k, n)
    logits = rng.normal(0, 1, (n, k))
    logits[np.arange(n), y] += 1.2
    if never_predicted is not None:
        logits[:, never_predicted] -= 10
    p = softmax(logits)
    predicted = p.argmax(axis=1)
    labels = list(range(k))
    return {'probabilities': p.tolist(), 'labels': y.tolist(), 'classes': k,
            'accuracy': accuracy_score(y, predicted), 'logLoss': log_loss(y, p, eps=1e-12, labels=labels),
            'macroF1': f1_score(y, predicted, average='macro', zero_division=0),
            'weightedF1': f1_score(y, predicted, average='weighted', zero_division=0),
            'precision': precision_score(y, predicted, labels=labels, average=None, zero_division=0).tolist(),
            'recall': recall_score(y, predicted, labels=labels, average=None, zero_division=0).tolist(),
            'confusion': confusion_matrix(y, predicted, labels=labels).tolist(),
            'aucOneVsRest': roc_auc_score(y, p, multi_class='ovr', labels=labels)}


def regression_case(rng, n, constant=False):
    actual = np.full(n, 3.5) if constant else rng.normal(10, 4, n)
    predicted = actual + rng.normal(0, 1.5, n)
    return {'predicted': predicted.tolist(), 'actual': actual.tolist(),
            'rmse': mean_squared_error(actual, predicted) ** 0.5, 'mae': mean_absolute_error(actual, predicted),
            'r2': r2_score(actual, predicted)}


def metrics():
    rng = np.random.default_rng(7)
    return {'sklearn': sklearn.__version__, 'numpy': np.__version__,
            'binary': [binary_case(rng, 200, 2), binary_case(rng, 57, 1), binary_case(rng, 1000, 6)],
            'multiclass': [multiclass_case(rng, 300, 3), multiclass_case(rng, 150, 4, never_predicted=2),
                           multiclass_case(rng, 40, 5)],
            'regression': [regression_case(rng, 100), regression_case(rng, 20, constant=True)]}


def preprocessing():
    nan = float('nan')
    # numeric a (missing), numeric b (complete), categorical c (missing), categorical d (complete; test has 'w')
    train = [
        [1.0, 10.0, 'red', 'x'], [nan, 11.5, 'blue', 'y'], [3.5, 9.0, None, 'x'], [4.0, 8.0, 'red', 'z'],
        [nan, 12.0, 'green', 'y'], [7.25, 10.5, 'blue', 'x'], [2.0, 7.5, 'red', 'y'], [9.0, 11.0, None, 'z'],
    ]
    test = [[nan, 10.0, 'red', 'w'], [5.0, 9.5, None, 'x'], [0.5, 12.5, 'purple', 'y'], [nan, 8.5, 'green', 'z']]
    def column(rows, j):
        return np.array([[r[j]] for r in rows], dtype=object if j >= 2 else float)
    out = {'sklearn': sklearn.__version__, 'numpy': np.__version__, 'train': [[None if isinstance(v, float) and
           np.isnan(v) else v for v in r] for r in train], 'test': [[None if isinstance(v, float) and np.isnan(v)
           else v for v in r] for r in test], 'encoded': {}}
    for strategy in ('mean', 'median', 'constant'):
        blocks = []
        for j in range(2):
            imputer = SimpleImputer(strategy=strategy, fill_value=-1.0) if strategy == 'constant' \
                else SimpleImputer(strategy=strategy)
            imputer.fit(column(train, j))
            values = imputer.transform(column(test, j))
            indicator = MissingIndicator(features='missing-only', error_on_new=False).fit(column(train, j))
            block = [values[:, 0].tolist()]
            if indicator.features_.size:
                block.append(indicator.transform(column(test, j))[:, 0].astype(float).tolist())
            blocks.append(block)
        for j in range(2, 4):
            fill = SimpleImputer(strategy='constant', fill_value='<missing>', missing_values=None)
            encoder = OneHotEncoder(handle_unknown='ignore')
            encoder.fit(fill.fit_transform(column(train, j)))
            encoded = encoder.transform(fill.transform(column(test, j))).toarray()
            categories = list(encoder.categories_[0])
            order = [i for i, c in enumerate(categories) if c != '<missing>'] + \
                    [i for i, c in enumerate(categories) if c == '<missing>']
            blocks.append([encoded[:, i].tolist() for i in order])
        rows = []
        for r in range(len(test)):
            rows.append([v for block in blocks for series in block for v in [series[r]]])
        out['encoded'][strategy] = rows
    out['constantFill'] = -1.0
    return out


if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    for name, value in (('metrics', metrics()), ('preprocessing', preprocessing())):
        with open(os.path.join(OUT, name + '.json'), 'w') as f:
            json.dump(value, f, indent=1)
            f.write('\n')
