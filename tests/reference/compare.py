#!/usr/bin/env python3
"""Explain how two series.csv files differ (check.sh calls this once cmp has found a difference).

Usage: python3 compare.py GEOSIM.csv MODEL.csv [MAX_ROWS]
Prints rows present in only one file, the first rows whose values differ (month, scope, metric and
both values) and the largest relative difference. Exits 0 if the files are identical byte for byte,
1 otherwise. Standard library only.
"""
import csv
import sys


def read(path):
    with open(path, newline='') as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    return header, [((r[0], r[1], r[2]), r[3]) for r in body]


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__.strip().split('\n\n')[1])
    geosim_path, model_path = sys.argv[1], sys.argv[2]
    max_rows = int(sys.argv[3]) if len(sys.argv) == 4 else 5
    with open(geosim_path, 'rb') as a, open(model_path, 'rb') as b:
        if a.read() == b.read():
            return 0
    header_g, rows_g = read(geosim_path)
    header_m, rows_m = read(model_path)
    if header_g != header_m:
        print('  header: geosim %s, model %s' % (','.join(header_g), ','.join(header_m)))
    values_g, values_m = dict(rows_g), dict(rows_m)
    only_g = [k for k, _ in rows_g if k not in values_m]
    only_m = [k for k, _ in rows_m if k not in values_g]
    print('  rows: geosim %d, model %d' % (len(rows_g), len(rows_m)))
    for label, keys in (('only in geosim', only_g), ('only in model', only_m)):
        if keys:
            print('  %d rows %s, first: %s' % (len(keys), label, ', '.join(' '.join(k) for k in keys[:max_rows])))
    order_g = [k for k, _ in rows_g if k in values_m]
    order_m = [k for k, _ in rows_m if k in values_g]
    if order_g != order_m:
        first = next(n for n, (x, y) in enumerate(zip(order_g, order_m)) if x != y)
        print('  rows in a different order from shared row %d: geosim %s, model %s'
              % (first + 1, ' '.join(order_g[first]), ' '.join(order_m[first])))
    differ = [(k, v, values_m[k]) for k, v in rows_g if k in values_m and v != values_m[k]]
    if differ:
        print('  %d values differ; first:' % len(differ))
        print('    %-8s %-28s %-36s %-24s %s' % ('month', 'scope', 'metric', 'geosim', 'model'))
        for (month, scope, metric), vg, vm in differ[:max_rows]:
            print('    %-8s %-28s %-36s %-24s %s' % (month, scope, metric, vg, vm))
        worst = None
        for k, vg, vm in differ:
            try:
                x, y = float(vg), float(vm)
            except ValueError:
                continue
            rel = abs(x - y) / max(abs(x), abs(y)) if x != y else 0.0
            if worst is None or rel > worst[0]:
                worst = (rel, k, vg, vm)
        if worst and worst[0] > 0:
            rel, (month, scope, metric), vg, vm = worst
            print('  largest relative difference %.3g at %s %s %s (geosim %s, model %s)'
                  % (rel, month, scope, metric, vg, vm))
        else:
            print('  the values are equal as numbers and differ only in how they are written')
    return 1


if __name__ == '__main__':
    sys.exit(main())
