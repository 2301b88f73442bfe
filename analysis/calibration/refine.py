#!/usr/bin/env python3
"""Second stage of the calibration: a Latin hypercube in a box around the best point of the first.

Reads the first stage's sweep file and the ranking `geosim targets --top N` printed for its store, and
writes a sweep file whose parameters range over [v / (1 + width), v (1 + width)] (log scale) around
that point's values, clipped to the first stage's ranges; the rest of the sweep (base scenario,
population, months, seeds, records) is the first stage's.

Usage: refine.py STAGE1.yaml RANKING.csv OUT.yaml [--width 0.2] [--samples 2048] [--seed 2] [--point P]
Needs Debian's python3 and python3-yaml.
"""
import argparse
import csv
import os
import sys


import yaml


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('stage1')
    ap.add_argument('ranking')
    ap.add_argument('out')
    ap.add_argument('--width', type=float, default=0.2, help='half-width of the box, as a factor (0.2: from v/1.2 to 1.2 v)')
    ap.add_argument('--samples', type=int, default=2048)
    ap.add_argument('--seed', type=int, default=2)
    ap.add_argument('--point', help='the point to refine around (default: the ranking\'s first)')
    args = ap.parse_args()
    if args.width <= 0:
        sys.exit('refine.py: --width must be positive')
    with open(args.stage1) as f:
        sweep = yaml.safe_load(f)
    with open(args.ranking) as f:
        rows = list(csv.DictReader(f))
    if not rows:
        sys.exit('refine.py: %s ranks no points' % args.ranking)
    row = rows[0] if args.point is None else next((r for r in rows if r['point'] == args.point), None)
    if row is None:
        sys.exit('refine.py: point %s is not in %s' % (args.point, args.ranking))
    params = []
    for p in sweep['parameters']:
        if p['path'] not in row:
            sys.exit("refine.py: the ranking has no column for parameter '%s'" % p['path'])
        v = float(row[p['path']])
        lo, hi = (float(x) for x in p['range'])  # PyYAML reads 2.0e7 (YAML 1.2) as text
        params.append({'path': p['path'], 'range': [max(lo, v / (1 + args.width)), min(hi, v * (1 + args.width))], 'scale': 'log'})
    # The base scenario is named relative to the sweep file: keep naming the same file from OUT's folder.
    base = os.path.join(os.path.dirname(os.path.abspath(args.stage1)), sweep['base'])
    sweep['base'] = os.path.relpath(base, os.path.dirname(os.path.abspath(args.out)))
    sweep['name'] = sweep['name'] + '-refined'
    sweep['design'] = {'method': 'lhs', 'samples': args.samples, 'seed': args.seed}
    sweep['parameters'] = params
    with open(args.out, 'w') as f:
        f.write('# Written by analysis/calibration/refine.py: a box of +-%g (log) around point %s of %s.\n'
                % (args.width, row['point'], args.stage1))
        yaml.safe_dump(sweep, f, sort_keys=False)


if __name__ == '__main__':
    main()
