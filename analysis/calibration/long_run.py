#!/usr/bin/env python3
"""Long-run plausibility checks of a baseline ensemble to its horizon, from a sweep store.

The store is written by `geosim sweep scenarios/calibration/long-run.yaml`: one design point, its
replicates (seeds), and the series the checks read. For each seed:

1. world AI spend (`ai_spend`, summed over each calendar year) never falls from one year to the next;
2. no price (every `price` series, `price_index`, `price_fixed_capability`) reaches its bounds of
   1e-9 and 1e9 USD per 1M tokens;
3. closed labs' revenue (`revenue_closed_labs`) over the last calendar year is at least that of 2024;
4. no lab's usage share moves by more than 0.30 over any 12 months in which the scenario has no event.

Prints Markdown: a table of the checks (how many seeds pass, and the ensemble's worst value) and a table
of headline outputs by year (ensemble mean and 5th-95th percentiles). Exit 0 (it reports; failing
checks are results, not errors), 2 on bad input.

Usage: long_run.py STORE [--events YYYY-MM,...]
Needs Debian's python3 (sqlite3 is in its standard library).
"""
import argparse
import math
import os
import sqlite3
import sys


def month_label(start, index):
    y, m = (int(x) for x in start.split('-'))
    k = y * 12 + m - 1 + index
    return '%04d-%02d' % (k // 12, k % 12 + 1)


def quantile(values, q):
    v = sorted(values)
    if not v:
        return math.nan
    pos = q * (len(v) - 1)
    lo, hi = int(math.floor(pos)), int(math.ceil(pos))
    return v[lo] + (v[hi] - v[lo]) * (pos - lo)


def fmt(v):
    if v != v:
        return '–'
    return '%.3g' % v


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('store')
    ap.add_argument('--events', default='', help='months of the scenario\'s events (YYYY-MM, comma-separated): windows that hold one are exempt from check 4')
    args = ap.parse_args()
    if not os.path.isfile(args.store):
        print('long_run.py: no sweep store at %s' % args.store, file=sys.stderr)
        return 2
    db = sqlite3.connect('file:%s?mode=ro' % args.store, uri=True)
    meta = dict(db.execute('select key, value from meta'))
    start, months = meta['start'], int(meta['months'])
    requests = {idx: (metric, scope) for idx, metric, scope in db.execute('select idx, metric, scope from series_requests')}
    runs = [r for r, in db.execute("select run from runs where status = 'ok' order by run")]
    if not runs:
        print('long_run.py: %s holds no successful run' % args.store, file=sys.stderr)
        return 2
    series = {}  # (run, metric, scope) -> [value per month]
    for run, req, month, value in db.execute('select run, request, month, value from series order by run, request, month'):
        key = (run,) + requests[req]
        series.setdefault(key, [math.nan] * months)[month] = value
    labels = [month_label(start, k) for k in range(months)]
    years = sorted({int(m[:4]) for m in labels})
    full_years = [y for y in years if sum(1 for m in labels if m.startswith('%d-' % y)) == 12]
    event_months = {m for m in args.events.split(',') if m}

    def get(run, metric, scope='world'):
        s = series.get((run, metric, scope))
        if s is None:
            sys.exit('long_run.py: the store has no series %s of %s; run it with scenarios/calibration/long-run.yaml' % (metric, scope))
        return s

    def yearly(run, metric, scope='world'):
        s = get(run, metric, scope)
        return {y: sum(v for m, v in zip(labels, s) if m.startswith('%d-' % y)) for y in full_years}

    lab_scopes = sorted({scope for (_, metric, scope) in series if metric == 'usage_share' and scope.startswith('lab:')})
    price_keys = sorted({(metric, scope) for (_, metric, scope) in series if metric in ('price', 'price_index', 'price_fixed_capability')})
    checks = {'spend': [], 'prices': [], 'closed': [], 'moves': []}
    worst = {'spend': 0.0, 'price_min': math.inf, 'price_max': 0.0, 'closed': math.inf, 'move': 0.0, 'move_at': ''}
    first, last = full_years[0] + 1 if full_years[0] + 1 in full_years else full_years[0], full_years[-1]
    for run in runs:
        spend = yearly(run, 'ai_spend')
        falls = [spend[y] / spend[y - 1] - 1 for y in full_years[1:] if spend[y] < spend[y - 1]]
        checks['spend'].append(not falls)
        worst['spend'] = min([worst['spend']] + falls)
        lo, hi = math.inf, 0.0
        for metric, scope in price_keys:
            vals = [v for v in get(run, metric, scope) if v == v]
            if vals:
                lo, hi = min(lo, min(vals)), max(hi, max(vals))
        checks['prices'].append(lo > 1e-9 and hi < 1e9)
        worst['price_min'], worst['price_max'] = min(worst['price_min'], lo), max(worst['price_max'], hi)
        closed = yearly(run, 'revenue_closed_labs')
        ratio = closed[last] / closed[2024] if 2024 in closed and closed[2024] > 0 else math.nan
        checks['closed'].append(ratio >= 1)
        worst['closed'] = min(worst['closed'], ratio)
        biggest = 0.0
        for scope in lab_scopes:
            s = get(run, 'usage_share', scope)
            for k in range(months - 12):
                if any(labels[k + d] in event_months for d in range(1, 13)):
                    continue
                move = abs(s[k + 12] - s[k])
                if move > biggest:
                    biggest = move
                if move > worst['move']:
                    worst['move'], worst['move_at'] = move, '%s, %s to %s' % (scope[4:], labels[k], labels[k + 12])
        checks['moves'].append(biggest <= 0.30)

    n = len(runs)
    print('| check | seeds that pass | worst over the seeds |')
    print('|---|---|---|')
    print('| world AI spend never falls from one year to the next (%d–%d) | %d of %d | %s |'
          % (full_years[0], last, sum(checks['spend']), n,
             'no fall' if worst['spend'] == 0 else 'a fall of %.1f%%' % (-100 * worst['spend'])))
    print('| no price reaches its bounds (1e-9, 1e9 USD per 1M tokens) | %d of %d | lowest %s, highest %s |'
          % (sum(checks['prices']), n, fmt(worst['price_min']), fmt(worst['price_max'])))
    print("| closed labs' revenue in %d at least their 2024 revenue | %d of %d | %s× the 2024 revenue |"
          % (last, sum(checks['closed']), n, fmt(worst['closed'])))
    print('| no lab\'s usage share moves by more than 30 points in 12 months without an event | %d of %d | %.1f points (%s) |'
          % (sum(checks['moves']), n, 100 * worst['move'], worst['move_at']))
    print()
    headline = [('ai_spend', 'world', 'world AI spend, USD per year', True),
                ('revenue_closed_labs', 'world', "closed labs' revenue, USD per year", True),
                ('revenue', 'lab:openai', "OpenAI's revenue, USD per year", True),
                ('valuation', 'lab:openai', "OpenAI's valuation, USD (December)", False),
                ('closed_value_index', 'world', "closed labs' value (index, 2023-01 = 1; December)", False),
                ('price_index', 'world', 'price index, USD per 1M tokens (December)', False),
                ('demand_multiplier', 'world', 'demand over its exogenous path (December)', False),
                ('frontier_capability', 'world', 'frontier capability, capability-months (December)', False),
                ('capability_gap_us_china', 'world', 'US lead over China, capability-months (December)', False),
                ('open_closed_lag', 'world', 'open models\' lag behind closed ones (December)', False),
                ('usage_share.us_closed', 'world', "US closed models' share of world usage (December)", False),
                ('usage_share.china_open', 'world', "Chinese open models' share of world usage (December)", False),
                ('usage_share.china_open', 'without:CN', "Chinese open models' share outside China (December)", False)]
    shown = [y for y in (2024, 2025, 2027, 2030, 2035) if y in full_years]
    print('| output | ' + ' | '.join(str(y) for y in shown) + ' |')
    print('|---|' + '---|' * len(shown))
    for metric, scope, label, summed in headline:
        cells = []
        for y in shown:
            vals = []
            for run in runs:
                if summed:
                    vals.append(yearly(run, metric, scope)[y])
                else:
                    s = get(run, metric, scope)
                    vals.append(s[labels.index('%d-12' % y)])
            cells.append('%s (%s–%s)' % (fmt(sum(vals) / len(vals)), fmt(quantile(vals, 0.05)), fmt(quantile(vals, 0.95))))
        print('| %s | %s |' % (label, ' | '.join(cells)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
