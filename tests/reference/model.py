#!/usr/bin/env python3
"""A second implementation of the geosim model, written from docs/model.md and docs/outputs.md alone.

It exists to check that the documentation is exact: it was written without reading the C++ source,
and check.sh compares its series.csv with geosim's byte for byte. A difference means either that the
model changed without docs/model.md saying how, or that the documentation is ambiguous (README.md).

It reads a *resolved* scenario (geosim's scenario.resolved.yaml, every key present) so that it needs
no table of defaults of its own. Section numbers in the comments are those of docs/model.md.

Usage: python3 model.py RESOLVED.yaml --out series.csv
Needs only the Python standard library and PyYAML.
"""
import argparse
import math
import re
import struct
import sys
from types import SimpleNamespace

import yaml

BLOCS = ('us', 'china', 'nonaligned')
SECTORS = ('enterprise', 'public', 'developer')

# ---------------------------------------------------------------------------------------------
# 3.1 Random numbers: Philox4x32-10, so every draw is a pure function of (seed, month, adopter,
# purpose) and the visiting order of adopters cannot matter.

MASK = 0xFFFFFFFF
PHILOX_M0, PHILOX_M1 = 0xD2511F53, 0xCD9E8D57
PHILOX_W0, PHILOX_W1 = 0x9E3779B9, 0xBB67AE85

PURPOSE_SECTOR_SIZE, PURPOSE_RISK, PURPOSE_NETWORK = 1, 3, 4
PURPOSE_PICK, PURPOSE_EVENT = 7, 8


def philox4x32_10(c0, c1, c2, c3, round_keys):
    for k0, k1 in round_keys:
        p0 = PHILOX_M0 * c0
        p1 = PHILOX_M1 * c2
        c0, c1, c2, c3 = (p1 >> 32) ^ c1 ^ k0, p1 & MASK, (p0 >> 32) ^ c3 ^ k1, p0 & MASK
    return c0, c1, c2, c3


class Draws:
    def __init__(self, seed):
        k0, k1 = seed & MASK, (seed >> 32) & MASK
        self.round_keys = []  # the key schedule depends on the seed only
        for _ in range(10):
            self.round_keys.append((k0, k1))
            k0, k1 = (k0 + PHILOX_W0) & MASK, (k1 + PHILOX_W1) & MASK

    def __call__(self, c, month, purpose, extra=0):
        return philox4x32_10(c & MASK, (c >> 32) & MASK, month & MASK,
                             ((purpose << 24) ^ extra) & MASK, self.round_keys)


def uniform(word):
    return (word + 0.5) * 2.0 ** -32


def normal(word_a, word_b):
    return math.sqrt(-2.0 * math.log(uniform(word_a))) * math.cos(2.0 * math.pi * uniform(word_b))


def to_float32(x):
    return struct.unpack('f', struct.pack('f', x))[0]


# ---------------------------------------------------------------------------------------------
# The resolved scenario

class MissingKey(Exception):
    pass


class Keys(dict):
    """A map of the scenario that names the full key path when a key is absent."""

    def __init__(self, items, where):
        super().__init__(items)
        self.where = where

    def __missing__(self, key):
        raise MissingKey('%s.%s' % (self.where, key) if self.where else str(key))


def wrap(value, where):
    if isinstance(value, dict):
        return Keys({k: wrap(v, '%s.%s' % (where, k) if where else str(k)) for k, v in value.items()},
                    where)
    if isinstance(value, list):
        return [wrap(v, '%s[%s]' % (where, v['id'] if isinstance(v, dict) and 'id' in v else k))
                for k, v in enumerate(value)]
    return value


class Loader(yaml.SafeLoader):
    """geosim writes YAML 1.2, where 6e+13 is a number; PyYAML's YAML 1.1 would read it as text."""


Loader.add_implicit_resolver(
    'tag:yaml.org,2002:float',
    re.compile(r'^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$'),
    list('-+.0123456789'))


def load(path):
    with open(path) as f:
        sc = yaml.load(f, Loader=Loader)
    if not isinstance(sc, dict):
        raise SystemExit('model.py: %s is not a scenario' % path)
    if 'extends' in sc:
        raise SystemExit("model.py: %s has 'extends'; give it geosim's scenario.resolved.yaml" % path)
    return wrap(sc, '')


def set_key(sc, path, value):
    """3.3: event key paths address agents by id: labs.<id>.<key>, lines.<id>.<key>, behaviour.<key>, ..."""
    parts = path.split('.')
    if parts[0] in ('nations', 'labs', 'lines', 'chipmakers'):
        node = next(e for e in sc[parts[0]] if e['id'] == parts[1])
        parts = parts[2:]
    else:
        node = sc
    for p in parts[:-1]:
        node = node[p]
    node[parts[-1]] = wrap(value, path)


def switch_off_mechanisms(sc):
    """3.15: a mechanism switched off holds its keys at neutral values, at the start and after each month's events."""
    m, B = sc['mechanisms'], sc['behaviour']
    if not m['commoditization']:
        B['commoditization'] = 0.0
    if not m['hardware']:
        for entry in list(sc['labs']) + list(sc['lines']):
            entry['affinity'].clear()
        for c in sc['chipmakers']:
            c['ecosystem'] = 1.0
    if not m['export_controls']:
        for c in sc['chipmakers']:
            c['export_banned_to'].clear()
            c['export_tier'].clear()
            c['licence_fee'].clear()
    if not m['distillation']:
        B['distillation_rate'] = 0.0
    if not m['release']:
        B['strategy_interval'] = 0
        for lab in sc['labs']:
            lab['close_at_share'] = 0.0
    if not m['materials']:
        for n in sc['nations']:
            n['materials_export_ban'].clear()
    if not m['origin_risk']:
        B['utility']['origin_risk'] = 0.0
    if not m['neighbours']:
        B['utility']['neighbours'] = 0.0
    if not m['demand_response']:
        B['demand_price_elasticity'] = 0.0
        B['demand_capability_elasticity'] = 0.0


def month_label(start, tau):
    y, m = map(int, str(start).split('-'))
    k = y * 12 + (m - 1) + tau
    return '%04d-%02d' % (k // 12, k % 12 + 1)


def bounded_price(p):
    # 3.7: bounds keep prices finite under extreme parameters; NaN takes the upper bound
    if p != p:
        return 1e9
    return min(1e9, max(1e-9, p))


# ---------------------------------------------------------------------------------------------

class Model:
    def __init__(self, sc):
        switch_off_mechanisms(sc)
        self.sc = sc
        self.B = sc['behaviour']
        self.nations = sc['nations']
        self.labs = sc['labs']
        self.extra_lines = sc['lines']
        self.chips = sc['chipmakers']
        self.N, self.L, self.M = len(self.nations), len(self.labs), len(self.chips)
        self.Lam = self.L + len(self.extra_lines)  # 1.2: main lines first, then lines[] in file order
        self.nation_index = {n['id']: k for k, n in enumerate(self.nations)}
        self.lab_index = {lab['id']: k for k, lab in enumerate(self.labs)}
        self.lab_origin = [self.nation_index[lab['origin']] for lab in self.labs]
        self.line_lab = list(range(self.L)) + [self.lab_index[x['lab']] for x in self.extra_lines]
        self.draw = Draws(int(sc['seed']))
        self.init_adopters()
        self.init_network()
        Lam = self.Lam
        # 3.2 Lines, labs and chipmakers
        self.cap = [float(self.keys(l)['capability']) for l in range(Lam)]
        self.cap0 = list(self.cap)
        self.offered_prev = [self.is_open(l) and self.is_active(l) for l in range(Lam)]
        self.has_frozen = [False] * Lam
        self.cap_frozen = [0.0] * Lam
        self.s_prev = [0.0] * Lam
        self.d_prev = [0.0] * Lam
        self.cost_prev = None
        self.e_prev = None
        self.val = [float(lab['valuation']) for lab in self.labs]
        self.rbar = [0.0] * self.L
        self.eco = [float(c['ecosystem']) for c in self.chips]
        self.capacity = [float(c['capacity']) for c in self.chips]  # 3.13: grows toward demand
        self.rationed = [1.0] * self.M
        self.rule_counter = [0] * self.N
        self.rule_fired = [False] * self.N
        self.D_prev = [0.0] * self.N
        self.first_closed_val = None
        self.start_frontier = None
        # 3.10 demand
        self.psi = [0.0] * self.N  # 3.10: each nation's log demand multiplier
        self.Pn = [None] * self.N  # last month's price and capability indices of each nation
        self.cn = [None] * self.N
        self.Pn0 = [None] * self.N
        self.cn0 = [None] * self.N
        self.served_prev = [0.0] * self.Lam  # 3.5: tokens each line served last month
        # 3.3 triggered events: months in a row each condition has held, and the month it fires for
        self.trigger_run = [0] * len(sc['events'])
        self.fired_for = [None] * len(sc['events'])

    # 1.2 A line's keys: lab j's own for its main line j, else the lines[] entry
    def keys(self, l):
        return self.labs[l] if l < self.L else self.extra_lines[l - self.L]

    def is_open(self, l):
        return bool(self.keys(l)['open'])

    def is_active(self, l):
        return True if l < self.L else bool(self.keys(l)['active'])

    def line_origin(self, l):
        return self.lab_origin[self.line_lab[l]]

    def line_id(self, l):
        return self.keys(l)['id']

    # 3.2 Initialization: adopters
    def init_adopters(self):
        P = self.sc['population']
        A = int(P['adopters'])
        self.A = A
        weights = [float(n['adopter_weight']) for n in self.nations]
        total = sum(weights)
        raw = [A * w / total for w in weights]
        count = [int(math.floor(r)) for r in raw]
        by_fraction = sorted(range(self.N), key=lambda k: (-(raw[k] - count[k]), k))
        for k in by_fraction[:A - sum(count)]:
            count[k] += 1
        self.nat = [k for k, c in enumerate(count) for _ in range(c)]
        sectors = P['sectors']
        e, p, d = float(sectors['enterprise']), float(sectors['public']), float(sectors['developer'])
        sw, sr = float(P['size_sigma']), float(P['risk_sigma'])
        self.sec, self.w, self.rho = [], [], []
        for i in range(A):
            w0, w1, w2, _ = self.draw(i, 0, PURPOSE_SECTOR_SIZE)
            u = uniform(w0)
            self.sec.append(0 if u < e / (e + p + d) else 1 if u < (e + p) / (e + p + d) else 2)
            f = to_float32(math.exp(sw * normal(w1, w2) - sw * sw / 2))
            # on the 2^-20 grid, so that every sum of sizes is exact whatever the order (3.10);
            # Python's round() goes to even on ties, as 3.2 requires
            self.w.append(max(1, round(f * 2.0 ** 20)) * 2.0 ** -20)
            r0, r1, _, _ = self.draw(i, 0, PURPOSE_RISK)
            self.rho.append(to_float32(math.exp(sr * normal(r0, r1) - sr * sr / 2)))
        self.x = [-1] * A  # -1: no option; 0..L-1 current versions; L..2L-1 frozen versions

    # 3.2 Initialization: network
    def init_network(self):
        net = self.sc['population']['network']
        kind = net['kind']
        A = self.A
        self.nbrs = None  # well_mixed: neighbour quantities are the world's (3.9)
        if kind == 'small_world':
            k, rewire = int(net['degree']), float(net['rewire'])
            self.nbrs = []
            for i in range(A):
                row = []
                for s in range(k):
                    d = s // 2 + 1
                    j = (i + d) % A if s % 2 == 0 else (i - d) % A
                    w0, w1, w2, _ = self.draw(i, 0, PURPOSE_NETWORK, s)
                    if uniform(w0) < rewire:
                        j = ((w1 << 32) + w2) % (A - 1)
                        if j >= i:
                            j += 1
                    row.append(j)
                self.nbrs.append(row)
        elif kind == 'scale_free':
            m = max(1, int(net['degree']) // 2)
            nbrs = [[] for _ in range(A)]
            ends = []  # link ends in creation order: drawing from it is drawing by degree
            for a in range(min(m + 1, A)):
                for b in range(a + 1, min(m + 1, A)):
                    nbrs[a].append(b)
                    nbrs[b].append(a)
                    ends += [a, b]
            for t in range(m + 1, A):
                chosen = []
                r = 0  # the attempt counter runs on across t's m links
                while len(chosen) < m:
                    w0, w1, _, _ = self.draw(t, 0, PURPOSE_NETWORK, r)
                    r += 1
                    j = ends[((w0 << 32) + w1) % len(ends)]
                    if j not in chosen:
                        chosen.append(j)
                for j in chosen:
                    nbrs[t].append(j)
                    nbrs[j].append(t)
                    ends += [t, j]
            self.nbrs = nbrs
        elif kind != 'well_mixed':
            raise SystemExit('model.py: unknown population.network.kind %r' % kind)

    # 1.2 Blocs
    def dominant_bloc(self, n):
        # outputs.md: ties go to us, then china, then nonaligned
        b = self.nations[n]['bloc']
        v = [float(b[x]) for x in BLOCS]
        best = 0
        for k in (1, 2):
            if v[k] > v[best]:
                best = k
        return best

    # 3.4 Origin risk (recomputed monthly: events may change a bloc mix)
    def origin_risk(self):
        h = self.B['hostility']
        H = [[0, h['us_china'], h['us_nonaligned']],
             [h['us_china'], 0, h['china_nonaligned']],
             [h['us_nonaligned'], h['china_nonaligned'], 0]]
        b = [[float(self.nations[n]['bloc'][x]) for x in BLOCS] for n in range(self.N)]
        total = [v[0] + v[1] + v[2] for v in b]
        R = [[0.0] * self.N for _ in range(self.N)]
        for n in range(self.N):
            for o in range(self.N):
                if n != o:
                    s = 0.0
                    for x in range(3):
                        for y in range(3):
                            s += b[n][x] / total[n] * H[x][y] * b[o][y] / total[o]
                    R[n][o] = s
        self.R = R
        threshold = self.B['rival_threshold']
        self.rival = [[n != o and R[n][o] >= threshold for o in range(self.N)] for n in range(self.N)]

    # 3.7 Effective performance e_{l,m,b}
    def effective_perf(self, l, m, b):
        c = self.chips[m]
        buyer = self.nations[b]['id']
        if buyer in c['export_banned_to'] or c['id'] in self.nations[b]['chip_buy_ban']:
            return 0.0
        a = float(self.keys(l)['affinity'].get(c['id'], 1.0))
        tier = float(c['export_tier'].get(buyer, 1.0))
        fee = float(c['licence_fee'].get(buyer, 0.0))
        return float(c['perf_per_dollar']) * a * self.eco[m] * tier / (1 + fee)

    # 3.7 Chip purchases of buyers of nation b for line l: (shares, their performances, mix performance);
    # shares is None when they buy no chips
    def purchases(self, l, b):
        if self.M == 0:
            return None, None, 1.0
        e = [self.effective_perf(l, m, b) for m in range(self.M)]
        top = max(e)
        if top <= 0:
            return None, e, 0.05  # old or grey-market hardware
        theta = self.B['chip_choice_sensitivity']
        w = [math.exp(theta * (math.log(x) - math.log(top))) if x > 0 else 0.0 for x in e]
        Z = 0.0
        for v in w:
            Z += v
        shares = [v / Z for v in w]
        perf = 0.0
        for sh, x in zip(shares, e):
            perf += sh * x
        return shares, e, perf

    # 3.10 Exogenous token demand, in exactly the documented order of operations
    def token_demand(self, tau):
        G = math.log1p(self.B['demand_growth'])
        H = self.B['demand_growth_halflife']
        # exp2, as the document says: 2 ** x is C's pow(2, x), which differs from exp2 in the last bit for
        # some x (found by random_check.py: H = 3.57636, tau = 24)
        return self.B['tokens_per_month'] * math.exp(G * H / math.log(2) * (1 - math.exp2(-(tau / 12) / H)))

    # 3.10 Demand multipliers of each nation, from its indices of last month; returns T_{n,tau}
    def demand(self, tau):
        B = self.B
        path = self.token_demand(tau)
        out = []
        for n in range(self.N):
            if tau == 0:
                self.psi[n] = 0.0
            else:
                target = (-B['demand_price_elasticity']) * (math.log(self.Pn[n]) - math.log(self.Pn0[n])) \
                    + B['demand_capability_elasticity'] * (self.cn[n] - self.cn0[n])
                self.psi[n] = min(30.0, max(-30.0, self.psi[n] + B['demand_adjustment'] * (target - self.psi[n])))
            out.append(path * math.exp(self.psi[n]))
        return out

    # 3.7 Serving cost of line l at capability c
    def serving_cost(self, l, c, tau):
        B = self.B
        return (float(self.keys(l)['cost']) * (1 - B['cost_decline']) ** (tau / 12)
                * math.exp(B['capability_cost'] * (c - self.cap0[l])))

    # 3.7 Closed price; E counts open active lines of other labs within the window
    def closed_price(self, l, C, e, s_prev, open_now):
        W = self.B['commoditization_window']
        E = 0.0
        for k in range(self.Lam):
            if self.line_lab[k] != self.line_lab[l] and open_now[k] and self.is_active(k) \
                    and self.cap[k] >= self.cap[l] - W:
                E += s_prev[k]
        markup = self.keys(l)['markup'] * max(0.0, 1 - self.B['commoditization'] * E)
        return C / e * (1 + markup) * (1 - self.labs[self.line_lab[l]]['subsidy'])

    # 3.7 Hosted price of open weights
    def hosted_price(self, l, C, e):
        return C / e * (1 + self.B['hosting_margin']) * (1 - self.labs[self.line_lab[l]]['subsidy'])

    # 1.3 One month, its steps in the documented order
    def step(self, tau, rows):
        month = month_label(self.sc['start'], tau)
        t = SimpleNamespace(tau=tau)  # this month's quantities
        self.apply_events(month)
        self.origin_risk()
        t.Tn = self.demand(tau)
        self.policy_rules()
        if tau > 0:
            self.release_decisions(t)
        newly_closed = self.strand()
        self.materials_supply(t)
        self.prices(t)
        self.choice_tables(t)
        self.update_adopters(tau, t.avail, t.V, t.r, newly_closed)
        self.sums(t)
        self.money(t)
        first = len(rows)
        self.outputs(rows, month, t)
        self.check_triggers(rows[first:], tau)
        self.advance_capability(t)
        self.mature_ecosystems(t)
        self.s_prev, self.d_prev = t.s, t.d
        self.served_prev = t.served

    # 3.3 Triggered events: after a month's outputs, count the months each condition has held
    def check_triggers(self, month_rows, tau):
        for e, ev in enumerate(self.sc['events']):
            if 'when' not in ev or not ev['enabled'] or self.fired_for[e] is not None:
                continue
            w = ev['when']
            value = next((r[3] for r in month_rows if r[1] == w['scope'] and r[2] == w['metric']), float('nan'))
            holds = value > w['above'] if 'above' in w else value < w['below']
            self.trigger_run[e] = self.trigger_run[e] + 1 if holds else 0
            if self.trigger_run[e] >= int(w['for']):
                self.fired_for[e] = month_label(self.sc['start'], tau + 1)

    # 3.3 Events: dated ones of the month, then triggered ones fired for it, in list order
    def apply_events(self, month):
        applied = False
        for e, ev in enumerate(self.sc['events']):
            due = self.fired_for[e] == month if 'when' in ev else str(ev['at']) == month
            if due and ev['enabled']:
                applied = True
                for key, value in ev['set'].items():
                    set_key(self.sc, key, value)
                    parts = key.split('.')
                    if parts[0] == 'chipmakers' and parts[2:] == ['capacity']:
                        m = next(k for k, c in enumerate(self.chips) if c['id'] == parts[1])
                        self.capacity[m] = float(value)
                    if parts[0] in ('labs', 'lines') and parts[2:] == ['capability']:
                        # a release jump: the line's current capability; its cost keeps c0
                        if parts[0] == 'labs':
                            l = self.lab_index[parts[1]]
                        else:
                            l = self.L + next(k for k, x in enumerate(self.extra_lines) if x['id'] == parts[1])
                        self.cap[l] = float(value)
        if applied:
            switch_off_mechanisms(self.sc)
        # release decisions are written back to the scenario, so open flags are always read from it
        self.open = [self.is_open(l) for l in range(self.Lam)]

    # 3.4 Policy rules, from last month's dependency D_n
    def policy_rules(self):
        for n, nat in enumerate(self.nations):
            threshold = nat['rule_ban_threshold']
            if threshold > 0 and not self.rule_fired[n]:
                self.rule_counter[n] = self.rule_counter[n] + 1 if self.D_prev[n] > threshold else 0
                if self.rule_counter[n] >= nat['rule_ban_lag']:
                    banned = list(nat['ban_rival_models_in'])
                    for s in nat['rule_ban_sectors']:
                        if s not in banned:
                            banned.append(s)
                    nat['ban_rival_models_in'] = banned
                    self.rule_fired[n] = True

    # 3.5 Loss leaders and adaptive labs, for main lines
    def release_decisions(self, t):
        B = self.B
        tau = t.tau
        open_before = list(self.open)
        new_open = list(open_before)
        for j, lab in enumerate(self.labs):
            if open_before[j] and lab['close_at_share'] > 0 and self.s_prev[j] >= lab['close_at_share']:
                new_open[j] = False
                continue  # not also reviewed below
            interval = B['strategy_interval']
            if lab['strategy'] == 'adaptive' and interval > 0 and tau % interval == 0:
                C, e = self.cost_prev[j], self.e_prev[j]
                p_open = bounded_price(self.hosted_price(j, C, e))
                p_closed = bounded_price(self.closed_price(j, C, e, self.s_prev, open_before))
                I = B['influence_value'] * (B['state_influence_multiplier'] if lab['state_backed'] else 1)
                penalty = self.nations[self.lab_origin[j]]['open_release_penalty']
                Y = self.served_prev[j]
                pi_open = B['open_api_share'] * Y * p_open / 1e6 + I * self.s_prev[j] - penalty
                pi_closed = B['close_retention'] * Y * p_closed / 1e6
                current, other = (pi_open, pi_closed) if open_before[j] else (pi_closed, pi_open)
                if other - current > B['strategy_hysteresis'] * abs(current):
                    new_open[j] = not open_before[j]
        for j, lab in enumerate(self.labs):
            self.open[j] = new_open[j]
            lab['open'] = new_open[j]

    # 3.5 Stranding: returns which lines stopped being offered open since last month
    def strand(self):
        offered = [self.open[l] and self.is_active(l) for l in range(self.Lam)]
        newly_closed = [self.offered_prev[l] and not offered[l] for l in range(self.Lam)]
        for l in range(self.Lam):
            if newly_closed[l]:
                # stranding again replaces the frozen version; holders keep index Lam + l
                self.has_frozen[l] = True
                self.cap_frozen[l] = self.cap[l]
        self.offered_prev = offered
        return newly_closed

    # 3.6 Materials supply
    def materials_supply(self, t):
        t.sigma = []
        for c in self.chips:
            total = 0.0
            for supplier, share in c['materials_from'].items():
                if supplier != c['origin'] and \
                        c['origin'] in self.nations[self.nation_index[supplier]]['materials_export_ban']:
                    total += share
            t.sigma.append(max(0.0, 1 - (1 - self.B['materials_substitution']) * min(1.0, total)))

    # 3.7 Chips and prices
    def prices(self, t):
        Lam, N, NO = self.Lam, self.N, 2 * self.Lam
        t.buy = [[self.purchases(l, b) for b in range(N)] for l in range(Lam)]  # [l][b]
        t.e_own = [t.buy[l][self.line_origin(l)][2] for l in range(Lam)]
        C = [self.serving_cost(l, self.cap[l], t.tau) for l in range(Lam)]
        t.C_frozen = [self.serving_cost(l, self.cap_frozen[l], t.tau) for l in range(Lam)]
        t.C = C
        s_for_E = self.s_prev if t.tau > 0 else [0.0] * Lam
        t.P = []
        for l in range(Lam):
            if self.open[l]:
                t.P.append(bounded_price(self.hosted_price(l, C[l], t.e_own[l])))
            else:
                t.P.append(bounded_price(self.closed_price(l, C[l], t.e_own[l], s_for_E, self.open)))
        self.cost_prev, self.e_prev = C, t.e_own  # next month's release decisions use these
        # Price and chip purchases of each option for each buyer nation: open weights, current or frozen,
        # on the nation's purchases; closed lines on their lab's
        t.price_no = [[0.0] * NO for _ in range(N)]
        t.chips_no = [[None] * NO for _ in range(N)]  # (l, b) of the purchases it runs on
        for n in range(N):
            for l in range(Lam):
                e_n = t.buy[l][n][2]
                if self.open[l]:
                    t.price_no[n][l] = bounded_price(self.hosted_price(l, C[l], e_n))
                    t.chips_no[n][l] = (l, n)
                else:
                    t.price_no[n][l] = t.P[l]
                    t.chips_no[n][l] = (l, self.line_origin(l))
                t.price_no[n][Lam + l] = bounded_price(self.hosted_price(l, t.C_frozen[l], e_n))
                t.chips_no[n][Lam + l] = (l, n)

    # 3.8 Choice tables
    def choice_tables(self, t):
        Lam, N, NO = self.Lam, self.N, 2 * self.Lam
        U = self.B['utility']
        bc, bp, bo = U['capability'], U['price'], U['openness']
        t.avail = [[[False] * NO for _ in range(3)] for _ in range(N)]
        t.V = [[[0.0] * NO for _ in range(3)] for _ in range(N)]
        t.r = [[[0.0] * NO for _ in range(3)] for _ in range(N)]
        for n in range(N):
            nat = self.nations[n]
            for s in range(3):
                sector = SECTORS[s]
                omega = self.B['openness_weight'][sector]
                alpha = self.B['attribute_weight'][sector]
                xi = self.B['risk_weight'][sector]
                for l in range(Lam):
                    k = self.keys(l)
                    ol = self.line_origin(l)
                    banned = \
                        self.rival[n][ol] and sector in nat['ban_rival_models_in']
                    denied = (not self.open[l]) and ol != n and nat['id'] in self.nations[ol]['deny_frontier_access']
                    t.avail[n][s][l] = self.is_active(l) and not banned and not denied
                    attr = U['support'] * k['support'] + U['compliance'] * k['compliance'] + U['trust'] * k['trust']
                    t.V[n][s][l] = (bc * self.cap[l] - bp * math.log(t.price_no[n][l])
                                    + (bo * omega if self.open[l] else 0.0) + alpha * attr)
                    risk = (U['origin_risk'] * xi) * (self.R[n][ol] * (1 - self.labs[self.line_lab[l]]['risk_discount']))
                    t.r[n][s][l] = t.r[n][s][Lam + l] = risk
                    if self.has_frozen[l]:
                        t.avail[n][s][Lam + l] = not banned  # frozen weights cannot be denied, only banned
                        t.V[n][s][Lam + l] = (bc * self.cap_frozen[l] - bp * math.log(t.price_no[n][Lam + l])
                                              + bo * omega + alpha * 0.0)

    # 3.10 Sums, usage, revenue and indices; index 2 Lam of each cell is "no option"
    def sums(self, t):
        Lam, N, M, NO = self.Lam, self.N, self.M, 2 * self.Lam
        t.Wt = [[[0.0] * (NO + 1) for _ in range(3)] for _ in range(N)]
        t.Ct = [[[0] * (NO + 1) for _ in range(3)] for _ in range(N)]
        for i in range(self.A):
            t.Wt[self.nat[i]][self.sec[i]][self.x[i]] += self.w[i]
            t.Ct[self.nat[i]][self.sec[i]][self.x[i]] += 1
        # W_{n,o} (exact sums, so the order does not matter)
        t.Wno = [[t.Wt[n][0][o] + t.Wt[n][1][o] + t.Wt[n][2][o] for o in range(NO + 1)] for n in range(N)]
        t.wo = [sum(t.Wno[n][o] for n in range(N)) for o in range(NO + 1)]
        t.total_w = sum(t.wo)
        t.adopted_w = t.total_w - t.wo[NO]
        t.s = [(t.wo[l] / t.adopted_w if t.adopted_w > 0 else 0.0) for l in range(Lam)]
        t.d = [t.wo[l] / t.total_w for l in range(Lam)]
        # z_m, the price and capability indices, rival dependency
        z = [0.0] * M
        paid = used = 0.0
        D = []
        active = [l for l in range(Lam) if self.is_active(l)]
        na = float(len(active))
        t.paid_n = []
        for n in range(N):
            rival = paid_n = used_n = 0.0
            for o in range(NO):
                W = t.Wno[n][o]
                l, b = t.chips_no[n][o]
                shares = t.buy[l][b][0]
                if shares is not None:
                    for m in range(M):
                        z[m] += W * shares[m]
                c = self.cap[o] if o < Lam else self.cap_frozen[o - Lam]
                paid += W * t.price_no[n][o]
                used += W * c
                paid_n += W * t.price_no[n][o]
                used_n += W * c
                if self.rival[n][self.line_origin(o % Lam)]:
                    rival += W
            adopted_n = sum(t.Wno[n][o] for o in range(NO))
            D.append(rival / adopted_n if adopted_n > 0 else 0.0)
            t.paid_n.append(paid_n)
            if adopted_n > 0:
                self.Pn[n], self.cn[n] = paid_n / adopted_n, used_n / adopted_n
            else:
                self.Pn[n] = self.cn[n] = 0.0
                for l in active:
                    self.Pn[n] += t.price_no[n][l] / na
                    self.cn[n] += self.cap[l] / na
            if t.tau == 0:
                self.Pn0[n], self.cn0[n] = self.Pn[n], self.cn[n]
        self.D_prev = D  # 3.4: next month's dependency rules read this month's D_n
        t.paid = paid
        if t.adopted_w > 0:
            t.z = [v / t.adopted_w for v in z]
            t.Pbar, t.cbar = paid / t.adopted_w, used / t.adopted_w
        else:
            t.z = z
            t.Pbar = t.cbar = 0.0
            for l in active:
                t.Pbar += t.P[l] / na
                t.cbar += self.cap[l] / na
        t.served, t.revenue = [], []
        for l in range(Lam):
            Y = 0.0
            for n in range(N):
                Y += (t.Wno[n][l] / t.total_w) * t.Tn[n]
            t.served.append(Y)
            r = Y * t.P[l] / 1e6
            if self.open[l]:
                r *= self.B['open_api_share']
            t.revenue.append(r)
        t.lab_revenue = [0.0] * self.L
        for l in range(Lam):
            t.lab_revenue[self.line_lab[l]] += t.revenue[l]

    # 3.11 Money and compute
    def money(self, t):
        B = self.B
        L, M = self.L, self.M
        t.spend = spend = [0.0] * L
        for j in range(L):
            R = t.lab_revenue[j]
            self.rbar[j] = R if self.rbar[j] == 0 else self.rbar[j] + (R - self.rbar[j]) / 12
            g = 0.0 if self.rbar[j] == 0 else max(-1.0, min(1.0, R / self.rbar[j] - 1))
            target = 12 * R * (B['valuation_multiple'] + B['growth_multiple'] * max(0.0, g))
            self.val[j] = target if self.val[j] <= 0 else self.val[j] + (target - self.val[j]) / 6
            spend[j] = self.labs[j]['funding'] + B['invest_rate'] * self.val[j] / 12
        t.demand = [0.0] * M
        for j in range(L):
            shares, e, _ = t.buy[j][self.lab_origin[j]]
            if shares is not None:
                for m in range(M):
                    t.demand[m] += spend[j] * shares[m] * e[m]
        t.deliverable = [self.capacity[m] * t.sigma[m] for m in range(M)]
        for m in range(M):
            # set before the compute factors that use it
            self.rationed[m] = t.deliverable[m] / t.demand[m] if t.demand[m] > t.deliverable[m] else 1.0
        t.f = []
        for j in range(L):
            shares, e, perf = t.buy[j][self.lab_origin[j]]
            if shares is not None:
                compute = 0.0
                for m in range(M):
                    compute += spend[j] * shares[m] * e[m] * self.rationed[m]
            else:
                compute = spend[j] * perf
            # 3.11: the compute a month of progress needs grows with the lab's best active capability
            best = max(self.cap[l] for l in range(self.Lam) if self.line_lab[l] == j and self.is_active(l))
            try:
                need = B['reference_compute_spend'] * math.exp(B['compute_per_capability'] * (best - B['reference_capability']))
            except OverflowError:
                need = math.inf
            effective = self.labs[j]['research_efficiency'] * compute * (1 + B['research_compute_growth']) ** (t.tau / 12)
            if effective > 0:
                try:
                    x = (effective / need) ** B['compute_elasticity']
                except (OverflowError, ZeroDivisionError):
                    x = math.inf
            else:
                x = 0.0
            t.f.append(2.0 if math.isinf(x) else 2 - 2 / (1 + x))

    # 3.12 Capability: all active lines read month t and write t + 1
    def advance_capability(self, t):
        B = self.B
        new_cap = list(self.cap)
        for l in range(self.Lam):
            if not self.is_active(l):
                continue
            j = self.line_lab[l]
            lab = self.labs[j]
            c = self.cap[l]
            G = 0.0
            if lab['distill']:
                for k in range(self.Lam):
                    if self.line_lab[k] == j:
                        continue
                    if self.is_active(k):
                        if self.open[k]:
                            access = 1.0
                        else:
                            kk = self.keys(k)
                            guarded = self.nations[self.line_origin(l)]['id'] in \
                                self.nations[self.line_origin(k)]['distillation_guard']
                            access = kk['distillable'] * kk['distill_leak'] if guarded else kk['distillable']
                        G = max(G, access * (self.cap[k] - c))
                    if self.has_frozen[k]:
                        G = max(G, self.cap_frozen[k] - c)
            own = t.f[j]
            distilled = B['distillation_rate'] * G if lab['distill'] else 0.0
            community = B['community_rate'] * t.s[l] if self.open[l] else 0.0
            new_cap[l] = c + own + distilled + community
        self.cap = new_cap

    # 3.13 Ecosystems
    def mature_ecosystems(self, t):
        optimized_by_m = []
        for m in range(self.M):
            optimized = used = 0.0
            for l in range(self.Lam):
                optimized += t.s[l] * float(self.keys(l)['affinity'].get(self.chips[m]['id'], 1.0))
                used += t.s[l]
            pull = 0.5 * (t.z[m] + (optimized / used if used > 0 else 0.0))
            optimized_by_m.append(pull)
        for m in range(self.M):
            self.eco[m] = self.eco[m] + self.B['ecosystem_growth'] * (1 - self.eco[m]) * optimized_by_m[m]
            self.capacity[m] = self.capacity[m] + self.B['capacity_expansion'] * max(0.0, t.demand[m] - self.capacity[m])

    # 3.9 Adopter update: reads only last month's options (xold), so the order of visits is free
    def neighbour_adoption(self, i, xold):
        """A_i: adopted share of the weight of i's neighbours (0 when i has none)."""
        total = adopted = 0.0
        for k in self.nbrs[i]:
            total += self.w[k]
            if xold[k] >= 0:
                adopted += self.w[k]
        return adopted / total if total != 0 else 0.0

    def neighbour_shares(self, i, xold, NO):
        """S_{i,o}: share of the weight of i's neighbours on each option (all 0 when i has none)."""
        total = 0.0
        S = [0.0] * NO
        for k in self.nbrs[i]:
            total += self.w[k]
            if xold[k] >= 0:
                S[xold[k]] += self.w[k]
        return [v / total for v in S] if total != 0 else S

    def update_adopters(self, tau, avail, V, r, newly_closed):
        B = self.B
        Lam, A = self.Lam, self.A
        NO = 2 * Lam
        xold = self.x
        if self.nbrs is None:
            world = [0.0] * (NO + 1)
            for i in range(A):
                world[xold[i]] += self.w[i]
            tw = sum(world)
            world_S = [world[o] / tw for o in range(NO)]
            world_A = (tw - world[NO]) / tw
        p, q = B['bass_p'], B['bass_q']
        alpha = self.sc['population']['initial_adoption']
        revisit = B['revisit_rate'] / 12
        beta_n, beta_sw = B['utility']['neighbours'], B['utility']['switching_cost']
        xnew = list(xold)
        for i in range(A):
            if i % 4 == 0:
                event_words = self.draw(i // 4, tau + 1, PURPOSE_EVENT)  # one call serves four adopters
            ue = uniform(event_words[i % 4])
            o0 = xold[i]
            if 0 <= o0 < Lam and newly_closed[o0]:
                o0 = Lam + o0  # 3.5: its users now hold the frozen version
            n, s = self.nat[i], self.sec[i]
            chooses = switching = initial = False
            if o0 < 0:
                if tau == 0 and alpha > 0:
                    chooses = initial = ue < alpha  # and nobody adopts by the Bass hazard
                else:
                    Ai = world_A if self.nbrs is None else self.neighbour_adoption(i, xold)
                    chooses = ue < min(1.0, p / 12 + (q / 12) * Ai)
            elif not avail[n][s][o0]:
                chooses = True  # staying is impossible, so no switching cost
            elif ue < revisit:
                chooses = switching = True
            if not chooses:
                xnew[i] = o0
                continue
            if initial:
                S = [0.0] * NO  # initial adopters see no neighbours' choices
            elif self.nbrs is None:
                S = world_S
            else:
                S = self.neighbour_shares(i, xold, NO)
            # Logit rule; a frozen version is open only to its holder
            options, U = [], []
            for o in range(NO):
                if not avail[n][s][o] or (o >= Lam and o != o0):
                    continue
                u = V[n][s][o] - self.rho[i] * r[n][s][o] + beta_n * S[o]
                if switching and o != o0:
                    u -= beta_sw
                options.append(o)
                U.append(u)
            if not options:
                xnew[i] = -1
                continue
            uc = uniform(self.draw(i, tau + 1, PURPOSE_PICK)[0])
            top = max(U)
            ex = [math.exp(u - top) for u in U]
            Z = 0.0
            for v in ex:
                Z += v
            threshold = uc * Z
            running = 0.0
            pick = options[-1]  # if rounding leaves no running sum above the threshold
            for o, v in zip(options, ex):
                running += v
                if running > threshold:
                    pick = o
                    break
            xnew[i] = pick
        self.x = xnew

    # outputs.md: rows in a fixed order
    def outputs(self, rows, month, t):
        B = self.B
        Wt, Ct, Wno, price_no = t.Wt, t.Ct, t.Wno, t.price_no
        L, Lam, N, M = self.L, self.Lam, self.N, self.M
        NO = 2 * Lam
        lab_bloc = [self.dominant_bloc(self.lab_origin[j]) for j in range(L)]

        def is_open(o):
            return o >= Lam or self.open[o]  # frozen versions count as open

        def bloc_of(o):
            return lab_bloc[self.line_lab[o % Lam]]

        def row(scope, metric, value):
            rows.append((month, scope, metric, value))

        def share(v, of):
            return v / of if of > 0 else 0.0

        def weights(nations):
            w = [0.0] * (NO + 1)
            for n in nations:
                for o in range(NO + 1):
                    w[o] += Wno[n][o]
            total = sum(w)
            return w, total, total - w[NO]

        def shares_rows(scope, w, adopted):
            for b in range(3):
                for op in (False, True):
                    v = sum(w[o] for o in range(NO) if bloc_of(o) == b and is_open(o) == op)
                    row(scope, 'usage_share.%s_%s' % (BLOCS[b], 'open' if op else 'closed'), share(v, adopted))

        def influence_rows(scope, w, adopted):
            for b in range(3):
                v = sum(w[o] for o in range(NO) if bloc_of(o) == b)
                row(scope, 'influence.%s' % BLOCS[b], share(v, adopted))

        # 3.14 chips bought B_{n,m}
        bought = [[0.0] * M for _ in range(N)]

        def buy(n, lb, v):
            shares = t.buy[lb[0]][lb[1]][0]
            if shares is not None:
                for m in range(M):
                    bought[n][m] += v * shares[m]

        for j in range(L):
            buy(self.lab_origin[j], (j, self.lab_origin[j]), t.spend[j])
        for l in range(Lam):
            if not self.open[l]:
                ol = self.line_origin(l)
                buy(ol, (l, ol), t.served[l] * bounded_price(t.C[l] / t.e_own[l]) / 1e6)
        for n in range(N):
            for o in range(NO):
                if is_open(o):
                    l = o % Lam
                    cost = t.C_frozen[l] if o >= Lam else t.C[l]
                    buy(n, (l, n), share(Wno[n][o], t.total_w) * t.Tn[n] * bounded_price(cost / t.buy[l][n][2]) / 1e6)
        fees = []
        for m in range(M):
            f_m = 0.0
            for n in range(N):
                f = float(self.chips[m]['licence_fee'].get(self.nations[n]['id'], 0.0))
                f_m += bought[n][m] * f / (1 + f)
            fees.append(f_m)

        # scope world
        w, total, adopted = weights(range(N))
        row('world', 'adoption', adopted / total)
        row('world', 'adopted_weight', adopted)
        row('world', 'adopters_using', sum(Ct[n][s][o] for n in range(N) for s in range(3) for o in range(NO)))
        row('world', 'adopters_total', self.A)
        row('world', 'stranded_adopters', sum(Ct[n][s][o] for n in range(N) for s in range(3) for o in range(Lam, NO)))
        shares_rows('world', w, adopted)
        influence_rows('world', w, adopted)
        row('world', 'stranded_share', share(sum(w[o] for o in range(Lam, NO)), adopted))
        active = [l for l in range(Lam) if self.is_active(l)]
        frontier = max(self.cap[l] for l in active)
        if self.start_frontier is None:
            self.start_frontier = frontier
        row('world', 'frontier_capability', frontier)
        us = [self.cap[l] for l in active if bloc_of(l) == 0]
        cn = [self.cap[l] for l in active if bloc_of(l) == 1]
        if us and cn:
            row('world', 'capability_gap_us_china', max(us) - max(cn))
        closed = [self.cap[l] for l in active if not self.open[l]]
        opened = [self.cap[l] for l in active if self.open[l]]
        if closed and opened:
            row('world', 'open_closed_lag', max(closed) - max(opened))
        row('world', 'price_index', t.Pbar)
        row('world', 'capability_index', t.cbar)
        row('world', 'revenue_closed_labs', sum(t.lab_revenue[j] for j in range(L) if not self.open[j]))
        cc = B['capability_cost']
        reached = [t.P[l] * math.exp(-cc * (self.cap[l] - self.start_frontier))
                   for l in active if self.cap[l] >= self.start_frontier]
        if reached:
            row('world', 'price_fixed_capability', min(reached))
        closed_val = sum(self.val[j] for j in range(L) if not self.open[j])
        if self.first_closed_val is None:
            self.first_closed_val = closed_val
        row('world', 'closed_value_index',
            closed_val / self.first_closed_val if self.first_closed_val > 0 else 0.0)
        lost = (sum(min(t.demand[m], self.capacity[m]) for m in range(M))
                - sum(min(t.demand[m], t.deliverable[m]) for m in range(M)))
        row('world', 'compute_lost_materials', share(lost, sum(t.demand)))
        sector_w = []
        for s in range(3):
            ws = [sum(Wt[n][s][o] for n in range(N)) for o in range(NO)]
            sector_w.append(ws)
            open_w = sum(ws[o] for o in range(NO) if is_open(o))
            row('world', 'open_share.%s' % SECTORS[s], share(open_w, sum(ws)))
        tokens = spend = 0.0
        for n in range(N):
            W_n = sum(Wno[n][o] for o in range(NO + 1))
            tokens += share(W_n, t.total_w) * t.Tn[n]
            spend += t.Tn[n] * share(t.paid_n[n], t.total_w)
        row('world', 'token_demand', tokens)
        row('world', 'demand_multiplier', share(tokens, self.token_demand(t.tau)))
        row('world', 'ai_spend', spend / 1e6)
        row('world', 'licence_fees', sum(fees))

        # scope sector:<s>
        for s in range(3):
            scope = 'sector:%s' % SECTORS[s]
            ws = sector_w[s]
            adopted_s = sum(ws)
            row(scope, 'adopted_weight', adopted_s)
            shares_rows(scope, ws, adopted_s)

        # scope without:<id>
        for x in self.sc['outputs']['without']:
            scope = 'without:%s' % x
            w, total, adopted = weights([n for n in range(N) if self.nations[n]['id'] != x])
            row(scope, 'adoption', share(adopted, total))
            row(scope, 'adopted_weight', adopted)
            shares_rows(scope, w, adopted)
            influence_rows(scope, w, adopted)
            dev = [sum(Wt[n][2][o] for n in range(N) if self.nations[n]['id'] != x) for o in range(NO)]
            dev_adopted = sum(dev)
            for bl in range(3):
                for op in (False, True):
                    v = sum(dev[o] for o in range(NO) if bloc_of(o) == bl and is_open(o) == op)
                    row(scope, 'developer_usage_share.%s_%s' % (BLOCS[bl], 'open' if op else 'closed'), share(v, dev_adopted))

        # scope nation:<id>
        for n in range(N):
            scope = 'nation:%s' % self.nations[n]['id']
            w, total, adopted = weights([n])
            row(scope, 'adoption', share(adopted, total))
            row(scope, 'adopted_weight', adopted)
            shares_rows(scope, w, adopted)
            influence_rows(scope, w, adopted)
            row(scope, 'stranded_share', share(sum(w[o] for o in range(Lam, NO)), adopted))
            row(scope, 'rival_model_dependency', self.D_prev[n])
            on_chip = [0.0] * M
            rival_hw = 0.0
            paid = 0.0
            for o in range(NO):
                l, b = t.chips_no[n][o]
                shares = t.buy[l][b][0]
                if shares is not None:
                    for m in range(M):
                        on_chip[m] += w[o] * shares[m]
                        if self.rival[n][self.nation_index[self.chips[m]['origin']]]:
                            rival_hw += w[o] * shares[m]
                paid += w[o] * price_no[n][o]
            row(scope, 'rival_hardware_dependency', share(rival_hw, adopted))
            row(scope, 'price_index', self.Pn[n])
            row(scope, 'capability_index', self.cn[n])
            row(scope, 'demand_multiplier', math.exp(self.psi[n]))
            row(scope, 'rule_ban_active', 1 if self.rule_fired[n] else 0)
            for m in range(M):
                row(scope, 'chip_share.%s' % self.chips[m]['id'], share(on_chip[m], adopted))
            all_bought = 0.0
            for m in range(M):
                all_bought += bought[n][m]
            for m in range(M):
                row(scope, 'chips_bought.%s' % self.chips[m]['id'], bought[n][m])
            for m in range(M):
                row(scope, 'chip_purchase_share.%s' % self.chips[m]['id'], share(bought[n][m], all_bought))

        # scope lab:<id>
        lines_of = [[l for l in range(Lam) if self.line_lab[l] == j] for j in range(L)]
        for j in range(L):
            scope = 'lab:%s' % self.labs[j]['id']
            used = stranded = 0.0
            for l in lines_of[j]:
                used += t.wo[l]
                stranded += t.wo[Lam + l]
            row(scope, 'usage_share', share(used, t.adopted_w))
            row(scope, 'stranded_share', share(stranded, t.adopted_w))
            row(scope, 'capability', max(self.cap[l] for l in lines_of[j] if self.is_active(l)))
            row(scope, 'price', t.P[j])
            row(scope, 'revenue', t.lab_revenue[j])
            row(scope, 'valuation', self.val[j])
            row(scope, 'compute_factor', t.f[j])
            row(scope, 'open', 1 if self.open[j] else 0)

        # scope line:<id>, for labs with more than one line
        for l in range(Lam):
            if len(lines_of[self.line_lab[l]]) < 2:
                continue
            scope = 'line:%s' % self.line_id(l)
            row(scope, 'usage_share', t.s[l])
            row(scope, 'stranded_share', share(t.wo[Lam + l], t.adopted_w))
            row(scope, 'capability', self.cap[l])
            row(scope, 'price', t.P[l])
            row(scope, 'revenue', t.revenue[l])
            row(scope, 'open', 1 if self.open[l] else 0)
            row(scope, 'active', 1 if self.is_active(l) else 0)

        # scope chipmaker:<id>
        for m in range(M):
            scope = 'chipmaker:%s' % self.chips[m]['id']
            sales = 0.0
            for n in range(N):
                sales += bought[n][m]
            row(scope, 'compute_share', t.z[m])
            row(scope, 'ecosystem', self.eco[m])
            row(scope, 'supply', t.sigma[m])
            row(scope, 'rationed', self.rationed[m])
            row(scope, 'capacity', self.capacity[m])
            row(scope, 'sales', sales)
            row(scope, 'licence_fees', fees[m])


def format_value(v):
    """outputs.md: the shortest text that reads back to the same double, as C++ std::to_chars(double)
    writes it: fixed or scientific, whichever is shorter, fixed on ties."""
    v = float(v)  # counts and flags are doubles too: 100000 is written 1e+05
    if v == 0:
        return '0'
    sign = '-' if v < 0 else ''
    r = repr(abs(v))  # Python's repr is also the shortest round-trip text; only the layout differs
    mantissa, exp = (r.split('e') + ['0'])[:2]
    int_part, _, frac_part = mantissa.partition('.')
    all_digits = int_part + frac_part
    leading_zeros = len(all_digits) - len(all_digits.lstrip('0'))
    digits = all_digits.lstrip('0').rstrip('0') or '0'
    e10 = len(int_part) + int(exp) - leading_zeros - 1  # decimal exponent of the first digit
    sci = '%s%se%s%02d' % (digits[0], '.' + digits[1:] if len(digits) > 1 else '',
                           '-' if e10 < 0 else '+', abs(e10))
    if e10 < 0:
        fixed = '0.' + '0' * (-e10 - 1) + digits
    elif len(digits) <= e10 + 1:
        fixed = str(int(abs(v)))  # an integral value: to_chars writes its exact digits
    else:
        fixed = digits[:e10 + 1] + '.' + digits[e10 + 1:]
    return sign + (fixed if len(fixed) <= len(sci) else sci)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('scenario', help="geosim's scenario.resolved.yaml")
    ap.add_argument('--out', required=True, help='series.csv to write')
    args = ap.parse_args()
    sc = load(args.scenario)
    rows = []
    try:
        model = Model(sc)
        for tau in range(int(sc['months'])):
            model.step(tau, rows)
    except MissingKey as e:
        sys.exit("model.py: %s: missing key '%s' (this reads geosim's scenario.resolved.yaml, "
                 "which has every key)" % (args.scenario, e))
    with open(args.out, 'w') as f:
        f.write('month,scope,metric,value\n')
        for month, scope, metric, value in rows:
            f.write('%s,%s,%s,%s\n' % (month, scope, metric, format_value(value)))


if __name__ == '__main__':
    main()
