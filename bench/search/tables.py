#!/usr/bin/env python3
"""The public tables the automatic search is compared on, each split 80/20 once (stratified for classes,
train_test_split(random_state=0)) and written as train/test CSV files a user would upload:

  breast_cancer  binary       sklearn.datasets.load_breast_cancer: 569 rows, 30 numbers
  digits         10 classes   sklearn.datasets.load_digits: 1,797 rows, 64 pixels
  fair           5 classes    statsmodels.datasets.fair (Debian python3-statsmodels): 6,366 marriages,
                              rate_marriage 1..5 (the rarest, 1, is 1.6% of rows); occupations as categories
  penguins       regression   palmerpenguins (Debian r-cran-palmerpenguins): body mass of 342 penguins from
                              species, island and sex (categories; sex missing for 9) and bill and flipper sizes
  diabetes       regression   sklearn.datasets.load_diabetes(scaled=False): 442 rows, sex as a category

  /usr/bin/python3 bench/search/tables.py OUT_DIR
"""
import os
import sys

import numpy as np
import pandas as pd
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits
from sklearn.model_selection import train_test_split

PENGUINS = '/usr/lib/R/site-library/palmerpenguins/extdata/penguins.csv'


def tables():
    cancer = load_breast_cancer(as_frame=True).frame
    cancer.columns = [c.replace(' ', '_') for c in cancer.columns]
    yield 'breast_cancer', cancer, 'target', 'binary'

    digits = load_digits(as_frame=True).frame.rename(columns={'target': 'digit'})
    yield 'digits', digits, 'digit', 'multiclass'

    import statsmodels.api as sm
    fair = sm.datasets.fair.load_pandas().data
    fair['rate_marriage'] = fair['rate_marriage'].astype(int)
    fair['occupation'] = 'occ' + fair['occupation'].astype(int).astype(str)
    fair['occupation_husb'] = 'occ' + fair['occupation_husb'].astype(int).astype(str)
    yield 'fair', fair, 'rate_marriage', 'multiclass'

    penguins = pd.read_csv(PENGUINS).dropna(subset=['body_mass_g'])
    yield 'penguins', penguins, 'body_mass_g', 'regression'

    diabetes = load_diabetes(as_frame=True, scaled=False).frame
    diabetes['sex'] = np.where(diabetes['sex'] == 1, 'one', 'two')
    yield 'diabetes', diabetes, 'target', 'regression'


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, frame, label, task in tables():
        stratify = frame[label] if task != 'regression' else None
        train, test = train_test_split(frame, test_size=0.2, random_state=0, stratify=stratify)
        train.to_csv(os.path.join(out, name + '-train.csv'), index=False)
        test.to_csv(os.path.join(out, name + '-test.csv'), index=False)
        print(name, task, label, len(train), len(test), file=sys.stderr)


if __name__ == '__main__':
    main()
