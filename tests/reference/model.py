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
    """3.3: event key paths address agents by id: labs.<id>.<key>, behaviour.<key>, ..."""
    parts = path.split('.')
    if parts[0] in ('nations', 'labs', 'chipmakers'):
        node = next(e for e in sc[parts[0]] if e['id'] == parts[1])
        parts = parts[2:]
    else:
        node = sc
    for p in parts[:-1]:
        node = node[p]
    node[parts[-1]] = wrap(value, path)


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
        self.sc = sc
        self.B = sc['behaviour']
        self.nations = sc['nations']
        self.labs = sc['labs']
        self.chips = sc['chipmakers']
        self.N, self.L, self.M = len(self.nations), len(self.labs), len(self.chips)
        self.nation_index = {n['id']: k for k, n in enumerate(self.nations)}
        self.lab_origin = [self.nation_index[lab['origin']] for lab in self.labs]
        self.draw = Draws(int(sc['seed']))
        self.init_adopters()
        self.init_network()
        L = self.L
        # 3.2 Labs and chipmakers
        self.cap = [float(lab['capability']) for lab in self.labs]
        self.cap0 = list(self.cap)
        self.cost0 = [float(lab['cost']) for lab in self.labs]
        self.val = [float(lab['valuation']) for lab in self.labs]
        self.rbar = [0.0] * L
        self.open = [bool(lab['open']) for lab in self.labs]
        self.open_prev = list(self.open)
        self.has_frozen = [False] * L
        self.cap_frozen = [0.0] * L
        self.s_prev = [0.0] * L
        self.d_prev = [0.0] * L
        self.cost_prev = None
        self.e_prev = None
        self.eco = [float(c['ecosystem']) for c in self.chips]
        self.rationed = [1.0] * self.M
        self.rule_counter = [0] * self.N
        self.rule_fired = [False] * self.N
        self.D_prev = [0.0] * self.N
        self.first_closed_val = None
        self.start_frontier = max(self.cap0)

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
    def bloc_shares(self, n):
        b = self.nations[n]['bloc']
        v = [float(b[x]) for x in BLOCS]
        s = sum(v)
        return [x / s for x in v]

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
        bh = [self.bloc_shares(n) for n in range(self.N)]
        R = [[0.0] * self.N for _ in range(self.N)]
        for n in range(self.N):
            for o in range(self.N):
                if n != o:
                    s = 0.0
                    for x in range(3):
                        for y in range(3):
                            s += bh[n][x] * H[x][y] * bh[o][y]
                    R[n][o] = s
        self.R = R
        threshold = self.B['rival_threshold']
        self.rival = [[n != o and R[n][o] >= threshold for o in range(self.N)] for n in range(self.N)]

    # 3.7 Effective performance: (e, chip) of the best chip for lab j's models and buyer nation b
    def best_chip(self, j, b):
        if self.M == 0:
            return 1.0, None
        affinity = self.labs[j]['affinity']
        buyer = self.nations[b]['id']
        best, best_m = -1.0, None
        for m, c in enumerate(self.chips):
            if buyer in c['export_banned_to']:
                e = 0.0
            else:
                e = float(c['perf_per_dollar']) * float(affinity.get(c['id'], 1.0)) * self.eco[m]
            if e > best:  # strict: the first chipmaker wins ties
                best, best_m = e, m
        if best <= 0:
            return 0.05, None  # old or grey-market hardware
        return best, best_m

    # 3.10 Token demand, in exactly the documented order of operations
    def token_demand(self, tau):
        G = math.log1p(self.B['demand_growth'])
        H = self.B['demand_growth_halflife']
        # exp2, as the document says: 2 ** x is C's pow(2, x), which differs from exp2 in the last bit for
        # some x (found by random_check.py: H = 3.57636, tau = 24)
        return self.B['tokens_per_month'] * math.exp(G * H / math.log(2) * (1 - math.exp2(-(tau / 12) / H)))

    # 3.7 Serving cost
    def serving_cost(self, j, c, tau):
        B = self.B
        return (self.cost0[j] * (1 - B['cost_decline']) ** (tau / 12)
                * math.exp(B['capability_cost'] * (c - self.cap0[j])))

    # 3.7 Closed price; E_j counts open rivals within the window, never j itself
    def closed_price(self, j, C, e, s_prev, open_now):
        lab = self.labs[j]
        W = self.B['commoditization_window']
        E = 0.0
        for k in range(self.L):
            if k != j and open_now[k] and self.cap[k] >= self.cap[j] - W:
                E += s_prev[k]
        return C / e * (1 + lab['markup'] * max(0.0, 1 - self.B['commoditization'] * E)) * (1 - lab['subsidy'])

    # 3.7 Hosted price of open weights
    def hosted_price(self, j, C, e):
        return C / e * (1 + self.B['hosting_margin']) * (1 - self.labs[j]['subsidy'])

    # 1.3 One month, its steps in the documented order
    def step(self, tau, rows):
        month = month_label(self.sc['start'], tau)
        t = SimpleNamespace(tau=tau)  # this month's quantities
        self.apply_events(month)
        self.origin_risk()
        self.policy_rules()
        if tau > 0:
            self.release_decisions(tau)
        newly_closed = self.strand()
        self.materials_supply(t)
        self.prices(t)
        self.choice_tables(t)
        self.update_adopters(tau, t.avail, t.V, newly_closed)
        self.sums(t)
        self.money(t)
        self.outputs(rows, month, t)
        self.advance_capability(t)
        self.mature_ecosystems(t)
        self.s_prev, self.d_prev, self.open_prev = t.s, t.d, list(self.open)

    # 3.3 Events
    def apply_events(self, month):
        for ev in self.sc['events']:
            if str(ev['at']) == month:
                for key, value in ev['set'].items():
                    set_key(self.sc, key, value)
        # release decisions are written back to the scenario, so this picks up decisions and events
        self.open = [bool(lab['open']) for lab in self.labs]

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

    # 3.5 Loss leaders and adaptive labs
    def release_decisions(self, tau):
        B = self.B
        open_before = list(self.open)
        new_open = list(open_before)
        T = self.token_demand(tau)  # this month's T, with last month's cost and performance
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
                pi_open = B['open_api_share'] * self.d_prev[j] * T * p_open / 1e6 + I * self.s_prev[j] - penalty
                pi_closed = B['close_retention'] * self.d_prev[j] * T * p_closed / 1e6
                current, other = (pi_open, pi_closed) if open_before[j] else (pi_closed, pi_open)
                if other - current > B['strategy_hysteresis'] * abs(current):
                    new_open[j] = not open_before[j]
        for j, lab in enumerate(self.labs):
            self.open[j] = new_open[j]
            lab['open'] = new_open[j]

    # 3.5 Stranding: returns which labs closed since last month
    def strand(self):
        newly_closed = [self.open_prev[j] and not self.open[j] for j in range(self.L)]
        for j in range(self.L):
            if newly_closed[j]:
                # a lab closing again replaces its frozen version; holders keep index L + j
                self.has_frozen[j] = True
                self.cap_frozen[j] = self.cap[j]
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
        L, N, NO = self.L, self.N, 2 * self.L
        own = [self.best_chip(j, self.lab_origin[j]) for j in range(L)]
        t.e_own = [e for e, _ in own]
        t.m_own = [m for _, m in own]
        C = [self.serving_cost(j, self.cap[j], t.tau) for j in range(L)]
        C_frozen = [self.serving_cost(j, self.cap_frozen[j], t.tau) if self.has_frozen[j] else 0.0
                    for j in range(L)]
        s_for_E = self.s_prev if t.tau > 0 else [0.0] * L
        t.P = []
        for j in range(L):
            if self.open[j]:
                t.P.append(bounded_price(self.hosted_price(j, C[j], t.e_own[j])))
            else:
                t.P.append(bounded_price(self.closed_price(j, C[j], t.e_own[j], s_for_E, self.open)))
        self.cost_prev, self.e_prev = C, t.e_own  # next month's release decisions use these
        # Price and chip of each option for each buyer nation: open weights, current or frozen,
        # run on the best chip the nation may buy; closed models on their lab's own chip
        t.price_no = [[0.0] * NO for _ in range(N)]
        t.chip_no = [[None] * NO for _ in range(N)]
        for n in range(N):
            for j in range(L):
                if self.open[j]:
                    e, m = self.best_chip(j, n)
                    t.price_no[n][j] = bounded_price(self.hosted_price(j, C[j], e))
                    t.chip_no[n][j] = m
                else:
                    t.price_no[n][j] = t.P[j]
                    t.chip_no[n][j] = t.m_own[j]
                if self.has_frozen[j]:
                    e, m = self.best_chip(j, n)
                    t.price_no[n][L + j] = bounded_price(self.hosted_price(j, C_frozen[j], e))
                    t.chip_no[n][L + j] = m

    # 3.8 Choice tables
    def choice_tables(self, t):
        L, N, NO = self.L, self.N, 2 * self.L
        U = self.B['utility']
        bc, bp, bo = U['capability'], U['price'], U['openness']
        t.avail = [[[False] * NO for _ in range(3)] for _ in range(N)]
        t.V = [[[0.0] * NO for _ in range(3)] for _ in range(N)]
        for n in range(N):
            nat = self.nations[n]
            for s in range(3):
                omega = self.B['openness_weight'][SECTORS[s]]
                for j in range(L):
                    oj = self.lab_origin[j]
                    banned = self.rival[n][oj] and SECTORS[s] in nat['ban_rival_models_in']
                    denied = (not self.open[j]) and oj != n and nat['id'] in self.nations[oj]['deny_frontier_access']
                    t.avail[n][s][j] = not banned and not denied
                    t.V[n][s][j] = (bc * self.cap[j] - bp * math.log(t.price_no[n][j])
                                    + (bo * omega if self.open[j] else 0.0))
                    if self.has_frozen[j]:
                        t.avail[n][s][L + j] = not banned  # frozen weights cannot be denied, only banned
                        t.V[n][s][L + j] = (bc * self.cap_frozen[j] - bp * math.log(t.price_no[n][L + j])
                                            + bo * omega)

    # 3.10 Sums, usage and revenue; index 2L of each cell is "no option"
    def sums(self, t):
        L, N, M, NO = self.L, self.N, self.M, 2 * self.L
        t.Wt = [[[0.0] * (NO + 1) for _ in range(3)] for _ in range(N)]
        t.Ct = [[[0] * (NO + 1) for _ in range(3)] for _ in range(N)]
        for i in range(self.A):
            t.Wt[self.nat[i]][self.sec[i]][self.x[i]] += self.w[i]
            t.Ct[self.nat[i]][self.sec[i]][self.x[i]] += 1
        t.wo = [sum(t.Wt[n][s][o] for n in range(N) for s in range(3)) for o in range(NO + 1)]
        total_w = sum(t.wo)
        t.adopted_w = total_w - t.wo[NO]
        t.s = [(t.wo[j] / t.adopted_w if t.adopted_w > 0 else 0.0) for j in range(L)]
        t.d = [t.wo[j] / total_w for j in range(L)]
        z = [0.0] * M
        for n in range(N):
            for s in range(3):
                for o in range(NO):
                    if t.chip_no[n][o] is not None:
                        z[t.chip_no[n][o]] += t.Wt[n][s][o]
        t.z = [(v / t.adopted_w if t.adopted_w > 0 else 0.0) for v in z]
        T = self.token_demand(t.tau)
        t.revenue = []
        for j in range(L):
            r = t.d[j] * T * t.P[j] / 1e6
            if self.open[j]:
                r *= self.B['open_api_share']
            t.revenue.append(r)

    # 3.11 Money and compute
    def money(self, t):
        B = self.B
        L, M = self.L, self.M
        spend = [0.0] * L
        for j in range(L):
            R = t.revenue[j]
            self.rbar[j] = R if self.rbar[j] == 0 else self.rbar[j] + (R - self.rbar[j]) / 12
            g = 0.0 if self.rbar[j] == 0 else max(-1.0, min(1.0, R / self.rbar[j] - 1))
            target = 12 * R * (B['valuation_multiple'] + B['growth_multiple'] * max(0.0, g))
            self.val[j] = target if self.val[j] <= 0 else self.val[j] + (target - self.val[j]) / 6
            spend[j] = self.labs[j]['funding'] + B['invest_rate'] * self.val[j] / 12
        t.demand = [0.0] * M
        for j in range(L):
            if t.m_own[j] is not None:
                t.demand[t.m_own[j]] += spend[j] * t.e_own[j]
        t.deliverable = [self.chips[m]['capacity'] * t.sigma[m] for m in range(M)]
        for m in range(M):
            # set before the compute factors that use it
            self.rationed[m] = t.deliverable[m] / t.demand[m] if t.demand[m] > t.deliverable[m] else 1.0
        t.f = []
        for j in range(L):
            r = self.rationed[t.m_own[j]] if t.m_own[j] is not None else 1.0
            try:
                x = (spend[j] * t.e_own[j] * r / B['reference_compute_spend']) ** B['compute_elasticity']
            except OverflowError:
                x = math.inf
            t.f.append(2.0 if math.isinf(x) else 2 - 2 / (1 + x))

    # 3.12 Capability: all labs read month t and write t + 1
    def advance_capability(self, t):
        B = self.B
        new_cap = []
        for k, lab in enumerate(self.labs):
            c = self.cap[k] + lab['capability_growth'] * t.f[k]
            if lab['distill']:
                F = self.cap[k]
                for j in range(self.L):
                    if j != k and (self.open[j] or (
                            self.labs[j]['distillable'] and
                            self.nations[self.lab_origin[k]]['id'] not in
                            self.nations[self.lab_origin[j]]['deny_frontier_access'])):
                        F = max(F, self.cap[j])
                c += B['distillation_rate'] * (F - self.cap[k])
            if self.open[k]:
                c += B['community_rate'] * t.s[k]
            new_cap.append(c)
        self.cap = new_cap

    # 3.13 Ecosystems
    def mature_ecosystems(self, t):
        s_sum = sum(t.s)
        for m in range(self.M):
            pull = 0.0  # while nobody uses any lab
            if s_sum > 0:
                pull = sum(t.s[j] * float(self.labs[j]['affinity'].get(self.chips[m]['id'], 1.0))
                           for j in range(self.L)) / s_sum
            self.eco[m] = self.eco[m] + self.B['ecosystem_growth'] * (1 - self.eco[m]) * 0.5 * (t.z[m] + pull)

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

    def update_adopters(self, tau, avail, V, newly_closed):
        B = self.B
        L, A = self.L, self.A
        NO = 2 * L
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
        beta_r, beta_n, beta_sw = B['utility']['origin_risk'], B['utility']['neighbours'], B['utility']['switching_cost']
        discount = [lab['risk_discount'] for lab in self.labs]
        xnew = list(xold)
        for i in range(A):
            if i % 4 == 0:
                event_words = self.draw(i // 4, tau + 1, PURPOSE_EVENT)  # one call serves four adopters
            ue = uniform(event_words[i % 4])
            o0 = xold[i]
            if 0 <= o0 < L and newly_closed[o0]:
                o0 = L + o0  # 3.5: its users now hold the frozen version
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
                if not avail[n][s][o] or (o >= L and o != o0):
                    continue
                j = o if o < L else o - L
                u = V[n][s][o] - beta_r * self.rho[i] * (1 - discount[j]) * self.R[n][self.lab_origin[j]] + beta_n * S[o]
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

    # outputs.md "Sums": (sum_n sum_o W_{n,o} P_{n,o}) / adopted weight, nations outer, options inner
    def price_index(self, Wt, price_no, nations, adopted):
        paid = 0.0
        for n in nations:
            for o in range(2 * self.L):
                W = Wt[n][0][o] + Wt[n][1][o] + Wt[n][2][o]
                if W > 0:
                    paid += W * price_no[n][o]
        return paid / adopted

    # outputs.md: rows in a fixed order; world, then nations, labs and chipmakers in scenario order
    def outputs(self, rows, month, t):
        B = self.B
        Wt, Ct, price_no, chip_no = t.Wt, t.Ct, t.price_no, t.chip_no
        L, N, M = self.L, self.N, self.M
        NO = 2 * L
        lab_bloc = [self.dominant_bloc(self.lab_origin[j]) for j in range(L)]

        def is_open(o):
            return o >= L or self.open[o]  # frozen versions count as open

        def lab_of(o):
            return o if o < L else o - L

        def row(scope, metric, value):
            rows.append((month, scope, metric, value))

        def share(v, of):
            return v / of if of > 0 else 0.0

        def weights(nations):
            w = [0.0] * (NO + 1)
            for n in nations:
                for s in range(3):
                    for o in range(NO + 1):
                        w[o] += Wt[n][s][o]
            total = sum(w)
            return w, total, total - w[NO]

        def usage_rows(scope, w, adopted):
            for b in range(3):
                for op in (False, True):
                    v = sum(w[o] for o in range(NO) if lab_bloc[lab_of(o)] == b and is_open(o) == op)
                    row(scope, 'usage_share.%s_%s' % (BLOCS[b], 'open' if op else 'closed'), share(v, adopted))
            for b in range(3):
                v = sum(w[o] for o in range(NO) if lab_bloc[lab_of(o)] == b)
                row(scope, 'influence.%s' % BLOCS[b], share(v, adopted))
            row(scope, 'stranded_share', share(sum(w[o] for o in range(L, NO)), adopted))

        # scope world
        w, total, adopted = weights(range(N))
        row('world', 'adoption', adopted / total)
        row('world', 'adopters_using', sum(Ct[n][s][o] for n in range(N) for s in range(3) for o in range(NO)))
        row('world', 'adopters_total', self.A)
        row('world', 'stranded_adopters', sum(Ct[n][s][o] for n in range(N) for s in range(3) for o in range(L, NO)))
        usage_rows('world', w, adopted)
        row('world', 'frontier_capability', max(self.cap))
        us = [self.cap[j] for j in range(L) if lab_bloc[j] == 0]
        cn = [self.cap[j] for j in range(L) if lab_bloc[j] == 1]
        if us and cn:
            row('world', 'capability_gap_us_china', max(us) - max(cn))
        closed = [self.cap[j] for j in range(L) if not self.open[j]]
        opened = [self.cap[j] for j in range(L) if self.open[j]]
        if closed and opened:
            row('world', 'open_closed_lag', max(closed) - max(opened))
        if adopted > 0:
            row('world', 'price_index', self.price_index(Wt, price_no, range(N), adopted))
        else:
            mean = 0.0
            for j in range(L):
                mean += t.P[j] / L
            row('world', 'price_index', mean)
        row('world', 'revenue_closed_labs', sum(t.revenue[j] for j in range(L) if not self.open[j]))
        cc = B['capability_cost']
        row('world', 'price_fixed_capability',
            min(t.P[j] * math.exp(-cc * (self.cap[j] - self.start_frontier))
                for j in range(L) if self.cap[j] >= self.start_frontier))
        closed_val = sum(self.val[j] for j in range(L) if not self.open[j])
        if self.first_closed_val is None:
            self.first_closed_val = closed_val
        row('world', 'closed_value_index',
            closed_val / self.first_closed_val if self.first_closed_val != 0 else 0.0)
        lost = (sum(min(t.demand[m], self.chips[m]['capacity']) for m in range(M))
                - sum(min(t.demand[m], t.deliverable[m]) for m in range(M)))
        row('world', 'compute_lost_materials', share(lost, sum(t.demand)))
        for s in range(3):
            sector_w = sum(Wt[n][s][o] for n in range(N) for o in range(NO))
            open_w = sum(Wt[n][s][o] for n in range(N) for o in range(NO) if is_open(o))
            row('world', 'open_share.%s' % SECTORS[s], share(open_w, sector_w))

        # scope nation:<id>
        D = []
        for n in range(N):
            scope = 'nation:%s' % self.nations[n]['id']
            w, total, adopted = weights([n])
            row(scope, 'adoption', share(adopted, total))
            usage_rows(scope, w, adopted)
            D.append(share(sum(w[o] for o in range(NO) if self.rival[n][self.lab_origin[lab_of(o)]]), adopted))
            row(scope, 'rival_model_dependency', D[n])
            v = 0.0
            for o in range(NO):
                m = chip_no[n][o]
                if m is not None and self.rival[n][self.nation_index[self.chips[m]['origin']]]:
                    v += w[o]
            row(scope, 'rival_hardware_dependency', share(v, adopted))
            row(scope, 'price_index', self.price_index(Wt, price_no, [n], adopted) if adopted > 0 else 0.0)
            row(scope, 'rule_ban_active', 1 if self.rule_fired[n] else 0)
            for m in range(M):
                row(scope, 'chip_share.%s' % self.chips[m]['id'],
                    share(sum(w[o] for o in range(NO) if chip_no[n][o] == m), adopted))
        self.D_prev = D  # 3.4: next month's dependency rules read this month's D_n

        # scope lab:<id>
        for j in range(L):
            scope = 'lab:%s' % self.labs[j]['id']
            row(scope, 'usage_share', t.s[j])
            row(scope, 'stranded_share', share(t.wo[L + j], t.adopted_w))
            row(scope, 'capability', self.cap[j])
            row(scope, 'price', t.P[j])
            row(scope, 'revenue', t.revenue[j])
            row(scope, 'valuation', self.val[j])
            row(scope, 'compute_factor', t.f[j])
            row(scope, 'open', 1 if self.open[j] else 0)

        # scope chipmaker:<id>
        for m in range(M):
            scope = 'chipmaker:%s' % self.chips[m]['id']
            row(scope, 'compute_share', t.z[m])
            row(scope, 'ecosystem', self.eco[m])
            row(scope, 'supply', t.sigma[m])
            row(scope, 'rationed', self.rationed[m])


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
