#!/usr/bin/env python3
"""netforge's tabular models beside scikit-learn's on the same files, and netforge's metrics recomputed.

Given the ids of the two models examples/tabular.sh trains (the customers classifier, the houses regression), for
each one this script

  1. asks netforge's /predict for every row of the test file (by name: strings for categorical values, null for
     missing cells) and computes the test metrics from those answers with scikit-learn's own functions: they must
     equal the metrics netforge reported for the model (an independent check of its preprocessing at predict and
     of its metric code);
  2. fits scikit-learn on the training file with the same preprocessing (SimpleImputer mean + StandardScaler for
     numbers, a MissingIndicator beside them, missing-as-a-level OneHotEncoder(handle_unknown="ignore") for
     categories) and the same network (MLPClassifier / MLPRegressor: one ReLU layer of 16, Adam, the same step
     size, batch size and epochs, no L2, the target standardised for the regression) and prints its test metrics
     beside netforge's.

usage: NETFORGE_URL=http://localhost:8080 /usr/bin/python3 examples/sklearn_compare.py <classifier-id> <regressor-id>
Needs Debian's python3-sklearn (scikit-learn 1.2) and numpy.
"""
import csv
import json
import os
import sys
import urllib.request

import numpy as np
from sklearn.compose import ColumnTransformer, TransformedTargetRegressor
from sklearn.impute import MissingIndicator, SimpleImputer
from sklearn.metrics import (accuracy_score, f1_score, log_loss, mean_absolute_error, mean_squared_error,
                             r2_score, roc_auc_score)
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

BASE = os.environ.get('NETFORGE_URL', 'http://localhost:8080')
DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'data')
MISSING = {'', 'na', 'n/a', 'null', 'nan', '?'}


def get(path):
    with urllib.request.urlopen(BASE + path) as r:
        return json.load(r)


def post(path, body):
    request = urllib.request.Request(BASE + path, json.dumps(body).encode(), {'Content-Type': 'application/json'})
    with urllib.request.urlopen(request) as r:
        return json.load(r)


def read(name, numeric, categorical, label, numeric_label):
    with open(os.path.join(DATA, name), newline='') as f:
        rows = list(csv.DictReader(f))
    def value(text, number):
        if text.strip().lower() in MISSING:
            return np.nan if number else None
        return float(text) if number else text.strip()
    table = [{c: value(r[c], c in numeric) for c in numeric + categorical} for r in rows]
    y = [float(r[label]) if numeric_label else r[label] for r in rows]
    return table, np.array(y, dtype=float if numeric_label else object)


def matrix(table, numeric, categorical):
    x = np.empty((len(table), len(numeric) + len(categorical)), dtype=object)
    for i, row in enumerate(table):
        for j, c in enumerate(numeric + categorical):
            x[i, j] = row[c]
    return x


def preprocessing(numeric, categorical):
    n = list(range(len(numeric)))
    k = list(range(len(numeric), len(numeric) + len(categorical)))
    return ColumnTransformer([
        ('numbers', Pipeline([('impute', SimpleImputer(strategy='mean')), ('scale', StandardScaler())]), n),
        ('missing', MissingIndicator(features='missing-only'), n),
        ('levels', Pipeline([('impute', SimpleImputer(strategy='constant', fill_value='<missing>')),
                             ('onehot', OneHotEncoder(handle_unknown='ignore'))]), k),
    ])


def netforge_predictions(model_id, table):
    """netforge's answers for rows by name; a missing value is sent as null."""
    table = [{c: None if isinstance(v, float) and np.isnan(v) else v for c, v in row.items()} for row in table]
    answers = []
    for start in range(0, len(table), 1000):
        answers += post(f'/models/{model_id}/predict', {'instances': table[start:start + 1000]})['predictions']
    return answers


def classifier(model_id):
    numeric, categorical = ['age', 'income', 'visits'], ['country']
    features = ['age', 'income', 'country', 'visits']
    train, y_train = read('customers-train.csv', numeric, categorical, 'plan', False)
    test, y_test = read('customers-test.csv', numeric, categorical, 'plan', False)
    model = get(f'/models/{model_id}')
    classes = model['classes']
    reported = model['metrics']['test']

    answers = netforge_predictions(model_id, [{c: r[c] for c in features} for r in test])
    p = np.array([[a['probabilities'][c] for c in classes] for a in answers])
    predicted = np.array([a['label'] for a in answers], dtype=object)
    recomputed = {
        'accuracy': accuracy_score(y_test, predicted),
        'logLoss': log_loss(y_test, p, labels=classes),
        'macroF1': f1_score(y_test, predicted, average='macro'),
        'weightedF1': f1_score(y_test, predicted, average='weighted'),
        'auc': roc_auc_score(y_test, p, multi_class='ovr', labels=classes),
    }

    network = model['network']
    sk = Pipeline([('prep', preprocessing(numeric, categorical)),
                   ('mlp', MLPClassifier(hidden_layer_sizes=tuple(network['hiddenLayers']), activation='relu',
                                         solver='adam', learning_rate_init=network['learningRate'],
                                         batch_size=network['batchSize'], max_iter=network['maxIterations'],
                                         alpha=0.0, n_iter_no_change=10 ** 6, random_state=0))])
    sk.fit(matrix(train, numeric, categorical), y_train)
    x_test = matrix(test, numeric, categorical)
    sk_p = sk.predict_proba(x_test)
    sk_pred = sk.predict(x_test)
    theirs = {
        'accuracy': accuracy_score(y_test, sk_pred),
        'logLoss': log_loss(y_test, sk_p, labels=list(sk.classes_)),
        'macroF1': f1_score(y_test, sk_pred, average='macro'),
        'weightedF1': f1_score(y_test, sk_pred, average='weighted'),
        'auc': roc_auc_score(y_test, sk_p, multi_class='ovr', labels=list(sk.classes_)),
    }
    return 'customers (multiclass, %d test rows)' % len(test), reported, recomputed, theirs


def regressor(model_id):
    numeric, categorical = ['area', 'rooms', 'year_built'], ['city']
    features = ['area', 'rooms', 'city', 'year_built']
    train, y_train = read('houses-train.csv', numeric, categorical, 'price', True)
    test, y_test = read('houses-test.csv', numeric, categorical, 'price', True)
    model = get(f'/models/{model_id}')
    reported = model['metrics']['test']

    answers = netforge_predictions(model_id, [{c: r[c] for c in features} for r in test])
    predicted = np.array([a['value'] for a in answers])
    recomputed = {
        'rmse': mean_squared_error(y_test, predicted) ** 0.5,
        'mae': mean_absolute_error(y_test, predicted),
        'r2': r2_score(y_test, predicted),
    }

    network = model['network']
    mlp = MLPRegressor(hidden_layer_sizes=tuple(network['hiddenLayers']), activation='relu', solver='adam',
                       learning_rate_init=network['learningRate'], batch_size=network['batchSize'],
                       max_iter=network['maxIterations'], alpha=0.0, n_iter_no_change=10 ** 6, random_state=0)
    sk = Pipeline([('prep', preprocessing(numeric, categorical)),
                   ('mlp', TransformedTargetRegressor(regressor=mlp, transformer=StandardScaler()))])
    sk.fit(matrix(train, numeric, categorical), y_train)
    sk_pred = sk.predict(matrix(test, numeric, categorical))
    theirs = {
        'rmse': mean_squared_error(y_test, sk_pred) ** 0.5,
        'mae': mean_absolute_error(y_test, sk_pred),
        'r2': r2_score(y_test, sk_pred),
    }
    return 'houses (regression, %d test rows)' % len(test), reported, recomputed, theirs


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    import warnings
    warnings.filterwarnings('ignore')  # "maximum iterations reached": the epochs are fixed on purpose
    worst = 0.0
    for title, reported, recomputed, theirs in (classifier(sys.argv[1]), regressor(sys.argv[2])):
        print(f'  {title}')
        print(f'    {"metric":11} {"netforge":>14} {"same, by sklearn":>17} {"sklearn MLP":>14}')
        for name in recomputed:
            print(f'    {name:11} {reported[name]:14.6f} {recomputed[name]:17.6f} {theirs[name]:14.6f}')
            scale = max(1.0, abs(recomputed[name]))
            worst = max(worst, abs(reported[name] - recomputed[name]) / scale)
    print(f'  largest relative difference between netforge\'s metrics and sklearn\'s on its answers: {worst:.1e}')
    if worst > 1e-9:
        sys.exit('netforge\'s reported metrics differ from scikit-learn\'s on the same predictions')


if __name__ == '__main__':
    main()
