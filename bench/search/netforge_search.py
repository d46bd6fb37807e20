#!/usr/bin/env python3
"""The automatic search on the tables of tables.py, through a running netforge's HTTP API as a user would do
it: upload each table's train and test CSV, POST /models with "network": "auto" and the test dataset
(optionally a search budget), wait for the search and its refitted model, and report the model's test metric
(accuracy for classes, R² for regression), the search's seconds (created to the refit finished) and its rungs.

  python3 bench/search/netforge_search.py TABLE_DIR [--url http://localhost:8080] [--search '{"maxResources": 27}']
      [--tables breast_cancer,digits] > search.json
"""
import argparse
import json
import sys
import time
import urllib.request
from datetime import datetime

TABLES = [('breast_cancer', 'target', 'binary'), ('digits', 'digit', 'multiclass'),
          ('fair', 'rate_marriage', 'multiclass'), ('penguins', 'body_mass_g', 'regression'),
          ('diabetes', 'target', 'regression')]


def call(url, method='GET', body=None, content_type='application/json'):
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={'Content-Type': content_type} if data is not None else {})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read() or b'null')


def await_done(url):
    while True:
        view = call(url)
        if view['status'] in ('SUCCEEDED', 'FAILED', 'CANCELLED'):
            return view
        time.sleep(0.5)


def instant(text):
    return datetime.fromisoformat(text.replace('Z', '+00:00'))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('folder')
    parser.add_argument('--url', default='http://localhost:8080')
    parser.add_argument('--search', default=None, help='the search object of POST /models, as JSON')
    parser.add_argument('--tables', default=None)
    args = parser.parse_args()
    wanted = None if args.tables is None else set(args.tables.split(','))
    out = {'search': json.loads(args.search) if args.search else None, 'tables': {}}
    for name, label, task in TABLES:
        if wanted is not None and name not in wanted:
            continue
        ids = {}
        for part in ('train', 'test'):
            with open(f'{args.folder}/{name}-{part}.csv', 'rb') as f:
                ids[part] = call(f'{args.url}/datasets?name={name}-{part}&label={label}', 'POST', f.read(),
                                 'text/csv')['id']
        body = {'datasetId': ids['train'], 'testDatasetId': ids['test'], 'label': label, 'task': task,
                'name': 'auto-' + name, 'network': 'auto'}
        if args.search:
            body['search'] = json.loads(args.search)
        started = time.time()
        search = call(f'{args.url}/models', 'POST', body)
        search = await_done(f"{args.url}/searches/{search['id']}")
        if search['status'] != 'SUCCEEDED':
            out['tables'][name] = {'status': search['status'], 'error': search.get('error')}
            continue
        model = await_done(f"{args.url}/models/{search['model']}")
        wall = time.time() - started
        metric = 'accuracy' if task != 'regression' else 'r2'
        seconds = (instant(model['timings']['finishedAt']) - instant(search['createdAt'])).total_seconds()
        row = {'task': task, 'metric': metric, 'value': model['metrics']['test'][metric], 'seconds': seconds,
               'wallSeconds': wall, 'rungs': [[r['candidates'], r['epochs']] for r in search['rungs']],
               'best': search['best']['settings'], 'validation': search['best']['metric'],
               'warnings': [w['code'] for w in model['warnings']],
               'candidateSeconds': sum(t['trainingSeconds'] for t in search['timings'])}
        out['tables'][name] = row
        print(name, json.dumps(row), file=sys.stderr)
    json.dump(out, sys.stdout, indent=1)
    print()


if __name__ == '__main__':
    main()
