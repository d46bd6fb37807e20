#!/usr/bin/env python3
"""Reference values from pandas for PandasReferenceTest: how a real-world table's columns read.

real-world.csv: a seeded table of 1200 rows as such files come (an ISO date column with a gap, a date-time
  column, a station with missing cells, yes/no and True/false columns, a unique title, numbers with gaps, a
  multi-class label). Written here, then read back with pandas.read_csv(keep_default_na=False) and the same
  missing tokens netforge uses ('', NA, N/A, null, NaN, ?; any case), as an analyst would.
real-world-pandas.json: per column, what pandas makes of it:
  missing   the cells pandas reads as missing
  kind      'datetime' when every present value is an ISO 8601 date or date-time (pd.to_datetime(utc=True)); 'numeric' when
            pd.to_numeric does; 'boolean' when every present value is one of true/false, yes/no, t/f, y/n (any
            case); else 'categorical' with at most 1000 distinct values (netforge's default cap), or 'text'
  levels    categorical and boolean: the distinct present values (sorted as Python sorts strings); text: their
            count and whether every value is unique (Series.is_unique)
  min, max  numeric: Series.min()/max(); datetime: as ISO 8601 UTC
  parts     datetime: per row, year, month, day, ISO weekday (Monday 1), day of year, hour + minute/60 + second/3600
            (pandas' .dt accessors; None for a missing date)

Regenerate from the repository root with Debian's python3 and python3-pandas (not a pyenv python):

  /usr/bin/python3 src/test/python/pandas_fixtures.py
"""
import datetime
import json
import os
import random

import pandas as pd

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'resources', 'reference', 'pandas')
MISSING = ['', 'NA', 'N/A', 'null', 'NaN', '?']
BOOLEAN = {'true', 'false', 'yes', 'no', 't', 'f', 'y', 'n'}


def table():
    rnd = random.Random(21)
    day = datetime.date(2011, 3, 1)
    rows = ['day,seen_at,station,windy,checked,title,temp,rainfall,kind']
    for r in range(1200):
        d = day + datetime.timedelta(days=r)
        seen = datetime.datetime(d.year, d.month, d.day, rnd.randrange(24), rnd.randrange(60), rnd.randrange(60))
        rows.append(','.join([
            'NA' if r == 17 else d.isoformat(),
            seen.isoformat(sep=' '),
            '' if r % 37 == 5 else rnd.choice(['North', 'South', 'East', 'West Hill']),
            rnd.choice(['yes', 'no', 'Yes']),
            rnd.choice(['True', 'false']),
            '"Report %d, %s"' % (r, rnd.choice(['calm', 'storm'])),
            '?' if r % 50 == 7 else '%.1f' % rnd.uniform(-10, 35),
            '%.2f' % rnd.expovariate(0.5),
            rnd.choice(['dry', 'wet', 'snow']),
        ]))
    return '\n'.join(rows) + '\n'


def describe(series):
    present = series.dropna()
    out = {'missing': int(series.isna().sum())}
    try:
        iso = present.str.match(r'^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$').all()
        dates = pd.to_datetime(present, utc=True) if iso else None
        if iso:
            out['kind'] = 'datetime'
            out['min'] = dates.min().strftime('%Y-%m-%dT%H:%M:%SZ')
            out['max'] = dates.max().strftime('%Y-%m-%dT%H:%M:%SZ')
            parsed = pd.to_datetime(series, utc=True)
            out['parts'] = [None if pd.isna(t) else [t.year, t.month, t.day, t.isoweekday(), t.dayofyear,
                                                      t.hour + t.minute / 60 + t.second / 3600]
                            for t in parsed]
            return out
    except (ValueError, TypeError):
        pass
    numbers = pd.to_numeric(present, errors='coerce')
    if numbers.notna().all():
        out['kind'] = 'numeric'
        out['min'] = float(numbers.min())
        out['max'] = float(numbers.max())
        return out
    values = sorted(present.unique().tolist())
    if all(v.lower() in BOOLEAN for v in values):
        out['kind'] = 'boolean'
        out['levels'] = values
    elif len(values) <= 1000:
        out['kind'] = 'categorical'
        out['levels'] = values
    else:
        out['kind'] = 'text'
        out['distinct'] = len(values)
        out['unique'] = bool(present.is_unique)
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    csv = table()
    with open(os.path.join(OUT, 'real-world.csv'), 'w') as f:
        f.write(csv)
    frame = pd.read_csv(os.path.join(OUT, 'real-world.csv'), dtype=str, keep_default_na=False)
    frame = frame.apply(lambda c: c.where(~c.str.lower().isin([m.lower() for m in MISSING])))
    reference = {'pandas': pd.__version__, 'rows': len(frame),
                 'columns': {name: describe(frame[name]) for name in frame.columns}}
    with open(os.path.join(OUT, 'real-world-pandas.json'), 'w') as f:
        json.dump(reference, f, indent=1)


if __name__ == '__main__':
    main()
