#!/usr/bin/env python3
"""Independent, vectorised NumPy implementation of the detention model (v1).

Implements /work/shared/MODEL.md (the reference specification) directly, with
the choices of docs/model.md section 7 where MODEL.md is silent.  It does not
share code or random numbers with riskmc: it is (1) the speed baseline that
riskmc is measured against and (2) an independent cross-check of riskmc's
output distributions (bench/compare_distributions.py).

    python3 bench/detention_numpy.py SCENARIO.ini [-n TRIALS] [-s SEED]
                                     [--out trials.csv] [--series series.csv] [--quiet]

With --series it also keeps the daily series of MODEL.md section 6 (held,
at_large, latent, escaped_cum, infiltrated_cum, transferred_cum) for every
trial and writes their daily mean and quantiles (linear interpolation between
order statistics, numpy.quantile's default and GSL's and riskmc's definition)
as riskmc's series.csv.

Style: state arrays of shape (trials,), (trials, groups) or
(trials, facilities, groups); a Python loop over days; every draw is a
binomial / multinomial / Poisson / hypergeometric count from
numpy.random.Generator (PCG64).  Per-trial parameters are sampled up front.
"""

import os
import sys

try:
    import numpy as np
except ImportError:  # the python3 on PATH may not be Debian's (python3-numpy)
    if os.environ.get("DETENTION_NUMPY_REEXEC") != "1" and os.path.exists("/usr/bin/python3"):
        os.environ["DETENTION_NUMPY_REEXEC"] = "1"
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    raise

import argparse
import configparser
import csv
import datetime as _dt
import math
import re
import time

DT = 1.0 / 365.0
DEFAULT_GROUPS = ["syrian", "other_arab", "iraqi", "foreign"]
DEFAULT_DESTS = ["iraq", "turkey", "jordan", "lebanon", "europe", "west_asia", "africa", "other"]
MULT_KINDS = ("escape", "transfer", "ct", "infiltration", "recruit")


class ScenarioError(Exception):
    pass


# --------------------------------------------------------------------------
# Scenario files
# --------------------------------------------------------------------------

_CITE = re.compile(r"\s*\[[^\[\]]*\]\s*$")


def _strip_value(v):
    v = v.strip()
    v = _CITE.sub("", v)
    return v.strip()


def read_scenario(path, _stack=()):
    """Read an INI scenario, resolving `extends` and `remove`.

    Returns an ordered dict {section: {key: value}} (values stripped of
    citations).  `scenario.name` is not inherited; a child without a name uses
    its file name."""
    path = os.path.abspath(path)
    if path in _stack:
        raise ScenarioError("circular extends: %s" % " -> ".join(_stack + (path,)))
    cp = configparser.ConfigParser(
        interpolation=None,
        delimiters=("=",),
        comment_prefixes=(";", "#"),
        inline_comment_prefixes=(";", "#"),
        strict=False,
        empty_lines_in_values=False,
        default_section="\x00no-default\x00",
    )
    cp.optionxform = str
    try:
        with open(path, encoding="utf-8") as fh:
            cp.read_file(fh, source=path)
    except (OSError, configparser.Error) as e:
        raise ScenarioError("%s: %s" % (path, e))
    own = {}
    for sec in cp.sections():
        own[sec] = {k: _strip_value(v) for k, v in cp.items(sec, raw=True)}

    scen = own.get("scenario", {})
    merged = {}
    if scen.get("extends"):
        parent_path = os.path.join(os.path.dirname(path), scen["extends"])
        merged = read_scenario(parent_path, _stack + (path,))
        merged.get("scenario", {}).pop("name", None)
        # drop parent sections / keys named in `remove`
        for item in [x.strip() for x in scen.get("remove", "").split(",") if x.strip()]:
            if item in merged:
                del merged[item]
                continue
            # section.key, where a section (facility.X) and a key (held0.syrian) may both hold dots
            for sec in sorted((x for x in merged if item.startswith(x + ".")), key=len, reverse=True):
                key = item[len(sec) + 1:]
                if key in merged[sec]:
                    del merged[sec][key]
                    break
            else:
                raise ScenarioError("%s: remove: %s is not a section or key of the parent" % (path, item))
    for sec, kv in own.items():
        merged.setdefault(sec, {})
        merged[sec].update(kv)
    s = merged.setdefault("scenario", {})
    s.pop("extends", None)
    s.pop("remove", None)
    if "name" not in own.get("scenario", {}):
        s["name"] = os.path.splitext(os.path.basename(path))[0]
    return merged


def parse_date(text, what):
    try:
        return _dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ScenarioError("%s: not a date (YYYY-MM-DD): %r" % (what, text))


def parse_bool(text, what):
    t = text.strip().lower()
    if t in ("yes", "true"):
        return True
    if t in ("no", "false"):
        return False
    raise ScenarioError("%s: not yes/no: %r" % (what, text))


def parse_list(text):
    return [x.strip() for x in text.split(",") if x.strip()]


def parse_map(text, names, what):
    """`a: 0.5, b: 0.5` -> vector over `names` (unlisted names get 0)."""
    vec = np.zeros(len(names))
    for item in parse_list(text):
        if ":" not in item:
            raise ScenarioError("%s: map item without ':': %r" % (what, item))
        k, v = item.split(":", 1)
        k = k.strip()
        if k not in names:
            raise ScenarioError("%s: unknown name %r (allowed: %s)" % (what, k, ", ".join(names)))
        vec[names.index(k)] = float(v)
    s = vec.sum()
    if abs(s - 1.0) > 1e-6 or (vec < 0).any():
        raise ScenarioError("%s: shares must be >= 0 and sum to 1 (sum %g)" % (what, s))
    return vec / s


# --------------------------------------------------------------------------
# Distribution expressions
# --------------------------------------------------------------------------

_TOKEN = re.compile(r"\s*(?:(?P<num>[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|(?P<id>[A-Za-z_]\w*)|(?P<op>[(),@]))")


class Dist:
    """A parsed distribution; sample(rng, k) returns k float draws."""

    def __init__(self, kind, args, text, weights=None):
        self.kind = kind
        self.args = args          # numbers, or Dist items for choice
        self.weights = weights
        self.text = text

    @property
    def const(self):
        if self.kind == "const":
            return self.args[0]
        return None

    def sample(self, rng, k):
        a = self.args
        kd = self.kind
        if kd == "const":
            return np.full(k, float(a[0]))
        if kd == "uniform":
            return rng.uniform(a[0], a[1], k)
        if kd == "loguniform":
            return np.exp(rng.uniform(math.log(a[0]), math.log(a[1]), k))
        if kd == "gamma":          # gamma(shape, rate): mean shape/rate
            return rng.gamma(a[0], 1.0 / a[1], k)
        if kd == "beta":
            return rng.beta(a[0], a[1], k)
        if kd == "triangular":
            return rng.triangular(a[0], a[1], a[2], k)
        if kd == "pert":
            lo, mo, hi = a
            al = 1 + 4 * (mo - lo) / (hi - lo)
            be = 1 + 4 * (hi - mo) / (hi - lo)
            return lo + (hi - lo) * rng.beta(al, be, k)
        if kd == "normal":
            return rng.normal(a[0], a[1], k)
        if kd == "lognormal":
            return rng.lognormal(a[0], a[1], k)
        if kd == "truncnormal":
            mu, sd, lo, hi = a
            out = np.empty(k)
            todo = np.arange(k)
            while todo.size:
                x = rng.normal(mu, sd, todo.size)
                ok = (x >= lo) & (x <= hi)
                out[todo[ok]] = x[ok]
                todo = todo[~ok]
            return out
        if kd == "poisson":
            return rng.poisson(a[0], k).astype(float)
        if kd == "choice":
            idx = rng.choice(len(a), size=k, p=self.weights)
            out = np.empty(k)
            for i, item in enumerate(a):
                sel = np.nonzero(idx == i)[0]
                if sel.size:
                    out[sel] = item.sample(rng, sel.size)
            return out
        raise AssertionError(kd)


_ARITY = {"uniform": 2, "loguniform": 2, "gamma": 2, "beta": 2, "triangular": 3, "pert": 3,
          "normal": 2, "lognormal": 2, "truncnormal": 4, "poisson": 1}


def parse_dist(text, what):
    toks = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ScenarioError("%s: cannot read distribution %r at column %d" % (what, text, pos + 1))
        pos = m.end()
        if m.group("num") is not None:
            toks.append(("num", float(m.group("num"))))
        elif m.group("id") is not None:
            toks.append(("id", m.group("id")))
        else:
            toks.append(("op", m.group("op")))
        while pos < len(text) and text[pos].isspace():
            pos += 1
    i = [0]

    def peek():
        return toks[i[0]] if i[0] < len(toks) else (None, None)

    def take(kind=None, val=None):
        t = peek()
        if t[0] is None or (kind and t[0] != kind) or (val is not None and t[1] != val):
            raise ScenarioError("%s: bad distribution %r" % (what, text))
        i[0] += 1
        return t

    def number():
        t = take()
        if t[0] == "num":
            return t[1]
        if t == ("id", "pi"):
            return math.pi
        raise ScenarioError("%s: expected a number in %r" % (what, text))

    def expr():
        t = peek()
        if t[0] == "num" or t == ("id", "pi"):
            return Dist("const", [number()], text)
        name = take("id")[1]
        take("op", "(")
        if name == "choice":
            items, weights = [], []
            while True:
                items.append(expr())
                if peek() == ("op", "@"):
                    take()
                    weights.append(number())
                else:
                    weights.append(None)
                if peek() == ("op", ","):
                    take()
                    continue
                take("op", ")")
                break
            if all(w is None for w in weights):
                w = np.full(len(items), 1.0 / len(items))
            elif any(w is None for w in weights):
                raise ScenarioError("%s: choice needs all weights or none: %r" % (what, text))
            else:
                w = np.array(weights, float)
                if (w < 0).any() or abs(w.sum() - 1) > 1e-9:
                    raise ScenarioError("%s: choice weights must be >= 0 and sum to 1: %r" % (what, text))
                w = w / w.sum()
            return Dist("choice", items, text, w)
        if name not in _ARITY:
            raise ScenarioError("%s: unknown law %r" % (what, name))
        args = [number()]
        while peek() == ("op", ","):
            take()
            args.append(number())
        take("op", ")")
        if len(args) != _ARITY[name]:
            raise ScenarioError("%s: %s takes %d arguments" % (what, name, _ARITY[name]))
        if name in ("uniform", "loguniform") and not args[0] < args[1]:
            raise ScenarioError("%s: %s needs a < b" % (what, name))
        if name == "loguniform" and args[0] <= 0:
            raise ScenarioError("%s: loguniform needs 0 < a" % what)
        return Dist(name, args, text)

    d = expr()
    if i[0] != len(toks):
        raise ScenarioError("%s: trailing text in %r" % (what, text))
    return d


def round_half_away(x):
    x = np.asarray(x, float)
    return (np.sign(x) * np.floor(np.abs(x) + 0.5)).astype(np.int64)


# --------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------

class Model:
    """Scenario -> per-trial parameters (sampled once, before day 0)."""

    def __init__(self, sc, n, rng):
        self.sc = sc
        self.n = n
        self.rng = rng
        self.columns = []          # (name, array) of sampled (non-constant) parameters

        def sec(name):
            return sc.get(name, {})

        self.name = sec("scenario").get("name", "scenario")
        t = sec("time")
        self.start = parse_date(t.get("start_date", ""), "time.start_date")
        self.H = int(t.get("horizon_days", "365"))
        lists = sec("lists")
        self.groups = parse_list(lists["groups"]) if "groups" in lists else list(DEFAULT_GROUPS)
        self.dests = parse_list(lists["destinations"]) if "destinations" in lists else list(DEFAULT_DESTS)
        if "iraq" not in self.dests:
            raise ScenarioError("lists.destinations must include iraq")
        G, D = len(self.groups), len(self.dests)

        # facilities (in file order)
        self.facs = [s[len("facility."):] for s in sc if s.startswith("facility.")]
        if not self.facs:
            raise ScenarioError("no [facility.NAME] section")
        self.fac_held0, self.fac_share, self.fac_rate, self.fac_size = [], [], [], []
        self.fac_trickle, self.fac_elig = [], []
        for f in self.facs:
            s = "facility." + f
            kv = sec(s)
            by_group = [g for g in self.groups if "held0." + g in kv]
            if by_group:  # held0.<group>: exact holdings, groups not given hold nobody
                self.fac_held0.append([self.param(s, "held0." + g, count=True) if g in by_group
                                       else np.zeros(self.n, np.int64) for g in self.groups])
                self.fac_share.append(None)
            else:
                self.fac_held0.append(self.param(s, "held0", count=True))
                self.fac_share.append(parse_map(kv["share"], self.groups, s + ".share"))
            self.fac_rate.append(self.param(s, "event_rate"))
            self.fac_size.append(parse_dist(kv.get("event_size", "1"), s + ".event_size"))
            self.fac_trickle.append(self.param(s, "trickle_rate", default="0"))
            self.fac_elig.append(parse_bool(kv.get("transfer_eligible", "yes"), s + ".transfer_eligible"))

        # initial stocks
        self.latent0 = self.param("initial", "latent0", count=True)
        self.escaped0 = self.param("initial", "escaped0", count=True, default="0")
        ini = sec("initial")
        if "at_large0_share" in ini:
            self.al_share = parse_map(ini["at_large0_share"], self.groups, "initial.at_large0_share")
        else:  # MODEL.md: split by the held0 shares (several facilities: weighted by held0)
            self.al_share = None
        self.iraq0 = self.param("initial", "iraq_custody0", count=True, default="0")
        self.dispersed0 = self.param("initial", "dispersed0", count=True, default="0")

        self.recap = self.param("escape", "recapture_fraction")

        tr = sec("transfer")
        self.t_start = self.day_of(parse_date(tr["start"], "transfer.start")) if "start" in tr else 0
        self.t_rate = self.param("transfer", "rate_per_day", default="0")
        self.t_target = self.param("transfer", "target_total", count=True, default="0")
        self.t_done = self.param("transfer", "done_before_start", count=True, default="0")
        self.t_halt = self.param("transfer", "halt_rate", default="0")

        rp = sec("repatriation")
        self.rep_groups = [self.groups.index(g) for g in parse_list(rp.get("groups", ""))]
        self.rep_rate = self.param("repatriation", "rate", default="0")

        self.ct_removals = self.param("ct", "removals_per_year")
        self.inf_rate = np.stack([self.param("infiltration", "rate." + g) for g in self.groups], axis=1)
        self.lat_inf = self.param("latent", "infiltration_rate")
        route = sec("route")
        self.route = np.stack([parse_map(route[g], self.dests, "route." + g) for g in self.groups])
        self.route_latent = parse_map(route["latent"], self.dests, "route.latent")
        self.breach_rate = self.param("iraq", "breach_rate", default="0")
        self.breach_frac = self.param("iraq", "breach_fraction", default="0")
        self.recruit_rate = self.param("camp", "recruit_rate", default="0")

        # periods: (first day, last day) inclusive, multipliers per kind
        self.periods = []
        for s in sc:
            if not s.startswith("period."):
                continue
            kv = sec(s)
            a = self.day_of(parse_date(kv["start"], s + ".start")) if "start" in kv else -10**9
            b = self.day_of(parse_date(kv["end"], s + ".end")) if "end" in kv else 10**9
            mult = {}
            for k in MULT_KINDS:
                if k in kv:
                    mult[k] = self.param(s, k)
            if not mult:
                raise ScenarioError("%s: a period needs at least one multiplier" % s)
            self.periods.append((s, a, b, mult))

        # shocks, in the order written; grouped by (day, facility)
        self.shocks = {}
        for s in sc:
            if not s.startswith("shock."):
                continue
            kv = sec(s)
            d = self.day_of(parse_date(kv["date"], s + ".date"))
            fac = kv.get("facility", self.facs[0])
            if fac not in self.facs:
                raise ScenarioError("%s.facility: unknown facility %r" % (s, fac))
            size = self.param(s, "size", count=True)
            self.shocks.setdefault((d, self.facs.index(fac)), []).append((s, size))

    def day_of(self, date):
        return (date - self.start).days

    def param(self, section, key, count=False, default=None):
        kv = self.sc.get(section, {})
        if key not in kv:
            if default is None:
                raise ScenarioError("missing %s.%s" % (section, key))
            text = default
        else:
            text = kv[key]
        d = parse_dist(text, "%s.%s" % (section, key))
        x = d.sample(self.rng, self.n)
        if count:
            x = round_half_away(x)
        if d.const is None:
            self.columns.append(("%s.%s" % (section, key), x))
        return x

    def multipliers(self, t):
        m = {}
        for k in MULT_KINDS:
            v = None
            for (_, a, b, mult) in self.periods:
                if a <= t <= b and k in mult:
                    v = mult[k] if v is None else v * mult[k]
            m[k] = np.ones(self.n) if v is None else np.asarray(v, float)
        return m


def mv_hypergeometric(rng, cells, nsample):
    """Multivariate hypergeometric draw, vectorised over rows.

    cells: (k, C) counts; nsample: (k,) with nsample <= cells.sum(1).
    Sequential conditional draws: x_c ~ Hypergeometric(cells[c],
    sum(cells[c+1:]), nsample - sum(x[:c]))."""
    k, C = cells.shape
    out = np.zeros_like(cells)
    left = nsample.astype(np.int64).copy()
    rest = cells.sum(axis=1)
    for c in range(C - 1):
        rest = rest - cells[:, c]
        x = rng.hypergeometric(cells[:, c], rest, left)
        out[:, c] = x
        left -= x
    out[:, C - 1] = left
    return out


def competing_probs(h1, h2):
    """Two competing exits at rates h1, h2 (already multiplied), MODEL.md s.1:
    (c1, c2, rest) ~ Multinomial(n; h1/H*P, h2/H*P, 1-P), P = 1-exp(-H dt).
    Returns (p1, p2 / (1 - p1)) for the exact sequential-binomial form
    c1 ~ Bin(n, p1), c2 ~ Bin(n - c1, p2 / (1 - p1))."""
    H = h1 + h2
    P = -np.expm1(-H * DT)
    with np.errstate(invalid="ignore", divide="ignore"):
        p1 = np.where(H > 0, h1 / H * P, 0.0)
        p2 = np.where(H > 0, h2 / H * P, 0.0)
        p2c = np.where(p1 < 1, p2 / (1 - p1), 0.0)
    return p1, np.clip(p2c, 0.0, 1.0)


def competing(rng, n, probs):
    p1, p2c = probs
    c1 = rng.binomial(n, p1)
    c2 = rng.binomial(n - c1, p2c)
    return c1, c2


OUTPUTS_HEAD = ["escaped", "recaptured", "at_large_end", "latent_end", "force_end", "transferred",
                "held_end", "repatriated", "neutralized", "infiltrated"]
OUTPUTS_TAIL = ["recruits", "escape_events", "iraq_breaches", "iraq_escaped", "first_escape_day"]


SERIES = ("held", "at_large", "latent", "escaped_cum", "infiltrated_cum", "transferred_cum")
SERIES_P = (0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.975)


def simulate(sc, n, seed, keep_series=False):
    rng = np.random.Generator(np.random.PCG64(seed))
    M = Model(sc, n, rng)
    G, D, F, H = len(M.groups), len(M.dests), len(M.facs), M.H
    # step 9: the day's values of every series, every trial (people fit in int32)
    series = np.empty((len(SERIES), H, n), np.int32) if keep_series else None
    iraq_d = M.dests.index("iraq")
    i64 = np.int64

    # ---- state before day 0 ------------------------------------------------
    held = np.zeros((n, F, G), i64)
    for f in range(F):
        if M.fac_share[f] is None:
            held[:, f, :] = np.stack([np.broadcast_to(x, (n,)) for x in M.fac_held0[f]], axis=1)
        else:
            held[:, f, :] = rng.multinomial(M.fac_held0[f], M.fac_share[f])
    J = M.escaped0
    al0 = J - rng.binomial(J, M.recap)
    if M.al_share is not None:
        at_large = rng.multinomial(al0, M.al_share).astype(i64)
    else:  # the held0 shares, weighted by each trial's held0
        h0 = held.sum(axis=2).astype(float)  # (n, F): each facility's day-0 total
        tot = h0.sum(axis=1, keepdims=True)
        w = np.where(tot > 0, h0 / np.where(tot > 0, tot, 1), 1.0 / F)
        mix = np.zeros((n, G))
        for f in range(F):
            if M.fac_share[f] is None:  # held0.<group>: the trial's own split
                named = np.array(["held0." + g in M.sc["facility." + M.facs[f]] for g in M.groups], float)
                hf = held[:, f, :].astype(float)
                sf = np.where(h0[:, f:f + 1] > 0, hf / np.maximum(h0[:, f:f + 1], 1), named / named.sum())
            else:
                sf = np.broadcast_to(np.asarray(M.fac_share[f], float), (n, G))
            mix += w[:, f:f + 1] * sf
        at_large = rng.multinomial(al0, mix / mix.sum(axis=1, keepdims=True)).astype(i64)
    latent = M.latent0.astype(i64).copy()
    dispersed = M.dispersed0.astype(i64).copy()
    iraq = M.iraq0.astype(i64).copy()
    pool = latent + at_large.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ct_rate = np.where(pool > 0, M.ct_removals / np.maximum(pool, 1), 0.0)
    for name, arr in (("held", held), ("at_large", at_large), ("latent", latent),
                      ("dispersed", dispersed), ("iraq_custody", iraq)):
        if (arr < 0).any():
            raise ScenarioError("negative initial %s" % name)

    # ---- counters --------------------------------------------------------------
    escaped = np.zeros(n, i64)
    recaptured = np.zeros(n, i64)
    transferred = np.zeros(n, i64)
    transferred_total = M.t_done.astype(i64).copy()
    target = M.t_target.astype(i64)
    halted = np.zeros(n, bool)
    repatriated = np.zeros(n, i64)
    neutralized = np.zeros(n, i64)
    infil = np.zeros((n, D), i64)
    recruits = np.zeros(n, i64)
    escape_events = np.zeros(n, i64)
    iraq_breaches = np.zeros(n, i64)
    iraq_escaped = np.zeros(n, i64)
    first_escape = np.full(n, -1, i64)

    def conserved():
        return (held.sum(axis=(1, 2)) + at_large.sum(axis=1) + latent + dispersed + iraq
                + recaptured + repatriated + neutralized + infil.sum(axis=1))

    total0 = conserved()
    elig = np.array([f for f in range(F) if M.fac_elig[f]], dtype=np.intp)
    all_g = np.arange(G)
    any_halt = bool(np.any(M.t_halt > 0))
    rep_g = np.array(M.rep_groups, dtype=np.intp)
    p_rep = -np.expm1(-M.rep_rate * DT)
    any_rep = rep_g.size > 0 and bool(np.any(p_rep > 0))
    any_trickle = [bool(np.any(M.fac_trickle[f] > 0)) for f in range(F)]
    p_breach = -np.expm1(-M.breach_rate * DT)
    mcache = {}

    for t in range(H):
        # 1. multipliers (cached by the set of active periods)
        key = tuple(i for i, (_, a, b, _) in enumerate(M.periods) if a <= t <= b)
        if key not in mcache:
            m = M.multipliers(t)
            # daily probabilities depend only on the active multipliers
            h_ct = ct_rate * m["ct"]
            m["p_event"] = [-np.expm1(-M.fac_rate[f] * m["escape"] * DT) for f in range(F)]
            m["p_trickle"] = [-np.expm1(-M.fac_trickle[f] * m["escape"] * DT) for f in range(F)]
            m["p_at_large"] = competing_probs(h_ct[:, None], M.inf_rate * m["infiltration"][:, None])
            m["p_latent"] = competing_probs(h_ct, M.lat_inf * m["infiltration"])
            m["p_recruit"] = -np.expm1(-M.recruit_rate * m["recruit"] * DT)
            mcache[key] = m
        m = mcache[key]

        # 2. transfer to Iraqi custody
        if t >= M.t_start and elig.size:
            cells = held[:, elig, :].reshape(n, -1)
            E = cells.sum(axis=1)
            act = (~halted) & (transferred_total < target) & (E > 0)
            idx = np.nonzero(act)[0]
            if idx.size:
                lam = M.t_rate[idx] * m["transfer"][idx]
                q = np.minimum(np.minimum(rng.poisson(lam), target[idx] - transferred_total[idx]), E[idx])
                go = q > 0
                if go.any():
                    ii, qq = idx[go], q[go]
                    take = mv_hypergeometric(rng, cells[ii], qq)
                    sub = np.ix_(ii, elig, all_g)
                    held[sub] -= take.reshape(ii.size, elig.size, G)
                    iraq[ii] += qq
                    transferred[ii] += qq
                    transferred_total[ii] += qq
                if any_halt:  # drawn on active days, after the transfers (docs 7a)
                    ph = -np.expm1(-M.t_halt[idx] * DT)
                    halted[idx] |= rng.random(idx.size) < ph

        # 3. repatriation
        if any_rep:
            sub = held[:, :, rep_g]
            x = rng.binomial(sub, p_rep[:, None, None])
            held[:, :, rep_g] = sub - x
            repatriated += x.sum(axis=(1, 2))

        # 4. escapes, facility by facility
        for f in range(F):
            day_esc = None
            hold = held[:, f, :].sum(axis=1)
            # 4.1 mass-escape event
            ev = (hold > 0) & (rng.random(n) < m["p_event"][f])
            idx = np.nonzero(ev)[0]
            if idx.size:
                size = round_half_away(M.fac_size[f].sample(rng, idx.size))
                size = np.minimum(np.maximum(size, 1), hold[idx])
                x = mv_hypergeometric(rng, held[idx, f, :], size)
                held[idx, f, :] -= x
                day_esc = np.zeros((n, G), i64)
                day_esc[idx] += x
                escape_events[idx] += 1
            # 4.2 shocks scheduled today at f; a size of 0 is a break that
            # did not happen (no escapee, no event; docs 7c)
            for (_, ssize) in M.shocks.get((t, f), ()):
                hold = held[:, f, :].sum(axis=1)
                idx = np.nonzero((hold > 0) & (ssize >= 1))[0]
                if idx.size:
                    size = np.minimum(ssize[idx], hold[idx])
                    x = mv_hypergeometric(rng, held[idx, f, :], size)
                    held[idx, f, :] -= x
                    if day_esc is None:
                        day_esc = np.zeros((n, G), i64)
                    day_esc[idx] += x
                    escape_events[idx] += 1
            # 4.3 trickle
            if any_trickle[f]:
                x = rng.binomial(held[:, f, :], m["p_trickle"][f][:, None])
                held[:, f, :] -= x
                if day_esc is None:
                    day_esc = np.zeros((n, G), i64)
                day_esc += x
            # recapture at once, the rest join at_large
            if day_esc is not None:
                tot = day_esc.sum(axis=1)
                idx = np.nonzero(tot > 0)[0]
                if idx.size:
                    e = day_esc[idx]
                    r = rng.binomial(e, M.recap[idx, None])
                    recaptured[idx] += r.sum(axis=1)
                    at_large[idx] += e - r
                    escaped[idx] += tot[idx]
                    newf = idx[first_escape[idx] < 0]
                    first_escape[newf] = t

        # 5. breach of Iraqi custody
        idx = np.nonzero(rng.random(n) < p_breach)[0]  # also when custody is empty
        if idx.size:
            x = rng.binomial(iraq[idx], M.breach_frac[idx])
            iraq_breaches[idx] += 1
            iraq[idx] -= x
            iraq_escaped[idx] += x
            infil[idx, iraq_d] += x

        # 6. at large, per group: counter-terrorism vs leaving Syria
        c_ct, c_inf = competing(rng, at_large, m["p_at_large"])
        at_large -= c_ct + c_inf
        neutralized += c_ct.sum(axis=1)
        for g in range(G):
            idx = np.nonzero(c_inf[:, g] > 0)[0]
            if idx.size:
                infil[idx] += rng.multinomial(c_inf[idx, g], M.route[g])

        # 7. latent pool
        c_ct, c_inf = competing(rng, latent, m["p_latent"])
        latent -= c_ct + c_inf
        neutralized += c_ct
        idx = np.nonzero(c_inf > 0)[0]
        if idx.size:
            infil[idx] += rng.multinomial(c_inf[idx], M.route_latent)

        # 8. camp leavers join the latent pool
        x = rng.binomial(dispersed, m["p_recruit"])
        dispersed -= x
        latent += x
        recruits += x

        # 9. invariant: people are conserved, no stock negative
        bad = conserved() != total0
        if bad.any():
            i = int(np.nonzero(bad)[0][0])
            raise RuntimeError("conservation violated in trial %d on day %d (%s): %d != %d"
                               % (i, t, M.start + _dt.timedelta(days=t), conserved()[i], total0[i]))
        if held.min() < 0 or at_large.min() < 0 or latent.min() < 0 or iraq.min() < 0 or dispersed.min() < 0:
            raise RuntimeError("negative stock on day %d" % t)
        if keep_series:
            for k, v in enumerate((held.sum(axis=(1, 2)), at_large.sum(axis=1), latent, escaped,
                                   infil.sum(axis=1), transferred)):
                series[k, t] = v

    at_large_end = at_large.sum(axis=1)
    out = {
        "escaped": escaped, "recaptured": recaptured, "at_large_end": at_large_end,
        "latent_end": latent, "force_end": at_large_end + latent, "transferred": transferred,
        "held_end": held.sum(axis=(1, 2)), "repatriated": repatriated, "neutralized": neutralized,
        "infiltrated": infil.sum(axis=1),
    }
    for d, name in enumerate(M.dests):
        out["infiltrated." + name] = infil[:, d]
    out.update({"recruits": recruits, "escape_events": escape_events, "iraq_breaches": iraq_breaches,
                "iraq_escaped": iraq_escaped, "first_escape_day": first_escape})
    return M, out, series


def write_series(path, M, series):
    """Daily mean and quantiles over trials, riskmc's series.csv columns."""
    tmp = path + ".tmp"
    with open(tmp, "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["series", "day", "date", "n", "mean"] + ["p" + ("%g" % (100 * p)).replace(".", "_")
                                                             for p in SERIES_P])
        # numpy.quantile(x, SERIES_P, axis=1) gives the same numbers; sorting
        # each day once and interpolating is five times as fast
        n = M.n
        idx = np.array(SERIES_P) * (n - 1)
        lo = np.floor(idx).astype(np.intp)
        hi = np.minimum(lo + 1, n - 1)
        frac = idx - lo
        for k, name in enumerate(SERIES):
            x = np.sort(series[k], axis=1)
            q = (x[:, lo] * (1 - frac) + x[:, hi] * frac).T
            mean = series[k].mean(axis=1, dtype=np.float64)
            for t in range(M.H):
                w.writerow([name, t, (M.start + _dt.timedelta(days=t)).isoformat(), M.n, "%.10g" % mean[t]]
                           + ["%.10g" % v for v in q[:, t]])
    os.replace(tmp, path)


def write_csv(path, M, out):
    names = [c for c, _ in M.columns] + list(out.keys())
    cols = [a for _, a in M.columns] + list(out.values())
    n = M.n
    tmp = path + ".tmp"
    with open(tmp, "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["trial"] + names)
        str_cols = []
        for name, a in zip(names, cols):
            a = np.asarray(a)
            if name == "first_escape_day":
                s = ["" if v < 0 else str(v) for v in a.tolist()]
            elif a.dtype.kind in "iu":
                s = [str(v) for v in a.tolist()]
            else:
                s = [repr(float(v)) for v in a.tolist()]
            str_cols.append(s)
        for i in range(n):
            w.writerow([i] + [c[i] for c in str_cols])
    os.replace(tmp, path)


def main(argv=None):
    ap = argparse.ArgumentParser(description="NumPy implementation of the detention model (MODEL.md v1)")
    ap.add_argument("scenario")
    ap.add_argument("-n", "--trials", type=int, default=None)
    ap.add_argument("-s", "--seed", type=int, default=None)
    ap.add_argument("--out", default=None, help="trials CSV (default: trials-numpy-NAME.csv)")
    ap.add_argument("--series", default=None, help="also keep the daily series and write their quantiles here")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args(argv)
    try:
        sc = read_scenario(a.scenario)
        s = sc.get("scenario", {})
        n = a.trials if a.trials is not None else int(s.get("trials", "10000"))
        seed = a.seed if a.seed is not None else int(s.get("seed", "1"))
        if n < 1:
            raise ScenarioError("trials must be >= 1")
        t0 = time.perf_counter()
        M, out, series = simulate(sc, n, seed, keep_series=a.series is not None)
        if a.series:
            write_series(a.series, M, series)
        el = time.perf_counter() - t0
    except ScenarioError as e:
        print("detention_numpy: %s" % e, file=sys.stderr)
        return 2
    path = a.out or ("trials-numpy-%s.csv" % M.name)
    write_csv(path, M, out)
    if not a.quiet:
        print("numpy: %d trials in %.2f s (%.0f trials/s)" % (n, el, n / el), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
