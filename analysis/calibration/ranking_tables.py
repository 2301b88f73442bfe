#!/usr/bin/env python3
"""Summaries of a calibration ranking (`geosim targets STORE --top N` as CSV) for docs/validation.md.

  ranking_tables.py RANKING.csv counts          how many points meet each number of targets
  ranking_tables.py RANKING.csv top K           Markdown table of the first K points' target values
  ranking_tables.py RANKING.csv both A B        how many points meet targets A and B together, and
                                                how many meet each (A, B ids as in targets.yaml)
  ranking_tables.py RANKING.csv sets K          `--set key=value` arguments of the first K points that
                                                meet every target, one point per line
  ranking_tables.py RANKING.csv first K         the same for the first K points, whatever they meet,
                                                each line starting with the point and its count met

Target columns are those after the parameters: an id from targets.yaml, or id/condition. The bands
come from the targets file: pass it with --targets FILE (default scenarios/calibration/targets.yaml).
Needs Debian's python3 and python3-yaml.
"""
import argparse
import csv
import sys

import yaml


def number(x):
    return float(x)  # PyYAML reads 1.0e9 (YAML 1.2) as text


def bands(path):
    with open(path) as f:
        spec = yaml.safe_load(f)
    out = {}
    for t in spec['targets']:
        out[t['id']] = (t.get('min'), t.get('max'))
        for c in t.get('also', []):
            out['%s/%s' % (t['id'], c['name'])] = (c.get('min'), c.get('max'))
    return {k: (None if lo is None else number(lo), None if hi is None else number(hi)) for k, (lo, hi) in out.items()}


def met(value, band):
    lo, hi = band
    return (lo is None or value >= lo) and (hi is None or value <= hi)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('ranking')
    ap.add_argument('what', choices=['counts', 'top', 'both', 'sets', 'first'])
    ap.add_argument('args', nargs='*')
    ap.add_argument('--targets', default='scenarios/calibration/targets.yaml')
    a = ap.parse_args()
    with open(a.ranking) as f:
        rows = list(csv.DictReader(f))
    if not rows:
        sys.exit('ranking_tables.py: %s ranks no points' % a.ranking)
    b = bands(a.targets)
    columns = list(rows[0].keys())
    target_columns = [c for c in columns if c in b]
    params = [c for c in columns[4:] if c not in b]
    if a.what == 'counts':
        counts = {}
        for r in rows:
            counts[int(r['met'])] = counts.get(int(r['met']), 0) + 1
        print('; '.join('%d points meet %d' % (counts[k], k) for k in sorted(counts, reverse=True)))
    elif a.what == 'top':
        k = int(a.args[0]) if a.args else 5
        print('| point | met | ' + ' | '.join(target_columns) + ' |')
        print('|---|---|' + '---|' * len(target_columns))
        for r in rows[:k]:
            print('| %s | %s | %s |' % (r['point'], r['met'], ' | '.join('%.3g' % float(r[c]) for c in target_columns)))
    elif a.what == 'both':
        x, y = a.args
        both = sum(1 for r in rows if met(float(r[x]), b[x]) and met(float(r[y]), b[y]))
        print('%d %d %d' % (both, sum(1 for r in rows if met(float(r[x]), b[x])), sum(1 for r in rows if met(float(r[y]), b[y]))))
    elif a.what == 'sets':
        k = int(a.args[0]) if a.args else 5
        full = [r for r in rows if all(met(float(r[c]), b[c]) for c in target_columns)]
        for r in full[:k]:
            print(r['point'] + ' ' + ' '.join('--set %s=%s' % (p, r[p]) for p in params))
    elif a.what == 'first':
        k = int(a.args[0]) if a.args else 5
        for r in rows[:k]:
            print(r['point'] + ' ' + r['met'] + ' ' + ' '.join('--set %s=%s' % (p, r[p]) for p in params))

    return 0


if __name__ == '__main__':
    sys.exit(main())
