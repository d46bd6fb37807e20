#!/usr/bin/env python3
"""What a user would pick instead, on the tables of tables.py: scikit-learn's MLP with its defaults and
HistGradientBoosting with its defaults (and for a regression the MLP again on the standardized target), fitted on
each train CSV and scored on its test CSV (accuracy for
classes, R² for regression), with their fit times. The preprocessing a scikit-learn user writes for them:
for the MLP, numbers mean-imputed and standardized, categories (text columns) one-hot encoded with a
missing level; for gradient boosting, categories ordinal-encoded and declared categorical, missing values
left to the model. Every estimator gets random_state=0.

  /usr/bin/python3 bench/search/sklearn_baselines.py TABLE_DIR > baselines.json
"""
import json
import sys
import time
import warnings

import numpy as np
import pandas as pd
import sklearn
from sklearn.compose import ColumnTransformer, TransformedTargetRegressor
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.impute import SimpleImputer
from sklearn.metrics import accuracy_score, r2_score
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

TABLES = [('breast_cancer', 'target', 'binary'), ('digits', 'digit', 'multiclass'),
          ('fair', 'rate_marriage', 'multiclass'), ('penguins', 'body_mass_g', 'regression'),
          ('diabetes', 'target', 'regression')]


def main():
    folder = sys.argv[1]
    out = {'sklearn': sklearn.__version__, 'tables': {}}
    for name, label, task in TABLES:
        train = pd.read_csv(f'{folder}/{name}-train.csv')
        test = pd.read_csv(f'{folder}/{name}-test.csv')
        X, y = train.drop(columns=[label]), train[label]
        Xt, yt = test.drop(columns=[label]), test[label]
        categorical = [c for c in X.columns if X[c].dtype == object]
        numeric = [c for c in X.columns if c not in categorical]
        mlp_pre = ColumnTransformer([
            ('num', make_pipeline(SimpleImputer(), StandardScaler()), numeric),
            ('cat', make_pipeline(SimpleImputer(strategy='constant', fill_value='<missing>'),
                                  OneHotEncoder(handle_unknown='ignore')), categorical)])
        hgb_pre = ColumnTransformer([
            ('cat', OrdinalEncoder(handle_unknown='use_encoded_value', unknown_value=np.nan,
                                   encoded_missing_value=np.nan), categorical),
            ('num', 'passthrough', numeric)])
        mask = [True] * len(categorical) + [False] * len(numeric)
        classes = task != 'regression'
        models = {
            'mlp': make_pipeline(mlp_pre, (MLPClassifier if classes else MLPRegressor)(random_state=0)),
            'hgb': make_pipeline(hgb_pre, (HistGradientBoostingClassifier if classes else HistGradientBoostingRegressor)(
                random_state=0, categorical_features=mask if categorical else None)),
        }
        if not classes:
            # MLPRegressor learns the target in its own units: on body masses of ~4,000 g its 200 default epochs
            # end far off. The same MLP on the standardized target (what netforge does for a regression) as well.
            models['mlpScaledTarget'] = TransformedTargetRegressor(
                regressor=make_pipeline(mlp_pre, MLPRegressor(random_state=0)), transformer=StandardScaler())
        row = {'task': task, 'trainRows': len(train), 'testRows': len(test)}
        for key, model in models.items():
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter('ignore')  # MLP's ConvergenceWarning at its default 200 iterations
                model.fit(X, y)
            seconds = time.perf_counter() - start
            predicted = model.predict(Xt)
            score = accuracy_score(yt, predicted) if classes else r2_score(yt, predicted)
            row[key] = {'metric': 'accuracy' if classes else 'r2', 'value': float(score), 'seconds': seconds}
        out['tables'][name] = row
        print(name, json.dumps(row), file=sys.stderr)
    json.dump(out, sys.stdout, indent=1)
    print()


if __name__ == '__main__':
    main()
