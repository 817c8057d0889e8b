#!/usr/bin/env python3
"""Compare riskmc's per-trial output distributions with another implementation's.

    python3 bench/compare_distributions.py RISKMC_RESULTS_DIR_OR_CSV OTHER_TRIALS_CSV
        [--z-max 4.5] [--alpha 0.001] [--no-params] [--only NAME,...]

For every column present in both files (the outputs of MODEL.md section 6 and,
unless --no-params, the sampled parameters), prints: the two means, the
two-sample z statistic of the difference of means, p5/p50/p95 of each
(linear interpolation, "type 7"), and the two-sample Kolmogorov-Smirnov
statistic D with its critical value at --alpha:
    D_crit = sqrt(-ln(alpha/2) / 2) * sqrt((n1 + n2) / (n1 n2)).
(For discrete outputs the KS test is conservative: the critical value still
bounds the false-alarm rate.)  Columns with missing values (first_escape_day is
empty when nobody escaped) are compared on their non-missing values, and the
share missing is compared with a two-proportion z test.

Exit status 1 if any column has |z| > --z-max or D > D_crit (or a share-missing
|z| > --z-max); 0 otherwise; 2 on a usage error.
"""

import os
import sys

try:
    import numpy as np
except ImportError:
    if os.environ.get("DETENTION_NUMPY_REEXEC") != "1" and os.path.exists("/usr/bin/python3"):
        os.environ["DETENTION_NUMPY_REEXEC"] = "1"
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    raise

import argparse
import csv
import math

OUTPUTS = ["escaped", "recaptured", "at_large_end", "latent_end", "force_end", "transferred",
           "held_end", "repatriated", "neutralized", "infiltrated", "recruits", "escape_events",
           "iraq_breaches", "iraq_escaped", "first_escape_day"]


def is_output(name):
    return name in OUTPUTS or name.startswith("infiltrated.")


def read_trials(path):
    if os.path.isdir(path):
        path = os.path.join(path, "trials.csv")
    with open(path, newline="") as fh:
        r = csv.reader(fh)
        header = next(r)
        rows = list(r)
    cols = {}
    for j, name in enumerate(header):
        if name == "trial":
            continue
        vals = [row[j] for row in rows]
        cols[name] = np.array([float(v) if v != "" else np.nan for v in vals])
    return path, header, cols


def ks_2samp(a, b):
    a = np.sort(a)
    b = np.sort(b)
    grid = np.concatenate([a, b])
    fa = np.searchsorted(a, grid, side="right") / a.size
    fb = np.searchsorted(b, grid, side="right") / b.size
    return float(np.max(np.abs(fa - fb)))


def zstat(m1, v1, n1, m2, v2, n2):
    se = math.sqrt(v1 / n1 + v2 / n2)
    if se == 0:
        return 0.0 if m1 == m2 else math.inf
    return (m1 - m2) / se


def fmt(x):
    if isinstance(x, float) and (math.isnan(x) or math.isinf(x)):
        return str(x)
    if abs(x) >= 1000 or x == int(x):
        return "%.0f" % x if abs(x) >= 100 else "%.4g" % x
    return "%.4g" % x


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("riskmc", help="riskmc results folder (or its trials.csv)")
    ap.add_argument("other", help="other implementation's trials.csv")
    ap.add_argument("--z-max", type=float, default=4.5)
    ap.add_argument("--alpha", type=float, default=0.001)
    ap.add_argument("--no-params", action="store_true", help="compare outputs only")
    ap.add_argument("--only", default=None, help="comma-separated column names")
    a = ap.parse_args(argv)
    try:
        pa, ha, A = read_trials(a.riskmc)
        pb, hb, B = read_trials(a.other)
    except (OSError, StopIteration, ValueError) as e:
        print("compare_distributions: %s" % e, file=sys.stderr)
        return 2
    c_alpha = math.sqrt(-math.log(a.alpha / 2) / 2)
    names = [n for n in ha if n in B and n != "trial"]
    outs = [n for n in names if is_output(n)]
    pars = [] if a.no_params else [n for n in names if not is_output(n)]
    if a.only:
        keep = set(x.strip() for x in a.only.split(","))
        outs = [n for n in outs if n in keep]
        pars = [n for n in pars if n in keep]
    only_a = [n for n in ha if n not in B and n != "trial"]
    only_b = [n for n in hb if n not in A and n != "trial"]

    print("A = riskmc: %s" % pa)
    print("B = other:  %s" % pb)
    print("fail if |z| > %g or KS D > D_crit (alpha = %g)" % (a.z_max, a.alpha))
    if only_a:
        print("columns only in A: %s" % ", ".join(only_a))
    if only_b:
        print("columns only in B: %s" % ", ".join(only_b))
    head = ("%-38s %6s %6s %11s %11s %7s  %-23s %-23s %6s %6s  %s"
            % ("column", "nA", "nB", "mean A", "mean B", "z", "A p5 / p50 / p95",
               "B p5 / p50 / p95", "KS D", "crit", "verdict"))
    failures = []
    worst_z = (0.0, "")
    worst_d = (0.0, "")
    for title, group in (("outputs", outs), ("sampled parameters", pars)):
        if not group:
            continue
        print()
        print("%s:" % title)
        print(head)
        print("-" * len(head))
        for name in group:
            x, y = A[name], B[name]
            xm, ym = np.isnan(x), np.isnan(y)
            x, y = x[~xm], y[~ym]
            notes = []
            bad = False
            if xm.any() or ym.any():
                pa_, pb_ = xm.mean(), ym.mean()
                pp = (xm.sum() + ym.sum()) / (xm.size + ym.size)
                se = math.sqrt(pp * (1 - pp) * (1 / xm.size + 1 / ym.size))
                zm = 0.0 if se == 0 else (pa_ - pb_) / se
                notes.append("missing A %.4f B %.4f z %.2f" % (pa_, pb_, zm))
                if abs(zm) > a.z_max:
                    bad = True
            if x.size < 2 or y.size < 2:
                print("%-38s too few values" % name)
                continue
            z = zstat(x.mean(), x.var(ddof=1), x.size, y.mean(), y.var(ddof=1), y.size)
            D = ks_2samp(x, y)
            crit = c_alpha * math.sqrt((x.size + y.size) / (x.size * y.size))
            if abs(z) > a.z_max:
                bad = True
                notes.insert(0, "MEAN")
            if D > crit:
                bad = True
                notes.insert(0, "KS")
            qa = np.quantile(x, [0.05, 0.5, 0.95])
            qb = np.quantile(y, [0.05, 0.5, 0.95])
            verdict = ("DIFFER " if bad else "ok ") + "; ".join(notes)
            print("%-38s %6d %6d %11s %11s %7.2f  %-23s %-23s %6.4f %6.4f  %s"
                  % (name, x.size, y.size, fmt(float(x.mean())), fmt(float(y.mean())), z,
                     " / ".join(fmt(float(v)) for v in qa), " / ".join(fmt(float(v)) for v in qb),
                     D, crit, verdict))
            if bad:
                failures.append(name)
            if abs(z) > worst_z[0]:
                worst_z = (abs(z), name)
            if D / crit > worst_d[0]:
                worst_d = (D / crit, name)
    print()
    print("largest |z| %.2f (%s); largest KS D / D_crit %.2f (%s)" % (worst_z + worst_d))
    if failures:
        print("DIFFER: %d column(s): %s" % (len(failures), ", ".join(failures)))
        return 1
    print("all %d column(s) agree" % (len(outs) + len(pars)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
