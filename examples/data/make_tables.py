#!/usr/bin/env python3
"""Writes the tabular example datasets of the README's walkthrough (part 2), deterministically.

customers-{train,test}.csv: a multi-class problem as people have them. `plan` (the label) is one of three
strings; `country` is categorical with a few empty cells, and the test file has a country the training file
lacks; `age` has empty cells and `income` cells marked NA; `customer_id` is an id to leave out.

houses-{train,test}.csv: a regression. `price` (the target, in euros) grows with `area` and `rooms` and depends on
`city` (categorical); `year_built` has cells marked "?".

Run from anywhere: python3 examples/data/make_tables.py (numpy only; the output is byte-identical each run).
"""
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def customers(rng, n, first_id, extra_country=False):
    countries = np.array(['France', 'Germany', 'Spain', 'Italy'])
    country = countries[rng.integers(0, 4, n)]
    if extra_country:
        country[rng.choice(n, 8, replace=False)] = 'Portugal'
    age = rng.normal(42, 12, n).clip(18, 90)
    income = rng.lognormal(10.4, 0.45, n)
    visits = rng.poisson(6, n)
    bonus = np.select([country == 'Germany', country == 'Spain'], [0.6, -0.4], 0.0)
    score = 1.6 * (np.log(income) - 10.4) / 0.45 + 0.35 * (visits - 6) + bonus + 0.02 * (age - 42)
    score += rng.normal(0, 0.7, n)
    plan = np.where(score < -0.6, 'basic', np.where(score < 0.9, 'plus', 'pro'))
    lines = ['customer_id,age,income,country,visits,plan']
    for i in range(n):
        a = '' if rng.random() < 0.05 else f'{age[i]:.0f}'
        inc = 'NA' if rng.random() < 0.05 else f'{income[i]:.2f}'
        c = '' if rng.random() < 0.03 else country[i]
        lines.append(f'C{first_id + i:05d},{a},{inc},{c},{visits[i]},{plan[i]}')
    return '\n'.join(lines) + '\n'


def houses(rng, n):
    cities = np.array(['north', 'south', 'east', 'west'])
    city = cities[rng.integers(0, 4, n)]
    area = rng.normal(95, 30, n).clip(25, 260)
    rooms = np.clip(np.round(area / 28 + rng.normal(0, 0.7, n)), 1, 9).astype(int)
    year = rng.integers(1900, 2024, n)
    effect = np.select([city == 'north', city == 'east', city == 'west'], [45000, -20000, 10000], 0)
    price = 2400 * area + 15000 * rooms + effect + 350 * (year - 1960) + rng.normal(0, 18000, n)
    lines = ['area,rooms,city,year_built,price']
    for i in range(n):
        y = '?' if rng.random() < 0.06 else str(year[i])
        lines.append(f'{area[i]:.1f},{rooms[i]},{city[i]},{y},{price[i]:.0f}')
    return '\n'.join(lines) + '\n'


def write(name, text):
    with open(os.path.join(HERE, name), 'w', newline='\n') as f:
        f.write(text)


if __name__ == '__main__':
    rng = np.random.default_rng(20261201)
    write('customers-train.csv', customers(rng, 1200, 1))
    write('customers-test.csv', customers(rng, 400, 1201, extra_country=True))
    write('houses-train.csv', houses(rng, 1000))
    write('houses-test.csv', houses(rng, 300))
